"""The settlement-currency explorer (rapprochement.explorers.settlements)."""

from __future__ import annotations

from rapprochement import explorers
from rapprochement_support.figs import shown as _shown


def test_settlement_measure_filter(frames):
    w = explorers.settlements.SettlementCurrencies(frames["settlements"])
    w.controls["measures"].value = ("official_statement",)
    shown = _shown(w.view)
    assert shown and all("officials' statements" in t.name for t in shown)
    w.controls["currencies"].value = ()
    assert "at least one currency" in w.error


def test_a_measure_that_draws_nothing_says_why(frames):
    """Ticking a measure reported only in other currencies names the currencies it has."""
    w = explorers.settlements.SettlementCurrencies(frames["settlements"])
    w.controls["currencies"].value = ("usd",)
    w.controls["measures"].value = ("russian_exports_to_china", "all_bilateral_settlements")
    assert not w.error
    assert "Russia's exports to China: no figure in the chosen currencies" in w.note
    assert "reported for: euro" in w.note
    assert "rapprochement-note" in w.message.value
    w.controls["currencies"].value = ("usd", "eur")
    assert "exports to China" not in w.note
    w.controls["currencies"].value = ("usd", "rub")
    assert "rouble: no figure for the chosen measures." in w.note
