"""Tables of the events timeline: themes, year ranges, the events drawn and listed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .common import SettingError

#: Themes of the timeline (one lane each) and the events.csv categories they gather.
THEME_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Partnership and treaties": ("partnership upgrade", "partnership", "treaty"),
    "Joint declarations": ("diplomatic declaration",),
    "Trade and targets": ("trade target", "trade milestone", "trade data", "border/trade"),
    "Energy, finance, economy": ("energy", "finance", "economic cooperation"),
    "China's economic policy": ("China economic policy",),
    "Sanctions and war": ("sanctions", "war"),
    "Security and multilateral": ("multilateral/security",),
    "Data and fact-checks": ("check of paper claim", "data availability"),
}
OTHER_THEME = "Other"
ALL_THEMES = (*THEME_CATEGORIES, OTHER_THEME)
_BY_CATEGORY = {c: name for name, cats in THEME_CATEGORIES.items() for c in cats}


def theme_of(category: str) -> str:
    """The theme of an events.csv category; compound ones ('a / b') go by their first part."""
    category = str(category).strip()
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category]
    first = category.split(" / ")[0].strip()
    return _BY_CATEGORY.get(first, OTHER_THEME)


def _category_parts(category: str) -> set[str]:
    return {category, *(p.strip() for p in category.split(" / "))}


def resolve_themes(events: pd.DataFrame, categories: Iterable[str] | str | None) -> list[str]:
    """Theme names selected by ``categories`` (theme names or raw events.csv categories)."""
    if categories is None:
        return list(ALL_THEMES)
    if isinstance(categories, str):
        categories = [categories]
    raw = sorted({p for c in events["category"].astype(str) for p in _category_parts(c)})
    chosen: set[str] = set()
    for name in categories:
        if name in ALL_THEMES:
            chosen.add(name)
        elif name in raw:
            chosen.add(theme_of(name))
        else:
            close = difflib.get_close_matches(str(name), [*ALL_THEMES, *raw], n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingError(f"unknown category {name!r}{hint} (themes: {', '.join(ALL_THEMES)})")
    return [n for n in ALL_THEMES if n in chosen]


def event_years(
    events: pd.DataFrame, start_year: int | None, end_year: int | None
) -> tuple[int, int]:
    """``start_year``..``end_year``, each defaulting to the first or last year of events.csv."""
    first, last = int(events["year"].min()), int(events["year"].max())
    start = first if start_year is None else int(start_year)
    end = last if end_year is None else int(end_year)
    if start > end:
        raise SettingError(f"start year ({start}) is after end year ({end})")
    return start, end


def check_dates(events: pd.DataFrame, dates: Sequence[str] | str | None) -> list[str]:
    """The event dates asked for, each checked against events.csv (close matches named)."""
    if dates is None:
        return []
    if isinstance(dates, str):
        dates = [dates]
    known = list(events["date"].astype(str))
    wanted = []
    for d in map(str, dates):
        if d not in known:
            close = difflib.get_close_matches(d, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingError(f"no event dated {d!r} in events.csv{hint}")
        wanted.append(d)
    return wanted


def timeline_frame(
    events: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    categories: Iterable[str] | str | None = None,
    highlight: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """The events a timeline draws: rows of events.csv in the years and themes chosen.

    Adds columns theme and highlighted; sorted by date. ``attrs`` keeps start, end and the
    themes chosen, which the chart needs even when no event matches. Raises
    :class:`SettingError` (a ValueError) for start after end, an unknown category or date.
    """
    start, end = event_years(events, start_year, end_year)
    chosen = resolve_themes(events, categories)
    marked = set(check_dates(events, highlight))
    # the rows picked and sorted in plain Python, then taken from events.csv once (a copy of
    # the whole table per pandas step was most of a timeline explorer's update)
    category_text = events["category"].astype(str)
    themes = [theme_of(c) for c in category_text.tolist()]
    in_years = events["year"].between(start, end).tolist()
    wanted = set(chosen)
    rows = [i for i, (y, t) in enumerate(zip(in_years, themes, strict=True)) if y and t in wanted]
    starts = events["start"].tolist()
    dates = events["date"].astype(str).tolist()
    # by start then date, stable, events without a start last (as sort_values)
    rows.sort(key=lambda i: (pd.isna(starts[i]), starts[i] if pd.notna(starts[i]) else 0, dates[i]))
    frame = events.iloc[rows].assign(
        theme=pd.array([themes[i] for i in rows], dtype=category_text.dtype),
        highlighted=np.array([dates[i] in marked for i in rows], dtype=bool),
    )
    frame.attrs = {"start": start, "end": end, "themes": chosen}
    return frame


def events_table(
    events: pd.DataFrame,
    dates: Sequence[str],
    columns: Sequence[str] = ("date", "event", "verified", "source_url"),
) -> pd.DataFrame:
    """The events.csv rows with the given dates, in the order given (for date checks).

    Raises ValueError naming close matches for a date that is not in events.csv.
    """
    check_dates(events, dates)
    by_date = events.set_index(events["date"].astype(str))
    table = by_date.loc[list(dates), list(columns)].reset_index(drop=True)
    table.index = range(1, len(table) + 1)
    return table
