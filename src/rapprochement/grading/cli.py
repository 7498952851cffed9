"""Command line: ``python -m rapprochement.grading <submissions> [options]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rapprochement.grading.settings import CELL_TIMEOUT, assignments, prepare_environment

SUBMISSION_TIMEOUT = 300.0  # the runner's default (the runner imports nbgrader; this does not)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rapprochement.grading",
        description="Autograde a folder or zip of submitted notebooks with nbgrader; write a "
        "gradebook CSV, feedback HTML and a summary.",
    )
    p.add_argument("submissions", type=Path, help="folder, .zip, or nbgrader submitted/ tree")
    p.add_argument("--assignment", choices=assignments() or None, help="default: detected")
    p.add_argument("--out", type=Path, default=Path("grading-output"), help="output folder")
    p.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: 2 x cores)")
    p.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    p.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    p.add_argument(
        "--refresh-feedback",
        action="store_true",
        help="make every student's feedback again from the gradebook (after manual grading in "
        "formgrader: written-answer scores and comments); `make feedback` runs this",
    )
    p.add_argument(
        "--submission-timeout",
        type=float,
        default=SUBMISSION_TIMEOUT,
        help=f"seconds one submission may take in all (default {SUBMISSION_TIMEOUT:g}); past "
        "it, its sandbox is stopped and the row says so",
    )
    p.add_argument(
        "--run-timeout",
        type=float,
        default=None,
        help="seconds the whole run may take (default: no limit); what is done is kept",
    )
    p.add_argument(
        "--memory-gb", type=float, default=2.0, help="memory limit per submission (default 2)"
    )
    p.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="grade even where no sandbox works (student code then runs as you, with your "
        "files and network); every row is marked 'graded without sandbox'",
    )
    p.add_argument(
        "--no-resume",
        action="store_true",
        help="grade every submission again, also those unchanged since the last run",
    )
    p.add_argument(
        "--extensions",
        type=Path,
        default=None,
        help="CSV of per-student extensions (student_id, assignment, due[, note]); default "
        "<out>/extensions.csv when it exists. Due dates and the late penalty: deadlines.toml",
    )
    p.add_argument(
        "--roster",
        type=Path,
        default=None,
        help="the learning system's roster; a Moodle grading worksheet gives the submission "
        "times of a Moodle zip ('Last modified (submission)', read in the course zone)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    prepare_environment()
    import warnings

    from sqlalchemy.exc import SAWarning

    # nbgrader's gradebook triggers harmless SQLAlchemy autoflush warnings on every submission
    warnings.filterwarnings("ignore", category=SAWarning)
    # cells that nbgrader re-adds (deleted tests) carry no cell id; nbformat only warns
    warnings.filterwarnings("ignore", message="Cell is missing an id field")
    from tqdm import tqdm

    from rapprochement.grading.report import summary, write_csv, write_feedback
    from rapprochement.grading.runner import SandboxRefused, grade_submissions

    def progress(stage: str, total: int) -> tqdm:
        return tqdm(total=total, desc=stage, unit="nb", file=sys.stderr)

    try:
        result = grade_submissions(
            args.submissions,
            assignment=args.assignment,
            out=args.out,
            jobs=args.jobs,
            timeout=args.timeout,
            feedback=not args.no_feedback,
            unsafe_no_sandbox=args.unsafe_no_sandbox,
            memory_gb=args.memory_gb,
            resume=not args.no_resume,
            refresh_feedback=args.refresh_feedback,
            submission_timeout=args.submission_timeout,
            run_timeout=args.run_timeout,
            extensions=args.extensions,
            roster=args.roster,
            progress=None if args.no_progress else progress,
        )
    except SandboxRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 3
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    csv_path = write_csv(result, out / f"grades-{result.assignment}.csv")
    write_feedback(result, out / "feedback" / result.assignment)
    print(summary(result, csv_path))
    if result.stopped:
        print(f"the run was {result.stopped}; run the same command again to grade the rest")
        return 130
    return 0
