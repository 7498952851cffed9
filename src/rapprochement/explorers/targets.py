"""The target explorer: China-Russia trade by year against the official targets (¶9).

Its table is :mod:`rapprochement.tables.targets`, its chart :mod:`rapprochement.charts.targets`.
Here: its controls (written once, :func:`controls`), the live explorer (:class:`TargetExplorer`)
and the kernel-free version (:func:`static`), both built from those controls.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go

from .. import data as D
from ..charts import targets as C
from ..tables import targets as T
from ..tables.common import SettingError, target_label, years_text
from . import static as S
from .controls import Control, by_name
from .entry import Explorer
from .widget import Backend, ExplorerWidget

NAME = "targets"
TITLE = "Target explorer"
#: Targets shown by default: those the paper's ¶9 and the later record turn on.
DEFAULT_TARGETS = (
    "100bn-by-2015",
    "200bn-by-2020",
    "200bn-by-2024",
    "250bn-by-unstated",
    "300bn-by-2030",
)
#: The sources one can pick, in order (the kernel-free version has a state for each).
DOLLARS = (("Nominal", "nominal"), ("Real", "real"))
FLOWS = D.FLOW_LABELS
SOURCES = (("China customs", "china_customs"), ("Russian side", "russia"), ("Both + gap", "both"))


def target_options(targets: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(label, id) of every target, in the order of ``targets.csv``."""
    return tuple((target_label(row), str(row["target_id"])) for row in targets.to_dict("records"))


def controls(trade: pd.DataFrame, targets: pd.DataFrame, cpi: pd.DataFrame) -> list[Control]:
    """The target explorer's controls for these tables."""
    first, last = int(trade["year"].min()), int(trade["year"].max())
    cpi_years = sorted(int(y) for y in cpi["year"])
    ids = set(targets["target_id"])
    return [
        Control("start", "int_slider", "From", max(first, 2000), minimum=first, maximum=last),
        Control("end", "int_slider", "To", last, minimum=first, maximum=last),
        Control(
            "flow", "dropdown", "Flow", "total", tuple((v, k) for k, v in D.FLOW_LABELS.items())
        ),
        Control("source", "toggle", "Source", "china_customs", SOURCES),
        Control(
            "dollars", "toggle", "Dollars", "nominal", (("Nominal", "nominal"), ("Real", "real"))
        ),
        Control(
            "base_year",
            "dropdown",
            "Base year",
            cpi_years[-1],
            tuple((str(y), y) for y in cpi_years),
            disabled_unless=("dollars", "real"),
        ),
        Control(
            "targets",
            "multi",
            "Targets",
            tuple(t for t in DEFAULT_TARGETS if t in ids),
            target_options(targets),
            width="420px",
        ),
    ]


class TargetExplorer(ExplorerWidget):
    """Trade against official targets: years, flow, source, nominal or real dollars, targets."""

    name = NAME
    title = TITLE
    # "Both + gap" draws the Russian side's traces and a bar panel on top of the default
    spare_traces = ("scatter",) * 8 + ("bar",)
    static_name = "target-explorer"

    def __init__(
        self,
        trade: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        cpi: pd.DataFrame | None = None,
        *,
        backend: Backend | None = None,
    ) -> None:
        self.trade = D.load_trade() if trade is None else trade
        self.targets = D.load_targets() if targets is None else targets
        self.cpi = D.load_us_cpi() if cpi is None else cpi
        self.index = T.trade_index(self.trade)
        super().__init__(backend=backend)

    def control_list(self) -> list[Control]:
        return controls(self.trade, self.targets, self.cpi)

    def _control_box(self) -> W.Widget:
        c = self.controls
        return W.HBox(
            [
                W.VBox(
                    [c["start"], c["end"], c["flow"], c["source"], c["dollars"], c["base_year"]]
                ),
                W.VBox([c["targets"], W.HTML("<small>Ctrl/Cmd-click to pick several.</small>")]),
            ],
            layout=W.Layout(flex_flow="row wrap"),
        )

    def build(self) -> tuple[go.Figure, str]:
        v = self.values()
        start, end = v["start"], v["end"]
        frame = T.trade_frame(
            self.trade,
            self.cpi,
            flow=v["flow"],
            source=v["source"],
            start=start,
            end=end,
            dollars=v["dollars"],
            base_year=v["base_year"],
            index=self.index,
        )
        lines = T.target_lines(
            self.targets,
            start=start,
            end=end,
            cpi=self.cpi,
            dollars=v["dollars"],
            base_year=v["base_year"],
            target_ids=list(v["targets"]),
        )
        gap = T.mirror_gap_frame(frame) if v["source"] == "both" else None
        fig = C.targets_chart(
            frame,
            lines,
            gap,
            start=start,
            end=end,
            flow=v["flow"],
            dollars=v["dollars"],
            base_year=v["base_year"],
        )
        notes = []
        if v["source"] in ("russia", "both"):
            gaps = T.missing_years(frame, "russia", start, end)
            if gaps:
                notes.append(
                    f"The Russian side has no figure for {years_text(gaps)} in this flow; "
                    "those years are left blank, not filled in."
                )
        if not v["targets"]:
            notes.append("No target selected: pick one or more in the list.")
        return fig, " ".join(notes)


def static(
    trade: pd.DataFrame | None = None,
    targets_frame: pd.DataFrame | None = None,
    cpi: pd.DataFrame | None = None,
    *,
    start: int | None = None,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Trade against the official targets, with a dropdown for source, flow and dollars.

    One state per (source, flow, nominal or real US$ at the latest CPI year) drawn by
    :func:`rapprochement.charts.targets.target_explorer_figure`; a slider sets the last year shown
    (to see the record as it looked when the paper was written, move it to 2020). States that
    the chart code refuses (a source with no figure for a flow) are left out of the menu.
    """
    trade = D.load_trade() if trade is None else trade
    targets_frame = D.load_targets() if targets_frame is None else targets_frame
    cpi = D.load_us_cpi() if cpi is None else cpi
    spec = by_name(controls(trade, targets_frame, cpi))
    start = int(spec["start"].default) if start is None else start
    end = int(trade["year"].max())
    base_year = int(spec["base_year"].default)
    chosen = spec["targets"].default if target_ids is None else target_ids
    ids = [t for t in chosen if t in set(targets_frame["target_id"])]

    states: list[tuple[str, go.Figure]] = []
    for dollars in spec["dollars"].values():
        for source in spec["source"].values():
            for flow in spec["flow"].values():
                try:
                    fig = C.target_explorer_figure(
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
                except SettingError:
                    continue
                what = "current US$" if dollars == "nominal" else f"US$ of {base_year}"
                label = (
                    f"{spec['source'].label_of(source)} · {spec['flow'].label_of(flow)} · {what}"
                )
                states.append((label, fig))
    return S.switch(states, menu_label="Source, flow and dollars", year_slider=(start, end))


EXPLORER = Explorer(
    NAME,
    TITLE,
    TargetExplorer,
    static,
    picture="target-explorer",
    heading="Trade against the official targets",
    used_in="06 Trade and targets",
    claims="C12",
)
