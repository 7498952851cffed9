"""The book's own stylesheet draws its borders in colours with 3:1 contrast on white (WCAG 2.2,
1.4.11), like the charts: Okabe-Ito orange (#E69F00, 2.3:1) was dropped from the palette."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "book" / "_static" / "book.css"


def _luminance(hex_colour: str) -> float:
    """Relative luminance of an sRGB colour (WCAG 2.2)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def test_the_contrast_formula_on_known_pairs() -> None:
    assert round(_contrast_on_white("#000000"), 1) == 21.0
    assert round(_contrast_on_white("#E69F00"), 1) == 2.3  # the dropped orange


def test_border_colours_have_3_to_1_contrast_on_white() -> None:
    text = CSS.read_text(encoding="utf-8")
    borders = re.findall(r"border[\w-]*:[^;]*?(#[0-9a-fA-F]{6})\b", text)
    assert borders, "no border colour found: the test reads nothing"
    weak = [c for c in borders if _contrast_on_white(c) < 3]
    assert not weak, f"border colours under 3:1 on white: {weak}"
