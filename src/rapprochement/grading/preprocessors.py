"""nbgrader's side of grading: the preprocessor lists of every nbgrader run, and our steps.

nbgrader runs at the edges only. Each submission is graded by
:func:`rapprochement.grading.pipeline.grade_one` (no nbgrader); then one ``Autograde`` pass in
the course folder sanitizes the prepared notebook with nbgrader's own steps and replays the
outcome (:class:`ReplayOutcomes`, in place of ``Execute``), and nbgrader scores it into the
gradebook as usual.

:func:`.steps.nbgrader_steps` derives every preprocessor list from nbgrader's own defaults (the
one place where they are built; ``tests/grading/test_units.py`` pins the result, so a step that
a new nbgrader adds shows up as a difference there instead of being dropped). Our steps:

* :class:`ReplayOutcomes`: replaces ``Execute``; nothing runs, the outcome file is read.
* :class:`LimitOutputSize`: caps the characters of every output (nbgrader caps lines only).
* :class:`NeutraliseMarkers`, :class:`HideTestTracebacks`: for feedback; failed test cells
  show the error message but not the traceback, which would quote hidden tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from nbconvert.exporters import HTMLExporter
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer, Unicode

from rapprochement.grading import cells as kinds
from rapprochement.grading.outcomes import Outcome
from rapprochement.grading.pipeline import (
    CELL_TIMEOUT_ERROR,
    KERNEL_DIED,
    NOT_PLAIN,
    apply_outcome,
)
from rapprochement.grading.steps import apply_steps, nbgrader_defaults, nbgrader_steps

__all__ = [
    "CELL_TIMEOUT_ERROR",
    "KERNEL_DIED",
    "NOT_PLAIN",
    "HideTestTracebacks",
    "LimitOutputSize",
    "NeutraliseMarkers",
    "ReplayOutcomes",
    "apply_steps",
    "nbgrader_defaults",
    "nbgrader_steps",
]


class _TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process. Jinja keys each by its
    name and a checksum of its source, so a page compiled for one student is never stale."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _TemplateCodeCache()


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter, without compiling its templates again for every page
    (nbgrader makes a new exporter per student: about 40% of a feedback page's time)."""

    def _create_environment(self) -> Any:
        environment = super()._create_environment()
        environment.bytecode_cache = _TEMPLATE_CODE
        return environment


class ReplayOutcomes(NbGraderPreprocessor):
    """Write the outcome of :func:`~rapprochement.grading.pipeline.grade_one` into the
    notebook, from ``outcomes_dir/<student>.json``; run nothing.

    Without an outcome file it refuses: student code never runs outside a sandbox here (an
    ``nbgrader autograde`` in the course folder fails clearly).
    """

    outcomes_dir = Unicode("", help="Folder of outcome files, one per student.").tag(config=True)
    cell_timeout = Float(30.0, help="Seconds per cell (for the messages).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None) -> Any:
        student = str((resources or {}).get("nbgrader", {}).get("student"))
        path = Path(self.outcomes_dir) / f"{student}.json"
        if not self.outcomes_dir or not path.is_file():
            raise FileNotFoundError(
                f"no outcome to replay ({path}): grade with `make grade` (python -m "
                "rapprochement.grading), which runs submissions in a sandbox; this course folder "
                "never runs student code itself"
            )
        outcome = Outcome.from_json(json.loads(path.read_text(encoding="utf-8")))
        return apply_outcome(nb, outcome, self.cell_timeout), resources


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
        if not kinds.is_test(cell) and "HIDDEN TESTS" in cell.source:
            cell.source = cell.source.replace("HIDDEN TESTS", "HIDDEN\u200bTESTS")
        return cell, resources


class HideTestTracebacks(NbGraderPreprocessor):
    """Keep only the error name and message of failed test cells (for student feedback)."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        if kinds.is_test(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [
                        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ]
        return cell, resources
