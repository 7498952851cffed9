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
import json
import re
import sys
from pathlib import Path
from typing import Any

from rapprochement.grading.answers import AnswerError
from rapprochement.grading.checking import check_once, read_spec
from rapprochement.grading.sandbox import Policy, run_cells
from rapprochement.grading.settings import assignments, source_root

__all__ = ["main", "self_check"]

RIGHT, WRONG, NOT_ANSWERED = "right", "wrong", "not answered"


def _meta(cell: dict[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _read(path: Path) -> dict[str, Any]:
    import nbformat

    try:
        return dict(nbformat.read(path, as_version=4))
    except Exception as exc:  # nbformat raises several kinds for broken files
        raise SystemExit(f"{path} is not a readable notebook ({type(exc).__name__})") from None


def _assignment(path: Path, nb: dict[str, Any]) -> str:
    names = assignments()
    for name in names:
        if path.stem == name or path.stem.startswith(name):
            return name
    ids = {_meta(c).get("grade_id") for c in nb.get("cells", [])}
    for name in names:
        source = json.loads((source_root() / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        if ids & {_meta(c).get("grade_id") for c in source.get("cells", [])}:
            return name
    raise SystemExit(
        f"cannot tell which problem set {path.name} is (one of: {', '.join(names)}); "
        "keep the notebook's file name"
    )


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
    assignment = _assignment(path, nb)
    spec = read_spec(source_root() / assignment / f"{assignment}.ipynb")
    plan: list[dict[str, Any]] = []
    where: dict[str, int] = {}
    answer_errors: dict[int, str] = {}
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        gid = _meta(cell).get("grade_id")
        if gid in spec.tests and gid not in where:
            where[gid] = index
            plan.append({"i": index, "kind": "extract", "names": spec.names[gid]})
        elif not (_meta(cell).get("grade") and not _meta(cell).get("solution")):
            plan.append({"i": index, "kind": "code", "source": _source(cell)})
    end = len(nb.get("cells", []))
    for offset, gid in enumerate(g for g in spec.tests if g not in where):
        where[gid] = end + offset  # a deleted test cell: check the answers at the end
        plan.append({"i": end + offset, "kind": "extract", "names": spec.names[gid]})
    policy = Policy(cell_timeout=timeout, sandboxed=False, cwd=str(path.resolve().parent))
    run = run_cells(plan, policy)
    for index, cell in run.cells.items():
        for output in cell.outputs:
            if output.get("output_type") == "error":
                answer_errors[index] = str(output.get("ename", "error"))
    answers = {gid: run.answers[i] for gid, i in where.items() if i in run.answers}
    results = check_once(spec_path(assignment), answers)
    out = []
    for gid in spec.tests:
        got = results.get(gid, {})
        answer = answers.get(gid) or {}
        note = ""
        if got.get("passed"):
            verdict = RIGHT
        elif got.get("kind") == "refused":
            verdict = WRONG
            note = "; ".join(str(v) for v in (answer.get("refused") or {}).values())
            note = note or "the answer could not be read as plain data"
        elif got.get("kind") == "not answered" or not answer:
            verdict = NOT_ANSWERED
        else:
            verdict = WRONG
        out.append((_question(gid), verdict, note))
    errors = sorted(set(answer_errors.values()) - {"NotImplementedError"})
    if errors:
        out.append(("(your cells)", "note", "some cells raised errors: " + ", ".join(errors)))
    return out


def spec_path(assignment: str) -> Path:
    return source_root() / assignment / f"{assignment}.ipynb"


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
