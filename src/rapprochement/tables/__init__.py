"""Tables: what the charts draw and what notebooks show, as plain :class:`pandas.DataFrame`.

One module per explorer (the same name in ``charts/`` and ``explorers/``):

* :mod:`.targets`: trade by year and source, target segments, the ¶9 checks;
* :mod:`.growth`: the growth projector's table;
* :mod:`.shares`: each partner's share in the other's trade;
* :mod:`.settlements`: currency shares in settlements;
* :mod:`.timeline`: the events timeline;

plus :mod:`.common` (the :class:`SettingError`, labels, helpers) and :mod:`.display` (how
notebooks show tables). Data flows one way: :mod:`rapprochement.data` (load) ->
:mod:`rapprochement.analysis` (pure maths) -> tables -> :mod:`rapprochement.charts` ->
:mod:`rapprochement.explorers`. Nothing here imports plotly or ipywidgets, so notebooks and
tests that only need a table stay light.

Settings that make no sense (a start year after the end year, a growth rate of -100% or less,
a source with no figure in the chosen years) raise :class:`SettingError`, a :class:`ValueError`
whose message is short enough to show to a student as it is.

The names notebooks use are importable from the package itself (``tables.targets_table``).
"""

from __future__ import annotations

from .common import (
    CURRENCY_LABELS,
    MEASURE_LABELS,
    MEASURE_SHORT,
    QUALIFIER_PREFIX,
    SHARE_SERIES_LABELS,
    Dollars,
    SettingError,
    Source,
    cpi_series,
    target_label,
    years_text,
)
from .display import plain_tables
from .growth import GROWTH_COLUMNS, growth_frame, growth_table
from .settlements import currency_frame, period_position
from .shares import partner_share_frame, shares_view
from .targets import (
    fact_check_table,
    mirror_gap_frame,
    missing_years,
    reporter_rows,
    target_lines,
    targets_table,
    trade_frame,
    trade_index,
)
from .timeline import (
    ALL_THEMES,
    OTHER_THEME,
    THEME_CATEGORIES,
    check_dates,
    event_years,
    events_table,
    resolve_themes,
    theme_of,
    timeline_frame,
)

__all__ = [
    "ALL_THEMES",
    "CURRENCY_LABELS",
    "GROWTH_COLUMNS",
    "MEASURE_LABELS",
    "MEASURE_SHORT",
    "OTHER_THEME",
    "QUALIFIER_PREFIX",
    "SHARE_SERIES_LABELS",
    "THEME_CATEGORIES",
    "Dollars",
    "SettingError",
    "Source",
    "check_dates",
    "cpi_series",
    "currency_frame",
    "event_years",
    "events_table",
    "fact_check_table",
    "growth_frame",
    "growth_table",
    "missing_years",
    "mirror_gap_frame",
    "partner_share_frame",
    "period_position",
    "plain_tables",
    "reporter_rows",
    "resolve_themes",
    "shares_view",
    "target_label",
    "target_lines",
    "targets_table",
    "theme_of",
    "timeline_frame",
    "trade_frame",
    "trade_index",
    "years_text",
]
