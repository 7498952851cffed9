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

__all__ = [
    "HOSTILE_WITH_TARGETS",
    "KINDS",
    "SLOW",
    "Sample",
    "make_sample",
    "solution_code",
    "write_sample",
    "nbgrader_meta",
]

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """A copy of the cell's ``metadata.nbgrader`` ({} when absent); an nbformat node or plain
    JSON. The tests' own reading, kept apart from rapprochement.grading.cells on purpose: the
    samples' expected scores must not come from the code they test."""
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def solution_code(assignment: str) -> dict[str, str]:
    """{answer grade_id: source} with the instructor's solution, markers removed."""
    nb = nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
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
        (i, nbgrader_meta(c)["grade_id"], float(nbgrader_meta(c).get("points", 0)))
        for i, c in enumerate(nb.cells)
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    ]


def _answers(nb: Any) -> list[tuple[int, str]]:
    return [
        (i, nbgrader_meta(c)["grade_id"])
        for i, c in enumerate(nb.cells)
        if nbgrader_meta(c).get("solution") and c.cell_type == "code"
    ]


def _solved(assignment: str) -> Any:
    nb = copy.deepcopy(_release(assignment))
    code = solution_code(assignment)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
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


Builder = Callable[..., Sample]


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
        "kernel_death",
        nb,
        _total(nb) - test[2],
        "needs manual grading",
        "stopped its process",
        [test[1]],
    )


def _k_huge_output(a: str) -> Sample:
    nb = _solved(a)
    _answer_cell(nb, 0).source = 'print("x" * 3_000_000)\n' + _answer_cell(nb, 0).source
    return Sample("huge_output", nb, _total(nb), "needs manual grading", "output limit")


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
    """Replaces built-ins and gives a wrong answer: the tests run elsewhere, so only the wrong
    answer's question is lost (the built-ins of the checking process are untouched)."""
    nb = _solved(a)
    test1 = _test_after(nb, 1)
    name1 = _first_name(nb, 1)
    _answer_cell(nb, 1).source += (
        "\nimport builtins\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.round = lambda x, *args: x\n"
        f"{name1} = -0.99\n"
    )
    return Sample(
        "patched_builtins", nb, _total(nb) - test1[2], "needs manual grading", "", [test1[1]]
    )


# --- hostile submissions: what a student who wants a better mark might try -----------------


def _k_patched_checks(a: str) -> Sample:
    """A wrong answer, with the checks module patched to accept anything, in every way the
    kernel allows: functions replaced, ``fresh`` returning the patched module, sys.modules."""
    nb = _solved(a)
    test0 = _test_after(nb, 0)
    name0 = _first_name(nb, 0)
    _answer_cell(nb, 0).source = (
        "import sys, types\n"
        "from rapprochement.grading import checks as _c\n"
        "for _n in dir(_c):\n"
        "    if _n.startswith(('expect', 'check', 'is_', 'as_')):\n"
        "        setattr(_c, _n, lambda *a, **k: True)\n"
        "_c.fresh = lambda: _c\n"
        "sys.modules['rapprochement.grading.checks'] = _c\n"
        f"{name0} = 1999\n{name0}"
    )
    return Sample(
        "patched_checks", nb, _total(nb) - test0[2], "needs manual grading", "", [test0[1]]
    )


def _k_read_solutions(a: str) -> Sample:
    """Looks for the instructor source everywhere; answers right only if it could read it."""
    nb = _solved(a)
    test0 = _test_after(nb, 0)
    name0 = _first_name(nb, 0)
    right = solution_code(a)[_answers(nb)[0][1]]
    _answer_cell(nb, 0).source = (
        "import glob, os\n"
        f"_known = {str(source_root() / a / (a + '.ipynb'))!r}\n"
        "_found = [p for p in [_known] if os.path.exists(p)]\n"
        "for _root in ('/work', '/root', '/home', '/tmp', os.getcwd(), '..', '../..'):\n"
        "    for _depth in ('', '/*', '/*/*'):\n"
        "        _found += glob.glob(_root + _depth + '/solutions/source/*/*.ipynb')\n"
        "_text = ''\n"
        "for _p in _found:\n"
        "    try:\n"
        "        _text += open(_p).read()\n"
        "    except OSError:\n"
        "        pass\n"
        "print('solutions read:', len(_text), _text[:20000])\n"
        f"{name0} = -1\n"
        "if 'BEGIN HIDDEN TESTS' in _text:\n"
        + "".join(f"    {line}\n" for line in right.splitlines())
        + f"{name0}"
    )
    return Sample(
        "read_solutions", nb, _total(nb) - test0[2], "needs manual grading", "", [test0[1]]
    )


def _k_write_outside(a: str, targets: list[str] | None = None) -> Sample:
    """Right answers, plus attempts to change files outside its folder (the package, data,
    other submissions, the output folder) and to leave a marker file there."""
    nb = _solved(a)
    paths = [
        str(source_root().parents[1] / "data" / "trade.csv"),
        str(source_root().parents[1] / "src" / "rapprochement" / "analysis.py"),
        *(targets or []),
    ]
    _answer_cell(nb, 0).source = (
        "import os\n"
        f"for _p in {paths!r}:\n"
        "    for _how in ('a', 'w'):\n"
        "        try:\n"
        "            with open(_p, _how) as _f:\n"
        "                _f.write('hacked')\n"
        "        except OSError:\n"
        "            pass\n"
        "    try:\n"
        "        os.makedirs(os.path.dirname(_p), exist_ok=True)\n"
        "        open(os.path.join(os.path.dirname(_p), 'HACKED'), 'w').write('x')\n"
        "    except OSError:\n"
        "        pass\n" + _answer_cell(nb, 0).source
    )
    return Sample("write_outside", nb, _total(nb), "needs manual grading")


def _k_kill_parent(a: str) -> Sample:
    """Tries to kill its parent, every process it can see and the grader by name. In the
    sandbox it sees only its own processes, and the runner is PID 1 there, which signals sent
    from inside cannot kill: nothing happens and the answers count. (The shell's ``kill -9 -1``
    may already have ended the parent, or every other process, by the time the cell's own
    ``os.kill`` calls run; under load they then failed with ProcessLookupError, so they ignore
    it, as a student set on marks would.)"""
    nb = _solved(a)
    _answer_cell(nb, 2).source = (
        "import contextlib, os, signal, subprocess\n"
        "subprocess.run('pkill -9 -f rapprochement; pkill -9 -f nbgrader; kill -9 -1', "
        "shell=True)\n"
        "with contextlib.suppress(ProcessLookupError):\n"
        "    os.kill(os.getppid(), signal.SIGKILL)\n"
        "with contextlib.suppress(ProcessLookupError):\n"
        "    os.kill(-1, signal.SIGKILL)\n" + _answer_cell(nb, 2).source
    )
    return Sample("kill_parent", nb, _total(nb), "needs manual grading")


def _k_background(a: str, targets: list[str] | None = None) -> Sample:
    """Right answers, plus a daemon (double fork, new session) and a shell job that wait and
    then try to write into the targets (the gradebook, the output folder)."""
    nb = _solved(a)
    paths = list(targets or [])
    _answer_cell(nb, 0).source = (
        "import os, subprocess, time\n"
        f"_targets = {paths!r}\n"
        "for _p in _targets:\n"
        "    subprocess.Popen(['/bin/sh', '-c', f'sleep 3; echo late >> {_p}'], "
        "start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(3)\n"
        "        for _p in _targets:\n"
        "            try:\n"
        "                open(_p, 'a').write('late')\n"
        "            except OSError:\n"
        "                pass\n"
        "    os._exit(0)\n" + _answer_cell(nb, 0).source
    )
    return Sample("background", nb, _total(nb), "needs manual grading")


def _k_network(a: str, port: int = 9) -> Sample:
    """Answers right only if it can reach a service on the host's loopback (or the internet)."""
    nb = _solved(a)
    test0 = _test_after(nb, 0)
    name0 = _first_name(nb, 0)
    right = solution_code(a)[_answers(nb)[0][1]]
    _answer_cell(nb, 0).source = (
        "import socket, urllib.request\n"
        "_reached = []\n"
        f"for _host, _port in [('127.0.0.1', {port}), ('localhost', {port}), "
        "('pypi.org', 443)]:\n"
        "    try:\n"
        "        socket.create_connection((_host, _port), timeout=2).close()\n"
        "        _reached.append(_host)\n"
        "    except OSError:\n"
        "        pass\n"
        f"{name0} = -1\n"
        "if _reached:\n" + "".join(f"    {line}\n" for line in right.splitlines()) + f"{name0}"
    )
    return Sample("network", nb, _total(nb) - test0[2], "needs manual grading", "", [test0[1]])


def _k_memory_bomb(a: str) -> Sample:
    nb = _solved(a)
    test1 = _test_after(nb, 1)
    _answer_cell(nb, 1).source = "_hog = bytearray(3 * 1024**3)\n" + _answer_cell(nb, 1).source
    return Sample(
        "memory_bomb", nb, _total(nb) - test1[2], "needs manual grading", "memory limit", [test1[1]]
    )


def _k_output_bomb(a: str) -> Sample:
    """Prints 50 MB (Python and C level); the output is cut, the answers still count."""
    nb = _solved(a)
    _answer_cell(nb, 0).source = (
        "import os, sys\n"
        "print('x' * 50_000_000)\n"
        "os.write(1, b'y' * 5_000_000)\n" + _answer_cell(nb, 0).source
    )
    return Sample("output_bomb", nb, _total(nb), "needs manual grading", "output limit")


def _k_fork_bomb(a: str) -> Sample:
    nb = _solved(a)
    test1 = _test_after(nb, 1)
    _answer_cell(nb, 1).source = (
        "import os\nwhile True:\n    os.fork()\n" + _answer_cell(nb, 1).source
    )
    return Sample(
        "fork_bomb", nb, _total(nb) - test1[2], "needs manual grading", "process limit", [test1[1]]
    )


def _k_ignores_interrupt(a: str) -> Sample:
    nb = _solved(a)
    test1 = _test_after(nb, 1)
    _answer_cell(nb, 1).source = (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "while True:\n    pass\n" + _answer_cell(nb, 1).source
    )
    return Sample(
        "ignores_interrupt",
        nb,
        _total(nb) - test1[2],
        "needs manual grading",
        "ignored the interrupt",
        [test1[1]],
    )


def _k_nbformat3(a: str) -> Sample:
    nb = nbformat.convert(_solved(a), 3)
    return Sample("nbformat3", nb, _total(_release(a)), "needs manual grading", "upgraded")


def _k_duplicated_test(a: str) -> Sample:
    """Copies a test cell (a wrong answer): graded once, on its merits, with a reason."""
    nb = _k_wrong(a).notebook
    test = _test_after(nb, 0)
    twin = copy.deepcopy(nb.cells[test[0]])
    twin.id = "pasted-copy"  # JupyterLab gives a pasted cell a new id, and keeps its metadata
    nb.cells.insert(test[0] + 1, twin)
    return Sample(
        "duplicated_test",
        nb,
        _total(_release(a)) - test[2],
        "needs manual grading",
        "appears more than once",
        [test[1]],
    )


def _k_renamed_test(a: str) -> Sample:
    """Renames a test cell's id (a wrong answer): the original test comes back and fails."""
    nb = _k_wrong(a).notebook
    test = _test_after(nb, 0)
    nb.cells[test[0]].metadata["nbgrader"]["grade_id"] = "my-own-test"
    return Sample(
        "renamed_test",
        nb,
        _total(_release(a)) - test[2],
        "needs manual grading",
        "unknown id",
        [test[1]],
    )


def _k_invalid_json(a: str) -> Sample:
    text = json.dumps(nbformat.writes(_solved(a)))[:500]  # a truncated upload
    return Sample("invalid_json", None, None, "not graded", "not valid notebook JSON", raw=text[1:])


def _k_holds_the_clock(a: str) -> Sample:
    """Writes "done"-looking records to every descriptor it has, forever: the sandbox's event
    channel among them. Only the per-submission limit, kept outside, stops it."""
    nb = _solved(a)
    _answer_cell(nb, 1).source = (
        "import json, os, time\n"
        "_fds = [int(n) for n in os.listdir('/proc/self/fd') if int(n) > 2]\n"
        "_line = (json.dumps({'ev': 'done', 'i': 0, 'n': 1, 'outputs': []}) + '\\n').encode()\n"
        "while True:\n"
        "    for _fd in _fds:\n"
        "        try:\n"
        "            os.write(_fd, _line)\n"
        "        except OSError:\n"
        "            pass\n"
        "    time.sleep(0.3)\n" + _answer_cell(nb, 1).source
    )
    return Sample("holds_the_clock", nb, None, "not graded", "the limit for one submission")


SLOW: dict[str, Builder] = {"holds_the_clock": _k_holds_the_clock}
"""Kinds that only a per-submission limit ends (graded in their own tests, with a short one)."""

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
    "patched_checks": _k_patched_checks,
    "read_solutions": _k_read_solutions,
    "kill_parent": _k_kill_parent,
    "memory_bomb": _k_memory_bomb,
    "output_bomb": _k_output_bomb,
    "fork_bomb": _k_fork_bomb,
    "ignores_interrupt": _k_ignores_interrupt,
    "nbformat3": _k_nbformat3,
    "duplicated_test": _k_duplicated_test,
    "renamed_test": _k_renamed_test,
}
HOSTILE_WITH_TARGETS: dict[str, Builder] = {
    "write_outside": _k_write_outside,
    "background": _k_background,
    "network": _k_network,
}
"""Kinds that take the paths or port to attack as keyword arguments."""


def make_sample(assignment: str, kind: str, **targets: Any) -> Sample:
    """Build one generated submission of ``kind`` (a key of :data:`KINDS` or
    :data:`HOSTILE_WITH_TARGETS`, which take ``targets`` / ``port``)."""
    if kind in HOSTILE_WITH_TARGETS:
        return HOSTILE_WITH_TARGETS[kind](assignment, **targets)
    if kind in SLOW:
        return SLOW[kind](assignment)
    return KINDS[kind](assignment)


def write_sample(sample: Sample, path: Path) -> Path:
    """Write the sample's file (a notebook, or the raw text of a broken upload)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sample.raw is not None:
        path.write_text(sample.raw, encoding="utf-8")
    else:
        version = sample.notebook.get("nbformat", 4)
        nbformat.write(sample.notebook, path, version=version)
    return path
