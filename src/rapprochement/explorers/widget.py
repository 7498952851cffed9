"""The live explorer: ipywidgets controls (from the explorer's :class:`~.controls.Control` list)
wired to its tables and chart.

Each explorer (``explorers/<x>.py``) subclasses :class:`ExplorerWidget`, which has

* ``controls``: a dict of named ipywidgets (set ``explorer.controls["start"].value = 2010``
  from Python and the chart redraws, which is how the tests drive them), made from the
  explorer's ``controls(...)`` by :func:`.controls.to_widget`;
* ``message``: an HTML widget that shows a short note or, for impossible settings, a warning
  (never a traceback; the chart keeps its last valid state);
* ``figure``: the last :class:`plotly.graph_objects.Figure` built by :mod:`rapprochement.charts`;
* ``view``: what draws it, a plotly ``FigureWidget`` (default; an :class:`.figure.ExplorerFigure`,
  which loads plotly's front end once per page) or an
  :class:`ipywidgets.Output` holding a plain plotly figure (``backend="output"``, for front
  ends without anywidget support; see docs/performance.md for the measurements behind the
  default);
* ``widget``: the whole box, which is what a notebook displays (the explorer displays itself).

When displayed, the explorer writes which explorer it is and its arguments into its output's
metadata (``{"rapprochement": {"explorer": name, "args": {...}}}``), which is how the HTML
export and the book find its kernel-free version (:mod:`rapprochement.export`).

Data flows one way: data -> analysis -> tables -> charts -> explorers. Each update computes
each table once and hands it to its chart; nothing here computes a number of its own.
"""

from __future__ import annotations

import html
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import anywidget
import ipywidgets as W
import plotly.graph_objects as go
import traitlets

from ..charts import style
from ..focus import CONTROL_FOCUS_CSS
from .controls import Control, by_name, to_widget
from .figure import ExplorerFigure

__all__ = ["DEFAULT_BACKEND", "METADATA_KEY", "AccessibleControls", "Backend", "ExplorerWidget"]

Backend = Literal["figurewidget", "output"]
#: Chosen from the measurements in docs/performance.md.
DEFAULT_BACKEND: Backend = "figurewidget"
#: Key of the output metadata that names the explorer and its arguments.
METADATA_KEY = "rapprochement"

#: Folder, relative to the notebooks, of the pictures shown before an explorer has run.
STATIC_DIR = "figures"


PLOTLY_CONFIG = style.PLOTLY_CONFIG

#: The browser side of :class:`AccessibleControls` (its module, ``widget.js``).
_A11Y_ESM = Path(__file__).with_name("widget.js").read_text(encoding="utf-8")


class AccessibleControls(anywidget.AnyWidget):
    """Fills what ipywidgets 8 leaves out for screen readers and keyboards, in the browser.

    Placed inside a box with the class ``rapprochement-explorer``, it gives every slider
    handle and value box the name of its visible label, ties each label to its ``<select>``,
    marks toggle buttons with ``aria-pressed`` (and their row as a named group), and marks
    these controls with ``data-lm-suppress-shortcuts`` so that arrow keys move the selection
    instead of JupyterLab's notebook cursor. It repeats this whenever the box changes.
    """

    _esm = traitlets.Unicode(_A11Y_ESM).tag(sync=True)
    # Let the chart shrink with its output area: the boxes are flex containers, whose items
    # keep at least their content's width unless told otherwise (so a chart drawn at 1366 px
    # stayed that wide after the window narrowed).
    _css = traitlets.Unicode(
        ".rapprochement-explorer, .rapprochement-explorer .widget-box,"
        " .rapprochement-explorer .widget-box > *, .rapprochement-explorer > * "
        "{min-width: 0; max-width: 100%;}\n" + CONTROL_FOCUS_CSS
        # and a focus ring one can see on every control (rapprochement.focus)
    ).tag(sync=True)


def _message_html(text: str, kind: Literal["error", "note"]) -> str:
    if not text:
        return ""
    if kind == "error":
        style = "border-left:4px solid #D55E00;background:#FFF4EC;padding:4px 8px;color:#222"
        return (
            f'<div class="rapprochement-message rapprochement-error" role="alert" '
            f'style="{style}"><b>Cannot draw this:</b> {html.escape(text)} '
            "<i>(The chart still shows the last setting that worked.)</i></div>"
        )
    style = "border-left:4px solid #0072B2;background:#EEF5FB;padding:4px 8px;color:#222"
    return (
        f'<div class="rapprochement-message rapprochement-note" style="{style}">'
        f"{html.escape(text)}</div>"
    )


def _summary_html(text: str, series: list[str], count: int) -> str:
    """The chart's text alternative, read out by screen readers when it changes.

    ``data-series`` (the names of the series drawn) and ``data-update`` (a count of updates,
    errors included) let the browser tests wait for a redraw instead of sleeping. Its colour is
    the theme's text colour (a fixed dark grey was 1.5:1 in JupyterLab's dark theme).
    """
    names = html.escape("|".join(series))
    return (
        f'<p class="rapprochement-summary" role="status" aria-live="polite" '
        f'data-update="{count}" data-series="{names}" '
        f'style="margin:2px 0;color:var(--jp-content-font-color1, #333)">{html.escape(text)}</p>'
    )


def slot_plan(have: Sequence[str], want: Sequence[str]) -> list[int | None] | None:
    """Which new trace each trace already on screen shows: ``plan[i]`` is the index in ``want``
    (trace types of the new figure) drawn by screen trace ``i`` (types ``have``), or None for a
    trace left empty and hidden. The new traces keep their order; None when they do not fit
    (more traces of a type, or another order of types, than the screen holds)."""
    plan: list[int | None] = []
    j = 0
    for kind in have:
        if j < len(want) and want[j] == kind:
            plan.append(j)
            j += 1
        else:
            plan.append(None)
    return plan if j == len(want) else None


#: Redraw by restyling the traces on screen (:func:`_restyle_in_place`, one plotly message) when
#: the new traces fit; else (or with this off) the traces are replaced (three messages, three
#: redraws). It was off for a while: in three full browser runs one explorer of notebook 06
#: never showed the series its summary named. That is what anywidget dropping every message to
#: a chart whose front end took over 2 s to start looks like (fixed in :mod:`.figure`); with
#: that fix a full browser run at load 7-8 passed with this on (docs/performance.md).
RESTYLE_IN_PLACE = True

#: What an unused trace on screen is set to: empty, hidden, out of the legend.
_EMPTY = {"visible": False, "x": [], "y": [], "showlegend": False}


def _restyle_in_place(view: go.FigureWidget, fig: go.Figure) -> bool:
    """Show ``fig`` in ``view`` by restyling the traces it already has, in ONE message.

    Replacing the traces (``view.update(data=...)``) sends plotly.js a deleteTraces, an
    addTraces and a relayout, each a full redraw followed by the widget's report of the new
    state back to Python. When the new traces fit the ones on screen (:func:`slot_plan`),
    every change here is made inside one ``batch_update``, which plotly sends as a single
    ``Plotly.update``: one redraw. Properties the new trace or layout no longer has are reset
    (set to None), so nothing of the last setting stays behind. Returns False (nothing done)
    when the traces do not fit; the caller then replaces them.
    """
    wanted = [t.to_plotly_json() for t in fig.data]
    plan = slot_plan([t.type for t in view.data], [t["type"] for t in wanted])
    if plan is None or not view.data:
        return False
    layout = fig.layout.to_plotly_json()
    with view.batch_update():
        for trace, j in zip(view.data, plan, strict=True):
            want = dict(_EMPTY) if j is None else dict(wanted[j])
            want.pop("type", None)
            want.pop("uid", None)
            _set_changed(trace, trace.to_plotly_json(), want, keep={"type", "uid"})
        _set_changed(view.layout, view.layout.to_plotly_json(), layout, keep=set())
    return True


def _plain(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _set_changed(obj: Any, current: dict[str, Any], want: dict[str, Any], keep: set[str]) -> None:
    """Set on ``obj`` (a trace or the layout of a FigureWidget) the top-level properties whose
    value differs from ``current`` and reset those ``want`` no longer has: plotly validates
    each property it is given, so leaving out the unchanged ones saves most of the time."""
    for key in set(current) - set(want) - keep:
        obj[key] = None
    changed = {k: v for k, v in want.items() if _plain(current.get(k)) != _plain(v)}
    if changed:
        obj.update(changed, overwrite=True)


def _plotly_renderer() -> str:
    """Renderer for the ``output`` backend: Colab needs its own, others read the mimetype."""
    return "colab" if "google.colab" in sys.modules else "plotly_mimetype"


class ExplorerWidget:
    """Shared machinery: build a figure from the controls, show it or show why not."""

    #: the explorer's key in the registry (:mod:`.registry`)
    name = ""
    title = ""
    #: file stem of the picture of the default state in ``notebooks/figures/``
    static_name = ""
    #: types of the hidden traces drawn after the chart whenever its traces are replaced, so
    #: that a setting with more traces (up to these) is still one restyle (see _draw)
    spare_traces: tuple[str, ...] = ()

    def __init__(self, *, backend: Backend | None = None) -> None:
        backend = backend or DEFAULT_BACKEND
        if backend not in ("figurewidget", "output"):
            raise ValueError(f"backend must be 'figurewidget' or 'output', got {backend!r}")
        self.backend: Backend = backend
        self.message = W.HTML(value="")
        self.summary = W.HTML(value="")
        self.error: str = ""
        self.note: str = ""
        self.figure: go.Figure | None = None
        self.last_update_ms: float = 0.0
        self._updates = 0
        if backend == "figurewidget":
            # With the charts' own small template: without a layout, plotly gives the widget
            # its default template "plotly", whose defaults for every trace type import and run
            # the validators of them all (a third of a timeline explorer's start); the first
            # drawing replaces the layout with the chart's anyway.
            view = ExplorerFigure(layout={"template": style.LIGHT_TEMPLATE})
            view._config = dict(PLOTLY_CONFIG)
            self.view: W.Widget = view
        else:
            self.view = W.Output(layout=W.Layout(width="100%"))
        self.spec: dict[str, Control] = by_name(self.control_list())
        self.controls: dict[str, W.Widget] = {n: to_widget(c) for n, c in self.spec.items()}
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.extra: list[W.Widget] = []
        self._setup()
        self.widget = W.VBox(
            [
                W.HTML(
                    f'<h3 class="rapprochement-title" style="margin:4px 0;font-size:1.1em">'
                    f"{html.escape(self.title)}</h3>"
                ),
                self._control_box(),
                self.message,
                self.view,
                self.summary,
                *self.extra,
                AccessibleControls(),
            ],
            layout=W.Layout(width="100%", max_width="100%"),
        )
        self.widget.add_class("rapprochement-explorer")
        self.update()

    # -- to override ---------------------------------------------------------------------
    def control_list(self) -> Sequence[Control]:
        """The explorer's controls (its module's ``controls(...)`` on this explorer's data)."""
        raise NotImplementedError

    def static_args(self) -> dict[str, Any]:
        """JSON arguments of the kernel-free version that shows what this widget shows."""
        return {}

    def _control_box(self) -> W.Widget:
        return W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))

    def _setup(self) -> None:
        """Hook for extra widgets (tables) created after the controls."""

    def build(self) -> tuple[go.Figure, str]:
        """The figure for the current settings and a note (may be empty); raises ValueError."""
        raise NotImplementedError

    # -- machinery -----------------------------------------------------------------------
    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def values(self) -> dict[str, Any]:
        """Current control values by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Rebuild the figure from the controls; on any error show its message instead.

        A :class:`ValueError` (an impossible setting) shows its message as it is; any other
        exception is a bug, shown with its type so that a student can report it. Either way
        the chart keeps its last valid state and every control keeps working.
        """
        started = time.perf_counter()
        for name, control in self.spec.items():
            if control.disabled_unless is not None:
                other, value = control.disabled_unless
                self.controls[name].disabled = self.controls[other].value != value
        try:
            fig, note = self.build()
        except ValueError as exc:
            self._show_error(str(exc))
        except Exception as exc:  # a bug: never leave the explorer frozen without a word
            self._show_error(
                f"unexpected {type(exc).__name__}: {exc}. Please report this setting to your "
                "instructor; the other controls still work."
            )
        else:
            self.error, self.note = "", note
            self.message.value = _message_html(note, "note")
            self.figure = fig
            self._draw(fig)
        self._updates += 1
        self._show_summary()
        self.last_update_ms = (time.perf_counter() - started) * 1000

    def summarize(self, fig: go.Figure) -> tuple[str, list[str]]:
        """The chart's text alternative and the names of the series it draws."""
        return style.figure_summary(fig), style.figure_series(fig)

    def _show_summary(self) -> None:
        series: list[str]
        if self.figure is None:
            text, series = "No chart yet: " + (self.error or "nothing to draw."), []
        else:
            text, series = self.summarize(self.figure)
        self.summary.value = _summary_html(text, series, self._updates)

    def _show_error(self, text: str) -> None:
        self.error = text
        self.message.value = _message_html(text, "error")

    def _draw(self, fig: go.Figure) -> None:
        # no fixed width: the chart fills its output area and follows it when it resizes
        fig.layout.width = None
        if isinstance(self.view, go.FigureWidget):
            if not (RESTYLE_IN_PLACE and _restyle_in_place(self.view, fig)):
                # hidden spare traces after the chart, so that a wider setting still fits
                spare = [{"type": kind, **_EMPTY} for kind in self.spare_traces]
                with self.view.batch_update():
                    self.view.update(data=[*fig.data, *spare], layout=fig.layout, overwrite=True)
        else:
            out: W.Output = self.view  # type: ignore[assignment]
            out.clear_output(wait=True)
            with out:
                fig.show(renderer=_plotly_renderer(), config=PLOTLY_CONFIG)

    def __repr__(self) -> str:
        return (
            f"<{self.title}: an interactive chart. Run the notebook's cells (Run > Run All "
            "Cells) to use its controls.>"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # what a reader sees where the widget cannot be drawn (before Run All, GitHub, export)
        bundle["text/plain"] = repr(self)
        return bundle

    def static_html(self) -> str | None:
        """A picture of the default state for readers without a live kernel, or None.

        The picture (made by scripts/make_static_figures.py) sits next to the notebooks and
        is linked, not embedded, so that the notebook stays small and an HTML export saved
        next to the notebooks shows it with no network.
        """
        picture = Path(STATIC_DIR) / f"{self.static_name}.png"
        if not self.static_name or not Path.cwd().joinpath(picture).is_file():
            return None
        alt = "Picture of the default setting. " + (
            self.summarize(self.figure)[0] if self.figure is not None else ""
        )
        return (
            '<figure class="rapprochement-static" style="margin:0">'
            f'<img src="{picture.as_posix()}" alt="{html.escape(alt)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(repr(self))}</figcaption></figure>"
        )

    def _ipython_display_(self) -> None:
        """The live widget, then (as its own output) the static picture.

        Front ends pick one format per output, and both JupyterLab and nbconvert prefer the
        widget's; a separate output keeps the picture for readers without a kernel. Once the
        widget is live, :class:`AccessibleControls` hides the picture in the same cell.
        """
        from IPython.display import HTML, display

        metadata = {METADATA_KEY: {"explorer": self.name, "args": self.static_args()}}
        display(self._repr_mimebundle_(), raw=True, metadata=metadata)
        picture = self.static_html()
        if picture is not None:
            display(HTML(picture))
