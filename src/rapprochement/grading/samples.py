"""Generated submissions for tests and benchmarks: what students really hand in.

Each :class:`Sample` is a notebook built from the released student version, plus the autograded
score it deserves. The expected score is derived here from the cells the sample changes and the
points in the notebook's metadata, never from the grader's output.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from rapprochement.grading.settings import release_root, source_root

__all__ = ["KINDS", "Sample", "make_sample", "solution_code", "write_sample"]

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _meta(cell: Any) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def solution_code(assignment: str) -> dict[str, str]:
    """{answer grade_id: source} with the instructor's solution, markers removed."""
    nb = nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if ln.strip() not in SOLUTION_MARKERS]
            out[meta["grade_id"]] = "\n".join(lines)
    return out


@dataclass
class Sample:
    """A generated submission and the autograded points it should get."""

    kind: str
    notebook: Any
    expected_auto: float | None
    """Autograded points expected; None when the submission cannot be graded."""
    expected_status: str
    expected_reason: str = ""
    """A fragment the grader's reason column must contain ("" = anything)."""
    failing_tests: list[str] = field(default_factory=list)
    raw: str | None = None
    """Exact file text when the file is not a notebook at all."""


def _release(assignment: str) -> Any:
    return nbformat.read(release_root() / assignment / f"{assignment}.ipynb", as_version=4)


def _tests(nb: Any) -> list[tuple[int, str, float]]:
    return [
        (i, _meta(c)["grade_id"], float(_meta(c).get("points", 0)))
        for i, c in enumerate(nb.cells)
        if _meta(c).get("grade") and not _meta(c).get("solution")
    ]


def _answers(nb: Any) -> list[tuple[int, str]]:
    return [
        (i, _meta(c)["grade_id"])
        for i, c in enumerate(nb.cells)
        if _meta(c).get("solution") and c.cell_type == "code"
    ]


def _solved(assignment: str) -> Any:
    nb = copy.deepcopy(_release(assignment))
    code = solution_code(assignment)
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution"):
            if cell.cell_type == "code":
                cell.source = code[meta["grade_id"]]
            else:
                cell.source = "A written answer, citing (¶9) and the data."
    return nb


def _answer_cell(nb: Any, nth: int) -> Any:
    return nb.cells[_answers(nb)[nth][0]]


def _test_after(nb: Any, nth: int) -> tuple[int, str, float]:
    index = _answers(nb)[nth][0]
    return next(t for t in _tests(nb) if t[0] > index)


def _first_name(nb: Any, nth: int) -> str:
    """The variable the nth answer cell defines (its last line shows it)."""
    last = _answer_cell(nb, nth).source.strip().splitlines()[-1]
    return last.split(",")[0].strip()


def _total(nb: Any) -> float:
    return sum(points for _, _, points in _tests(nb))


def _lost(nb: Any, *grade_ids: str) -> float:
    return sum(points for _, gid, points in _tests(nb) if gid in grade_ids)


Builder = Callable[[str], Sample]


def _k_solved(a: str) -> Sample:
    nb = _solved(a)
    return Sample("solved", nb, _total(nb), "needs manual grading")


def _k_blank(a: str) -> Sample:
    nb = _release(a)
    return Sample("blank", nb, 0.0, "graded", "not answered", [t[1] for t in _tests(nb)])


def _k_wrong(a: str) -> Sample:
    nb = _solved(a)
    cell, test = _answer_cell(nb, 0), _test_after(nb, 0)
    name = _first_name(nb, 0)
    cell.source += f"\n{name} = {name} + 1 if type({name}) is int else -123.0\n{name}"
    return Sample("wrong", nb, _total(nb) - test[2], "needs manual grading", "", [test[1]])


def _k_exception(a: str) -> Sample:
    nb = _solved(a)
    cell, test = _answer_cell(nb, 1), _test_after(nb, 1)
    cell.source = "1 / 0\n" + cell.source
    return Sample(
        "exception",
        nb,
        _total(nb) - test[2],
        "needs manual grading",
        "ZeroDivisionError",
        [test[1]],
    )


def _k_infinite_loop(a: str) -> Sample:
    nb = _solved(a)
    cell, test = _answer_cell(nb, 1), _test_after(nb, 1)
    cell.source = "while True:\n    pass\n" + cell.source
    return Sample(
        "infinite_loop", nb, _total(nb) - test[2], "needs manual grading", "time limit", [test[1]]
    )


def _k_kernel_death(a: str) -> Sample:
    nb = _solved(a)
    cell, test = _answer_cell(nb, 2), _test_after(nb, 2)
    cell.source = "import os\nos._exit(1)\n" + cell.source
    return Sample(
        "kernel_death", nb, _total(nb) - test[2], "needs manual grading", "kernel died", [test[1]]
    )


def _k_huge_output(a: str) -> Sample:
    nb = _solved(a)
    _answer_cell(nb, 0).source = 'print("x" * 3_000_000)\n' + _answer_cell(nb, 0).source
    return Sample("huge_output", nb, _total(nb), "needs manual grading", "truncated")


def _k_deleted_test(a: str) -> Sample:
    """Deletes the test cell of a wrong answer: the restored test must still fail."""
    nb = _k_wrong(a).notebook
    test = _test_after(nb, 0)
    del nb.cells[test[0]]
    return Sample(
        "deleted_test",
        nb,
        _total(_release(a)) - test[2],
        "needs manual grading",
        "deleted test cells restored",
        [test[1]],
    )


def _k_deleted_answer_and_test(a: str) -> Sample:
    """Deletes an answer cell together with its test cell: both must come back."""
    nb = _solved(a)
    index, _ = _answers(nb)[1]
    test = _test_after(nb, 1)
    del nb.cells[test[0]]
    del nb.cells[index]
    return Sample(
        "deleted_answer_and_test",
        nb,
        _total(_release(a)) - test[2],
        "needs manual grading",
        "deleted cells put back unanswered",
        [test[1]],
    )


def _k_edited_test(a: str) -> Sample:
    """Empties the test cell of a wrong answer: the original must come back and fail."""
    nb = _k_wrong(a).notebook
    test = _test_after(nb, 0)
    nb.cells[test[0]].source = "pass  # nothing to see here"
    return Sample(
        "edited_test",
        nb,
        _total(nb) - test[2],
        "needs manual grading",
        "edited test cells restored",
        [test[1]],
    )


def _k_always_equal(a: str) -> Sample:
    """Answers with an object equal to everything (and a float subclass that lies)."""
    nb = _solved(a)
    test0, test1 = _test_after(nb, 0), _test_after(nb, 1)
    name0, name1 = _first_name(nb, 0), _first_name(nb, 1)
    _answer_cell(nb, 0).source = (
        "class Always(int):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "    __hash__ = int.__hash__\n"
        f"{name0} = Always(2000)\n{name0}"
    )
    _answer_cell(nb, 1).source += (
        "\nclass Liar(float):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __sub__(self, other):\n        return 0.0\n"
        "    __hash__ = float.__hash__\n"
        f"{name1} = Liar(-0.5)\n"
    )
    lost = _lost(nb, test0[1], test1[1])
    return Sample(
        "always_equal", nb, _total(nb) - lost, "needs manual grading", "", [test0[1], test1[1]]
    )


def _k_patched_helpers(a: str) -> Sample:
    """Replaces rapprochement's helpers and the checks module's reference functions."""
    nb = _solved(a)
    test0 = _test_after(nb, 0)
    name0 = _first_name(nb, 0)
    _answer_cell(nb, 0).source = (
        "import rapprochement.analysis as _ra, rapprochement.data as _rd\n"
        "_ra.first_year_above = lambda *args, **kwargs: 1999\n"
        "_ra.cagr = lambda *args, **kwargs: 0.0\n"
        "_ra.required_growth = lambda *args, **kwargs: 0.0\n"
        "_rd.trade_series = lambda *args, **kwargs: None\n"
        f"{name0} = 1999\n{name0}"
    )
    return Sample(
        "patched_helpers", nb, _total(nb) - test0[2], "needs manual grading", "", [test0[1]]
    )


def _k_patched_builtins(a: str) -> Sample:
    """Replaces built-ins; every hidden test that runs afterwards must refuse to pass."""
    nb = _solved(a)
    idx = _answers(nb)[1][0]
    name1 = _first_name(nb, 1)
    _answer_cell(nb, 1).source += (
        "\nimport builtins\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.round = lambda x, *args: x\n"
        f"{name1} = -0.99\n"
    )
    failing = [gid for i, gid, _ in _tests(nb) if i > idx]
    return Sample(
        "patched_builtins",
        nb,
        _total(nb) - _lost(nb, *failing),
        "needs manual grading",
        "",
        failing,
    )


def _k_invalid_json(a: str) -> Sample:
    text = json.dumps(nbformat.writes(_solved(a)))[:500]  # a truncated upload
    return Sample("invalid_json", None, None, "not graded", "not valid notebook JSON", raw=text[1:])


KINDS: dict[str, Builder] = {
    "solved": _k_solved,
    "blank": _k_blank,
    "wrong": _k_wrong,
    "exception": _k_exception,
    "infinite_loop": _k_infinite_loop,
    "kernel_death": _k_kernel_death,
    "huge_output": _k_huge_output,
    "deleted_test": _k_deleted_test,
    "deleted_answer_and_test": _k_deleted_answer_and_test,
    "edited_test": _k_edited_test,
    "always_equal": _k_always_equal,
    "patched_helpers": _k_patched_helpers,
    "patched_builtins": _k_patched_builtins,
    "invalid_json": _k_invalid_json,
}


def make_sample(assignment: str, kind: str) -> Sample:
    """Build one generated submission of ``kind`` (a key of :data:`KINDS`)."""
    return KINDS[kind](assignment)


def write_sample(sample: Sample, path: Path) -> Path:
    """Write the sample's file (a notebook, or the raw text of a broken upload)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sample.raw is not None:
        path.write_text(sample.raw, encoding="utf-8")
    else:
        nbformat.write(sample.notebook, path)
    return path
