"""Plotly figures for the trade notebook: pure functions from data frames to figures.

Data flows one way: :mod:`rapprochement.data` (load) -> :mod:`rapprochement.analysis` (pure
maths) -> this module (frames and figures) -> :mod:`rapprochement.widgets` (controls).

Every function here takes the frames returned by the loaders and returns either a
:class:`pandas.DataFrame` (what a chart or table shows) or a :class:`plotly.graph_objects.Figure`.
Settings that make no sense (a start year after the end year, a growth rate of -100% or less,
a source with no figure in the chosen years) raise :class:`SettingError`, a :class:`ValueError`
whose message is short enough to show to a student as it is.

Conventions for every chart: Okabe-Ito colours (safe for the common forms of colour
blindness), axis titles with units, the sources written under the plot area, and values that
no source page confirmed drawn as hollow markers with "unverified" in the hover text.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from . import analysis
from .data import FLOW_LABELS, FLOWS, REPORTER_LABELS, REPORTERS

__all__ = [
    "CURRENCY_LABELS",
    "MEASURE_LABELS",
    "OKABE_ITO",
    "SettingError",
    "cpi_series",
    "currency_frame",
    "fact_check_table",
    "figure_series",
    "figure_summary",
    "plain_tables",
    "growth_table",
    "missing_years",
    "partner_share_frame",
    "partner_shares_figure",
    "period_position",
    "projection_figure",
    "settlement_figure",
    "target_explorer_figure",
    "target_label",
    "targets_table",
    "trade_frame",
    "years_text",
]

Source = Literal["china_customs", "russia", "both"]
Dollars = Literal["nominal", "real"]

#: Okabe & Ito (2008) palette, safe for deuteranopia, protanopia and tritanopia.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
REPORTER_COLORS = {"china_customs": OKABE_ITO["blue"], "russia": OKABE_ITO["vermillion"]}
TARGET_COLORS = [
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
]
CURRENCY_LABELS = {
    "usd": "US dollar",
    "eur": "euro",
    "rub": "rouble",
    "cny_or_other": "yuan or other",
    "rub_plus_cny": "rouble + yuan",
}
CURRENCY_COLORS = {
    "usd": OKABE_ITO["blue"],
    "eur": OKABE_ITO["orange"],
    "rub": OKABE_ITO["vermillion"],
    "cny_or_other": OKABE_ITO["reddish_purple"],
    "rub_plus_cny": OKABE_ITO["bluish_green"],
}
MEASURE_LABELS = {
    "russian_export_receipts_from_china": "Russia's export receipts from China (Bank of Russia)",
    "russian_exports_to_china": "Russia's exports to China (Bank of Russia via Bloomberg)",
    "total_trade_goods_and_services": "Total trade in goods and services (Bank of Russia via RBC)",
    "all_bilateral_settlements": "All bilateral settlements (Nikkei)",
    "official_statement": "Statements by Russian officials (scope varies)",
}
MEASURE_SHORT = {
    "russian_export_receipts_from_china": "export receipts from China (CBR)",
    "russian_exports_to_china": "exports to China (CBR)",
    "total_trade_goods_and_services": "all trade incl. services (CBR)",
    "all_bilateral_settlements": "all settlements (Nikkei)",
    "official_statement": "officials' statements",
}
MEASURE_SYMBOLS = {
    "russian_export_receipts_from_china": "circle",
    "russian_exports_to_china": "triangle-up",
    "total_trade_goods_and_services": "square",
    "all_bilateral_settlements": "diamond",
    "official_statement": "star",
}
QUALIFIER_PREFIX = {"exact": "", "about": "~", "more_than": ">"}

TRADE_SOURCE_NOTE = (
    "Source: China customs (GACC) and Russian-side figures as reported by the pages cited in "
    "data/trade.csv; goods only, US dollars, first release."
)
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#222222"}
#: Grey for secondary text (captions, axis lines) with 4.5:1 contrast or more on white.
MUTED_TEXT = "#4D4D4D"
#: Caption lines are wrapped to this many characters (fits a chart about 480 px wide).
NOTE_WIDTH = 68
#: Pixels between the bottom of the plot area and the caption (tick labels and axis title).
NOTE_OFFSET = 62


#: plotly's mode bar without what needs the internet (the plotly logo links to plotly.com;
#: "send to cloud" uploads the chart); downloading a PNG stays. Used by the explorers and, for
#: figures displayed as they are, set on plotly's notebook renderer when this module loads.
PLOTLY_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "select2d", "lasso2d"],
    "responsive": True,
}


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


class SettingError(ValueError):
    """A combination of settings that cannot be drawn; the message is meant for students."""


# ----------------------------------------------------------------------------- helpers


def _trace(kind: str, **props: object) -> dict:
    """A trace as a plain dict (validated once, when the figure is assembled)."""
    return {"type": kind, **{k: v for k, v in props.items() if v is not None}}


class _Spec:
    """Collects traces and layout as plain dicts and validates them once in :meth:`figure`.

    Building a figure with ``go.Figure.add_trace``/``update_layout`` validates every property
    at every call; assembling dicts and validating once is about five times faster, which is
    what keeps a widget update under the 30 ms budget (docs/performance.md).
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"template": _LIGHT_TEMPLATE}

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

    def figure(self) -> go.Figure:
        return ChartFigure(data=self.data, layout=self.layout)


def _source_note(fig: _Spec, text: str, *, y: float = -0.2) -> None:
    """Sources and reading notes under the chart (a caption; ``y`` is kept for callers).

    The text is placed just under the plot area, below the x-axis title, with a pixel offset
    (not a fraction of the plot height), and wrapped to short lines so that it fits the chart
    from a narrow laptop screen up; the bottom margin grows with the number of lines.
    """
    del y
    lines = [
        line
        for part in text.split("<br>")
        for line in (textwrap.wrap(part, NOTE_WIDTH, break_long_words=False) or [""])
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
_LIGHT_TEMPLATE = {
    "layout": {
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis": _AXIS_STYLE,
        "yaxis": _AXIS_STYLE,
    }
}


def _new_figure() -> _Spec:
    return _Spec()


def _base_layout(fig: _Spec, *, title: str, height: int = 520, bottom: int = 120) -> None:
    """Title, font, size and legend shared by every chart.

    No fixed width: the chart takes the width of its output area (plotly's autosize), and the
    legend sits in one or more rows between the title and the plot, where it is never cut
    off at the right edge of a narrow screen.
    """
    del bottom
    margin = {"l": 70, "r": 20, "t": 20, "b": NOTE_OFFSET + 40}
    margin.update(fig.layout.get("margin", {}))
    fig.update_layout(
        # The title is not drawn in the chart: a title and a legend above the plot both push
        # the top margin and overlap (plotly sizes the margin for each alone), and a legend at
        # the side is cut off on narrow screens. Explorers show the title as a heading above
        # the chart; it is kept in layout.meta for the text alternative.
        title={"text": ""},
        meta={"title": title},
        font=FONT,
        height=height,
        autosize=True,
        margin=margin,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": 12},
        },
        hovermode="closest",
        showlegend=True,
    )


def _fmt_bn(value: float) -> str:
    return f"USD {value:,.1f}bn" if value < 100 else f"USD {value:,.0f}bn"


def cpi_series(cpi: pd.DataFrame) -> pd.Series:
    """US CPI-U annual averages from ``us_cpi.csv`` as a Series indexed by year."""
    series = cpi.set_index("year")["cpi_u_annual_avg"].astype(float).sort_index()
    series.name = "cpi"
    return series


def target_label(row: pd.Series | dict) -> str:
    """Short label of a target row from ``targets.csv``: "USD 100bn by 2015 (set 2011)".

    Currency is written "USD", never "$": two dollar signs in one table cell or HTML widget
    are read by MathJax as the start and end of a formula.
    """
    low, high = float(row["target_usd_bn"]), row.get("target_high_usd_bn")
    amount = f"USD {low:g}bn" if pd.isna(high) else f"USD {low:g}-{float(high):g}bn"
    deadline = row.get("deadline_year")
    when = "no official deadline" if pd.isna(deadline) else f"by {int(deadline)}"
    return f"{amount} {when} (set {int(row['year_set'])})"


def _check_years(start: int, end: int) -> None:
    if start > end:
        raise SettingError(
            f"The start year ({start}) is after the end year ({end}). Move one of the year sliders."
        )


def _check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise SettingError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")


def years_text(years: Sequence[int]) -> str:
    """Compress [2007, 2008, 2009, 2024] into "2007-2009, 2024"."""
    years = sorted(int(y) for y in years)
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


# ------------------------------------------------------------------- trade against targets


def trade_frame(
    trade: pd.DataFrame,
    cpi: pd.DataFrame,
    *,
    flow: str = "total",
    source: Source = "china_customs",
    start: int = 1992,
    end: int = 2025,
    dollars: Dollars = "nominal",
    base_year: int = 2025,
) -> pd.DataFrame:
    """Rows of ``trade.csv`` that the target explorer draws, in the chosen dollars.

    Columns: year, reporter, value (USD bn, nominal or in ``base_year`` dollars), nominal,
    verified, source_url. Raises :class:`SettingError` for impossible settings or when a
    chosen source reports nothing for this flow in these years.
    """
    _check_years(start, end)
    _check_choice("flow", flow, FLOWS)
    _check_choice("source", source, (*REPORTERS, "both"))
    _check_choice("dollars", dollars, ("nominal", "real"))
    reporters = REPORTERS if source == "both" else (source,)
    rows = trade[
        trade["reporter"].isin(reporters)
        & (trade["flow"] == flow)
        & trade["year"].between(start, end)
    ]
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int),
            "reporter": rows["reporter"].astype(str),
            "value": rows["value_usd_bn"].astype(float),
            "nominal": rows["value_usd_bn"].astype(float),
            "verified": rows["verified"].astype(bool),
            "source_url": rows["source_url"].fillna("").astype(str),
        }
    )
    for reporter in reporters:
        if not (frame["reporter"] == reporter).any():
            raise SettingError(
                f"{REPORTER_LABELS[reporter]} reports no figure for "
                f"{FLOW_LABELS[flow].split(' (')[0]} in {start}-{end}. "
                "Choose another source, flow or year range."
            )
    if dollars == "real":
        cpi_s = cpi_series(cpi)
        if base_year not in cpi_s.index:
            raise SettingError(
                f"No CPI value for the base year {base_year} "
                f"(CPI covers {int(cpi_s.index.min())}-{int(cpi_s.index.max())})."
            )
        missing = sorted(set(frame["year"]) - set(cpi_s.index))
        if missing:
            raise SettingError(f"No CPI value for {years_text(missing)}: cannot convert.")
        frame["value"] = frame["nominal"] * cpi_s[base_year] / frame["year"].map(cpi_s)
    return frame.sort_values(["reporter", "year"], ignore_index=True)


def missing_years(frame: pd.DataFrame, reporter: str, start: int, end: int) -> list[int]:
    """Years in ``start``..``end`` for which ``reporter`` has no row in a :func:`trade_frame`."""
    have = set(frame.loc[frame["reporter"] == reporter, "year"])
    return [y for y in range(start, end + 1) if y not in have]


def _target_value(row: pd.Series, cpi_s: pd.Series | None, base_year: int) -> tuple[float, str]:
    """Target in the chart's dollars, with a note on how it was converted."""
    value = float(row["target_usd_bn"])
    if cpi_s is None:
        return value, "as stated (current dollars)"
    ref = int(row["deadline_year"]) if not pd.isna(row["deadline_year"]) else int(row["year_set"])
    ref = min(ref, int(cpi_s.index.max()))
    why = "deadline" if not pd.isna(row["deadline_year"]) else "year set"
    return (
        value * float(cpi_s[base_year]) / float(cpi_s[ref]),
        f"converted at the CPI of {ref} ({why}) to {base_year} dollars",
    )


def target_explorer_figure(
    trade: pd.DataFrame,
    targets: pd.DataFrame,
    cpi: pd.DataFrame,
    *,
    start: int = 1992,
    end: int = 2025,
    flow: str = "total",
    source: Source = "china_customs",
    dollars: Dollars = "nominal",
    base_year: int = 2025,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Trade by year against official targets.

    Each target is a dashed segment from the year it was set to its deadline, ending in a
    diamond at the deadline; a target with no official deadline is a dotted segment that
    runs to the end of the chart and says so in its label. With ``source="both"`` a second
    panel shows the mirror gap (China customs minus the Russian side) in the years both report.
    """
    frame = trade_frame(
        trade,
        cpi,
        flow=flow,
        source=source,
        start=start,
        end=end,
        dollars=dollars,
        base_year=base_year,
    )
    both = source == "both"
    fig = _new_figure()
    traces: list[dict] = []
    unit = "current US$ bn" if dollars == "nominal" else f"US$ bn at {base_year} prices (CPI-U)"
    years = list(range(start, end + 1))

    reporters = REPORTERS if both else (source,)
    for reporter in reporters:
        part = frame[frame["reporter"] == reporter].set_index("year")
        color, label = REPORTER_COLORS[reporter], REPORTER_LABELS[reporter]
        full = part["value"].reindex(years)  # NaN where a year is missing: the line breaks
        traces.append(
            _trace(
                "scatter",
                x=years,
                y=full.tolist(),
                mode="lines",
                line={"color": color, "width": 2},
                name=label,
                legendgroup=reporter,
                showlegend=False,
                hoverinfo="skip",
                connectgaps=False,
            )
        )
        for verified in (True, False):
            pts = part[part["verified"] == verified]
            if pts.empty and not verified:
                continue
            status = "verified" if verified else "unverified"
            text = [
                f"{label}<br>{y}: {_fmt_bn(v)} ({unit})"
                + ("" if dollars == "nominal" else f"<br>nominal {_fmt_bn(n)}")
                + f"<br>{status}"
                for y, v, n in zip(pts.index, pts["value"], pts["nominal"], strict=True)
            ]
            traces.append(
                _trace(
                    "scatter",
                    x=pts.index.tolist(),
                    y=pts["value"].tolist(),
                    mode="markers",
                    name=label if verified else f"{label}: unverified value (hollow)",
                    legendgroup=reporter,
                    marker={
                        "color": color if verified else "white",
                        "symbol": "circle" if verified else "circle-open",
                        "size": 8 if verified else 9,
                        "line": {"color": color, "width": 2},
                    },
                    text=text,
                    hovertemplate="%{text}<extra></extra>",
                )
            )

    chosen = targets if target_ids is None else targets[targets["target_id"].isin(target_ids)]
    cpi_s = cpi_series(cpi) if dollars == "real" else None
    for i, (_, row) in enumerate(chosen.iterrows()):
        value, how = _target_value(row, cpi_s, base_year)
        has_deadline = not pd.isna(row["deadline_year"])
        x0 = max(int(row["year_set"]), start)
        x1 = int(row["deadline_year"]) if has_deadline else end
        if x1 < start or int(row["year_set"]) > end:
            continue  # entirely outside the chosen years
        x1 = min(x1, end) if not has_deadline else x1
        color = TARGET_COLORS[i % len(TARGET_COLORS)]
        label = target_label(row)
        hover = (
            f"Target {label}<br>{_fmt_bn(value)} {how}<br>set by {row['set_by']}"
            f"<br>status: {str(row['status']).replace('_', ' ')}"
        )
        xs = [x0, x1] if x0 <= x1 else [x1]
        traces.append(
            _trace(
                "scatter",
                x=xs,
                y=[value] * len(xs),
                mode="lines+markers" if has_deadline else "lines",
                name=f"Target {label}",
                line={"color": color, "width": 2, "dash": "dash" if has_deadline else "dot"},
                marker={
                    "symbol": ["line-ns-open", "diamond"][-len(xs) :],
                    "size": [10, 12][-len(xs) :],
                    "color": color,
                },
                text=[hover] * len(xs),
                hovertemplate="%{text}<extra></extra>",
            )
        )

    flow_label = FLOW_LABELS[flow]
    if both:
        china = frame[frame["reporter"] == "china_customs"].set_index("year")["value"]
        russia = frame[frame["reporter"] == "russia"].set_index("year")["value"]
        try:
            gap = analysis.mirror_gap(china, russia)
        except ValueError:
            gap = pd.DataFrame(columns=["gap", "gap_pct"])
        traces.append(
            _trace(
                "bar",
                x=gap.index.tolist(),
                y=gap["gap"].tolist(),
                name="Gap: China customs minus Russian side",
                marker={"color": OKABE_ITO["reddish_purple"]},
                text=[
                    f"{y}: {g:+.1f}bn ({p:+.1f}% of the Russian figure)"
                    for y, g, p in zip(gap.index, gap["gap"], gap["gap_pct"], strict=True)
                ],
                textposition="none",
                hovertemplate="%{text}<extra></extra>",
                xaxis="x2",
                yaxis="y2",
            )
        )
    fig.add_traces(traces)
    # stretch the year axis to show the deadlines of the chosen targets (e.g. 2030)
    deadlines = [
        int(d)
        for d, y in zip(chosen["deadline_year"], chosen["year_set"], strict=True)
        if not pd.isna(d) and int(y) <= end
    ]
    xrange = [start - 0.5, max([end, *deadlines]) + 0.5]
    if both:
        # two panels sharing the year axis, laid out by hand (make_subplots costs ~50 ms)
        fig.update_layout(
            xaxis={"anchor": "y", "matches": "x2", "showticklabels": False, "range": xrange},
            xaxis2={"anchor": "y2", "title": {"text": "year"}, "range": xrange},
            yaxis={"domain": [0.36, 1], "title": {"text": f"trade, {unit}"}, "rangemode": "tozero"},
            yaxis2={
                "domain": [0, 0.26],
                "title": {"text": "gap, US$ bn"},
                "zeroline": True,
                "zerolinecolor": "#888888",
            },
        )
    else:
        fig.update_yaxes(title_text=f"trade, {unit}", rangemode="tozero")
        fig.update_xaxes(title_text="year", range=xrange)

    title = f"China-Russia goods trade against official targets: {flow_label}"
    _base_layout(fig, title=title, height=600 if both else 520, bottom=130)
    note = TRADE_SOURCE_NOTE + "<br>Targets: data/targets.csv (dashed: deadline at the diamond; "
    note += "dotted: no official deadline). Hollow markers: no source page states the value."
    if dollars == "real":
        note += (
            f"<br>Real dollars: US CPI-U annual averages (BLS, data/us_cpi.csv), {base_year}=base."
        )
    _source_note(fig, note, y=-0.16 if both else -0.2)
    return fig.figure()


def targets_table(trade: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Each official target against China customs (GACC) annual totals.

    Columns: target, set in, set by, deadline, GACC total in the deadline year, first year
    above the target, outcome (judged here from the data) and status as recorded in
    ``targets.csv``. "first year above" uses annual totals, so it cannot show that a mark
    was passed in the course of a year (e.g. January-November 2023).
    """
    series = trade[(trade["reporter"] == "china_customs") & (trade["flow"] == "total")]
    series = series.set_index("year")["value_usd_bn"].astype(float).sort_index()
    last = int(series.index.max())
    rows = []
    for _, t in targets.iterrows():
        low = float(t["target_usd_bn"])
        deadline = None if pd.isna(t["deadline_year"]) else int(t["deadline_year"])
        first = analysis.first_year_above(series, low)
        at_deadline = (
            analysis.value_in(series, deadline)
            if deadline is not None and deadline in series.index
            else math.nan
        )
        if deadline is None:
            outcome = f"reached in {first}" if first else f"not reached by {last}"
        elif deadline > last:
            outcome = f"pending: data end in {last}" + (f", reached {first}" if first else "")
        elif at_deadline >= low:
            outcome = "met early" if first is not None and first < deadline else "met"
        else:
            outcome = "missed"
        rows.append(
            {
                "target": target_label(t),
                "set in": int(t["year_set"]),
                "set by": str(t["set_by"]),
                "deadline": "none stated" if deadline is None else str(deadline),
                # "-" where there is no deadline or no figure yet (rather than a bare NaN)
                "GACC total in deadline year (US$ bn)": "-"
                if math.isnan(at_deadline)
                else at_deadline,
                "first year above target": "-" if first is None else str(first),
                "outcome (from the data)": outcome,
                "status in targets.csv": str(t["status"]).replace("_", " "),
            }
        )
    return pd.DataFrame(rows)


def fact_check_table(trade: pd.DataFrame) -> pd.DataFrame:
    """The paper's trade statements in ¶9 beside what each reporter's annual totals show.

    Rows: first year above USD 100bn, first year above USD 200bn, the latest year-on-year change.
    Columns: check, China customs (GACC), Russian side. Values are computed from
    ``trade.csv`` with :mod:`rapprochement.analysis`; a reporter without the needed years says
    so instead of guessing.
    """
    rows: dict[str, dict[str, str]] = {}
    for reporter in REPORTERS:
        rows_r = trade[(trade["reporter"] == reporter) & (trade["flow"] == "total")]
        series = rows_r.set_index("year")["value_usd_bn"].astype(float).sort_index()
        col = REPORTER_LABELS[reporter]
        for threshold in (100, 200):
            year = analysis.first_year_above(series, threshold)
            key = f"first year above USD {threshold}bn"
            rows.setdefault(key, {})[col] = (
                "not in the data" if year is None else f"{year} (USD {series[year]:g}bn)"
            )
        last = int(series.index.max())
        growth = analysis.yoy_growth(series).get(last, math.nan)
        rows.setdefault("latest year-on-year change", {})[col] = (
            f"{last}: no figure for {last - 1}"
            if pd.isna(growth)
            else f"{last - 1} to {last}: {growth:+.1%}"
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "check"
    return frame.reset_index()


# ----------------------------------------------------------------------- growth projector


_HORIZON = 500  # years; beyond this "reached in year N" means nothing


def growth_table(
    series: pd.Series,
    targets: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """For each target: the year the projection reaches it, and the growth its deadline needed.

    ``series`` is one reporter's trade by year (see :func:`rapprochement.data.trade_series`),
    ``rate`` a fraction (0.05 = 5% a year). Columns: target, deadline, reached at this rate,
    growth needed from the base year (a fraction, NaN when not computable), note.
    """
    try:
        base = analysis.value_in(series, base_year)
    except ValueError as exc:
        raise SettingError(
            f"No trade figure for the base year {base_year} in this series "
            f"(it has {years_text(series.dropna().index)}). Choose another base year."
        ) from exc
    if not math.isfinite(rate) or rate <= -1:
        raise SettingError(
            f"A growth rate of {rate:.0%} a year would wipe out trade in one year or less; "
            "choose a rate above -100%."
        )
    chosen = targets if target_ids is None else targets[targets["target_id"].isin(target_ids)]
    rows = []
    for _, t in chosen.iterrows():
        goal = float(t["target_usd_bn"])
        deadline = None if pd.isna(t["deadline_year"]) else int(t["deadline_year"])
        note = ""
        if base >= goal:
            reached = "already met"
            note = f"already met in the base year {base_year} ({_fmt_bn(base)})"
        elif rate > 0 and math.log(goal / base) / math.log1p(rate) > _HORIZON:
            # a tiny positive rate: analysis.year_growth_reaches would count for ever
            reached = f"not within {_HORIZON} years"
        else:
            year = analysis.year_growth_reaches(base, base_year, goal, rate)
            reached = "never at this rate" if year is None else str(year)
        if deadline is None:
            needed = math.nan
            note = note or "no official deadline"
        elif deadline <= base_year:
            needed = math.nan
            note = note or f"deadline {deadline} is not after the base year"
        else:
            needed = analysis.required_growth(base, base_year, goal, deadline)
        rows.append(
            {
                "target": target_label(t),
                "deadline": "none" if deadline is None else str(deadline),
                "reached at this rate": reached,
                "growth needed from base year": needed,
                "note": note,
            }
        )
    columns = ["target", "deadline", "reached at this rate", "growth needed from base year", "note"]
    # the same columns when no target is chosen, so that callers can always index them
    return pd.DataFrame(rows, columns=columns)


def projection_figure(
    trade: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    reporter: str = "china_customs",
    flow: str = "total",
    base_year: int = 2020,
    rate: float = 0.05,
    end_year: int = 2035,
    target_ids: Sequence[str] | None = None,
) -> go.Figure:
    """Actual trade beside a constant-growth projection from ``base_year``, with targets."""
    _check_choice("reporter", reporter, REPORTERS)
    _check_choice("flow", flow, FLOWS)
    if end_year <= base_year:
        raise SettingError(
            f"The projection must end after the base year ({base_year}); it ends in {end_year}."
        )
    rows = trade[(trade["reporter"] == reporter) & (trade["flow"] == flow)]
    series = rows.set_index("year")["value_usd_bn"].astype(float).sort_index()
    if series.empty:
        raise SettingError(f"{REPORTER_LABELS[reporter]} reports no figure for this flow.")
    table = growth_table(series, targets, base_year=base_year, rate=rate, target_ids=target_ids)
    base = float(series.loc[base_year])
    path = analysis.project(base, base_year, rate, end_year)

    fig = _new_figure()
    color = REPORTER_COLORS[reporter]
    label = REPORTER_LABELS[reporter]
    first = int(series.index.min())
    years = list(range(first, int(series.index.max()) + 1))
    fig.add_trace(
        _trace(
            "scatter",
            x=years,
            y=series.reindex(years).tolist(),
            mode="lines+markers",
            name=f"Actual: {label}",
            line={"color": color, "width": 2},
            marker={"size": 6, "color": color},
            connectgaps=False,
            hovertemplate="%{x}: USD %{y:.1f}bn (actual)<extra></extra>",
        )
    )
    fig.add_trace(
        _trace(
            "scatter",
            x=path.index.tolist(),
            y=path.tolist(),
            mode="lines",
            name=f"Projected: {rate:+.1%} a year from {base_year}",
            line={"color": OKABE_ITO["orange"], "width": 3, "dash": "dash"},
            hovertemplate="%{x}: USD %{y:.1f}bn (projected)<extra></extra>",
        )
    )
    chosen = targets if target_ids is None else targets[targets["target_id"].isin(target_ids)]
    for i, ((_, t), (_, r)) in enumerate(zip(chosen.iterrows(), table.iterrows(), strict=True)):
        goal = float(t["target_usd_bn"])
        tcolor = TARGET_COLORS[i % len(TARGET_COLORS)]
        deadline = None if pd.isna(t["deadline_year"]) else int(t["deadline_year"])
        needed = r["growth needed from base year"]
        needed_txt = "" if pd.isna(needed) else f"<br>growth needed from {base_year}: {needed:.1%}"
        text = (
            f"Target {target_label(t)}<br>reached at {rate:+.1%}: {r['reached at this rate']}"
            + needed_txt
        )
        xs = [first, end_year]
        fig.add_trace(
            _trace(
                "scatter",
                x=xs,
                y=[goal, goal],
                mode="lines",
                name=f"Target {target_label(t)}",
                line={"color": tcolor, "width": 1.5, "dash": "dot"},
                text=[text, text],
                hovertemplate="%{text}<extra></extra>",
            )
        )
        if deadline is not None and first <= deadline <= end_year:
            fig.add_trace(
                _trace(
                    "scatter",
                    x=[deadline],
                    y=[goal],
                    mode="markers",
                    showlegend=False,
                    marker={"symbol": "diamond", "size": 12, "color": tcolor},
                    text=[text],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
        reached = r["reached at this rate"]
        if reached.isdigit() and int(reached) <= end_year:
            fig.add_trace(
                _trace(
                    "scatter",
                    x=[int(reached)],
                    y=[goal],
                    mode="markers",
                    showlegend=False,
                    marker={
                        "symbol": "star",
                        "size": 14,
                        "color": OKABE_ITO["orange"],
                        "line": {"color": "black", "width": 1},
                    },
                    text=[f"projection reaches {_fmt_bn(goal)} in {reached}"],
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="year", range=[first - 0.5, end_year + 0.5])
    fig.update_yaxes(title_text="trade, current US$ bn", rangemode="tozero")
    _base_layout(fig, title=f"What growth would have met each target? ({FLOW_LABELS[flow]})")
    _source_note(
        fig,
        TRADE_SOURCE_NOTE + "<br>Projection: constant annual growth from the base year "
        "(an illustration, not a forecast).<br>Diamonds: deadlines; stars: the year the "
        "projection reaches a target.",
        y=-0.2,
    )
    return fig.figure()


# ------------------------------------------------------------- dependence and currencies


def partner_share_frame(
    trade: pd.DataFrame,
    totals: pd.DataFrame,
    partner_shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each partner's weight in the other's trade, as far as the data allow.

    Computed rows: Russia's share of China's total goods trade = GACC China-Russia total /
    China's total goods trade (``totals_context.csv``); ``verified`` is False when either input
    is unverified. Reported rows (from ``partner_shares.csv``, when given): shares as a source
    stated them, with their qualifier. Columns: year, period, series, share_pct, qualifier,
    verified, how.
    """
    china_total = totals[totals["economy"].str.startswith("China")].set_index("year")
    bilateral = trade[(trade["reporter"] == "china_customs") & (trade["flow"] == "total")]
    bilateral = bilateral.set_index("year")
    pct = analysis.share(
        bilateral["value_usd_bn"].astype(float),
        china_total["total_goods_trade_usd_bn"].astype(float).dropna(),
    )
    rows = []
    for year, value in pct.items():
        verified = bool(bilateral.loc[year, "verified"]) and bool(china_total.loc[year, "verified"])
        rows.append(
            {
                "year": int(year),
                "period": str(year),
                "series": "russia_in_china_trade_computed",
                "share_pct": float(value),
                "qualifier": "exact",
                "verified": verified,
                "how": (
                    f"computed: {bilateral.loc[year, 'value_usd_bn']:g} / "
                    f"{china_total.loc[year, 'total_goods_trade_usd_bn']:g}"
                    + ("" if verified else " (an input is unverified)")
                ),
            }
        )
    if partner_shares is not None:
        for _, r in partner_shares.iterrows():
            rows.append(
                {
                    "year": int(r["year"]),
                    "period": str(r["period"]),
                    "series": str(r["share_of"]),
                    "share_pct": float(r["share_pct"]),
                    "qualifier": str(r["qualifier"]),
                    "verified": bool(r["verified"]),
                    "how": f"reported: {r['as_stated']} ({r['stated_by']})",
                }
            )
    return pd.DataFrame(rows)


SHARE_SERIES = {
    "russia_in_china_trade_computed": (
        "Russia's share of China's trade (computed)",
        OKABE_ITO["blue"],
        "circle",
    ),
    "russia_in_china_trade": (
        "Russia's share of China's trade (reported)",
        OKABE_ITO["blue"],
        "square",
    ),
    "china_in_russia_trade": (
        "China's share of Russia's trade (reported)",
        OKABE_ITO["vermillion"],
        "diamond",
    ),
    "china_in_russia_exports": (
        "China's share of Russia's exports (reported)",
        OKABE_ITO["orange"],
        "triangle-up",
    ),
    "china_in_russia_imports": (
        "China's share of Russia's imports (reported)",
        OKABE_ITO["reddish_purple"],
        "triangle-down",
    ),
}


def partner_shares_figure(
    frame: pd.DataFrame,
    *,
    start: int = 2000,
    end: int = 2025,
    series: Sequence[str] | None = None,
) -> go.Figure:
    """Draw a :func:`partner_share_frame`: each partner's weight in the other's trade (%)."""
    _check_years(start, end)
    view = frame[frame["year"].between(start, end)]
    if series is not None:
        view = view[view["series"].isin(series)]
    if view.empty:
        raise SettingError("Nothing to show for these years and series; widen the selection.")
    fig = _new_figure()
    for key, (label, color, symbol) in SHARE_SERIES.items():
        part = view[view["series"] == key]
        if part.empty:
            continue
        computed = key.endswith("_computed")
        for verified in (True, False):
            pts = part[part["verified"] == verified]
            if pts.empty:
                continue
            texts = [
                f"{QUALIFIER_PREFIX.get(q, '')}{v:g}%" if not computed else ""
                for v, q in zip(pts["share_pct"], pts["qualifier"], strict=True)
            ]
            hover = [
                f"{label}<br>{p}: {QUALIFIER_PREFIX.get(q, '')}{v:.1f}%<br>{h}"
                f"<br>{'verified' if verified else 'unverified'}"
                for p, v, q, h in zip(
                    pts["period"], pts["share_pct"], pts["qualifier"], pts["how"], strict=True
                )
            ]
            fig.add_trace(
                _trace(
                    "scatter",
                    x=pts["year"].tolist(),
                    y=pts["share_pct"].tolist(),
                    mode=("lines+markers" if computed and verified else "markers")
                    if computed
                    else "markers+text",
                    name=label if verified else f"{label}: unverified (hollow)",
                    legendgroup=key,
                    line={"color": color, "width": 1} if computed else None,
                    marker={
                        "symbol": symbol if verified else f"{symbol}-open",
                        "size": 8 if computed else 12,
                        "color": color,
                        "line": {"color": color, "width": 2},
                    },
                    text=texts,
                    textposition="top center",
                    # labels in dark text (4.5:1 and more); the marker carries the colour
                    textfont={"color": FONT["color"]},
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    fig.update_xaxes(title_text="year", range=[start - 0.5, end + 1])
    fig.update_yaxes(title_text="share of the partner's total goods trade, %", rangemode="tozero")
    _base_layout(fig, title="How much does each partner weigh in the other's trade?")
    _source_note(
        fig,
        "Computed: GACC China-Russia total (data/trade.csv) / China's total goods trade "
        "(data/totals_context.csv); hollow = an input is unverified.<br>Reported: shares as "
        "stated by FCS, GACC, the Russian Export Center and the Gaidar Institute "
        "(data/partner_shares.csv);<br>~ = about. Periods differ (some are part-year).",
        y=-0.2,
    )
    return fig.figure()


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def period_position(period: str, year: int) -> float:
    """Where a settlement figure's ``period`` sits on a time axis, in fractional years.

    "2018-Q3" -> 2018.625 (mid-quarter), "2023-09" -> 2023.71 (mid-month), "2019" -> 2019.5,
    "2022 (beginning of year)" -> 2022.05, "2023 (early ...)" -> 2023.25; any other phrase
    -> the middle of ``year``.
    """
    period = period.strip()
    if m := _QUARTER.match(period):
        return int(m.group(1)) + (int(m.group(2)) - 0.5) / 4
    if m := _MONTH.match(period):
        day = int(m.group(3)) if m.group(3) else 15
        return int(m.group(1)) + (int(m.group(2)) - 1 + (day - 0.5) / 31) / 12
    if re.fullmatch(r"\d{4}", period):
        return int(period) + 0.5
    low = period.lower()
    if "beginning" in low:
        return year + 0.05
    if "early" in low:
        return year + 0.25
    return year + 0.5


def currency_frame(
    settlements: pd.DataFrame,
    *,
    currencies: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``settlement_currency.csv`` to draw, with an x position and a label."""
    view = settlements
    if currencies is not None:
        view = view[view["currency"].isin(currencies)]
    if measures is not None:
        view = view[view["measure"].isin(measures)]
    if view.empty:
        raise SettingError("No reported share for this choice of currencies and measures.")
    out = view[
        [
            "period",
            "year",
            "measure",
            "scope",
            "currency",
            "share_pct",
            "qualifier",
            "as_stated",
            "source_url",
            "verified",
        ]
    ].copy()
    out["x"] = [period_position(p, y) for p, y in zip(out["period"], out["year"], strict=True)]
    out["label"] = [
        f"{QUALIFIER_PREFIX[q]}{v:g}%"
        for v, q in zip(out["share_pct"], out["qualifier"], strict=True)
    ]
    out["granularity"] = [
        "quarter"
        if _QUARTER.match(p.strip())
        else "year"
        if re.fullmatch(r"\d{4}", p.strip())
        else "other"
        for p in out["period"]
    ]
    return out.sort_values(["measure", "currency", "granularity", "x"], ignore_index=True)


def settlement_figure(
    settlements: pd.DataFrame,
    *,
    currencies: Sequence[str] | None = ("usd", "rub_plus_cny"),
    measures: Sequence[str] | None = None,
) -> go.Figure:
    """Reported currency shares in Russia-China settlements (claim C14).

    One trace per measure, currency and period length (years, quarters, other): figures of
    different measures are never joined by a line, because they are shares of different
    things, and annual figures are not joined to quarterly ones. Colour = currency, symbol =
    measure; "~" and ">" in the labels repeat the source's "about" and "more than".
    """
    frame = currency_frame(settlements, currencies=currencies, measures=measures)
    fig = _new_figure()
    groups = frame.groupby(["measure", "currency", "granularity"], sort=False)
    for (measure, currency, granularity), part in groups:
        color = CURRENCY_COLORS[currency]
        joined = granularity != "other" and len(part) > 1
        hover = [
            f"{CURRENCY_LABELS[currency]}: {a} of {MEASURE_LABELS[measure].split(' (')[0]}"
            f"<br>period: {p}<br>scope: {s}<br>source: {u.split('/')[2] if '//' in u else u}"
            + ("" if v else "<br>unverified")
            for a, p, s, u, v in zip(
                part["label"],
                part["period"],
                part["scope"],
                part["source_url"],
                part["verified"],
                strict=True,
            )
        ]
        fig.add_trace(
            _trace(
                "scatter",
                x=part["x"].tolist(),
                y=part["share_pct"].tolist(),
                mode="lines+markers+text" if joined else "markers+text",
                name=f"{CURRENCY_LABELS[currency]}: {MEASURE_SHORT[measure]}"
                + {"quarter": ", quarterly", "year": ", annual", "other": ""}[granularity],
                line={
                    "color": color,
                    "width": 1.5,
                    "dash": "dot" if granularity == "quarter" else "solid",
                },
                marker={
                    "symbol": MEASURE_SYMBOLS[measure],
                    "size": 11,
                    "color": color,
                    "line": {"color": "white", "width": 1},
                },
                # exact values are in the hover; "about" and "more than" are written out
                text=[
                    lab if q != "exact" else ""
                    for lab, q in zip(part["label"], part["qualifier"], strict=True)
                ],
                textposition="top center",
                textfont={"size": 11, "color": FONT["color"]},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_xaxes(
        title_text="year (quarters and months placed within the year)",
        dtick=1,
        range=[2012.8, 2026.2],
    )
    fig.update_yaxes(title_text="share of the settlements measured, %", range=[0, 105])
    _base_layout(
        fig, title="Reported currency shares in Russia-China settlements", height=560, bottom=130
    )
    fig.update_layout(legend={"font": {"size": 11}})
    _source_note(
        fig,
        "Source: data/settlement_currency.csv (Bank of Russia data as reported by Interfax, RBC "
        "and Bloomberg; Nikkei; statements by Russian officials). Symbols = what is measured;<br>"
        "different measures are not one series. Labels: ~ = 'about', > = 'more than', as the "
        "source says (exact values on hover).<br>Russia has not published these shares by "
        "partner since 2022.",
        y=-0.2,
    )
    return fig.figure()


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
    for trace in fig.data:
        if trace.showlegend is False or not trace.name or trace.y is None or trace.x is None:
            continue
        pairs = [
            (float(x), float(y))
            for x, y in zip(trace.x, trace.y, strict=False)
            if _finite([y]) and _finite([x])
        ]
        if pairs:
            name = re.sub(r"<[^>]+>", "", str(trace.name))
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
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = str(meta.get("title") or fig.layout.title.text or "Chart")
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


# ----------------------------------------------------------------------------------- tables


def _table_html(frame: pd.DataFrame) -> str | None:
    inner = frame._repr_html_()
    if inner is None:
        return None
    return (
        '<div class="rapprochement-table" role="region" tabindex="0" '
        'aria-label="Table (scroll sideways with the arrow keys if it is wider than the page)" '
        'style="overflow-x:auto;max-width:100%">' + inner + "</div>"
    )


def plain_tables() -> None:
    """Show data frames in this notebook as plain, keyboard-scrollable tables.

    * ``display.html.use_mathjax`` off: pandas marks its tables ``tex2jax_ignore`` /
      ``mathjax_ignore``, so a cell with two "$" (a source note quoting dollar amounts) is
      never typeset as a formula;
    * each table sits in a box that scrolls sideways and can take the keyboard focus (a wide
      table on a narrow screen is otherwise out of reach for keyboard users; WCAG 2.1.1).

    Call it once at the top of a notebook; outside IPython only the pandas option is set.
    """
    pd.set_option("display.html.use_mathjax", False)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _table_html)
