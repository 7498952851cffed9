"""Plotly charts, one module per explorer (or per chart without controls), all drawn in the
shared style of :mod:`.style`.

Each chart module has a function that draws a table it is given (from its namesake in
:mod:`rapprochement.tables`) and, for notebooks and the export helper, a convenience function
that builds that table from the loaded data first (a chart without an explorer names it
``<module>_figure``; docs/recipes/add-a-chart.md):

* :mod:`.targets`: trade against official targets (``targets_chart`` / ``target_explorer_figure``)
* :mod:`.growth`: the growth projector (``projection_chart`` / ``projection_figure``)
* :mod:`.shares`: each partner's share in the other's trade (``partner_shares_figure``)
* :mod:`.settlements`: settlement currencies (``settlement_chart`` / ``settlement_figure``)
* :mod:`.timeline`: the events timeline (``timeline_chart`` / ``timeline_figure``)
"""

from importlib import import_module, util
from types import ModuleType


def __getattr__(name: str) -> ModuleType:
    """``charts.timeline`` and the like: each chart module, imported when first used, so that
    a notebook needs only ``from rapprochement import charts`` (and no list of them is kept)."""
    if not name.startswith("_") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
