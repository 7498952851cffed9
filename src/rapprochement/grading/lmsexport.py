"""Command line: ``python -m rapprochement.grading.lmsexport --roster FILE [options]``.

Reads ``<out>/grades-<assignment>.csv`` (written by ``make grade``) and the roster exported from
the learning system, and writes into ``<out>/lms/<assignment>/``:

* ``canvas-import.csv``, ``moodle-import.csv`` or ``moodle-worksheet.csv`` (by the roster's
  kind), to import as it is;
* ``canvas-feedback.zip`` or ``moodle-feedback.zip``, the feedback pages named for the bulk
  feedback upload (see :mod:`.lmsfeedback`);
* ``report.txt``: everyone who could not be placed, also printed.

Exit status 0, or 4 when a graded student is missing from the roster or matched ambiguously
(the files are still written; those students are listed), 2 for a file that cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rapprochement.grading.lms import (
    LmsError,
    canvas_export,
    moodle_export,
    read_grades,
    read_roster,
    worksheet_export,
)
from rapprochement.grading.lmsfeedback import canvas_feedback, moodle_feedback
from rapprochement.grading.settings import assignments

__all__ = ["main", "parser"]

FILES = {
    "canvas": "canvas-import.csv",
    "moodle": "moodle-import.csv",
    "worksheet": "moodle-worksheet.csv",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rapprochement.grading.lmsexport",
        description="Fill the learning system's roster with the grades of a grading run and "
        "pack the feedback pages for its bulk feedback upload.",
    )
    p.add_argument(
        "--roster",
        type=Path,
        required=True,
        help="Canvas gradebook export, Moodle grade export, or Moodle grading worksheet (CSV)",
    )
    p.add_argument("--assignment", help="problem set (default: the only grades-*.csv)")
    p.add_argument("--out", type=Path, default=Path("grading-output"), help="grading folder")
    p.add_argument(
        "--column",
        help="the roster's grade column (default: the one whose name holds the assignment id)",
    )
    p.add_argument(
        "--no-comments", action="store_true", help="worksheet: leave Feedback comments as they are"
    )
    return p


def _assignment(out: Path, given: str | None) -> str:
    if given:
        return given
    found = sorted(p.name[len("grades-") : -len(".csv")] for p in out.glob("grades-*.csv"))
    found = [f for f in found if f in assignments()] or found
    if len(found) != 1:
        raise LmsError(
            f"{'several' if found else 'no'} grades-*.csv in {out}; say which with --assignment "
            f"(ASSIGNMENT=...): {', '.join(found)}"
        )
    return found[0]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = Path(args.out)
    try:
        assignment = _assignment(out, args.assignment)
        grades = read_grades(out / f"grades-{assignment}.csv")
        roster = read_roster(args.roster)
        if roster.kind == "canvas":
            export = canvas_export(roster, grades, assignment, args.column)
        elif roster.kind == "moodle":
            export = moodle_export(roster, grades, assignment, args.column)
        else:
            export = worksheet_export(roster, grades, comments=not args.no_comments)
    except LmsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    folder = out / "lms" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILES[export.kind]
    target.write_text(export.text(), encoding="utf-8", newline="")
    pages = out / "feedback" / assignment
    pack = canvas_feedback if export.kind == "canvas" else moodle_feedback
    name = "canvas-feedback.zip" if export.kind == "canvas" else "moodle-feedback.zip"
    bundle = pack(grades, pages, assignment, folder / name)
    report = "\n".join([export.report(), bundle.report(), f"written: {target}, {bundle.path}"])
    (folder / "report.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 4 if export.unmatched else 0


if __name__ == "__main__":
    sys.exit(main())
