"""The timeline explorer's chart: events of ``data/events.csv`` in one lane per theme.

Each theme has a colour of the shared palette and its own marker shape. Unverified rows are
drawn hollow and say "(unverified)" in their hover text; highlighted events are drawn larger
and labelled in a band above the lanes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import tables
from ..tables.common import records
from .style import PALETTE, TEXT, Spec, base_layout, chart_title, source_note, trace

__all__ = [
    "THEMES",
    "Theme",
    "timeline_chart",
    "timeline_figure",
    "timeline_series",
    "timeline_summary",
]


@dataclass(frozen=True)
class Theme:
    name: str
    colour: str
    symbol: str
    categories: tuple[str, ...]


_THEME_STYLE = {
    "Partnership and treaties": (PALETTE["blue"], "circle"),
    "Joint declarations": (PALETTE["reddish_purple"], "diamond"),
    "Trade and targets": (PALETTE["brown"], "square"),
    "Energy, finance, economy": (PALETTE["bluish_green"], "triangle-up"),
    "China's economic policy": (PALETTE["indigo"], "star"),
    "Sanctions and war": (PALETTE["vermillion"], "hexagon"),
    "Security and multilateral": (PALETTE["black"], "pentagon"),
    "Data and fact-checks": (PALETTE["grey"], "x"),
}
#: The themes in lane order, with their colour, marker and events.csv categories.
THEMES: tuple[Theme, ...] = tuple(
    Theme(name, *_THEME_STYLE[name], cats) for name, cats in tables.THEME_CATEGORIES.items()
)
OTHER = Theme(tables.OTHER_THEME, PALETTE["wine"], "cross", ())
_ALL_THEMES = (*THEMES, OTHER)
SOURCE_NOTE = (
    "Source: data/events.csv (this collection's table, with each event's source address; hover "
    "over a marker for the event and its source's site).<br>Hollow markers: rows not verified "
    "against a source. Large labelled markers: "
    "highlighted events."
)
_LABEL_ROWS = 5  # rows of labels above the lanes (at most one per highlighted event)
#: Pixels per lane. A row of labels (two lines of 11 px text) takes one lane's height, so the
#: figure's height is set from the lanes and rows it draws: labels of two rows never overprint.
_LANE_PX = 36
#: The narrowest plot area the labels are placed for (JupyterLab at 800 px, sidebar open):
#: two labels share a row only if they would not touch at this width.
_NARROW_PLOT_PX = 330
_CHAR_PX = 6.3  # width of one character of 11 px Arial, on average
_LANE_NAME_SHIFT = 7  # pixels between a lane and its name above it


@lru_cache(maxsize=4096)
def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or ""


def _is_true(value: object) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _domain(url: str) -> str:
    """The site of a source address (``https://tass.com/politics/1`` -> ``tass.com``)."""
    return url.split("/")[2] if "//" in url else url


def _hover(row: dict[str, Any]) -> str:
    """The hover text of one event, after its date (which the trace's hovertemplate writes
    from ``customdata``, where the date already is for the tests and the highlight)."""
    verified = _is_true(row["verified"])
    precision = str(row["date_precision"])
    when = "" if precision == "day" else f" ({precision} only)"
    lines = [when + ("" if verified else " <i>(unverified)</i>"), _wrap(row["event"])]
    lines.append(f"Category: {row['category']}")
    # the site only: the full address is in the event's row of data/events.csv (the caption
    # says so); repeated on every marker, addresses were a third of a timeline's bytes
    url = row["source_url"]
    lines.append(
        f"Source: {_domain(url)}" if isinstance(url, str) and url else "Source: none (see note)"
    )
    if not verified and isinstance(row.get("note"), str) and row["note"]:
        lines.append("Note: " + _wrap(row["note"]))
    return "<br>".join(lines)


def _one(values: list[Any]) -> Any:
    """Per-point marker values that are all the same as the one value plotly applies to every
    point (the same markers; a stored chart does not repeat it for each event)."""
    return values[0] if values and all(v == values[0] for v in values) else values


@lru_cache(maxsize=4096)
def _short(text: str, width: int = 30) -> str:
    return textwrap.shorten(str(text), width=width, placeholder="…")


def timeline_chart(frame: pd.DataFrame) -> go.Figure:
    """Draw a :func:`tables.timeline_frame` (its ``attrs`` give the years and themes chosen).

    The figure always has one trace per theme, in :data:`THEMES` order (then "Other"); themes
    not selected have no points. An empty selection gives an empty, labelled figure.
    """
    start, end, chosen = frame.attrs["start"], frame.attrs["end"], frame.attrs["themes"]
    fig = Spec()
    # what every trace and label shares, once in the chart's template
    fig.shared(
        "scatter",
        hovertemplate="<b>%{customdata}</b>%{text}<extra></extra>",
        mode="markers",
        showlegend=False,
        marker={"opacity": 0.9},
        # an event in the first or last months of the range sits at the plot's edge, where a
        # narrow chart cut its marker in half (the margins have room for the rest)
        cliponaxis=False,
    )
    # annotation defaults: the highlight labels' font and arrow, and where a lane's name sits
    # (on the left edge of the plot, just above its lane); the other annotations set their own
    fig.shared(
        font={"size": 11, "color": TEXT},
        arrowcolor="#555555",
        arrowhead=2,
        arrowwidth=1,
        standoff=8,
        showarrow=False,
        xref="paper",
        xanchor="left",
        yanchor="bottom",
        yshift=_LANE_NAME_SHIFT,
    )
    # plain records, grouped by theme once: pandas filtering per theme was most of an update
    by_theme: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _ALL_THEMES}
    for record in records(frame):
        by_theme[record["theme"]].append(record)
    labelled: list[tuple[str, dict[str, Any]]] = []
    for theme in _ALL_THEMES:
        rows = by_theme[theme.name]
        verified = [_is_true(r["verified"]) for r in rows]
        is_marked = [bool(r["highlighted"]) for r in rows]
        fig.add_trace(
            trace(
                "scatter",
                name=theme.name,
                x=[r["start"].strftime("%Y-%m-%d") for r in rows],
                y=[theme.name] * len(rows),
                text=[_hover(r) for r in rows],
                customdata=[str(r["date"]) for r in rows],
                marker={
                    "color": theme.colour,
                    "symbol": _one([theme.symbol + ("" if v else "-open") for v in verified]),
                    "size": _one([20 if m else 12 for m in is_marked]),
                    "line": {
                        "width": _one([3 if m else 1 for m in is_marked]),
                        "color": theme.colour,
                    },
                },
            )
        )
        labelled.extend((theme.name, r) for r, m in zip(rows, is_marked, strict=True) if m)
    lanes = [t.name for t in _ALL_THEMES if t.name in chosen and by_theme[t.name]]
    # Labels of highlighted events sit in a band above the top lane, each with a thin arrow to
    # its marker, so that no label box covers another event's marker (the 2001 treaty was hidden
    # under the 1997 label). Labels close in time go to different rows of the band.
    labelled.sort(key=lambda item: item[1]["start"])
    lo = pd.Timestamp(f"{start - 1}-10-01")
    span = (pd.Timestamp(f"{end + 1}-03-31") - lo).days
    taken: list[list[tuple[float, float]]] = [[] for _ in range(_LABEL_ROWS)]
    rows_used = 0
    for theme_name, r in labelled:
        position = (r["start"] - lo).days / span
        anchor = "right" if position > 0.75 else "left" if position < 0.25 else "center"
        # two short lines (date, then the event): about 180 px wide
        text = f"{r['date']}:<br>{_short(r['event'], 28)}"
        width = (max(len(line) for line in text.split("<br>")) * _CHAR_PX + 12) / _NARROW_PLOT_PX
        left = position - {"left": 0, "center": width / 2, "right": width}[anchor]
        extent = (left, left + width)
        # the first row where the label touches no other, else the least crowded row
        free = [
            k
            for k in range(_LABEL_ROWS)
            if all(extent[1] < a or extent[0] > b for a, b in taken[k])
        ]
        row = free[0] if free else min(range(_LABEL_ROWS), key=lambda k: len(taken[k]))
        taken[row].append(extent)
        rows_used = max(rows_used, row + 1)
        fig.add_annotation(
            x=r["start"].strftime("%Y-%m-%d"),
            xref="x",
            y=theme_name,
            yshift=0,
            text=text,
            showarrow=True,
            axref="x",
            ax=r["start"].strftime("%Y-%m-%d"),
            ayref="y",
            # rows one lane apart, the first clear of the top lane's name
            ay=len(lanes) - 0.2 + row,
            bgcolor="rgba(255,255,255,0.9)",
            xanchor=anchor,
            yanchor="bottom",
        )
    if frame.empty:
        fig.add_annotation(
            text="No events match this selection: widen the years or add categories.",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            xanchor="auto",
            yanchor="auto",
            yshift=0,
            font={"size": 14, "color": TEXT},
        )
    top = len(lanes) - 0.2 + rows_used if rows_used else len(lanes) - 0.5
    fig.update_xaxes(
        title_text="Date", type="date", range=[f"{start - 1}-10-01", f"{end + 1}-03-31"]
    )
    # Each lane's name is written above its line, inside the plot, not as a tick label on
    # the left: tick labels took ~200 px of a chart 370 px wide (JupyterLab at 800 px).
    # (where on the plot and how: the annotation defaults set above)
    for lane in lanes:
        fig.add_annotation(x=0, y=lane, yref="y", text=lane, bgcolor="rgba(255,255,255,0.8)")
    fig.update_yaxes(
        title_text="",
        showticklabels=False,
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(lanes)),
        range=[-0.5, max(top, 0.5)],
    )
    fig.update_layout(margin={"l": 10, "r": 20, "t": 20})
    base_layout(fig, title=f"China-Russia relations: events {start}-{end}", legend=False)
    source_note(fig, SOURCE_NOTE)
    margin = fig.layout["margin"]
    plot_px = max(_LANE_PX * (top + 0.5), 220)
    fig.update_layout(height=round(margin["t"] + margin["b"] + plot_px))
    return fig.figure()


def timeline_figure(
    events: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    categories: Iterable[str] | str | None = None,
    highlight: Sequence[str] | str | None = None,
) -> go.Figure:
    """A timeline of ``events`` (as from :func:`rapprochement.data.load_events`).

    ``categories`` takes theme names (see :data:`THEMES`) or raw events.csv categories;
    ``highlight`` takes event dates as written in events.csv (``"1997-04-23"``, ``"2020-07"``).
    Raises ValueError for impossible arguments (start after end, an unknown category or date).
    """
    frame = tables.timeline_frame(events, start_year, end_year, categories, highlight)
    return timeline_chart(frame)


def timeline_series(fig: go.Figure) -> list[str]:
    """Names of the themes a timeline shows (lanes with at least one event)."""
    return [t.name for t in fig.data if t.x is not None and len(t.x)]


def timeline_summary(fig: go.Figure) -> str:
    """A one-sentence text alternative for a timeline: events per theme."""
    counts = [(t.name, len(t.x)) for t in fig.data if t.x is not None and len(t.x)]
    title = chart_title(fig, "Timeline")
    if not counts:
        return f"{title}: no events for this selection."
    total = sum(n for _, n in counts)
    per_theme = "; ".join(f"{name}: {n}" for name, n in counts)
    return f"{title}: {total} events by theme ({per_theme}). Hover over a marker for details."
