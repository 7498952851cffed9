"""data/ is a valid Frictionless data package, documented, and faithful to the checked sources."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from rapprochement import data

DATA = data.data_dir()
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data-sources"


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
    for loader in (
        data.load_trade,
        data.load_targets,
        data.load_settlement_currency,
        data.load_events,
    ):
        frame = loader()
        verified = frame[frame["verified"].astype(bool)]
        assert (verified["source_url"].str.startswith("http")).all(), loader.__name__


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data-sources not beside the repository"
)


@needs_shared
def test_trade_values_are_exactly_as_sourced() -> None:
    ours = {
        (int(r["year"]), r["reporter"], r["flow"]): r["value_usd_bn"]
        for r in _rows(DATA / "trade.csv")
    }
    expected: dict[tuple[int, str, str], str] = {}
    for r in _rows(SHARED / "trade_annual_gacc.csv"):
        y = int(r["year"])
        expected[(y, "china_customs", "total")] = r["total_usd_bn"]
        expected[(y, "china_customs", "china_to_russia")] = r["china_exports_to_russia_usd_bn"]
        expected[(y, "china_customs", "russia_to_china")] = r["china_imports_from_russia_usd_bn"]
    for r in _rows(SHARED / "trade_annual_russia_fcs.csv"):
        y = int(r["year"])
        for flow, col in (
            ("total", "total_usd_bn"),
            ("russia_to_china", "russia_exports_to_china_usd_bn"),
            ("china_to_russia", "russia_imports_from_china_usd_bn"),
        ):
            if r[col]:
                expected[(y, "russia", flow)] = r[col]
    assert ours == expected


@needs_shared
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
        ours = {tuple(r[k] for k in key): r[col] for r in _rows(DATA / ours_name)}
        theirs = {tuple(r[k] for k in key): r[col] for r in _rows(SHARED / theirs_name)}
        assert ours == theirs, ours_name


@needs_shared
def test_settlement_shares_keep_their_qualifiers() -> None:
    ours = _rows(DATA / "settlement_currency.csv")
    stated = {(r["period"], r["scope"], r["currency"]): r["as_stated"] for r in ours}
    source = _rows(SHARED / "settlement_currency.csv")
    count = 0
    for r in source:
        for col, cur in (
            ("usd_share_pct", "usd"),
            ("eur_share_pct", "eur"),
            ("rub_share_pct", "rub"),
            ("cny_or_other_share_pct", "cny_or_other"),
            ("national_currencies_rub_plus_cny_pct", "rub_plus_cny"),
        ):
            if r[col].strip():
                count += 1
                key = (r["period"], r["scope"], cur)
                if cur == "rub_plus_cny" and "derived sum" in r["note"]:
                    # Deliberate correction (content review D4): a sum the source note calls
                    # derived is not stated on the page, so it keeps no words and is unverified.
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


@needs_shared
def test_target_attributions_follow_the_cited_page() -> None:
    """D6: the 2024 target's page (TASS, 2019-08-14) names no leaders, only the ambassador."""
    ours = {r["target_id"]: r for r in _rows(DATA / "targets.csv")}
    source = _rows(SHARED / "targets.csv")
    row = ours.pop("200bn-by-2024")
    (page,) = [r for r in source if r["source_url"] == row["source_url"]]
    assert "chinese ambassador" in page["context"].casefold()
    assert "Presidents" not in row["set_by"] and "ambassador" in row["set_by"]
    # every other attribution is copied unchanged, in the source's order
    others = [r["set_by"] for r in source if r is not page]
    assert [r["set_by"] for r in ours.values()] == others


@needs_shared
def test_partner_shares_are_quoted_in_the_source_notes() -> None:
    notes = []
    for name in ("totals_context.csv", "trade_annual_russia_fcs.csv", "trade_annual_gacc.csv"):
        notes += [r["note"] + " " + r["source_url"] for r in _rows(SHARED / name)]
    for row in _rows(DATA / "partner_shares.csv"):
        figure = row["share_pct"] + "%"
        assert any(figure in n and row["source_url"] in n for n in notes), (
            f"{row['period']} {row['share_of']}: {figure} with {row['source_url']} "
            "is not quoted in the source files"
        )
