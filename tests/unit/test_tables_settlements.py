"""The settlement-currency table (rapprochement.tables.settlements)."""

from __future__ import annotations

import pytest

from rapprochement import tables
from rapprochement.tables.common import SettingError


@pytest.mark.parametrize(
    ("period", "year", "x"),
    [
        ("2018-Q3", 2018, 2018.625),
        ("2019", 2019, 2019.5),
        ("2022 (beginning of year)", 2022, 2022.05),
        ("2023 (early; ~March-April)", 2023, 2023.25),
    ],
)
def test_period_position(period, year, x):
    assert tables.period_position(period, year) == pytest.approx(x)


def test_settlement_empty_choice_is_refused(frames):
    with pytest.raises(SettingError):
        tables.currency_frame(frames["settlements"], currencies=["usd"], measures=[])


def test_currency_frame_rows_are_sorted_by_measure_currency_granularity_and_time(frames):
    frame = tables.currency_frame(frames["settlements"])
    keys = ["measure", "currency", "granularity", "x"]
    expected = frame.sort_values(keys, kind="stable", ignore_index=True)
    assert frame.equals(expected)
    assert len(frame) == len(frames["settlements"])
    usd = tables.currency_frame(frames["settlements"], currencies=["usd"])
    assert set(usd["currency"]) == {"usd"}
    assert len(usd) == (frames["settlements"]["currency"] == "usd").sum()
