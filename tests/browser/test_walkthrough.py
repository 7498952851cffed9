"""Every walk-through notebook in a real JupyterLab: runs clean, widgets render, quizzes answer."""

from __future__ import annotations

import json

import pytest

from . import lab

NOTEBOOKS = sorted(
    p.relative_to(lab.REPO).as_posix()
    for p in (lab.REPO / "notebooks").glob("[0-9][0-9]-*.ipynb")
    if not p.name.startswith("06-")  # notebook 06 has its own, deeper test
)


def _sources(notebook: str) -> str:
    cells = json.loads((lab.REPO / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_and_renders(lab_page, run_notebook, notebook: str) -> None:
    page = lab_page
    run_notebook(notebook)
    code = _sources(notebook)
    name = notebook.split("/")[-1].removesuffix(".ipynb")

    if "timeline_widget(" in code:
        page.wait_for_selector(".jp-OutputArea-output .widget-slider", timeout=30_000)
    if "timeline_figure(" in code or "timeline_widget(" in code or "figures." in code:
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".some(gd => gd.querySelector('.main-svg'))",
            timeout=30_000,
        )
    problems = lab.page_problems(page)
    assert not problems, problems

    if "quiz.show(" in code:
        button = page.locator(".MCButton").first
        button.scroll_into_view_if_needed()
        button.click()
        # jupyterquiz writes the chosen answer's feedback into that question's .Feedback div
        page.wait_for_function(
            "() => [...document.querySelectorAll('.Feedback')]"
            ".some(f => f.textContent.trim().length > 0)",
            timeout=10_000,
        )
    lab.screenshot(page, f"browser-{name}.png")
