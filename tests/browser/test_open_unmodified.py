"""Every notebook and problem set opens unmodified: once its kernel is ready, JupyterLab does
not mark it as changed, so closing it without doing anything never asks to save.

A notebook whose stored kernel or language metadata differs from what the kernel reports is
rewritten by JupyterLab on opening and shows as modified. Problem sets are opened from a copy
under artifacts/ (git-ignored), never from exercises/.
"""

from __future__ import annotations

import json
import shutil

import pytest

from rapprochement_support import lab

NOTEBOOKS = sorted(p.name for p in (lab.REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


def _has_plotly_output(name: str) -> bool:
    cells = json.loads((lab.REPO / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    return any(PLOTLY in o.get("data", {}) for c in cells for o in c.get("outputs", []))


# Measured: exactly the notebooks with a stored Plotly figure open modified (their metadata
# and cells equal the file; the Plotly renderer changes the output model when it draws).
# Strict, so that the test says so as soon as that is fixed.
KNOWN_MODIFIED = pytest.mark.xfail(
    strict=True, reason="the Plotly renderer marks a notebook with a stored figure modified"
)
PROBLEM_SETS = sorted(
    p.name for p in (lab.REPO / "exercises").iterdir() if (p / f"{p.name}.ipynb").is_file()
)
# the document model's own flag, and the tab's mark (a dot instead of the close button); the
# notebook panel itself carries no "modified" class
DIRTY = """() => [
    window.jupyterapp.shell.currentWidget.context.model.dirty,
    document.querySelector('.lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-dirty') !== null,
]"""


def _assert_unmodified(page) -> None:
    page.wait_for_timeout(1500)  # metadata from the kernel's info reply arrives after "idle"
    assert page.evaluate(DIRTY) == [False, False], "the notebook is modified right after opening"


@pytest.mark.browser
@pytest.mark.parametrize("assignment", PROBLEM_SETS)
def test_problem_set_opens_unmodified(lab_page, lab_server, assignment) -> None:
    folder = lab.ARTIFACTS / "open-unmodified" / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(lab.REPO / "exercises" / assignment / f"{assignment}.ipynb", folder)
    notebook = folder.relative_to(lab.REPO) / f"{assignment}.ipynb"
    lab.open_notebook(lab_page, lab_server, notebook.as_posix())
    _assert_unmodified(lab_page)


@pytest.mark.browser
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=KNOWN_MODIFIED) if _has_plotly_output(n) else n for n in NOTEBOOKS],
)
def test_notebook_opens_unmodified(lab_page, lab_server, name) -> None:
    lab.open_notebook(lab_page, lab_server, f"notebooks/{name}")
    _assert_unmodified(lab_page)
