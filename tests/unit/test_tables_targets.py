"""The trade and targets tables (rapprochement.tables.targets), checked against values read by
hand from data/*.csv, and the one rule for a target's outcome shared with notebook 09."""

from __future__ import annotations

import pandas as pd
import pytest

from rapprochement import data, hindsight, tables
from rapprochement_support.expected import CPI, GACC_TOTAL

# --- trade frame and target explorer -------------------------------------------------------


def test_year_range_selects_exactly_those_years(frames):
    frame = tables.trade_frame(frames["trade"], frames["cpi"], start=2010, end=2015)
    assert frame["year"].tolist() == list(range(2010, 2016))
    assert frame.set_index("year").loc[2015, "value"] == GACC_TOTAL[2015]


def test_real_dollars_use_cpi_of_each_year(frames):
    frame = tables.trade_frame(frames["trade"], frames["cpi"], dollars="real", base_year=2025)
    value = frame.set_index("year").loc[2018, "value"]
    assert value == pytest.approx(GACC_TOTAL[2018] * CPI[2025] / CPI[2018])
    assert value == pytest.approx(137.26, abs=0.01)  # 107.06 x 321.943 / 251.107, by hand
    # nominal value kept beside the real one
    assert frame.set_index("year").loc[2018, "nominal"] == GACC_TOTAL[2018]


# --- tables ---------------------------------------------------------------------------------


def test_targets_table_against_the_csv(frames):
    table = tables.targets_table(frames["trade"], frames["targets"]).set_index("target")
    row = table.loc["USD 100bn by 2015 (set 2011)"]
    assert row["GACC total in deadline year (US$ bn)"] == GACC_TOTAL[2015]
    assert row["first year above target"] == "2018"
    assert row["outcome (from the data)"] == "missed"
    row = table.loc["USD 200bn by 2024 (set 2019)"]
    assert row["GACC total in deadline year (US$ bn)"] == GACC_TOTAL[2024]
    assert (row["first year above target"], row["outcome (from the data)"]) == ("2023", "met early")
    row = table.loc["USD 250bn no official deadline (set 2022)"]
    assert row["deadline"] == "none stated" and row["outcome (from the data)"] == (
        "not reached by 2025"
    )


def test_recomputed_outcomes_agree_with_recorded_status(frames):
    table = tables.targets_table(frames["trade"], frames["targets"])
    expected = {
        "missed": "missed",
        "reached early": "met early",
        "reached": "met",
        "not reached": "not reached",
        "pending": "pending",
    }
    for outcome, status in zip(
        table["outcome (from the data)"], table["status in targets.csv"], strict=True
    ):
        assert outcome.startswith(expected[status]), (outcome, status)


def test_fact_check_table(frames):
    table = tables.fact_check_table(frames["trade"]).set_index("check")
    gacc = table["China customs (GACC)"]
    assert gacc["first year above USD 100bn"] == "2018 (USD 107.06bn)"
    assert gacc["first year above USD 200bn"] == "2023 (USD 240.11bn)"
    # 228.105 / 244.81 - 1 = -6.82% (GACC announced -6.9% against its revised 2024 base)
    assert gacc["latest year-on-year change"] == "2024 to 2025: -6.8%"
    assert table.loc["first year above USD 100bn", "Russian side"] == "2018 (USD 108.3bn)"


def _trade(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": list(values),
            "reporter": "china_customs",
            "flow": "total",
            "value_usd_bn": list(values.values()),
            "source_url": "",
            "verified": True,
            "note": "",
        }
    )


def _targets(rows: list[tuple[str, float, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target_id": [r[0] for r in rows],
            "target_usd_bn": [r[1] for r in rows],
            "target_high_usd_bn": [float("nan")] * len(rows),
            "deadline_year": pd.array([r[2] for r in rows], dtype="Int64"),
            "year_set": [2010] * len(rows),
            "set_by": "test",
            "status": "pending",
        }
    )


def test_the_targets_table_and_notebook_09_use_one_rule(frames):
    # On the real data: every target with a deadline is "met" in the table exactly when
    # hindsight.target_outcome says it was met by its deadline.
    table = tables.targets_table(frames["trade"], frames["targets"])
    total = data.trade_series(frames["trade"])
    checked = 0
    for (_, t), outcome in zip(
        frames["targets"].iterrows(), table["outcome (from the data)"], strict=True
    ):
        if pd.isna(t["deadline_year"]):
            continue
        out = hindsight.target_outcome(total, float(t["target_usd_bn"]), int(t["deadline_year"]))
        assert outcome.startswith("met") == out.met_by_deadline, (t["target_id"], outcome)
        checked += 1
    assert checked >= 6


def test_a_target_passed_before_the_deadline_then_lost_is_met_in_both():
    # The two old rules disagreed here: the table looked only at the deadline year (95 < 100:
    # "missed"), notebook 09 at the first year above (2014 <= 2015: met).
    trade = _trade({2012: 90.0, 2013: 99.0, 2014: 110.0, 2015: 95.0})
    targets = _targets([("100-by-2015", 100.0, 2015)])
    row = tables.targets_table(trade, targets).iloc[0]
    out = hindsight.target_outcome(data.trade_series(trade), 100.0, 2015)
    assert out.met_by_deadline and out.years_early == 1
    assert row["outcome (from the data)"] == "met early"
    assert row["GACC total in deadline year (US$ bn)"] == 95.0


def test_equal_to_the_target_is_not_met_in_either():
    trade = _trade({2014: 100.0, 2015: 100.0, 2016: 101.0})
    targets = _targets([("100-by-2015", 100.0, 2015), ("100-open", 100.0, None)])
    table = tables.targets_table(trade, targets)
    assert table["outcome (from the data)"].tolist() == ["missed", "reached in 2016"]
    assert not hindsight.target_outcome(data.trade_series(trade), 100.0, 2015).met_by_deadline


def test_a_future_deadline_not_yet_reached_is_pending():
    trade = _trade({2020: 100.0, 2021: 120.0})
    table = tables.targets_table(trade, _targets([("300-by-2030", 300.0, 2030)]))
    assert table["outcome (from the data)"].tolist() == ["pending: data end in 2021"]
