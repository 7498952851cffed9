"""Write a self-study copy of each problem set, generated from the instructor source.

    python scripts/make_selfstudy.py [--out selfstudy] [assignment ...]

For someone studying alone: each problem set as a plain notebook (no nbgrader markers or
metadata, no hidden tests) in ``selfstudy/<ps>/<ps>.ipynb``. Every answer cell is empty as in
the student version, and after each question a collapsed block holds the model answer (for
written questions, with its grading rubric), to open after one's own attempt. A course that
does not want students to see the keys hands out ``exercises/`` only and leaves this out.
The copy is generated, never edited: ``make selfstudy`` rewrites it from ``solutions/source``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

from rapprochement.grading.settings import CODE_STUB, TEXT_STUB, assignments, source_root

REPO = Path(__file__).resolve().parents[1]
_SOLUTION = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M
)
_HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M
)

HEADER = """> **Self-study copy.** Problem set {number} for working alone: the same questions
> as `exercises/{ps}/{ps}.ipynb`, with a closed *Model answer* block after each question.
> Answer first, run the visible tests, then open the block (click it) and compare. For
> written answers the block also holds the grading rubric; grade your own answer with it
> before reading the model answer closely. There are no hidden tests in this copy: to check
> your code answers against them, run `python -m rapprochement.selfcheck
> exercises/{ps}/{ps}.ipynb` on your copy of the exercise. Generated from
> `solutions/source/` by `scripts/make_selfstudy.py` (`make selfstudy`): edit the source, not
> this file."""


def _question(grade_id: str) -> str:
    match = re.search(r"q(\d+)-(\d+)", grade_id)
    return f"{match.group(1)}.{match.group(2)}" if match else grade_id


def _details(question: str, body: str, *, written: bool) -> str:
    what = "Model answer and rubric" if written else "Model answer"
    return (
        f"<details>\n<summary><b>{what} for Question {question}</b> "
        "(click to open, after your own attempt)</summary>\n\n"
        f"{body.strip()}\n\n</details>"
    )


def _solution(source: str, grade_id: str) -> str:
    match = _SOLUTION.search(source)
    if match is None:
        raise ValueError(f"{grade_id}: no ### BEGIN SOLUTION / ### END SOLUTION region")
    return match.group(1)


def _strip_solution(source: str, stub: str) -> str:
    return _SOLUTION.sub(lambda m: stub + "\n", source, count=1).rstrip("\n")


def selfstudy_notebook(assignment: str) -> Any:
    """The self-study version of ``assignment`` (an nbformat notebook)."""
    nb = nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4)
    number = re.sub(r"\D", "", assignment.split("-")[0]) or "?"
    cells = [nbformat.v4.new_markdown_cell(HEADER.format(number=number, ps=assignment))]
    cells[0].id = f"{assignment}-selfstudy"
    pending: Any = None  # the model-answer cell of the last code answer, after its test
    for cell in nb.cells:
        meta = cell.metadata.pop("nbgrader", {})
        for key in ("deletable", "editable"):
            cell.metadata.pop(key, None)
        gid = meta.get("grade_id", "")
        if meta.get("solution") and cell.cell_type == "code":
            code = _solution(cell.source, gid)
            cell.source = _strip_solution(cell.source, CODE_STUB)
            pending = nbformat.v4.new_markdown_cell(
                _details(_question(gid), f"```python\n{code.rstrip()}\n```", written=False)
            )
            pending.id = f"{gid}-model"
            cells.append(cell)
            continue
        if meta.get("solution") and cell.cell_type == "markdown":
            body = _solution(cell.source, gid)
            cell.source = _strip_solution(cell.source, TEXT_STUB)
            model = nbformat.v4.new_markdown_cell(_details(_question(gid), body, written=True))
            model.id = f"{gid}-model"
            cells += [cell, model]
            continue
        if "BEGIN HIDDEN TESTS" in cell.source:
            cell.source = _HIDDEN.sub("", cell.source).rstrip("\n")
        cells.append(cell)
        if pending is not None and meta.get("grade"):
            cells.append(pending)
            pending = None
    if pending is not None:
        cells.append(pending)
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = cells
    nb.metadata.pop("rapprochement", None)
    nb.metadata["rapprochement"] = {"selfstudy": assignment}
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every problem set")
    parser.add_argument("--out", type=Path, default=REPO / "selfstudy")
    args = parser.parse_args(argv)
    known = assignments()
    chosen = args.assignments or known
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        parser.error(f"unknown problem set(s): {', '.join(unknown)} (known: {', '.join(known)})")
    for assignment in chosen:
        path = args.out / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(selfstudy_notebook(assignment), path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
