"""Old name of the chart and table helpers, kept so that existing code keeps working.

The code now lives by role (see docs/CONTRIBUTING-NOTES.md):

* :mod:`rapprochement.tables`: the tables (pure pandas, no plotly);
* :mod:`rapprochement.charts.style`: palette, font, layout, source note, mode bar, summaries;
* :mod:`rapprochement.charts.targets`, ``.growth``, ``.shares``, ``.settlements``,
  ``.timeline``: one chart module per explorer.

New code should import from those modules; this one only re-exports the names that
notebooks, the export helper (``static_explorers``) and ``maps`` use.
"""

from __future__ import annotations

from .charts.growth import projection_chart, projection_figure
from .charts.settlements import (
    CURRENCY_COLORS,
    MEASURE_SYMBOLS,
    settlement_chart,
    settlement_figure,
)
from .charts.shares import SHARE_SERIES, partner_shares_chart, partner_shares_figure
from .charts.style import (
    FONT,
    MUTED_TEXT,
    NOTE_WIDTH,
    PALETTE,
    PLOTLY_CONFIG,
    REPORTER_COLORS,
    TARGET_COLORS,
    ChartFigure,
    figure_series,
    figure_summary,
)
from .charts.targets import TRADE_SOURCE_NOTE, target_explorer_figure, targets_chart
from .tables import (
    CURRENCY_LABELS,
    MEASURE_LABELS,
    MEASURE_SHORT,
    QUALIFIER_PREFIX,
    SettingError,
    cpi_series,
    currency_frame,
    fact_check_table,
    growth_table,
    missing_years,
    partner_share_frame,
    period_position,
    plain_tables,
    target_label,
    targets_table,
    trade_frame,
    years_text,
)

#: The palette under its former Okabe-Ito key names (``maps`` uses them). Orange, sky blue
#: and yellow were too light on white (under 3:1) and now map to their darker replacements.
OKABE_ITO = {
    "black": PALETTE["black"],
    "orange": PALETTE["brown"],
    "sky_blue": PALETTE["indigo"],
    "bluish_green": PALETTE["bluish_green"],
    "yellow": PALETTE["wine"],
    "blue": PALETTE["blue"],
    "vermillion": PALETTE["vermillion"],
    "reddish_purple": PALETTE["reddish_purple"],
}

__all__ = [
    "CURRENCY_COLORS",
    "CURRENCY_LABELS",
    "FONT",
    "MEASURE_LABELS",
    "MEASURE_SHORT",
    "MEASURE_SYMBOLS",
    "MUTED_TEXT",
    "NOTE_WIDTH",
    "OKABE_ITO",
    "PALETTE",
    "PLOTLY_CONFIG",
    "QUALIFIER_PREFIX",
    "REPORTER_COLORS",
    "SHARE_SERIES",
    "TARGET_COLORS",
    "TRADE_SOURCE_NOTE",
    "ChartFigure",
    "SettingError",
    "cpi_series",
    "currency_frame",
    "fact_check_table",
    "figure_series",
    "figure_summary",
    "growth_table",
    "missing_years",
    "partner_share_frame",
    "partner_shares_chart",
    "partner_shares_figure",
    "period_position",
    "plain_tables",
    "projection_chart",
    "projection_figure",
    "settlement_chart",
    "settlement_figure",
    "target_explorer_figure",
    "target_label",
    "targets_chart",
    "targets_table",
    "trade_frame",
    "years_text",
]
