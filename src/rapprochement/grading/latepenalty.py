"""Late work in nbgrader's own terms: its late-penalty plugin, and the gradebook entries.

nbgrader's ``AssignLatePenalties`` step (part of every ``Autograde``) asks a
``LateSubmissionPlugin`` for each late notebook's penalty and stores it in the gradebook, where
formgrader and ``GetGrades`` (feedback) read it. :class:`PercentPerDay` is that plugin for the
course's policy (:mod:`.late`); the ``zero`` and ``none`` methods are nbgrader's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum, Float

from rapprochement.grading.late import (
    METHODS,
    CourseDeadlines,
    LateError,
    Penalty,
    describe_late,
    load_deadlines,
    parse_time,
    penalty_percent,
    penalty_points,
    show_time,
    to_utc_naive,
)

__all__ = [
    "LateInfo",
    "LateNotice",
    "PercentPerDay",
    "configure",
    "read_late",
    "refresh_penalties",
    "set_due",
    "set_submission",
    "write_timestamp",
]


@dataclass
class LateInfo:
    """A student's deadline, submission time, lateness and penalty, as the gradebook holds
    them, in words for the CSV and the feedback page."""

    due: str = ""
    """The due date in the course zone (the student's own when extended), "" if none."""
    extended: bool = False
    submitted: str = ""
    """The submission time in the course zone, "" when unknown."""
    seconds_late: float = 0.0
    penalty: float = 0.0
    percent: float = 0.0

    @property
    def late_by(self) -> str:
        if not self.due:
            return ""
        if not self.submitted:
            return "unknown (no submission time)"
        return describe_late(self.seconds_late) if self.seconds_late > 0 else "on time"

    def sentence(self, rule: str) -> str:
        """One line for the feedback page."""
        if not self.due:
            return ""
        due = f"Due {self.due}" + (" (extended for you)" if self.extended else "")
        when = f"submitted {self.submitted}" if self.submitted else "submission time unknown"
        text = f"{due}; {when}; {self.late_by}."
        if self.seconds_late > 0:
            text += f" Late penalty: {self.penalty:g} points ({rule})."
        return text


class PercentPerDay(LateSubmissionPlugin):
    """nbgrader's late-submission plugin with the course's policy: a percentage of the score
    per started day late (after a grace period, up to a cap); ``zero`` and ``none`` as
    nbgrader's own plugin does them."""

    method = Enum(METHODS, default_value="none", help="none, percent or zero").tag(config=True)
    percent_per_day = Float(0.0, help="percent of the score per started day").tag(config=True)
    max_percent = Float(100.0, help="most percent taken off").tag(config=True)
    grace_minutes = Float(0.0, help="minutes late without penalty").tag(config=True)

    @property
    def policy(self) -> Penalty:
        return Penalty(self.method, self.percent_per_day, self.max_percent, self.grace_minutes)

    def late_submission_penalty(
        self, student_id: str, score: float, total_seconds_late: float
    ) -> float | None:
        if self.method == "none":
            return None
        return penalty_points(float(score or 0.0), float(total_seconds_late), self.policy)


def configure(c: object, deadlines: CourseDeadlines) -> None:
    """Point nbgrader's ``AssignLatePenalties`` at :class:`PercentPerDay` with the policy."""
    penalty = deadlines.penalty
    c.AssignLatePenalties.plugin_class = f"{__name__}.PercentPerDay"  # type: ignore[attr-defined]
    c.PercentPerDay.method = penalty.method  # type: ignore[attr-defined]
    c.PercentPerDay.percent_per_day = penalty.percent_per_day  # type: ignore[attr-defined]
    c.PercentPerDay.max_percent = penalty.max_percent  # type: ignore[attr-defined]
    c.PercentPerDay.grace_minutes = penalty.grace_minutes  # type: ignore[attr-defined]
    # formgrader shows due dates and submission times in the course's zone (nbgrader: UTC)
    c.NbGraderAPI.timezone = deadlines.zone  # type: ignore[attr-defined]


def set_due(db_url: str, assignment: str, due: datetime | None) -> None:
    """Record (or clear) the due date in nbgrader's gradebook, as UTC (nbgrader's way)."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(assignment, duedate=to_utc_naive(due) if due else None)


def set_submission(
    db_url: str,
    assignment: str,
    student: str,
    *,
    timestamp: datetime | None,
    extended_due: datetime | None,
    due: datetime | None,
) -> None:
    """Record a student's submission time and extension before nbgrader scores it (nbgrader's
    ``Autograde`` keeps both; it reads the time from ``timestamp.txt`` too)."""
    extension = extended_due - due if extended_due and due else None
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        stamp = to_utc_naive(timestamp) if timestamp is not None else None
        gb.update_or_create_submission(assignment, student, extension=extension, timestamp=stamp)


def refresh_penalties(
    db_url: str,
    assignment: str,
    students: list[str],
    plugin: PercentPerDay,
    extensions: dict[str, datetime],
    due: datetime | None,
) -> None:
    """Set each student's extension and recompute their penalty from the current score (manual
    scores included), as nbgrader's ``AssignLatePenalties`` does when it autogrades; run
    before feedback is made again, so the page, formgrader and the CSV agree."""
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            extended = extensions.get(student)
            sub.extension = extended - due if extended and due else None
            gb.db.commit()
            late = float(sub.total_seconds_late or 0.0)
            for nb in sub.notebooks:
                nb.late_submission_penalty = None
                if late > 0:
                    points = plugin.late_submission_penalty(student, float(nb.score), late)
                    if points is not None:
                        nb.late_submission_penalty = max(0.0, min(float(nb.score), points))
            gb.db.commit()


def write_timestamp(dest: Path, raw: str, deadlines: CourseDeadlines) -> datetime | None:
    """Write ``timestamp.txt`` into nbgrader's ``submitted/<student>/<assignment>/`` in
    nbgrader's own format (UTC), from the time the submission came with; None (and no file)
    when there is none or it cannot be read. Times without a zone are UTC, as nbgrader's."""
    target = dest / "timestamp.txt"
    target.unlink(missing_ok=True)
    if not raw:
        return None
    try:
        when = parse_time(raw, ZoneInfo("UTC"), "timestamp.txt")
    except LateError:
        return None
    target.write_text(f"{when.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f} UTC", encoding="utf-8")
    return when


def read_late(
    db_url: str, assignment: str, students: list[str], deadlines: CourseDeadlines
) -> dict[str, LateInfo]:
    """{student: LateInfo} read back from nbgrader's gradebook (times shown in the course zone)."""
    found: dict[str, LateInfo] = {}
    tz = deadlines.tz
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            due = sub.duedate
            late = float(sub.total_seconds_late or 0.0)
            found[student] = LateInfo(
                show_time(due, tz),
                sub.extension is not None,
                show_time(sub.timestamp, tz),
                late,
                float(sub.late_submission_penalty or 0.0),
                penalty_percent(late, deadlines.penalty),
            )
    return found


class LateNotice(NbGraderPreprocessor):
    """A feedback step: a first cell stating the due date with its zone (the student's own
    when extended), the submission time, the lateness and the penalty, read from the
    gradebook. Nothing is shown for an assignment without a due date. Our own text, added
    after the student's content was made inert."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources.get("nbgrader") or {}
        deadlines = load_deadlines()
        late = read_late(info["db_url"], info["assignment"], [info["student"]], deadlines)
        found = late.get(info["student"])
        text = found.sentence(deadlines.penalty.describe()) if found else ""
        if text:
            cell = nbformat.v4.new_markdown_cell(f"**Deadline.** {text}")
            cell.metadata["rapprochement"] = {"late_notice": True}
            cell.pop("id", None)
            nb.cells.insert(0, cell)
        return nb, resources
