"""Every notebook and problem set opens unmodified: once its kernel is ready, JupyterLab does
not mark it as changed, so closing it without doing anything never asks to save.

A notebook whose stored kernel or language metadata differs from what the kernel reports is
rewritten by JupyterLab on opening and shows as modified. Problem sets are opened from a copy
under artifacts/ (git-ignored), never from exercises/.
"""

from __future__ import annotations

import shutil

import pytest

from . import lab

NOTEBOOKS = sorted(p.name for p in (lab.REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PROBLEM_SETS = sorted(
    p.name for p in (lab.REPO / "exercises").iterdir() if (p / f"{p.name}.ipynb").is_file()
)
DIRTY = "() => document.querySelector('.jp-NotebookPanel .jp-mod-dirty') !== null"


def _assert_unmodified(page) -> None:
    page.wait_for_timeout(1500)  # metadata from the kernel's info reply arrives after "idle"
    assert not page.evaluate(DIRTY), "the notebook shows as modified right after opening"


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
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_opens_unmodified(lab_page, lab_server, name) -> None:
    lab.open_notebook(lab_page, lab_server, f"notebooks/{name}")
    _assert_unmodified(lab_page)
