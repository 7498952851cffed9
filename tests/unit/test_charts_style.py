"""The shared chart style: colour contrast by the WCAG 2.2 formula, from hand-written hex values.

The expected colours are written out here by hand (not read from the code under test); the
contrast ratios are computed with the formula of WCAG 2.2 (relative luminance of sRGB,
(L1 + 0.05) / (L2 + 0.05)). Graphical marks need 3:1 against the background (1.4.11), chart
text 4.5:1 (1.4.3).
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from rapprochement import charts, data, tables
from rapprochement.charts import style
from rapprochement.charts.timeline import THEMES
from rapprochement.explorers import registry
from rapprochement_support.figs import target_explorer as _explorer

WHITE = "#FFFFFF"
# The mark colours, by hand (Okabe-Ito blue, vermillion, bluish green, reddish purple; black;
# darker replacements for orange, sky blue and yellow; a grey).
EXPECTED_MARKS = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "brown": "#8C5A2B",
    "indigo": "#332288",
    "wine": "#882255",
    "grey": "#6B6B6B",
}
EXPECTED_TEXT = {"text": "#222222", "muted": "#4D4D4D"}
# The Okabe-Ito colours that fail on white, which the palette must not use.
TOO_LIGHT = {"#E69F00", "#56B4E9", "#F0E442"}


def _channel(c8: int) -> float:
    c = c8 / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_formula_on_known_pairs():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast(WHITE, WHITE) == pytest.approx(1.0)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the usual AA grey
    # the defect of issue 11: Okabe-Ito orange, sky blue and yellow on white
    assert contrast("#E69F00", WHITE) < 3
    assert contrast("#56B4E9", WHITE) < 3
    assert contrast("#F0E442", WHITE) < 3


@pytest.mark.parametrize(("name", "hex_colour"), EXPECTED_MARKS.items())
def test_every_mark_colour_has_3_to_1_on_white(name, hex_colour):
    assert contrast(hex_colour, WHITE) >= 3.0, name


@pytest.mark.parametrize(("name", "hex_colour"), EXPECTED_TEXT.items())
def test_chart_text_has_4_5_to_1_on_white(name, hex_colour):
    assert contrast(hex_colour, WHITE) >= 4.5, name


def test_the_code_uses_exactly_these_colours():
    assert {k: v.upper() for k, v in style.PALETTE.items()} == EXPECTED_MARKS
    assert style.TEXT.upper() == EXPECTED_TEXT["text"]
    assert style.FONT["color"].upper() == EXPECTED_TEXT["text"]
    assert style.MUTED_TEXT.upper() == EXPECTED_TEXT["muted"]
    assert style.LIGHT_TEMPLATE["layout"]["plot_bgcolor"].upper() in (WHITE, "WHITE")


def test_timeline_themes_use_distinct_palette_colours_and_shapes():
    colours = [t.colour.upper() for t in THEMES]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(EXPECTED_MARKS.values())
    assert not set(colours) & TOO_LIGHT
    symbols = [t.symbol for t in THEMES]
    assert len(set(symbols)) == len(symbols)


def chart_modules() -> list[str]:
    """Every chart module of ``src/rapprochement/charts/`` (all but the style itself)."""
    folder = Path(charts.__file__).parent
    return sorted(p.stem for p in folder.glob("*.py") if p.stem not in {"__init__", "style"})


def _every_chart():
    """Each chart, found rather than listed: every registered explorer at its defaults (live
    and kernel-free), and every other chart module through its ``<name>_figure`` function,
    given the loaded tables its parameters name."""
    import inspect

    from rapprochement.explorers import registry

    for name in registry.NAMES:
        entry = registry.get(name)
        yield entry.widget().figure
        yield entry.build_static()
    frames = {**data.load_all(), "events": data.load_events()}
    for name in chart_modules():
        if name in registry.NAMES:
            continue
        draw = getattr(getattr(charts, name), f"{name}_figure")
        needed = [
            p.name
            for p in inspect.signature(draw).parameters.values()
            if p.default is inspect.Parameter.empty
        ]
        yield draw(**{p: frames[p] for p in needed})


def test_every_chart_is_valid_plotly_in_the_shared_style(monkeypatch):
    # Charts are made without plotly's validation for speed; here plotly checks every property
    # (an unknown or mistyped property raises ValueError).
    import plotly.graph_objects as go

    count = 0
    for fig in _every_chart():
        checked = go.Figure(fig.to_plotly_json())
        assert checked.layout.template.layout.plot_bgcolor.upper() in (WHITE, "WHITE")
        assert checked.layout.font.color.upper() == EXPECTED_TEXT["text"]
        assert checked.layout.meta["title"]
        colours = {
            c.upper()
            for t in checked.data
            for c in (
                getattr(t.marker, "color", None) if t.marker else None,
                getattr(t.line, "color", None) if getattr(t, "line", None) else None,
            )
            if isinstance(c, str) and c.startswith("#")
        }
        assert colours <= set(EXPECTED_MARKS.values()), colours
        count += 1
    assert count == 2 * len(registry.NAMES) + len(set(chart_modules()) - set(registry.NAMES))


# The chart palette, written by hand (tests/unit/test_charts_style.py checks its contrast).
PALETTE = {
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#8C5A2B",
    "#332288",
    "#882255",
    "#6B6B6B",
    "white",
    "black",
}


# --- conventions shared by every chart ------------------------------------------------------


def _all_figures(frames) -> list[go.Figure]:
    share_frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    return [
        _explorer(frames),
        _explorer(frames, source="both", dollars="real", base_year=2020),
        charts.growth.projection_figure(frames["trade"], frames["targets"]),
        charts.shares.partner_shares_figure(share_frame),
        charts.settlements.settlement_figure(frames["settlements"], currencies=None),
    ]


def test_every_chart_has_units_a_source_line_and_safe_colours(frames):
    for fig in _all_figures(frames):
        assert fig.layout.yaxis.title.text
        assert fig.layout.xaxis.title.text or fig.layout.xaxis2.title.text
        notes = [a.text for a in fig.layout.annotations if a.y <= 0 and a.yanchor == "top"]
        assert notes and any("data/" in n for n in notes), "no source line under the chart"
        colours = set()
        for t in fig.data:
            if t.marker and isinstance(t.marker.color, str):
                colours.add(t.marker.color)
            if getattr(t, "line", None) is not None and t.line.color:
                colours.add(t.line.color)
        assert colours <= PALETTE, colours - PALETTE


def test_charts_display_without_online_buttons(frames, monkeypatch):
    import plotly.io as pio

    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")
    for fig in _all_figures(frames):
        config = fig._repr_mimebundle_()["application/vnd.plotly.v1+json"]["config"]
        assert config["displaylogo"] is False and config["showSendToCloud"] is False
        assert "sendDataToCloud" in config["modeBarButtonsToRemove"]
        assert fig.layout.width is None and fig.layout.legend.orientation == "h"


_SHOW_SCRIPT = """
import json, sys
if sys.argv[1] == "plotly-alone":
    import nbformat  # noqa: F401  (loaded first: plotly's renderer module is left as it is)
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
shown = []
shell.display_pub.publish = lambda data, metadata=None, **kw: shown.append(data)
from rapprochement import charts, data

fig = charts.timeline.timeline_figure(data.load_events(), start_year=2014, end_year=2016)
import plotly.io as pio

pio.renderers.default = "plotly_mimetype"
fig._ipython_display_()  # what a notebook does with a figure as a cell's last value
fig.show()
print(json.dumps({"modules": sorted({"nbformat", "jsonschema"} & set(sys.modules)),
                  "shown": shown}))
"""


def _show_in_fresh_process(mode: str) -> dict:
    import json
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _SHOW_SCRIPT, mode], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_charts_are_shown_by_plotly_without_importing_nbformat():
    """Showing a chart no longer imports nbformat and jsonschema (plotly's renderer module
    imported them only for a version check), and what is shown is what plotly shows when
    nbformat is loaded the ordinary way."""
    ours, plotly_alone = _show_in_fresh_process("ours"), _show_in_fresh_process("plotly-alone")
    assert ours["modules"] == []
    assert plotly_alone["modules"] == ["jsonschema", "nbformat"]
    assert len(ours["shown"]) == 2
    assert sorted(ours["shown"][0]) == ["application/vnd.plotly.v1+json"]
    assert ours["shown"] == plotly_alone["shown"]


def test_plotly_still_gets_the_real_nbformat_when_it_asks_for_more(tmp_path):
    import importlib.metadata

    from plotly.io import _renderers

    assert _renderers.nbformat.__version__ == importlib.metadata.version("nbformat")
    import nbformat

    assert _renderers.nbformat.v4 is nbformat.v4


def test_a_chart_left_as_a_cells_value_is_shown_with_the_config(monkeypatch) -> None:
    """IPython calls ``_ipython_display_`` before ``_repr_mimebundle_``: the stored output of a
    chart that is a cell's last value must carry the config too (no plotly logo)."""
    import plotly.io as pio

    from rapprochement import charts, data, maps

    shown: list[dict] = []
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")
    monkeypatch.setattr(
        "IPython.display.display", lambda bundle, raw=False, **kw: shown.append(bundle)
    )
    for fig in (charts.timeline.timeline_figure(data.load_events()), maps.region_map()):
        shown.clear()
        fig._ipython_display_()
        (bundle,) = shown
        config = bundle["application/vnd.plotly.v1+json"]["config"]
        assert config["displaylogo"] is False, config
