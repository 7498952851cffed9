"""Loaders return typed frames and reject malformed files with a precise message; codes and
labels come from the data package."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from rapprochement import data
from rapprochement_support import expected
from rapprochement_support.expected import GACC_SPLIT_VERIFIED_YEARS, GACC_TOTAL

DESCRIPTOR = json.loads((data.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r["name"] for r in DESCRIPTOR["resources"] if "schema" in r]
#: The typed wrappers (a table without one loads through data.load(name)).
WRAPPERS = {
    "trade": data.load_trade,
    "targets": data.load_targets,
    "events": data.load_events,
    "settlement_currency": data.load_settlement_currency,
    "us_cpi": data.load_us_cpi,
    "totals_context": data.load_totals_context,
    "partner_shares": data.load_partner_shares,
    "primary_sources": data.load_primary_sources,
    "map_places": data.load_map_places,
}
_DTYPES = {"integer": {"int64", "Int64"}, "number": {"float64"}, "boolean": {"boolean"}}


def test_the_table_list_is_the_package_list() -> None:
    assert data.resources() == TABLES
    assert len(TABLES) >= 9


@pytest.mark.parametrize("name", TABLES)
def test_every_table_loads_with_its_schema_types(name: str) -> None:
    frame = data.load(name)
    fields = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)["schema"]["fields"]
    assert list(frame.columns[: len(fields)]) == [f["name"] for f in fields]
    assert len(frame) > 0
    for f in fields:
        assert str(frame[f["name"]].dtype) in _DTYPES.get(f["type"], {"string"}), f["name"]
    if name not in REVIEWED_LISTS:
        assert not frame["verified"].isna().any()


#: Tables that are lists kept by review (the accepted source sites), not figures or events read
#: from a page, so they have no per-row ``verified`` flag.
REVIEWED_LISTS = {"source_domains"}


def test_wrappers_are_for_tables_of_the_package() -> None:
    assert set(WRAPPERS) <= set(TABLES)


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_each_typed_wrapper_agrees_with_the_generic_loader(name: str) -> None:
    frame = WRAPPERS[name]()
    generic = data.load(name)
    cols = list(generic.columns)
    pd.testing.assert_frame_equal(
        frame[cols].sort_values(cols[:3]).reset_index(drop=True),
        generic.sort_values(cols[:3]).reset_index(drop=True),
    )


def test_an_unknown_table_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="partner_shares"):
        data.load("partners")


# --- codes and labels ----------------------------------------------------------------------


def _coded_fields() -> list[tuple[str, dict]]:
    return [
        (r["name"], f)
        for r in DESCRIPTOR["resources"]
        for f in r.get("schema", {}).get("fields", [])
        if "categories" in f
    ]


def test_labelled_codes_are_the_validated_codes() -> None:
    coded = _coded_fields()
    assert {f["name"] for _, f in coded} >= {"reporter", "flow", "currency", "measure"}
    for table, f in coded:
        values = [c["value"] for c in f["categories"]]
        assert values == f["constraints"]["enum"], f"{table}.{f['name']}"
        assert all(c["label"].strip() for c in f["categories"]), f"{table}.{f['name']}"
        assert data.labels(f["name"], table) == {c["value"]: c["label"] for c in f["categories"]}


def test_labels_of_the_main_codes() -> None:
    assert data.labels("reporter") == {
        "china_customs": "China customs (GACC)",
        "russia": "Russian side",
    }
    assert list(data.labels("flow")) == ["total", "china_to_russia", "russia_to_china"]
    assert data.labels("currency")["rub_plus_cny"] == "rouble + yuan"
    assert data.labels("measure")["all_bilateral_settlements"] == (
        "All bilateral settlements (Nikkei)"
    )


def test_old_names_are_derived_from_the_package() -> None:
    assert tuple(data.labels("reporter")) == data.REPORTERS
    assert tuple(data.labels("flow")) == data.FLOWS
    assert data.labels("reporter") == data.REPORTER_LABELS
    assert data.labels("flow") == data.FLOW_LABELS
    with pytest.raises(AttributeError):
        data.NO_SUCH_NAME  # noqa: B018


def test_every_code_in_the_data_has_a_label() -> None:
    for table, f in _coded_fields():
        used = set(data.load(table)[f["name"]].dropna())
        assert used <= set(data.labels(f["name"], table)), f"{table}.{f['name']}"


def test_labels_of_an_uncoded_column_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no coded column 'year'"):
        data.labels("year")


def test_labels_refuse_an_ambiguous_column(tmp_path: Path, monkeypatch) -> None:
    descriptor = json.loads(json.dumps(DESCRIPTOR))
    shares = next(r for r in descriptor["resources"] if r["name"] == "partner_shares")
    qualifier = next(f for f in shares["schema"]["fields"] if f["name"] == "share_of")
    qualifier["name"] = "flow"  # now two tables have a coded "flow" with different codes
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv("RAPPROCHEMENT_DATA", str(tmp_path))
    data._descriptor.cache_clear()
    try:
        with pytest.raises(ValueError, match="pass resource="):
            data.labels("flow")
        assert list(data.labels("flow", "trade")) == ["total", "china_to_russia", "russia_to_china"]
    finally:
        monkeypatch.delenv("RAPPROCHEMENT_DATA")
        data._descriptor.cache_clear()


# --- the expected values the tests use ------------------------------------------------------


def test_expected_values_match_the_sources() -> None:
    sources = Path(__file__).resolve().parents[2] / "data" / "sources"
    wrong = []
    for name, (file, key, column) in expected.CHECKED_AGAINST.items():
        with (sources / file).open(newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r.get("economy", "China").startswith("China")]
        by_key = {int(r[key]): r[column] for r in rows}
        for k, value in getattr(expected, name).items():
            if by_key.get(k) in (None, "") or float(by_key[k]) != value:
                wrong.append(f"{name}[{k}] = {value}, {file} says {by_key.get(k)!r}")
    with (sources / "trade_annual_gacc.csv").open(newline="", encoding="utf-8") as f:
        split = {int(r["year"]) for r in csv.DictReader(f) if r["split_verified"] == "yes"}
    if split != GACC_SPLIT_VERIFIED_YEARS:
        wrong.append(f"GACC_SPLIT_VERIFIED_YEARS: the source says {sorted(split)}")
    assert not wrong, "\n".join(wrong)


def test_trade_types_and_known_rows() -> None:
    trade = data.load_trade()
    assert trade["year"].dtype == "int64"
    assert trade["value_usd_bn"].dtype == "float64"
    row = trade[
        (trade.year == 2018) & (trade.reporter == "china_customs") & (trade.flow == "total")
    ]
    assert row["value_usd_bn"].tolist() == [GACC_TOTAL[2018]]
    assert row["verified"].tolist() == [True]
    assert row["source_url"].str.startswith("https://").all()


def test_gacc_total_series_is_complete_1992_2025() -> None:
    series = data.trade_series(data.load_trade())
    assert list(series.index) == list(range(1992, 2026))
    assert series.loc[2025] == GACC_TOTAL[2025]


def test_unverified_split_is_flagged_not_mixed() -> None:
    trade = data.load_trade()
    exports = trade[(trade.reporter == "china_customs") & (trade.flow == "china_to_russia")]
    flagged = exports.set_index("year")["verified"]
    assert set(flagged[flagged].index) == GACC_SPLIT_VERIFIED_YEARS
    verified_only = data.trade_series(trade, "china_customs", "china_to_russia", verified_only=True)
    assert 2015 not in verified_only.index and 2016 in verified_only.index


def test_russian_side_gaps_kept_as_gaps() -> None:
    series = data.trade_series(data.load_trade(), "russia", "total")
    assert 2024 not in series.index and 2025 not in series.index
    unverified = data.load_trade().query("reporter == 'russia' and not verified")
    assert sorted(unverified["year"]) == [2012, 2013, 2014, 2015, 2017]


def test_trade_series_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="reporter must be one of"):
        data.trade_series(data.load_trade(), "usa")
    with pytest.raises(ValueError, match="flow must be one of"):
        data.trade_series(data.load_trade(), flow="imports")


def test_targets_deadlines_and_ranges() -> None:
    targets = data.load_targets().set_index("target_id")
    assert targets.loc["100bn-by-2015", "deadline_year"] == 2015
    assert targets.loc["60-80bn-by-2010", "target_high_usd_bn"] == 80
    assert pd.isna(targets.loc["250bn-by-unstated", "deadline_year"])


def test_events_have_dates() -> None:
    events = data.load_events()
    assert events["start"].notna().all()
    upgrade = events[events["date"] == "2019-06-05"]
    assert "new era" in upgrade["event"].iloc[0]


# --- corrupted copies -------------------------------------------------------------------


@pytest.fixture
def trade_copy(tmp_path: Path) -> Path:
    target = tmp_path / "trade.csv"
    shutil.copy(data.data_dir() / "trade.csv", target)
    return target


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in file"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_a_file_with_the_recorded_hash_is_not_validated_again(
    trade_copy: Path, monkeypatch
) -> None:
    """A byte-identical copy of a shipped table loads without Frictionless (its hash in
    datapackage.json was recorded after validation); one changed byte and it is validated."""
    seen: list[Path] = []
    real = data.validate_table
    monkeypatch.setattr(data, "validate_table", lambda p, s: (seen.append(p), real(p, s)))
    assert data.load_trade(trade_copy).equals(data.load_trade())
    assert seen == []
    _rewrite(trade_copy, "2020,china_customs,total,", "2020,china_customs,total,-")
    with pytest.raises(data.DataFileError, match="constraint"):
        data.load_trade(trade_copy)
    assert seen == [trade_copy]


def test_missing_column_names_file_and_column(trade_copy: Path) -> None:
    frame = pd.read_csv(trade_copy, dtype=str, keep_default_na=False)
    frame.drop(columns=["verified"]).to_csv(trade_copy, index=False)
    with pytest.raises(data.DataFileError) as err:
        data.load_trade(trade_copy)
    message = str(err.value)
    assert "trade.csv" in message and "'verified'" in message
    assert err.value.column == "verified"


def test_text_in_number_column_names_row_and_column(trade_copy: Path) -> None:
    _rewrite(
        trade_copy, f"2018,china_customs,total,{GACC_TOTAL[2018]}", "2018,china_customs,total,x"
    )
    with pytest.raises(data.DataFileError) as err:
        data.load_trade(trade_copy)
    lines = trade_copy.read_text(encoding="utf-8").splitlines()
    bad_row = next(i for i, line in enumerate(lines, start=1) if ",total,x," in line)
    assert err.value.row == bad_row
    assert err.value.column == "value_usd_bn"
    assert f"row {bad_row}" in str(err.value) and "trade.csv" in str(err.value)


def test_duplicate_year_in_one_series_is_rejected(trade_copy: Path) -> None:
    _rewrite(trade_copy, "2019,china_customs,total,", "2018,china_customs,total,")
    with pytest.raises(data.DataFileError, match="primary-key") as err:
        data.load_trade(trade_copy)
    assert err.value.row is not None


def test_negative_trade_value_is_rejected(trade_copy: Path) -> None:
    _rewrite(trade_copy, "2020,china_customs,total,", "2020,china_customs,total,-")
    with pytest.raises(data.DataFileError, match="constraint") as err:
        data.load_trade(trade_copy)
    assert err.value.column == "value_usd_bn"


def test_unknown_verified_flag_is_rejected(trade_copy: Path) -> None:
    _rewrite(trade_copy, ",true,", ",yes,")
    with pytest.raises(data.DataFileError) as err:
        data.load_trade(trade_copy)
    assert err.value.column == "verified"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(data.DataFileError, match="file not found"):
        data.load_trade(tmp_path / "nope.csv")


def test_cpi_duplicate_year_rejected(tmp_path: Path) -> None:
    target = tmp_path / "us_cpi.csv"
    shutil.copy(data.data_dir() / "us_cpi.csv", target)
    text = target.read_text(encoding="utf-8").replace("\n1993,", "\n1992,", 1)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(data.DataFileError, match="us_cpi.csv"):
        data.load_us_cpi(target)


def test_each_trade_row_says_what_kind_of_figure_it_is() -> None:
    """Only 2010 and 2018 among the verified Russian totals cite customs statistics (the
    December 2026 review, N2; data/sources/trade_annual_russia_fcs.csv): those are the only
    years with a verified customs release on both sides, so the only mirror statistics."""
    trade = data.load_trade()
    assert list(data.labels("kind", "trade")) == [
        "customs_release",
        "official_statement",
        "estimate",
        "lower_bound",
    ]
    totals = trade[(trade.flow == "total") & trade.verified]
    kinds = totals.set_index(["reporter", "year"])["kind"]
    customs = totals[totals.kind == "customs_release"]
    both = set(customs[customs.reporter == "russia"].year) & set(
        customs[customs.reporter == "china_customs"].year
    )
    assert sorted(both) == [2010, 2018]
    assert kinds[("russia", 2022)] == "lower_bound"  # "over $185 billion"
    assert kinds[("russia", 2016)] == "estimate"
    assert kinds[("russia", 2020)] == "official_statement"


def _small_trade() -> pd.DataFrame:
    """A hand-made trade table, rows out of year order, with the column types of trade.csv."""
    frame = pd.DataFrame(
        {
            "year": [2012, 2010, 2011, 2010, 2011, 2012],
            "reporter": [
                "china_customs",
                "china_customs",
                "russia",
                "russia",
                "china_customs",
                "russia",
            ],
            "flow": ["total"] * 6,
            "value_usd_bn": [88.2, 55.5, 80.0, 59.3, 79.2, None],
            "verified": pd.array([True, False, None, True, True, False], dtype="boolean"),
        }
    )
    return frame.astype({"reporter": "string", "flow": "string"})


def test_trade_rows_are_one_reporters_rows_in_year_order() -> None:
    trade = _small_trade()
    assert data.trade_rows(trade, "china_customs", "total").tolist() == [1, 4, 0]
    assert data.trade_rows(trade, "russia", "total").tolist() == [3, 2, 5]
    # an unknown verified flag (NA) is not verified
    assert data.trade_rows(trade, "russia", "total", verified_only=True).tolist() == [3]
    assert data.trade_rows(trade, "china_customs", "china_to_russia").tolist() == []


def test_trade_series_reads_the_values_of_those_rows() -> None:
    series = data.trade_series(_small_trade(), "russia", "total")
    assert series.index.tolist() == [2010, 2011, 2012]
    assert series.index.name == "year" and series.name == "russia:total"
    assert series.dtype == float and series.iloc[:2].tolist() == [59.3, 80.0]
    assert pd.isna(series.loc[2012])
    empty = data.trade_series(_small_trade(), "china_customs", "china_to_russia")
    assert empty.empty and empty.dtype == float and empty.index.name == "year"
