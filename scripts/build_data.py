"""Rebuild the tidy tables in data/ from the checked source files in ../shared/data-sources.

Run deliberately (``python scripts/build_data.py [SOURCE_DIR]``) when the sources change; the
notebooks never run it. Values are copied exactly as the source files state them: this script
only reshapes (wide to long), splits qualifiers such as "~" or "more than" into their own column,
and carries every row's source URL, verified flag and note along.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data-sources"
OUT = ROOT / "data"

URL = re.compile(r"https?://[^\s),;']+")


def read(src: Path, name: str) -> list[dict[str, str]]:
    with (src / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(name: str, fields: list[str], rows: list[dict[str, object]]) -> None:
    with (OUT / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in fields})


def yes(flag: str) -> str:
    if flag not in {"yes", "no"}:
        raise ValueError(f"verified flag must be yes/no, got {flag!r}")
    return "true" if flag == "yes" else "false"


# Where a source file gives the export/import split on a page other than the total's page, the
# note names that page. These are the years whose split the SOURCES.md calls verified.
SPLIT_VERIFIED_GACC = {2007, 2010, 2016, 2017, 2018, 2019, 2020, 2022, 2023, 2024, 2025}
SPLIT_URL_GACC = {
    2007: "https://en.portnews.ru/news/10642",
    2023: "https://ua.korrespondent.net/world/4655116-torhovlia-mezhdu-kytaem-s-rossyei-v-proshlom-hodu-dostyhla-rekordnykh-240-mlrd",
    2025: "https://www.bs178.com/s-1-2404961e15793e7c",
}

TRADE_FIELDS = ["year", "reporter", "flow", "value_usd_bn", "source_url", "verified", "note"]


def trade(src: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for r in read(src, "trade_annual_gacc.csv"):
        year = int(r["year"])
        rows.append(
            dict(
                year=year,
                reporter="china_customs",
                flow="total",
                value_usd_bn=r["total_usd_bn"],
                source_url=r["source_url"],
                verified=yes(r["verified"]),
                note=r["note"],
            )
        )
        split_ok = year in SPLIT_VERIFIED_GACC and "exp/imp unverified" not in r["note"]
        for flow, col in (
            ("china_to_russia", "china_exports_to_russia_usd_bn"),
            ("russia_to_china", "china_imports_from_russia_usd_bn"),
        ):
            if not r[col]:
                continue
            rows.append(
                dict(
                    year=year,
                    reporter="china_customs",
                    flow=flow,
                    value_usd_bn=r[col],
                    source_url=SPLIT_URL_GACC.get(year, r["source_url"]) if split_ok else "",
                    verified="true" if split_ok else "false",
                    note=(
                        "Export/import split as stated on the source page."
                        if split_ok
                        else "[exp/imp unverified] Best-known GACC value (or derived, see the "
                        "total row's note); no source page states it."
                    ),
                )
            )
    for r in read(src, "trade_annual_russia_fcs.csv"):
        year = int(r["year"])
        for flow, col in (
            ("total", "total_usd_bn"),
            ("russia_to_china", "russia_exports_to_china_usd_bn"),
            ("china_to_russia", "russia_imports_from_china_usd_bn"),
        ):
            if not r[col]:
                continue
            rows.append(
                dict(
                    year=year,
                    reporter="russia",
                    flow=flow,
                    value_usd_bn=r[col],
                    source_url=r["source_url"],
                    verified=yes(r["verified"]),
                    note=r["note"],
                )
            )
    return rows


TARGET_FIELDS = [
    "target_id",
    "target_usd_bn",
    "target_high_usd_bn",
    "deadline_year",
    "deadline_as_stated",
    "year_set",
    "set_as_stated",
    "set_by",
    "status",
    "outcome",
    "context",
    "source_url",
    "verified",
]


# Deliberate corrections (content review D6): the cited page names no leaders, only "Moscow and
# Beijing", through the Chinese ambassador. Keyed by the source's set_by and source_url.
SET_BY_CORRECTIONS = {
    "Presidents Xi Jinping and Putin|https://tass.com/economy/1073344": (
        "Moscow and Beijing (per Chinese ambassador Zhang Hanhui, Aug 2019)"
    ),
}


def targets(src: Path) -> list[dict[str, object]]:
    rows = []
    for r in read(src, "targets.csv"):
        low, _, high = r["target_usd_bn"].partition("-")
        # "not stated (Moscow Times: 'by 2024')" is not an official deadline: leave it blank.
        stated = r["deadline_year"]
        deadline = [] if stated.startswith("not stated") else re.findall(r"\d{4}", stated)
        set_year = re.match(r"\d{4}", r["year_set"])
        assert set_year, r
        outcome = r["outcome_per_gacc"]
        status = outcome.split(":")[0].strip().lower().split(" (")[0].replace(" ", "_")
        rows.append(
            dict(
                target_id=f"{r['target_usd_bn']}bn-by-{deadline[-1] if deadline else 'unstated'}",
                target_usd_bn=low,
                target_high_usd_bn=high,
                deadline_year=deadline[-1] if deadline else "",
                deadline_as_stated=r["deadline_year"],
                year_set=set_year.group(0),
                set_as_stated=r["year_set"],
                set_by=SET_BY_CORRECTIONS.get(r["set_by"] + "|" + r["source_url"], r["set_by"]),
                status=status,
                outcome=outcome,
                context=r["context"],
                source_url=r["source_url"],
                verified=yes(r["verified"]),
            )
        )
    return rows


EVENT_FIELDS = [
    "date",
    "year",
    "date_precision",
    "event",
    "category",
    "source_url",
    "verified",
    "note",
]


# The events' dates, categories, source URLs and flags come from the shared source file; the
# descriptions and notes there are research notes, so the project writes its own wording of
# each (data/sources/events-wording.csv, one row per shared date). Events the project added
# itself live in data/sources/events-extra.csv, in the shared file's format, so that a rebuild
# keeps them.
OWN_SOURCES = ROOT / "data" / "sources"


def urls(text: str) -> set[str]:
    """The URLs in a note (a full stop right after a URL ends the sentence, not the URL)."""
    return {u.rstrip(".") for u in URL.findall(text)}


def _date_key(date: str) -> tuple[int, ...]:
    return tuple(int(p) for p in date.split("-"))


def _event_row(r: dict[str, str]) -> dict[str, object]:
    parts = r["date"].split("-")
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return dict(r, year=parts[0], date_precision=precision, verified=yes(r["verified"]))


def events(src: Path, own: Path = OWN_SOURCES) -> list[dict[str, object]]:
    shared = read(src, "events.csv")
    dates = [r["date"] for r in shared]
    if len(set(dates)) != len(dates):
        raise ValueError("events.csv: two shared events have the same date")
    wording = {r["date"]: r for r in read(own, "events-wording.csv")}
    if set(wording) != set(dates):
        raise ValueError(
            "events-wording.csv must have one row per shared event: missing "
            f"{sorted(set(dates) - set(wording))}, unknown {sorted(set(wording) - set(dates))}"
        )
    rows = []
    for r in shared:
        mine = wording[r["date"]]
        lost = urls(r["note"]) - urls(mine["note"]) - {r["source_url"]}
        if lost:
            raise ValueError(f"events-wording.csv {r['date']}: the note drops {sorted(lost)}")
        rows.append(_event_row(dict(r, event=mine["event"], note=mine["note"])))
    for r in sorted(read(own, "events-extra.csv"), key=lambda r: _date_key(r["date"])):
        if r["date"] in dates:
            raise ValueError(f"events-extra.csv {r['date']}: date already in the shared file")
        dates.append(r["date"])
        key = _date_key(r["date"])
        at = next((i for i, row in enumerate(rows) if _date_key(str(row["date"])) > key), len(rows))
        rows.insert(at, _event_row(r))
    return rows


SETTLEMENT_FIELDS = [
    "period",
    "year",
    "measure",
    "scope",
    "currency",
    "share_pct",
    "qualifier",
    "as_stated",
    "source_url",
    "verified",
    "note",
]
CURRENCIES = {
    "usd_share_pct": "usd",
    "eur_share_pct": "eur",
    "rub_share_pct": "rub",
    "cny_or_other_share_pct": "cny_or_other",
    "national_currencies_rub_plus_cny_pct": "rub_plus_cny",
}


def measure_of(scope: str) -> str:
    s = scope.lower()
    if "export receipts" in s:
        return "russian_export_receipts_from_china"
    if "russian exports to china" in s:
        return "russian_exports_to_china"
    if "goods and services" in s:
        return "total_trade_goods_and_services"
    if "nikkei" in s:
        return "all_bilateral_settlements"
    return "official_statement"


def settlement(src: Path) -> list[dict[str, object]]:
    rows = []
    for r in read(src, "settlement_currency.csv"):
        for col, cur in CURRENCIES.items():
            raw = r[col].strip()
            if not raw:
                continue
            if raw.startswith("~"):
                qualifier, value = "about", raw[1:]
            elif raw.startswith("more than "):
                qualifier, value = "more_than", raw[len("more than ") :]
            else:
                qualifier, value = "exact", raw
            float(value)  # fails loudly on anything unexpected
            # A sum the note calls "derived ... not stated on page" is not a stated figure
            # (content review D4): unverified, and no words of the source to keep.
            derived = cur == "rub_plus_cny" and "derived sum" in r["note"]
            rows.append(
                dict(
                    period=r["period"],
                    year=r["period"][:4],
                    measure=measure_of(r["scope"]),
                    scope=r["scope"],
                    currency=cur,
                    share_pct=value,
                    qualifier=qualifier,
                    as_stated="" if derived else raw,
                    source_url=r["source_url"],
                    verified="false" if derived else yes(r["verified"]),
                    note=r["note"],
                )
            )
    return rows


CPI_FIELDS = [
    "year",
    "cpi_u_annual_avg",
    "value_as_shown_on_source",
    "source_url",
    "verified",
    "note",
]
CONTEXT_FIELDS = ["year", "economy", "total_goods_trade_usd_bn", "source_url", "verified", "note"]


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    write("trade.csv", TRADE_FIELDS, trade(src))
    write("targets.csv", TARGET_FIELDS, targets(src))
    write("events.csv", EVENT_FIELDS, events(src))
    write("settlement_currency.csv", SETTLEMENT_FIELDS, settlement(src))
    cpi = [dict(r, verified=yes(r["verified"])) for r in read(src, "us_cpi_annual.csv")]
    write("us_cpi.csv", CPI_FIELDS, cpi)
    ctx = [dict(r, verified=yes(r["verified"])) for r in read(src, "totals_context.csv")]
    write("totals_context.csv", CONTEXT_FIELDS, ctx)
    print(f"wrote tables to {OUT}")


if __name__ == "__main__":
    main(sys.argv)
