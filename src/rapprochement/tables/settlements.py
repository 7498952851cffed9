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
    """Rows of ``settlement_currency.csv`` to draw, with an x position and a label.

    Columns: those of the file that the chart reads, then x (:func:`period_position`), label
    (the share as the source gives it: "~20%", ">50%") and granularity ("quarter", "year" or
    "other"); rows in the order measure, currency, granularity, x.
    """
    keep = settlements["currency"].isin(currencies) if currencies is not None else None
    if measures is not None:
        chosen = settlements["measure"].isin(measures)
        keep = chosen if keep is None else keep & chosen
    rows = list(range(len(settlements))) if keep is None else keep.to_numpy().nonzero()[0]
    if len(rows) == 0:
        raise SettingError("No reported share for this choice of currencies and measures.")
    # each derived column in plain Python on the chosen rows (pandas' per-column operations
    # cost more than the work at this size; an explorer calls this at every update)
    col = {
        name: settlements[name].to_numpy(dtype=object)[rows].tolist()
        for name in ("period", "year", "measure", "currency", "share_pct", "qualifier")
    }
    x = [period_position(p, y) for p, y in zip(col["period"], col["year"], strict=True)]
    shares = zip(col["share_pct"], col["qualifier"], strict=True)
    label = [f"{QUALIFIER_PREFIX[q]}{v:g}%" for v, q in shares]
    granularity = [
        "quarter"
        if _QUARTER.match(p.strip())
        else "year"
        if re.fullmatch(r"\d{4}", p.strip())
        else "other"
        for p in col["period"]
    ]
    # a stable sort, as pandas' sort_values on several columns
    order = sorted(
        range(len(rows)),
        key=lambda i: (col["measure"][i], col["currency"][i], granularity[i], x[i]),
    )
    # every column of the file but its free-text note (the chart does not read it)
    kept = [c for c in settlements.columns if c != "note"]
    out = settlements.iloc[[rows[i] for i in order]][kept].reset_index(drop=True)
    out["x"] = [x[i] for i in order]
    out["label"] = [label[i] for i in order]
    out["granularity"] = [granularity[i] for i in order]
    return out
