"""Grade a batch of submissions: each one through :func:`.pipeline.grade_one`, scored by nbgrader.

Worker processes (:mod:`.pool`) take one student at a time: the student's cells run in a
bubblewrap sandbox, answers come out as plain data, and the tests (hidden ones included) run
in the worker's clean checking process. Each worker returns an :class:`.outcomes.Outcome`
(plain data). The main process then runs nbgrader's ``Autograde`` once per student in the
course folder, with :class:`.preprocessors.ReplayOutcomes` in place of ``Execute``: nbgrader
sanitizes the prepared notebook with its own steps, and scores the replayed outcome into the
one gradebook. Feedback pages are made by the workers, with hidden tests and test tracebacks
removed.

Clocks: a submission gets ``submission_timeout`` seconds in all (the main process stops its
worker and sandbox when they pass; nothing inside the sandbox can extend it), and the whole
run optionally ``run_timeout``. SIGTERM or Ctrl-C stops the workers and their sandboxes,
keeps every row already saved, and returns what is done.

The run is resumable: ``<out>/state-<assignment>.json`` records, per student, the hash of the
graded file and the row, saved as soon as the student is scored (again once feedback is
made); a student whose file is unchanged is not graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.utils import capture_log

from rapprochement.grading.checking import CheckServer, read_spec
from rapprochement.grading.course import coursedir, make_config, prepare_course
from rapprochement.grading.deadlines import check_course
from rapprochement.grading.inspect import inspect_notebook
from rapprochement.grading.intake import Submission, collect
from rapprochement.grading.late import (
    CourseDeadlines,
    load_deadlines,
    load_extensions,
    worksheet_times,
)
from rapprochement.grading.latepenalty import (
    LateInfo,
    PercentPerDay,
    read_late,
    refresh_penalties,
    set_due,
    set_submission,
    write_timestamp,
)
from rapprochement.grading.outcomes import Outcome
from rapprochement.grading.pipeline import Problem, grade_one, identify
from rapprochement.grading.pool import DIED, TIMED_OUT, Pool, Task
from rapprochement.grading.sandbox import GB, Policy, probe
from rapprochement.grading.settings import CELL_TIMEOUT, assignments, prepare_environment

__all__ = [
    "GradingResult",
    "SandboxRefused",
    "StudentRow",
    "detect_assignment",
    "grade_submissions",
]

NOT_GRADED = "not graded"
NEEDS_MANUAL = "needs manual grading"
GRADED = "graded"
UNSANDBOXED = "graded without sandbox"
REVIEW = "regraded: review"
SUBMISSION_TIMEOUT = 300.0
"""Seconds one submission may take in all (sandbox runs, restarts and checks)."""
FEEDBACK_TIMEOUT = 300.0


class SandboxRefused(RuntimeError):
    """No working sandbox, and the unsafe mode was not asked for."""


class Interrupted(Exception):
    """SIGTERM or Ctrl-C reached the grader, or the whole run's time limit passed."""


@dataclass
class StudentRow:
    """One line of the gradebook CSV."""

    student_id: str
    name: str = ""
    file: str = ""
    status: str = NOT_GRADED
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    scores: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    max_total: float | None = None
    feedback: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    """grade_id -> where the score came from: auto, manual, restored cell, ..."""
    sha256: str = ""
    submitted: str = ""
    """The submission time as nbgrader's timestamp.txt gave it, or from the Moodle worksheet
    (ISO with an offset); "" when unknown."""
    submitted_from: str = ""
    """Where :attr:`submitted` came from (for the CSV's ``submitted from``)."""
    lms_prefix: str = ""
    """The learning system's name prefix of the file (Canvas) or its folder (Moodle)."""
    late: LateInfo = field(default_factory=LateInfo)


@dataclass
class GradingResult:
    """Everything a run produced."""

    assignment: str
    rows: list[StudentRow]
    rejected: list[tuple[str, str]]
    grade_ids: list[str]
    max_scores: dict[str, float]
    course: Path
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage, and how many rows were kept from an earlier run."""
    stopped: str = ""
    """Why the run stopped before the end ("" when it finished)."""
    deadlines: CourseDeadlines = field(default_factory=CourseDeadlines)


# --- worker side --------------------------------------------------------------------------


@dataclass
class _Context:
    """What a worker needs; built in the main process, used after the fork."""

    course: Path
    assignment: str
    policy: Policy
    problem: Problem | None = None
    checker: CheckServer | None = None


def _grade_task(ctx: _Context, student: str, path: str) -> dict[str, Any]:
    """Grade one submission (in a worker): the outcome, as plain data."""
    if ctx.checker is None:
        source = ctx.course / "source" / ctx.assignment / f"{ctx.assignment}.ipynb"
        release = ctx.course / "release" / ctx.assignment / f"{ctx.assignment}.ipynb"
        ctx.problem = Problem(
            ctx.assignment, source, read_spec(source), nbformat.read(release, as_version=4)
        )
        ctx.checker = CheckServer(source)
        Finalize(ctx.checker, ctx.checker.close, exitpriority=10)
    assert ctx.problem is not None
    notebook = nbformat.read(path, as_version=4)
    outcome = grade_one(notebook, ctx.problem, ctx.policy, ctx.checker.check)
    return {"student": student, "outcome": outcome.to_json()}


def _feedback_task(ctx: _Context, student: str) -> dict[str, Any]:
    config = make_config(ctx.course, timeout=int(ctx.policy.cell_timeout))
    app = GenerateFeedback(coursedir=coursedir(config, ctx.assignment, student), config=config)
    app.force = True
    result = capture_log(app)
    return {"student": student, "success": bool(result["success"]), "log": result.get("log", "")}


def _handler(ctx: _Context) -> Callable[[], Callable[[str, tuple[Any, ...]], dict[str, Any]]]:
    def setup() -> Callable[[str, tuple[Any, ...]], dict[str, Any]]:
        def handle(kind: str, args: tuple[Any, ...]) -> dict[str, Any]:
            if kind == "grade":
                return _grade_task(ctx, *args)
            return _feedback_task(ctx, *args)

        return handle

    return setup


# --- main side ----------------------------------------------------------------------------


def detect_assignment(notebooks: list[Any], names: list[str]) -> str:
    """The assignment most submissions belong to by their content (:func:`.pipeline.identify`);
    the file names count only when no notebook can be recognised."""
    known = assignments()
    votes = {name: 0 for name in known}
    for nb in notebooks:
        found = identify(nb, known)
        if found:
            votes[found] += 1
    if not any(votes.values()):
        for file_name in names:
            for name in known:
                if name in file_name:
                    votes[name] += 1
    best = max(votes.items(), key=lambda kv: kv[1], default=(None, 0))
    if not best[0] or best[1] == 0 or list(votes.values()).count(best[1]) > 1:
        raise ValueError(
            "cannot tell which assignment these submissions belong to; pass --assignment "
            f"(one of: {', '.join(known)})"
        )
    return best[0]


def _pick(subs: list[Submission], assignment: str) -> tuple[Submission, list[str]]:
    if len(subs) == 1:
        return subs[0], []
    named = [s for s in subs if Path(s.file_name).stem.startswith(assignment)]
    pool = named or subs
    chosen = max(pool, key=lambda s: s.path.stat().st_mtime)
    others = ", ".join(s.display_file for s in subs if s is not chosen)
    return chosen, [
        f"{len(subs)} notebooks handed in; graded {chosen.display_file}, ignored {others}"
    ]


def _failure_reason(log: str) -> str:
    errors = [line for line in log.splitlines() if line.strip()]
    last = next(
        (line for line in reversed(errors) if "Error" in line), errors[-1] if errors else ""
    )
    return f"nbgrader could not grade it: {last.strip()[:200]}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _row_state(row: StudentRow, **extra: Any) -> dict[str, Any]:
    return {
        "sha256": row.sha256,
        "name": row.name,
        "file": row.file,
        "status": row.status,
        "reasons": row.reasons,
        "flags": [f for f in row.flags if not f.startswith(REVIEW)],
        "feedback": row.feedback,
        "restored": [g for g, src in row.sources.items() if src == "restored cell"],
        "submitted": row.submitted,
        **extra,
    }


def _check_file(chosen: Submission, row: StudentRow, assignment: str) -> bool:
    """Is the file a notebook at all? (reasons on the row; False when it cannot be graded)"""
    ins = inspect_notebook(chosen.path, {"cells": []})
    if not ins.readable:
        row.reasons.append(ins.error)
        return False
    stem = Path(chosen.file_name).stem
    if chosen.file_name and stem != assignment and not stem.startswith(assignment + "-"):
        row.reasons.append(f"file named {chosen.file_name}; graded as {assignment}.ipynb")
    if ins.upgraded:
        row.reasons.append(f"nbformat {ins.upgraded} notebook upgraded to version 4")
    return True


class _Signals:
    """SIGTERM and SIGINT raise :class:`Interrupted`, except inside :meth:`critical` (the
    gradebook write and state save of one student), where they wait for its end."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending = ""
        self.saved: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: Any) -> None:
        why = "interrupted (Ctrl-C)" if signum == signal.SIGINT else "stopped by SIGTERM"
        if self.depth:
            self.pending = why
            return
        raise Interrupted(why)

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)

    @contextmanager
    def critical(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending:
            raise Interrupted(self.pending)


def _manual_grades(db: str, assignment: str, student: str) -> dict[str, bool]:
    """{grade id: needs_manual_grade} for the student's cells that have a manual score."""
    with Gradebook(db) as gb:
        try:
            nb = gb.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            return {}
        return {g.name: bool(g.needs_manual_grade) for g in nb.grades if g.manual_score is not None}


def _restore_review_flags(db: str, assignment: str, student: str, flags: dict[str, bool]) -> None:
    """After scoring an unchanged file again, a manual score stays as reviewed as it was
    (nbgrader's SaveAutoGrades marks every cell with a manual score for review)."""
    with Gradebook(db) as gb:
        for name, needs in flags.items():
            gb.find_grade(name, assignment, assignment, student).needs_manual_grade = needs
        gb.db.commit()


def grade_submissions(
    submissions: Path,
    *,
    assignment: str | None = None,
    out: Path = Path("grading-output"),
    jobs: int | None = None,
    timeout: int = CELL_TIMEOUT,
    feedback: bool = True,
    unsafe_no_sandbox: bool = False,
    memory_gb: float = 2.0,
    resume: bool = True,
    refresh_feedback: bool = False,
    submission_timeout: float = SUBMISSION_TIMEOUT,
    run_timeout: float | None = None,
    progress: Callable[[str, int], Any] | None = None,
    extensions: Path | None = None,
    roster: Path | None = None,
) -> GradingResult:
    """Grade every submission under ``submissions`` (folder, zip or nbgrader tree).

    Student code runs in a bubblewrap sandbox (:mod:`.sandbox`); when none works, this raises
    :class:`SandboxRefused` unless ``unsafe_no_sandbox`` is set, and then every row is flagged
    "graded without sandbox". With ``resume`` (the default), students whose file is unchanged
    since the last run into the same ``out`` folder keep their row and are not graded again;
    ``refresh_feedback`` makes their feedback again from the gradebook (after manual grading).
    Each submission may take ``submission_timeout`` seconds, the run ``run_timeout`` (None: no
    limit). Due dates and the penalty come from ``deadlines.toml`` (:mod:`.late`), extensions
    from the CSV ``extensions`` (default ``<out>/extensions.csv``); a Moodle grading worksheet
    given as ``roster`` gives the submission times of a Moodle zip's rows. SIGTERM or Ctrl-C
    ends the run early: the result's ``stopped`` says why, and the rows not done say so.
    ``progress(stage, total)`` must return an object with ``update(n)`` and ``close()`` (a
    tqdm bar fits); None disables progress reporting.
    """
    prepare_environment()
    start = time.perf_counter()
    stop_at = time.monotonic() + run_timeout if run_timeout else None
    policy = Policy(
        cell_timeout=float(timeout),
        memory_bytes=int(memory_gb * GB),
        sandboxed=not unsafe_no_sandbox,
    )
    # the sandbox test runs while the course is prepared; no student code runs before it passed
    probe_result: list[str] = []
    prober = threading.Thread(target=lambda: probe_result.append(probe(policy)), daemon=True)
    if not unsafe_no_sandbox:
        prober.start()

    out = Path(out).resolve()
    work = out / "work"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    intake = collect(Path(submissions), work)
    by_student: dict[str, list[Submission]] = {}
    for sub in intake.submissions:
        by_student.setdefault(sub.student_id, []).append(sub)
    if assignment is None:
        contents = []
        for sub in intake.submissions:
            try:
                contents.append(json.loads(sub.path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        assignment = detect_assignment(contents, [s.file_name for s in intake.submissions])
    elif assignment not in assignments():
        raise ValueError(f"unknown assignment {assignment!r} (one of: {', '.join(assignments())})")

    course = out / "course"
    deadlines = load_deadlines()
    due = deadlines.due.get(assignment)
    if Path(submissions).resolve().name == "submitted":  # an nbgrader course folder's
        check_course(Path(submissions).resolve().parent, assignment, deadlines)
    extended = load_extensions(extensions or out / "extensions.csv", deadlines, assignment)
    from_sheet, sheet_problems = worksheet_times(roster, deadlines.tz) if roster else ({}, [])
    sheet_said = f"Moodle worksheet (read in {deadlines.zone})"
    prepare_course(course, assignment, timeout=timeout)
    if not unsafe_no_sandbox:
        prober.join()
        if probe_result and probe_result[0]:
            raise SandboxRefused(
                f"no working sandbox, so student code will not be run: {probe_result[0]}. "
                "Install bubblewrap (Linux), or, only for notebooks you trust, pass "
                "--unsafe-no-sandbox (make grade UNSAFE=1); every row is then marked 'graded "
                "without sandbox'."
            )
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    grade_ids = [
        c.metadata["nbgrader"]["grade_id"]
        for c in release.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    ]
    state_path = out / f"state-{assignment}.json"
    previous = _load_state(state_path)  # for manual-score review, also without resume
    state = previous if resume else {}
    saved = {k: v for k, v in previous.items() if k not in by_student}
    db = f"sqlite:///{course / 'gradebook.db'}"
    set_due(db, assignment, due)

    def save(row: StudentRow, **extra: Any) -> None:
        saved[row.student_id] = _row_state(row, **extra)
        _save_state(state_path, saved)

    rows: dict[str, StudentRow] = {}
    tasks: list[Task] = []
    feedback_tasks: list[Task] = []
    kept = 0
    for student, subs in sorted(by_student.items()):
        chosen, notes = _pick(subs, assignment)
        row = StudentRow(student, chosen.name, chosen.display_file, reasons=notes + chosen.notes)
        rows[student] = row
        row.sha256 = _sha256(chosen.path)
        row.submitted, row.lms_prefix = chosen.timestamp, chosen.lms_prefix
        row.submitted_from = "timestamp.txt" if chosen.timestamp else ""
        if not row.submitted and student in from_sheet and "_assignsubmission_" in row.lms_prefix:
            row.submitted = from_sheet[student].isoformat()
            row.submitted_from = sheet_said
        elif not row.submitted and "_assignsubmission_" in row.lms_prefix:
            row.reasons += [
                p
                for p in sheet_problems
                if p.startswith(f"Participant {student}:") or not p.startswith("Participant ")
            ]
        if unsafe_no_sandbox:
            row.flags.append(UNSANDBOXED)
        old = state.get(student)
        old = old if isinstance(old, dict) else {}
        autograded = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        same = old.get("sha256") == row.sha256 and old.get("submitted", "") == row.submitted
        if (
            same
            and not unsafe_no_sandbox
            and old.get("status") in (GRADED, NEEDS_MANUAL)
            and autograded.is_file()
        ):
            row.status, row.reasons, row.flags = old["status"], old["reasons"], old["flags"]
            row.feedback = old.get("feedback", "")
            row.sources = {g: "restored cell" for g in old.get("restored", [])}
            saved[student] = old
            kept += 1
            if feedback and (refresh_feedback or not Path(row.feedback).is_file()):
                feedback_tasks.append(Task(student, "feedback", (student,), FEEDBACK_TIMEOUT))
            continue
        limit = old.get("timed_out_after", 0) if same else 0
        if limit and float(limit) >= submission_timeout:
            row.reasons, saved[student] = old["reasons"], old
            kept += 1
            continue
        if _check_file(chosen, row, assignment):
            tasks.append(Task(student, "grade", (student, str(chosen.path)), submission_timeout))

    timings = {"setup": time.perf_counter() - start, "grading (sum over workers)": 0.0}
    timings["autograde in main process"] = 0.0
    outcomes = work / "outcomes"
    outcomes.mkdir()
    main_config = make_config(course, timeout=timeout, outcomes_dir=str(outcomes))
    plugin = PercentPerDay(config=main_config)
    # kept rows: extensions edited and manual scores given since, before their feedback is made
    kept_rows = [s for s, r in rows.items() if r.status in (GRADED, NEEDS_MANUAL)]
    refresh_penalties(db, assignment, kept_rows, plugin, extended, due)
    jobs = max(1, jobs or min(len(tasks) or 1, 2 * (os.cpu_count() or 1)))
    bar = progress("grading", len(tasks)) if progress and tasks else None
    to_make = len(feedback_tasks) + (len(tasks) if feedback else 0)
    fbar = progress("feedback", to_make) if progress and to_make else None
    finished: set[str] = set()
    signals = _Signals()
    pool = Pool(jobs, _handler(_Context(course, assignment, policy)))
    for task in [*tasks, *feedback_tasks]:
        pool.submit(task)

    def score(student: str, outcome: Outcome) -> None:
        row = rows[student]
        row.reasons.extend(outcome.reasons)
        row.flags.extend(f for f in outcome.flags if f not in row.flags)
        for gid in outcome.restored:
            row.sources[gid] = "restored cell"
        timings["grading (sum over workers)"] += outcome.seconds
        began = time.perf_counter()
        (outcomes / f"{student}.json").write_text(json.dumps(outcome.to_json()), encoding="utf-8")
        dest = course / "submitted" / student / assignment
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        nbformat.write(nbformat.from_dict(outcome.notebook), dest / f"{assignment}.ipynb")
        stamp = write_timestamp(dest, row.submitted, deadlines)
        if row.submitted and stamp is None:
            row.reasons.append(
                f"timestamp.txt says {row.submitted[:40]!r}, which is not a time: "
                "the submission time is unknown"
            )
        set_submission(
            db, assignment, student, timestamp=stamp, extended_due=extended.get(student), due=due
        )
        old = previous.get(student)
        unchanged = isinstance(old, dict) and old.get("sha256") == row.sha256
        reviewed = _manual_grades(db, assignment, student) if unchanged else {}
        app = Autograde(coursedir=coursedir(main_config, assignment, student), config=main_config)
        app.force = True
        app.create_student = True
        result = capture_log(app)
        timings["autograde in main process"] += time.perf_counter() - began
        if not result["success"]:
            row.reasons.append(_failure_reason(result.get("log", "") + result.get("error", "")))
            return
        if reviewed:
            _restore_review_flags(db, assignment, student, reviewed)
        row.status = GRADED
        save(row)
        if feedback:
            pool.submit(Task(student, "feedback", (student,), FEEDBACK_TIMEOUT))

    def done(task: Task, res: dict[str, Any] | None, failure: str) -> None:
        row = rows[task.key]
        with signals.critical():
            if task.kind == "feedback":
                html = course / "feedback" / task.key / assignment / f"{assignment}.html"
                if res and res.get("success") and html.is_file():
                    row.feedback = str(html)
                else:
                    row.reasons.append("feedback could not be generated")
                if row.status in (GRADED, NEEDS_MANUAL):
                    save(row)
                if fbar:
                    fbar.update(1)
                return
            finished.add(task.key)
            if failure == TIMED_OUT:
                row.reasons.append(
                    f"stopped after {submission_timeout:g} s, the limit for one submission "
                    "(--submission-timeout); not graded"
                )
                save(row, timed_out_after=submission_timeout)
            elif failure == DIED:
                row.reasons.append("grading process failed twice")
            elif res is None or "outcome" not in res:
                error = (res or {}).get("error", "no result")
                row.reasons.append(f"could not be graded: {error}")
            else:
                score(task.key, Outcome.from_json(res["outcome"]))
            if bar:
                bar.update(1)

    stopped = ""
    with signals:
        try:
            if not pool.run(done, stop_at):
                stopped = f"stopped at the limit for the whole run ({run_timeout:g} s)"
        except Interrupted as exc:
            stopped = str(exc)
        finally:
            pool.stop()
    for bar_ in (bar, fbar):
        if bar_:
            bar_.close()
    if stopped:
        for task in tasks:
            if task.key not in finished:
                rows[task.key].reasons.append(
                    f"not graded yet: the run was {stopped}; run the same command again"
                )
    timings["until feedback done"] = time.perf_counter() - start
    timings["kept from an earlier run"] = float(kept)
    graded_now = [s for s, r in rows.items() if r.status in (GRADED, NEEDS_MANUAL)]
    refresh_penalties(db, assignment, graded_now, plugin, extended, due)
    max_scores = _fill_scores(course, assignment, rows, grade_ids)
    for student, late_info in read_late(db, assignment, list(rows), deadlines).items():
        rows[student].late = late_info
    for row in rows.values():
        if row.status in (GRADED, NEEDS_MANUAL):
            saved[row.student_id]["status"] = row.status
    _save_state(state_path, saved)
    return GradingResult(
        assignment,
        [rows[s] for s in sorted(rows)],
        intake.rejected,
        grade_ids,
        max_scores,
        course,
        time.perf_counter() - start,
        timings,
        stopped,
        deadlines,
    )


def _fill_scores(
    course: Path,
    assignment: str,
    rows: dict[str, StudentRow],
    grade_ids: list[str],
) -> dict[str, float]:
    """Read every graded row's scores back from the gradebook (manual ones included).

    A manual score that nbgrader marks for review (given before the submission changed, and
    not saved again in formgrader since) is shown in the flags, left out of the score columns
    and of ``total``, and keeps the row at "needs manual grading" until it is saved again.
    """
    max_scores: dict[str, float] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for nb in gb.find_assignment(assignment).notebooks:
            for cell in nb.grade_cells:
                max_scores[cell.name] = float(cell.max_score)
        for row in rows.values():
            if row.status not in (GRADED, NEEDS_MANUAL):
                continue
            try:
                sub = gb.find_submission(assignment, row.student_id)
            except MissingEntry:
                row.status = NOT_GRADED
                row.reasons.append("no submission in the gradebook")
                continue
            pending = False
            review: list[str] = []
            total = 0.0
            for nb in sub.notebooks:
                for grade in nb.grades:
                    stale = grade.manual_score is not None and grade.needs_manual_grade
                    waiting = grade.needs_manual_grade and grade.manual_score is None
                    if stale:
                        row.scores[grade.name] = None
                        row.sources[grade.name] = "manual, to review"
                        review.append(f"{grade.name} ({float(grade.manual_score):g} points)")
                        pending = True
                    elif waiting:
                        row.scores[grade.name] = None
                        row.sources[grade.name] = "needs manual grading"
                        pending = True
                    else:
                        row.scores[grade.name] = float(grade.score)
                        total += float(grade.score)
                        if grade.manual_score is not None:
                            row.sources[grade.name] = "manual"
                        elif row.sources.get(grade.name) != "restored cell":
                            row.sources[grade.name] = "auto"
            row.total = total
            row.max_total = float(sub.max_score)
            row.status = NEEDS_MANUAL if pending else GRADED
            row.flags = [f for f in row.flags if not f.startswith(REVIEW)]
            if review:
                row.flags.append(
                    f"{REVIEW}: the manual score on {', '.join(review)} was given to an earlier "
                    "version of this submission; it is not in the total (nor in the feedback "
                    "copies) until you save it again in formgrader"
                )
    return {g: max_scores.get(g, 0.0) for g in grade_ids}
