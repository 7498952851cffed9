"""Rebuild the tidy tables in data/ from the sourced figures in data/sources/.

    python scripts/build_data.py            # rewrite the built tables in data/
    python scripts/build_data.py --check    # rebuild into a temporary folder; fail if data/ differs
    python scripts/build_data.py --sources OTHER/FOLDER [--out FOLDER]

data/sources/ holds, one file per table, the figures as the cited pages state them (value,
page, verified flag, the page's own words in ``quote``) with notes in the collection's words;
see data/sources/README.md. This script only reshapes: wide to long, qualifiers such as "~" or
"more than" into their own column, flags from yes/no to true/false. It never changes a figure.
Run it when a source file changes; the notebooks never run it. ``--check`` is what the tests and
``make lint`` run, so data/ is provably what data/sources/ makes.

Tables not built here (edited by hand, each row with its page): partner_shares.csv,
primary_sources.csv, map_places.csv, bibliography.json and geo/.

Last, for every table of data/datapackage.json (built or edited by hand) whose file changed, it
validates the file against its schema and records the file's SHA-256 as the resource's ``hash``
(the Data Package property). ``rapprochement.data`` trusts a file with that hash without
validating it again; ``--check`` fails when a recorded hash is missing or stale.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / "data" / "sources"
OUT = ROOT / "data"

URL = re.compile(r"https?://[^\s),;']+")

Row = dict[str, object]


#: The source files the last build read (a source file that builds nothing is an error).
READ: set[str] = set()


def read(src: Path, name: str) -> list[dict[str, str]]:
    READ.add(name)
    with (src / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(out: Path, name: str, fields: list[str], rows: list[Row]) -> None:
    with (out / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in fields})


def yes(flag: str) -> str:
    if flag not in {"yes", "no"}:
        raise ValueError(f"a yes/no flag must be yes or no, got {flag!r}")
    return "true" if flag == "yes" else "false"


def with_quote(quote: str, note: str) -> str:
    """A built note: the page's own words first (when kept), then the collection's note."""
    return " ".join(part for part in (f"Page: '{quote}'." if quote else "", note) if part)


TRADE_FIELDS = [
    "year",
    "reporter",
    "flow",
    "value_usd_bn",
    "kind",
    "source_url",
    "verified",
    "note",
]
# What kind of figure a source row gives (codes and labels in datapackage.json, field `kind`).
TRADE_KINDS = ("customs_release", "official_statement", "estimate", "lower_bound")


def kind(name: str, r: Row) -> str:
    """The row's `kind`, refused when it is not one of TRADE_KINDS."""
    if r["kind"] not in TRADE_KINDS:
        raise ValueError(f"{name} {r['year']}: kind {r['kind']!r} is not one of {TRADE_KINDS}")
    return r["kind"]


SPLIT_UNVERIFIED_NOTE = (
    "[exp/imp unverified] Best-known GACC value (or derived, see the total row's note); "
    "no source page states it."
)


def trade(src: Path) -> list[Row]:
    rows: list[Row] = []
    for r in read(src, "trade_annual_gacc.csv"):
        year = int(r["year"])
        rows.append(
            dict(
                year=year,
                reporter="china_customs",
                flow="total",
                value_usd_bn=r["total_usd_bn"],
                kind=kind("trade_annual_gacc.csv", r),
                source_url=r["source_url"],
                verified=yes(r["verified"]),
                note=with_quote(r["quote"], r["note"]),
            )
        )
        split_ok = yes(r["split_verified"]) == "true"
        if split_ok and not r["split_source_url"].startswith("http"):
            raise ValueError(f"trade_annual_gacc.csv {year}: a verified split needs its page")
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
                    # a split is GACC's own breakdown, whoever quoted the total
                    kind="customs_release",
                    source_url=r["split_source_url"] if split_ok else "",
                    verified="true" if split_ok else "false",
                    note=(
                        "Export/import split as stated on the source page."
                        if split_ok
                        else SPLIT_UNVERIFIED_NOTE
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
                    kind=kind("trade_annual_russia_fcs.csv", r),
                    source_url=r["source_url"],
                    verified=yes(r["verified"]),
                    note=with_quote(r["quote"], r["note"]),
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


def targets(src: Path) -> list[Row]:
    rows: list[Row] = []
    for r in read(src, "targets.csv"):
        low, _, high = r["target_usd_bn"].partition("-")
        # "not stated (Moscow Times: 'by 2024')" is not an official deadline: leave it blank.
        stated = r["deadline_year"]
        deadline = [] if stated.startswith("not stated") else re.findall(r"\d{4}", stated)
        set_year = re.match(r"\d{4}", r["year_set"])
        if not set_year:
            raise ValueError(f"targets.csv: year_set {r['year_set']!r} does not start with a year")
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
                status=r["status"],
                outcome=r["outcome"],
                context=with_quote(r["quote"], r["context"]),
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


def urls(text: str) -> set[str]:
    """The URLs in a note (a full stop right after a URL ends the sentence, not the URL)."""
    return {u.rstrip(".") for u in URL.findall(text)}


def _date_key(date: str) -> tuple[int, ...]:
    return tuple(int(p) for p in date.split("-"))


def _event_row(r: dict[str, str]) -> Row:
    parts = r["date"].split("-")
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return dict(r, year=parts[0], date_precision=precision, verified=yes(r["verified"]))


def replace_sources(rows: list[dict[str, str]], replacements: list[dict[str, str]]) -> None:
    """Point sourced event rows at a checked official page, state agency or reputable outlet in
    place of the shared file's page (events-source-replacements.csv, one row per event date). The
    row must still cite ``replaced_url``, so a changed source file is noticed; the earlier page is
    kept in the note."""
    by_date = {r["date"]: r for r in rows}
    for rep in replacements:
        row = by_date.get(rep["date"])
        if row is None:
            raise ValueError(f"events-source-replacements.csv {rep['date']}: no such event")
        if row["source_url"] != rep["replaced_url"]:
            raise ValueError(
                f"events-source-replacements.csv {rep['date']}: the event cites "
                f"{row['source_url']!r}, not {rep['replaced_url']!r}"
            )
        if rep["verified"] != "yes" or not rep["note"].strip():
            raise ValueError(
                f"events-source-replacements.csv {rep['date']}: only a checked page (verified=yes) "
                "with a note saying what it states may replace a source"
            )
        row["source_url"] = rep["source_url"]
        # The earlier note comes before the earlier page's address, so no punctuation of the
        # sentence ever sits against a URL.
        old_note = row["note"].strip()
        earlier = f"Note on the earlier source: {old_note} " if old_note else ""
        row["note"] = f"{rep['note']} {earlier}Earlier source: {rep['replaced_url']}"


def events(src: Path) -> list[Row]:
    """The sourced events (``events.csv``) with the ones the collection added (``events-extra.csv``)
    merged in date order."""
    sourced = read(src, "events.csv")
    dates = [r["date"] for r in sourced]
    if len(set(dates)) != len(dates):
        raise ValueError("events.csv: two events have the same date")
    replace_sources(sourced, read(src, "events-source-replacements.csv"))
    rows = [_event_row(r) for r in sourced]
    for r in sorted(read(src, "events-extra.csv"), key=lambda r: _date_key(r["date"])):
        if r["date"] in dates:
            raise ValueError(f"events-extra.csv {r['date']}: date already in events.csv")
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


def settlement(src: Path) -> list[Row]:
    rows: list[Row] = []
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
            # A sum computed from two stated shares is not a stated figure (content review D4):
            # unverified, and no words of the source to keep.
            derived = cur == "rub_plus_cny" and yes(r["rub_plus_cny_derived"]) == "true"
            rows.append(
                dict(
                    period=r["period"],
                    year=r["period"][:4],
                    measure=r["measure"],
                    scope=r["scope"],
                    currency=cur,
                    share_pct=value,
                    qualifier=qualifier,
                    as_stated="" if derived else raw,
                    source_url=r["source_url"],
                    verified="false" if derived else yes(r["verified"]),
                    note=with_quote(r["quote"], r["note"]),
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


def as_is(name: str) -> Callable[[Path], list[Row]]:
    """A table copied row for row from ``name``: yes/no flags to true/false, and the ``quote``
    (when the file has one) put before the ``note``."""

    def make(src: Path) -> list[Row]:
        rows: list[Row] = []
        for r in read(src, name):
            row: Row = dict(r, verified=yes(r["verified"]))
            if "quote" in r:
                row["note"] = with_quote(r["quote"], r.get("note", ""))
            rows.append(row)
        return rows

    return make


#: Each table that needs reshaping: its file in data/, its columns, and the function that makes
#: its rows. A source file named like a table of datapackage.json (totals_context.csv) is copied
#: as it is, with the columns of its schema, without an entry here (see tables()).
TABLES: dict[str, tuple[list[str], Callable[[Path], list[Row]]]] = {
    "trade.csv": (TRADE_FIELDS, trade),
    "targets.csv": (TARGET_FIELDS, targets),
    "events.csv": (EVENT_FIELDS, events),
    "settlement_currency.csv": (SETTLEMENT_FIELDS, settlement),
    "us_cpi.csv": (CPI_FIELDS, as_is("us_cpi_annual.csv")),
}


def tables(src: Path, data: Path = OUT) -> dict[str, tuple[list[str], Callable[[Path], list[Row]]]]:
    """TABLES, and every table of ``data``'s package whose file has a source of the same name in
    ``src``: copied :func:`as_is`, its columns those of its schema (docs/recipes/add-a-dataset.md).
    """
    found = dict(TABLES)
    _, resources = _tables(data if (data / PACKAGE).is_file() else OUT)
    for resource in resources:
        name = resource["path"]
        if name not in found and (src / name).is_file():
            fields = [f["name"] for f in resource["schema"]["fields"]]
            found[name] = (fields, as_is(name))
    return found


def build(src: Path, out: Path, data: Path = OUT) -> list[str]:
    """Write every built table from ``src`` into ``out``; return the file names written.
    ``data`` holds the package descriptor that names the tables copied as they are."""
    built = tables(src, data)
    for name, (fields, make) in built.items():
        write(out, name, fields, make(src))
    return list(built)


def unused_sources(src: Path) -> list[str]:
    """The CSV files of ``src`` that the last :func:`build` did not read."""
    return sorted(p.name for p in src.glob("*.csv") if p.name not in READ)


def check(src: Path, data: Path = OUT) -> list[str]:
    """The built tables whose file in ``data`` differs from a fresh build (empty: all equal)."""
    with tempfile.TemporaryDirectory() as tmp:
        names = build(src, Path(tmp), data)
        return [
            n
            for n in names
            if not (data / n).is_file() or not filecmp.cmp(Path(tmp) / n, data / n, shallow=False)
        ]


PACKAGE = "datapackage.json"


def _tables(data: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The package descriptor in ``data`` and its tables (resources with a schema)."""
    descriptor = json.loads((data / PACKAGE).read_text(encoding="utf-8"))
    return descriptor, [r for r in descriptor["resources"] if "schema" in r]


def stale_hashes(data: Path = OUT) -> list[str]:
    """The tables of ``data``'s package whose ``hash`` is missing or not their file's."""
    from rapprochement.data import file_hash

    _, tables = _tables(data)
    return [r["name"] for r in tables if r.get("hash") != file_hash(data / r["path"])]


def record_hashes(data: Path = OUT) -> list[str]:
    """Validate each table whose file changed and record its hash in the package; return their
    names. A table that does not validate stops it (DataFileError), with nothing written."""
    from rapprochement.data import file_hash, validate_table

    descriptor, tables = _tables(data)
    changed = []
    for resource in tables:
        digest = file_hash(data / resource["path"])
        if resource.get("hash") != digest:
            validate_table(data / resource["path"], resource)
            # right after "path", where a reader of datapackage.json looks for the file
            items = [(k, v) for k, v in resource.items() if k != "hash"]
            at = [k for k, _ in items].index("path") + 1
            resource.clear()
            resource.update([*items[:at], ("hash", digest), *items[at:]])
            changed.append(resource["name"])
    if changed:
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (data / PACKAGE).write_text(text, encoding="utf-8")
    return changed


def _unused_message(src: Path) -> str:
    return (
        f"{', '.join(unused_sources(src))} in {src} builds no table: add a table of the same "
        "file name to data/datapackage.json (docs/recipes/add-a-dataset.md), or a function to "
        "TABLES in scripts/build_data.py"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder of source files in the data/sources format (default: data/sources)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: data)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temporary folder and fail if the tables in --out differ",
    )
    args = parser.parse_args(argv)
    if not (args.sources / "trade_annual_gacc.csv").is_file():
        parser.error(f"{args.sources} holds no trade_annual_gacc.csv: not a sources folder")
    if args.check:
        stale = check(args.sources, args.out)
        if unused_sources(args.sources):
            print(_unused_message(args.sources), file=sys.stderr)
            return 1
        if stale:
            print(
                f"{', '.join(stale)} in {args.out} differ from what {args.sources} builds; "
                "run python scripts/build_data.py",
                file=sys.stderr,
            )
            return 1
        count = len(tables(args.sources, args.out))
        print(f"{count} tables in {args.out} are what {args.sources} builds")
        if (args.out / PACKAGE).is_file():
            stale = stale_hashes(args.out)
            if stale:
                print(
                    f"the hash recorded in {args.out / PACKAGE} is missing or stale for "
                    f"{', '.join(stale)}; run python scripts/build_data.py",
                    file=sys.stderr,
                )
                return 1
            print(f"every table's hash in {args.out / PACKAGE} is its file's")
        return 0
    written = build(args.sources, args.out, args.out)
    print(f"wrote {len(written)} tables to {args.out}")
    if unused_sources(args.sources):
        print(_unused_message(args.sources), file=sys.stderr)
        return 1
    if (args.out / PACKAGE).is_file():
        try:
            changed = record_hashes(args.out)
        except ValueError as exc:  # DataFileError: the file and the first problem
            print(f"not recording hashes: {exc}", file=sys.stderr)
            return 1
        if changed:
            print(f"validated and recorded the hash of {', '.join(changed)} in {PACKAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
