"""Pure functions on trade series: thresholds, growth, targets, real dollars, mirror gaps, shares.

A *series* here is a :class:`pandas.Series` of values indexed by integer year, as returned by
:func:`rapprochement.data.trade_series`. Growth rates are fractions (0.05 = 5% a year).
Every function raises :class:`ValueError` with a plain message for arguments that make no sense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "TargetOutcome",
    "cagr",
    "first_year_above",
    "mirror_gap",
    "project",
    "required_growth",
    "share",
    "target_outcome",
    "to_real",
    "value_in",
    "year_growth_reaches",
    "yoy_growth",
]


def _check_series(series: pd.Series) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise ValueError(f"expected a pandas Series indexed by year, got {type(series).__name__}")
    if series.empty:
        raise ValueError("the series is empty")
    if not series.index.is_unique:
        raise ValueError("the series has a year more than once")
    return series.sort_index()


def value_in(series: pd.Series, year: int) -> float:
    """The series' value in ``year``; a clear ValueError when that year is not in the data."""
    series = _check_series(series)
    if year not in series.index or pd.isna(series.loc[year]):
        first, last = int(series.index.min()), int(series.index.max())
        raise ValueError(f"no value for {year} (the series has years {first}-{last}, with gaps)")
    return float(series.loc[year])


def first_year_above(series: pd.Series, threshold: float) -> int | None:
    """First year whose value is strictly above ``threshold``; None if it never is."""
    series = _check_series(series)
    if not math.isfinite(threshold):
        raise ValueError("threshold must be a finite number")
    above = series[series > threshold]
    return None if above.empty else int(above.index[0])


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value)) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _rate(rate: float) -> None:
    if not (isinstance(rate, int | float) and math.isfinite(rate)):
        raise ValueError(f"growth rate must be a finite number, got {rate!r}")
    if rate <= -1:
        raise ValueError(f"growth rate must be above -100% a year, got {rate:.0%}")


def cagr(series: pd.Series, start_year: int, end_year: int) -> float:
    """Compound annual growth rate between two years of the series."""
    if start_year >= end_year:
        raise ValueError(f"start year ({start_year}) must be before end year ({end_year})")
    start, end = value_in(series, start_year), value_in(series, end_year)
    _positive(f"the value in {start_year}", start)
    _positive(f"the value in {end_year}", end)
    return (end / start) ** (1 / (end_year - start_year)) - 1


def required_growth(base_value: float, base_year: int, target: float, deadline_year: int) -> float:
    """Constant annual growth that takes ``base_value`` in ``base_year`` to ``target`` by
    ``deadline_year``. Negative when the base is already above the target."""
    _positive("base value", base_value)
    _positive("target", target)
    if deadline_year <= base_year:
        raise ValueError(f"deadline ({deadline_year}) must be after the base year ({base_year})")
    return (target / base_value) ** (1 / (deadline_year - base_year)) - 1


def year_growth_reaches(
    base_value: float, base_year: int, target: float, rate: float
) -> int | None:
    """First year in which ``base_value`` growing at ``rate`` a year reaches ``target``.

    None when it never does (zero or negative growth). Raises ValueError when the target is
    already met in the base year: there is nothing to project.
    """
    _positive("base value", base_value)
    _positive("target", target)
    _rate(rate)
    if base_value >= target:
        raise ValueError(
            f"the target ({target:g}) is already met in the base year {base_year} ({base_value:g})"
        )
    if rate <= 0:
        return None
    # Work in logs: (1 + rate) ** n loses all precision when rate is tiny (1 + 1e-17 == 1.0).
    step = math.log1p(rate)
    needed = math.log(target / base_value)

    def reached(n: int) -> bool:
        return n * step >= needed - 1e-12 * abs(needed)

    n = max(1, math.ceil(needed / step))
    while n > 1 and reached(n - 1):
        n -= 1
    while not reached(n):
        n += 1
    return base_year + n


def project(base_value: float, base_year: int, rate: float, end_year: int) -> pd.Series:
    """Path of ``base_value`` growing at ``rate`` a year, from ``base_year`` to ``end_year``."""
    _positive("base value", base_value)
    _rate(rate)
    if end_year < base_year:
        raise ValueError(f"end year ({end_year}) must not be before the base year ({base_year})")
    years = range(base_year, end_year + 1)
    return pd.Series(
        [base_value * (1 + rate) ** (y - base_year) for y in years],
        index=pd.Index(years, name="year"),
        name="projected",
    )


def yoy_growth(series: pd.Series) -> pd.Series:
    """Year-on-year growth as a fraction; NaN where the previous year is missing."""
    series = _check_series(series)
    full = series.reindex(range(int(series.index.min()), int(series.index.max()) + 1))
    return (full / full.shift(1) - 1).reindex(series.index)


def to_real(series: pd.Series, cpi: pd.Series, base_year: int) -> pd.Series:
    """Nominal values in constant ``base_year`` dollars: value x CPI[base] / CPI[year].

    ``cpi`` is a Series of index values by year (e.g. CPI-U annual averages). Every year of
    ``series`` must have a CPI value.
    """
    series = _check_series(series)
    cpi = _check_series(cpi)
    base = value_in(cpi, base_year)
    missing = sorted(set(series.index) - set(cpi.dropna().index))
    if missing:
        raise ValueError(f"no CPI value for year(s) {', '.join(map(str, missing))}")
    if (cpi <= 0).any():
        raise ValueError("CPI values must be positive")
    real = series * base / cpi.reindex(series.index)
    real.name = f"{series.name or 'value'} (real, {base_year} USD)"
    return real


def mirror_gap(china: pd.Series, russia: pd.Series) -> pd.DataFrame:
    """China's and Russia's figures for the same flow, in the years both report.

    Columns: china, russia, gap (china - russia, USD bn), gap_pct (gap as % of Russia's figure).
    """
    china, russia = _check_series(china), _check_series(russia)
    both = pd.concat({"china": china, "russia": russia}, axis=1, join="inner").dropna()
    if both.empty:
        raise ValueError("the two series have no year in common")
    both["gap"] = both["china"] - both["russia"]
    both["gap_pct"] = 100 * both["gap"] / both["russia"]
    both.index.name = "year"
    return both


def share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``part`` as a percentage of ``whole``, for the years both have."""
    part, whole = _check_series(part), _check_series(whole)
    joined = pd.concat({"part": part, "whole": whole}, axis=1, join="inner").dropna()
    if joined.empty:
        raise ValueError("the two series have no year in common")
    if (joined["whole"] <= 0).any():
        raise ValueError("the whole must be positive in every year")
    if (joined["part"] < 0).any():
        raise ValueError("the part must not be negative")
    result = 100 * joined["part"] / joined["whole"]
    result.index.name = "year"
    result.name = "share_pct"
    return result


@dataclass(frozen=True)
class TargetOutcome:
    """How a trade target fared: the deadline value, the first year above, years early or late.

    This is the one rule for "when a target counts as met", used by the targets table of
    notebook 06 (:func:`rapprochement.tables.targets_table`) and by notebook 09
    (:func:`rapprochement.hindsight.target_outcome`): a target is **met** when the first year
    whose annual value is strictly above it is no later than its deadline (a later fall below
    the target does not undo it); **met early** when that year is before the deadline.
    """

    target: float
    deadline_year: int | None
    value_at_deadline: float | None
    first_year_above: int | None
    met_by_deadline: bool
    years_early: int | None
    """Deadline minus the first year above the target: positive = early, negative = late."""


def target_outcome(series: pd.Series, target: float, deadline_year: int | None) -> TargetOutcome:
    """Compare a year-indexed trade series with a target to be passed by ``deadline_year``.

    "Reached" means strictly above the target, as in :func:`first_year_above`. A target with
    no deadline (``None``) is never "met by the deadline"; its first year above is still given.
    ``value_at_deadline`` is None when the deadline year is not (yet) in the series.
    """
    if isinstance(target, bool) or not isinstance(target, int | float) or not target > 0:
        raise ValueError(f"target must be a positive number, got {target!r}")
    first = first_year_above(series, float(target))
    if deadline_year is None:
        return TargetOutcome(float(target), None, None, first, False, None)
    deadline = int(deadline_year)
    try:
        at_deadline: float | None = value_in(series, deadline)
    except ValueError:
        at_deadline = None
    met = first is not None and first <= deadline
    early = None if first is None else deadline - first
    return TargetOutcome(float(target), deadline, at_deadline, first, met, early)
