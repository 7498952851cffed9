"""Quiz feedback one can read, in the book and in an exported page, after it is used.

The same measurements as tests/browser/test_contrast.py (``rapprochement_support.contrast``:
text contrast from computed styles, focus rings, arrow keys that do not answer), run on the book's
pages and on an offline HTML export after every question has been answered wrong and right (a
number typed for each numeric one), in the book's light and dark modes. axe-core's
``color-contrast`` rule, scoped to the quiz, checks the same states as a second opinion (it
works on these plain pages, unlike inside JupyterLab). Pictures go to artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from rapprochement import export, quiz
from rapprochement_support import contrast

from .conftest import ROOT, Watch

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "artifacts"
#: a numeric question about a percentage (03) and one with two numeric questions (06)
STEMS = ["03-trust-and-pragmatism", "06-trade-and-targets"]


C = contrast


def _quiz_of(stem: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        m = re.search(r'quiz\.show\("([^"]+)"\)', cell.source)
        if m:
            return m.group(1)
    raise AssertionError(f"{stem} has no quiz")


def _axe_contrast(page: Any, root: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=root, options={"runOnly": ["color-contrast"]})
    return [
        f"axe {v['id']}: {n['target']} {n.get('failureSummary', '')[:200]}"
        for v in results.response["violations"]
        for n in v["nodes"]
    ]


def _use_and_measure(page: Any, watch: Watch, path: Path, quiz_id: str, name: str) -> None:
    page.goto(path.as_uri(), wait_until="load")
    result = C.exercise_quiz(page, quiz_id)
    root = "#" + quiz._div_id(quiz_id)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(root).screenshot(path=str(ARTIFACTS / f"contrast-{name}.png"))
    problems = C.quiz_problems(result) + _axe_contrast(page, root)
    assert not problems, "\n".join(problems)
    assert len(result["texts"]) > 50, "too few texts measured"
    assert not watch.page_errors, watch.page_errors


@pytest.mark.parametrize("stem", STEMS)
def test_book_quiz_is_readable_after_answers(
    book: Path, offline_page: tuple[Any, Watch], stem: str
) -> None:
    page, watch = offline_page
    quiz_id = _quiz_of(stem)
    _use_and_measure(page, watch, book / f"{stem}.html", quiz_id, f"book-{stem}")
    # the book's dark mode (the theme's switch sets data-theme on <html>)
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    page.wait_for_timeout(300)
    root = "#" + quiz._div_id(quiz_id)
    problems = C.low_contrast(C.texts(page, root))
    target = page.locator(f"{root} .MCButton input").first
    target.focus()
    ring = C.ring_problem(C.ring(page, target.locator("xpath=..").element_handle()))
    problems += [f"dark mode: {ring}"] if ring else []
    page.locator(root).screenshot(path=str(ARTIFACTS / f"contrast-book-{stem}-dark.png"))
    assert not problems, "\n".join(problems)


def test_exported_quiz_is_readable_after_answers(
    tmp_path: Path, offline_page: tuple[Any, Watch]
) -> None:
    page, watch = offline_page
    stem = STEMS[0]
    export.export_notebook(ROOT / "notebooks" / f"{stem}.ipynb", tmp_path, execute="never")
    _use_and_measure(page, watch, tmp_path / f"{stem}.html", _quiz_of(stem), f"export-{stem}")
