"""The kernel-free explorers: same chart code as the widgets, every control wired correctly.

The browser tests in tests/book click every control in Chromium; these check the figures'
structure in Python: each state is what the chart function draws for that setting.
"""

from __future__ import annotations

import math

import pytest

from rapprochement import charts, data, explorers
from rapprochement.explorers import registry
from rapprochement.explorers.targets import DEFAULT_TARGETS


@pytest.fixture(scope="module")
def tables() -> dict:
    return {
        "trade": data.load_trade(),
        "targets": data.load_targets(),
        "us_cpi": data.load_us_cpi(),
        "settlement_currency": data.load_settlement_currency(),
        "events": data.load_events(),
    }


_BUILT: dict = {}


def built(name: str):
    """Each explorer once per test run (the growth explorer takes a few seconds)."""
    if name not in _BUILT:
        _BUILT[name] = registry.get(name).build_static()
    return _BUILT[name]


def _visible(fig, mask=None) -> list:
    mask = mask if mask is not None else [t.visible is not False for t in fig.data]
    return [t for t, shown in zip(fig.data, mask, strict=True) if shown]


def _values(seq) -> list:
    """NaN (a gap in a line) compares equal to NaN here; numbers to 0.001, the precision the
    explorers keep (US$ bn; the hovers show 0.1)."""
    return [
        "NaN"
        if isinstance(v, float) and math.isnan(v)
        else round(v, 3)
        if isinstance(v, float)
        else v
        for v in (seq or [])
    ]


def _same_traces(a, b) -> None:
    assert [t.name for t in a] == [t.name for t in b]
    for x, y in zip(a, b, strict=True):
        assert _values(x.x) == _values(y.x) and _values(x.y) == _values(y.y)


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


def test_targets_default_state_is_what_the_widget_draws(tables) -> None:
    fig = built("targets")
    expected = charts.targets.target_explorer_figure(
        tables["trade"],
        tables["targets"],
        tables["us_cpi"],
        start=2000,
        end=int(tables["trade"]["year"].max()),
        target_ids=list(DEFAULT_TARGETS),
    )
    _same_traces(_visible(fig), list(expected.data))
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels[0].startswith("China customs · Total")
    base = int(tables["us_cpi"]["year"].max())
    assert any(label.endswith(f"US$ of {base}") for label in labels)
    # the buttons split the traces into disjoint states
    masks = [b.args[0]["visible"] for b in fig.layout.updatemenus[0].buttons]
    assert all(sum(col) == 1 for col in zip(*masks, strict=True))


def test_targets_real_dollar_state_matches_the_chart_function(tables) -> None:
    fig = built("targets")
    base = int(tables["us_cpi"]["year"].max())
    button = next(
        b
        for b in fig.layout.updatemenus[0].buttons
        if b.label == f"Russian side · Total turnover · US$ of {base}"
    )
    expected = charts.targets.target_explorer_figure(
        tables["trade"],
        tables["targets"],
        tables["us_cpi"],
        start=2000,
        end=int(tables["trade"]["year"].max()),
        source="russia",
        dollars="real",
        base_year=base,
        target_ids=list(DEFAULT_TARGETS),
    )
    _same_traces(_visible(fig, button.args[0]["visible"]), list(expected.data))


def test_growth_slider_restyles_the_projection_to_the_chosen_rate(tables) -> None:
    fig = built("growth")
    menu = fig.layout.updatemenus[0]
    k = [b.label for b in menu.buttons].index("base year 2020")
    assert menu.active == k and fig.layout.sliders[k].visible is True
    slider = fig.layout.sliders[k]
    step = next(s for s in slider.steps if s.label == "+5%")
    props, indices = step.args
    projected = [i for i, j in enumerate(indices) if str(props["name"][i]).startswith("Projected")]
    assert len(projected) == 1
    xs, ys = props["x"][projected[0]], props["y"][projected[0]]
    # by hand: trade.csv's 2020 China customs total times 1.05, then 1.05 squared
    rows = tables["trade"]
    base = float(
        rows[(rows.year == 2020) & (rows.reporter == "china_customs") & (rows.flow == "total")][
            "value_usd_bn"
        ].iloc[0]
    )
    assert xs[:3] == [2020, 2021, 2022]
    # (the explorer stores values to 0.001bn; the hover shows 0.1bn)
    assert math.isclose(ys[1], base * 1.05, abs_tol=5e-4)
    assert math.isclose(ys[2], base * 1.05**2, abs_tol=5e-4)
    # and the whole step is what the chart function draws at that rate
    drawn = charts.growth.projection_figure(
        tables["trade"],
        tables["targets"],
        base_year=2020,
        rate=0.05,
        target_ids=list(DEFAULT_TARGETS[1:]),
    )
    line = next(t for t in drawn.data if t.name and t.name.startswith("Projected"))
    assert len(line.y) == len(ys)
    assert all(math.isclose(a, b, abs_tol=5e-4) for a, b in zip(line.y, ys, strict=True))
    # other base years' sliders are hidden until their base year is chosen
    relayout = menu.buttons[0].args[1]
    assert relayout["sliders[0].visible"] is True and relayout[f"sliders[{k}].visible"] is False


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


def test_timeline_theme_buttons_and_periods(tables) -> None:
    fig = explorers.timeline.static(highlight=["2021-03-23"], start_year=2014, end_year=2021)
    themes, periods = fig.layout.updatemenus
    for button in themes.buttons[1:]:
        visible = button.args[0]["visible"]
        names = [t.name for t, v in zip(fig.data, visible, strict=True) if v]
        assert names == [button.label]
    assert periods.buttons[0].label == "2014-2021"
    same = charts.timeline.timeline_figure(tables["events"], 2014, 2021, None, ["2021-03-23"])
    assert list(fig.layout.xaxis.range) == list(same.layout.xaxis.range)
    with pytest.raises(ValueError):
        explorers.timeline.static(highlight=["1850-01-01"])


def test_growth_hover_texts_are_what_the_chart_function_writes(tables) -> None:
    """The explorer moves the hover lines no rate changes into each trace's hovertemplate;
    a reader must still see the chart function's text, whole, at every rate tried here."""
    fig = built("growth")
    k = [b.label for b in fig.layout.updatemenus[0].buttons].index("base year 2021")
    for rate in (-10, 5, 25):
        step = next(s for s in fig.layout.sliders[k].steps if s.label == f"{rate:+d}%")
        props, indices = step.args
        shown = set()
        for i, trace_index in enumerate(indices):
            template = fig.data[trace_index].hovertemplate or ""
            text = props["text"][i]
            if "%{text}" in template and text is not None:
                texts = [text] if isinstance(text, str) else text
                for t in texts:
                    shown.add(template.replace("%{text}", t).replace("<extra></extra>", ""))
        drawn = charts.growth.projection_figure(
            tables["trade"],
            tables["targets"],
            base_year=2021,
            rate=rate / 100,
            target_ids=list(DEFAULT_TARGETS[1:]),
        )
        expected = {
            t
            for trace in drawn.data
            if trace.hovertemplate == "%{text}<extra></extra>" and trace.text is not None
            for t in ([trace.text] if isinstance(trace.text, str) else trace.text)
        }
        assert shown == expected, rate
