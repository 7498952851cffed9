"""The partner-shares explorer (rapprochement.explorers.shares)."""

from __future__ import annotations

import pandas as pd
import pytest

from rapprochement import data, explorers


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


def _shown(view) -> list:
    """The traces drawn on screen (an update that fits restyles the traces already there and
    hides the ones it does not need: see test_explorers_widget_draw.py)."""
    return [t for t in view.data if t.visible is not False]


def test_partner_shares_empty_selection(frames):
    w = explorers.shares.PartnerShares(frames["trade"], frames["totals"], frames["shares"])
    w.controls["series"].value = ()
    assert "at least one" in w.error
    w.controls["series"].value = ("china_in_russia_trade",)
    assert w.error == ""
    assert [t.name for t in _shown(w.view)] == ["China's share of Russia's trade (reported)"]
