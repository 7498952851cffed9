"""The shared chart style: colour contrast by the WCAG 2.2 formula, from hand-written hex values.

The expected colours are written out here by hand (not read from the code under test); the
contrast ratios are computed with the formula of WCAG 2.2 (relative luminance of sRGB,
(L1 + 0.05) / (L2 + 0.05)). Graphical marks need 3:1 against the background (1.4.11), chart
text 4.5:1 (1.4.3).
"""

from __future__ import annotations

import pytest

from rapprochement.charts import style
from rapprochement.charts.timeline import THEMES

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
