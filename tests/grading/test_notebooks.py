"""The problem sets themselves: solutions pass their own tests, student versions are current
and run top to bottom with clear messages, every question shows its points."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rapprochement.grading.course import make_config
from rapprochement.grading.settings import CODE_STUB, assignments, release_root, source_root
from rapprochement_support.samples import nbgrader_meta

pytestmark = pytest.mark.grading
ASSIGNMENTS = assignments()


def test_there_are_at_least_three_problem_sets():
    assert len(ASSIGNMENTS) >= 3


def _run(nb):
    client = NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3")
    client.execute(cwd=str(source_root().parents[1]))
    return nb


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solutions_pass_their_own_tests_including_hidden(assignment):
    nb = _run(nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4))
    failures = [
        (nbgrader_meta(c).get("grade_id"), _errors(c)[0].evalue) for c in nb.cells if _errors(c)
    ]
    assert failures == []
    tests = [
        c
        for c in nb.cells
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    ]
    assert tests and all("BEGIN HIDDEN TESTS" in c.source for c in tests)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_runs_top_to_bottom_with_clear_failures(assignment):
    nb = _run(nbformat.read(release_root() / assignment / f"{assignment}.ipynb", as_version=4))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta, errors = nbgrader_meta(cell), _errors(cell)
        if meta.get("solution"):
            assert errors == [], cell.source[:80]  # the stub sets the names to None
        elif meta.get("grade"):
            assert errors == [], cell.source[:80]  # visible tests report, never raise
            printed = "".join(o.get("text", "") for o in cell.outputs if "text" in o)
            assert "not answered yet" in printed, cell.source[:80]
        else:
            assert errors == [], cell.source[:80]
        assert "HIDDEN" not in cell.source and "BEGIN SOLUTION" not in cell.source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_shown_and_rubrics_only_in_solutions(assignment):
    release = nbformat.read(release_root() / assignment / f"{assignment}.ipynb", as_version=4)
    text = "\n".join(c.source for c in release.cells)
    graded = [c for c in release.cells if nbgrader_meta(c).get("grade")]
    for cell in graded:
        points = nbgrader_meta(cell)["points"]
        label = f"({points:g} point"
        assert label in text, (nbgrader_meta(cell)["grade_id"], label)
    assert "Hidden tests are added when your work is graded" in text
    assert "Rubric" not in text and "Model answer" not in text
    source = (source_root() / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    assert source.count("**Rubric") == sum(1 for c in graded if c.cell_type == "markdown")
    assert re.search(r"¶\d", text)


def _comparable(nb):
    cells = []
    for cell in nb.cells:
        meta = dict(cell.metadata)
        cells.append((cell.cell_type, cell.source, repr(sorted(meta.items()))))
    return cells, repr(sorted(nb.metadata.items()))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_are_up_to_date_with_solutions(assignment, tmp_path):
    """Regenerate the student version with nbgrader and compare with exercises/."""
    import shutil

    from nbgrader.converters import GenerateAssignment
    from nbgrader.utils import capture_log

    from rapprochement.grading.course import coursedir

    shutil.copytree(source_root() / assignment, tmp_path / "source" / assignment)
    config = make_config(tmp_path)
    app = GenerateAssignment(coursedir=coursedir(config, assignment), config=config)
    app.force = True
    result = capture_log(app)
    assert result["success"], result.get("log", "") + result.get("error", "")
    fresh = nbformat.read(tmp_path / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    stored = nbformat.read(release_root() / assignment / f"{assignment}.ipynb", as_version=4)
    assert _comparable(stored) == _comparable(fresh), (
        f"exercises/{assignment} is out of date: run `nbgrader generate_assignment {assignment} "
        "--force` from the repository root (see docs/instructor-grading.md)"
    )


def test_code_stub_is_explicit():
    for assignment in ASSIGNMENTS:
        text = (release_root() / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
        assert CODE_STUB.splitlines()[1].replace('"', '\\"') in text


def test_exercises_folder_has_only_generated_assignments():
    folders = [
        p.name for p in release_root().iterdir() if p.is_dir() and not p.name.startswith(".")
    ]
    assert sorted(folders) == ASSIGNMENTS
    assert all(Path(release_root() / a / f"{a}.ipynb").is_file() for a in ASSIGNMENTS)
