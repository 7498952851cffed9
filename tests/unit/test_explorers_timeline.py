"""The timeline explorer (rapprochement.explorers.timeline), live and kernel-free."""

from __future__ import annotations

import pytest

from rapprochement import charts, explorers
from rapprochement.data import load_events
from rapprochement.explorers.timeline import Timeline
from rapprochement.explorers.widget import ExplorerWidget
from rapprochement_support.figs import points as _points


def test_widget_controls_drive_the_figure():
    w = Timeline(load_events(), highlight=["2015", "2019-06-05"], start_year=2010, end_year=2022)
    years, themes = w.controls["years"], w.controls["themes"]
    assert years.value == (2010, 2022)
    assert "2015" in _points(w.figure)["Data and fact-checks"]
    years.value = (2014, 2016)
    pts = _points(w.figure)
    assert pts["Sanctions and war"] == ["2014-03-17"]
    assert "2019-06-05" not in [d for v in pts.values() for d in v]
    # the chart on screen holds what was built
    assert _points(w.view) == pts
    themes.value = ("Sanctions and war",)
    assert list(_points(w.figure)) == ["Sanctions and war"]
    assert w.message.value == "" and w.error == ""
    years.value = (1996, 1999)
    assert not _points(w.figure)
    assert "No events" in w.message.value
    themes.value = ()
    assert "Choose at least one theme" in w.error
    assert 'role="alert"' in w.message.value
    themes.value = ("Joint declarations",)
    years.value = (1996, 2026)
    assert w.message.value == "" and w.error == ""
    assert len(_points(w.figure)["Joint declarations"]) == 4
    assert "4 events" in w.summary.value


def test_timeline_is_an_explorer_like_the_others():
    w = Timeline(load_events(), highlight=["2021-03-23"])
    assert isinstance(w, ExplorerWidget)
    assert "rapprochement-explorer" in w.widget._dom_classes
    # the shared light template, not plotly's large "plotly_white" (slow to apply)
    assert w.figure.layout.template.layout.plot_bgcolor.upper() == "#FFFFFF"
    assert not w.figure.layout.template.data.bar  # plotly_white styles every trace type
    assert w.view._config["displaylogo"] is False


def test_widget_rejects_impossible_start():
    with pytest.raises(ValueError):
        Timeline(start_year=2022, end_year=2000)


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
