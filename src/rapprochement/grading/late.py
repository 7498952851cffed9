"""Deadlines, late submissions, penalties and per-student extensions (no nbgrader here).

The course's deadlines live in one file, ``deadlines.toml`` (:func:`deadlines_path`: the
repository's, or on the hub the staff's, which ``deploy/bin/set-deadline`` writes through
:mod:`.deadlines` and copies into nbgrader's course gradebook)::

    timezone = "Europe/Berlin"          # IANA zone; due dates without a zone are read in it

    [penalty]
    method = "percent"                  # "none" (flag only), "percent" or "zero" (nbgrader's)
    percent_per_day = 10                # of the student's score, per started day late
    max_percent = 50                    # cap
    grace_minutes = 5                   # lateness up to this is not penalised

    [due]
    ps1-trade-statistics = "2026-10-15 23:59"

Extensions are a CSV the instructor edits (``grading-output/extensions.csv`` by default),
columns ``student_id, assignment, due`` (the student's own deadline, read in the course zone
unless it names one) and an optional ``note``.

nbgrader does the bookkeeping: the due date goes into its gradebook (``Assignment.duedate``, in
UTC as nbgrader stores it), an extension into ``SubmittedAssignment.extension``, the submission
time into ``SubmittedAssignment.timestamp``; nbgrader's ``AssignLatePenalties`` step asks the
plugin in :mod:`.latepenalty` for the penalty, which calls :func:`penalty_points` here.
"""

from __future__ import annotations

import csv
import math
import os
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CourseDeadlines",
    "LateError",
    "Penalty",
    "deadlines_path",
    "describe_late",
    "load_deadlines",
    "load_extensions",
    "parse_time",
    "penalty_percent",
    "penalty_points",
    "show_time",
    "worksheet_times",
]

METHODS = ("none", "percent", "zero")
DAY = 86400.0


class LateError(ValueError):
    """A deadlines or extensions file that cannot be used (the message says where and why)."""


@dataclass(frozen=True)
class Penalty:
    """How lateness costs points. ``percent``: ``percent_per_day`` of the score for every
    started day after ``grace_minutes``, at most ``max_percent``; ``zero``: nbgrader's own
    'zero' method (the whole score); ``none``: late work is flagged, never penalised."""

    method: str = "none"
    percent_per_day: float = 0.0
    max_percent: float = 100.0
    grace_minutes: float = 0.0

    def describe(self) -> str:
        if self.method == "zero":
            return "a late submission scores 0"
        if self.method == "percent" and self.percent_per_day > 0:
            grace = f" after {self.grace_minutes:g} min of grace" if self.grace_minutes else ""
            return (
                f"{self.percent_per_day:g}% of the score per started day late{grace}, "
                f"at most {self.max_percent:g}%"
            )
        return "late work is flagged, not penalised"


@dataclass
class CourseDeadlines:
    """What ``deadlines.toml`` says (empty when there is no such file)."""

    zone: str = "UTC"
    due: dict[str, datetime] = field(default_factory=dict)
    """Assignment -> due date (aware, in :attr:`zone` unless the file named another)."""
    penalty: Penalty = field(default_factory=Penalty)
    source: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


def _zone(name: Any, where: str) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise LateError(f"{where}: the time zone must be an IANA name such as 'Europe/Berlin'")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LateError(f"{where}: unknown time zone {name!r} (use an IANA name)") from exc


def parse_time(text: str, zone: ZoneInfo, where: str = "") -> datetime:
    """An aware datetime from ``text``: ISO 8601 (``YYYY-MM-DD HH:MM[:SS]``, ``T`` or a space,
    an offset allowed), optionally
    followed by an offset, ``UTC`` or an IANA zone name (as nbgrader writes
    ``timestamp.txt``: ``2026-10-15 21:59:00.000000 UTC``). Without one, ``zone`` applies."""
    raw = str(text).strip()
    if not raw:
        raise LateError(f"{where}: empty date")
    parts = raw.split(" ")
    tz: Any = None
    if len(parts) == 3 or (len(parts) == 2 and "/" in parts[1]):
        name = parts[-1]
        if name.upper() in ("UTC", "Z", "GMT"):
            tz = UTC
        elif "/" in name:
            tz = _zone(name, where)
        if tz is not None:
            raw = " ".join(parts[:-1])
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise LateError(f"{where}: cannot read {text!r} as a date and time") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz or zone)
    elif tz is not None:
        raise LateError(f"{where}: {text!r} gives both an offset and a zone")
    return when


def deadlines_path() -> Path:
    """``RAPPROCHEMENT_DEADLINES`` if set; else the environment's own link
    ``<sys.prefix>/etc/rapprochement/deadlines.toml`` (on the hub, made by ``install.sh``,
    pointing to the staff's file); else ``deadlines.toml`` at the repository's root (the folder
    ``settings.repo_root()`` names; computed here, as settings imports this module)."""
    env = os.environ.get("RAPPROCHEMENT_DEADLINES")
    if env:
        return Path(env)
    link = Path(sys.prefix) / "etc" / "rapprochement" / "deadlines.toml"
    return link if os.path.lexists(link) else Path(__file__).resolve().parents[3] / "deadlines.toml"


def load_deadlines(path: Path | None = None) -> CourseDeadlines:
    """The course's deadlines and penalty; an empty policy when the file does not exist."""
    path = deadlines_path() if path is None else Path(path)
    try:
        if not path.is_file():
            return CourseDeadlines(source="")
    except OSError as exc:
        raise LateError(f"{path}: cannot be read ({exc})") from exc
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LateError(f"{path}: not valid TOML ({exc})") from exc
    zone_name = data.get("timezone", "UTC")
    tz = _zone(zone_name, f"{path}: timezone")
    due = {}
    for name, value in (data.get("due") or {}).items():
        if isinstance(value, datetime):  # a TOML date-time
            due[name] = value if value.tzinfo else value.replace(tzinfo=tz)
        else:
            due[name] = parse_time(str(value), tz, f"{path}: due.{name}")
    raw = data.get("penalty") or {}
    method = raw.get("method", "percent" if raw.get("percent_per_day") else "none")
    if method not in METHODS:
        raise LateError(f"{path}: penalty.method must be one of {', '.join(METHODS)}")
    try:
        penalty = Penalty(
            method,
            float(raw.get("percent_per_day", 0)),
            float(raw.get("max_percent", 100)),
            float(raw.get("grace_minutes", 0)),
        )
    except (TypeError, ValueError) as exc:
        raise LateError(f"{path}: penalty values must be numbers ({exc})") from exc
    if min(penalty.percent_per_day, penalty.max_percent, penalty.grace_minutes) < 0:
        raise LateError(f"{path}: penalty values cannot be negative")
    if penalty.max_percent > 100:
        raise LateError(f"{path}: penalty.max_percent cannot be over 100")
    return CourseDeadlines(zone_name, due, penalty, str(path))


def load_extensions(
    path: Path | None, course: CourseDeadlines, assignment: str
) -> dict[str, datetime]:
    """{student_id: extended due date} for ``assignment`` from the instructor's CSV.

    Raises :class:`LateError` naming the line for a row that cannot be read, an extension
    for an assignment without a due date, or a student listed twice."""
    if path is None or not Path(path).is_file():
        return {}
    found: dict[str, datetime] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"student_id", "assignment", "due"} - set(reader.fieldnames or [])
        if missing:
            raise LateError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            where = f"{path}, line {line}"
            if (row.get("assignment") or "").strip() != assignment:
                continue
            student = (row.get("student_id") or "").strip()
            if not student:
                raise LateError(f"{where}: no student_id")
            if assignment not in course.due:
                raise LateError(f"{where}: an extension for {assignment}, which has no due date")
            if student in found:
                raise LateError(f"{where}: a second extension for {student} on {assignment}")
            when = parse_time(row.get("due") or "", course.tz, where)
            if when <= course.due[assignment]:
                raise LateError(f"{where}: the extended due date is not after the due date")
            found[student] = when
    return found


def penalty_percent(seconds_late: float, penalty: Penalty) -> float:
    """Percent of the score lost for ``seconds_late`` under ``penalty``."""
    late = seconds_late - penalty.grace_minutes * 60
    if late <= 0 or penalty.method == "none":
        return 0.0
    if penalty.method == "zero":
        return 100.0
    days = math.ceil(late / DAY)
    return min(penalty.max_percent, days * penalty.percent_per_day)


def penalty_points(score: float, seconds_late: float, penalty: Penalty) -> float:
    """Points taken off ``score`` (rounded to 0.01, never more than the score)."""
    points = round(score * penalty_percent(seconds_late, penalty) / 100.0, 2)
    return max(0.0, min(score, points))


def describe_late(seconds: float) -> str:
    """``2 d 3 h 5 min`` (rounded up to the minute)."""
    minutes = math.ceil(seconds / 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min"]
    return " ".join(p for p in parts if p and (p != "0 min" or not (days or hours)))


def show_time(when: datetime | None, zone: ZoneInfo) -> str:
    """``2026-10-15 23:59 CEST (Europe/Berlin)``; naive times are UTC (nbgrader's)."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({zone.key})"


def to_utc_naive(when: datetime) -> datetime:
    """As nbgrader's gradebook stores times."""
    return when.astimezone(UTC).replace(tzinfo=None)


def extension_of(student_due: datetime, due: datetime) -> timedelta:
    return student_due - due


WORKSHEET_TIME = "Last modified (submission)"
MOODLE_FORMATS = (
    "%A, %d %B %Y, %I:%M %p",  # Moodle's English default: Thursday, 15 October 2026, 11:59 PM
    "%d %B %Y, %I:%M %p",
    "%A, %d %B %Y, %H:%M",
    "%d %B %Y, %H:%M",
)


def moodle_time(text: str, zone: ZoneInfo) -> datetime | None:
    """A time as Moodle's grading worksheet writes it, read in ``zone``; None for "-", "" or
    a form not known here (another language, another format)."""
    raw = " ".join(str(text).split())
    for fmt in MOODLE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    try:
        return parse_time(raw, zone)
    except LateError:
        return None


def worksheet_times(path: Path, zone: ZoneInfo) -> tuple[dict[str, datetime], list[str]]:
    """Submission times from Moodle's offline grading worksheet: ({participant id: time},
    problems). Moodle writes ``Last modified (submission)`` without a zone, in the time zone of
    the Moodle account that downloaded the worksheet; it is read in ``zone`` (the course's),
    which must be that account's zone. A roster of another kind, or a worksheet without the
    column, gives no times (and says so in the problems)."""
    from rapprochement.grading.lms import WORKSHEET_ID, WORKSHEET_PREFIX, read_roster

    roster = read_roster(Path(path))
    if roster.kind != "worksheet":
        return {}, []
    if WORKSHEET_TIME not in roster.header:
        return {}, [f"{path}: no {WORKSHEET_TIME!r} column: submission times stay unknown"]
    ident, column = roster.header.index(WORKSHEET_ID), roster.header.index(WORKSHEET_TIME)
    times: dict[str, datetime] = {}
    problems = []
    for row in roster.rows:
        who = row[ident].strip() if ident < len(row) else ""
        raw = row[column].strip() if column < len(row) else ""
        if not who.startswith(WORKSHEET_PREFIX) or raw in ("", "-"):
            continue
        when = moodle_time(raw, zone)
        if when is None:
            problems.append(f"{who}: cannot read {raw[:40]!r} as a time: submission time unknown")
            continue
        times[who[len(WORKSHEET_PREFIX) :]] = when
    return times, problems
