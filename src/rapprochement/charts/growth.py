"""The growth projector's chart: actual trade beside a constant-growth path, with targets."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import analysis, tables
from ..data import FLOW_LABELS, FLOWS, REPORTER_LABELS, REPORTERS, trade_series
from ..tables.common import (
    CUSTOMS,
    KIND_LABELS,
    SettingError,
    check_choice,
    fmt_bn,
    records,
    trade_kinds,
)
from .style import (
    KIND_SYMBOLS,
    PALETTE,
    REPORTER_COLORS,
    Spec,
    base_layout,
    kind_name,
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
    kinds: Mapping[int, str] | None = None,
) -> go.Figure:
    """Draw one reporter's ``series`` (from :func:`data.trade_series`), its constant-growth
    path from ``base_year`` and the targets of a :func:`tables.growth_frame`.

    ``kinds`` ({year: kind of figure}, :func:`tables.common.trade_kinds`) marks the years that
    are not customs releases with their own symbol and legend entry (all customs if omitted).
    """
    if end_year <= base_year:
        raise SettingError(
            f"The projection must end after the base year ({base_year}); it ends in {end_year}."
        )
    path = analysis.project(float(series.loc[base_year]), base_year, rate, end_year)
    # the series as a plain dict: a lookup per year, not a pandas .loc
    value_of = dict(zip(series.index.tolist(), series.tolist(), strict=True))
    fig = Spec()
    color = REPORTER_COLORS[reporter]
    label = REPORTER_LABELS[reporter]
    first = int(series.index.min())
    years = list(range(first, int(series.index.max()) + 1))
    fig.add_trace(
        trace(
            "scatter",
            x=years,
            y=[value_of.get(y, math.nan) for y in years],
            mode="lines",
            name=f"Actual: {label}",
            legendgroup="actual",
            showlegend=False,
            line={"color": color, "width": 2},
            connectgaps=False,
            hoverinfo="skip",
        )
    )
    shown = [y for y, v in value_of.items() if not pd.isna(v)]
    kind_of = {int(y): (kinds or {}).get(int(y), CUSTOMS) for y in shown}
    for kind in KIND_SYMBOLS:
        xs = [y for y, k in kind_of.items() if k == kind]
        if not xs and kind != CUSTOMS:
            continue
        customs = kind == CUSTOMS
        fig.add_trace(
            trace(
                "scatter",
                x=xs,
                y=[float(value_of[y]) for y in xs],
                mode="markers",
                name=kind_name(f"Actual: {label}", kind, KIND_LABELS),
                legendgroup="actual",
                showlegend=customs,  # the kinds are named in the hover and the caption
                marker={"size": 6 if customs else 9, "color": color, "symbol": KIND_SYMBOLS[kind]},
                hovertemplate="%{x}: USD %{y:.1f}bn (actual"
                + ("" if customs else f"; {KIND_LABELS[kind].lower()}")
                + ")<extra></extra>",
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
    for row in records(growth):
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
    note = (
        TRADE_SOURCE_NOTE + "<br>Projection: constant annual growth from the base year "
        "(an illustration, not a forecast).<br>Diamonds: deadlines; stars: the year the "
        "projection reaches a target."
    )
    if any(k != CUSTOMS for k in kind_of.values()):
        note += (
            "<br>Squares: an official's statement; crosses: an estimate; triangles: a lower "
            "bound. Only circles are customs data (kind in data/trade.csv)."
        )
    source_note(fig, note)
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
        kinds=trade_kinds(trade, reporter, flow),
    )
