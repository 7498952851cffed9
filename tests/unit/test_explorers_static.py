"""The kernel-free explorers: same chart code as the widgets, every control wired correctly.

The browser tests in tests/book click every control in Chromium; these check the figures'
structure in Python: each state is what the chart function draws for that setting.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from rapprochement import charts
from rapprochement.explorers import registry, static
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
            if step.method in ("restyle", "update"):
                assert max(step.args[-1]) < n
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


# --- hovers and names that say the rate: written once, filled in by plotly ------------------


def _hover(trace, look, meta: dict) -> str:
    """What plotly shows for one point: the text put into the hovertemplate, then the
    layout's meta into its ``%{meta.KEY}`` placeholders."""
    shown = trace.hovertemplate.replace("%{text}", look["text"] or "")
    for key, value in meta.items():
        shown = shown.replace("%{meta." + key + "}", value)
    return shown.replace("<extra></extra>", "")


def test_rate_words_and_fixed_lines_go_into_the_template() -> None:
    rates = ["-10.0%", "+5.0%", "+25.0%"]
    texts = [
        "Target X<br>reached at -10.0%: never at this rate<br>needed: 7.2%",
        "Target X<br>reached at +5.0%: 2039<br>needed: 7.2%",
        "Target X<br>reached at +25.0%: 2017<br>needed: 7.2%",
    ]
    looks = [
        {"x": [1992, 2035], "text": t, "name": f"X at {r}"}
        for t, r in zip(texts, rates, strict=True)
    ]
    trace = go.Scatter(x=[1992, 2035], y=[1, 1], text=texts[1], name="X at +5.0%")
    trace.hovertemplate = static.TEXT_ONLY
    static.rate_from_meta(trace, looks, 1, rates, "rate_2011")
    assert "%{meta.rate_2011}" in trace.hovertemplate
    assert [look["text"] for look in looks] == ["never at this rate", "2039", "2017"]
    assert trace.text == "2039" and trace.name == "X at %{meta.rate_2011}"
    for look, rate, text in zip(looks, rates, texts, strict=True):
        assert _hover(trace, look, {"rate_2011": rate}) == text
        assert look["name"].replace("%{meta.rate_2011}", rate) == f"X at {rate}"


def test_a_rate_that_stays_in_the_text_is_not_replaced() -> None:
    # the rate sits after words that change: the text cannot lose it, so it stays as written
    rates = ["+1.0%", "+2.0%"]
    texts = ["reached in 2030 at +1.0%", "reached in 2041 at +2.0%"]
    looks = [{"x": [2030], "text": t, "name": None} for t in texts]
    trace = go.Scatter(x=[2030], y=[1], text=texts[0])
    trace.hovertemplate = static.TEXT_ONLY
    static.rate_from_meta(trace, looks, 0, rates, "rate_2011")
    assert not any("%{" in look["text"] for look in looks)
    for look, rate, text in zip(looks, rates, texts, strict=True):
        assert _hover(trace, look, {"rate_2011": rate}) == text


def test_common_words_never_split_a_tag_or_a_placeholder() -> None:
    assert static._common_words(["a <b>x</b> 1", "a <b>x</b> 2"]) == ("", "")
    assert static._common_words(["%{y} 1", "%{y} 2"]) == ("", "")
    assert static._common_words(["at %{meta.k}: 1", "at %{meta.k}: 2"]) == ("at %{meta.k}: ", "")
    assert static._common_words(["same", "same"]) == ("same", "")
