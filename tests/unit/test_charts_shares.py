"""The partner-shares chart (rapprochement.charts.shares): qualifiers and unverified rows marked."""

from __future__ import annotations

from rapprochement import charts, tables
from rapprochement_support.figs import trace as _trace


def test_partner_shares_figure_marks_qualifiers_and_unverified(frames):
    frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    fig = charts.shares.partner_shares_figure(frame)
    exports = _trace(fig, "China's share of Russia's exports")
    assert "~27%" in exports.text  # Gaidar Institute, 'about 27%'
    hollow = _trace(fig, "unverified (hollow)")
    assert hollow.marker.symbol.endswith("-open") and 2024 in hollow.x
