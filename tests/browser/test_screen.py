"""Every notebook as a student sees it in JupyterLab (headless Chromium), network off.

After Run All: no console error and no request to any host but the local server; no MathJax
inside an output table; no chart wider than its output area at 1366, 1024 and 800 px; every quiz
question answered once right and once wrong shows its feedback; every control of every
widget moved through its range with the chart checked after each step; no serious or
critical axe-core violation in the collection's own content. Notebook 06 also gets its own checks
(``notebook_06.py``: the gap bars, an impossible setting and its message) on the same run.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from rapprochement_support import lab

from . import notebook_06, screen

NOTEBOOKS = sorted(
    p.relative_to(lab.REPO).as_posix() for p in (lab.REPO / "notebooks").glob("[0-9][0-9]-*.ipynb")
)


def _code(notebook: str) -> str:
    cells = json.loads((lab.REPO / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.fixture
def student_page(lab_page: Any) -> Any:
    """``lab_page`` at 1366 x 900, the width of a common laptop screen."""
    lab_page.set_viewport_size({"width": 1366, "height": 900})
    return lab_page


def _chart_screenshots(page: Any, stem: str) -> None:
    """Each output holding a chart, as a picture in artifacts/ (for a person to look at)."""
    outputs = page.locator(".jp-OutputArea-output:has(.js-plotly-plot)")
    for k in range(outputs.count()):
        outputs.nth(k).scroll_into_view_if_needed()
        lab.ARTIFACTS.mkdir(exist_ok=True)
        outputs.nth(k).screenshot(path=str(lab.ARTIFACTS / f"{stem}-chart{k}.png"))


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_what_a_student_sees(student_page: Any, lab_server: str, notebook: str) -> None:
    page = student_page
    name = notebook.split("/")[-1].removesuffix(".ipynb")
    code = _code(notebook)
    lab.open_and_run_all(page, lab_server, notebook)
    # explorers.<name>.<Class>(...) or registry.get(...).widget(...): one explorer each
    n_widgets = len(re.findall(r"\bexplorers\.\w+\.[A-Z]\w+\(|\.widget\(", code))
    n_charts = n_widgets + code.count("timeline_figure(") + code.count("fig.show()")
    if n_charts:
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('.js-plotly-plot')]"
            ".filter(gd => gd.querySelector('.main-svg')).length >= n",
            arg=n_charts,
            timeout=60_000,
        )
    if n_widgets:
        page.wait_for_function(
            "(n) => document.querySelectorAll('.rapprochement-explorer "
            ".rapprochement-summary[data-update]').length >= n",
            arg=n_widgets,
        )
    problems = lab.page_problems(page)
    assert not problems, problems
    _chart_screenshots(page, f"screen-{name}-1366")

    # tables are never typeset as formulas
    assert screen.mathjax_in_tables(page) == 0, "MathJax typeset text inside an output table"

    # charts fit their output area, at 1366 px and after narrowing the window to 1024 and to
    # 800 px (nothing clipped from 800 px up); then back to 1024 for the rest
    assert not screen.overflowing_charts(page), screen.overflowing_charts(page)
    for width in (1024, 800):
        page.set_viewport_size({"width": width, "height": 900})
        screen.wait_for_charts_to_fit(page)
        _chart_screenshots(page, f"screen-{name}-{width}")
    page.set_viewport_size({"width": 1024, "height": 900})
    screen.wait_for_charts_to_fit(page)

    # every quiz question: once wrong, once right, each with its feedback
    if "quiz.show(" in code:
        quiz_id = re.search(r'quiz\.show\("([^"]+)"\)', code).group(1)
        feedback = screen.answer_every_question(page, quiz_id)
        assert all(feedback), feedback

    # notebook 06's own checks (the gap bars, an impossible setting and its message), on this
    # same run, before the controls are moved
    if notebook == notebook_06.NOTEBOOK:
        notebook_06.check_explorers_react(page)

    # every control of every widget through its range, the chart checked after each step
    assert screen.explorer_count(page) == n_widgets
    for i in range(n_widgets):
        page.locator(screen.ROOTS).nth(i).scroll_into_view_if_needed()
        steps = screen.move_every_control(page, i)
        assert steps, f"widget {i}: no control could be moved"
    assert not screen.overflowing_charts(page), screen.overflowing_charts(page)
    problems = lab.page_problems(page)
    assert not problems, problems

    violations = screen.axe_violations(page)
    assert not violations, violations

    assert not page.outside_requests, f"requests off the local server: {page.outside_requests}"
    assert not page.console_errors, f"console errors: {page.console_errors}"


@pytest.mark.browser
def test_the_browser_reaches_no_other_host(student_page: Any, lab_server: str) -> None:
    """The checks above count requests to other hosts; here such requests fail, and are seen."""
    page = student_page
    page.goto(f"{lab_server}/lab?reset", wait_until="domcontentloaded")  # (no CSP in the way)
    for url in ("http://example.org/", "http://192.0.2.1/"):
        result = page.evaluate(
            "(u) => fetch(u, {mode: 'no-cors'}).then(() => 'answered', e => 'failed')", url
        )
        assert result == "failed", f"{url} answered: the browser is not offline"
    assert page.evaluate("() => fetch('/api/status').then(r => r.status)") == 200
    assert page.outside_requests == ["http://example.org/", "http://192.0.2.1/"]
    # the browser logs why they failed: the proxy that stands for "no network"
    assert any("ERR_PROXY_CONNECTION_FAILED" in e for e in page.console_errors)
    page.console_errors.clear()
