"""The dependence explorer's chart: each partner's share in the other's trade (C06, C15)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import tables
from ..tables import QUALIFIER_PREFIX, SHARE_SERIES_LABELS
from .style import PALETTE, TEXT, Spec, base_layout, source_note, trace

__all__ = ["SHARE_SERIES", "partner_shares_chart", "partner_shares_figure"]

_SHARE_STYLE = {
    "russia_in_china_trade_computed": (PALETTE["blue"], "circle"),
    "russia_in_china_trade": (PALETTE["blue"], "square"),
    "china_in_russia_trade": (PALETTE["vermillion"], "diamond"),
    "china_in_russia_exports": (PALETTE["brown"], "triangle-up"),
    "china_in_russia_imports": (PALETTE["reddish_purple"], "triangle-down"),
}
#: series key -> (label, colour, marker symbol), in drawing order.
SHARE_SERIES = {key: (label, *_SHARE_STYLE[key]) for key, label in SHARE_SERIES_LABELS.items()}


def partner_shares_chart(view: pd.DataFrame, *, start: int = 2000, end: int = 2025) -> go.Figure:
    """Draw the rows of a :func:`tables.partner_share_frame` (as chosen by
    :func:`tables.shares_view`) on a year axis from ``start`` to ``end``."""
    fig = Spec()
    # the rows in plain Python: pandas filters cost more than the chart at this size
    names = ("series", "verified", "year", "share_pct", "qualifier", "period", "how")
    rows = list(zip(*(view[name].tolist() for name in names), strict=True))
    for key, (label, color, symbol) in SHARE_SERIES.items():
        part = [row for row in rows if row[0] == key]
        if not part:
            continue
        computed = key.endswith("_computed")
        for verified in (True, False):
            pts = [row for row in part if row[1] == verified]
            if not pts:
                continue
            texts = [
                f"{QUALIFIER_PREFIX.get(q, '')}{v:g}%" if not computed else ""
                for _, _, _, v, q, _, _ in pts
            ]
            hover = [
                f"{label}<br>{p}: {QUALIFIER_PREFIX.get(q, '')}{v:.1f}%<br>{h}"
                f"<br>{'verified' if verified else 'unverified'}"
                for _, _, _, v, q, p, h in pts
            ]
            fig.add_trace(
                trace(
                    "scatter",
                    x=[row[2] for row in pts],
                    y=[row[3] for row in pts],
                    mode=("lines+markers" if computed and verified else "markers")
                    if computed
                    else "markers+text",
                    name=label if verified else "computed, unverified (hollow)",
                    legendgroup=key,
                    line={"color": color, "width": 1} if computed else None,
                    marker={
                        "symbol": symbol if verified else f"{symbol}-open",
                        "size": 8 if computed else 12,
                        "color": color,
                        "line": {"color": color, "width": 2},
                    },
                    text=texts,
                    textposition="top center",
                    # labels in dark text (4.5:1 and more); the marker carries the colour
                    textfont={"color": TEXT},
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="year", range=[start - 0.5, end + 1])
    fig.update_yaxes(title_text="share of the partner's total goods trade, %", rangemode="tozero")
    base_layout(fig, title="How much does each partner weigh in the other's trade?")
    source_note(
        fig,
        "Computed: GACC China-Russia total (data/trade.csv) / China's total goods trade "
        "(data/totals_context.csv); hollow = an input is unverified.<br>Reported: shares as "
        "stated by FCS, GACC, the Russian Export Center and the Gaidar Institute "
        "(data/partner_shares.csv);<br>~ = about. Periods differ (some are part-year).",
    )
    return fig.figure()


def partner_shares_figure(
    frame: pd.DataFrame,
    *,
    start: int = 2000,
    end: int = 2025,
    series: Sequence[str] | None = None,
) -> go.Figure:
    """Draw a :func:`tables.partner_share_frame` in ``start``..``end`` and the chosen series."""
    view = tables.shares_view(frame, start=start, end=end, series=series)
    return partner_shares_chart(view, start=start, end=end)
