"""Feedback pages packed for the learning system's bulk feedback upload.

* **Canvas** (*Assignment → Upload Submission Comments* / the gradebook's re-upload of a
  submissions zip): Canvas reads the numbers of each file name split at ``_``; the first two
  all-digit parts must be the student's user id and the id of a file that student submitted, as
  in its own *Download Submissions* zip (``doejane_12345_67890_ps1.ipynb``). So each page is
  named with the prefix of the student's file in that zip:
  ``doejane_12345_67890_feedback-<assignment>.html``, and becomes a submission comment with the
  page attached. Anonymous downloads (``anon_<code>``) carry no user id: not possible.
* **Moodle** (*View all submissions → Upload multiple feedback files in a zip*, with feedback
  files on for the assignment): Moodle reads each folder name split at ``_`` as
  ``<full name>_<participant id>_<plugin type>_<plugin name>`` and gives the files inside to
  that participant; so each page goes in the student's folder of the submissions zip,
  ``Jane Doe_12345_assignsubmission_file/feedback-<assignment>.html`` (a new file name, so it is
  never taken for the submitted file).

Students whose submission did not come from such a zip (the hub's exchange) have no prefix and
are listed, as are students without a feedback page.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapprochement.grading.lms import Grade

__all__ = ["FeedbackZip", "canvas_feedback", "moodle_feedback"]

CANVAS_PREFIX = re.compile(r"^(?:[^/]*?_)??(?:LATE_)?[0-9]+_[0-9]+_$")
MOODLE_FOLDER = re.compile(r"^[^_/]*_[0-9]+_assignsubmission_[a-z0-9]+$")


@dataclass
class FeedbackZip:
    path: Path
    names: dict[str, str] = field(default_factory=dict)
    """student_id -> name of the page in the zip."""
    missing: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"{self.path.name}: {len(self.names)} feedback page(s)"]
        if self.missing:
            lines.append(f"  not in the zip ({len(self.missing)}):")
            lines += [f"    - {who}: {why}" for who, why in self.missing]
        return "\n".join(lines)


def _pack(
    target: Path,
    grades: list[Grade],
    pages: Path,
    assignment: str,
    entry: Callable[[Grade], tuple[str, str]],
) -> FeedbackZip:
    result = FeedbackZip(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for grade in grades:
            page = pages / f"{grade.student_id}.html"
            who = f"{grade.student_id} ({grade.name})"
            if grade.status != "graded":
                result.missing.append((who, f"{grade.status}: its page is not final yet"))
                continue
            if not page.is_file():
                result.missing.append((who, "no feedback page (not graded, or held back)"))
                continue
            name, why = entry(grade)
            if not name:
                result.missing.append((who, why))
                continue
            zf.write(page, name)
            result.names[grade.student_id] = name
    tmp.replace(target)
    return result


def canvas_feedback(grades: list[Grade], pages: Path, assignment: str, target: Path) -> FeedbackZip:
    """A zip for Canvas's *Upload Submission Comments*."""

    def entry(grade: Grade) -> tuple[str, str]:
        if grade.prefix.startswith("anon_") or "_anon_" in grade.prefix:
            return "", "anonymous Canvas download: Canvas cannot match the page to a student"
        if not CANVAS_PREFIX.match(grade.prefix):
            return "", "not from a Canvas submissions zip (no Canvas file name to follow)"
        return f"{grade.prefix}feedback-{assignment}.html", ""

    return _pack(target, grades, pages, assignment, entry)


def moodle_feedback(grades: list[Grade], pages: Path, assignment: str, target: Path) -> FeedbackZip:
    """A zip for Moodle's *Upload multiple feedback files in a zip*."""

    def entry(grade: Grade) -> tuple[str, str]:
        if not MOODLE_FOLDER.match(grade.prefix):
            return "", "not from a Moodle submissions zip (no participant folder to follow)"
        return f"{grade.prefix}/feedback-{assignment}.html", ""

    return _pack(target, grades, pages, assignment, entry)
