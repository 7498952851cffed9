"""The growth tables (rapprochement.tables.growth), checked against values read by hand from
data/*.csv."""

from __future__ import annotations

import pandas as pd
import pytest

from rapprochement import data, tables
from rapprochement.tables.common import SettingError

# --- growth projector -----------------------------------------------------------------------


def test_growth_table_by_hand(frames):
    series = data.trade_series(frames["trade"])
    table = tables.growth_table(
        series, frames["targets"], base_year=2019, rate=0.05, target_ids=["200bn-by-2024"]
    ).iloc[0]
    # 110.75 x 1.05^12 = 198.9 < 200 <= 110.75 x 1.05^13 = 208.8
    assert table["reached at this rate"] == "2032"
    assert table["growth needed from base year"] == pytest.approx((200 / 110.75) ** 0.2 - 1)


def test_growth_table_target_already_met(frames):
    series = data.trade_series(frames["trade"])
    row = tables.growth_table(
        series, frames["targets"], base_year=2023, rate=0.05, target_ids=["200bn-by-2024"]
    ).iloc[0]
    assert row["reached at this rate"] == "already met"
    assert "already met in the base year 2023" in row["note"]


@pytest.mark.parametrize("rate", [-1.0, -1.5, float("nan")])
def test_growth_of_minus_100_percent_or_less_is_refused(frames, rate):
    series = data.trade_series(frames["trade"])
    with pytest.raises(SettingError, match="above -100%"):
        tables.growth_table(series, frames["targets"], base_year=2020, rate=rate)


def test_missing_base_year_is_refused(frames):
    series = data.trade_series(frames["trade"], "russia")
    with pytest.raises(SettingError, match="No trade figure for the base year 2024"):
        tables.growth_table(series, frames["targets"], base_year=2024, rate=0.05)


def test_growth_table_is_the_text_columns_of_the_growth_frame(frames):
    series = data.trade_series(frames["trade"])
    frame = tables.growth_frame(series, frames["targets"], base_year=2020, rate=0.05)
    table = tables.growth_table(series, frames["targets"], base_year=2020, rate=0.05)
    assert list(table.columns) == [
        "target",
        "deadline",
        "reached at this rate",
        "growth needed from base year",
        "note",
    ]
    # numeric columns for the chart agree with the text ones
    for _, row in frame.iterrows():
        text = row["reached at this rate"]
        if text.isdigit():
            assert int(row["reached_year"]) == int(text)
        else:
            assert pd.isna(row["reached_year"]), text
    # by hand: 107.76 (GACC 2020) growing 5% a year passes 200 after
    # ln(200 / 107.76) / ln(1.05) = 12.7 years, i.e. in 2033
    row = frame.set_index("target").loc["USD 200bn by 2024 (set 2019)"]
    assert (row["goal"], row["deadline_year"], row["reached_year"]) == (200.0, 2024, 2033)
