"""Table of the currencies explorer: reported currency shares in settlements."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from .common import QUALIFIER_PREFIX, SettingError

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def period_position(period: str, year: int) -> float:
    """Where a settlement figure's ``period`` sits on a time axis, in fractional years.

    "2018-Q3" -> 2018.625 (mid-quarter), "2023-09" -> 2023.71 (mid-month), "2019" -> 2019.5,
    "2022 (beginning of year)" -> 2022.05, "2023 (early ...)" -> 2023.25; any other phrase
    -> the middle of ``year``.
    """
    period = period.strip()
    if m := _QUARTER.match(period):
        return int(m.group(1)) + (int(m.group(2)) - 0.5) / 4
    if m := _MONTH.match(period):
        day = int(m.group(3)) if m.group(3) else 15
        return int(m.group(1)) + (int(m.group(2)) - 1 + (day - 0.5) / 31) / 12
    if re.fullmatch(r"\d{4}", period):
        return int(period) + 0.5
    low = period.lower()
    if "beginning" in low:
        return year + 0.05
    if "early" in low:
        return year + 0.25
    return year + 0.5


def currency_frame(
    settlements: pd.DataFrame,
    *,
    currencies: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``settlement_currency.csv`` to draw, with an x position and a label."""
    view = settlements
    if currencies is not None:
        view = view[view["currency"].isin(currencies)]
    if measures is not None:
        view = view[view["measure"].isin(measures)]
    if view.empty:
        raise SettingError("No reported share for this choice of currencies and measures.")
    out = view[
        [
            "period",
            "year",
            "measure",
            "scope",
            "currency",
            "share_pct",
            "qualifier",
            "as_stated",
            "source_url",
            "verified",
        ]
    ].copy()
    out["x"] = [period_position(p, y) for p, y in zip(out["period"], out["year"], strict=True)]
    out["label"] = [
        f"{QUALIFIER_PREFIX[q]}{v:g}%"
        for v, q in zip(out["share_pct"], out["qualifier"], strict=True)
    ]
    out["granularity"] = [
        "quarter"
        if _QUARTER.match(p.strip())
        else "year"
        if re.fullmatch(r"\d{4}", p.strip())
        else "other"
        for p in out["period"]
    ]
    return out.sort_values(["measure", "currency", "granularity", "x"], ignore_index=True)
