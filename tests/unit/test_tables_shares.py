"""The partner-share table (rapprochement.tables.shares), checked against data/*.csv by hand."""

from __future__ import annotations

import pytest

from rapprochement import tables
from rapprochement_support.expected import GACC_TOTAL

CHINA_TOTAL_2022 = 6300  # totals_context.csv, verified


# --- dependence and currencies --------------------------------------------------------------


def test_russia_share_of_china_trade(frames):
    frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    computed = frame[frame["series"] == "russia_in_china_trade_computed"].set_index("year")
    assert computed.loc[2022, "share_pct"] == pytest.approx(
        100 * GACC_TOTAL[2022] / CHINA_TOTAL_2022
    )
    assert bool(computed.loc[2022, "verified"]) is True
    assert bool(computed.loc[2024, "verified"]) is False  # China's 2024 total is unverified
    reported = frame[frame["series"] == "russia_in_china_trade"]
    assert reported["share_pct"].tolist() == [3.0]  # GACC spokesman, 2022
