"""Widget logic without a browser: set controls from Python, read the figure and the message.

Expected values are read by hand from data/*.csv.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapprochement import data, explorers
from rapprochement.explorers.widget import AccessibleControls
from rapprochement_support.expected import CPI, GACC_TOTAL

CPI_2018, CPI_2025 = CPI[2018], CPI[2025]
GACC_2018 = GACC_TOTAL[2018]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


@pytest.fixture
def explorer(frames) -> explorers.targets.TargetExplorer:
    return explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])


@pytest.fixture
def projector(frames) -> explorers.growth.GrowthProjector:
    return explorers.growth.GrowthProjector(frames["trade"], frames["targets"])


def _markers(fig: go.Figure, name: str = "China customs (GACC)"):
    """The verified points of a series, over its marker traces (one per kind of figure)."""
    traces = [
        t
        for t in fig.data
        if t.visible is not False
        and getattr(t, "mode", None) == "markers"
        and t.name
        and (t.name == name or t.name.startswith(name + ":"))
        and "unverified" not in t.name
    ]
    assert traces, [t.name for t in fig.data]
    pts = sorted((x, y) for t in traces for x, y in zip(t.x, t.y, strict=True))
    return SimpleNamespace(x=[x for x, _ in pts], y=[y for _, y in pts])


def _shown(view) -> list:
    """The traces drawn on screen (an update that fits restyles the traces already there and
    hides the ones it does not need: see test_explorers_draw.py)."""
    return [t for t in view.data if t.visible is not False]


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


def test_partner_shares_empty_selection(frames):
    w = explorers.shares.PartnerShares(frames["trade"], frames["totals"], frames["shares"])
    w.controls["series"].value = ()
    assert "at least one" in w.error
    w.controls["series"].value = ("china_in_russia_trade",)
    assert w.error == ""
    assert [t.name for t in _shown(w.view)] == ["China's share of Russia's trade (reported)"]


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


def test_output_backend_builds_the_same_figure(frames, capsys):
    w = explorers.targets.TargetExplorer(
        frames["trade"], frames["targets"], frames["cpi"], backend="output"
    )
    assert isinstance(w.view, W.Output)
    w.controls["start"].value = 2015
    assert list(_markers(w.figure).x)[0] == 2015
    capsys.readouterr()  # outside a kernel the figure is printed; nothing to check there


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend"):
        explorers.settlements.SettlementCurrencies(backend="matplotlib")  # type: ignore[arg-type]


def test_explorer_displays_as_a_widget(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


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


def test_an_unexpected_error_is_shown_and_the_controls_keep_working(projector, monkeypatch):
    def broken():
        raise KeyError("boom")

    before = list(projector.view.data[0].y)
    monkeypatch.setattr(projector, "build", broken)
    projector.controls["rate_pct"].value = 7.0  # must not raise out of the observer
    assert "KeyError" in projector.error and 'role="alert"' in projector.message.value
    assert list(projector.view.data[0].y) == before  # the chart keeps its last state
    monkeypatch.undo()
    projector.controls["rate_pct"].value = 8.0
    assert projector.error == ""


def test_summary_follows_the_chart(explorer):
    assert 'data-update="1"' in explorer.summary.value
    explorer.controls["source"].value = "both"
    summary = explorer.summary.value
    assert 'data-update="2"' in summary
    assert "Gap: China customs minus Russian side" in summary
    assert "China-Russia goods trade against official targets" in summary
    explorer.controls["end"].value = 1995  # before the start year (2000): refused
    assert explorer.error and 'data-update="3"' in explorer.summary.value  # still counted


def test_controls_are_labelled_and_charts_fit_their_box(explorer):
    for name, control in explorer.controls.items():
        assert control.description, f"{name} has no visible label"
    assert explorer.view.layout.width is None and explorer.view.layout.autosize
    assert explorer.view._config["displaylogo"] is False
    assert "rapprochement-explorer" in explorer.widget._dom_classes
    assert any(isinstance(c, AccessibleControls) for c in explorer.widget.children)


def test_before_the_kernel_runs_a_reader_sees_text_and_a_picture(explorer, tmp_path, monkeypatch):
    bundle = explorer._repr_mimebundle_()
    assert "VBox(" not in bundle["text/plain"] and "Run All" in bundle["text/plain"]
    monkeypatch.chdir(tmp_path)
    assert explorer.static_html() is None  # no picture to link to here
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "target-explorer.png").write_bytes(b"\x89PNG")
    page = explorer.static_html()
    assert 'src="figures/target-explorer.png"' in page and 'alt="Picture of the default' in page
    # displayed as two outputs: the widget, then the picture (exports prefer the widget's
    # format within one output, which draws nothing without a kernel)
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as shown:
        explorer._ipython_display_()
    kinds = [sorted(o.data) for o in shown.outputs]
    assert "application/vnd.jupyter.widget-view+json" in kinds[0]
    assert "text/html" in kinds[1] and "rapprochement-static" in shown.outputs[1].data["text/html"]
