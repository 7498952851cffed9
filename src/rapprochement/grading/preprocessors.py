"""nbgrader preprocessors used by the grading runs (instructor environment only).

* :class:`SandboxExecute`: replaces nbgrader's ``Execute``. The student's cells run in a
  bubblewrap sandbox (:mod:`.sandbox`), test cells do not run there at all: at each test cell
  the names it reads are taken out as plain data (:mod:`.answers`), and the test code, hidden
  part included, runs on them in a clean checking process (:mod:`.checking`). The outcome is
  written into the notebook as outputs (an error output for a failed test), which nbgrader's
  ``SaveAutoGrades`` then scores as usual.
* :class:`ReplayExecute`: takes outputs from a notebook already executed by a worker process
  (the parallel step of :mod:`.runner`) instead of running anything again.
* :class:`LimitOutputSize`: caps the characters of every output (nbgrader caps lines only).
* :class:`HideTestTracebacks`: for feedback; failed test cells show the error message but not
  the traceback, which would quote hidden tests.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer, Unicode

from rapprochement.grading.sandbox import MB, Policy, run_cells

KERNEL_DIED = "KernelDied"
CELL_TIMEOUT_ERROR = "CellTimeoutError"
NOT_PLAIN = "AnswerNotPlainData"
SANDBOX: dict[str, Any] = {}
"""Set by the grading worker: ``policy`` (a :class:`.sandbox.Policy`), ``checker`` (a
:class:`.checking.CheckServer`) and ``spec`` (a :class:`.checking.AssignmentSpec`)."""
SKIPPED_SOURCE = (
    "raise RuntimeError('this cell was skipped: it stopped the kernel in an earlier run')"
)


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


class ResilientExecute(Execute):
    """nbgrader's Execute, restarted past cells that kill the kernel."""

    max_kernel_deaths = Integer(
        3, help="How many dead kernels to tolerate per notebook before giving up."
    ).tag(config=True)

    _current_index: int = -1

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        self._current_index = index
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        skipped: dict[int, str] = {}
        for _ in range(self.max_kernel_deaths + 1):
            work = copy.deepcopy(nb)
            for index in skipped:
                work.cells[index].source = SKIPPED_SOURCE
            self._current_index = -1
            try:
                out, resources = super().preprocess(work, resources, km)
            except DeadKernelError:
                index = self._current_index
                if index < 0 or index in skipped:
                    raise
                skipped[index] = nb.cells[index].source
                self.log.warning("The kernel died in cell %d; re-running without it", index)
                continue
            for index, source in skipped.items():
                cell = out.cells[index]
                cell.source = source
                cell.outputs = [
                    nbformat.v4.new_output(
                        "error",
                        ename=KERNEL_DIED,
                        evalue="the kernel died while running this cell; the cell was skipped",
                        traceback=[f"{KERNEL_DIED}: the kernel died while running this cell"],
                    )
                ]
            return out, resources
        raise DeadKernelError(f"the kernel died more than {self.max_kernel_deaths} times")


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class SandboxExecute(NbGraderPreprocessor):
    """Run the student's cells in a sandbox and the tests in a clean process (see above)."""

    def preprocess(self, nb: NotebookNode, resources: Any = None) -> Any:
        policy: Policy = SANDBOX["policy"]
        spec = SANDBOX["spec"]
        plan: list[dict[str, Any]] = []
        tests: dict[int, str] = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if _is_test_cell(cell):
                gid = cell.metadata["nbgrader"]["grade_id"]
                tests[index] = gid
                plan.append({"i": index, "kind": "extract", "names": spec.names.get(gid, [])})
            else:
                plan.append({"i": index, "kind": "code", "source": cell.source})
        run = run_cells(plan, policy)
        answers = {gid: run.answers.get(index) for index, gid in tests.items()}
        checked = SANDBOX["checker"].check(
            {gid: a for gid, a in answers.items() if a}, timeout=max(5.0, policy.cell_timeout)
        )
        limit = policy.cell_timeout
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            if index in tests:
                got = checked.get(tests[index], {})
                if not got.get("passed"):
                    cell.outputs = [
                        _error(got.get("ename") or "AssertionError", got.get("evalue", ""))
                    ]
                continue
            result = run.cells.get(index)
            if result is None:
                continue
            cell.outputs = [nbformat.from_dict(o) for o in result.outputs if isinstance(o, dict)]
            cell.execution_count = result.count
            if result.status == "timeout":
                cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"] + [
                    _error(CELL_TIMEOUT_ERROR, f"the cell ran past the {limit:g} s time limit")
                ]
            elif result.status == "killed":
                cell.outputs.append(
                    _error(
                        CELL_TIMEOUT_ERROR,
                        f"the cell ran past the {limit:g} s time limit and ignored the interrupt; "
                        "it was stopped and the notebook re-run without it",
                    )
                )
            elif result.status == "died":
                cell.outputs.append(
                    _error(KERNEL_DIED, result.note or "the process died while running this cell")
                )
            elif result.status == "not run":
                cell.outputs.append(
                    _error("NotRun", "not run: an earlier cell stopped the notebook")
                )
        SANDBOX["last_run"] = {
            "sandboxed": run.sandboxed,
            "notes": run.notes,
            "memory_mb": policy.memory_bytes // MB,
        }
        return nb, resources


class ReplayExecute(ResilientExecute):
    """Take the notebook executed by a worker, ``replay_dir/<student>/<notebook>.ipynb``.

    The worker ran nbgrader's sanitize step (restoring test cells from the same gradebook) and
    :class:`SandboxExecute` on the submission, so its notebook is the one to score. Without a
    replay folder, or when no worker notebook exists, it refuses: student code never runs
    outside a sandbox here (an `nbgrader autograde` in the course folder fails clearly).
    """

    replay_dir = Unicode("", help="Folder of executed notebooks, by student.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        info = (resources or {}).get("nbgrader", {})
        path = Path(self.replay_dir) / str(info.get("student")) / f"{info.get('notebook')}.ipynb"
        if self.replay_dir and path.is_file():
            done = nbformat.read(path, as_version=4)
            return done, resources
        raise FileNotFoundError(
            f"no executed notebook to replay ({path}): grade with `make grade` (python -m "
            "rapprochement.grading), which runs submissions in a sandbox; this course folder "
            "never runs student code itself"
        )


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate any output text longer than ``max_chars`` characters."""

    max_chars = Integer(20_000, help="Longest text kept per output.").tag(config=True)

    def _cut(self, text: Any) -> Any:
        if isinstance(text, list):
            text = "".join(text)
        if isinstance(text, str) and len(text) > self.max_chars:
            dropped = len(text) - self.max_chars
            return text[: self.max_chars] + f"\n... [{dropped} characters of output removed]\n"
        return text

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = self._cut(output.text)
            for mime, value in list(output.get("data", {}).items()):
                if isinstance(value, str | list) and not mime.startswith("image/"):
                    output.data[mime] = self._cut(value)
                elif isinstance(value, str) and len(value) > 50 * self.max_chars:
                    output.data[mime] = ""
            if "traceback" in output:
                output.traceback = [self._cut(line) for line in output.traceback]
        return cell, resources


class NeutraliseMarkers(NbGraderPreprocessor):
    """For feedback: a student's own cell quoting "BEGIN HIDDEN TESTS" must not make nbgrader's
    ClearHiddenTests fail (it would stop that student's feedback); break the marker there."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        if not _is_test_cell(cell) and "HIDDEN TESTS" in cell.source:
            cell.source = cell.source.replace("HIDDEN TESTS", "HIDDEN\u200bTESTS")
        return cell, resources


class HideTestTracebacks(NbGraderPreprocessor):
    """Keep only the error name and message of failed test cells (for student feedback)."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        if _is_test_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [
                        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ]
        return cell, resources
