"""The growth projector: a constant-growth path from a base year beside the actual series.

Its table is :mod:`rapprochement.tables.growth`, its chart :mod:`rapprochement.charts.growth`.
Here: its controls (written once, :func:`controls`), the live explorer (:class:`GrowthProjector`)
and the kernel-free version (:func:`static`), both built from those controls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go

from .. import data as D
from ..charts import growth as C
from ..tables import growth as T
from ..tables.common import trade_kinds
from . import static as S
from .controls import Control, by_name
from .entry import Explorer
from .targets import DEFAULT_TARGETS, SOURCES, target_options
from .widget import Backend, ExplorerWidget

NAME = "growth"
TITLE = "Growth projector"
#: Base years of the kernel-free version: the years the notebooks' questions start from.
GROWTH_BASE_YEARS = (2011, 2015, 2019, 2020, 2021, 2023, 2025)
#: Rates on the kernel-free version's slider, in % a year.
GROWTH_RATES_PCT = tuple(range(-10, 26))


def controls(trade: pd.DataFrame, targets: pd.DataFrame) -> list[Control]:
    """The growth projector's controls for these tables."""
    first, last = int(trade["year"].min()), int(trade["year"].max())
    ids = set(targets["target_id"])
    return [
        Control("source", "toggle", "Source", "china_customs", SOURCES[:2]),
        Control("base_year", "int_slider", "Base year", 2020, minimum=first, maximum=last),
        Control(
            "rate_pct",
            "float_slider",
            "Growth, % a year",
            5.0,
            minimum=-100.0,
            maximum=40.0,
            step=0.5,
            readout_format=".1f",
            width="420px",
        ),
        Control("end_year", "int_slider", "Project to", 2035, minimum=last + 1, maximum=2050),
        Control(
            "targets",
            "multi",
            "Targets",
            tuple(t for t in DEFAULT_TARGETS if t in ids and t != "100bn-by-2015"),
            target_options(targets),
            width="420px",
        ),
    ]


class GrowthProjector(ExplorerWidget):
    """A constant-growth path from a base year beside the actual series, with targets."""

    name = NAME
    title = TITLE
    static_name = "growth-projector"

    def __init__(
        self,
        trade: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        self.trade = D.load_trade() if trade is None else trade
        self.targets = D.load_targets() if targets is None else targets
        self.table: pd.DataFrame | None = None
        super().__init__(backend=backend)

    def control_list(self) -> list[Control]:
        return controls(self.trade, self.targets)

    def _control_box(self) -> W.Widget:
        c = self.controls
        return W.HBox(
            [W.VBox([c["source"], c["base_year"], c["rate_pct"], c["end_year"]]), c["targets"]],
            layout=W.Layout(flex_flow="row wrap"),
        )

    def _setup(self) -> None:
        self.table_html = W.HTML()
        self.extra = [self.table_html]

    def build(self) -> tuple[go.Figure, str]:
        v = self.values()
        rate = v["rate_pct"] / 100
        series = D.trade_series(self.trade, v["source"], "total")
        growth = T.growth_frame(
            series, self.targets, base_year=v["base_year"], rate=rate, target_ids=list(v["targets"])
        )
        fig = C.projection_chart(
            series,
            growth,
            reporter=v["source"],
            base_year=v["base_year"],
            rate=rate,
            end_year=v["end_year"],
            kinds=trade_kinds(self.trade, v["source"], "total"),
        )
        table = growth[T.GROWTH_COLUMNS]
        self.table = table
        shown = table.assign(
            **{
                "growth needed from base year": table["growth needed from base year"].map(
                    lambda g: "-" if pd.isna(g) else f"{g:+.1%} a year"
                )
            }
        )
        self.table_html.value = (
            "<style>.rapprochement-growth td, .rapprochement-growth th {text-align: left;"
            " padding: 2px 10px;}</style>"
            + shown.to_html(index=False, border=0, escape=True, classes="rapprochement-growth")
        )
        met = table[table["reached at this rate"] == "already met"]["target"].tolist()
        note = "" if v["targets"] else "No target selected: pick one or more in the list."
        if met:
            note = (
                f"Already met in the base year {v['base_year']}: {'; '.join(met)}. "
                "There is nothing to project for " + ("it." if len(met) == 1 else "them.")
            )
        return fig, note


def static(
    trade: pd.DataFrame | None = None,
    targets_frame: pd.DataFrame | None = None,
    *,
    reporter: str = "china_customs",
    base_years: Sequence[int] = GROWTH_BASE_YEARS,
    rates_pct: Sequence[int] = GROWTH_RATES_PCT,
    default_base_year: int | None = None,
    default_rate_pct: int | None = None,
    end_year: int | None = None,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Constant-growth projections from a base year: a dropdown of base years, a rate slider.

    Every (base year, rate) state is drawn by :func:`rapprochement.charts.growth.projection_figure`.
    Each base year has its own slider (only the chosen base year's slider is shown); its steps
    restyle only that base year's traces, so the dropdown and the sliders compose.
    """
    trade = D.load_trade() if trade is None else trade
    targets_frame = D.load_targets() if targets_frame is None else targets_frame
    spec = by_name(controls(trade, targets_frame))
    if default_base_year is None:
        default_base_year = int(spec["base_year"].default)
    if default_rate_pct is None:
        default_rate_pct = int(spec["rate_pct"].default)
    end_year = int(spec["end_year"].default) if end_year is None else end_year
    target_ids = spec["targets"].default if target_ids is None else target_ids
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
    rates_shown: dict[str, str] = {}
    groups: list[tuple[int, int]] = []
    sliders: list[dict[str, Any]] = []
    for base in years:
        figs = [
            C.projection_figure(
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
                key = S.slot_key(trace)
                if key not in slots:
                    slots.append(key)
        active = list(rates_pct).index(default_rate_pct)
        templates: dict[tuple[Any, ...], Any] = {}
        for fig in [figs[active], *figs]:
            for trace in fig.data:
                templates.setdefault(S.slot_key(trace), trace)
        if out is None:
            out = go.Figure(layout=figs[active].layout)
            room = S.Room(out, 150 + S.LEGEND_ROOM)
        lo = len(out.data)
        for key in slots:
            trace = go.Scatter(templates[key])
            trace.text = S.one_text(trace.text)
            if key not in {S.slot_key(t) for t in figs[active].data}:
                trace.x, trace.y = [], []
            out.add_trace(trace)
        hi = len(out.data)
        groups.append((lo, hi))
        # what each slot looks like at each rate; a slider step restyles only the slots
        # that differ between rates (the actual series never does)
        looks: list[list[dict[str, Any]]] = []
        for fig in figs:
            by_key = {S.slot_key(t): t for t in fig.data}
            row = []
            for key in slots:
                t = by_key.get(key)
                text = t.text if t is not None else None
                row.append(
                    {
                        "x": list(t.x) if t is not None else [],
                        # to 0.001bn: the hover shows 0.1bn, and 17 digits would triple the page
                        "y": [S.round3(v) for v in t.y] if t is not None else [],
                        "text": S.one_text(text),
                        "name": t.name if t is not None else templates[key].name,
                    }
                )
            looks.append(row)
        # the rate in the projection's name and in the targets' hovers comes from the
        # layout's meta, which a step sets once, instead of with every name and text again
        meta_key = f"rate_{base}"
        tokens = [f"{rate / 100:+.1%}" for rate in rates_pct]
        rates_shown[meta_key] = tokens[active]
        for j in range(len(slots)):
            S.rate_from_meta(out.data[lo + j], [row[j] for row in looks], active, tokens, meta_key)
        # texts per point again: plotly fills %{text} only from an array
        for j in range(len(slots)):
            for row in looks:
                row[j]["text"] = S.per_point(row[j]["text"], len(row[j]["x"]))
            trace = out.data[lo + j]
            trace.text = S.per_point(trace.text, len(trace.x) if trace.x is not None else 0)
        varying = [j for j in range(len(slots)) if any(r[j] != looks[0][j] for r in looks)]
        indices = [lo + j for j in varying]
        # the first state drawn is the slider's active step, value for value
        for j in varying:
            if looks[active][j]["x"]:
                out.data[lo + j].y = looks[active][j]["y"]
        # a property no step changes is left out of the steps (it is set on the trace)
        changed = [
            p
            for p in ("x", "y", "text", "name")
            if any(row[j][p] != looks[0][j][p] for row in looks for j in varying)
        ]
        steps = []
        for rate, token, row in zip(rates_pct, tokens, looks, strict=True):
            props = {p: [row[j][p] for j in varying] for p in changed}
            steps.append(
                {
                    "label": f"{rate:+d}%",
                    "method": "update",
                    "args": [props, {f"meta.{meta_key}": token}, indices],
                }
            )
        slider = S.slider_at(
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
    menu = S.menu(buttons, x=0, y=room.above(100 + S.LEGEND_ROOM), label="Base year")
    menu["active"] = chosen
    out.update_layout(
        updatemenus=[menu],
        sliders=sliders,
        annotations=[
            *out.layout.annotations,
            S.control_label("Project from", x=0, y=room.above(136 + S.LEGEND_ROOM)),
        ],
        meta={**S.meta(out), **rates_shown},
    )
    return out


EXPLORER = Explorer(
    NAME,
    TITLE,
    GrowthProjector,
    static,
    picture="growth-projector",
    heading="What growth would each target have needed?",
    used_in="06 Trade and targets",
    claims="C12",
)
