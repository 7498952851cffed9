"""The colours the quizzes and focus rings are built from meet WCAG 2.2 AA where they are drawn.

The browser tests measure the rendered pages; these check the constants, so that a palette
change that cannot pass is caught without a browser.
"""

from __future__ import annotations

import json
import re

import pytest

from rapprochement import focus, quiz
from rapprochement.explorers.widget import AccessibleControls

WHITE, JUPYTERLAB_DARK, SLIDER_TRACK = "#FFFFFF", "#111111", "#FAFAFA"


def _ratio(a: str, b: str) -> float:
    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_ratio_matches_known_values():
    assert _ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("background", [WHITE, JUPYTERLAB_DARK, SLIDER_TRACK])
def test_focus_ring_stands_out_on_light_and_dark(background):
    assert _ratio(focus.FOCUS_COLOR, background) >= 3.0


@pytest.mark.parametrize("name", ["--jq-correct-color", "--jq-incorrect-color"])
def test_feedback_colours_read_on_the_card_and_under_white_text(name):
    # feedback text in this colour on the white card; a chosen answer: white text on it
    assert _ratio(quiz.QUIZ_COLORS[name], WHITE) >= 4.5


def test_question_boxes_keep_white_text_readable():
    colours = {**quiz._default_colors(), **quiz.QUIZ_COLORS}
    for name in ("--jq-multiple-choice-bg", "--jq-many-choice-bg", "--jq-numeric-bg"):
        assert _ratio(colours[name][:7], colours["--jq-text-color"]) >= 4.5, name


def test_quiz_and_explorers_carry_the_rules():
    # the quiz's CSS travels in its script (the stored HTML is only the empty container)
    html, script = quiz.render("03-trust-and-pragmatism")
    div_id = re.search(r'id="([^"]+)"', html).group(1)
    rules = quiz.styles(div_id)
    assert ".Feedback.correct" in rules and f"3px solid {focus.FOCUS_COLOR}" in rules
    assert json.dumps(rules) in script
    css = AccessibleControls()._css
    for control in ("select", "button", ".noUi-handle"):
        assert f".rapprochement-explorer {control}:focus-visible" in css
    assert f"3px solid {focus.FOCUS_COLOR}" in css
