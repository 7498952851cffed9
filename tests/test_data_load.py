"""Loaders return typed frames and reject malformed files with a precise message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from rapprochement import data

LOADERS = {
    "trade.csv": data.load_trade,
    "targets.csv": data.load_targets,
    "events.csv": data.load_events,
    "settlement_currency.csv": data.load_settlement_currency,
    "us_cpi.csv": data.load_us_cpi,
    "totals_context.csv": data.load_totals_context,
    "primary_sources.csv": data.load_primary_sources,
    "map_places.csv": data.load_map_places,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_table_loads(name: str) -> None:
    frame = LOADERS[name]()
    assert len(frame) > 0
    assert frame["verified"].dtype == "boolean"
    assert not frame["verified"].isna().any()


def test_trade_types_and_known_rows() -> None:
    trade = data.load_trade()
    assert trade["year"].dtype == "int64"
    assert trade["value_usd_bn"].dtype == "float64"
    row = trade[
        (trade.year == 2018) & (trade.reporter == "china_customs") & (trade.flow == "total")
    ]
    assert row["value_usd_bn"].tolist() == [107.06]
    assert row["verified"].tolist() == [True]
    assert row["source_url"].str.startswith("https://").all()


def test_gacc_total_series_is_complete_1992_2025() -> None:
    series = data.trade_series(data.load_trade())
    assert list(series.index) == list(range(1992, 2026))
    assert series.loc[2025] == 228.105


def test_unverified_split_is_flagged_not_mixed() -> None:
    trade = data.load_trade()
    exports = trade[(trade.reporter == "china_customs") & (trade.flow == "china_to_russia")]
    flagged = exports.set_index("year")["verified"]
    # SOURCES.md: split verified for 2007, 2010, 2016-2020, 2022-2025 only
    assert set(flagged[flagged].index) == {2007, 2010, *range(2016, 2021), *range(2022, 2026)}
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


def test_missing_column_names_file_and_column(trade_copy: Path) -> None:
    frame = pd.read_csv(trade_copy, dtype=str, keep_default_na=False)
    frame.drop(columns=["verified"]).to_csv(trade_copy, index=False)
    with pytest.raises(data.DataFileError) as err:
        data.load_trade(trade_copy)
    message = str(err.value)
    assert "trade.csv" in message and "'verified'" in message
    assert err.value.column == "verified"


def test_text_in_number_column_names_row_and_column(trade_copy: Path) -> None:
    _rewrite(trade_copy, "2018,china_customs,total,107.06", "2018,china_customs,total,about 107")
    with pytest.raises(data.DataFileError) as err:
        data.load_trade(trade_copy)
    lines = trade_copy.read_text(encoding="utf-8").splitlines()
    bad_row = next(i for i, line in enumerate(lines, start=1) if "about 107" in line)
    assert err.value.row == bad_row
    assert err.value.column == "value_usd_bn"
    assert f"row {bad_row}" in str(err.value) and "trade.csv" in str(err.value)


def test_duplicate_year_in_one_series_is_rejected(trade_copy: Path) -> None:
    _rewrite(trade_copy, "2019,china_customs,total,110.75", "2018,china_customs,total,110.75")
    with pytest.raises(data.DataFileError, match="primary-key") as err:
        data.load_trade(trade_copy)
    assert err.value.row is not None


def test_negative_trade_value_is_rejected(trade_copy: Path) -> None:
    _rewrite(trade_copy, "2020,china_customs,total,107.76", "2020,china_customs,total,-107.76")
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
