"""Self-study copies of the problem sets, with the model answers, for someone studying alone.

    python start.py selfstudy                 # any system, no make (Windows: py start.py ...)
    %run -m rapprochement.selfstudy           # in a notebook cell or console (no terminal)
    python -m rapprochement.selfstudy [--out selfstudy] [--force] [ps ...]   # inside .venv

Each problem set becomes a plain notebook (no nbgrader markers or metadata, no hidden tests) in
``selfstudy/<ps>/<ps>.ipynb``. Every answer cell is empty as in the student version, and after
each question a collapsed block holds the model answer (for written questions, with its grading
rubric), to open after one's own attempt. A course that does not want students to see the keys
hands out ``exercises/`` only and leaves this out.

A copy already on disk is never overwritten without asking: when its cells differ from a fresh
copy (answers written in it), it is kept, and the fresh copy is written only after a "y" at the
prompt (in a terminal) or with ``--force``. A copy whose cells are unchanged is simply renewed.
Without ``solutions/`` (a course's copy of the collection) nothing can be made, and the command
says so and exits with status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapprochement.grading.settings import (
    CODE_STUB,
    TEXT_STUB,
    assignments,
    repo_root,
    source_root,
)

__all__ = ["NoSolutions", "main", "selfstudy_notebook", "write_copies"]

_SOLUTION = re.compile(
    r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M
)
_HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M
)
SELFCHECK_COMMAND = "python start.py selfcheck"
"""How a student runs the self-check from the collection's folder (README, start page)."""

HEADER = """> **Self-study copy.** Problem set {number} for working alone: the same questions
> as `exercises/{ps}/{ps}.ipynb`, with a closed *Model answer* block after each question.
> Answer first, run the visible tests, then open the block (click it) and compare. For
> written answers the block also holds the grading rubric; grade your own answer with it
> before reading the model answer closely. There are no hidden tests in this copy: to check
> your code answers against them, save your copy of the exercise and run, in a terminal in
> the collection's folder, `python start.py selfcheck exercises/{ps}/{ps}.ipynb` (Windows:
> `py start.py ...`), or, with no terminal, `%run -m rapprochement.selfcheck {ps}.ipynb` in a
> console for that notebook (right-click in it: *New Console for Notebook*).
> Generated from `solutions/source/` (`python start.py selfstudy`); your answers in this
> copy are kept when it is generated again."""


class NoSolutions(FileNotFoundError):
    """``solutions/source`` is not in this copy of the collection."""


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
    import nbformat

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


def _cells(nb: Any) -> list[tuple[str, str]]:
    """What a student writes: each cell's kind and text (outputs and metadata left aside)."""
    return [(c.get("cell_type", ""), "".join(c.get("source", ""))) for c in nb.get("cells", [])]


def _ask_in_terminal(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
    except EOFError:
        return False


def write_copies(
    out: Path,
    chosen: Sequence[str] = (),
    *,
    force: bool = False,
    ask: Callable[[str], bool] = _ask_in_terminal,
    say: Callable[[str], None] = print,
) -> dict[str, str]:
    """Write the self-study copies into ``out``; returns {path: what happened}.

    What happened is "written", "renewed" (the copy on disk had no changes of the student's),
    "replaced" (it had, and the student said yes or gave ``force``) or "kept" (it had, and it
    was left as it was). Raises :class:`NoSolutions` without ``solutions/source``, ValueError
    for an unknown problem set.
    """
    import nbformat

    known = assignments()
    if not known:
        raise NoSolutions(
            f"no problem-set sources in {source_root()}: this copy of the collection has no "
            "solutions/ folder (a course may leave it out), so no self-study copy can be made. "
            "Ask your instructor for one, or use a copy of the collection that includes "
            "solutions/."
        )
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise ValueError(
            f"unknown problem set(s): {', '.join(unknown)} (known: {', '.join(known)})"
        )
    done: dict[str, str] = {}
    for assignment in chosen or known:
        path = out / assignment / f"{assignment}.ipynb"
        fresh = selfstudy_notebook(assignment)
        outcome = "written"
        if path.exists():
            try:
                mine = _cells(nbformat.read(path, as_version=4))
            except Exception:  # a broken file is still the student's: never overwrite it
                mine = None
            if mine == _cells(fresh):
                outcome = "renewed"
            elif force or ask(
                f"{path} has changes (your answers?). Replace it with a fresh copy, losing them?"
            ):
                outcome = "replaced"
            else:
                done[str(path)] = "kept"
                say(
                    f"kept {path}: it has changes (your answers?) and was not overwritten. "
                    "To start again, rename or move it and run this again, or add --force "
                    "to replace it."
                )
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(fresh, path)
        done[str(path)] = outcome
        say(f"{outcome} {path}")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python start.py selfstudy",
        description="Write selfstudy/<ps>/<ps>.ipynb: each problem set with a closed model "
        "answer after each question. A copy with your answers in it is kept unless you "
        "confirm or give --force.",
    )
    parser.add_argument("assignments", nargs="*", help="default: every problem set")
    parser.add_argument(
        "--out", type=Path, default=repo_root() / "selfstudy", help="default: selfstudy/"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace copies that have your answers in them"
    )
    args = parser.parse_args(argv)
    try:
        done = write_copies(args.out, args.assignments, force=args.force)
    except NoSolutions as exc:
        print(f"selfstudy: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        parser.error(str(exc))
    if "kept" in done.values():
        print("Your copies with answers in them were kept; nothing of yours was overwritten.")
    return 0


def _in_ipython() -> bool:
    """True under ``%run -m`` in a notebook or console, where a SystemExit shows a traceback."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None


if __name__ == "__main__":
    try:
        status = main()
    except SystemExit as stop:  # argparse's usage errors
        status = stop.code if isinstance(stop.code, int) else 2
    if status and not _in_ipython():  # in IPython the message above says it all
        sys.exit(status)
