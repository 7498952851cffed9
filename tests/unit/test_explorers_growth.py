"""The growth projector (rapprochement.explorers.growth), live and kernel-free: set controls
from Python, read the figure and the message. Expected values are read by hand from data/*.csv."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapprochement import charts, explorers
from rapprochement.explorers.targets import DEFAULT_TARGETS
from rapprochement_support.figs import built
from rapprochement_support.figs import by_name as _by_name
from rapprochement_support.figs import shown as _shown


def test_growth_of_minus_100_percent_shows_a_message(projector):
    projector.controls["rate_pct"].value = -100
    assert "-100%" in projector.error
    assert "Cannot draw this" in projector.message.value


def test_target_met_in_base_year_is_explained(projector):
    projector.controls["targets"].value = ("200bn-by-2024",)
    projector.controls["base_year"].value = 2023
    assert "Already met in the base year 2023" in projector.note
    assert projector.table.iloc[0]["reached at this rate"] == "already met"


def test_missing_base_year_for_russian_side(projector):
    projector.controls["source"].value = "russia"
    projector.controls["base_year"].value = 2024
    assert "No trade figure for the base year 2024" in projector.error


def test_projection_follows_the_controls(projector):
    projector.controls["base_year"].value = 2019
    projector.controls["rate_pct"].value = 5
    proj = next(t for t in projector.view.data if t.name.startswith("Projected"))
    assert proj.x[0] == 2019 and proj.y[0] == 110.75
    assert proj.y[1] == pytest.approx(110.75 * 1.05)
    row = projector.table.set_index("target").loc["USD 200bn by 2024 (set 2019)"]
    assert row["reached at this rate"] == "2032"  # 110.75 x 1.05^13 = 208.8 >= 200
    assert "2032" in projector.table_html.value


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.integers(1992, 2025),
    rate=st.floats(-100, 40),
    source=st.sampled_from(["china_customs", "russia"]),
)
def test_no_setting_of_the_projector_raises(projector, frames, base, rate, source):
    projector.controls["source"].value = source
    projector.controls["base_year"].value = base
    projector.controls["rate_pct"].value = rate
    rate = projector.controls["rate_pct"].value  # as the slider holds it
    # What the setting must give, worked out from the raw rows of trade.csv: a base year
    # without a total row for the source, or a rate of -100% or less, is refused with a message;
    # any other setting draws trade growing from the base year's figure by the rate each year.
    trade = frames["trade"]
    row = trade[
        (trade["reporter"] == source) & (trade["flow"] == "total") & (trade["year"] == base)
    ]
    impossible = row.empty or rate <= -100
    assert bool(projector.error) == impossible, (projector.error, base, rate, source)
    if impossible:
        assert 'role="alert"' in projector.message.value
        if not row.empty:  # the base year is fine: the rate is the only problem
            assert "-100%" in projector.error
        return
    start = float(row["value_usd_bn"].iloc[0])
    end = projector.controls["end_year"].value
    projected = next(t for t in projector.view.data if t.name.startswith("Projected"))
    assert list(projected.x) == list(range(base, end + 1))
    expected = [start * (1 + rate / 100) ** (year - base) for year in range(base, end + 1)]
    assert list(projected.y) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_deselecting_every_target_keeps_the_projector_working(projector):
    # this used to raise a KeyError inside build() that update() did not catch: the explorer
    # froze and every later control change did nothing
    projector.controls["targets"].value = ()
    assert projector.error == ""
    assert "No target selected" in projector.message.value
    assert not any(t.name.startswith("Target") for t in _shown(projector.view))
    projector.controls["rate_pct"].value = 12.0
    projector.controls["base_year"].value = 2015
    projected = next(t for t in _shown(projector.view) if t.name.startswith("Projected"))
    assert "+12.0% a year from 2015" in projected.name


def _fill(text: str, meta: dict) -> str:
    """What plotly writes for ``%{meta.KEY}`` in a trace name or hovertemplate."""
    return re.sub(r"%\{meta\.(\w+)\}", lambda m: str(meta[m.group(1)]), text)


def _state(fig, k: int, label: str) -> list[dict]:
    """The traces of base year number ``k`` after its slider's step ``label``, as plotly
    draws them: the step's properties set on the traces it names, its relayout on the
    layout's meta, placeholders filled in; hovers written out from each hovertemplate."""
    step = next(s for s in fig.layout.sliders[k].steps if s.label == label)
    assert step.method == "update"
    props, relayout, indices = step.args
    meta = dict(fig.layout.meta)
    meta.update({key.split(".", 1)[1]: value for key, value in relayout.items()})
    visible = list(fig.layout.updatemenus[0].buttons[k].args[0]["visible"])
    lo, hi = visible.index(True), visible.index(True) + sum(visible)
    traces = []
    for t in range(lo, hi):
        trace = fig.data[t].to_plotly_json()
        if t in indices:
            for prop, values in props.items():
                trace[prop] = values[list(indices).index(t)]
        template = trace.get("hovertemplate") or ""
        text = trace.get("text")
        # plotly fills %{text} from an array only: a single text shows as "-"
        n = len(trace.get("x") or [])
        texts = list(text) if isinstance(text, list | tuple) else ["-"] * n
        hovers = [
            _fill(template.replace("%{text}", t), meta).replace("<extra></extra>", "")
            for t in texts
        ]
        name = _fill(trace["name"], meta) if trace.get("name") else None
        traces.append({**trace, "name": name, "hovers": hovers})
    return traces


def test_growth_slider_restyles_the_projection_to_the_chosen_rate(tables) -> None:
    fig = built("growth")
    menu = fig.layout.updatemenus[0]
    k = [b.label for b in menu.buttons].index("base year 2020")
    assert menu.active == k and fig.layout.sliders[k].visible is True
    shown = _state(fig, k, "+5%")
    projected = [t for t in shown if str(t["name"]).startswith("Projected")]
    assert [t["name"] for t in projected] == ["Projected: +5.0% a year from 2020"]
    xs, ys = projected[0]["x"], projected[0]["y"]
    # by hand: trade.csv's 2020 China customs total times 1.05, then 1.05 squared
    rows = tables["trade"]
    base = float(
        rows[(rows.year == 2020) & (rows.reporter == "china_customs") & (rows.flow == "total")][
            "value_usd_bn"
        ].iloc[0]
    )
    assert list(xs[:3]) == [2020, 2021, 2022]
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


@pytest.mark.parametrize("base", [2011, 2021, 2023, 2025])
def test_growth_states_are_what_the_chart_function_draws(tables, base) -> None:
    """At each rate tried, the base year's traces after the slider's step show what the chart
    function draws: the same names, points and hover texts (the explorer moves what no rate
    changes into each trace's hovertemplate, and the rate into the layout's meta)."""
    fig = built("growth")
    k = [b.label for b in fig.layout.updatemenus[0].buttons].index(f"base year {base}")
    for rate in (-10, 5, 25):
        shown = [t for t in _state(fig, k, f"{rate:+d}%") if len(t["x"] or [])]
        drawn = charts.growth.projection_figure(
            tables["trade"],
            tables["targets"],
            base_year=base,
            rate=rate / 100,
            target_ids=list(DEFAULT_TARGETS[1:]),
        )

        def key(name, x, y):
            return (str(name), tuple(x), tuple(round(v, 3) for v in y))

        # (as sets: the chart draws a star where the projection reaches each target, two
        # stars on one spot for the two USD 200bn targets, which the explorer draws once)
        assert {key(t["name"], t["x"], t["y"]) for t in shown} == {
            key(t.name, t.x, t.y) for t in drawn.data
        }, (base, rate)
        expected = {
            t
            for trace in drawn.data
            if trace.hovertemplate == "%{text}<extra></extra>" and trace.text is not None
            for t in ([trace.text] if isinstance(trace.text, str) else trace.text)
        }
        # (the actual series and the projection write their hovers from x and y)
        hovers = {
            h
            for t in shown
            if t.get("hovertemplate") and "%{x}" not in t["hovertemplate"]
            for h in t["hovers"]
        }
        assert hovers == expected, (base, rate)


# data/trade.csv, reporter "russia", flow "total", by kind (read by hand)
RUSSIA_OFFICIAL_STATEMENTS = [2006, 2011, 2019, 2020, 2021, 2023]
RUSSIA_ESTIMATES = [2016]
RUSSIA_LOWER_BOUNDS = [2022]


# --- kinds of figure ---------------------------------------------------------------------------


def test_the_growth_projector_marks_the_kinds_live_and_kernel_free(frames) -> None:
    w = explorers.growth.GrowthProjector(frames["trade"], frames["targets"])
    w.controls["source"].value = "russia"
    traces = _by_name(w.figure)
    assert list(traces["Actual: Russian side: estimate (cross)"].x) == RUSSIA_ESTIMATES
    lower = traces["Actual: Russian side: lower bound (triangle)"]
    assert list(lower.x) == RUSSIA_LOWER_BOUNDS and "lower bound" in lower.hovertemplate
    statements = traces["Actual: Russian side: official's statement (square)"]
    assert list(statements.x) == RUSSIA_OFFICIAL_STATEMENTS
    fig = explorers.growth.static(reporter="russia", base_years=(2019,), rates_pct=(5,))
    assert {t.name for t in fig.data} >= {
        "Actual: Russian side: official's statement (square)",
        "Actual: Russian side: estimate (cross)",
    }
