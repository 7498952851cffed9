"""The explorer registry: every explorer found under its name, starting at its controls'
defaults, recording itself for export, drawing valid plotly; and colours by target id across
explorers.
"""

from __future__ import annotations

import json

import pytest

from rapprochement import explorers, export
from rapprochement.explorers import registry
from rapprochement.explorers.controls import defaults
from rapprochement_support.figs import displayed as _displayed

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


@pytest.mark.parametrize("name", registry.NAMES)
def test_the_widget_starts_at_the_defaults_of_its_controls(name: str) -> None:
    w = registry.get(name).widget()
    spec = defaults(list(w.spec.values()))
    values = {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in w.values().items()}
    assert values == {k: tuple(v) if isinstance(v, tuple) else v for k, v in spec.items()}
    assert w.error == ""


# --- what an explorer records, and what export does with it ---------------------------------


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
