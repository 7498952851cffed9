"""Check your own problem set against the hidden tests, without seeing them.

    python -m rapprochement.selfcheck exercises/ps1-trade-statistics/ps1-trade-statistics.ipynb

Works in the student environment (``.venv``; no nbgrader needed) of a self-study copy that
still has ``solutions/``. It runs your saved notebook from the top in a fresh process, takes
each answer out as plain data and runs the tests, hidden ones included, in a separate process
(the same code the instructors' grader uses: :mod:`rapprochement.grading.answers`,
:mod:`~rapprochement.grading.sandbox`, :mod:`~rapprochement.grading.checking`). It prints, per
question, only "right", "wrong" or "not answered": never the test code, the expected values or
the model answers. Save the notebook first: the file on disk is what gets checked.
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import partial
from pathlib import Path
from typing import Any

from rapprochement.grading.answers import AnswerError
from rapprochement.grading.checking import check_once
from rapprochement.grading.pipeline import grade_one, identify, load_problem
from rapprochement.grading.sandbox import Policy
from rapprochement.grading.settings import assignments, source_root

__all__ = ["main", "self_check"]

RIGHT, WRONG, NOT_ANSWERED = "right", "wrong", "not answered"


def _read(path: Path) -> Any:
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for broken files
        raise SystemExit(f"{path} is not a readable notebook ({type(exc).__name__})") from None


def _assignment(path: Path, nb: Any) -> str:
    """Which problem set ``nb`` is, from its cells (never from the file name)."""
    found = identify(nb)
    if found is None:
        raise SystemExit(
            f"cannot tell which problem set {path.name} is (one of: {', '.join(assignments())}): "
            "its cells carry none of their problem-set ids. Check the notebook you downloaded "
            "from the course (exercises/<problem set>/), not a copy made with File > New"
        )
    return found


def _question(gid: str) -> str:
    match = re.search(r"q(\d+)-(\d+)", gid)
    return f"Question {match[1]}.{match[2]}" if match else gid


def self_check(path: Path, timeout: float = 60) -> list[tuple[str, str, str]]:
    """[(question, verdict, note)] for every autograded question of the notebook at ``path``."""
    if not source_root().is_dir():
        raise FileNotFoundError(
            "this copy of the collection has no solutions/ folder, so the hidden tests are not "
            "here; the visible tests in the notebook are the check you have (your instructor "
            "grades with the hidden ones)"
        )
    nb = _read(path)
    problem = load_problem(_assignment(path, nb))
    # the student's own code on the student's own machine: no sandbox, the same pipeline
    policy = Policy(cell_timeout=timeout, sandboxed=False, cwd=str(path.resolve().parent))
    outcome = grade_one(nb, problem, policy, partial(check_once, problem.source))
    out = []
    for gid, test in outcome.tests.items():
        note = ""
        if test.passed:
            verdict = RIGHT
        elif test.kind == "refused":
            verdict = WRONG
            note = test.evalue or "the answer could not be read as plain data"
        elif test.kind in ("not answered", "not checked"):
            verdict = NOT_ANSWERED
        else:
            verdict = WRONG
        out.append((_question(gid), verdict, note))
    errors = sorted(
        {
            str(o.get("ename", "error"))
            for cell in outcome.cells.values()
            for o in cell.outputs
            if o.get("output_type") == "error"
        }
        - {"NotImplementedError"}
    )
    if errors:
        out.append(("(your cells)", "note", "some cells raised errors: " + ", ".join(errors)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rapprochement.selfcheck",
        description="Check a saved problem-set notebook against the hidden tests; prints "
        "right / wrong / not answered per question, never the tests or the answers.",
    )
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--timeout", type=float, default=60, help="seconds per cell")
    args = parser.parse_args(argv)
    if not args.notebook.is_file():
        print(f"no such notebook: {args.notebook}", file=sys.stderr)
        return 2
    try:
        rows = self_check(args.notebook, args.timeout)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (AnswerError, RuntimeError) as exc:
        print(f"the check could not run: {exc}", file=sys.stderr)
        return 1
    width = max(len(q) for q, _, _ in rows)
    for question, verdict, note in rows:
        print(f"{question:<{width}}  {verdict}" + (f"  ({note})" if note else ""))
    right = sum(v == RIGHT for _, v, _ in rows)
    total = sum(v in (RIGHT, WRONG, NOT_ANSWERED) for _, v, _ in rows)
    print(f"{right} of {total} autograded questions right; written answers are graded by hand.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
