"""The events timeline (``data/events.csv``): old entry point, kept for notebooks.

The table lives in :mod:`rapprochement.tables` (:func:`~rapprochement.tables.timeline_frame`,
:func:`~rapprochement.tables.events_table`), the chart in :mod:`rapprochement.charts.timeline`
and the explorer in :mod:`rapprochement.widgets` (:class:`~rapprochement.widgets.Timeline`),
like every other explorer.

>>> from rapprochement.data import load_events
>>> fig = timeline_figure(load_events(), start_year=1996, end_year=2022, highlight=["1997-04-23"])
>>> w = timeline_widget(highlight=["2021-03-23"])   # a year slider + theme selector
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .charts.timeline import THEMES, Theme, timeline_chart, timeline_figure, timeline_summary
from .tables import events_table, theme_of

if TYPE_CHECKING:
    from .widgets import Timeline

__all__ = [
    "THEMES",
    "Theme",
    "events_table",
    "theme_of",
    "timeline_chart",
    "timeline_figure",
    "timeline_summary",
    "timeline_widget",
]


def timeline_widget(
    highlight: Sequence[str] | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    *,
    events: pd.DataFrame | None = None,
) -> Timeline:
    """The timeline explorer (:class:`rapprochement.widgets.Timeline`).

    ``highlight`` takes event dates as written in events.csv; ``start_year``/``end_year`` set
    the slider's starting range. Pass ``events`` (from :func:`rapprochement.data.load_events`)
    to reuse a table already loaded. Raises ValueError for an unknown date or start after end.
    """
    from .widgets import Timeline

    return Timeline(events, highlight=highlight, start_year=start_year, end_year=end_year)
