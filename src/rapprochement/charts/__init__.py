"""Plotly charts, one module per explorer, all drawn in the shared style of :mod:`.style`.

Each chart module has a function that draws a table it is given (from
:mod:`rapprochement.tables`) and, for notebooks and the export helper, a convenience function
that builds that table from the loaded data first:

* :mod:`.targets`: trade against official targets (``targets_chart`` / ``target_explorer_figure``)
* :mod:`.growth`: the growth projector (``projection_chart`` / ``projection_figure``)
* :mod:`.shares`: each partner's share in the other's trade (``partner_shares_figure``)
* :mod:`.settlements`: settlement currencies (``settlement_chart`` / ``settlement_figure``)
* :mod:`.timeline`: the events timeline (``timeline_chart`` / ``timeline_figure``)
"""
