"""Analysis functions: hand-checked values from the CSVs, properties, and bad arguments."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapprochement import analysis as a
from rapprochement import data
from rapprochement_support.expected import GACC_TOTAL, RUSSIA_TOTAL


@pytest.fixture(scope="module")
def gacc() -> pd.Series:
    return data.trade_series(data.load_trade(), "china_customs", "total")


@pytest.fixture(scope="module")
def cpi() -> pd.Series:
    return data.load_us_cpi().set_index("year")["cpi_u_annual_avg"]


# Hand-checked against data/trade.csv: 2017 = 84.07, 2018 = 107.06, 2022 = 190.27, 2023 = 240.11
def test_first_year_above_100bn_is_2018_not_2019(gacc: pd.Series) -> None:
    assert a.first_year_above(gacc, 100) == 2018


def test_first_year_above_200bn_is_2023(gacc: pd.Series) -> None:
    assert a.first_year_above(gacc, 200) == 2023


def test_threshold_never_passed_gives_none(gacc: pd.Series) -> None:
    assert a.first_year_above(gacc, 300) is None


def test_cagr_2018_2023(gacc: pd.Series) -> None:
    # (240.11 / 107.06) ** (1/5) - 1, worked by hand: ln(2.24276)/5 = 0.16154 -> 17.53%
    assert a.cagr(gacc, 2018, 2023) == pytest.approx(0.17533, abs=5e-5)


def test_growth_needed_for_the_2011_targets() -> None:
    # From $80bn in 2011: $100bn by 2015 needs 1.25**(1/4)-1; $200bn by 2020 needs 2.5**(1/9)-1
    assert a.required_growth(80, 2011, 100, 2015) == pytest.approx(0.05737, abs=5e-5)
    assert a.required_growth(80, 2011, 200, 2020) == pytest.approx(0.10717, abs=5e-5)


def test_growth_needed_from_2019_for_200bn_by_2024(gacc: pd.Series) -> None:
    needed = a.required_growth(a.value_in(gacc, 2019), 2019, 200, 2024)
    assert needed == pytest.approx(0.12548, abs=5e-5)  # (200/110.75)**0.2 - 1


def test_year_reached_at_assumed_growth() -> None:
    # 100 * 1.1**7 = 194.9 < 200 <= 100 * 1.1**8 = 214.4
    assert a.year_growth_reaches(100, 2020, 200, 0.10) == 2028
    # exactly on the boundary: 100 * 1.1**2 = 121
    assert a.year_growth_reaches(100, 2020, 121, 0.10) == 2022
    assert a.year_growth_reaches(100, 2020, 200, 0.0) is None
    assert a.year_growth_reaches(100, 2020, 200, -0.05) is None


def test_real_dollars(gacc: pd.Series, cpi: pd.Series) -> None:
    real = a.to_real(gacc, cpi, 2021)
    # 107.06 * 270.970 / 251.107
    assert real.loc[2018] == pytest.approx(115.5287, abs=1e-3)
    assert real.loc[2021] == pytest.approx(GACC_TOTAL[2021])


def test_mirror_gap_2018() -> None:
    trade = data.load_trade()
    gap = a.mirror_gap(data.trade_series(trade), data.trade_series(trade, "russia"))
    assert gap.loc[2018, "gap"] == pytest.approx(GACC_TOTAL[2018] - RUSSIA_TOTAL[2018])
    assert 2024 not in gap.index  # no Russian figure for 2024
    assert gap.loc[2006, "gap_pct"] == pytest.approx(100 * (33.4 - 28.64) / 28.64)


def test_share_of_china_total_2019(gacc: pd.Series) -> None:
    totals = data.load_totals_context()
    china = totals[totals.economy.str.startswith("China")].set_index("year")
    shares = a.share(gacc, china["total_goods_trade_usd_bn"])
    assert shares.loc[2019] == pytest.approx(100 * 110.75 / 4576.13)


def test_yoy_growth_marks_gaps() -> None:
    s = pd.Series([100.0, 110.0, 121.0], index=[2000, 2001, 2003])
    growth = a.yoy_growth(s)
    assert growth.loc[2001] == pytest.approx(0.10)
    assert math.isnan(growth.loc[2003])


def test_2025_fall(gacc: pd.Series) -> None:
    assert a.yoy_growth(gacc).loc[2025] == pytest.approx(228.105 / 244.81 - 1)
    assert a.yoy_growth(gacc).loc[2025] < 0


# --- bad arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: a.cagr(s, 2020, 2018), "start year .* before end year"),
        (lambda s: a.cagr(s, 2018, 2018), "start year .* before end year"),
        (lambda s: a.cagr(s, 1980, 2018), "no value for 1980"),
        (lambda s: a.value_in(s, 2030), "no value for 2030"),
        (lambda s: a.required_growth(0, 2019, 200, 2024), "base value must be a positive"),
        (lambda s: a.required_growth(100, 2019, -5, 2024), "target must be a positive"),
        (lambda s: a.required_growth(100, 2024, 200, 2019), "deadline .* after the base year"),
        (lambda s: a.year_growth_reaches(100, 2020, 200, -1.0), "above -100%"),
        (lambda s: a.year_growth_reaches(100, 2020, 200, float("nan")), "finite"),
        (lambda s: a.year_growth_reaches(250, 2024, 200, 0.05), "already met in the base year"),
        (lambda s: a.project(100, 2020, 0.1, 2019), "must not be before"),
        (lambda s: a.to_real(s, s.loc[2000:2010], 2005), "no CPI value"),
        (lambda s: a.to_real(s, s, 1980), "no value for 1980"),
        (lambda s: a.first_year_above(s, float("inf")), "finite"),
        (lambda s: a.first_year_above(pd.Series(dtype=float), 1), "empty"),
        (lambda s: a.share(s.loc[1992:1995], s.loc[2000:2005]), "no year in common"),
        (lambda s: a.cagr([1, 2], 2000, 2001), "pandas Series"),
    ],
)
def test_bad_arguments_raise_clear_errors(gacc: pd.Series, call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(gacc)


def test_cagr_rejects_zero_values() -> None:
    s = pd.Series([0.0, 10.0], index=[2000, 2001])
    with pytest.raises(ValueError, match="positive"):
        a.cagr(s, 2000, 2001)


# --- properties --------------------------------------------------------------------------

values = st.floats(min_value=0.01, max_value=1e5, allow_nan=False)
rates = st.floats(min_value=0.001, max_value=2.0, allow_nan=False)
years = st.integers(min_value=1990, max_value=2050)


@given(base=values, rate=rates, year=years, ratio=st.floats(min_value=1.001, max_value=1e3))
def test_reached_year_is_the_first_projected_year_at_or_above_target(base, rate, year, ratio):
    target = base * ratio
    reached = a.year_growth_reaches(base, year, target, rate)
    assert reached is not None and reached > year
    path = a.project(base, year, rate, reached)
    assert path.iloc[-1] >= target * (1 - 1e-9)
    assert path.iloc[-2] < target * (1 + 1e-9)


@given(base=values, target=values, year=years, span=st.integers(min_value=1, max_value=40))
def test_required_growth_lands_on_the_target(base, target, year, span):
    rate = a.required_growth(base, year, target, year + span)
    assert a.project(base, year, rate, year + span).iloc[-1] == pytest.approx(target, rel=1e-9)


@given(base=values, rate=rates, year=years, span=st.integers(min_value=1, max_value=30))
def test_cagr_recovers_the_growth_rate(base, rate, year, span):
    path = a.project(base, year, rate, year + span)
    assert a.cagr(path, year, year + span) == pytest.approx(rate, rel=1e-6, abs=1e-9)


def test_real_equals_nominal_in_the_base_year(gacc: pd.Series, cpi: pd.Series) -> None:
    for year in gacc.index:
        assert a.to_real(gacc, cpi, year).loc[year] == pytest.approx(gacc.loc[year])


def test_tiny_growth_rate_returns_instead_of_looping() -> None:
    # 1 + 1e-17 == 1.0 in floating point; the answer is still a (very distant) year
    year = a.year_growth_reaches(100, 2020, 200, 1e-17)
    assert year is not None and year > 10**15
