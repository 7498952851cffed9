"""Explorers that need no kernel: plotly figures with their own buttons, dropdowns and sliders.

The widgets in :mod:`rapprochement.widgets` redraw a chart in Python each time a control
moves, so they need a running kernel. The figures here hold the precomputed states of the
same charts and switch between them in the browser (plotly ``updatemenus`` and ``sliders``),
so they work in the book, in an HTML export, on nbviewer, and in Colab or VS Code when widgets
fail. Every state is drawn by the SAME chart functions the widgets call
(:func:`rapprochement.figures.target_explorer_figure`, :func:`~rapprochement.figures.
projection_figure`, :func:`~rapprochement.figures.partner_shares_figure`,
:func:`~rapprochement.figures.settlement_figure`, :func:`rapprochement.timeline.
timeline_figure`); this module only combines their traces and adds the controls.

In a notebook, one line shows an explorer (it is a plain ``go.Figure``)::

    from rapprochement import static_explorers
    static_explorers.targets()        # trade against the targets: source, flow, dollars
    static_explorers.growth()         # growth projection: base year and rate
    static_explorers.partner_shares() # each partner's weight in the other's trade
    static_explorers.settlements()    # currency shares in settlements
    static_explorers.timeline()       # the events timeline: themes and periods

Each control changes one thing and the controls of one figure never undo each other: a
dropdown switches between precomputed states (trace visibility and the layout that goes with
them), a slider moves the year range or restyles only the traces its state changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from . import data as D
from . import figures as F
from . import timeline as T

__all__ = [
    "EXPLORERS",
    "GROWTH_BASE_YEARS",
    "GROWTH_RATES_PCT",
    "growth",
    "partner_shares",
    "settlements",
    "targets",
    "timeline",
]

#: The targets each static explorer shows by default: as the widgets do.
DEFAULT_TARGETS = (
    "100bn-by-2015",
    "200bn-by-2020",
    "200bn-by-2024",
    "250bn-by-unstated",
    "300bn-by-2030",
)
#: Base years of the growth explorer: the years the notebooks' questions start from.
GROWTH_BASE_YEARS = (2011, 2015, 2019, 2020, 2021, 2023, 2025)
#: Rates on the growth explorer's slider, in % a year.
GROWTH_RATES_PCT = tuple(range(-10, 26))

_MENU_STYLE: dict[str, Any] = {
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
_LEGEND_ROOM = 90
_NOTE = "Controls work without a running kernel (precomputed states)."


def _meta(fig: go.Figure, legend_room: int = 6 + _LEGEND_ROOM) -> dict[str, Any]:
    """The chart's own meta (its title, see charts.style.base_layout) with the static marks.

    ``legend_room``: pixels between the plot and the lowest control, where the legend goes.
    Where the legend needs more (a narrow page wraps it into more rows), the book's and the
    exports' ``plots.js`` moves the controls up by the difference after each draw.
    """
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return {**meta, "static_explorer": True, "note": _NOTE, "legend_room": legend_room}


def _layout_only(fig: go.Figure, keys: Sequence[str]) -> dict[str, Any]:
    """The layout properties ``keys`` of ``fig`` as plain JSON for a relayout."""
    layout = fig.layout.to_plotly_json()
    return {k: layout.get(k) for k in keys}


class _Room:
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


def _menu(
    buttons: list[dict[str, Any]], *, x: float, y: float, label: str, kind: str = "dropdown"
) -> dict[str, Any]:
    return {
        **_MENU_STYLE,
        "type": kind,
        "direction": "down" if kind == "dropdown" else "right",
        "buttons": buttons,
        "x": x,
        "y": y,
        "active": 0,
        "name": label,
    }


def _label(text: str, *, x: float, y: float) -> dict[str, Any]:
    return {
        "text": f"<b>{text}</b>",
        "xref": "paper",
        "yref": "paper",
        "x": x,
        "y": y,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12},
    }


# ------------------------------------------------------------------------------ targets

_SOURCE_LABELS = {"china_customs": "China customs", "russia": "Russian side", "both": "Both + gap"}


def targets(
    trade: pd.DataFrame | None = None,
    targets_frame: pd.DataFrame | None = None,
    cpi: pd.DataFrame | None = None,
    *,
    start: int = 2000,
    target_ids: Sequence[str] = DEFAULT_TARGETS,
) -> go.Figure:
    """Trade against the official targets, with a dropdown for source, flow and dollars.

    One state per (source, flow, nominal or real US$ at the latest CPI year) drawn by
    :func:`rapprochement.figures.target_explorer_figure`; a slider sets the last year shown
    (to see the record as it looked when the paper was written, move it to 2020). States that
    the chart code refuses (a source with no figure for a flow) are left out of the menu.
    """
    trade = D.load_trade() if trade is None else trade
    targets_frame = D.load_targets() if targets_frame is None else targets_frame
    cpi = D.load_us_cpi() if cpi is None else cpi
    end = int(trade["year"].max())
    base_year = int(cpi["year"].max())
    ids = [t for t in target_ids if t in set(targets_frame["target_id"])]

    states: list[tuple[str, go.Figure]] = []
    for dollars in ("nominal", "real"):
        for source in ("china_customs", "russia", "both"):
            for flow in D.FLOWS:
                try:
                    fig = F.target_explorer_figure(
                        trade,
                        targets_frame,
                        cpi,
                        start=start,
                        end=end,
                        flow=flow,
                        source=source,  # type: ignore[arg-type]
                        dollars=dollars,  # type: ignore[arg-type]
                        base_year=base_year,
                        target_ids=ids,
                    )
                except F.SettingError:
                    continue
                what = "current US$" if dollars == "nominal" else f"US$ of {base_year}"
                label = f"{_SOURCE_LABELS[source]} · {D.FLOW_LABELS[flow]} · {what}"
                states.append((label, fig))
    return _switch(states, menu_label="Source, flow and dollars", year_slider=(start, end))


_HIDDEN_AXIS = {"visible": False}


def _year_slider(room: _Room, years: list[int], active: int, prefix: str, steps: list) -> dict:
    return {
        "active": years.index(active),
        "currentvalue": {"prefix": prefix, "font": {"size": 12}},
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": room.above(6 + _LEGEND_ROOM),
        "yanchor": "bottom",
        "pad": {"t": 0, "b": 28, "l": 0, "r": 0},
        "font": {"size": 10},
        "name": prefix.strip(": "),
    }


def _switch(
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
        _rounded_traces(fig)
        lo = len(out.data)
        out.add_traces(list(fig.data))
        spans.append((lo, len(out.data)))
    n = len(out.data)
    for i, trace in enumerate(out.data):
        trace.visible = i < spans[0][1]
    height = max(int(fig.layout.height or 520) for _, fig in states)
    room = _Room(out, 150 + _LEGEND_ROOM, height)
    extra = [_label(menu_label, x=0, y=room.above(136 + _LEGEND_ROOM))]
    # the year axis as the slider leaves it; every state sets every axis, so that switching
    # back and forth leaves nothing stale (a state without the gap panel hides its axes)
    shown = [year_slider[0] - 0.5, year_slider[1] + 0.5] if year_slider else None
    buttons: list[dict[str, Any]] = []
    for (label, fig), (lo, hi) in zip(states, spans, strict=True):
        layout = _layout_only(fig, ("title", "xaxis", "xaxis2", "yaxis", "yaxis2", "annotations"))
        layout["title"] = {
            **(layout["title"] or {}),
            "y": 0.985,
            "yanchor": "top",
            "yref": "container",
        }
        layout["xaxis2"] = layout["xaxis2"] or {**_HIDDEN_AXIS, "anchor": "y2"}
        layout["yaxis2"] = layout["yaxis2"] or {**_HIDDEN_AXIS, "anchor": "x2"}
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
        updatemenus=[_menu(buttons, x=0, y=room.above(100 + _LEGEND_ROOM), label=menu_label)],
        annotations=first_layout["annotations"],
        meta=_meta(out),
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
            sliders=[_year_slider(room, right_ends, hi_year, "Years shown up to: ", steps)]
        )
    return out


# ------------------------------------------------------------------------------- growth


def _round(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def _one_text(text: Any) -> Any:
    """Per-point hover texts that are all the same, as the one text plotly repeats for every
    point (the same hover, a fraction of the bytes: most traces here are two-point lines)."""
    if isinstance(text, list | tuple) and text and all(t == text[0] for t in text):
        return text[0]
    return list(text) if isinstance(text, tuple) else text


def _rounded_traces(fig: go.Figure) -> None:
    """Round the y values of every trace to 0.001 (US$ bn or %; the hovers show 0.1)."""
    for trace in fig.data:
        y = getattr(trace, "y", None)
        if y is not None and len(y) and any(isinstance(v, float) for v in y):
            trace.y = [_round(v) for v in y]


_TEXT_ONLY = "%{text}<extra></extra>"


def _factor_hover(trace: Any, looks: list[dict[str, Any]], active: int) -> None:
    """Move the lines of a slot's hover text that no rate changes into its hovertemplate.

    The chart code writes each hover as one text ("Target ... (set 2011)<br>reached at +5.0%:
    2028<br>growth needed from 2011: 10.7%") shown by ``%{text}``. Across the rates of one base
    year only the middle line changes, so the first and last lines go into the trace's
    hovertemplate and each slider step carries only the middle: the same hover, fewer bytes.
    ``looks`` (the slot's look at each rate) and ``trace`` (drawn at rate number ``active``)
    are changed in place.
    """
    texts = [look["text"] for look in looks]
    if trace.hovertemplate != _TEXT_ONLY or not all(isinstance(t, str) for t in texts):
        return
    parts = [t.split("<br>") for t in texts]
    head = 0
    while all(len(p) > head + 1 for p in parts) and len({p[head] for p in parts}) == 1:
        head += 1
    tail = 0
    while all(len(p) > head + tail + 1 for p in parts) and len({p[-1 - tail] for p in parts}) == 1:
        tail += 1
    if not head and not tail:
        return
    first = parts[0]
    lines = [*first[:head], "%{text}", *(first[len(first) - tail :] if tail else [])]
    trace.hovertemplate = "<br>".join(lines) + "<extra></extra>"
    for look, p in zip(looks, parts, strict=True):
        look["text"] = "<br>".join(p[head : len(p) - tail])
    if trace.text is not None:
        trace.text = looks[active]["text"]


def _slot_key(trace: Any) -> tuple[Any, ...]:
    """Traces of one chart that play the same role in every state share a key."""
    marker = getattr(trace, "marker", None)
    symbol = getattr(marker, "symbol", None) if marker is not None else None
    y = list(trace.y) if trace.y is not None else []
    unnamed = trace.name is None
    # "Projected: +5.0% a year from 2020": the rate changes, the role does not
    name = re.sub(r"[+-]?\d+(?:\.\d+)?%", "%", trace.name) if trace.name else None
    return (
        trace.type,
        trace.mode,
        str(symbol),
        name,
        # unnamed markers (deadline diamonds, "reached" stars) are told apart by their target
        (y[0] if y else None) if unnamed else None,
    )


def growth(
    trade: pd.DataFrame | None = None,
    targets_frame: pd.DataFrame | None = None,
    *,
    reporter: str = "china_customs",
    base_years: Sequence[int] = GROWTH_BASE_YEARS,
    rates_pct: Sequence[int] = GROWTH_RATES_PCT,
    default_base_year: int = 2020,
    default_rate_pct: int = 5,
    end_year: int = 2035,
    target_ids: Sequence[str] = DEFAULT_TARGETS[1:],
) -> go.Figure:
    """Constant-growth projections from a base year: a dropdown of base years, a rate slider.

    Every (base year, rate) state is drawn by :func:`rapprochement.figures.projection_figure`.
    Each base year has its own slider (only the chosen base year's slider is shown); its steps
    restyle only that base year's traces, so the dropdown and the sliders compose.
    """
    trade = D.load_trade() if trade is None else trade
    targets_frame = D.load_targets() if targets_frame is None else targets_frame
    have = set(D.trade_series(trade, reporter, "total").dropna().index)
    years = [y for y in base_years if y in have and y < end_year]
    if not years:
        raise ValueError(f"none of the base years {list(base_years)} has a trade figure")
    if default_base_year not in years:
        default_base_year = years[0]
    if default_rate_pct not in rates_pct:
        raise ValueError(f"default rate {default_rate_pct}% is not on the slider")
    ids = [t for t in target_ids if t in set(targets_frame["target_id"])]

    out: go.Figure | None = None
    groups: list[tuple[int, int]] = []
    sliders: list[dict[str, Any]] = []
    for base in years:
        figs = [
            F.projection_figure(
                trade,
                targets_frame,
                reporter=reporter,
                base_year=base,
                rate=rate / 100,
                end_year=end_year,
                target_ids=ids,
            )
            for rate in rates_pct
        ]
        # one slot per role, in order of first appearance over all rates
        slots: list[tuple[Any, ...]] = []
        for fig in figs:
            for trace in fig.data:
                key = _slot_key(trace)
                if key not in slots:
                    slots.append(key)
        active = list(rates_pct).index(default_rate_pct)
        templates: dict[tuple[Any, ...], Any] = {}
        for fig in [figs[active], *figs]:
            for trace in fig.data:
                templates.setdefault(_slot_key(trace), trace)
        if out is None:
            out = go.Figure(layout=figs[active].layout)
            room = _Room(out, 150 + _LEGEND_ROOM)
        lo = len(out.data)
        for key in slots:
            trace = go.Scatter(templates[key])
            trace.text = _one_text(trace.text)
            if key not in {_slot_key(t) for t in figs[active].data}:
                trace.x, trace.y = [], []
            out.add_trace(trace)
        hi = len(out.data)
        groups.append((lo, hi))
        # what each slot looks like at each rate; a slider step restyles only the slots
        # that differ between rates (the actual series never does)
        looks: list[list[dict[str, Any]]] = []
        for fig in figs:
            by_key = {_slot_key(t): t for t in fig.data}
            row = []
            for key in slots:
                t = by_key.get(key)
                text = t.text if t is not None else None
                row.append(
                    {
                        "x": list(t.x) if t is not None else [],
                        # to 0.001bn: the hover shows 0.1bn, and 17 digits would triple the page
                        "y": [_round(v) for v in t.y] if t is not None else [],
                        "text": _one_text(text),
                        "name": t.name if t is not None else templates[key].name,
                    }
                )
            looks.append(row)
        for j in range(len(slots)):
            _factor_hover(out.data[lo + j], [row[j] for row in looks], active)
        varying = [j for j in range(len(slots)) if any(r[j] != looks[0][j] for r in looks)]
        indices = [lo + j for j in varying]
        # a property no step changes is left out of the steps (it is set on the trace)
        changed = [
            p
            for p in ("x", "y", "text", "name")
            if any(row[j][p] != looks[0][j][p] for row in looks for j in varying)
        ]
        steps = []
        for rate, row in zip(rates_pct, looks, strict=True):
            props = {p: [row[j][p] for j in varying] for p in changed}
            steps.append({"label": f"{rate:+d}%", "method": "restyle", "args": [props, indices]})
        slider = _year_slider(
            room, list(rates_pct), default_rate_pct, f"Growth from {base}, % a year: ", steps
        )
        slider["visible"] = base == default_base_year
        slider["font"] = {"size": 9}
        sliders.append(slider)
    assert out is not None
    n = len(out.data)
    chosen = years.index(default_base_year)
    for i, trace in enumerate(out.data):
        trace.visible = groups[chosen][0] <= i < groups[chosen][1]
    buttons: list[dict[str, Any]] = []
    for k, (base, (lo, hi)) in enumerate(zip(years, groups, strict=True)):
        relayout: dict[str, Any] = {f"sliders[{j}].visible": j == k for j in range(len(years))}
        buttons.append(
            {
                "label": f"base year {base}",
                "method": "update",
                "args": [{"visible": [lo <= i < hi for i in range(n)]}, relayout],
            }
        )
    menu = _menu(buttons, x=0, y=room.above(100 + _LEGEND_ROOM), label="Base year")
    menu["active"] = chosen
    out.update_layout(
        updatemenus=[menu],
        sliders=sliders,
        annotations=[
            *out.layout.annotations,
            _label("Project from", x=0, y=room.above(136 + _LEGEND_ROOM)),
        ],
        meta=_meta(out),
    )
    return out


# ------------------------------------------------------------------ shares and currencies


def _visibility(full: go.Figure, subset: go.Figure) -> list[bool]:
    """Which traces of ``full`` (all series) the chart code draws for a subset."""
    names = {(t.name, t.legendgroup) for t in subset.data}
    return [(t.name, t.legendgroup) in names for t in full.data]


def partner_shares(
    trade: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
    shares: pd.DataFrame | None = None,
) -> go.Figure:
    """Each partner's weight in the other's trade: a series dropdown and a first-year slider."""
    trade = D.load_trade() if trade is None else trade
    totals = D.load_totals_context() if totals is None else totals
    shares = D.load_partner_shares() if shares is None else shares
    frame = F.partner_share_frame(trade, totals, shares)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    present = [k for k in F.SHARE_SERIES if (frame["series"] == k).any()]
    full = F.partner_shares_figure(frame, start=first, end=last, series=present)
    choices: list[tuple[str, list[str]]] = [("all series", present)]
    computed = [k for k in present if k.endswith("_computed")]
    reported = [k for k in present if not k.endswith("_computed")]
    if computed and reported:
        choices += [("computed only", computed), ("reported only", reported)]
    choices += [(F.SHARE_SERIES[k][0], [k]) for k in present]
    buttons: list[dict[str, Any]] = []
    for label, series in choices:
        subset = F.partner_shares_figure(frame, start=first, end=last, series=series)
        buttons.append(
            {"label": label, "method": "restyle", "args": [{"visible": _visibility(full, subset)}]}
        )
    steps = [
        {
            "label": str(year),
            "method": "relayout",
            "args": [{"xaxis.range": [year - 0.5, last + 1]}],
        }
        for year in range(first, last)
    ]
    room = _Room(full, 150 + _LEGEND_ROOM)
    full.update_layout(
        updatemenus=[_menu(buttons, x=0, y=room.above(100 + _LEGEND_ROOM), label="Series")],
        sliders=[_year_slider(room, list(range(first, last)), first, "From year: ", steps)],
        annotations=[
            *full.layout.annotations,
            _label("Series shown", x=0, y=room.above(136 + _LEGEND_ROOM)),
        ],
        meta=_meta(full),
    )
    return full


def settlements(settlement: pd.DataFrame | None = None) -> go.Figure:
    """Reported currency shares in settlements: a dropdown of currencies (and measures)."""
    settlement = D.load_settlement_currency() if settlement is None else settlement
    currencies = [c for c in F.CURRENCY_LABELS if (settlement["currency"] == c).any()]
    measures = [m for m in F.MEASURE_LABELS if (settlement["measure"] == m).any()]
    full = F.settlement_figure(settlement, currencies=currencies, measures=measures)
    default: list[str] = [c for c in ("usd", "rub_plus_cny") if c in currencies] or currencies
    choices: list[tuple[str, list[str], list[str]]] = [
        ("US dollar and rouble + yuan", default, measures),
        ("all currencies", currencies, measures),
    ]
    choices += [(F.CURRENCY_LABELS[c], [c], measures) for c in currencies]
    choices += [
        (f"all currencies: {F.MEASURE_SHORT[m]}", currencies, [m])
        for m in measures
        if (settlement["measure"] == m).any()
    ]
    buttons: list[dict[str, Any]] = []
    for label, cur, meas in choices:
        try:
            subset = F.settlement_figure(settlement, currencies=cur, measures=meas)
        except F.SettingError:
            continue
        buttons.append(
            {"label": label, "method": "restyle", "args": [{"visible": _visibility(full, subset)}]}
        )
    first = buttons[0]["args"][0]["visible"]
    for trace, shown in zip(full.data, first, strict=True):
        trace.visible = shown
    room = _Room(full, 70 + _LEGEND_ROOM)
    full.update_layout(
        updatemenus=[_menu(buttons, x=0, y=room.above(16 + _LEGEND_ROOM), label="Currencies")],
        annotations=[
            *full.layout.annotations,
            _label("Show", x=0, y=room.above(50 + _LEGEND_ROOM)),
        ],
        meta=_meta(full, 16 + _LEGEND_ROOM),
    )
    return full


# ----------------------------------------------------------------------------- timeline

#: Periods the timeline's buttons zoom to (first and last year, inclusive).
TIMELINE_PERIODS = (
    ("all years", None, None),
    ("1991-2000", 1991, 2000),
    ("2001-2013", 2001, 2013),
    ("2014-2021", 2014, 2021),
    ("2022 on", 2022, None),
)


def timeline(
    events: pd.DataFrame | None = None,
    highlight: Sequence[str] | None = ("1997-04-23", "2001-07-16", "2021-03-23"),
    start_year: int | None = None,
    end_year: int | None = None,
) -> go.Figure:
    """The events timeline with a theme dropdown and period buttons.

    Each theme state is drawn by :func:`rapprochement.timeline.timeline_figure` with that
    theme selected; the period buttons only move the date axis and its title. ``start_year``
    and ``end_year`` set the period first shown (as :func:`rapprochement.timeline.
    timeline_widget` does); it gets a button of its own.
    """
    events = D.load_events() if events is None else events
    first, last = int(events["year"].min()), int(events["year"].max())
    marked = list(highlight) if highlight else None
    full = T.timeline_figure(events, first, last, None, marked)
    present = [
        t.name for t in T.THEMES if (events["category"].astype(str).map(T.theme_of) == t.name).any()
    ]
    # Each theme state shows its own lanes and the labels of its own highlighted events, each
    # label in the row that state gives it; each period sets where each label is anchored (a
    # label near the left edge of a period extends to the right). Both set single properties
    # of the same annotations (never the whole list), so the two controls compose.
    notes = list(full.layout.annotations)
    labelled = [i for i, a in enumerate(notes) if a.showarrow]
    lane_names = [i for i, a in enumerate(notes) if not a.showarrow and a.yref == "y"]
    buttons: list[dict[str, Any]] = []
    for name in ["all themes", *present]:
        chosen_themes = None if name == "all themes" else [name]
        one = T.timeline_figure(events, first, last, chosen_themes, marked)
        rows = {a.text: a.ay for a in one.layout.annotations if a.showarrow}
        lanes = set(one.layout.yaxis.categoryarray)
        relayout: dict[str, Any] = {
            "yaxis.categoryarray": list(one.layout.yaxis.categoryarray),
            "yaxis.range": list(one.layout.yaxis.range),
        }
        for i in labelled:
            relayout[f"annotations[{i}].visible"] = notes[i].text in rows
            relayout[f"annotations[{i}].ay"] = rows.get(notes[i].text, notes[i].ay)
        for i in lane_names:
            relayout[f"annotations[{i}].visible"] = notes[i].text in lanes
        buttons.append(
            {
                "label": name,
                "method": "update",
                "args": [{"visible": [len(t.x) > 0 for t in one.data]}, relayout],
            }
        )
    periods: list[dict[str, Any]] = []
    chosen: list[tuple[str, int | None, int | None]] = [("all years", None, None)]
    if start_year is not None or end_year is not None:
        lo_first = first if start_year is None else int(start_year)
        hi_first = last if end_year is None else int(end_year)
        T.timeline_figure(events, lo_first, hi_first, None, marked)  # same checks as the widget
        chosen = [(f"{lo_first}-{hi_first}", lo_first, hi_first), *chosen]
    for label, lo, hi in [*chosen, *TIMELINE_PERIODS[1:]]:
        start = first if lo is None else max(lo, first)
        end = last if hi is None else min(hi, last)
        if start > end:
            continue
        zoom = T.timeline_figure(events, start, end, None, marked)
        anchors = {a.text: a.xanchor for a in zoom.layout.annotations if a.showarrow}
        view: dict[str, Any] = {
            "xaxis.range": list(zoom.layout.xaxis.range),
            "title.text": zoom.layout.title.text,
        }
        for i in labelled:
            view[f"annotations[{i}].xanchor"] = anchors.get(notes[i].text, notes[i].xanchor)
        periods.append({"label": label, "method": "relayout", "args": [view]})
    first_view = periods[0]["args"][0]
    full.update_layout(
        xaxis={"range": first_view["xaxis.range"]}, title={"text": first_view["title.text"]}
    )
    for i in labelled:
        full.layout.annotations[i].xanchor = first_view[f"annotations[{i}].xanchor"]
    room = _Room(full, 130)
    labels = [_label("Themes", x=0, y=room.above(120)), _label("Years", x=0, y=room.above(46))]
    full.update_layout(
        updatemenus=[
            _menu(buttons, x=0, y=room.above(84), label="Themes"),
            _menu(periods, x=0, y=room.above(10), label="Years", kind="buttons"),
        ],
        annotations=[*full.layout.annotations, *labels],
        meta=_meta(full, 0),
    )
    return full


#: Every static explorer, by name (the book's explorer page and the tests loop over these).
EXPLORERS: dict[str, Callable[[], go.Figure]] = {
    "targets": targets,
    "growth": growth,
    "partner_shares": partner_shares,
    "settlements": settlements,
    "timeline": timeline,
}
