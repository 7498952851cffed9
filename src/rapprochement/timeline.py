"""The events timeline (``data/events.csv``): a static plotly figure and an interactive widget.

Events are grouped into a few *themes* (one lane each, with a colour from the Okabe-Ito
colour-blind-safe palette and its own marker shape). Unverified rows are drawn hollow and say
"(unverified)" in their hover text; highlighted events are drawn larger and labelled.

>>> from rapprochement.data import load_events
>>> fig = timeline_figure(load_events(), start_year=1996, end_year=2022, highlight=["1997-04-23"])
>>> w = timeline_widget(highlight=["2021-03-23"])   # a year slider + theme selector
"""

from __future__ import annotations

import difflib
import html
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .figures import NOTE_WIDTH, PLOTLY_CONFIG, ChartFigure

__all__ = [
    "THEMES",
    "TimelineWidget",
    "events_table",
    "theme_of",
    "timeline_summary",
    "timeline_figure",
    "timeline_widget",
]


@dataclass(frozen=True)
class Theme:
    name: str
    colour: str
    symbol: str
    categories: tuple[str, ...]


# Okabe & Ito (2008) colour-blind-safe palette; every theme also has its own marker shape.
THEMES: tuple[Theme, ...] = (
    Theme(
        "Partnership and treaties",
        "#0072B2",
        "circle",
        ("partnership upgrade", "partnership", "treaty"),
    ),
    Theme("Joint declarations", "#CC79A7", "diamond", ("diplomatic declaration",)),
    Theme(
        "Trade and targets",
        "#E69F00",
        "square",
        ("trade target", "trade milestone", "trade data", "border/trade"),
    ),
    Theme(
        "Energy, finance, economy",
        "#009E73",
        "triangle-up",
        ("energy", "finance", "economic cooperation"),
    ),
    Theme("China's economic policy", "#56B4E9", "star", ("China economic policy",)),
    Theme("Sanctions and war", "#D55E00", "hexagon", ("sanctions", "war")),
    Theme("Security and multilateral", "#000000", "pentagon", ("multilateral/security",)),
    Theme(
        "Data and fact-checks",
        "#7F7F7F",
        "x",
        ("check of paper claim", "data availability"),
    ),
)
OTHER = Theme("Other", "#999999", "cross", ())
_ALL_THEMES = (*THEMES, OTHER)
_BY_CATEGORY = {c: t for t in THEMES for c in t.categories}
SOURCE_NOTE = (
    "Source: data/events.csv (this collection's table; hover over a marker for the event and its "
    "source URL).<br>Hollow markers: rows not verified against a source. Large labelled markers: "
    "highlighted events."
)
_LABEL_ROWS = 5  # rows of labels above the lanes (at most one per highlighted event)
_LABEL_STEP = 0.7  # height of one row of labels, in lanes


def theme_of(category: str) -> str:
    """The theme of an events.csv category; compound ones ('a / b') go by their first part."""
    category = str(category).strip()
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category].name
    first = category.split(" / ")[0].strip()
    return _BY_CATEGORY[first].name if first in _BY_CATEGORY else OTHER.name


def _category_parts(category: str) -> set[str]:
    return {category, *(p.strip() for p in category.split(" / "))}


def _resolve_categories(events: pd.DataFrame, categories: Iterable[str] | None) -> list[str]:
    """Theme names selected by ``categories`` (theme names or raw events.csv categories)."""
    if categories is None:
        return [t.name for t in _ALL_THEMES]
    if isinstance(categories, str):
        categories = [categories]
    raw = sorted({p for c in events["category"].astype(str) for p in _category_parts(c)})
    theme_names = [t.name for t in _ALL_THEMES]
    chosen: set[str] = set()
    for name in categories:
        if name in theme_names:
            chosen.add(name)
        elif name in raw:
            chosen.add(theme_of(name))
        else:
            options = theme_names + raw
            close = difflib.get_close_matches(str(name), options, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"unknown category {name!r}{hint} (themes: {', '.join(theme_names)})")
    return [n for n in theme_names if n in chosen]


def _check_years(events: pd.DataFrame, start_year: int | None, end_year: int | None):
    first, last = int(events["year"].min()), int(events["year"].max())
    start = first if start_year is None else int(start_year)
    end = last if end_year is None else int(end_year)
    if start > end:
        raise ValueError(f"start year ({start}) is after end year ({end})")
    return start, end


def _check_highlight(events: pd.DataFrame, highlight: Sequence[str] | None) -> set[str]:
    if highlight is None:
        return set()
    if isinstance(highlight, str):
        highlight = [highlight]
    dates = list(events["date"].astype(str))
    wanted = set()
    for d in highlight:
        d = str(d)
        if d not in dates:
            close = difflib.get_close_matches(d, dates, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"no event dated {d!r} in events.csv{hint}")
        wanted.add(d)
    return wanted


def _wrap(text: str, width: int = 70) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or ""


def _hover(row: pd.Series) -> str:
    verified = bool(row["verified"]) if not pd.isna(row["verified"]) else False
    precision = str(row["date_precision"])
    when = str(row["date"]) + ("" if precision == "day" else f" ({precision} only)")
    lines = [f"<b>{when}</b>" + ("" if verified else " <i>(unverified)</i>"), _wrap(row["event"])]
    lines.append(f"Category: {row['category']}")
    url = row["source_url"]
    lines.append(f"Source: {url}" if isinstance(url, str) and url else "Source: none (see note)")
    if not verified and isinstance(row["note"], str) and row["note"]:
        lines.append("Note: " + _wrap(row["note"]))
    return "<br>".join(lines)


def _short(text: str, width: int = 30) -> str:
    return textwrap.shorten(str(text), width=width, placeholder="…")


def timeline_figure(
    events: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    categories: Iterable[str] | None = None,
    highlight: Sequence[str] | None = None,
) -> go.Figure:
    """A timeline of ``events`` (as from :func:`rapprochement.data.load_events`).

    ``categories`` takes theme names (see :data:`THEMES`) or raw events.csv categories;
    ``highlight`` takes event dates as written in events.csv (``"1997-04-23"``, ``"2020-07"``).
    The figure always has one trace per theme, in :data:`THEMES` order (then "Other"); themes not
    selected have no points. Raises ValueError for impossible arguments (start after end, an
    unknown category or date); a valid selection with no events gives an empty, labelled figure.
    """
    start, end = _check_years(events, start_year, end_year)
    chosen = _resolve_categories(events, categories)
    marked = _check_highlight(events, highlight)

    frame = events.copy()
    frame["theme"] = frame["category"].astype(str).map(theme_of)
    in_range = frame["year"].between(start, end) & frame["theme"].isin(chosen)
    frame = frame[in_range].sort_values(["start", "date"], kind="stable")

    fig = ChartFigure()
    annotations: list[dict] = []
    labelled: list[tuple[str, pd.Series]] = []
    for theme in _ALL_THEMES:
        rows = frame[frame["theme"] == theme.name]
        verified = rows["verified"].fillna(False).astype(bool).tolist()
        is_marked = [d in marked for d in rows["date"].astype(str)]
        fig.add_trace(
            go.Scatter(
                name=theme.name,
                x=[ts.strftime("%Y-%m-%d") for ts in rows["start"]],
                y=[theme.name] * len(rows),
                mode="markers",
                text=[_hover(r) for _, r in rows.iterrows()],
                hovertemplate="%{text}<extra></extra>",
                customdata=rows["date"].astype(str).tolist(),
                marker={
                    "color": theme.colour,
                    "symbol": [theme.symbol + ("" if v else "-open") for v in verified],
                    "size": [20 if m else 12 for m in is_marked],
                    "line": {"width": [3 if m else 1 for m in is_marked], "color": theme.colour},
                    "opacity": 0.9,
                },
                showlegend=False,
            )
        )
        labelled.extend(
            (theme.name, r) for (_, r), m in zip(rows.iterrows(), is_marked, strict=True) if m
        )
    lanes = [t.name for t in _ALL_THEMES if t.name in chosen and (frame["theme"] == t.name).any()]
    # Labels of highlighted events sit in a band above the top lane, each with a thin arrow to
    # its marker, so that no label box covers another event's marker (the 2001 treaty was hidden
    # under the 1997 label). Labels close in time go to different rows of the band.
    labelled.sort(key=lambda item: item[1]["start"])
    last_x: list[float] = [-1e9] * _LABEL_ROWS
    for theme_name, r in labelled:
        position = (r["start"].year + r["start"].day_of_year / 366 - start) / (end + 1 - start)
        # a label is about 200 px wide, a third of a chart on a laptop screen
        row = min(range(_LABEL_ROWS), key=lambda k: (last_x[k] > position - 0.45, last_x[k]))
        last_x[row] = position
        anchor = "right" if position > 0.75 else "left" if position < 0.25 else "center"
        annotations.append(
            {
                "x": r["start"].strftime("%Y-%m-%d"),
                "y": theme_name,
                "text": f"{r['date']}: {_short(r['event'])}",
                "showarrow": True,
                "arrowhead": 2,
                "arrowwidth": 1,
                "arrowcolor": "#555555",
                "standoff": 8,
                "axref": "x",
                "ax": r["start"].strftime("%Y-%m-%d"),
                "ayref": "y",
                "ay": len(lanes) - 0.35 + _LABEL_STEP * row,
                "font": {"size": 11, "color": "#222222"},
                "bgcolor": "rgba(255,255,255,0.9)",
                "xanchor": anchor,
                "yanchor": "bottom",
            }
        )
    note_lines = [
        line for part in SOURCE_NOTE.split("<br>") for line in textwrap.wrap(part, NOTE_WIDTH)
    ]
    annotations.append(
        {
            "text": "<br>".join(note_lines),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "yshift": -50,
            "xanchor": "left",
            "yanchor": "top",
            "align": "left",
            "showarrow": False,
            "font": {"size": 11, "color": "#4D4D4D"},
        }
    )
    if frame.empty:
        annotations.append(
            {
                "text": "No events match this selection: widen the years or add categories.",
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 14},
            }
        )
    top = (
        len(lanes)
        - 0.5
        + (_LABEL_STEP * (min(len(labelled), _LABEL_ROWS)) + 0.2 if labelled else 0)
    )
    fig.update_layout(
        title={"text": f"China-Russia relations: events {start}-{end}"},
        xaxis={
            "title": {"text": "Date"},
            "type": "date",
            "range": [f"{start - 1}-10-01", f"{end + 1}-03-31"],
        },
        yaxis={
            "title": {"text": "Theme"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(lanes)),
            "range": [-0.5, max(top, 0.5)],
            "automargin": True,
        },
        annotations=annotations,
        showlegend=False,
        margin={"l": 10, "r": 20, "t": 50, "b": 60 + 16 * len(note_lines)},
        height=460 + 30 * min(len(labelled), _LABEL_ROWS),
        autosize=True,
        template="plotly_white",
        hoverlabel={"align": "left"},
    )
    return fig


def timeline_summary(fig: go.Figure) -> str:
    """A one-sentence text alternative for a :func:`timeline_figure`: events per theme."""
    counts = [(t.name, len(t.x)) for t in fig.data if t.x is not None and len(t.x)]
    title = fig.layout.title.text or "Timeline"
    if not counts:
        return f"{title}: no events for this selection."
    total = sum(n for _, n in counts)
    per_theme = "; ".join(f"{name}: {n}" for name, n in counts)
    return f"{title}: {total} events by theme ({per_theme}). Hover over a marker for details."


def _timeline_series(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.x is not None and len(t.x)]


class TimelineWidget(widgets.VBox):
    """A year-range slider and a theme multi-select driving a plotly ``go.FigureWidget``.

    Attributes: ``years`` (IntRangeSlider), ``categories`` (SelectMultiple of theme names),
    ``message`` (HTML: a short note when the settings select nothing) and ``figure``
    (``go.FigureWidget``). Setting ``years.value`` or ``categories.value`` redraws the figure.
    """

    def __init__(
        self,
        events: pd.DataFrame,
        highlight: Sequence[str] | None = None,
        start_year: int | None = None,
        end_year: int | None = None,
    ) -> None:
        start, end = _check_years(events, start_year, end_year)
        self._events = events
        self._marked = sorted(_check_highlight(events, highlight)) or None
        first, last = int(events["year"].min()), int(events["year"].max())
        present = set(events["category"].astype(str).map(theme_of))
        theme_names = [t.name for t in _ALL_THEMES if t.name in present]

        self.years = widgets.IntRangeSlider(
            value=(max(first, start), min(last, end)),
            min=first,
            max=last,
            step=1,
            description="Years",
            continuous_update=False,
            layout=widgets.Layout(width="520px"),
        )
        self.categories = widgets.SelectMultiple(
            options=theme_names,
            value=tuple(theme_names),
            description="Themes",
            rows=min(len(theme_names), 8),
            layout=widgets.Layout(width="380px"),
        )
        hint = widgets.HTML(
            "<small>Ctrl/Cmd-click to pick several themes.<br>Hover over a marker for the "
            "event and its source.</small>"
        )
        self.message = widgets.HTML("")
        lo, hi = self.years.value
        self.figure = go.FigureWidget(timeline_figure(events, lo, hi, None, self._marked))
        self.figure._config = dict(PLOTLY_CONFIG)
        self.summary = widgets.HTML("")
        self.years.observe(self.update, names="value")
        self.categories.observe(self.update, names="value")
        self._updates = 0
        self._show_summary(self.figure)
        from .widgets import AccessibleControls

        super().__init__(
            [
                self.years,
                widgets.HBox([self.categories, hint], layout=widgets.Layout(flex_flow="row wrap")),
                self.message,
                self.figure,
                self.summary,
                AccessibleControls(),
            ],
            layout=widgets.Layout(width="100%", max_width="100%"),
        )
        self.add_class("rapprochement-explorer")

    def _show_summary(self, fig: go.Figure) -> None:
        from .widgets import _summary_html

        self._updates += 1
        self.summary.value = _summary_html(
            timeline_summary(fig), _timeline_series(fig), self._updates
        )

    def update(self, _change: object = None) -> None:
        """Redraw the figure from the current control values (called on every change)."""
        chosen = list(self.categories.value)
        if not chosen:
            self.message.value = "<b>Choose at least one theme</b> to see events."
            self._show_summary(self.figure)
            return
        lo, hi = self.years.value
        try:
            new = timeline_figure(self._events, lo, hi, chosen, self._marked)
        except Exception as err:  # defensive: the controls cannot normally produce these
            self.message.value = f"<b>Cannot draw this selection:</b> {html.escape(str(err))}"
            self._show_summary(self.figure)
            return
        empty = not any(len(t.x) for t in new.data)
        self.message.value = "No events in these years for the chosen themes." if empty else ""
        fig = self.figure
        with fig.batch_update():
            for old_trace, new_trace in zip(fig.data, new.data, strict=True):
                old_trace.update(new_trace.to_plotly_json(), overwrite=True)
            fig.layout.annotations = new.layout.annotations
            fig.layout.title = new.layout.title
            fig.layout.xaxis.range = new.layout.xaxis.range
            fig.layout.yaxis.categoryarray = new.layout.yaxis.categoryarray
            fig.layout.yaxis.range = new.layout.yaxis.range
            fig.layout.height = new.layout.height
        self._show_summary(new)

    def __repr__(self) -> str:
        lo, hi = self.years.value
        return f"TimelineWidget(years={lo}-{hi}, themes={len(self.categories.value)})"


def timeline_widget(
    highlight: list[str] | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    events: pd.DataFrame | None = None,
) -> TimelineWidget:
    """An interactive timeline of data/events.csv (see :class:`TimelineWidget`).

    ``highlight`` takes event dates as written in events.csv; ``start_year``/``end_year`` set
    the slider's starting range. Pass ``events`` (from :func:`rapprochement.data.load_events`)
    to reuse a table already loaded. Raises ValueError for an unknown date or start after end.
    """
    if events is None:
        from rapprochement.data import load_events

        events = load_events()
    return TimelineWidget(events, highlight, start_year, end_year)


def events_table(
    events: pd.DataFrame,
    dates: Sequence[str],
    columns: Sequence[str] = ("date", "event", "verified", "source_url"),
) -> pd.DataFrame:
    """The events.csv rows with the given dates, in the order given (for date checks).

    Raises ValueError naming close matches for a date that is not in events.csv.
    """
    _check_highlight(events, dates)
    by_date = events.set_index(events["date"].astype(str))
    table = by_date.loc[list(dates), list(columns)].reset_index(drop=True)
    table.index = range(1, len(table) + 1)
    return table
