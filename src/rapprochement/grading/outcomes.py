"""What grading one submission produced, as plain data (JSON in and out).

:func:`rapprochement.grading.pipeline.grade_one` returns an :class:`Outcome`; the batch sends it
from a worker process to the main process as JSON, and nbgrader's ``Autograde`` pass only
replays it (:class:`rapprochement.grading.preprocessors.ReplayOutcomes`). No nbgrader here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CellOutcome", "Outcome", "TestOutcome"]


@dataclass
class TestOutcome:
    """One test cell, checked in the clean process."""

    passed: bool
    kind: str = "failed"
    """ok, failed, refused (not plain data), not answered, not checked."""
    ename: str = ""
    evalue: str = ""


@dataclass
class CellOutcome:
    """One code cell that is not a test, as it ran in the sandbox."""

    outputs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"
    """ok, error, timeout, killed, died, not run (see :class:`.sandbox.CellResult`)."""
    note: str = ""
    count: int | None = None


@dataclass
class Outcome:
    """One submission, graded: the notebook as scored, and what each cell gave."""

    notebook: dict[str, Any]
    """The prepared notebook (grade ids made unambiguous, deleted and edited graded cells
    restored from the student version), without outputs: cell indices below refer to it."""
    cells: dict[int, CellOutcome] = field(default_factory=dict)
    tests: dict[str, TestOutcome] = field(default_factory=dict)
    """grade_id -> result, for every test of the assignment."""
    reasons: list[str] = field(default_factory=list)
    """What happened on the way, in plain words (for the CSV's reason column)."""
    flags: list[str] = field(default_factory=list)
    """Code worth a look (possible attempts to fool the tests)."""
    restored: list[str] = field(default_factory=list)
    """Grade ids of cells put back from the student version."""
    sandboxed: bool = True
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["cells"] = {str(k): v for k, v in data["cells"].items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            notebook=data["notebook"],
            cells={int(k): CellOutcome(**v) for k, v in data.get("cells", {}).items()},
            tests={k: TestOutcome(**v) for k, v in data.get("tests", {}).items()},
            reasons=list(data.get("reasons", [])),
            flags=list(data.get("flags", [])),
            restored=list(data.get("restored", [])),
            sandboxed=bool(data.get("sandboxed", True)),
            seconds=float(data.get("seconds", 0.0)),
        )
