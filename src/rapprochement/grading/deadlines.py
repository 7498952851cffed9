"""One place for due dates: ``deadlines.toml``, written here and copied into nbgrader.

Command line (``deploy/bin/set-deadline`` runs it on the hub)::

    python -m rapprochement.grading.deadlines set PS "YYYY-MM-DD HH:MM" [ZONE] [--course DIR]
    python -m rapprochement.grading.deadlines sync [--course DIR]

``set`` records a due date in the deadlines file (:func:`.late.deadlines_path`: on the hub the
staff's ``/srv/nbgrader/staff/course/deadlines.toml``, on a laptop the repository's); both then
copy every due date of the file into the gradebook of the nbgrader course folder ``DIR`` (which
``nbgrader collect --before-duedate`` reads; a due date no longer in the file is cleared there)
and write ``release/<ps>/DEADLINE.txt`` for each problem set released there. The grading run
reads the same file, and refuses to grade a course folder whose gradebook says otherwise
(:func:`check_course`), so that the two cannot disagree.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from rapprochement.grading.late import (
    CourseDeadlines,
    LateError,
    _zone,
    deadlines_path,
    load_deadlines,
    parse_time,
    to_utc_naive,
)

__all__ = ["check_course", "deadline_text", "main", "set_due_date", "sync_course"]

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
DUE_TABLE = re.compile(r"\s*\[\s*due\s*\]\s*(#.*)?")
NEW_FILE = """\
# Due dates and the late-work policy (docs/instructor-grading.md, "Late work").
# Due dates without a zone are read in `timezone` (an IANA name).
timezone = "{zone}"

[penalty]
method = "none"

[due]
"""


def _value(when: datetime, file_zone: str) -> str:
    """The TOML string for a due date: local time in the file's zone, or with its own zone."""
    zone = getattr(when.tzinfo, "key", None)
    text = f"{when:%Y-%m-%d %H:%M}" + (f":{when:%S}" if when.second else "")
    if zone == file_zone:
        return text
    if zone and ("/" in zone or zone == "UTC"):
        return f"{text} {zone}"
    return when.isoformat()  # an offset: never an abbreviation


def set_due_date(path: Path, assignment: str, when: str, zone: str | None = None) -> datetime:
    """Record ``assignment``'s due date ``when`` (read in ``zone``, default the file's zone) in
    the deadlines file ``path``, made if missing; the rest of the file is kept as it is.
    Written in place (the file may sit in a shared folder with the sticky bit); read back and
    compared before returning, so a file that would not say exactly this is left unchanged."""
    if not NAME.fullmatch(assignment):
        raise LateError(f"{assignment!r} is not a problem set name")
    course = load_deadlines(path)
    tz = _zone(zone, "zone") if zone else course.tz
    due = parse_time(when, tz, "due date")
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    text = old if old is not None else NEW_FILE.format(zone=zone or "UTC")
    file_zone = load_text_zone(text)
    line = f'{assignment} = "{_value(due, file_zone)}"'
    lines = text.splitlines()
    try:
        start = next(i for i, s in enumerate(lines) if DUE_TABLE.fullmatch(s))
    except StopIteration:
        lines += ["", "[due]"]
        start = len(lines) - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
    )
    key = re.compile(rf"\s*{re.escape(assignment)}\s*=")
    found = [i for i in range(start + 1, end) if key.match(lines[i])]
    if found:
        lines[found[0]] = line
    else:
        last = max([start] + [i for i in range(start + 1, end) if lines[i].strip()])
        lines.insert(last + 1, line)
    new = "\n".join(lines) + "\n"
    _write_in_place(path, new)
    try:
        back = load_deadlines(path).due.get(assignment)
    except LateError:
        back = None
    if back != due:
        if old is None:
            path.unlink()
        else:
            _write_in_place(path, old)
        raise LateError(f"{path}: could not record {assignment}; the file is left as it was")
    return due


def load_text_zone(text: str) -> str:
    import tomllib

    try:
        zone = tomllib.loads(text).get("timezone", "UTC")
    except tomllib.TOMLDecodeError as exc:
        raise LateError(f"the deadlines file is not valid TOML ({exc})") from exc
    return str(zone)


def _write_in_place(path: Path, text: str) -> None:
    with open(path, "a+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.truncate()
        handle.write(text)


def deadline_text(assignment: str, due: datetime) -> str:
    """``DEADLINE.txt``: the due date in its zone, with the zone's name, and in UTC."""
    zone = getattr(due.tzinfo, "key", None) or "UTC"
    utc = due.astimezone(UTC)
    return (
        f"{assignment}\n"
        f"Deadline: {due:%A %d %B %Y, %H:%M} {due.tzname()} ({zone} time),"
        f" which is {utc:%Y-%m-%d %H:%M} UTC.\n"
        "Hand in with Nbgrader > Assignment List > Submit (as often as you like before the"
        " deadline).\nThe list shows the time of each of your submissions.\n"
    )


def _gradebook(course: Path) -> str:
    return f"sqlite:///{Path(course) / 'gradebook.db'}"


def sync_course(course: Path, deadlines: CourseDeadlines) -> list[str]:
    """Copy every due date of ``deadlines`` into the nbgrader course folder ``course``: its
    gradebook (UTC, through nbgrader's API, no text parsed) and ``release/<ps>/DEADLINE.txt``.
    Due dates in the gradebook that the file no longer has are cleared (and their
    ``DEADLINE.txt`` removed). Returns one line per change, for the person running it."""
    from nbgrader.api import Gradebook

    said = []
    with Gradebook(_gradebook(course)) as gb:
        for a in gb.assignments:
            if a.duedate is not None and a.name not in deadlines.due:
                a.duedate = None
                said.append(f"{a.name}: due date cleared (not in {deadlines.source})")
        gb.db.commit()
        for name, due in sorted(deadlines.due.items()):
            gb.update_or_create_assignment(name, duedate=to_utc_naive(due))
            said.append(f"{name}: due {due.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
    release = Path(course) / "release"
    for folder in sorted(release.iterdir()) if release.is_dir() else []:
        notice = folder / "DEADLINE.txt"
        if folder.name in deadlines.due:
            notice.write_text(deadline_text(folder.name, deadlines.due[folder.name]), "utf-8")
        elif notice.is_file():
            notice.unlink()
    return said


def check_course(course: Path, assignment: str, deadlines: CourseDeadlines) -> None:
    """Raise :class:`LateError` when the nbgrader course folder ``course`` (one with a
    gradebook) holds another due date for ``assignment`` than ``deadlines``."""
    db = Path(course) / "gradebook.db"
    if not db.is_file() or db.stat().st_size == 0:
        return
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(_gradebook(course)) as gb:
        try:
            theirs = gb.find_assignment(assignment).duedate
        except MissingEntry:
            theirs = None
    due = deadlines.due.get(assignment)
    ours = to_utc_naive(due) if due else None
    if theirs is not None and theirs != ours:
        said = f"{ours:%Y-%m-%d %H:%M} UTC" if ours else "none"
        raise LateError(
            f"{db} says {assignment} is due {theirs:%Y-%m-%d %H:%M} UTC, "
            f"{deadlines.source or 'deadlines.toml'} says {said}: set the due date with "
            "set-deadline (or run `python -m rapprochement.grading.deadlines sync "
            f"--course {course}` after editing the file)"
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m rapprochement.grading.deadlines")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("set", help="record a due date, then sync")
    s.add_argument("assignment")
    s.add_argument("when", help="YYYY-MM-DD HH:MM")
    s.add_argument("zone", nargs="?", help="IANA zone (default: the file's timezone)")
    sub.add_parser("sync", help="copy the file's due dates into the course folder")
    for q in sub.choices.values():
        q.add_argument("--course", type=Path, help="nbgrader course folder to update")
        q.add_argument("--file", type=Path, help="deadlines file (default: deadlines_path())")
    args = p.parse_args(argv)
    path = args.file or deadlines_path()
    try:
        if args.command == "set":
            due = set_due_date(path, args.assignment, args.when, args.zone)
            print(f"{path}: {args.assignment} due {due:%Y-%m-%d %H:%M %Z}")
        if args.course:
            for line in sync_course(args.course, load_deadlines(path)):
                print(f"{args.course}: {line}")
    except LateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
