"""The student self-check: right / wrong / not answered, and nothing else, without nbgrader."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from rapprochement_support.samples import make_sample, write_sample

pytestmark = pytest.mark.grading
PS1 = "ps1-trade-statistics"
LINE = re.compile(r"^Question \d+\.\d+ +(right|wrong|not answered)( +\(.*\))?$")


def _selfcheck(path) -> list[str]:
    # as in the student environment: nbgrader cannot be imported
    code = (
        "import sys; sys.modules['nbgrader'] = None\n"
        "from rapprochement.selfcheck import main\n"
        f"sys.exit(main([{str(path)!r}, '--timeout', '10']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "nbgrader" not in done.stderr
    return done.stdout.splitlines()


def test_selfcheck_says_right_wrong_or_not_answered_only(tmp_path):
    wrong = make_sample(PS1, "wrong")
    write_sample(wrong, tmp_path / f"{PS1}.ipynb")
    lines = _selfcheck(tmp_path / f"{PS1}.ipynb")
    questions = [line for line in lines if line.startswith("Question")]
    assert questions and all(LINE.match(line) for line in questions), questions
    verdicts = {line.split()[1]: line.split(None, 2)[2] for line in questions}
    # the sample breaks Question 1.1 (rapprochement_support.samples)
    assert verdicts["1.1"] == "wrong"
    assert sum(v == "right" for v in verdicts.values()) == len(questions) - 1
    assert lines[-1].startswith(f"{len(questions) - 1} of {len(questions)} ")
    assert len(lines) == len(questions) + 1  # nothing else: no test code, no expected values


def test_selfcheck_on_the_blank_exercise_and_on_tricks(tmp_path):
    write_sample(make_sample(PS1, "blank"), tmp_path / f"{PS1}.ipynb")
    lines = _selfcheck(tmp_path / f"{PS1}.ipynb")
    assert all(line.endswith("not answered") for line in lines if line.startswith("Question"))
    write_sample(make_sample(PS1, "patched_checks"), tmp_path / "b" / f"{PS1}.ipynb")
    lines = _selfcheck(tmp_path / "b" / f"{PS1}.ipynb")
    assert any(line.startswith("Question 1.1") and "wrong" in line for line in lines)


def test_selfcheck_without_solutions_says_so(tmp_path, monkeypatch):
    from rapprochement import selfcheck

    monkeypatch.setattr(selfcheck, "source_root", lambda: tmp_path / "solutions" / "source")
    write_sample(make_sample(PS1, "blank"), tmp_path / f"{PS1}.ipynb")
    with pytest.raises(FileNotFoundError, match="no solutions/ folder"):
        selfcheck.self_check(tmp_path / f"{PS1}.ipynb")
    assert selfcheck.main([str(tmp_path / f"{PS1}.ipynb")]) == 2


@pytest.mark.parametrize("assignment", ["ps2-mirror-statistics", "ps3-argument-analysis"])
def test_selfcheck_recognises_a_renamed_problem_set_by_its_cells(tmp_path, assignment):
    """Saved under another name, even the first problem set's, a problem set is checked as
    itself: its cells say which one it is."""
    solved = make_sample(assignment, "solved")
    write_sample(solved, tmp_path / f"{PS1}.ipynb")
    lines = _selfcheck(tmp_path / f"{PS1}.ipynb")
    questions = [line for line in lines if line.startswith("Question")]
    number = assignment[2]
    assert questions and all(q.startswith(f"Question {number}.") for q in questions), lines
    assert all(q.endswith("right") for q in questions), lines


def test_selfcheck_says_so_when_no_cell_names_a_problem_set(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / f"{PS1}.ipynb")
    code = (
        "import sys; sys.modules['nbgrader'] = None\n"
        "from rapprochement.selfcheck import main\n"
        f"sys.exit(main([{str(tmp_path / f'{PS1}.ipynb')!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0
    assert "cannot tell which problem set" in done.stderr
