"""The tables module: pure pandas, one rule for a met target, each table computed once."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from rapprochement import data, explorers, hindsight, tables


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


def test_tables_import_neither_plotly_nor_ipywidgets():
    code = (
        "import sys, rapprochement.tables\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'ipywidgets'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


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


def test_an_update_computes_each_table_once(frames, monkeypatch):
    calls: dict[str, int] = {}

    def counting(name):
        real = getattr(tables, name)

        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return real(*args, **kwargs)

        # the explorers call each table through its own module (tables.targets, ...)
        monkeypatch.setattr(sys.modules[real.__module__], name, wrapper)

    for name in ("trade_frame", "target_lines", "growth_frame", "currency_frame", "shares_view"):
        counting(name)
    explorer = explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
    calls.clear()
    explorer.controls["source"].value = "both"
    assert explorer.error == ""
    assert calls == {"trade_frame": 1, "target_lines": 1}
    projector = explorers.growth.GrowthProjector(frames["trade"], frames["targets"])
    calls.clear()
    projector.controls["rate_pct"].value = 7.0
    assert calls == {"growth_frame": 1}
    currencies = explorers.settlements.SettlementCurrencies(frames["settlements"])
    calls.clear()
    currencies.controls["currencies"].value = ("usd",)
    assert calls == {"currency_frame": 1}
    shares = explorers.shares.PartnerShares(frames["trade"], frames["totals"], frames["shares"])
    calls.clear()
    shares.controls["start"].value = 2010
    assert calls == {"shares_view": 1}


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


def test_only_the_data_module_filters_trade_csv_by_reporter_and_flow():
    # data.trade_series is the one place that picks a reporter's flow out of trade.csv
    import re
    from pathlib import Path

    import rapprochement

    pattern = re.compile(r"\btrade\[\s*[\"'](reporter|flow)[\"']\s*\]")
    package = Path(rapprochement.__file__).parent
    offenders = [
        f"{path.name}:{n}"
        for path in package.rglob("*.py")
        if path.name != "data.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
