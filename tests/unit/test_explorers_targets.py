"""The target explorer (rapprochement.explorers.targets), live and kernel-free: set controls
from Python, read the figure and the message. Expected values are read by hand from data/*.csv."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapprochement import charts, data, explorers
from rapprochement.explorers.controls import by_name
from rapprochement.explorers.targets import DEFAULT_TARGETS
from rapprochement_support import figs
from rapprochement_support.expected import CPI, GACC_TOTAL
from rapprochement_support.figs import built
from rapprochement_support.figs import by_name as _by_name
from rapprochement_support.figs import markers as _markers
from rapprochement_support.figs import shown as _shown
from rapprochement_support.figs import visible as _visible

CPI_2018, CPI_2025 = CPI[2018], CPI[2025]
GACC_2018 = GACC_TOTAL[2018]


def test_year_range_sets_the_x_values_in_the_live_chart(explorer):
    explorer.controls["start"].value = 2010
    explorer.controls["end"].value = 2015
    assert list(_markers(explorer.figure).x) == list(range(2010, 2016))
    # the FigureWidget on screen holds the same data as the figure built
    assert isinstance(explorer.view, go.FigureWidget)
    assert list(_markers(explorer.view).x) == list(range(2010, 2016))
    assert explorer.error == ""


def test_real_dollars_by_hand(explorer):
    explorer.controls["dollars"].value = "real"
    explorer.controls["base_year"].value = 2025
    pts = _markers(explorer.view)
    value = dict(zip(pts.x, pts.y, strict=True))[2018]
    assert value == pytest.approx(GACC_2018 * CPI_2025 / CPI_2018)  # = 137.26
    assert "2025 prices" in explorer.view.layout.yaxis.title.text


def test_base_year_only_active_for_real_dollars(explorer):
    assert explorer.controls["base_year"].disabled
    explorer.controls["dollars"].value = "real"
    assert not explorer.controls["base_year"].disabled


def test_start_after_end_shows_a_message_and_keeps_the_chart(explorer):
    explorer.controls["start"].value = 2010
    before = list(_markers(explorer.view).x)
    explorer.controls["end"].value = 2005
    assert "after the end year" in explorer.error
    assert 'role="alert"' in explorer.message.value and "Traceback" not in explorer.message.value
    assert list(_markers(explorer.view).x) == before
    explorer.controls["end"].value = 2012  # fixing the setting clears the message
    assert explorer.error == "" and "alert" not in explorer.message.value


def test_russian_gaps_are_announced(explorer):
    explorer.controls["start"].value = 2006
    explorer.controls["source"].value = "russia"
    assert "2007-2009, 2024-2025" in explorer.note
    assert "left blank" in explorer.message.value


def test_russian_flow_without_data_shows_a_message(explorer):
    explorer.controls["start"].value = 2000
    explorer.controls["end"].value = 2020
    explorer.controls["flow"].value = "china_to_russia"
    explorer.controls["source"].value = "russia"
    assert "Russian side reports no figure" in explorer.error


def test_both_sources_draw_the_gap_panel(explorer):
    explorer.controls["source"].value = "both"
    names = [t.name for t in _shown(explorer.view)]
    assert any(n and n.startswith("Gap") for n in names)
    assert explorer.view.layout.yaxis2.title.text == "gap, US$ bn"
    explorer.controls["source"].value = "china_customs"  # and the panel goes away again
    assert not any(t.name and t.name.startswith("Gap") for t in _shown(explorer.view))


def test_target_choice_changes_the_traces(explorer):
    explorer.controls["targets"].value = ("250bn-by-unstated",)
    targets = [t for t in _shown(explorer.view) if t.name and t.name.startswith("Target")]
    assert [t.name for t in targets] == ["Target USD 250bn no official deadline (set 2022)"]
    explorer.controls["targets"].value = ()
    assert "No target selected" in explorer.note


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(1992, 2025),
    end=st.integers(1992, 2025),
    flow=st.sampled_from(["total", "china_to_russia", "russia_to_china"]),
    source=st.sampled_from(["china_customs", "russia", "both"]),
    dollars=st.sampled_from(["nominal", "real"]),
)
def test_no_setting_of_the_explorer_raises(explorer, frames, start, end, flow, source, dollars):
    c = explorer.controls
    for name, value in [
        ("start", start),
        ("end", end),
        ("flow", flow),
        ("source", source),
        ("dollars", dollars),
    ]:
        c[name].value = value  # any exception would escape from the observer and fail here
    # Which settings are impossible, worked out from the raw rows of trade.csv (the CPI table
    # covers every year of trade.csv, so real dollars add no impossible case).
    trade = frames["trade"]
    reporters = ["china_customs", "russia"] if source == "both" else [source]
    rows = {
        r: trade[
            (trade["reporter"] == r) & (trade["flow"] == flow) & trade["year"].between(start, end)
        ]
        for r in reporters
    }
    impossible = start > end or any(part.empty for part in rows.values())
    assert bool(explorer.error) == impossible, (explorer.error, start, end, flow, source)
    if impossible:
        assert 'role="alert"' in explorer.message.value
        assert html.escape(explorer.error) in explorer.message.value
        return
    # a possible setting is drawn as set: each source's markers are its rows in these years
    drawn = explorer.view
    for r, part in rows.items():
        label = data.REPORTER_LABELS[r]
        xs = sorted(
            x
            for t in drawn.data
            if t.type == "scatter" and t.mode == "markers" and t.name.startswith(label)
            for x in t.x
        )
        assert xs == sorted(part["year"].astype(int)), (r, start, end, flow)
    unit = "current US$ bn" if dollars == "nominal" else "prices (CPI-U)"
    assert unit in drawn.layout.yaxis.title.text


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


# data/trade.csv, reporter "russia", flow "total", by kind (read by hand)
RUSSIA_OFFICIAL_STATEMENTS = [2006, 2011, 2019, 2020, 2021, 2023]
RUSSIA_ESTIMATES = [2016]
RUSSIA_LOWER_BOUNDS = [2022]
# data/trade.csv, reporter "china_customs", flow "total": official statements, not releases
CHINA_OFFICIAL_STATEMENTS = [2012, 2015]


def test_the_kernel_free_targets_explorer_reads_the_same_controls(frames) -> None:
    fig = explorers.targets.static()
    spec = by_name(explorers.targets.controls(frames["trade"], frames["targets"], frames["cpi"]))
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    sources = {label for label, _ in spec["source"].options}
    assert {label.split(" · ")[0] for label in labels} == sources
    # the default targets of the widget are the ones drawn
    drawn = {t.name for t in fig.data if t.name and t.name.startswith("Target ")}
    chosen = {
        f"Target {label}" for label, v in spec["targets"].options if v in spec["targets"].default
    }
    assert drawn == chosen


# --- kinds of figure ---------------------------------------------------------------------------


def test_the_target_explorer_marks_each_kind_of_russian_figure(frames) -> None:
    w = explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
    w.controls["source"].value = "russia"
    traces = _by_name(w.figure)
    statement = traces["Russian side: official's statement (square)"]
    assert list(statement.x) == RUSSIA_OFFICIAL_STATEMENTS
    assert statement.marker.symbol == "square"
    assert all("kind of figure: official's statement" in t for t in figs.hovers(statement))
    # named in each hover and in the caption, not in more legend rows (a narrow chart's plot
    # area was covered by its legend)
    assert statement.showlegend is False
    assert list(traces["Russian side: estimate (cross)"].x) == RUSSIA_ESTIMATES
    assert traces["Russian side: estimate (cross)"].marker.symbol == "x"
    assert list(traces["Russian side: lower bound (triangle)"].x) == RUSSIA_LOWER_BOUNDS
    plain = traces["Russian side"]  # the customs releases: circles
    assert plain.marker.symbol == "circle"
    assert not set(plain.x) & {*RUSSIA_OFFICIAL_STATEMENTS, *RUSSIA_ESTIMATES}
    assert "Only circles are customs data" in " ".join(a.text for a in w.figure.layout.annotations)
    # the same marks in the Chinese series where it holds statements
    w.controls["source"].value = "china_customs"
    china = _by_name(w.figure)["China customs (GACC): official's statement (square)"]
    assert [x for x in china.x if x >= 2000] == CHINA_OFFICIAL_STATEMENTS


def test_the_kernel_free_target_explorer_marks_them_too() -> None:
    fig = explorers.targets.static()
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    russian = labels.index("Russian side · Total turnover · current US$")
    shown = fig.layout.updatemenus[0].buttons[russian].args[0]["visible"]
    names = {t.name: t for t, on in zip(fig.data, shown, strict=True) if on and t.name}
    statement = names["Russian side: official's statement (square)"]
    assert statement.marker.symbol == "square"
    assert list(statement.x) == RUSSIA_OFFICIAL_STATEMENTS
    assert "Russian side: lower bound (triangle)" in names
