"""Moodle's grading worksheet as the assignment's "Download grading worksheet" writes it, for
the learning-system tests (test_lms, test_lms_run): its header, one row per participant, and
the file as CSV text."""

from __future__ import annotations

import csv
import io

__all__ = ["WORKSHEET_HEADER", "csv_text", "worksheet_row"]

WORKSHEET_HEADER = [
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
]


def worksheet_row(pid: str, name: str, email: str, status: str, submitted: str) -> list[str]:
    """A participant not graded yet (empty grade, "-" as the grade's last change), out of 15."""
    return [f"Participant {pid}", name, email, status, "", "15.00", "Yes", submitted, "-", ""]


def csv_text(rows: list[list[str]]) -> str:
    """The rows as one CSV file's text."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
