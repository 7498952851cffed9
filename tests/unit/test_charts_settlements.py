"""The settlement-currency chart (rapprochement.charts.settlements): one measure per trace."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from rapprochement import charts, data, tables
from rapprochement.tables.common import MEASURE_SHORT


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


def _trace(fig: go.Figure, name_part: str, mode: str | None = None):
    found = [
        t for t in fig.data if t.name and name_part in t.name and (mode is None or t.mode == mode)
    ]
    assert found, f"no trace named like {name_part!r}: {[t.name for t in fig.data]}"
    return found[0]


def test_settlement_traces_never_mix_measures(frames):
    fig = charts.settlements.settlement_figure(frames["settlements"], currencies=None)
    frame = tables.currency_frame(frames["settlements"])
    for trace in fig.data:
        measure = next(m for m, label in MEASURE_SHORT.items() if label in trace.name)
        rows = frame[frame["measure"] == measure]
        assert set(trace.y) <= set(rows["share_pct"])
        if measure == "official_statement":
            assert "lines" not in trace.mode  # statements are never joined into a line
    usd = _trace(fig, "US dollar: all settlements (Nikkei), annual")
    assert usd.text[0] == "~90%"  # 2015: 'about 90%'
    euro = _trace(fig, "euro: exports to China (CBR)")
    assert euro.text[0] == ">75%"  # 2020-Q4: 'more than 75%'
