"""How an explorer redraws its FigureWidget: one plotly message per update when the new traces
fit the ones on screen, and the chart on screen is exactly the figure built (nothing stale)."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets
import plotly.graph_objects as go
import pytest

from rapprochement.explorers import registry, widget
from rapprochement.explorers.widget import slot_plan


def _plain(value: Any) -> str:
    """JSON text to compare; a property reset (None, or an emptied container: plotly is sent
    null for it) is the same as one not set."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if v is not None and v != {}}
    return json.dumps(value, sort_keys=True, default=str)


def _on_screen(view) -> list[str]:
    out = []
    for t in view.data:
        if t.visible is False:
            continue
        props = t.to_plotly_json()
        props.pop("uid", None)
        out.append(_plain(props))
    return out


def _built(fig) -> list[str]:
    out = []
    for t in fig.data:
        props = t.to_plotly_json()
        props.pop("uid", None)
        out.append(_plain(props))
    return out


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """The plotly messages (``_py2js_*`` traits set to a value) each FigureWidget sends."""
    sent: list[str] = []
    real = ipywidgets.Widget.send_state

    def spy(self, key=None):
        if (
            isinstance(self, go.FigureWidget)
            and isinstance(key, str)
            and key.startswith("_py2js")
            and getattr(self, key) is not None
        ):
            sent.append(key)
        return real(self, key)

    monkeypatch.setattr(ipywidgets.Widget, "send_state", spy)
    return sent


def test_slot_plan() -> None:
    assert slot_plan(["scatter", "scatter", "bar"], ["scatter", "bar"]) == [0, None, 1]
    assert slot_plan(["scatter", "bar"], ["scatter", "scatter"]) is None
    assert slot_plan(["scatter"], ["bar"]) is None
    assert slot_plan(["scatter", "scatter"], []) == [None, None]


SETTINGS = {
    "targets": [
        ("source", "both"),
        ("source", "china_customs"),
        ("dollars", "real"),
        ("source", "russia"),
        ("flow", "china_to_russia"),
        ("source", "both"),
        ("targets", ("200bn-by-2020",)),
        ("flow", "total"),
    ],
    "growth": [("source", "russia"), ("base_year", 2011), ("rate_pct", 12.5), ("targets", ())],
    "timeline": [("themes", ("Sanctions and war",)), ("years", (2014, 2016))],
}


@pytest.fixture(params=[False, True], ids=["replace", "in-place"])
def in_place(request, monkeypatch) -> bool:
    """Both ways of redrawing: replacing the traces (the default) and restyling them in place."""
    monkeypatch.setattr(widget, "RESTYLE_IN_PLACE", request.param)
    return request.param


@pytest.mark.parametrize("name", list(SETTINGS))
def test_the_chart_on_screen_is_the_chart_built(
    name: str, messages: list[str], in_place: bool
) -> None:
    w = registry.get(name).widget()
    for control, value in SETTINGS[name]:
        messages.clear()
        w.controls[control].value = value
        assert w.error == "", (control, value, w.error)
        assert _on_screen(w.view) == _built(w.figure), (control, value)
        assert _plain(w.view.layout.to_plotly_json()) == _plain(w.figure.layout.to_plotly_json())
        if in_place and "_py2js_update" in messages:
            assert messages == ["_py2js_update"], (control, value, messages)


def test_an_update_that_fits_is_one_plotly_message(messages: list[str], monkeypatch) -> None:
    monkeypatch.setattr(widget, "RESTYLE_IN_PLACE", True)
    w = registry.get("targets").widget()
    # the default keeps spare hidden traces, so even the widest setting (both sources and the
    # gap panel) is one restyle from the start
    for value in ("both", "china_customs", "both", "russia", "both"):
        messages.clear()
        w.controls["source"].value = value
        assert messages == ["_py2js_update"], (value, messages)
