"""The currency explorer's chart: reported currency shares in Russia-China settlements (C14)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import tables
from ..tables import CURRENCY_LABELS, MEASURE_LABELS, MEASURE_SHORT
from .style import PALETTE, TEXT, Spec, base_layout, source_note, trace

__all__ = [
    "CURRENCY_COLORS",
    "MEASURE_SYMBOLS",
    "missing_note",
    "settlement_chart",
    "settlement_figure",
]

CURRENCY_COLORS = {
    "usd": PALETTE["blue"],
    "eur": PALETTE["brown"],
    "rub": PALETTE["vermillion"],
    "cny_or_other": PALETTE["reddish_purple"],
    "rub_plus_cny": PALETTE["bluish_green"],
}
MEASURE_SYMBOLS = {
    "russian_export_receipts_from_china": "circle",
    "russian_exports_to_china": "triangle-up",
    "total_trade_goods_and_services": "square",
    "all_bilateral_settlements": "diamond",
    "official_statement": "star",
}


def _domain(url: str) -> str:
    return url.split("/")[2] if "//" in url else url


def _hover(part: dict[str, list[Any]], currency: str, measure: str) -> tuple[str, list[Any]]:
    """The hover template of one trace and its per-point ``customdata``.

    ``part`` holds the trace's rows of a :func:`tables.currency_frame`, column by column.
    What every point of the trace shares (currency and measure, and the scope and source
    when they are the same for all points) is written once into the template; only what
    differs from point to point travels with each point. The hover reads the same as when
    each point carried its whole text.
    """
    fields = {
        "period": [str(p) for p in part["period"]],
        "scope": [str(p) for p in part["scope"]],
        "source": [_domain(str(u)) for u in part["source_url"]],
        "unverified": ["" if v else "<br>unverified" for v in part["verified"]],
    }
    # a value with "%{" would start a placeholder in the template: it stays per point
    varying = ["label"] + [
        k for k, v in fields.items() if len(set(v)) > 1 or any("%{" in x for x in v)
    ]

    def slot(name: str) -> str:
        if name in varying:
            return "%{customdata[" + str(varying.index(name)) + "]}"
        return fields[name][0] if fields[name] else ""

    template = (
        f"{CURRENCY_LABELS[currency]}: {slot('label')} of "
        f"{MEASURE_LABELS[measure].split(' (')[0]}"
        f"<br>period: {slot('period')}<br>scope: {slot('scope')}<br>source: {slot('source')}"
        f"{slot('unverified')}<extra></extra>"
    )
    columns = [[str(lab) for lab in part["label"]]] + [fields[k] for k in varying[1:]]
    if len(columns) == 1:  # one value per point: a flat list, %{customdata}
        return template.replace("%{customdata[0]}", "%{customdata}"), columns[0]
    return template, [list(row) for row in zip(*columns, strict=True)]


def settlement_chart(frame: pd.DataFrame) -> go.Figure:
    """Draw a :func:`tables.currency_frame`.

    One trace per measure, currency and period length (years, quarters, other): figures of
    different measures are never joined by a line, because they are shares of different
    things, and annual figures are not joined to quarterly ones. Colour = currency, symbol =
    measure; "~" and ">" in the labels repeat the source's "about" and "more than".
    """
    fig = Spec()
    # what every trace shares, once in the chart's template
    fig.shared(
        "scatter",
        line={"width": 1.5},
        marker={"size": 11, "line": {"color": "white", "width": 1}},
        textposition="top center",
        textfont={"size": 11, "color": TEXT},
    )
    # the rows grouped in plain Python (as groupby(sort=False): groups in order of first row)
    names = ["measure", "currency", "granularity", "x", "share_pct", "label", "qualifier"]
    names += ["period", "scope", "source_url", "verified"]
    columns = {name: frame[name].tolist() for name in names}
    groups: dict[tuple[str, str, str], dict[str, list[Any]]] = {}
    for i, key in enumerate(
        zip(columns["measure"], columns["currency"], columns["granularity"], strict=True)
    ):
        part = groups.setdefault(key, {name: [] for name in names})
        for name in names:
            part[name].append(columns[name][i])
    for (measure, currency, granularity), part in groups.items():
        color = CURRENCY_COLORS[currency]
        joined = granularity != "other" and len(part["x"]) > 1
        hover, customdata = _hover(part, currency, measure)
        # exact values are in the hover; "about" and "more than" are written out
        labels = [
            lab if q != "exact" else ""
            for lab, q in zip(part["label"], part["qualifier"], strict=True)
        ]
        fig.add_trace(
            trace(
                "scatter",
                x=part["x"],
                y=part["share_pct"],
                mode="lines+markers+text" if joined else "markers+text",
                name=f"{CURRENCY_LABELS[currency]}: {MEASURE_SHORT[measure]}"
                + {"quarter": ", quarterly", "year": ", annual", "other": ""}[granularity],
                # (the line takes the marker's colour: plotly's default)
                line={"dash": "dot" if granularity == "quarter" else "solid"},
                marker={"symbol": MEASURE_SYMBOLS[measure], "color": color},
                # no text at all rather than an empty one for each point
                text=labels if any(labels) else None,
                customdata=customdata,
                hovertemplate=hover,
            )
        )
    fig.update_xaxes(
        title_text="year (quarters, months within it)",
        dtick=1,
        range=[2012.8, 2026.2],
    )
    fig.update_yaxes(title_text="share of the settlements measured, %", range=[0, 105])
    base_layout(fig, title="Reported currency shares in Russia-China settlements", height=560)
    fig.update_layout(legend={"font": {"size": 11}})
    source_note(
        fig,
        "Source: data/settlement_currency.csv (Bank of Russia data as reported by Interfax, RBC "
        "and Bloomberg; Nikkei; statements by Russian officials). Symbols = what is measured;<br>"
        "different measures are not one series. Labels: ~ = 'about', > = 'more than', as the "
        "source says (exact values on hover).<br>Russia has not published these shares by "
        "partner since 2022.",
    )
    return fig.figure()


def settlement_figure(
    settlements: pd.DataFrame,
    *,
    currencies: Sequence[str] | None = ("usd", "rub_plus_cny"),
    measures: Sequence[str] | None = None,
) -> go.Figure:
    """Reported currency shares from ``settlement_currency.csv`` (see :func:`settlement_chart`)."""
    frame = tables.currency_frame(settlements, currencies=currencies, measures=measures)
    return settlement_chart(frame)


def missing_note(
    settlements: pd.DataFrame, currencies: Sequence[str], measures: Sequence[str]
) -> str:
    """A note naming each chosen measure and currency that draws nothing in this choice.

    A measure reported only for other currencies (the Bloomberg figure is a euro share) would
    otherwise change nothing on the chart when it is ticked, and say nothing: the note names
    the currencies that have a figure for it. Empty when every choice draws something.
    """
    have = set(zip(settlements["measure"], settlements["currency"], strict=True))
    notes = []
    for measure in measures:
        if any((measure, c) in have for c in currencies):
            continue
        others = [CURRENCY_LABELS[c] for c in CURRENCY_LABELS if (measure, c) in have]
        name = MEASURE_LABELS[measure].split(" (")[0]
        notes.append(
            f"{name}: no figure in the chosen currencies"
            + (f" (reported for: {', '.join(others)}; add it to see it)." if others else ".")
        )
    for currency in currencies:
        if not any((m, currency) in have for m in measures):
            notes.append(f"{CURRENCY_LABELS[currency]}: no figure for the chosen measures.")
    return " ".join(notes)
