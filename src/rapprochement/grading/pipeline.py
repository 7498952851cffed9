"""Grade one submission: prepare its cells, run them in a sandbox, check the answers outside.

:func:`grade_one` is the whole per-submission pipeline, used by the batch
(:mod:`.runner`, one call per student in a worker process) and by the students' self-check
(:mod:`rapprochement.selfcheck`, without a sandbox)::

    prepare (grade ids made unambiguous, deleted or edited graded cells restored)
      -> sandbox.run_cells (the student's cells; at each test cell its answers leave as data)
      -> check (the tests, hidden ones included, in a clean process)
      -> Outcome (plain data; nbgrader only replays it, see ReplayOutcomes)

Imports no nbgrader: it runs in the student environment too.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from rapprochement.grading import cells as kinds
from rapprochement.grading.checking import AssignmentSpec, read_spec
from rapprochement.grading.inspect import (
    normalise_cells,
    restore_missing_cells,
    suspicious_code,
)
from rapprochement.grading.outcomes import CellOutcome, Outcome, TestOutcome
from rapprochement.grading.sandbox import GB, MB, Policy, run_cells
from rapprochement.grading.settings import assignments, release_root, source_root

__all__ = [
    "Check",
    "Problem",
    "apply_outcome",
    "grade_one",
    "identify",
    "load_problem",
    "notes",
]

KERNEL_DIED = "KernelDied"
CELL_TIMEOUT_ERROR = "CellTimeoutError"
NOT_PLAIN = "AnswerNotPlainData"
NOT_CHECKED = "NotChecked"

Check = Callable[[dict[str, Any], float], dict[str, Any]]
"""(answers by grade id, seconds per test) -> results by grade id (see :mod:`.checking`)."""


@dataclass
class Problem:
    """One assignment, as grading needs it."""

    name: str
    source: Path
    """The instructor source notebook (setup, tests with hidden parts, model answers)."""
    spec: AssignmentSpec
    release: Any
    """The student version (nbformat node): deleted cells come back from it."""


def load_problem(name: str, release: Path | None = None) -> Problem:
    """The assignment ``name`` from ``solutions/source`` (and its student version)."""
    source = source_root() / name / f"{name}.ipynb"
    if not source.is_file():
        raise FileNotFoundError(f"no source notebook {source}")
    path = release or release_root() / name / f"{name}.ipynb"
    return Problem(name, source, read_spec(source), nbformat.read(path, as_version=4))


def _ids(nb: Any) -> set[str]:
    return {g for g in (kinds.grade_id(c) for c in nb.get("cells", [])) if g}


def identify(nb: Any, names: list[str] | None = None) -> str | None:
    """The assignment a notebook belongs to, from its content: the nbgrader grade ids its cells
    share with each source notebook (most wins; a tie is no answer), else the self-study
    copy's ``metadata.rapprochement.selfstudy``. Never from the file name."""
    names = assignments() if names is None else names
    own = _ids(nb)
    votes: dict[str, int] = {}
    for name in names:
        source = json.loads((source_root() / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        votes[name] = len(own & _ids(source))
    best = max(votes.values(), default=0)
    if best > 0:
        top = [n for n, v in votes.items() if v == best]
        return top[0] if len(top) == 1 else None
    meta = (nb.get("metadata") or {}).get("rapprochement") or {}
    tagged = meta.get("selfstudy") if isinstance(meta, dict) else None
    return tagged if tagged in names else None


def _tests_by_id(nb: Any) -> dict[str, str]:
    return {kinds.grade_id(c) or "": kinds.source(c) for c in nb.cells if kinds.is_test(c)}


def _restore_tests(nb: Any, release: Any) -> list[str]:
    """Put the student version of every test cell back in place (edited ones, and cells whose
    type was changed); return the grade ids whose source changed. As nbgrader's OverwriteCells
    would, but before the run, so that the notebook scored is the notebook that was run."""
    originals = {kinds.grade_id(c): c for c in release.cells if kinds.is_test(c)}
    edited = []
    for index, cell in enumerate(nb.cells):
        gid = kinds.grade_id(cell)
        if gid in originals and (
            not kinds.is_test(cell) or cell.source.strip() != kinds.source(originals[gid]).strip()
        ):
            if kinds.is_test(cell):
                edited.append(gid)
            twin = copy.deepcopy(originals[gid])
            if "id" in cell:
                twin["id"] = cell["id"]
            nb.cells[index] = twin
    return [g for g in edited if g]


def prepare(notebook: Any, problem: Problem) -> tuple[Any, list[str], list[str], list[str]]:
    """(prepared copy, reasons, flags, restored grade ids) for a notebook read as version 4."""
    nb = copy.deepcopy(notebook)
    release = problem.release
    reasons: list[str] = []
    expected, got = _tests_by_id(release), _tests_by_id(nb)
    missing = [g for g in expected if g not in got]
    flags = sorted(
        {
            f
            for c in nb.cells
            if c.cell_type == "code" and not kinds.nbgrader_meta(c).get("locked")
            for f in suspicious_code(c.source)
        }
    )
    reasons.extend(normalise_cells(nb, release))
    edited = _restore_tests(nb, release)
    if missing:
        reasons.append("deleted test cells restored: " + ", ".join(missing))
    if edited:
        reasons.append("edited test cells restored: " + ", ".join(edited))
    seen: set[str] = set()
    for number, cell in enumerate(nb.cells):  # copied cells repeat their cell id
        if cell.get("id") in seen:
            cell["id"] = f"dup-{number}"
        seen.add(cell.get("id"))
    if _ids(nb) & _ids(release):
        restored = restore_missing_cells(nb, release)
    else:  # a copy without nbgrader's marks (a self-study copy): the tests go at the end
        restored = [kinds.grade_id(c) or "" for c in release.cells if kinds.is_test(c)]
        nb.cells.extend(copy.deepcopy(c) for c in release.cells if kinds.is_test(c))
        for cell in nb.cells[-len(restored) :]:
            cell.pop("id", None)
    put_back = [g for g in restored if g not in missing]
    if put_back:
        reasons.append("deleted cells put back unanswered: " + ", ".join(put_back))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb, reasons, flags, restored


def grade_one(notebook: Any, problem: Problem, policy: Policy, check: Check) -> Outcome:
    """Grade one notebook (nbformat version 4); see the module docstring."""
    start = time.perf_counter()
    nb, reasons, flags, restored = prepare(notebook, problem)
    spec = problem.spec
    plan: list[dict[str, Any]] = []
    where: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        kind = kinds.kind(cell)
        if kind == "test":
            gid = kinds.grade_id(cell) or ""
            where.setdefault(gid, index)
            plan.append({"i": index, "kind": "extract", "names": spec.names.get(gid, [])})
        elif kind in ("answer", "setup"):
            plan.append({"i": index, "kind": "code", "source": cell.source})
    run = run_cells(plan, policy)
    answers = {gid: run.answers[i] for gid, i in where.items() if i in run.answers}
    checked = check({g: a for g, a in answers.items() if a}, max(5.0, policy.cell_timeout))
    outcome = Outcome(
        nbformat.from_dict(nb),
        reasons=reasons,
        flags=flags,
        restored=restored,
        sandboxed=run.sandboxed,
    )
    for gid in spec.tests:
        got = checked.get(gid)
        if not isinstance(got, dict):
            outcome.tests[gid] = TestOutcome(False, "not checked", NOT_CHECKED, "not checked")
            continue
        outcome.tests[gid] = TestOutcome(
            bool(got.get("passed")),
            str(got.get("kind", "failed")),
            str(got.get("ename") or ("" if got.get("passed") else "AssertionError")),
            str(got.get("evalue", "")),
        )
    for index, result in run.cells.items():
        if index in where.values():
            continue
        outputs = [o for o in result.outputs if isinstance(o, dict)]
        outcome.cells[index] = CellOutcome(outputs, result.status, result.note, result.count)
    outcome.reasons.extend(notes(outcome, policy))
    outcome.reasons.extend(run.notes)
    outcome.seconds = time.perf_counter() - start
    return outcome


def notes(outcome: Outcome, policy: Policy) -> list[str]:
    """What the run did to each cell, in plain words (limits hit, errors, unanswered tests)."""
    found: list[str] = []
    limit = policy.cell_timeout
    for index, cell in enumerate(outcome.notebook["cells"]):
        where = kinds.grade_id(cell) or f"cell {index + 1}"
        if kinds.is_test(cell):
            test = outcome.tests.get(where)
            if test is None or test.passed:
                continue
            if test.kind == "refused":
                found.append(f"{where}: {test.evalue}")
            elif "is not answered yet" in test.evalue:
                found.append(f"{where}: not answered")
            continue
        result = outcome.cells.get(index)
        if result is None:
            continue
        if any("characters of output removed" in _text(o) for o in result.outputs):
            found.append(
                f"output of {where} was cut at the output limit "
                f"({policy.max_output_chars} characters kept)"
            )
        if result.status == "timeout":
            found.append(f"{where}: the cell ran past the {limit:g} s time limit")
            continue
        if result.status == "killed":
            found.append(
                f"{where}: the cell ran past the {limit:g} s time limit and ignored the "
                "interrupt; it was stopped and the notebook re-run without it"
            )
            continue
        if result.status == "died":
            why = result.note or "the process died while running this cell"
            found.append(f"{where} stopped its process ({why}); that cell was skipped")
            continue
        if result.status == "not run":
            found.append(f"{where} not run (the notebook stopped too often)")
            continue
        for output in result.outputs:
            if output.get("output_type") == "error":
                found.extend(_error_note(where, output, policy))
    return found


def _text(output: dict[str, Any]) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _error_note(where: str, output: dict[str, Any], policy: Policy) -> list[str]:
    ename, evalue = str(output.get("ename", "")), str(output.get("evalue", ""))
    if ename == "MemoryError":
        return [f"{where} exceeded the memory limit ({policy.memory_bytes / GB:g} GB)"]
    if "Resource temporarily unavailable" in evalue:
        return [f"{where} hit the process limit ({policy.max_processes} processes): {ename}"]
    if "File too large" in evalue:
        return [f"{where} hit the file size limit ({policy.max_file_bytes // MB} MB)"]
    if "No space left" in evalue:
        return [f"{where} filled its scratch space ({policy.scratch_bytes // MB} MB)"]
    if ename == "NotImplementedError":
        return [f"{where} not answered"]
    if ename == "KeyboardInterrupt":  # interrupts follow timeouts
        return []
    return [f"error in {where}: {ename}"]


def _error(ename: str, evalue: str) -> Any:
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def apply_outcome(nb: Any, outcome: Outcome, cell_timeout: float) -> Any:
    """Write ``outcome`` into ``nb`` (the same notebook after nbgrader's sanitize step), in
    place: outputs of the student's cells, and an error output for every test that did not
    pass (nbgrader then scores those cells 0). Raises ValueError when ``nb`` is not the
    notebook that was graded (other cells or grade ids), never guesses."""
    graded = outcome.notebook["cells"]
    mine = [(c.get("cell_type"), kinds.grade_id(c)) for c in graded]
    theirs = [(c.get("cell_type"), kinds.grade_id(c)) for c in nb.cells]
    if mine != theirs:
        raise ValueError(
            "the notebook nbgrader scores differs from the notebook that was graded "
            f"({len(theirs)} cells against {len(mine)}); not scored"
        )
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if kinds.is_test(cell):
            test = outcome.tests.get(kinds.grade_id(cell) or "")
            if test is None:
                cell.outputs = [_error(NOT_CHECKED, "this test was not checked")]
            elif not test.passed:
                cell.outputs = [_error(test.ename or "AssertionError", test.evalue)]
            continue
        result = outcome.cells.get(index)
        if result is None:
            continue
        cell.outputs = [nbformat.from_dict(o) for o in result.outputs]
        cell.execution_count = result.count
        if result.status == "timeout":
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
            cell.outputs.append(
                _error(CELL_TIMEOUT_ERROR, f"the cell ran past the {cell_timeout:g} s time limit")
            )
        elif result.status == "killed":
            cell.outputs.append(
                _error(
                    CELL_TIMEOUT_ERROR,
                    f"the cell ran past the {cell_timeout:g} s time limit and ignored the "
                    "interrupt; it was stopped and the notebook re-run without it",
                )
            )
        elif result.status == "died":
            cell.outputs.append(
                _error(KERNEL_DIED, result.note or "the process died while running this cell")
            )
        elif result.status == "not run":
            cell.outputs.append(_error("NotRun", "not run: an earlier cell stopped the notebook"))
    return nb
