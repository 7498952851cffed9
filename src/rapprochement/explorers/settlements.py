"""The currencies explorer: reported currency shares in settlements (claim C14).

Its table is :mod:`rapprochement.tables.settlements`, its chart
:mod:`rapprochement.charts.settlements`. Here: its controls (written once, :func:`controls`),
the live explorer (:class:`SettlementCurrencies`) and the kernel-free version (:func:`static`),
both built from those controls.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import data as D
from ..charts import settlements as C
from ..tables import settlements as T
from ..tables.common import CURRENCY_LABELS, MEASURE_LABELS, MEASURE_SHORT, SettingError
from . import static as S
from .controls import Control, by_name
from .entry import Explorer
from .widget import Backend, ExplorerWidget

NAME = "settlements"
TITLE = "Currencies: what settles Russia-China trade?"


def controls(settlements: pd.DataFrame) -> list[Control]:
    """The currencies explorer's controls for ``settlement_currency.csv``."""
    currencies = [c for c in CURRENCY_LABELS if (settlements["currency"] == c).any()]
    measures = [m for m in MEASURE_LABELS if (settlements["measure"] == m).any()]
    preferred: list[str] = [c for c in ("usd", "rub_plus_cny") if c in currencies]
    chosen = tuple(preferred or currencies)
    return [
        Control(
            "currencies",
            "multi",
            "Currency",
            chosen,
            tuple((CURRENCY_LABELS[c], c) for c in currencies),
            width="300px",
        ),
        Control(
            "measures",
            "multi",
            "Measure",
            tuple(measures),
            tuple((MEASURE_LABELS[m], m) for m in measures),
            width="560px",
        ),
    ]


class SettlementCurrencies(ExplorerWidget):
    """Reported currency shares in settlements, one trace per measure (claim C14)."""

    name = NAME
    title = TITLE
    static_name = "settlement-currencies"

    def __init__(
        self, settlements: pd.DataFrame | None = None, *, backend: Backend | None = None
    ) -> None:
        self.settlements = D.load_settlement_currency() if settlements is None else settlements
        super().__init__(backend=backend)

    def control_list(self) -> list[Control]:
        return controls(self.settlements)

    def build(self) -> tuple[go.Figure, str]:
        v = self.values()
        if not v["currencies"] or not v["measures"]:
            raise SettingError("Pick at least one currency and one measure.")
        frame = T.currency_frame(
            self.settlements, currencies=list(v["currencies"]), measures=list(v["measures"])
        )
        note = C.missing_note(self.settlements, list(v["currencies"]), list(v["measures"]))
        return C.settlement_chart(frame), note


def static(settlement: pd.DataFrame | None = None) -> go.Figure:
    """Reported currency shares in settlements: a dropdown of currencies (and measures)."""
    settlement = D.load_settlement_currency() if settlement is None else settlement
    spec = by_name(controls(settlement))
    currencies = list(spec["currencies"].values())
    measures = list(spec["measures"].values())
    full = C.settlement_figure(settlement, currencies=currencies, measures=measures)
    default = list(spec["currencies"].default)
    choices: list[tuple[str, list[str], list[str]]] = [
        ("US dollar and rouble + yuan", default, measures),
        ("all currencies", currencies, measures),
    ]
    choices += [(spec["currencies"].label_of(c), [c], measures) for c in currencies]
    choices += [
        (f"all currencies: {MEASURE_SHORT[m]}", currencies, [m])
        for m in measures
        if (settlement["measure"] == m).any()
    ]
    buttons: list[dict[str, Any]] = []
    for label, cur, meas in choices:
        try:
            subset = C.settlement_figure(settlement, currencies=cur, measures=meas)
        except SettingError:
            continue
        buttons.append(
            {"label": label, "method": "restyle", "args": [{"visible": S.visibility(full, subset)}]}
        )
    first = buttons[0]["args"][0]["visible"]
    for trace, shown in zip(full.data, first, strict=True):
        trace.visible = shown
    room = S.Room(full, 70 + S.LEGEND_ROOM)
    full.update_layout(
        updatemenus=[S.menu(buttons, x=0, y=room.above(16 + S.LEGEND_ROOM), label="Currencies")],
        annotations=[
            *full.layout.annotations,
            S.control_label("Show", x=0, y=room.above(50 + S.LEGEND_ROOM)),
        ],
        meta=S.meta(full, 16 + S.LEGEND_ROOM),
    )
    return full


EXPLORER = Explorer(
    NAME,
    TITLE,
    SettlementCurrencies,
    static,
    picture="settlement-currencies",
    heading="Currencies in Russia-China settlements",
    used_in="06 and 09",
    claims="C14",
)
