"""The partner-shares explorer (rapprochement.explorers.shares)."""

from __future__ import annotations

from rapprochement import explorers
from rapprochement_support.figs import shown as _shown


def test_partner_shares_empty_selection(frames):
    w = explorers.shares.PartnerShares(frames["trade"], frames["totals"], frames["shares"])
    w.controls["series"].value = ()
    assert "at least one" in w.error
    w.controls["series"].value = ("china_in_russia_trade",)
    assert w.error == ""
    assert [t.name for t in _shown(w.view)] == ["China's share of Russia's trade (reported)"]
