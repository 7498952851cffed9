"""The target explorer's chart: China-Russia trade by year against official targets."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import tables
from ..data import FLOW_LABELS, REPORTER_LABELS, REPORTERS
from ..tables.common import CUSTOMS, KIND_LABELS, Dollars, Source, fmt_bn, records
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

__all__ = ["TRADE_SOURCE_NOTE", "target_explorer_figure", "targets_chart"]

TRADE_SOURCE_NOTE = (
    "Source: China customs (GACC) and Russian-side figures as reported by the pages cited in "
    "data/trade.csv; goods only, US dollars, first release."
)


def targets_chart(
    frame: pd.DataFrame,
    lines: pd.DataFrame,
    gap: pd.DataFrame | None = None,
    *,
    start: int,
    end: int,
    flow: str = "total",
    dollars: Dollars = "nominal",
    base_year: int = 2025,
) -> go.Figure:
    """Draw a :func:`tables.trade_frame` with its :func:`tables.target_lines`.

    Each target is a dashed segment from the year it was set to its deadline, ending in a
    diamond at the deadline; a target with no official deadline is a dotted segment that
    runs to the end of the chart and says so in its label. With a ``gap`` table
    (:func:`tables.mirror_gap_frame`) a second panel shows China customs minus the Russian side.
    """
    both = gap is not None
    fig = Spec()
    traces: list[dict] = []
    unit = "current US$ bn" if dollars == "nominal" else f"US$ bn at {base_year} prices (CPI-U)"
    years = list(range(start, end + 1))

    # plain Python over the table's rows: pandas filters cost more than the chart at this size
    names = ("reporter", "year", "value", "nominal", "verified", "kind")
    rows = list(zip(*(frame[c].tolist() for c in names), strict=True))
    for reporter in [r for r in REPORTERS if any(row[0] == r for row in rows)]:
        part = [row[1:] for row in rows if row[0] == reporter]  # year, value, nominal, ...
        color, label = REPORTER_COLORS[reporter], REPORTER_LABELS[reporter]
        by_year = {year: value for year, value, *_ in part}
        if len(by_year) < len(part):
            raise ValueError("cannot reindex on an axis with duplicate labels")
        # NaN where a year is missing: the line breaks
        full = [float(by_year[y]) if y in by_year else math.nan for y in years]
        traces.append(
            trace(
                "scatter",
                x=years,
                y=full,
                mode="lines",
                line={"color": color, "width": 2},
                name=label,
                legendgroup=reporter,
                showlegend=False,
                hoverinfo="skip",
                connectgaps=False,
            )
        )
        kinds = [k for k in KIND_SYMBOLS if any(row[4] == k for row in part)]
        for verified in (True, False):
            for kind in kinds:
                pts = [row for row in part if row[3] == verified and row[4] == kind]
                customs = kind == CUSTOMS
                if not pts and not (verified and customs):
                    continue
                status = "verified" if verified else "unverified"
                what = KIND_LABELS[kind].lower()
                # what the points share is written once, in the hover template
                text = [f"{y}: {fmt_bn(v)}" for y, v, *_ in pts]
                nominal = None if dollars == "nominal" else [fmt_bn(n) for _, _, n, *_ in pts]
                template = (
                    f"{label}<br>%{{text}} ({unit})"
                    + ("" if nominal is None else "<br>nominal %{customdata}")
                    + f"<br>kind of figure: {what}<br>{status}<extra></extra>"
                )
                name = kind_name(label, kind, KIND_LABELS)
                symbol = KIND_SYMBOLS[kind]
                traces.append(
                    trace(
                        "scatter",
                        x=[row[0] for row in pts],
                        y=[row[1] for row in pts],
                        mode="markers",
                        name=name if verified else f"{name}: unverified value (hollow)",
                        legendgroup=reporter,
                        # the kinds are named in the hover and the caption: more legend rows
                        # covered the plot of a chart 300 px wide
                        showlegend=customs,
                        marker={
                            "color": color if verified else "white",
                            "symbol": symbol if verified else f"{symbol}-open",
                            "size": (8 if verified else 9) + (0 if customs else 2),
                            "line": {"color": color, "width": 2},
                        },
                        text=text,
                        customdata=nominal,
                        hovertemplate=template,
                    )
                )

    for line in records(lines):
        color = target_color(line["color_index"])
        hover = (
            f"Target {line['label']}<br>{fmt_bn(line['value'])} {line['how']}"
            f"<br>set by {line['set_by']}<br>status: {line['status']}"
        )
        xs = [line["x0"], line["x1"]] if line["x0"] <= line["x1"] else [line["x1"]]
        traces.append(
            trace(
                "scatter",
                x=xs,
                y=[line["value"]] * len(xs),
                mode="lines+markers" if line["has_deadline"] else "lines",
                name=f"Target {line['label']}",
                line={
                    "color": color,
                    "width": 2,
                    "dash": "dash" if line["has_deadline"] else "dot",
                },
                marker={
                    "symbol": ["line-ns-open", "diamond"][-len(xs) :],
                    "size": [10, 12][-len(xs) :],
                    "color": color,
                },
                # the same for both ends of the line: in the template, once
                hovertemplate=hover + "<extra></extra>",
            )
        )

    if gap is not None:
        traces.append(
            trace(
                "bar",
                x=gap.index.tolist(),
                y=gap["gap"].tolist(),
                name="Gap: China customs minus Russian side",
                marker={"color": PALETTE["reddish_purple"]},
                text=[
                    f"{y}: {g:+.1f}bn ({p:+.1f}% of the Russian figure)"
                    for y, g, p in zip(gap.index, gap["gap"], gap["gap_pct"], strict=True)
                ],
                textposition="none",
                hovertemplate="%{text}<extra></extra>",
                xaxis="x2",
                yaxis="y2",
            )
        )
    fig.add_traces(traces)
    # stretch the year axis to show the deadlines of the chosen targets (e.g. 2030)
    deadlines = [int(x1) for x1, d in zip(lines["x1"], lines["has_deadline"], strict=True) if d]
    xrange = [start - 0.5, max([end, *deadlines]) + 0.5]
    if both:
        # two panels sharing the year axis, laid out by hand (make_subplots costs ~50 ms)
        fig.update_layout(
            xaxis={"anchor": "y", "matches": "x2", "showticklabels": False, "range": xrange},
            xaxis2={"anchor": "y2", "title": {"text": "year"}, "range": xrange},
            yaxis={"domain": [0.36, 1], "title": {"text": f"trade, {unit}"}, "rangemode": "tozero"},
            yaxis2={
                "domain": [0, 0.26],
                "title": {"text": "gap, US$ bn"},
                "zeroline": True,
                "zerolinecolor": "#888888",
            },
        )
    else:
        fig.update_yaxes(title_text=f"trade, {unit}", rangemode="tozero")
        fig.update_xaxes(title_text="year", range=xrange)

    title = f"China-Russia goods trade against official targets: {FLOW_LABELS[flow]}"
    # one height for one source and for both (with the gap panel): a change of source is then
    # one redraw, where a new height made the explorer redraw again at its new size
    base_layout(fig, title=title, height=600)
    note = TRADE_SOURCE_NOTE + "<br>Targets: data/targets.csv (dashed: deadline at the diamond; "
    note += "dotted: no official deadline). Hollow markers: no source page states the value."
    if (frame["kind"] != CUSTOMS).any():
        note += (
            "<br>Squares: an official's statement; crosses: an estimate; triangles: a lower "
            "bound ('over ...'). Only circles are customs data (kind in data/trade.csv)."
        )
    if dollars == "real":
        note += (
            f"<br>Real dollars: US CPI-U annual averages (BLS, data/us_cpi.csv), {base_year}=base."
        )
    source_note(fig, note)
    return fig.figure()


def target_explorer_figure(
    trade: pd.DataFrame,
    targets: pd.DataFrame,
    cpi: pd.DataFrame,
    *,
    start: int = 1992,
    end: int = 2025,
    flow: str = "total",
    source: Source = "china_customs",
    dollars: Dollars = "nominal",
    base_year: int = 2025,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Trade by year against official targets, from the loaded tables (see :func:`targets_chart`).

    With ``source="both"`` a second panel shows the mirror gap in the years both sides report.
    """
    frame = tables.trade_frame(
        trade,
        cpi,
        flow=flow,
        source=source,
        start=start,
        end=end,
        dollars=dollars,
        base_year=base_year,
    )
    lines = tables.target_lines(
        targets,
        start=start,
        end=end,
        cpi=cpi,
        dollars=dollars,
        base_year=base_year,
        target_ids=target_ids,
    )
    gap = tables.mirror_gap_frame(frame) if source == "both" else None
    return targets_chart(
        frame, lines, gap, start=start, end=end, flow=flow, dollars=dollars, base_year=base_year
    )
