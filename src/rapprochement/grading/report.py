"""Write what a grading run found: the gradebook CSV, feedback files and a summary."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

from rapprochement.grading.runner import GRADED, NEEDS_MANUAL, REVIEW, GradingResult, StudentRow

__all__ = ["final_score", "summary", "write_csv", "write_feedback"]

FIXED = [
    "student_id",
    "name",
    "file",
    "status",
    "total",
    "max_total",
    "due",
    "submitted",
    "submitted from",
    "late by",
    "late penalty",
    "total after penalty",
    "reason",
    "flags",
    "score sources",
    "learning system file",
]


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def final_score(row: StudentRow) -> float | None:
    """The total after the late penalty (None while the total is unknown)."""
    if row.total is None:
        return None
    return round(max(0.0, row.total - row.late.penalty), 2)


def write_csv(result: GradingResult, path: Path) -> Path:
    """One row per student: status, total, a score per question, reasons and flags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = FIXED + [f"{g} (/{_fmt(result.max_scores[g])})" for g in result.grade_ids]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in result.rows:
            writer.writerow(
                [
                    row.student_id,
                    row.name,
                    row.file,
                    row.status,
                    _fmt(row.total),
                    _fmt(row.max_total),
                    row.late.due,
                    row.late.submitted or ("unknown" if row.late.due else ""),
                    row.submitted_from if row.late.submitted else ("none" if row.late.due else ""),
                    row.late.late_by,
                    _fmt(row.late.penalty) if row.late.seconds_late > 0 else "",
                    _fmt(final_score(row)),
                    "; ".join(row.reasons),
                    "; ".join(row.flags),
                    "; ".join(
                        f"{g}: {row.sources[g]}" for g in result.grade_ids if g in row.sources
                    ),
                    row.lms_prefix,
                ]
                + [_fmt(row.scores.get(g)) if row.scores else "" for g in result.grade_ids]
            )
        for name, reason in result.rejected:
            writer.writerow(
                [{"file": name, "status": "not graded", "reason": reason}.get(c, "") for c in FIXED]
                + [""] * len(result.grade_ids)
            )
    os.replace(tmp, path)  # an interrupted write never leaves half a CSV
    return path


def write_feedback(result: GradingResult, folder: Path) -> list[Path]:
    """Copy each student's feedback HTML to ``folder/<student_id>.html``.

    Held back (and an earlier copy removed) while a manual score is to be reviewed: the page
    would show a score given to an earlier version of the submission."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in result.rows:
        if any(f.startswith(REVIEW) for f in row.flags):
            (folder / f"{row.student_id}.html").unlink(missing_ok=True)
            continue
        if row.feedback:
            target = folder / f"{row.student_id}.html"
            shutil.copy(row.feedback, target)
            written.append(target)
    return written


def summary(result: GradingResult, csv_path: Path | None = None) -> str:
    """A plain-text report: counts by status, then every submission that was not graded."""
    graded = sum(r.status == GRADED for r in result.rows)
    manual = sum(r.status == NEEDS_MANUAL for r in result.rows)
    failed = [r for r in result.rows if r.status not in (GRADED, NEEDS_MANUAL)]
    lines = [
        f"{result.assignment}: {len(result.rows)} student(s) in {result.seconds:.1f} s "
        f"({result.seconds / max(1, len(result.rows)):.2f} s each)",
        f"  autograded, written answers still to grade in formgrader: {manual}",
        f"  fully graded: {graded}",
        f"  could not be graded: {len(failed)}; files set aside: {len(result.rejected)}",
    ]
    for row in failed:
        lines.append(f"    - {row.student_id} ({row.file}): {'; '.join(row.reasons)}")
    for name, reason in result.rejected:
        lines.append(f"    - {name}: {reason}")
    unsafe = [r for r in result.rows if any("without sandbox" in f for f in r.flags)]
    if unsafe:
        lines.append(
            f"  WARNING: {len(unsafe)} row(s) graded without sandbox (--unsafe-no-sandbox)"
        )
    flagged = [r for r in result.rows if r.flags]
    if flagged:
        lines.append("  code worth a look (possible attempts to fool the tests):")
        for row in flagged:
            lines.append(f"    - {row.student_id}: {'; '.join(row.flags)}")
    if result.stopped:
        lines.append(f"  STOPPED: the run was {result.stopped}; rows not graded yet say so")
    if csv_path:
        lines.append(f"  gradebook CSV: {csv_path}")
    lines.append(f"  course folder (formgrader, gradebook.db): {result.course}")
    return "\n".join(lines)
