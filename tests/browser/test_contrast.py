"""Quiz feedback one can read and controls whose focus one can see, in JupyterLab.

Measured after Run All and after use, in the light theme and in JupyterLab Dark: every text
of the quiz (question, answers, feedback, chosen answers, typed numbers) at least 4.5:1 against
what it is drawn on, a focus ring of at least 3:1 on the focused answer, number box and on
every kind of explorer control (drop-down, list, toggle button, slider), and arrow keys that
move between answers without answering. The ratios are computed from computed styles
(``contrast.py``), since axe-core's contrast rule gives no answer inside JupyterLab.
Pictures of the quiz go to artifacts/ for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from rapprochement import quiz
from rapprochement_support import contrast, lab

pytestmark = pytest.mark.browser

DARK, LIGHT = "JupyterLab Dark", "JupyterLab Light"


@pytest.fixture
def page(lab_page: Any) -> Any:
    lab_page.set_viewport_size({"width": 1366, "height": 900})
    return lab_page


def _set_theme(page: Any, theme: str) -> None:
    page.evaluate(
        "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme
    )
    light = "true" if theme == LIGHT else "false"
    page.wait_for_function(
        "([name, light]) => document.body.dataset.jpThemeName === name"
        " && document.body.dataset.jpThemeLight === light",
        arg=[theme, light],
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # the theme's stylesheet is applied after the attributes change


def _picture(page: Any, quiz_id: str, name: str) -> None:
    lab.ARTIFACTS.mkdir(exist_ok=True)
    root = page.locator("#" + quiz._div_id(quiz_id))
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(lab.ARTIFACTS / f"contrast-{name}.png"))


def _quiz_in_the_dark(page: Any, quiz_id: str) -> list[str]:
    """The answered quiz measured again in the dark theme, focus rings included."""
    root = "#" + quiz._div_id(quiz_id)
    problems = contrast.low_contrast(contrast.texts(page, root))
    for selector in (".MCButton input", "input.Input-text"):
        target = page.locator(f"{root} {selector}").first
        if target.count():
            target.focus()
            shown = target if selector.startswith("input.") else target.locator("xpath=..")
            problem = contrast.ring_problem(contrast.ring(page, shown.element_handle()))
            if problem:
                problems.append(f"dark theme: {problem}")
    return problems


def test_quiz_feedback_is_readable_and_arrow_keys_do_not_answer(page: Any, lab_server: str):
    quiz_id = "03-trust-and-pragmatism"
    lab.open_and_run_all(page, lab_server, f"notebooks/{quiz_id}.ipynb")
    result = contrast.exercise_quiz(page, quiz_id)
    _picture(page, quiz_id, f"{quiz_id}-light")
    problems = contrast.quiz_problems(result)
    assert not problems, "\n".join(problems)
    # 0.157 for 15.7 %: told to check fraction against percentage, not "the other way round"
    hints = dict(result["feedback"])
    assert "fraction" in hints["0.157"] and "other way round" not in hints["0.157"], hints
    assert len(result["texts"]) > 50, "too few texts measured"
    try:
        _set_theme(page, DARK)
        problems = _quiz_in_the_dark(page, quiz_id)
        _picture(page, quiz_id, f"{quiz_id}-dark")
    finally:
        _set_theme(page, LIGHT)
    assert not problems, "\n".join(problems)
    assert not page.console_errors, page.console_errors


CONTROLS = {
    "drop-down": ".rapprochement-explorer select:not([multiple])",
    "list": ".rapprochement-explorer select[multiple]",
    "toggle button": ".rapprochement-explorer .widget-toggle-buttons button",
    "slider": ".rapprochement-explorer .noUi-handle",
}


def _control_rings(page: Any, theme: str) -> tuple[list[str], int]:
    problems, checked = [], 0
    for kind, selector in CONTROLS.items():
        found = page.locator(selector)
        assert found.count(), f"no {kind} on the page"
        for k in range(found.count()):
            control = found.nth(k)
            if control.is_disabled() if kind != "slider" else False:
                continue
            control.scroll_into_view_if_needed()
            page.keyboard.press("Shift")  # the last input was the keyboard (:focus-visible)
            control.focus()
            problem = contrast.ring_problem(contrast.ring(page, control.element_handle()))
            if problem:
                problems.append(f"{theme}, {kind} {k}: {problem}")
            checked += 1
            box = control.bounding_box()
            if k == 0 and box:
                lab.ARTIFACTS.mkdir(exist_ok=True)
                clip = {
                    "x": max(box["x"] - 16, 0),
                    "y": max(box["y"] - 16, 0),
                    "width": box["width"] + 32,
                    "height": box["height"] + 32,
                }
                name = f"contrast-focus-{kind.replace(' ', '-')}-{theme}.png"
                page.screenshot(path=str(lab.ARTIFACTS / name), clip=clip)
    return problems, checked


EXPLORER_TEXT = ", ".join(
    f".rapprochement-explorer {c}"
    for c in (".widget-html", ".widget-label", ".widget-toggle-button", ".widget-readout")
)


def _use_first_explorer(page: Any) -> None:
    """Choose the next option of the first drop-down and press an unpressed toggle button,
    waiting each time for the explorer to redraw (its summary's update count)."""
    root = page.locator(".rapprochement-explorer").first
    count = "(r) => Number(r.querySelector('.rapprochement-summary').dataset.update)"
    for act in (
        lambda: root.locator("select:not([multiple])").first.press("ArrowDown"),
        lambda: root.locator(".widget-toggle-buttons button[aria-pressed='false']").first.click(),
    ):
        before = root.evaluate(count)
        act()
        page.wait_for_function(
            f"([r, n]) => ({count})(r) > n", arg=[root.element_handle(), before], timeout=60_000
        )


def test_explorer_controls_and_quiz_after_use(page: Any, lab_server: str):
    quiz_id = "06-trade-and-targets"
    lab.open_and_run_all(page, lab_server, f"notebooks/{quiz_id}.ipynb")
    page.wait_for_function(
        "() => document.querySelectorAll('.rapprochement-explorer .rapprochement-summary"
        "[data-update]').length >= 4",
        timeout=60_000,
    )
    result = contrast.exercise_quiz(page, quiz_id)
    problems = contrast.quiz_problems(result)
    assert not problems, "\n".join(problems)
    problems, checked = _control_rings(page, "light")
    assert checked >= 8, checked
    # the explorers' own texts (titles, notes, summaries, labels, buttons) stay readable after
    # a drop-down and a toggle button are used
    _use_first_explorer(page)
    low = contrast.low_contrast(contrast.texts(page, EXPLORER_TEXT))
    assert len(contrast.texts(page, EXPLORER_TEXT)) > 20
    try:
        _set_theme(page, DARK)
        dark, _ = _control_rings(page, "dark")
        dark += _quiz_in_the_dark(page, quiz_id)
        dark += [
            f"dark theme: {t}" for t in contrast.low_contrast(contrast.texts(page, EXPLORER_TEXT))
        ]
    finally:
        _set_theme(page, LIGHT)
    assert not problems + dark, "\n".join(problems + dark)
    assert not low, low
    assert not page.console_errors, page.console_errors
