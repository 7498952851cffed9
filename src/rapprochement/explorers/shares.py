"""The dependence explorer: each partner's weight in the other's trade (claims C06 and C15).

Its table is :mod:`rapprochement.tables.shares`, its chart :mod:`rapprochement.charts.shares`.
Here: its controls (written once, :func:`controls`), the live explorer (:class:`PartnerShares`)
and the kernel-free version (:func:`static`), both built from those controls.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go

from .. import data as D
from ..charts import shares as C
from ..tables import shares as T
from ..tables.common import SHARE_SERIES_LABELS, SettingError
from . import static as S
from .controls import Control, by_name
from .entry import Explorer
from .widget import Backend, ExplorerWidget

NAME = "shares"
TITLE = "Dependence: each partner's share in the other's trade"


def controls(frame: pd.DataFrame) -> list[Control]:
    """The dependence explorer's controls for a :func:`tables.shares.partner_share_frame`."""
    first, last = int(frame["year"].min()), int(frame["year"].max())
    present = [k for k in SHARE_SERIES_LABELS if (frame["series"] == k).any()]
    return [
        Control("start", "int_slider", "From", first, minimum=first, maximum=last),
        Control("end", "int_slider", "To", last, minimum=first, maximum=last),
        Control(
            "series",
            "multi",
            "Show",
            tuple(present),
            tuple((SHARE_SERIES_LABELS[k], k) for k in present),
            width="460px",
        ),
    ]


class PartnerShares(ExplorerWidget):
    """Each partner's weight in the other's trade (claims C06 and C15)."""

    name = NAME
    title = TITLE
    static_name = "partner-shares"

    def __init__(
        self,
        trade: pd.DataFrame | None = None,
        totals: pd.DataFrame | None = None,
        partner_shares: pd.DataFrame | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        trade = D.load_trade() if trade is None else trade
        totals = D.load_totals_context() if totals is None else totals
        shares = D.load_partner_shares() if partner_shares is None else partner_shares
        self.frame = T.partner_share_frame(trade, totals, shares)
        super().__init__(backend=backend)

    def control_list(self) -> list[Control]:
        return controls(self.frame)

    def _control_box(self) -> W.Widget:
        c = self.controls
        return W.HBox(
            [W.VBox([c["start"], c["end"]]), c["series"]], layout=W.Layout(flex_flow="row wrap")
        )

    def build(self) -> tuple[go.Figure, str]:
        v = self.values()
        if not v["series"]:
            raise SettingError("Pick at least one series in the list.")
        view = T.shares_view(self.frame, start=v["start"], end=v["end"], series=list(v["series"]))
        return C.partner_shares_chart(view, start=v["start"], end=v["end"]), ""


def static(
    trade: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
    shares: pd.DataFrame | None = None,
) -> go.Figure:
    """Each partner's weight in the other's trade: a series dropdown and a first-year slider."""
    trade = D.load_trade() if trade is None else trade
    totals = D.load_totals_context() if totals is None else totals
    shares = D.load_partner_shares() if shares is None else shares
    frame = T.partner_share_frame(trade, totals, shares)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    spec = by_name(controls(frame))
    present = list(spec["series"].values())
    full = C.partner_shares_figure(frame, start=first, end=last, series=present)
    choices: list[tuple[str, list[str]]] = [("all series", present)]
    computed = [k for k in present if k.endswith("_computed")]
    reported = [k for k in present if not k.endswith("_computed")]
    if computed and reported:
        choices += [("computed only", computed), ("reported only", reported)]
    choices += [(spec["series"].label_of(k), [k]) for k in present]
    buttons: list[dict[str, Any]] = []
    for label, series in choices:
        subset = C.partner_shares_figure(frame, start=first, end=last, series=series)
        buttons.append(
            {"label": label, "method": "restyle", "args": [{"visible": S.visibility(full, subset)}]}
        )
    steps = [
        {
            "label": str(year),
            "method": "relayout",
            "args": [{"xaxis.range": [year - 0.5, last + 1]}],
        }
        for year in range(first, last)
    ]
    room = S.Room(full, 150 + S.LEGEND_ROOM)
    full.update_layout(
        updatemenus=[S.menu(buttons, x=0, y=room.above(100 + S.LEGEND_ROOM), label="Series")],
        sliders=[S.slider_at(room, list(range(first, last)), first, "From year: ", steps)],
        annotations=[
            *full.layout.annotations,
            S.control_label("Series shown", x=0, y=room.above(136 + S.LEGEND_ROOM)),
        ],
        meta=S.meta(full),
    )
    return full


EXPLORER = Explorer(
    NAME,
    TITLE,
    PartnerShares,
    static,
    picture="partner-shares",
    heading="Each partner's weight in the other's trade",
    used_in="03 and 06",
    claims="C06, C15",
)
