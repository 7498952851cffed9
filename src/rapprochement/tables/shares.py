"""Table of the dependence explorer: each partner's share in the other's trade."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import analysis
from ..data import trade_series
from .common import SettingError, check_years


def partner_share_frame(
    trade: pd.DataFrame,
    totals: pd.DataFrame,
    partner_shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each partner's weight in the other's trade, as far as the data allow.

    Computed rows: Russia's share of China's total goods trade = GACC China-Russia total /
    China's total goods trade (``totals_context.csv``); ``verified`` is False when either input
    is unverified. Reported rows (from ``partner_shares.csv``, when given): shares as a source
    stated them, with their qualifier. Columns: year, period, series, share_pct, qualifier,
    verified, how.
    """
    china_total = totals[totals["economy"].str.startswith("China")].set_index("year")
    bilateral = trade_series(trade, "china_customs", "total")
    verified_years = set(trade_series(trade, "china_customs", "total", verified_only=True).index)
    pct = analysis.share(bilateral, china_total["total_goods_trade_usd_bn"].astype(float).dropna())
    rows = []
    for year, value in pct.items():
        verified = year in verified_years and bool(china_total.loc[year, "verified"])
        rows.append(
            {
                "year": int(year),
                "period": str(year),
                "series": "russia_in_china_trade_computed",
                "share_pct": float(value),
                "qualifier": "exact",
                "verified": verified,
                "how": (
                    f"computed: {bilateral.loc[year]:g} / "
                    f"{china_total.loc[year, 'total_goods_trade_usd_bn']:g}"
                    + ("" if verified else " (an input is unverified)")
                ),
            }
        )
    if partner_shares is not None:
        for _, r in partner_shares.iterrows():
            rows.append(
                {
                    "year": int(r["year"]),
                    "period": str(r["period"]),
                    "series": str(r["share_of"]),
                    "share_pct": float(r["share_pct"]),
                    "qualifier": str(r["qualifier"]),
                    "verified": bool(r["verified"]),
                    "how": f"reported: {r['as_stated']} ({r['stated_by']})",
                }
            )
    return pd.DataFrame(rows)


def shares_view(
    frame: pd.DataFrame,
    *,
    start: int = 2000,
    end: int = 2025,
    series: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of a :func:`partner_share_frame` in ``start``..``end`` and the chosen series."""
    check_years(start, end)
    view = frame[frame["year"].between(start, end)]
    if series is not None:
        view = view[view["series"].isin(series)]
    if view.empty:
        raise SettingError("Nothing to show for these years and series; widen the selection.")
    return view
