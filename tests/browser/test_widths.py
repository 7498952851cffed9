"""Charts fit any window width: notebooks opened fresh at 800, 1024 and 1366 px in JupyterLab.

For each width a new page is opened at that width (not a wide page narrowed later: a chart
drawn before JupyterLab had laid out its output area came out 700 px wide at every width).
After Run All, every chart (static figures, which JupyterLab's plotly renderer draws into the
output area element itself, and explorers) must lie inside its output area,
be drawn at that area's width, and have no legend, menu or label over its data or over each
other (``widths.py``). Then one control of each explorer is used, and the window is resized
to the other widths and back, with the same check after each step.

To keep the CPU time small: every notebook with a chart at 800 px (the narrowest, where most
goes wrong), and the chart-heavy notebooks 06, 08 and 09 also at 1024 and 1366 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rapprochement_support import lab, widths

from . import screen

CHART_NOTEBOOKS = [
    "00-start-here",
    "01-context-and-official-frame",
    "02-narratives-and-pandemic",
    "04-worldviews-dual-circulation-dollar",
    "05-polarized-world-and-threats",
    "06-trade-and-targets",
    "07-self-reflection-and-continuity",
    "08-three-noes-to-doing-together",
    "09-hindsight",
]
HEAVY = ["06-trade-and-targets", "08-three-noes-to-doing-together", "09-hindsight"]
CASES = [(800, nb) for nb in CHART_NOTEBOOKS] + [(w, nb) for w in (1024, 1366) for nb in HEAVY]
SCOPE = ".jp-NotebookPanel .jp-OutputArea-output"

# JupyterLab's toolbar moves the kernel indicator into its "..." menu on a narrow window, so
# these waits ask the notebook's session instead (lab.KERNEL_READY reads the indicator).
_READY = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle'
    && document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length > 0; }"""
_DONE = """() => { const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const ps = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
  return ps.length > 0 && ps.every(p => /\\[\\d+\\]/.test(p.textContent))
    && k.status === 'idle'; }"""
_DRAWN = """() => {
  const roots = [...document.querySelectorAll('.rapprochement-explorer')];
  return roots.every(r => r.querySelector('.rapprochement-summary[data-update]')
                          && r.querySelector('.js-plotly-plot .main-svg'))
    && [...document.querySelectorAll('.jp-OutputArea-output .js-plotly-plot,'
                                     + ' .jp-OutputArea-output.js-plotly-plot')]
        .every(gd => gd.querySelector('.main-svg')); }"""


@pytest.fixture(scope="module")
def pages(browser_context: Any, lab_server: str) -> Iterator[dict[int, Any]]:
    """One page per width, opened at that width and kept for the notebooks of that width."""
    opened: dict[int, Any] = {}
    try:
        yield opened
    finally:
        for page in opened.values():
            try:
                lab.close_documents(page)
                lab.shut_down_kernels(page)
            finally:
                page.context.close()


def _open_fresh(pages: dict[int, Any], context: Any, base_url: str, width: int, nb: str) -> Any:
    """The notebook opened (not narrowed) at ``width``, Run All done, every chart drawn."""
    page = pages.get(width)
    path = f"notebooks/{nb}.ipynb"
    # one browser on a notebook at a time, as a student has: the other widths' windows close
    # their notebooks and kernels first (a window left connected to a kernel while another
    # opens the same notebook made JupyterLab report "[anywidget] Failed to initialize model")
    for other_width, other in pages.items():
        if other_width != width:
            lab.close_documents(other)
            lab.shut_down_kernels(other)
    if page is None:
        # its own browser context, as a student's own browser: a second JupyterLab window in
        # the shared context races the first for a window name ("Window name candidate null
        # already exists", seen once in CI)
        page = pages[width] = context.browser.new_context().new_page()
        page.set_default_timeout(60_000)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base_url}/lab/tree/{path}?reset", wait_until="domcontentloaded")
    else:
        assert page.viewport_size["width"] == width
        lab.close_documents(page)
        lab.shut_down_kernels(page)
        page.errors.clear()
        page.evaluate(
            "async (p) => { await window.jupyterapp.commands.execute("
            "'docmanager:open', {path: p}); }",
            path,
        )
    page.wait_for_function(_READY, timeout=90_000)
    page.keyboard.press("Escape")
    lab._menu(page, "Run", "Run All Cells")
    page.wait_for_function(lab._STARTED, timeout=30_000)
    page.wait_for_function(_DONE, timeout=120_000)
    page.wait_for_function(_DRAWN, timeout=60_000)
    assert not lab.page_problems(page), lab.page_problems(page)
    return page


def _shots(page: Any, stem: str) -> None:
    outputs = page.locator(
        ".jp-OutputArea-output:has(.js-plotly-plot), .jp-OutputArea-output.js-plotly-plot"
    )
    lab.ARTIFACTS.mkdir(exist_ok=True)
    for k in range(outputs.count()):
        outputs.nth(k).scroll_into_view_if_needed()
        outputs.nth(k).screenshot(path=str(lab.ARTIFACTS / f"widths-{stem}-chart{k}.png"))


@pytest.mark.browser
@pytest.mark.parametrize(("width", "notebook"), CASES, ids=[f"{w}-{nb[:2]}" for w, nb in CASES])
def test_charts_fit_when_opened_used_and_resized(
    pages: dict[int, Any], browser_context: Any, lab_server: str, width: int, notebook: str
) -> None:
    page = _open_fresh(pages, browser_context, lab_server, width, notebook)
    stem = f"{notebook[:2]}-{width}"
    widths.wait_until_fitting(page, SCOPE)
    _shots(page, f"{stem}-opened")
    if screen.explorer_count(page):
        screen.use_each_explorer(page)
        widths.wait_until_fitting(page, SCOPE)
        _shots(page, f"{stem}-used")
    others = [w for w in (1366, 800) if w != width] or [1024]
    for other in [*others, width]:
        page.set_viewport_size({"width": other, "height": 900})
        widths.wait_until_fitting(page, SCOPE)
    _shots(page, f"{stem}-resized")
    assert not page.errors, page.errors
