"""The style every chart shares: palette, font, base layout, source note, mode bar, summaries.

Palette: the hues of Okabe & Ito (2008), with the three that are too light on white (orange,
sky blue, yellow: 2.3:1, 2.3:1 and 1.3:1) replaced by darker colours, so that every graphical
mark has at least 3:1 contrast against the white background (WCAG 2.2 AA, 1.4.11) and chart
text, drawn in :data:`TEXT` or :data:`MUTED_TEXT`, at least 4.5:1 (1.4.3). Simulated for
deuteranopia, protanopia and tritanopia (colorspacious, severity 100), every pair of the
eight mark colours stays at least as far apart (CAM02-UCS distance 11) as the original
Okabe-Ito set does; markers also differ by shape and lines by dash, so colour is never the
only cue.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import math
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go

__all__ = [
    "FONT",
    "MUTED_TEXT",
    "NOTE_WIDTH",
    "PALETTE",
    "PLOTLY_CONFIG",
    "REPORTER_COLORS",
    "TARGET_COLORS",
    "target_color",
    "KIND_SYMBOLS",
    "kind_name",
    "TEXT",
    "ChartFigure",
    "Spec",
    "base_layout",
    "figure_series",
    "figure_summary",
    "source_note",
    "trace",
]

#: Mark colours (lines, markers, bars): each at least 3:1 against white.
PALETTE = {
    "blue": "#0072B2",  # Okabe-Ito blue, 5.2:1
    "vermillion": "#D55E00",  # Okabe-Ito vermillion, 3.9:1
    "bluish_green": "#009E73",  # Okabe-Ito bluish green, 3.4:1
    "reddish_purple": "#CC79A7",  # Okabe-Ito reddish purple, 3.1:1
    "black": "#000000",
    "brown": "#8C5A2B",  # replaces Okabe-Ito orange (2.3:1), 5.8:1
    "indigo": "#332288",  # Paul Tol's indigo, replaces sky blue (2.3:1), 12.2:1
    "wine": "#882255",  # Paul Tol's wine, replaces yellow (1.3:1), 8.7:1
    "grey": "#6B6B6B",  # 5.3:1
}
#: Chart text (titles, labels, legend) and secondary text (captions): 4.5:1 or more on white.
TEXT = "#222222"
MUTED_TEXT = "#4D4D4D"
BACKGROUND = "#FFFFFF"
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": TEXT}

REPORTER_COLORS = {"china_customs": PALETTE["blue"], "russia": PALETTE["vermillion"]}
#: Colours of targets, picked by :func:`target_color`. Not brown: the growth projector draws its
#: projection in brown, and a target of that colour read as part of the projection.
TARGET_COLORS = [
    PALETTE["bluish_green"],
    PALETTE["wine"],
    PALETTE["reddish_purple"],
    PALETTE["indigo"],
    PALETTE["black"],
]


#: Marker of each kind of trade figure (``kind`` in trade.csv): a customs release is a plain
#: circle; an official's statement, an estimate or a lower bound has its own shape, named in
#: the hover of each point and in the chart's caption, so that no one reads it as customs data.
KIND_SYMBOLS = {
    "customs_release": "circle",
    "official_statement": "square",
    "estimate": "x",
    "lower_bound": "triangle-up",
}


def kind_name(series: str, kind: str, labels: dict[str, str]) -> str:
    """Name of a series' points of one kind (hover, text summary): the series itself for
    customs releases, else "series: official's statement (square)" and the like."""
    if kind == "customs_release":
        return series
    shape = KIND_SYMBOLS[kind].split("-")[0].replace("x", "cross")
    return f"{series}: {labels[kind].lower()} ({shape})"


def target_color(color_index: int) -> str:
    """A target's colour from its ``color_index`` (its row in targets.csv, see
    :func:`rapprochement.tables.common.color_index`): the same target has the same colour in
    every chart, whichever other targets are shown with it."""
    return TARGET_COLORS[int(color_index) % len(TARGET_COLORS)]


#: Caption lines are wrapped to this many characters (fits a chart 370 px wide: JupyterLab at
#: 800 px with the file browser open).
NOTE_WIDTH = 46
#: Pixels between the bottom of the plot area and the caption (tick labels and axis title).
NOTE_OFFSET = 62
#: Pixels kept free at the top of a chart for plotly's mode bar (shown on hover).
MODEBAR_PX = 28

#: plotly's mode bar without what needs the internet (the plotly logo links to plotly.com;
#: "send to cloud" uploads the chart); downloading a PNG stays.
PLOTLY_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
    "responsive": True,
}


class _NbformatOnDemand:
    """Stands in for the ``nbformat`` module in plotly's renderer module: knows the installed
    version (which is all plotly asks before showing a figure) and imports nbformat itself only
    if something asks for more."""

    def __init__(self, version: str) -> None:
        self.__version__ = version

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("nbformat"), name)


def _plotly_renderers_without_nbformat() -> None:
    """Import plotly's renderer module without importing nbformat (and with it jsonschema).

    ``plotly.io._renderers`` imports nbformat when it loads, only to check its version before
    it shows a figure; the import (nbformat, jsonschema and jsonschema's format checkers) was
    the largest single cost of showing the first chart or explorer of a notebook. Here that
    import is made to fail while the module loads, and the module is then given a stand-in that
    answers the version from the package's metadata. Figures are shown by plotly's own code,
    unchanged. Nothing is done when either module is already loaded or nbformat is missing.
    """
    if "plotly.io._renderers" in sys.modules or "nbformat" in sys.modules:
        return
    try:
        version = importlib.metadata.version("nbformat")
    except importlib.metadata.PackageNotFoundError:
        return
    from _plotly_utils import optional_imports  # type: ignore[import-untyped]

    sys.modules["nbformat"] = None  # type: ignore[assignment]
    try:
        from plotly.io import _renderers
    finally:
        del sys.modules["nbformat"]
        # plotly remembers a failed optional import; forget it, nbformat is there
        getattr(optional_imports, "_not_importable", set()).discard("nbformat")
    if getattr(_renderers, "nbformat", "") is None:
        _renderers.nbformat = _NbformatOnDemand(version)


_plotly_renderers_without_nbformat()


class ChartFigure(go.Figure):
    """A plotly figure that is displayed with :data:`PLOTLY_CONFIG` (no online buttons).

    (Setting the config on plotly's renderer when this module loads would import nbformat's
    schema validation, several seconds of every notebook's Run All.)
    """

    def _repr_mimebundle_(self, include=None, exclude=None, validate=True, **kwargs):
        kwargs.setdefault("config", PLOTLY_CONFIG)
        return super()._repr_mimebundle_(include, exclude, validate, **kwargs)

    def show(self, *args, **kwargs):
        kwargs.setdefault("config", PLOTLY_CONFIG)
        return super().show(*args, **kwargs)

    def _ipython_display_(self):
        # a figure left as a cell's last value: IPython calls this before _repr_mimebundle_,
        # and plotly's own shows it without the config (the plotly logo and online buttons)
        import plotly.io as pio

        if pio.renderers.render_on_display and pio.renderers.default:
            self.show()
        else:
            print(repr(self))


def trace(kind: str, **props: object) -> dict:
    """A trace as a plain dict (validated once, when the figure is assembled)."""
    return {"type": kind, **{k: v for k, v in props.items() if v is not None}}


# A small explicit style instead of a named template: applying "plotly_white" deep-copies a
# large template on every figure, which was two thirds of the time of a widget update.
_AXIS_STYLE = {
    "gridcolor": "#E5E5E5",
    "linecolor": "#888888",
    "zerolinecolor": "#CCCCCC",
    "ticks": "outside",
    "tickcolor": "#888888",
    "automargin": True,
}
LIGHT_TEMPLATE = {
    "layout": {
        "plot_bgcolor": BACKGROUND,
        "paper_bgcolor": BACKGROUND,
        "xaxis": _AXIS_STYLE,
        "yaxis": _AXIS_STYLE,
    }
}


#: Validate charts when they are made (tests set it; off for speed, see :class:`Spec`).
VALIDATE = False


class Spec:
    """Collects traces and layout as plain dicts and makes the figure once in :meth:`figure`.

    Building a figure with ``go.Figure.add_trace``/``update_layout`` validates every property
    at every call; assembling dicts is about five times faster, and skipping plotly's
    validation of the finished figure halves a widget update again (docs/performance.md).
    The charts are checked instead by tests/unit/test_charts_style.py, which validates every chart
    with plotly (``go.Figure(fig.to_plotly_json())``).
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict[str, Any] = {"template": LIGHT_TEMPLATE}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_traces(self, traces: Sequence[dict]) -> None:
        self.data.extend(traces)

    def update_layout(self, **props: object) -> None:
        for key, value in props.items():
            if isinstance(value, dict) and isinstance(self.layout.get(key), dict):
                self.layout[key] = {**self.layout[key], **value}
            else:
                self.layout[key] = value

    def _axis(self, name: str, title_text: str | None, props: dict) -> None:
        axis = dict(self.layout.get(name, {}))
        if title_text is not None:
            axis["title"] = {"text": title_text}
        axis.update(props)
        self.layout[name] = axis

    def update_xaxes(self, title_text: str | None = None, **props: object) -> None:
        self._axis("xaxis", title_text, props)

    def update_yaxes(self, title_text: str | None = None, **props: object) -> None:
        self._axis("yaxis", title_text, props)

    def add_annotation(self, **props: object) -> None:
        self.layout.setdefault("annotations", []).append(props)

    def shared(self, kind: str = "", **props: object) -> None:
        """Properties that every trace of type ``kind`` (or, without a kind, every annotation)
        of this chart has, written once into the figure's own template instead of on each
        trace: plotly.js applies them as defaults, so the chart draws the same, and a stored
        figure does not repeat them (docs/performance.md)."""
        template = dict(self.layout["template"])
        if kind:
            template["data"] = {**template.get("data", {}), kind: [{"type": kind, **props}]}
        else:
            layout = dict(template.get("layout", {}))
            layout["annotationdefaults"] = props
            template["layout"] = layout
        self.layout["template"] = template

    def figure(self) -> go.Figure:
        return ChartFigure(data=self.data, layout=self.layout, _validate=VALIDATE)


def source_note(fig: Spec, text: str, *, width: int = NOTE_WIDTH) -> None:
    """Sources and reading notes under the chart (a caption).

    The text is placed just under the plot area, below the x-axis title, with a pixel offset
    (not a fraction of the plot height), and wrapped to short lines so that it fits the chart
    from a narrow laptop screen up; the bottom margin grows with the number of lines.
    """
    lines = [
        line
        for part in text.split("<br>")
        for line in (textwrap.wrap(part, width, break_long_words=False) or [""])
    ]
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-NOTE_OFFSET,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED_TEXT},
    )
    margin = dict(fig.layout.get("margin", {}))
    margin["b"] = NOTE_OFFSET + 16 * len(lines) + 10
    fig.update_layout(margin=margin)


def base_layout(fig: Spec, *, title: str, height: int = 520, legend: bool = True) -> None:
    """Title, font, size and legend shared by every chart.

    No fixed width: the chart takes the width of its output area (plotly's autosize), and the
    legend sits in one or more rows at the top, above the plot, where it is never cut off at
    the right edge of a narrow screen and never covers data.
    """
    margin = {"l": 70, "r": 20, "t": 20, "b": NOTE_OFFSET + 40}
    margin.update(fig.layout.get("margin", {}))
    fig.update_layout(
        # The title is not drawn in the chart: a title and a legend above the plot both push
        # the top margin and overlap (plotly sizes the margin for each alone), and a legend at
        # the side is cut off on narrow screens. Explorers show their title as a heading above
        # the chart; it is kept in layout.meta for the text alternative.
        title={"text": ""},
        meta={"title": title},
        font=FONT,
        height=height,
        autosize=True,
        margin=margin,
        # At the top of the figure (container coordinates): plotly then keeps the plot below
        # the legend however many rows it wraps into (a legend placed on the plot's own
        # coordinates relies on the margin "auto-expanding", which was seen to keep the margin
        # of an earlier width after a resize, the legend covering the top of the data).
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            # below the mode bar (shown at the top right on hover), which would cover it
            "y": 1 - MODEBAR_PX / height,
            "yanchor": "top",
            "font": {"size": 12},
        },
        hovermode="closest",
        hoverlabel={"align": "left"},
        showlegend=legend,
    )


def chart_title(fig: go.Figure, default: str = "Chart") -> str:
    """The title a chart keeps in ``layout.meta`` (see :func:`base_layout`)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return str(meta.get("title") or fig.layout.title.text or default)


# ---------------------------------------------------------------------- text alternative


def _finite(values: Iterable[object]) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return out


def _shown_series(fig: go.Figure) -> list[tuple[str, list[float], list[float]]]:
    """(name, xs, ys) of each trace that has a legend entry and at least one finite point."""
    out = []
    for tr in fig.data:
        if tr.showlegend is False or not tr.name or tr.y is None or tr.x is None:
            continue
        pairs = [
            (float(x), float(y))
            for x, y in zip(tr.x, tr.y, strict=False)
            if _finite([y]) and _finite([x])
        ]
        if pairs:
            name = re.sub(r"<[^>]+>", "", str(tr.name))
            out.append((name, [p[0] for p in pairs], [p[1] for p in pairs]))
    return out


def figure_series(fig: go.Figure) -> list[str]:
    """Names of the series a chart shows (legend entries with at least one point)."""
    return [name for name, _, _ in _shown_series(fig)]


def figure_summary(fig: go.Figure) -> str:
    """A one-sentence text alternative for a chart: its title, its series and their ranges.

    Built from the figure itself (the title kept in ``layout.meta`` and the traces shown in
    the legend), so that it always says what the chart draws; empty series are left out.
    """
    title = chart_title(fig)
    parts = []
    for name, xs, ys in _shown_series(fig):
        lo, hi = min(ys), max(ys)
        span = f"{min(xs):g}-{max(xs):g}" if min(xs) != max(xs) else f"{min(xs):g}"
        values = f"{lo:,.1f}" if lo == hi else f"{lo:,.1f} to {hi:,.1f}"
        parts.append(f"{name} ({span}: {values})")
    if not parts:
        return f"{title}: nothing to draw for this setting."
    shown = "; ".join(parts[:6])
    more = f"; and {len(parts) - 6} more series" if len(parts) > 6 else ""
    sep = " " if title.endswith(("?", ".", "!")) else ". "
    return f"{title}{sep}Series shown, with years and value range: {shown}{more}."
