"""The offline HTML export (rapprochement.export) as a reader opens it: file://, network off.

Every notebook of the manifest is exported as committed (executed), and one notebook with its
outputs removed (never run: the exporter executes it first). Each page is opened in headless
Chromium with every request to another host refused and recorded: every chart draws, a
control of a kernel-free explorer changes its chart, a quiz answer gives feedback, no console
error, no outside request. Runs with the book tests (`make book-test`, .venv-book: it has
nbconvert, a kernel, Playwright and the book's vendored plotly.js).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from rapprochement import export, manifest, quiz

from .conftest import ROOT, Watch
from .test_book import _controls, _fingerprint, _open, click_menu_button

pytestmark = pytest.mark.browser
STEMS = manifest.load().stems()
UNRUN = "01-context-and-official-frame"


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    for stem in STEMS:
        export.export_notebook(ROOT / "notebooks" / f"{stem}.ipynb", out, execute="never")
    # the same notebook never run: its outputs and execution counts removed
    nb = nbformat.read(ROOT / "notebooks" / f"{UNRUN}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    unrun = out / "unrun"
    unrun.mkdir()
    nbformat.write(nb, unrun / f"{UNRUN}.ipynb")
    # executed where the notebook lives (its relative paths), written beside the others
    exporter = export.OfflineHTMLExporter()
    body, resources = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": UNRUN, "path": str(ROOT / "notebooks")}}
    )
    assert resources.get("rapprochement_executed"), "the never-run notebook was not executed"
    (unrun / f"{UNRUN}.html").write_text(body, encoding="utf-8")
    return out


def _stored(stem: str) -> dict[str, int]:
    """What the committed notebook holds: plotly outputs, widget outputs, quizzes."""
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    counts = {"plotly": 0, "widgets": 0, "quiz": 0}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            counts["plotly"] += export.PLOTLY_MIME in data
            counts["widgets"] += export.WIDGET_MIME in data
            counts["quiz"] += quiz.quiz_id_in("".join(data.get("text/html", ""))) is not None
    return counts


def _check_page(page: Any, watch: Watch, path: Path, stem: str) -> None:
    _open(page, path)
    text = path.read_text(encoding="utf-8")
    # nothing is loaded from anywhere: no src= or href= to another host in the markup
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", text), stem
    assert text.count("Plotly.newPlot") <= 1, "plotly.js and its drawing script more than once"
    plots = page.locator(".rapprochement-plot").count()
    assert page.locator(".rapprochement-plot .main-svg").count() >= plots
    explorers = [i for i in range(plots) if _controls(page, i)["menus"]]
    for i in explorers[:1]:  # one control of one explorer per page keeps the suite fast
        before = _fingerprint(page, i)
        menu = _controls(page, i)["menus"][0]
        click_menu_button(page, i, 0, 1 if menu["active"] == 0 else 0)
        assert _fingerprint(page, i) != before, f"{stem}: the explorer's menu changed nothing"
    quizzes = page.locator(".Quiz")
    if quizzes.count():
        first = quizzes.nth(0)
        first.scroll_into_view_if_needed()
        if first.locator(".MCButton").count():
            first.locator(".MCButton[data-correct='true']").first.click()
        else:
            box = first.locator("input.Input-text")
            box.fill("-987654")
            box.press("Enter")
        page.wait_for_function(
            "() => { const f = document.querySelector('.Quiz .Feedback');"
            " return f && f.textContent.trim().length > 0; }",
            timeout=10_000,
        )
    assert not watch.outside, f"{stem}: requests to other hosts: {watch.outside}"
    assert not watch.page_errors, watch.page_errors
    assert not watch.console_errors, watch.console_errors
    return None


@pytest.mark.parametrize("stem", STEMS)
def test_exported_notebook_works_offline(
    exported: Path, offline_page: tuple[Any, Watch], stem: str
) -> None:
    page, watch = offline_page
    path = exported / f"{stem}.html"
    _check_page(page, watch, path, stem)
    stored = _stored(stem)
    plots = page.locator(".rapprochement-plot").count()
    # every plotly output and every explorer widget of the notebook is a chart on the page
    assert plots == stored["plotly"] + stored["widgets"] - stored["quiz"], (stem, stored, plots)
    questions = len(quiz.load(_quiz_of(stem))) if stored["quiz"] else 0
    assert page.locator(".Quiz").count() == questions
    assert "VBox(children" not in page.locator("main").inner_text()


def _quiz_of(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        m = re.search(r'quiz\.show\("([^"]+)"\)', cell.source)
        if m:
            return m.group(1)
    raise AssertionError(f"{stem} has no quiz")


def test_never_run_notebook_is_executed_and_drawn(
    exported: Path, offline_page: tuple[Any, Watch]
) -> None:
    page, watch = offline_page
    path = exported / "unrun" / f"{UNRUN}.html"
    _check_page(page, watch, path, UNRUN)
    assert page.locator(".rapprochement-plot .main-svg").count() >= 1
    assert page.locator(".Quiz").count() == len(quiz.load(_quiz_of(UNRUN)))


def test_exporter_is_registered_for_nbconvert_and_jupyterlab() -> None:
    from nbconvert.exporters import get_exporter

    assert get_exporter("offline_html") is export.OfflineHTMLExporter
