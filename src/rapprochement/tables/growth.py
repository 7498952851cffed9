"""Table of the growth projector: each target against a constant growth rate."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .. import analysis
from .common import (
    SettingError,
    _chosen,
    _deadline,
    fmt_bn,
    target_label,
    years_text,
)

_HORIZON = 500  # years; beyond this "reached in year N" means nothing
GROWTH_COLUMNS = [
    "target",
    "deadline",
    "reached at this rate",
    "growth needed from base year",
    "note",
]


def growth_frame(
    series: pd.Series,
    targets: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """For each target: the year the projection reaches it, and the growth its deadline needed.

    ``series`` is one reporter's trade by year (see :func:`rapprochement.data.trade_series`),
    ``rate`` a fraction (0.05 = 5% a year). Columns: the five of :func:`growth_table` and, for
    the chart, goal (USD bn), deadline_year (None without one), reached_year (None when
    not reached) and color_index (the target's row in ``targets.csv``: its colour). Raises
    :class:`SettingError` for a base year without a figure or a rate of -100% or less.
    """
    try:
        base = analysis.value_in(series, base_year)
    except ValueError as exc:
        raise SettingError(
            f"No trade figure for the base year {base_year} in this series "
            f"(it has {years_text(series.dropna().index)}). Choose another base year."
        ) from exc
    if not math.isfinite(rate) or rate <= -1:
        raise SettingError(
            f"A growth rate of {rate:.0%} a year would wipe out trade in one year or less; "
            "choose a rate above -100%."
        )
    rows = []
    for t in _chosen(targets, target_ids):
        goal = float(t["target_usd_bn"])
        deadline = _deadline(t)
        note = ""
        year: int | None = None
        if base >= goal:
            reached = "already met"
            note = f"already met in the base year {base_year} ({fmt_bn(base)})"
        elif rate > 0 and math.log(goal / base) / math.log1p(rate) > _HORIZON:
            # a tiny positive rate: analysis.year_growth_reaches would count for ever
            reached = f"not within {_HORIZON} years"
        else:
            year = analysis.year_growth_reaches(base, base_year, goal, rate)
            reached = "never at this rate" if year is None else str(year)
        if deadline is None:
            needed = math.nan
            note = note or "no official deadline"
        elif deadline <= base_year:
            needed = math.nan
            note = note or f"deadline {deadline} is not after the base year"
        else:
            needed = analysis.required_growth(base, base_year, goal, deadline)
        rows.append(
            {
                "target": target_label(t),
                "deadline": "none" if deadline is None else str(deadline),
                "reached at this rate": reached,
                "growth needed from base year": needed,
                "note": note,
                "goal": goal,
                "deadline_year": deadline,
                "reached_year": year,
                "color_index": int(t["color_index"]),
            }
        )
    # the same columns when no target is chosen, so that callers can always index them
    extra = ["goal", "deadline_year", "reached_year", "color_index"]
    return pd.DataFrame(rows, columns=[*GROWTH_COLUMNS, *extra])


def growth_table(
    series: pd.Series,
    targets: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The table students read: the five text columns of :func:`growth_frame`
    (target, deadline, reached at this rate, growth needed from base year as a fraction, note)."""
    frame = growth_frame(series, targets, base_year=base_year, rate=rate, target_ids=target_ids)
    return frame[GROWTH_COLUMNS]
