"""The kernel-free explorers: same chart code as the widgets, every control wired correctly.

The browser tests in tests/book click every control in Chromium; these check the figures'
structure in Python: each state is what the chart function draws for that setting.
"""

from __future__ import annotations

import pytest

from rapprochement import charts
from rapprochement.explorers import registry
from rapprochement_support.figs import built
from rapprochement_support.figs import visible as _visible


@pytest.mark.parametrize("name", list(registry.NAMES))
def test_every_control_addresses_every_trace_of_its_figure(name: str) -> None:
    fig = built(name)
    n = len(fig.data)
    assert fig.layout.updatemenus, f"{name} has no menu"
    for menu in fig.layout.updatemenus:
        assert len(menu.buttons) >= 2
        for button in menu.buttons:
            visible = button.args[0].get("visible")
            if visible is not None:
                assert len(visible) == n and any(visible), (name, button.label)
    for slider in fig.layout.sliders or ():
        for step in slider.steps:
            if step.method == "restyle":
                assert max(step.args[1]) < n
    assert fig.layout.meta["static_explorer"] is True


def test_partner_share_and_settlement_menus_show_only_their_series(tables) -> None:
    shares = built("shares")
    by_label = {b.label: b.args[0]["visible"] for b in shares.layout.updatemenus[0].buttons}
    assert all(by_label["all series"])
    computed = by_label["computed only"]
    for trace, shown in zip(shares.data, computed, strict=True):
        assert shown == (trace.legendgroup == "russia_in_china_trade_computed")
    settle = built("settlements")
    shown = [t.name for t in _visible(settle)]
    assert shown and all(n.startswith(("US dollar", "rouble + yuan")) for n in shown)
    expected = charts.settlements.settlement_figure(tables["settlement_currency"])
    assert sorted(shown) == sorted(t.name for t in expected.data)
