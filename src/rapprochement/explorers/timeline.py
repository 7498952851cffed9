"""The timeline explorer: events of ``data/events.csv`` by theme (claims C02, C17, C19).

Its table is :mod:`rapprochement.tables.timeline`, its chart
:mod:`rapprochement.charts.timeline`. Here: its controls (written once, :func:`controls`), the
live explorer (:class:`Timeline`) and the kernel-free version (:func:`static`), both built from
those controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go

from .. import data as D
from ..charts import timeline as C
from ..tables import timeline as T
from ..tables.common import SettingError
from . import static as S
from .controls import Control, by_name
from .entry import Explorer
from .widget import Backend, ExplorerWidget

NAME = "timeline"
TITLE = "Timeline of events"


def controls(
    events: pd.DataFrame, start: int | None = None, end: int | None = None
) -> list[Control]:
    """The timeline's controls: a year range (starting at ``start``..``end``) and themes."""
    first, last = int(events["year"].min()), int(events["year"].max())
    present = set(events["category"].astype(str).map(T.theme_of))
    themes = [t for t in T.ALL_THEMES if t in present]
    lo = first if start is None else max(first, start)
    hi = last if end is None else min(last, end)
    return [
        Control(
            "years", "range_slider", "Years", (lo, hi), minimum=first, maximum=last, width="520px"
        ),
        Control(
            "themes",
            "multi",
            "Themes",
            tuple(themes),
            tuple((t, t) for t in themes),
            width="380px",
            rows=min(len(themes), 8),
        ),
    ]


class Timeline(ExplorerWidget):
    """Events of data/events.csv by theme: a year range and a theme list (claims C02, C17, C19).

    ``highlight`` takes event dates as written in events.csv (drawn larger and labelled);
    ``start_year``/``end_year`` set the slider's starting range. Raises ValueError for an
    unknown date or a start after the end.
    """

    name = NAME
    title = TITLE

    def __init__(
        self,
        events: pd.DataFrame | None = None,
        *,
        highlight: Sequence[str] | None = None,
        start_year: int | None = None,
        end_year: int | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.events = D.load_events() if events is None else events
        self.start_year, self.end_year = start_year, end_year
        self.start, self.end = T.event_years(self.events, start_year, end_year)
        self.highlight = T.check_dates(self.events, highlight)
        super().__init__(backend=backend)

    def control_list(self) -> list[Control]:
        return controls(self.events, self.start, self.end)

    def static_args(self) -> dict[str, Any]:
        return {
            "highlight": list(self.highlight) if self.highlight else None,
            "start_year": self.start_year,
            "end_year": self.end_year,
        }

    def _control_box(self) -> W.Widget:
        c = self.controls
        hint = W.HTML(
            "<small>Ctrl/Cmd-click to pick several themes.<br>Hover over a marker for the "
            "event and its source.</small>"
        )
        return W.VBox(
            [c["years"], W.HBox([c["themes"], hint], layout=W.Layout(flex_flow="row wrap"))]
        )

    def build(self) -> tuple[go.Figure, str]:
        v = self.values()
        if not v["themes"]:
            raise SettingError("Choose at least one theme to see events.")
        lo, hi = v["years"]
        frame = T.timeline_frame(self.events, lo, hi, list(v["themes"]), self.highlight)
        note = "" if len(frame) else "No events in these years for the chosen themes."
        return C.timeline_chart(frame), note

    def summarize(self, fig: go.Figure) -> tuple[str, list[str]]:
        return C.timeline_summary(fig), C.timeline_series(fig)


TIMELINE_PERIODS = (
    ("all years", None, None),
    ("1991-2000", 1991, 2000),
    ("2001-2013", 2001, 2013),
    ("2014-2021", 2014, 2021),
    ("2022 on", 2022, None),
)


def static(
    events: pd.DataFrame | None = None,
    highlight: Sequence[str] | None = ("1997-04-23", "2001-07-16", "2021-03-23"),
    start_year: int | None = None,
    end_year: int | None = None,
) -> go.Figure:
    """The events timeline with a theme dropdown and period buttons.

    Each theme state is drawn by :func:`rapprochement.charts.timeline.timeline_figure` with that
    theme selected; the period buttons only move the date axis and its title. ``start_year``
    and ``end_year`` set the period first shown (as :class:`Timeline` does); it gets a button
    of its own.
    """
    events = D.load_events() if events is None else events
    first, last = int(events["year"].min()), int(events["year"].max())
    marked = list(highlight) if highlight else None
    full = C.timeline_figure(events, first, last, None, marked)
    present = list(by_name(controls(events))["themes"].values())
    # Each theme state shows its own lanes and the labels of its own highlighted events, each
    # label in the row that state gives it; each period sets where each label is anchored (a
    # label near the left edge of a period extends to the right). Both set single properties
    # of the same annotations (never the whole list), so the two controls compose.
    notes = list(full.layout.annotations)
    labelled = [i for i, a in enumerate(notes) if a.showarrow]
    lane_names = [i for i, a in enumerate(notes) if not a.showarrow and a.yref == "y"]
    buttons: list[dict[str, Any]] = []
    for name in ["all themes", *present]:
        chosen_themes = None if name == "all themes" else [name]
        one = C.timeline_figure(events, first, last, chosen_themes, marked)
        rows = {a.text: a.ay for a in one.layout.annotations if a.showarrow}
        lanes = set(one.layout.yaxis.categoryarray)
        relayout: dict[str, Any] = {
            "yaxis.categoryarray": list(one.layout.yaxis.categoryarray),
            "yaxis.range": list(one.layout.yaxis.range),
        }
        for i in labelled:
            relayout[f"annotations[{i}].visible"] = notes[i].text in rows
            relayout[f"annotations[{i}].ay"] = rows.get(notes[i].text, notes[i].ay)
        for i in lane_names:
            relayout[f"annotations[{i}].visible"] = notes[i].text in lanes
        buttons.append(
            {
                "label": name,
                "method": "update",
                "args": [{"visible": [len(t.x) > 0 for t in one.data]}, relayout],
            }
        )
    periods: list[dict[str, Any]] = []
    chosen: list[tuple[str, int | None, int | None]] = [("all years", None, None)]
    if start_year is not None or end_year is not None:
        lo_first = first if start_year is None else int(start_year)
        hi_first = last if end_year is None else int(end_year)
        C.timeline_figure(events, lo_first, hi_first, None, marked)  # same checks as the widget
        chosen = [(f"{lo_first}-{hi_first}", lo_first, hi_first), *chosen]
    for label, lo, hi in [*chosen, *TIMELINE_PERIODS[1:]]:
        start = first if lo is None else max(lo, first)
        end = last if hi is None else min(hi, last)
        if start > end:
            continue
        zoom = C.timeline_figure(events, start, end, None, marked)
        anchors = {a.text: a.xanchor for a in zoom.layout.annotations if a.showarrow}
        view: dict[str, Any] = {
            "xaxis.range": list(zoom.layout.xaxis.range),
            "title.text": zoom.layout.title.text,
        }
        for i in labelled:
            view[f"annotations[{i}].xanchor"] = anchors.get(notes[i].text, notes[i].xanchor)
        periods.append({"label": label, "method": "relayout", "args": [view]})
    first_view = periods[0]["args"][0]
    full.update_layout(
        xaxis={"range": first_view["xaxis.range"]}, title={"text": first_view["title.text"]}
    )
    for i in labelled:
        full.layout.annotations[i].xanchor = first_view[f"annotations[{i}].xanchor"]
    room = S.Room(full, 130)
    labels = [
        S.control_label("Themes", x=0, y=room.above(120)),
        S.control_label("Years", x=0, y=room.above(46)),
    ]
    full.update_layout(
        updatemenus=[
            S.menu(buttons, x=0, y=room.above(84), label="Themes"),
            S.menu(periods, x=0, y=room.above(10), label="Years", kind="buttons"),
        ],
        annotations=[*full.layout.annotations, *labels],
        meta=S.meta(full, 0),
    )
    return full


EXPLORER = Explorer(
    NAME,
    TITLE,
    Timeline,
    static,
    heading="Timeline of events",
    used_in="00-09",
    claims="C02, C17, C19",
)
