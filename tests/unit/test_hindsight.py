"""Unit tests for rapprochement.hindsight, with hand-checked values."""

from __future__ import annotations

import pandas as pd
import pytest

from rapprochement import data, hindsight


def _series(values: dict[int, float]) -> pd.Series:
    return pd.Series(values, dtype=float)


def _settle() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2018", "2018-Q1", "2018-Q4", "2017", "2015", "2022 (start)"],
            "year": [2018, 2018, 2018, 2017, 2015, 2022],
            "measure": ["receipts", "receipts", "receipts", "receipts", "all", "statement"],
            "scope": ["R", "R", "R", "R", "A", "S"],
            "currency": ["usd", "usd", "usd", "usd", "usd", "rub_plus_cny"],
            "share_pct": [75.1, 87.8, 54.5, 79.2, 90.0, 25.0],
            "qualifier": ["exact", "exact", "exact", "exact", "about", "about"],
            "as_stated": ["75.1", "87.8", "54.5", "79.2", "~90", "~25"],
        }
    )


class TestTargetOutcome:
    def test_met_early(self) -> None:
        s = _series({2020: 107.76, 2021: 146.887, 2022: 190.27, 2023: 240.11, 2024: 244.81})
        out = hindsight.target_outcome(s, 200, 2024)
        assert out.first_year_above == 2023
        assert out.met_by_deadline is True
        assert out.years_early == 1  # 2024 - 2023
        assert out.value_at_deadline == pytest.approx(244.81)

    def test_missed_late(self) -> None:
        s = _series({2014: 95.28, 2015: 68.0, 2016: 69.525, 2017: 84.07, 2018: 107.06})
        out = hindsight.target_outcome(s, 100, 2015)
        assert out.first_year_above == 2018
        assert out.met_by_deadline is False
        assert out.years_early == -3  # 2015 - 2018
        assert out.value_at_deadline == pytest.approx(68.0)

    def test_never_reached_and_deadline_outside_data(self) -> None:
        s = _series({2024: 244.81, 2025: 228.105})
        out = hindsight.target_outcome(s, 300, 2030)
        assert out.first_year_above is None
        assert out.years_early is None
        assert out.value_at_deadline is None
        assert out.met_by_deadline is False

    def test_equal_is_not_above(self) -> None:
        out = hindsight.target_outcome(_series({2000: 100.0, 2001: 100.5}), 100, 2000)
        assert out.first_year_above == 2001
        assert out.years_early == -1

    @pytest.mark.parametrize("bad", [0, -5, "200"])
    def test_bad_target(self, bad: object) -> None:
        with pytest.raises(ValueError, match="target"):
            hindsight.target_outcome(_series({2000: 1.0}), bad, 2000)  # type: ignore[arg-type]

    def test_real_data(self) -> None:
        total = data.trade_series(data.load_trade())
        assert hindsight.target_outcome(total, 200, 2024).first_year_above == 2023
        assert hindsight.target_outcome(total, 200, 2020).years_early == -3


class TestSettlement:
    def test_order_by_year_then_file(self) -> None:
        s = hindsight.settlement_series(_settle(), "receipts", "usd")
        assert list(s.index) == ["2017", "2018", "2018-Q1", "2018-Q4"]
        assert list(s) == [79.2, 75.1, 87.8, 54.5]
        assert s.name == "receipts:usd"

    def test_rows_keep_wording(self) -> None:
        rows = hindsight.settlement_rows(_settle(), "all", "usd")
        assert rows.loc["2015", "qualifier"] == "about"
        assert rows.loc["2015", "as_stated"] == "~90"

    def test_unknown_measure_names_known(self) -> None:
        with pytest.raises(ValueError, match="receipts"):
            hindsight.settlement_series(_settle(), "nope", "usd")

    def test_unknown_currency_names_known(self) -> None:
        with pytest.raises(ValueError, match="rub_plus_cny"):
            hindsight.settlement_series(_settle(), "statement", "usd")

    def test_missing_columns(self) -> None:
        with pytest.raises(ValueError, match="lacks"):
            hindsight.settlement_series(_settle().drop(columns="period"), "all", "usd")

    def test_first_period_below(self) -> None:
        s = hindsight.settlement_series(_settle(), "receipts", "usd")
        assert hindsight.first_period_below(s, 60) == "2018-Q4"
        assert hindsight.first_period_below(s, 50) is None
        assert hindsight.first_period_below(s, 79.2) == "2018"  # strictly below

    def test_first_period_below_needs_series(self) -> None:
        with pytest.raises(ValueError):
            hindsight.first_period_below([1, 2], 5)  # type: ignore[arg-type]

    def test_overview(self) -> None:
        ov = hindsight.measure_overview(_settle())
        assert list(ov.index) == ["receipts", "all", "statement"]
        assert ov.loc["receipts", "rows"] == 4
        assert ov.loc["receipts", "first_period"] == "2017"
        assert ov.loc["receipts", "last_period"] == "2018-Q4"

    def test_real_data(self) -> None:
        frame = data.load_settlement_currency()
        usd = hindsight.settlement_series(frame, "russian_export_receipts_from_china", "usd")
        assert hindsight.first_period_below(usd, 50) == "2019-Q1"
        assert usd["2019-Q1"] == pytest.approx(45.7)
        stated = hindsight.settlement_series(frame, "official_statement", "rub_plus_cny")
        assert stated.iloc[0] == pytest.approx(25.0)
        assert stated.iloc[-1] == pytest.approx(99.1)


class TestRowRef:
    def test_format(self) -> None:
        ref = hindsight.row_ref("trade.csv", year=2023, flow="total")
        assert ref == "trade.csv [year=2023, flow=total]"

    def test_needs_key(self) -> None:
        with pytest.raises(ValueError):
            hindsight.row_ref("trade.csv")


class TestEvidenceRows:
    def test_values_and_refs(self) -> None:
        s = _series({2018: 107.06, 2019: 110.75})
        out = hindsight.evidence_rows(s, [2018, 2019], "trade.csv", flow="total")
        assert list(out.index) == [2018, 2019]
        assert out.loc[2019, "value"] == pytest.approx(110.75)
        assert out.loc[2018, "data row"] == "trade.csv [year=2018, flow=total]"

    def test_rounding(self) -> None:
        out = hindsight.evidence_rows(_series({2021: 146.887}), [2021], "t.csv", decimals=1)
        assert out.loc[2021, "value"] == pytest.approx(146.9)

    def test_missing_year(self) -> None:
        with pytest.raises(ValueError, match="2030"):
            hindsight.evidence_rows(_series({2021: 1.0}), [2030], "t.csv")

    def test_no_years(self) -> None:
        with pytest.raises(ValueError):
            hindsight.evidence_rows(_series({2021: 1.0}), [], "t.csv")


class TestSelectEvents:
    def _events(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "date": ["2021-03-23", "1997-04-23", "2022-02", "2022-02-24", "2023"],
                "event": ["a", "b", "c", "d", "e"],
                "category": ["diplomatic declaration", "diplomatic declaration", "x", "war", "y"],
            }
        )

    def test_select_by_category_sorted(self) -> None:
        out = hindsight.select_events(self._events(), categories=("declaration",))
        assert list(out["event"]) == ["b", "a"]

    def test_select_by_dates(self) -> None:
        out = hindsight.select_events(self._events(), start="2022-01-01", end="2022")
        assert list(out["event"]) == ["c", "d"]
        out = hindsight.select_events(self._events(), start="2022-02-10")
        assert list(out["event"]) == ["d", "e"]

    def test_real_events(self) -> None:
        ev = data.load_events()
        decl = hindsight.select_events(ev, categories=("diplomatic declaration",))
        assert "1997-04-23" in set(decl["date"])
        assert "2022-02-04" in set(decl["date"])
