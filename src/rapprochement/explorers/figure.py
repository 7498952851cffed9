"""An explorer's chart: plotly's ``FigureWidget`` with a front end that loads plotly once.

anywidget (0.9 to 0.11) gives a widget model 2 s to load its JavaScript module and initialize
in the browser; a model that takes longer silently drops every later message from the kernel.
plotly's ``FigureWidget`` sends its whole 5 MB widget module as each model's module, and the
browser evaluates it once per chart: with the four explorers of notebook 06, the later charts
missed that limit on a busy computer and never changed again (the browser tests saw it as an
explorer whose chart did not show the series its summary named).

:class:`ExplorerFigure` is the same widget on the Python side. In the browser its module is
``figure.js``: a few lines that return from initialize at once, ask the kernel for plotly's
module once per page (:meth:`ExplorerFigure._plotly_module`, anywidget's command call, which
answers with the module as a binary buffer: 5 MB per page instead of per chart), import it for
every chart, and replay to plotly's model, in order, what the kernel sent while it loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from anywidget.experimental import command
from plotly.basewidget import BaseFigureWidget

__all__ = ["ExplorerFigure"]

#: plotly's own widget module (anywidget has read the file into this object), as UTF-8
_PLOTLY_MODULE = str(BaseFigureWidget._esm).encode("utf-8")


class ExplorerFigure(go.FigureWidget):
    """A ``FigureWidget`` whose browser side survives a slow start (see the module docs)."""

    _esm = Path(__file__).with_name("figure.js").read_text(encoding="utf-8")

    @command
    def _plotly_module(self, msg: Any, buffers: list[bytes]) -> tuple[dict[str, int], list[bytes]]:
        """The browser asks for plotly's widget module: the answer carries it as a buffer."""
        return {"bytes": len(_PLOTLY_MODULE)}, [_PLOTLY_MODULE]
