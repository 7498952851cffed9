"""An explorer's chart: plotly's ``FigureWidget`` with a front end that loads plotly once.

anywidget (0.9 to 0.11) gives a widget model 2 s to load its JavaScript module and initialize
in the browser; a model that takes longer silently drops every later message from the kernel.
plotly's ``FigureWidget`` sends its whole 5 MB widget module as each model's module, and the
browser evaluates it once per chart: with the four explorers of notebook 06, the later charts
missed that limit on a busy computer and never changed again (the browser tests saw it as an
explorer whose chart did not show the series its summary named).

:class:`ExplorerFigure` is the same widget on the Python side. In the browser its module is
``figure.js``: a few lines that return from initialize at once, import plotly's module (sent
in the ``_bundle`` trait) once per page for every chart, and replay to plotly's model, in
order, what the kernel sent while it loaded.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import traitlets
from plotly.basewidget import BaseFigureWidget

__all__ = ["ExplorerFigure"]

#: plotly's own widget module (anywidget has read the file into this object)
_PLOTLY_MODULE = str(BaseFigureWidget._esm)


class ExplorerFigure(go.FigureWidget):
    """A ``FigureWidget`` whose browser side survives a slow start (see the module docs)."""

    _esm = Path(__file__).with_name("figure.js").read_text(encoding="utf-8")
    _bundle = traitlets.Unicode(_PLOTLY_MODULE).tag(sync=True)
