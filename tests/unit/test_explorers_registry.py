"""The explorer registry, controls written once, the metadata an explorer records for export,
colours by target id, and the marks of trade figures that are not customs releases.

Expected years and kinds are typed by hand from data/trade.csv (its ``kind`` column).
"""

from __future__ import annotations

import json
from typing import Any

import nbformat
import pandas as pd
import pytest

from rapprochement import data, explorers, export
from rapprochement.explorers import registry
from rapprochement.explorers.controls import Control, by_name, defaults

# data/trade.csv, reporter "russia", flow "total", by kind (read by hand)
RUSSIA_OFFICIAL_STATEMENTS = [2006, 2011, 2019, 2020, 2021, 2023]
RUSSIA_ESTIMATES = [2016]
RUSSIA_LOWER_BOUNDS = [2022]
# data/trade.csv, reporter "china_customs", flow "total": official statements, not releases
CHINA_OFFICIAL_STATEMENTS = [2012, 2015]


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


# --- registry --------------------------------------------------------------------------------


def test_every_registered_explorer_is_found_under_its_own_name() -> None:
    assert registry.NAMES == ("targets", "growth", "shares", "settlements", "timeline")
    for name in registry.NAMES:
        entry = registry.get(name)
        assert entry.name == name and entry.widget.name == name
        assert entry.title == entry.widget.title
        assert getattr(explorers, name).EXPLORER is entry  # explorers.<name> is its module
    with pytest.raises(KeyError, match="known: targets, growth"):
        registry.get("nope")


def test_a_control_refuses_a_default_it_does_not_offer() -> None:
    with pytest.raises(ValueError, match="not an option"):
        Control("flow", "dropdown", "Flow", "bogus", (("Total", "total"),))
    with pytest.raises(ValueError, match="not options"):
        Control("ids", "multi", "Targets", ("x",), (("A", "a"),))
    with pytest.raises(ValueError, match="minimum and a maximum"):
        Control("year", "int_slider", "Year", 2000)


@pytest.mark.parametrize("name", registry.NAMES)
def test_the_widget_starts_at_the_defaults_of_its_controls(name: str) -> None:
    w = registry.get(name).widget()
    spec = defaults(list(w.spec.values()))
    values = {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in w.values().items()}
    assert values == {k: tuple(v) if isinstance(v, tuple) else v for k, v in spec.items()}
    assert w.error == ""


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


# --- what an explorer records, and what export does with it ---------------------------------


def _displayed(widget: Any, monkeypatch) -> list[dict[str, Any]]:
    """The outputs the explorer publishes when a notebook displays it."""
    import IPython.display

    shown: list[dict[str, Any]] = []

    def fake_display(*objs: Any, raw: bool = False, metadata: dict | None = None, **kw: Any):
        for obj in objs:
            data = obj if raw else {"text/html": getattr(obj, "data", "")}
            shown.append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    monkeypatch.setattr(IPython.display, "display", fake_display)
    widget._ipython_display_()
    return shown


def test_a_widget_records_its_name_and_arguments_and_export_builds_its_twin(monkeypatch) -> None:
    w = explorers.timeline.Timeline(highlight=["2014-03-17"], start_year=2014, end_year=2021)
    outputs = _displayed(w, monkeypatch)
    assert export.WIDGET_MIME in outputs[0]["data"]
    assert outputs[0]["metadata"] == {
        "rapprochement": {
            "explorer": "timeline",
            "args": {"highlight": ["2014-03-17"], "start_year": 2014, "end_year": 2021},
        }
    }
    found = export.static_for_outputs(outputs)
    assert found is not None
    name, fig = found
    assert name == "timeline"
    labels = [a.get("text", "") for a in fig["layout"]["annotations"] if a.get("showarrow")]
    assert len(labels) == 1 and labels[0].startswith("2014-03-17:")  # the one highlighted
    # the period the widget opened on is the first button of the kernel-free version
    assert fig["layout"]["updatemenus"][1]["buttons"][0]["label"] == "2014-2021"


def test_export_reads_no_cell_source() -> None:
    """A widget output without the metadata is not matched by the code that made it."""
    nb = nbformat.v4.new_notebook()
    out = {
        "output_type": "display_data",
        "data": {export.WIDGET_MIME: {"model_id": "x", "version_major": 2, "version_minor": 0}},
        "metadata": {},
    }
    nb.cells = [nbformat.v4.new_code_cell("explorers.targets.TargetExplorer()", outputs=[out])]
    counts = export.transform_notebook(nb, "t")
    assert counts["explorers"] == 0 and counts["widgets_dropped"] == 1


def test_bad_explorer_metadata_is_refused_not_guessed() -> None:
    def out(meta: Any) -> dict[str, Any]:
        return {"output_type": "display_data", "data": {}, "metadata": {"rapprochement": meta}}

    with pytest.raises(ValueError, match="malformed"):
        export.static_for_outputs([out({"explorer": 3})])
    with pytest.raises(ValueError, match="malformed"):
        export.static_for_outputs([out("targets")])
    with pytest.raises(KeyError, match="no explorer 'gone'"):
        export.static_for_outputs([out({"explorer": "gone", "args": {}})])


# --- colours are a function of the target -----------------------------------------------------


def _target_colors(fig) -> dict[str, str]:
    return {t.name: t.line.color for t in fig.data if t.name and t.name.startswith("Target ")}


def test_a_target_keeps_its_colour_in_every_explorer_and_selection(frames) -> None:
    target = "Target USD 200bn by 2020 (set 2011)"
    explorer = explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
    projector = explorers.growth.GrowthProjector(frames["trade"], frames["targets"])
    in_explorer = _target_colors(explorer.figure)[target]
    assert _target_colors(projector.figure)[target] == in_explorer
    explorer.controls["targets"].value = ("200bn-by-2020",)
    assert _target_colors(explorer.figure) == {target: in_explorer}
    projector.controls["targets"].value = ("300bn-by-2030", "200bn-by-2020")
    assert _target_colors(projector.figure)[target] == in_explorer
    # and different targets shown together get different colours
    explorer.controls["targets"].value = explorers.targets.DEFAULT_TARGETS
    colours = list(_target_colors(explorer.figure).values())
    assert len(set(colours)) == len(colours) == 5


# --- kinds of figure ---------------------------------------------------------------------------


def _by_name(fig) -> dict[str, Any]:
    return {t.name: t for t in fig.data if t.name and t.mode == "markers"}


def test_the_target_explorer_marks_each_kind_of_russian_figure(frames) -> None:
    w = explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
    w.controls["source"].value = "russia"
    traces = _by_name(w.figure)
    statement = traces["Russian side: official's statement (square)"]
    assert list(statement.x) == RUSSIA_OFFICIAL_STATEMENTS
    assert statement.marker.symbol == "square"
    assert all("kind of figure: official's statement" in t for t in statement.text)
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


# --- what every registered explorer gets without a test of its own ---------------------------


@pytest.mark.parametrize("name", registry.NAMES)
def test_every_explorer_records_itself_and_exports_a_kernel_free_twin(name, monkeypatch) -> None:
    outputs = _displayed(registry.get(name).widget(), monkeypatch)
    meta = outputs[0]["metadata"]["rapprochement"]
    assert meta["explorer"] == name
    assert json.loads(json.dumps(meta)) == meta  # plain JSON, nothing else
    found = export.static_for_outputs(outputs)
    assert found is not None and found[0] == name
    layout = found[1]["layout"]
    assert layout["meta"]["static_explorer"] is True
    assert layout.get("updatemenus") or layout.get("sliders"), "no control in the page"


@pytest.mark.parametrize("name", registry.NAMES)
def test_every_explorer_draws_valid_plotly_in_the_shared_style(name) -> None:
    import plotly.graph_objects as go

    from rapprochement.charts import style

    w = registry.get(name).widget()
    assert w.figure is not None, w.error
    checked = go.Figure(w.figure.to_plotly_json())  # plotly validates every property here
    assert checked.layout.font.color == style.TEXT
    assert checked.layout.meta["title"]
    allowed = {c.upper() for c in style.PALETTE.values()}
    colours = {
        c.upper()
        for t in checked.data
        for part in (getattr(t, "marker", None), getattr(t, "line", None))
        if part is not None
        for c in [getattr(part, "color", None)]
        if isinstance(c, str) and c.startswith("#")
    }
    assert colours <= allowed, colours - allowed
