"""The settlement chart's hovers: each point says what it is, of what, when, where and from
whom, read from its row of data/settlement_currency.csv."""

from __future__ import annotations

import re

from rapprochement import charts, data
from rapprochement.tables import CURRENCY_LABELS


def _rendered(template: str, customdata: str | list[str]) -> str:
    """The hover plotly draws: %{customdata} or each %{customdata[i]} replaced by the point's
    value."""
    if isinstance(customdata, str):
        return template.replace("%{customdata}", customdata)
    return re.sub(r"%\{customdata\[(\d+)\]\}", lambda m: str(customdata[int(m[1])]), template)


def test_every_hover_names_the_rows_scope_period_and_source() -> None:
    settle = data.load_settlement_currency()
    fig = charts.settlements.settlement_figure(settle, currencies=None)
    rows = settle.assign(site=[u.split("/")[2] for u in settle["source_url"]])
    seen = 0
    for trace in fig.data:
        for x, y, custom in zip(trace.x, trace.y, trace.customdata, strict=True):
            hover = _rendered(
                trace.hovertemplate, custom if isinstance(custom, str) else list(custom)
            )
            assert "%{" not in hover
            period = re.search(r"period: ([^<]+)", hover)[1]
            row = rows[(rows["period"].astype(str) == period) & (rows["share_pct"] == y)]
            row = row[[CURRENCY_LABELS[c] in hover for c in row["currency"]]]
            assert len(row) == 1, (hover, x, y)
            r = row.iloc[0]
            assert hover.startswith(f"{CURRENCY_LABELS[r['currency']]}: ")
            assert f"scope: {r['scope']}<br>" in hover
            assert f"source: {r['site']}" in hover
            assert ("unverified" in hover) == (not r["verified"])
            seen += 1
    assert seen == len(settle)
