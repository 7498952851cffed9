"""data/ is a valid Frictionless data package, documented, and faithful to the checked sources."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import build_data, csv_rows

from rapprochement import data
from rapprochement_support.expected import CPI
from rapprochement_support.shared import SOURCES as SHARED
from rapprochement_support.shared import needs_sources as needs_shared
from rapprochement_support.wording import MAX_SHARED_RUN, longest_shared_run, lost, urls

DATA = data.data_dir()
SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


def test_package_validates_with_frictionless() -> None:
    from frictionless import Package

    report = Package(str(DATA / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:5]


def test_every_csv_is_described_and_documented() -> None:
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in descriptor["resources"]}
    csv_paths = {p for p in paths if p.endswith(".csv")}
    assert csv_paths == {p.name for p in DATA.glob("*.csv")}
    # besides the tables: the bibliography (CSL-JSON) and the map geometry, each declared
    others = {p.name for p in DATA.glob("*.json")} - {"datapackage.json"}
    others |= {p.relative_to(DATA).as_posix() for p in DATA.glob("geo/*")}
    assert others <= paths, f"undeclared data files: {sorted(others - paths)}"
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for resource in descriptor["resources"]:
        assert resource["path"] in readme, f"{resource['path']} not explained in data/README.md"
        for field in resource.get("schema", {}).get("fields", []):
            assert field.get("description") or field["name"] in {
                "year",
                "source_url",
                "verified",
                "note",
                "event",
                "category",
                "date_precision",
                "economy",
            }, f"{resource['name']}.{field['name']} has no description"
    assert descriptor["licenses"]


def test_verified_rows_cite_a_source() -> None:
    checked = []
    for name in data.resources():
        frame = data.load(name)
        if "source_url" not in frame.columns:
            continue
        verified = frame[frame["verified"].astype(bool)]
        assert (verified["source_url"].str.startswith("http")).all(), name
        checked.append(name)
    assert {"trade", "targets", "settlement_currency", "events", "partner_shares"} <= set(checked)


# ---- data/ is built from data/sources/ (runs in any clone) ----------------------------------


def test_data_is_what_the_sources_build() -> None:
    assert build_data().check(SOURCES, DATA) == []


# ---- each table's hash: recorded only for a valid file, and checked ---------------------------


def test_every_table_records_the_hash_of_its_file() -> None:
    assert build_data().stale_hashes(DATA) == []


def test_a_stale_hash_fails_the_package_validation(tmp_path: Path) -> None:
    """The safety net under data.load's trust in a recorded hash: a file edited after its hash
    was recorded makes the package invalid (Frictionless compares the two)."""
    from frictionless import Package

    shutil.copytree(DATA, tmp_path / "data")
    target = tmp_path / "data" / "us_cpi.csv"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # same rows, other bytes
    report = Package(str(tmp_path / "data" / "datapackage.json")).validate()
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["hash-count"]


def test_a_hash_is_recorded_only_for_a_valid_file(tmp_path: Path) -> None:
    build = build_data()
    shutil.copytree(DATA, tmp_path / "data")
    folder = tmp_path / "data"
    package = (folder / "datapackage.json").read_text(encoding="utf-8")
    assert build.record_hashes(folder) == []  # nothing changed: nothing validated or written
    text = (folder / "partner_shares.csv").read_text(encoding="utf-8")
    (folder / "partner_shares.csv").write_text(text.replace(",true,", ",maybe,", 1), "utf-8")
    with pytest.raises(data.DataFileError, match="partner_shares.csv"):
        build.record_hashes(folder)
    assert (folder / "datapackage.json").read_text(encoding="utf-8") == package
    assert build.stale_hashes(folder) == ["partner_shares"]
    (folder / "partner_shares.csv").write_text(text + text.splitlines()[-1] + "\n", "utf-8")
    with pytest.raises(data.DataFileError, match="primary-key"):
        build.record_hashes(folder)  # a duplicated row: the schema's key catches it
    (folder / "partner_shares.csv").write_text(text.replace("\n", "\r\n"), "utf-8")
    assert build.record_hashes(folder) == ["partner_shares"]  # same rows, other bytes: valid
    assert build.stale_hashes(folder) == []


def test_check_notices_a_hand_edit(tmp_path: Path) -> None:
    build = build_data()
    for name in build.tables(SOURCES):
        shutil.copy(DATA / name, tmp_path / name)
    assert build.check(SOURCES, tmp_path) == []
    text = (tmp_path / "us_cpi.csv").read_text(encoding="utf-8")
    stated = f"\n2024,{CPI[2024]},"
    assert stated in text
    (tmp_path / "us_cpi.csv").write_text(text.replace(stated, "\n2024,313.7,"), encoding="utf-8")
    assert build.check(SOURCES, tmp_path) == ["us_cpi.csv"]


def test_trade_values_are_exactly_as_sourced() -> None:
    ours = {
        (int(r["year"]), r["reporter"], r["flow"]): r["value_usd_bn"]
        for r in csv_rows(DATA / "trade.csv")
    }
    expected: dict[tuple[int, str, str], str] = {}
    for r in csv_rows(SOURCES / "trade_annual_gacc.csv"):
        y = int(r["year"])
        expected[(y, "china_customs", "total")] = r["total_usd_bn"]
        expected[(y, "china_customs", "china_to_russia")] = r["china_exports_to_russia_usd_bn"]
        expected[(y, "china_customs", "russia_to_china")] = r["china_imports_from_russia_usd_bn"]
    for r in csv_rows(SOURCES / "trade_annual_russia_fcs.csv"):
        y = int(r["year"])
        for flow, col in (
            ("total", "total_usd_bn"),
            ("russia_to_china", "russia_exports_to_china_usd_bn"),
            ("china_to_russia", "russia_imports_from_china_usd_bn"),
        ):
            if r[col]:
                expected[(y, "russia", flow)] = r[col]
    assert ours == expected


def test_cpi_and_totals_are_exactly_as_sourced() -> None:
    for ours_name, theirs_name, key, col in (
        ("us_cpi.csv", "us_cpi_annual.csv", ("year",), "cpi_u_annual_avg"),
        (
            "totals_context.csv",
            "totals_context.csv",
            ("year", "economy"),
            "total_goods_trade_usd_bn",
        ),
    ):
        ours = {tuple(r[k] for k in key): r[col] for r in csv_rows(DATA / ours_name)}
        theirs = {tuple(r[k] for k in key): r[col] for r in csv_rows(SOURCES / theirs_name)}
        assert ours == theirs, ours_name


CURRENCY_COLUMNS = (
    ("usd_share_pct", "usd"),
    ("eur_share_pct", "eur"),
    ("rub_share_pct", "rub"),
    ("cny_or_other_share_pct", "cny_or_other"),
    ("national_currencies_rub_plus_cny_pct", "rub_plus_cny"),
)


def test_settlement_shares_keep_their_qualifiers() -> None:
    ours = csv_rows(DATA / "settlement_currency.csv")
    stated = {(r["period"], r["scope"], r["currency"]): r["as_stated"] for r in ours}
    count = 0
    for r in csv_rows(SOURCES / "settlement_currency.csv"):
        for col, cur in CURRENCY_COLUMNS:
            if r[col].strip():
                count += 1
                key = (r["period"], r["scope"], cur)
                if cur == "rub_plus_cny" and r["rub_plus_cny_derived"] == "yes":
                    # Deliberate correction (content review D4): a sum of two stated shares is
                    # not stated on the page, so it keeps no words and is unverified.
                    assert stated[key] == "", key
                    (row,) = [o for o in ours if (o["period"], o["scope"], o["currency"]) == key]
                    assert row["verified"] == "false" and row["share_pct"] == r[col].strip()
                else:
                    assert stated[key] == r[col].strip()
    assert count == len(ours)
    for r in ours:
        prefix = {"about": "~", "more_than": "more than ", "exact": ""}[r["qualifier"]]
        assert r["as_stated"] in ("", prefix + r["share_pct"])
        assert r["as_stated"] or r["verified"] == "false", "only derived rows may lack words"


def test_target_attributions_follow_the_cited_page() -> None:
    """D6: the 2024 target's page (TASS, 2019-08-14) names no leaders, only the ambassador."""
    ours = {r["target_id"]: r for r in csv_rows(DATA / "targets.csv")}
    source = csv_rows(SOURCES / "targets.csv")
    row = ours.pop("200bn-by-2024")
    (page,) = [r for r in source if r["source_url"] == row["source_url"]]
    assert "Moscow and Beijing" in page["quote"] and "ambassador" in page["context"]
    assert page["set_by"] == "Presidents Xi Jinping and Putin"  # what the shared file says
    assert "Presidents" not in row["set_by"] and "ambassador" in row["set_by"]
    # every other attribution is copied unchanged, in the source's order
    others = [r["set_by"] for r in source if r is not page]
    assert [r["set_by"] for r in ours.values()] == others


def test_partner_shares_are_quoted_in_the_source_notes() -> None:
    notes = []
    for name in ("totals_context.csv", "trade_annual_russia_fcs.csv", "trade_annual_gacc.csv"):
        notes += [r["note"] + " " + r["source_url"] for r in csv_rows(SOURCES / name)]
    for row in csv_rows(DATA / "partner_shares.csv"):
        figure = row["share_pct"] + "%"
        assert any(figure in n and row["source_url"] in n for n in notes), (
            f"{row['period']} {row['share_of']}: {figure} with {row['source_url']} "
            "is not in the notes of data/sources"
        )


def test_source_rows_are_flagged_and_cite_pages() -> None:
    for path in sorted(SOURCES.glob("*.csv")):
        for r in csv_rows(path):
            assert r["verified"] in {"yes", "no"}, path.name
            if r["verified"] == "yes":
                assert r["source_url"].startswith("http"), (path.name, r)
            for flag in ("split_verified", "rub_plus_cny_derived"):
                assert r.get(flag, "no") in {"yes", "no"}, (path.name, flag)
            if r.get("split_verified") == "yes":
                assert r["split_source_url"].startswith("http"), r["year"]


# ---- data/sources/ is faithful to the shared source files (when they are beside the clone) ---


#: Columns of data/sources that are the collection's own (words, or codes decided here); every
#: other column must equal the shared file's, value for value.
OWN_COLUMNS = {
    "quote",
    "kind",
    "note",
    "context",
    "outcome",
    "status",
    "measure",
    "split_verified",
    "split_source_url",
    "rub_plus_cny_derived",
    "event",
}
#: The shared column a column of ours rewords (same name unless listed).
REWORDS = {"outcome": "outcome_per_gacc"}
SOURCE_FILES = sorted(p.name for p in SOURCES.glob("*.csv") if p.name != "events-extra.csv")


Rows = list[dict[str, str]]


def _status(outcome: str) -> str:
    return outcome.split(":")[0].strip().lower().split(" (")[0].replace(" ", "_")


def _measure(scope: str) -> str:
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


def _kind(name: str, note: str) -> str:
    """What kind of figure a shared trade row is, from the words of its note. GACC rows are
    customs releases unless a MOFCOM official is the one quoted. A Russian row is a lower bound
    when the quoted words say "over $", an estimate when the note says so, a customs release
    when the page cites the customs service (or the row is a best-known customs value), and
    otherwise an official's statement."""
    n = note.lower()
    if name == "trade_annual_gacc.csv":
        return "official_statement" if n.startswith("mofcom") else "customs_release"
    if re.search(r"'[^']*over \$[^']*'", n):
        return "lower_bound"
    if "estimat" in n:
        return "estimate"
    customs = ("customs statistical reports", "russian federal customs service", "best-known fcs")
    if any(c in n for c in customs):
        return "customs_release"
    return "official_statement"


def _copied_values(
    name: str, ours: list[dict[str, str]], theirs: list[dict[str, str]]
) -> list[str]:
    """Figures, dates, URLs and flags that differ from the shared file's."""
    if len(ours) != len(theirs):
        return [f"{name}: {len(ours)} rows, the shared file has {len(theirs)}"]
    shared_columns = set(theirs[0]) - {"note", "context", "outcome_per_gacc", "event"}
    problems = [f"{name}: column {c} missing" for c in sorted(shared_columns - set(ours[0]))]
    problems += [
        f"{name}: column {c} not explained" for c in set(ours[0]) - shared_columns - OWN_COLUMNS
    ]
    for mine, src in zip(ours, theirs, strict=True):
        key = f"{name} {list(src.values())[0]}"
        problems += [
            f"{key} {col}: {mine.get(col)!r}, shared {src[col]!r}"
            for col in sorted(shared_columns)
            if mine.get(col) != src[col]
        ]
        if mine.get("quote") and mine["quote"] not in src.get("note", "") + src.get("context", ""):
            problems.append(f"{key}: quote not in the shared file (copy the page's words exactly)")
    return problems


def _reworded(name: str, ours: Rows, theirs: Rows) -> list[str]:
    """Notes that drop a figure or URL of the shared note, or copy its wording."""
    problems = []
    for mine, src in zip(ours, theirs, strict=True):
        key = f"{name} {list(src.values())[0]}"
        for col in ("note", "context", "outcome", "event"):
            if col not in mine:
                continue
            shared = src[REWORDS.get(col, col)]
            kept = " ".join(mine.get(c, "") for c in ("quote", col, "event", "note"))
            missing = [m for m in lost(shared, kept) if m != src["source_url"]]
            if missing:
                problems.append(f"{key} {col}: {missing} not kept")
            run = longest_shared_run(mine[col], shared)
            if run > MAX_SHARED_RUN:
                problems.append(f"{key} {col}: {run} words in a row as in the shared file")
    return problems


def _codes(name: str, ours: Rows, theirs: Rows) -> list[str]:
    """Codes data/sources states outright, against what the shared file says in words."""
    problems = []
    for mine, src in zip(ours, theirs, strict=True):
        key = f"{name} {list(src.values())[0]}"
        if name == "targets.csv" and mine["status"] != _status(src["outcome_per_gacc"]):
            problems.append(f"{key}: status {mine['status']}")
        if name == "settlement_currency.csv":
            if mine["measure"] != _measure(src["scope"]):
                problems.append(f"{key}: measure {mine['measure']}")
            derived = "yes" if "derived sum" in src["note"] else "no"
            if mine["rub_plus_cny_derived"] != derived:
                problems.append(f"{key}: rub_plus_cny_derived should be {derived}")
        if name in ("trade_annual_gacc.csv", "trade_annual_russia_fcs.csv"):
            said = _kind(name, src["note"])
            if mine["kind"] != said:
                problems.append(f"{key}: kind {mine['kind']}, the shared note says {said}")
        if name == "trade_annual_gacc.csv":
            # the shared file marks each unverified or derived split with "exp/imp" in its note
            split = "no" if "exp/imp" in src["note"].lower() else "yes"
            if mine["split_verified"] != split:
                problems.append(f"{key}: split_verified should be {split}")
            if mine["split_source_url"] not in ("", src["source_url"], *urls(src["note"])):
                problems.append(f"{key}: split_source_url is not a page of the shared row")
    return problems


@needs_shared
def test_sources_are_faithful_to_the_shared_files() -> None:
    """Every figure, date, URL and flag in data/sources equals the shared file's; each quote is
    the shared file's quotation of the page; notes keep every figure and URL in their own words;
    the codes agree with what the shared notes say."""
    problems: list[str] = []
    names = sorted(p.name for p in SHARED.glob("*.csv"))
    # every shared file has its copy; a file only in data/sources is the collection's own
    problems += [f"{n}: no copy in data/sources" for n in sorted(set(names) - set(SOURCE_FILES))]
    for name in sorted(set(names) & set(SOURCE_FILES)):
        ours, theirs = csv_rows(SOURCES / name), csv_rows(SHARED / name)
        problems += _copied_values(name, ours, theirs)
        if len(ours) == len(theirs):
            problems += _reworded(name, ours, theirs) + _codes(name, ours, theirs)
    assert not problems, "\n".join(problems)


def test_a_source_file_that_builds_nothing_fails_the_build(tmp_path: Path, capsys) -> None:
    build = build_data()
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    assert build.main(["--check", "--sources", str(sources)]) == 0
    (sources / "china_trade_cny.csv").write_text("year,value\n2017,27.79\n", encoding="utf-8")
    assert build.main(["--check", "--sources", str(sources)]) == 1
    assert "china_trade_cny.csv" in capsys.readouterr().err
