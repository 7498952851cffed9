"""The kernel-free explorer's machinery: plotly figures with their own menus and sliders.

A live explorer (:mod:`.widget`) redraws its chart in Python each time a control moves, so
it needs a running kernel. Its kernel-free version holds precomputed states of the SAME chart
(drawn by the same :mod:`rapprochement.charts` function, from the options and defaults of the
same :class:`~.controls.Control` list) and switches between them in the browser (plotly
``updatemenus`` and ``sliders``), so it works in the book, in an HTML export, on nbviewer, and in
Colab or VS Code when widgets fail. Each explorer module's ``static(...)`` builds its own with
the helpers here.

Each control changes one thing and the controls of one figure never undo each other: a
dropdown switches between precomputed states (trace visibility and the layout that goes with
them), a slider moves the year range or restyles only the traces its state changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go

MENU_STYLE: dict[str, Any] = {
    "bgcolor": "white",
    "bordercolor": "#888888",
    "font": {"size": 12, "color": "#222222"},
    "showactive": True,
    "xanchor": "left",
    "yanchor": "bottom",
    "pad": {"r": 4, "t": 2, "b": 2, "l": 4},
}
#: Pixels kept free between a slider and the plot for the chart's legend, which the chart code
#: places just above the plot (two rows at 1280 px, up to four at 800 px): without it the
#: slider's year labels were drawn over the legend.
LEGEND_ROOM = 90
STATIC_NOTE = "Controls work without a running kernel (precomputed states)."


def meta(fig: go.Figure, legend_room: int = 6 + LEGEND_ROOM) -> dict[str, Any]:
    """The chart's own meta (its title, see charts.style.base_layout) with the static marks.

    ``legend_room``: pixels between the plot and the lowest control, where the legend goes.
    Where the legend needs more (a narrow page wraps it into more rows), the book's and the
    exports' ``plots.js`` moves the controls up by the difference after each draw.
    """
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return {**meta, "static_explorer": True, "note": STATIC_NOTE, "legend_room": legend_room}


def layout_only(fig: go.Figure, keys: Sequence[str]) -> dict[str, Any]:
    """The layout properties ``keys`` of ``fig`` as plain JSON for a relayout."""
    layout = fig.layout.to_plotly_json()
    return {k: layout.get(k) for k in keys}


class Room:
    """Room above the plot for the controls, measured in pixels.

    Grows the figure's top margin and height by ``extra`` pixels (the plot keeps its size) and
    converts "``px`` pixels above the plot area" into plotly's paper coordinates.
    """

    def __init__(self, fig: go.Figure, extra: int, height: int | None = None) -> None:
        margin = fig.layout.margin.to_plotly_json() if fig.layout.margin else {}
        top, bottom = int(margin.get("t", 60)), int(margin.get("b", 80))
        height = int(height or fig.layout.height or 520)
        self.plot_height = height - top - bottom
        fig.update_layout(
            margin={**margin, "t": top + extra},
            height=height + extra,
            title={"y": 0.985, "yanchor": "top", "yref": "container"},
            width=None,
            autosize=True,
            # overlapping subplots of hidden states must not paint over the shown one
            plot_bgcolor="rgba(0,0,0,0)",
        )
        # the legend right above the plot, under the controls (plots.js moves the controls up
        # when a narrow page wraps the legend into more rows than the room kept for it)
        if fig.layout.showlegend is not False:
            fig.update_layout(legend={"yref": "paper", "y": 1.02, "yanchor": "bottom"})

    def above(self, px: float) -> float:
        return 1 + px / self.plot_height


def menu(
    buttons: list[dict[str, Any]], *, x: float, y: float, label: str, kind: str = "dropdown"
) -> dict[str, Any]:
    return {
        **MENU_STYLE,
        "type": kind,
        "direction": "down" if kind == "dropdown" else "right",
        "buttons": buttons,
        "x": x,
        "y": y,
        "active": 0,
        "name": label,
    }


def control_label(text: str, *, x: float, y: float) -> dict[str, Any]:
    return {
        "text": f"<b>{text}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        # explicit: a chart's template may shift its annotations by default (the timeline's)
        "yshift": 0,
        "font": {"size": 12},
    }


HIDDEN_AXIS = {"visible": False}


def slider_at(room: Room, years: list[int], active: int, prefix: str, steps: list) -> dict:
    return {
        "active": years.index(active),
        "currentvalue": {"prefix": prefix, "font": {"size": 12}},
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": room.above(6 + LEGEND_ROOM),
        "yanchor": "bottom",
        "pad": {"t": 0, "b": 28, "l": 0, "r": 0},
        "font": {"size": 10},
        "name": prefix.strip(": "),
    }


def switch(
    states: list[tuple[str, go.Figure]],
    *,
    menu_label: str,
    year_slider: tuple[int, int] | None,
) -> go.Figure:
    """All traces of all states in one figure; a dropdown shows one state at a time.

    The dropdown's buttons set trace visibility and the layout of their state (title, axes,
    notes); the optional slider only moves the right end of the year axis (``xaxis`` and
    ``xaxis2``), so the two controls compose.
    """
    if not states:
        raise ValueError("no state to show")
    first = states[0][1]
    out = go.Figure(layout=first.layout)
    spans: list[tuple[int, int]] = []
    for _, fig in states:
        rounded_traces(fig)
        lo = len(out.data)
        out.add_traces(list(fig.data))
        spans.append((lo, len(out.data)))
    n = len(out.data)
    for i, trace in enumerate(out.data):
        trace.visible = i < spans[0][1]
    height = max(int(fig.layout.height or 520) for _, fig in states)
    room = Room(out, 150 + LEGEND_ROOM, height)
    extra = [control_label(menu_label, x=0, y=room.above(136 + LEGEND_ROOM))]
    # the year axis as the slider leaves it; every state sets every axis, so that switching
    # back and forth leaves nothing stale (a state without the gap panel hides its axes)
    shown = [year_slider[0] - 0.5, year_slider[1] + 0.5] if year_slider else None
    buttons: list[dict[str, Any]] = []
    for (label, fig), (lo, hi) in zip(states, spans, strict=True):
        layout = layout_only(fig, ("title", "xaxis", "xaxis2", "yaxis", "yaxis2", "annotations"))
        layout["title"] = {
            **(layout["title"] or {}),
            "y": 0.985,
            "yanchor": "top",
            "yref": "container",
        }
        layout["xaxis2"] = layout["xaxis2"] or {**HIDDEN_AXIS, "anchor": "y2"}
        layout["yaxis2"] = layout["yaxis2"] or {**HIDDEN_AXIS, "anchor": "x2"}
        if shown:
            for axis in ("xaxis", "xaxis2"):
                layout[axis] = {**layout[axis], "range": shown, "autorange": False}
        layout["annotations"] = [*(layout["annotations"] or []), *extra]
        buttons.append(
            {
                "label": label,
                "method": "update",
                "args": [{"visible": [lo <= i < hi for i in range(n)]}, layout],
            }
        )
    first_layout = buttons[0]["args"][1]
    out.update_layout(
        xaxis=first_layout["xaxis"],
        xaxis2=first_layout["xaxis2"],
        yaxis2=first_layout["yaxis2"],
        updatemenus=[menu(buttons, x=0, y=room.above(100 + LEGEND_ROOM), label=menu_label)],
        annotations=first_layout["annotations"],
        meta=meta(out),
    )
    if year_slider is not None:
        lo_year, hi_year = year_slider
        right_ends = list(range(max(lo_year + 1, 2005), hi_year + 1))
        steps = [
            {
                "label": str(year),
                "method": "relayout",
                "args": [
                    {
                        "xaxis.range": [lo_year - 0.5, year + 0.5],
                        "xaxis2.range": [lo_year - 0.5, year + 0.5],
                    }
                ],
            }
            for year in right_ends
        ]
        out.update_layout(
            sliders=[slider_at(room, right_ends, hi_year, "Years shown up to: ", steps)]
        )
    return out


# ------------------------------------------------------------------------------- growth


def round3(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def one_text(text: Any) -> Any:
    """Per-point hover texts that are all the same as one text, to compare and factor them
    (:func:`factor_hover`); :func:`per_point` makes them per point again for plotly."""
    if isinstance(text, list | tuple) and text and all(t == text[0] for t in text):
        return text[0]
    return list(text) if isinstance(text, tuple) else text


def rounded_traces(fig: go.Figure) -> None:
    """Round the y values of every trace to 0.001 (US$ bn or %; the hovers show 0.1)."""
    for trace in fig.data:
        y = getattr(trace, "y", None)
        if y is not None and len(y) and any(isinstance(v, float) for v in y):
            trace.y = [round3(v) for v in y]


TEXT_ONLY = "%{text}<extra></extra>"


def factor_hover(trace: Any, looks: list[dict[str, Any]], active: int) -> None:
    """Move the lines of a slot's hover text that no rate changes into its hovertemplate.

    The chart code writes each hover as one text ("Target ... (set 2011)<br>reached at +5.0%:
    2028<br>growth needed from 2011: 10.7%") shown by ``%{text}``. Across the rates of one base
    year only the middle line changes, so the first and last lines go into the trace's
    hovertemplate and each slider step carries only the middle: the same hover, fewer bytes.
    Words that start or end the middle line at every rate ("reached at ") go there too.
    Rates at which the slot has no point (and so no text) do not count.
    ``looks`` (the slot's look at each rate) and ``trace`` (drawn at rate number ``active``)
    are changed in place.
    """
    shown = [look for look in looks if look["text"] is not None or len(look["x"])]
    texts = [look["text"] for look in shown]
    if trace.hovertemplate != TEXT_ONLY or not all(isinstance(t, str) for t in texts) or not texts:
        return
    parts = [t.split("<br>") for t in texts]
    head = 0
    while all(len(p) > head + 1 for p in parts) and len({p[head] for p in parts}) == 1:
        head += 1
    tail = 0
    while all(len(p) > head + tail + 1 for p in parts) and len({p[-1 - tail] for p in parts}) == 1:
        tail += 1
    middles = ["<br>".join(p[head : len(p) - tail]) for p in parts]
    # and the words that start or end the varying line at every rate ("reached at ")
    before, after = _common_words(middles)
    if not head and not tail and not before and not after:
        return
    first = parts[0]
    rest = [middle[len(before) : len(middle) - len(after)] for middle in middles]
    # nothing left to carry: the whole hover is in the template (plotly writes an empty
    # %{text} as "-")
    slot = "%{text}" if any(rest) else ""
    lines = [
        *first[:head],
        before + slot + after,
        *(first[len(first) - tail :] if tail else []),
    ]
    trace.hovertemplate = "<br>".join(lines) + "<extra></extra>"
    for look, text in zip(shown, rest, strict=True):
        look["text"] = text if slot else None
    if trace.text is not None:
        trace.text = looks[active]["text"]


def per_point(text: Any, n: int) -> Any:
    """One hover text as a text for each of ``n`` points: plotly fills ``%{text}`` in a
    hovertemplate from an array only (a single text for the whole trace shows as "-")."""
    return [text] * n if isinstance(text, str) else text


def _common_words(texts: list[str]) -> tuple[str, str]:
    """The longest start and end that every text shares, cut at a space (whole words, so
    that no tag, entity or placeholder is split); the whole text where all are the same. A
    ``%{meta...}`` placeholder (:func:`rate_from_meta`) may be part of them, no other."""
    if len(set(texts)) == 1 and "%{" not in _META.sub("", texts[0]):
        return texts[0], ""  # the same at every rate (once the rate is a placeholder)
    if len(set(texts)) < 2:
        return "", ""
    start = os.path.commonprefix(texts)
    start = start[: start.rfind(" ") + 1]
    rest = [t[len(start) :] for t in texts]
    end = os.path.commonprefix([t[::-1] for t in rest])[::-1]
    end = end[end.find(" ") :] if " " in end else ""
    plain = _META.sub("", start + end)
    if any(marker in plain for marker in ("%{", "<", ">", "&")):
        return "", ""
    return start, end


_META = re.compile(r"%\{meta\.[a-z0-9_]+\}")


def _put(value: Any, token: str, placeholder: str) -> Any:
    if isinstance(value, str):
        return value.replace(token, placeholder)
    if isinstance(value, list):
        return [_put(v, token, placeholder) for v in value]
    return value


def rate_from_meta(
    trace: Any, looks: list[dict[str, Any]], active: int, tokens: list[str], key: str
) -> None:
    """Let plotly write a slot's varying rate ("+5.0%") from the layout's ``meta[key]``.

    Each look's name and text are written with ``%{meta.KEY}`` where they say the rate of
    their step (``tokens``, one per look); plotly fills it in in trace names (legend, hover)
    and hovertemplates from the layout's meta, which each slider step sets once. A text can
    carry no placeholder (plotly shows it as it is), so the words around the rate go into the
    trace's hovertemplate (:func:`factor_hover`); where that cannot be done, the slot's texts
    stay as they were. Changes ``looks`` and ``trace`` in place, as :func:`factor_hover`.
    """
    placeholder = "%{meta." + key + "}"
    texts = [look["text"] for look in looks]
    template = trace.hovertemplate
    for look, token in zip(looks, tokens, strict=True):
        look["name"] = _put(look["name"], token, placeholder)
        look["text"] = _put(look["text"], token, placeholder)
    factor_hover(trace, looks, active)
    if any(placeholder in str(look["text"]) for look in looks):
        trace.hovertemplate = template
        for look, text in zip(looks, texts, strict=True):
            look["text"] = text
        if trace.text is not None:
            trace.text = looks[active]["text"]
        factor_hover(trace, looks, active)
    if trace.name is not None:
        trace.name = looks[active]["name"]


def slot_key(trace: Any) -> tuple[Any, ...]:
    """Traces of one chart that play the same role in every state share a key."""
    marker = getattr(trace, "marker", None)
    symbol = getattr(marker, "symbol", None) if marker is not None else None
    y = list(trace.y) if trace.y is not None else []
    unnamed = trace.name is None
    # ... and by the first line of their hover, without a year at its end: a deadline diamond
    # names its target (two targets of USD 200bn have one each), a star says what is reached
    text = trace.text if isinstance(trace.text, str) else (trace.text or [""])[0]
    role = re.sub(r" \d{4}$", "", str(text).split("<br>")[0])
    # "Projected: +5.0% a year from 2020": the rate changes, the role does not
    name = re.sub(r"[+-]?\d+(?:\.\d+)?%", "%", trace.name) if trace.name else None
    return (
        trace.type,
        trace.mode,
        str(symbol),
        name,
        # unnamed markers (deadline diamonds, "reached" stars) are told apart by their target
        ((y[0] if y else None), role) if unnamed else None,
    )


def visibility(full: go.Figure, subset: go.Figure) -> list[bool]:
    """Which traces of ``full`` (all series) the chart code draws for a subset."""
    names = {(t.name, t.legendgroup) for t in subset.data}
    return [(t.name, t.legendgroup) in names for t in full.data]


def one_menu(
    options: Sequence[tuple[str, Any]],
    draw: Callable[[Any], go.Figure],
    *,
    label: str,
) -> go.Figure:
    """A kernel-free explorer with one menu: a state per option (label, value) of a control,
    each drawn by ``draw(value)``. Options that ``draw`` refuses (a :class:`ValueError`, such
    as a ``SettingError``) are left out of the menu; none left raises :class:`ValueError`."""
    states: list[tuple[str, go.Figure]] = []
    for text, value in options:
        try:
            states.append((text, draw(value)))
        except ValueError:
            continue
    return switch(states, menu_label=label, year_slider=None)
