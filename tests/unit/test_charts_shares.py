"""The partner-shares chart (rapprochement.charts.shares): qualifiers and unverified rows marked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from rapprochement import charts, data, tables


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


def _trace(fig: go.Figure, name_part: str, mode: str | None = None):
    found = [
        t for t in fig.data if t.name and name_part in t.name and (mode is None or t.mode == mode)
    ]
    assert found, f"no trace named like {name_part!r}: {[t.name for t in fig.data]}"
    return found[0]


def test_partner_shares_figure_marks_qualifiers_and_unverified(frames):
    frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    fig = charts.shares.partner_shares_figure(frame)
    exports = _trace(fig, "China's share of Russia's exports")
    assert "~27%" in exports.text  # Gaidar Institute, 'about 27%'
    hollow = _trace(fig, "unverified (hollow)")
    assert hollow.marker.symbol.endswith("-open") and 2024 in hollow.x
