"""The growth projector's chart: actual trade beside a constant-growth path, with targets."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import analysis, tables
from ..data import FLOW_LABELS, FLOWS, REPORTER_LABELS, REPORTERS, trade_series
from ..tables.common import SettingError, check_choice, fmt_bn
from .style import (
    PALETTE,
    REPORTER_COLORS,
    Spec,
    base_layout,
    source_note,
    target_color,
    trace,
)
from .targets import TRADE_SOURCE_NOTE

__all__ = ["PROJECTION_COLOR", "projection_chart", "projection_figure"]

PROJECTION_COLOR = PALETTE["brown"]


def projection_chart(
    series: pd.Series,
    growth: pd.DataFrame,
    *,
    reporter: str = "china_customs",
    flow: str = "total",
    base_year: int = 2020,
    rate: float = 0.05,
    end_year: int = 2035,
) -> go.Figure:
    """Draw one reporter's ``series`` (from :func:`data.trade_series`), its constant-growth
    path from ``base_year`` and the targets of a :func:`tables.growth_frame`."""
    if end_year <= base_year:
        raise SettingError(
            f"The projection must end after the base year ({base_year}); it ends in {end_year}."
        )
    path = analysis.project(float(series.loc[base_year]), base_year, rate, end_year)
    fig = Spec()
    color = REPORTER_COLORS[reporter]
    label = REPORTER_LABELS[reporter]
    first = int(series.index.min())
    years = list(range(first, int(series.index.max()) + 1))
    fig.add_trace(
        trace(
            "scatter",
            x=years,
            y=series.reindex(years).tolist(),
            mode="lines+markers",
            name=f"Actual: {label}",
            line={"color": color, "width": 2},
            marker={"size": 6, "color": color},
            connectgaps=False,
            hovertemplate="%{x}: USD %{y:.1f}bn (actual)<extra></extra>",
        )
    )
    fig.add_trace(
        trace(
            "scatter",
            x=path.index.tolist(),
            y=path.tolist(),
            mode="lines",
            name=f"Projected: {rate:+.1%} a year from {base_year}",
            line={"color": PROJECTION_COLOR, "width": 3, "dash": "dash"},
            hovertemplate="%{x}: USD %{y:.1f}bn (projected)<extra></extra>",
        )
    )
    for row in growth.to_dict("records"):
        goal, deadline, reached = row["goal"], row["deadline_year"], row["reached_year"]
        tcolor = target_color(row["color_index"])
        needed = row["growth needed from base year"]
        needed_txt = "" if pd.isna(needed) else f"<br>growth needed from {base_year}: {needed:.1%}"
        text = (
            f"Target {row['target']}<br>reached at {rate:+.1%}: {row['reached at this rate']}"
            + needed_txt
        )
        fig.add_trace(
            trace(
                "scatter",
                x=[first, end_year],
                y=[goal, goal],
                mode="lines",
                name=f"Target {row['target']}",
                line={"color": tcolor, "width": 1.5, "dash": "dot"},
                text=[text, text],
                hovertemplate="%{text}<extra></extra>",
            )
        )
        if deadline is not None and not pd.isna(deadline) and first <= deadline <= end_year:
            fig.add_trace(
                trace(
                    "scatter",
                    x=[int(deadline)],
                    y=[goal],
                    mode="markers",
                    showlegend=False,
                    marker={"symbol": "diamond", "size": 12, "color": tcolor},
                    text=[text],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
        if reached is not None and not pd.isna(reached) and int(reached) <= end_year:
            fig.add_trace(
                trace(
                    "scatter",
                    x=[int(reached)],
                    y=[goal],
                    mode="markers",
                    showlegend=False,
                    marker={
                        "symbol": "star",
                        "size": 14,
                        "color": PROJECTION_COLOR,
                        "line": {"color": "black", "width": 1},
                    },
                    text=[f"projection reaches {fmt_bn(goal)} in {int(reached)}"],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="year", range=[first - 0.5, end_year + 0.5])
    fig.update_yaxes(title_text="trade, current US$ bn", rangemode="tozero")
    base_layout(fig, title=f"What growth would have met each target? ({FLOW_LABELS[flow]})")
    source_note(
        fig,
        TRADE_SOURCE_NOTE + "<br>Projection: constant annual growth from the base year "
        "(an illustration, not a forecast).<br>Diamonds: deadlines; stars: the year the "
        "projection reaches a target.",
    )
    return fig.figure()


def projection_figure(
    trade: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    reporter: str = "china_customs",
    flow: str = "total",
    base_year: int = 2020,
    rate: float = 0.05,
    end_year: int = 2035,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Actual trade beside a constant-growth projection from ``base_year``, with targets."""
    check_choice("reporter", reporter, REPORTERS)
    check_choice("flow", flow, FLOWS)
    series = trade_series(trade, reporter, flow)
    if series.empty:
        raise SettingError(f"{REPORTER_LABELS[reporter]} reports no figure for this flow.")
    if end_year <= base_year:
        raise SettingError(
            f"The projection must end after the base year ({base_year}); it ends in {end_year}."
        )
    growth = tables.growth_frame(
        series, targets, base_year=base_year, rate=rate, target_ids=target_ids
    )
    return projection_chart(
        series,
        growth,
        reporter=reporter,
        flow=flow,
        base_year=base_year,
        rate=rate,
        end_year=end_year,
    )
