"""The self-study copies (scripts/make_selfstudy.py): no nbgrader, a model answer after each
question, rubrics for written answers, and they run top to bottom like the student version."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _script():
    import make_selfstudy

    return make_selfstudy


@pytest.fixture(scope="module")
def selfstudy(tmp_path_factory):
    out = tmp_path_factory.mktemp("selfstudy")
    assert _script().main(["--out", str(out)]) == 0
    return out


def _questions(nb) -> list[tuple[str, str]]:
    """(grade id, cell id) of the questions (answer cells) in the instructor source."""
    return [
        (c.metadata["nbgrader"]["grade_id"], c.id)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    ]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_selfstudy_copy_has_no_nbgrader_and_a_model_answer_per_question(selfstudy, assignment):
    path = selfstudy / assignment / f"{assignment}.ipynb"
    text = path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", '"nbgrader"'):
        assert marker not in text, marker
    nb = nbformat.read(path, as_version=4)
    source = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    ids = [c.id for c in nb.cells]
    for gid, cell_id in _questions(source):
        assert f"{gid}-model" in ids, gid
        model = nb.cells[ids.index(f"{gid}-model")]
        assert model.source.startswith("<details>") and "</details>" in model.source
        if gid.endswith("-written"):
            assert "**Rubric" in model.source and "Model answer" in model.source
            assert ids.index(f"{gid}-model") == ids.index(cell_id) + 1  # right after the box
            assert nb.cells[ids.index(cell_id)].source.rstrip().endswith("YOUR ANSWER HERE")
        else:
            answer = nb.cells[ids.index(cell_id)]
            assert "= None" in answer.source and "```python" in model.source
            # the model answer comes after the visible test, i.e. after the attempt
            assert "checks.visible(" in nb.cells[ids.index(f"{gid}-model") - 1].source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_stay_free_of_model_answers(assignment):
    text = (ROOT / "exercises" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
    assert "<details>" not in text and "Model answer" not in text


def test_selfstudy_copy_runs_top_to_bottom(selfstudy):
    assignment = ASSIGNMENTS[0]
    nb = nbformat.read(selfstudy / assignment / f"{assignment}.ipynb", as_version=4)
    NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3").execute(cwd=str(ROOT))
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    printed = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "not answered yet" in printed and "Summary of problem set 1" in printed


def test_unknown_problem_set_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        _script().main(["--out", str(tmp_path), "ps9-nothing"])
    assert "unknown problem set" in capsys.readouterr().err
