"""Grade files for the learning system, filled in from the roster it exports.

The instructor downloads a roster from the learning system; it is read, the graded students are
joined to it on the ids the system gave, and a copy comes back that the system imports as it is:

* **Canvas** gradebook export (*Grades → Export*): ``Student, ID, SIS User ID, SIS Login ID,
  Section`` (``Integration ID`` and ``Root Account`` in some exports), one column per assignment
  named ``<name> (<assignment id>)``, then totals; a ``Points Possible`` row (and in newer
  exports a ``Manual Posting`` row) under the header. The file written keeps the identity
  columns, the ``Points Possible`` row and the one assignment column (no totals, no question
  columns: Canvas would make each a new assignment). Joined on ``ID`` (the user id of a Canvas
  submissions zip), else ``SIS Login ID``, else ``SIS User ID`` (a hub user name).
* **Moodle** grade export (*Grades → Export → Plain text file*): ``First name, Last name,
  ID number, Institution, Department, Email address``, one column per grade item
  (``Assignment: <name> (Real)``). The file written keeps the identity columns and the one
  grade column; in Moodle's grade import, *Map from* one identity column (email, ID number or
  user name) *to* the same user field. Joined on email, ID number or user name. The id in a
  Moodle submissions zip is a participant id that this import cannot match: use the worksheet.
* **Moodle offline grading worksheet** (the assignment's *Download grading worksheet*):
  ``Identifier`` (``Participant <id>``), ``Full name``, ``Email address``, ``Status``,
  ``Grade``, ``Maximum Grade``, ..., ``Last modified (grade)``, ``Feedback comments``. ``Grade``
  (and ``Feedback comments`` when present) are filled in; every other cell is kept as it was
  (Moodle compares ``Last modified (grade)`` with its own record). Joined on the participant
  id of a Moodle submissions zip, else on the email address.

The score exported is ``total after penalty`` from ``grades-<assignment>.csv``. Students who
cannot be placed are listed, never dropped: graded students missing from the roster, roster
rows matched twice, rows still waiting for manual grading or not graded (their cell keeps the
value the system exported, so the import changes nothing for them).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Export",
    "Grade",
    "LmsError",
    "canvas_export",
    "detect_kind",
    "moodle_export",
    "read_grades",
    "read_roster",
    "worksheet_export",
]

CANVAS_IDS = [
    "Student",
    "ID",
    "SIS User ID",
    "SIS Login ID",
    "Integration ID",
    "Root Account",
    "Section",
]
CANVAS_NOT_ASSIGNMENTS = re.compile(
    r"^(Current|Final|Unposted Current|Unposted Final|Override) (Points|Score|Grade)$"
    r"|\b(Current|Final|Unposted) (Points|Score)\)?$|^Notes$"
)
MOODLE_IDS = [
    "First name",
    "Last name",
    "ID number",
    "Institution",
    "Department",
    "Email address",
    "Username",
]
MOODLE_MATCH = ["Email address", "ID number", "Username"]
WORKSHEET_ID = "Identifier"
WORKSHEET_PREFIX = "Participant "
WORKSHEET_REQUIRED = [WORKSHEET_ID, "Grade", "Last modified (grade)"]
KINDS = ("canvas", "moodle", "worksheet")


class LmsError(ValueError):
    """A roster or grades file that cannot be used (the message says which and why)."""


@dataclass
class Grade:
    """One row of ``grades-<assignment>.csv``, as the export needs it."""

    student_id: str
    name: str
    status: str
    score: float | None
    """Total after the late penalty; None when not known."""
    max_score: float | None
    prefix: str = ""
    """The learning system's file prefix (Canvas) or folder (Moodle), if it came from one."""
    late: str = ""
    penalty: str = ""

    @property
    def exportable(self) -> bool:
        return self.status == "graded" and self.score is not None


@dataclass
class Roster:
    kind: str
    header: list[str]
    rows: list[list[str]]
    """Every row after the header, as read (Canvas's Points Possible row included)."""


@dataclass
class Export:
    """A filled-in roster, and everyone who could not be placed in it."""

    kind: str
    header: list[str]
    rows: list[list[str]]
    column: str
    matched: dict[str, int] = field(default_factory=dict)
    """student_id -> index in rows."""
    unmatched: list[tuple[str, str]] = field(default_factory=list)
    """(student, reason) for graded students the roster does not hold."""
    left_empty: list[tuple[str, str]] = field(default_factory=list)
    """(roster student, reason) for roster rows whose grade cell stays empty."""
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()

    def report(self) -> str:
        lines = [
            f"{self.kind}: {len(self.matched)} grade(s) written into the column {self.column!r}"
        ]
        lines += [f"  WARNING: {w}" for w in self.warnings]
        if self.unmatched:
            lines.append(f"  NOT IN THE ROSTER ({len(self.unmatched)}): enter these by hand")
            lines += [f"    - {who}: {why}" for who, why in self.unmatched]
        if self.left_empty:
            lines.append(f"  not changed in the roster ({len(self.left_empty)}):")
            lines += [f"    - {who}: {why}" for who, why in self.left_empty]
        return "\n".join(lines)


def _number(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def read_grades(path: Path) -> list[Grade]:
    """The graded students of ``grades-<assignment>.csv`` (rows of files set aside skipped)."""
    path = Path(path)
    if not path.is_file():
        raise LmsError(f"no grades file {path}: run make grade first")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        need = {"student_id", "status", "total after penalty", "max_total"}
        missing = need - set(reader.fieldnames or [])
        if missing:
            raise LmsError(f"{path}: not a grades file of this version (no {sorted(missing)})")
        grades = []
        for row in reader:
            if not row["student_id"]:
                continue  # a file set aside: listed in the CSV and the summary already
            grades.append(
                Grade(
                    row["student_id"],
                    row.get("name") or "",
                    row["status"],
                    _number(row["total after penalty"]),
                    _number(row["max_total"]),
                    row.get("learning system file") or "",
                    row.get("late by") or "",
                    row.get("late penalty") or "",
                )
            )
    return grades


def read_roster(path: Path) -> Roster:
    """A roster CSV from the learning system (UTF-8, with or without Excel's byte order mark;
    comma or semicolon separated)."""
    path = Path(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise LmsError(f"no roster file {path}") from exc
    except UnicodeDecodeError as exc:
        raise LmsError(f"{path}: not UTF-8; export it again as UTF-8 CSV") from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise LmsError(f"{path}: empty")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    return Roster(detect_kind(header, path), header, body)


def detect_kind(header: list[str], path: Path | str = "roster") -> str:
    if all(h in header for h in WORKSHEET_REQUIRED):
        return "worksheet"
    if "Student" in header and "ID" in header:
        return "canvas"
    if any(h in header for h in MOODLE_MATCH) and "First name" in header:
        return "moodle"
    raise LmsError(
        f"{path}: not a roster this knows: expected a Canvas gradebook export (Student, ID, "
        "SIS User ID, ...), a Moodle grade export (First name, Last name, Email address, ...) "
        f"or a Moodle grading worksheet (Identifier, ..., Grade); its columns are {header}"
    )


def _pick_column(candidates: list[str], assignment: str, column: str | None, where: str) -> str:
    if column:
        if column not in candidates:
            raise LmsError(f"{where}: no grade column {column!r}; its columns: {candidates}")
        return column
    key = assignment.casefold()
    hits = [c for c in candidates if key in c.casefold()]
    if len(hits) == 1:
        return hits[0]
    raise LmsError(
        f"{where}: {'several' if hits else 'no'} grade column(s) name {assignment!r}; say which "
        f"with --column (make lms-export COLUMN=...). Columns: {hits or candidates}"
    )


def _canvas_columns(header: list[str]) -> list[str]:
    return [h for h in header if h and h not in CANVAS_IDS and not CANVAS_NOT_ASSIGNMENTS.search(h)]


def _is_canvas_meta(row: list[str]) -> bool:
    first = row[0].strip()
    return first in ("Points Possible", "Manual Posting") or (
        not row[1].strip() and first.endswith(("Points Possible", "Manual Posting"))
    )


def _place(
    grades: list[Grade],
    keys: list[tuple[str, list[str]]],
    roster_rows: list[list[str]],
    shown: Callable[[list[str]], str],
    export: Export,
) -> dict[int, Grade]:
    """Join graded students to roster rows: for each grade, the first key column holding its id
    (the columns in ``keys`` are tried in turn: (label, one cell per row))."""
    taken: dict[int, Grade] = {}
    for grade in grades:
        sid = grade.student_id.strip()
        hits: list[int] = []
        for _label, cells in keys:
            hits = [i for i, cell in enumerate(cells) if cell and cell.casefold() == sid.casefold()]
            if hits:
                break
        if not hits:
            export.unmatched.append(
                (f"{sid} ({grade.name})", f"no roster row has this id; score {_fmt(grade.score)}")
            )
            continue
        if len(hits) > 1:
            names = ", ".join(shown(roster_rows[i]) for i in hits)
            export.unmatched.append((f"{sid} ({grade.name})", f"matches {len(hits)} rows: {names}"))
            continue
        if hits[0] in taken:
            other = taken[hits[0]].student_id
            export.unmatched.append(
                (
                    f"{sid} ({grade.name})",
                    f"the same roster row as {other}: {shown(roster_rows[hits[0]])}",
                )
            )
            continue
        taken[hits[0]] = grade
    return taken


def _fill(
    export: Export,
    taken: dict[int, Grade],
    first: int,
    column: int,
    shown: Callable[[list[str]], str],
) -> None:
    """Write each placed grade into ``export.rows[first:]`` (one per roster student, in
    order); a row left out keeps the value the system exported (so the import changes nothing
    for it) and is listed with the reason."""
    for index, row in enumerate(export.rows[first:]):
        position = first + index
        grade = taken.get(index)
        if grade is None:
            export.left_empty.append((shown(row), "no graded submission; value kept as exported"))
        elif not grade.exportable:
            why = f"{grade.student_id}: {grade.status}; value kept as exported"
            export.left_empty.append((shown(row), why))
        else:
            row[column] = _fmt(grade.score)
            export.matched[grade.student_id] = position


def canvas_export(
    roster: Roster, grades: list[Grade], assignment: str, column: str | None = None
) -> Export:
    """Canvas's import file: identity columns, Points Possible, the one assignment column."""
    header = roster.header
    chosen = _pick_column(_canvas_columns(header), assignment, column, "Canvas roster")
    keep = [h for h in CANVAS_IDS if h in header]
    out_header = keep + [chosen]
    meta = [r for r in roster.rows if _is_canvas_meta(r)]
    rows = [r for r in roster.rows if not _is_canvas_meta(r)]
    col = {h: header.index(h) for h in header}
    export = Export("canvas", out_header, [], chosen)
    points = next((r for r in meta if r[0].strip().endswith("Points Possible")), None)
    possible = _number(points[col[chosen]]) if points else None
    export.rows.append(["Points Possible"] + [""] * (len(keep) - 1) + [_fmt(possible)])
    maxima = {g.max_score for g in grades if g.max_score is not None}
    if possible is None:
        export.warnings.append(
            f"the roster has no Points Possible for {chosen!r}; check the assignment's points"
        )
    elif maxima and maxima != {possible}:
        export.warnings.append(
            f"{chosen!r} is worth {possible:g} points in Canvas but the problem set "
            f"{', '.join(f'{m:g}' for m in sorted(maxima))}: Canvas takes the numbers as points"
        )

    def shown(row: list[str]) -> str:
        return f"{row[col['Student']]} (ID {row[col['ID']]})"

    keys: list[tuple[str, list[str]]] = [
        (k, [r[col[k]].strip() for r in rows])
        for k in ("ID", "SIS Login ID", "SIS User ID")
        if k in col
    ]
    taken = _place(grades, keys, rows, shown, export)
    export.rows += [[r[col[h]] for h in keep] + [r[col[chosen]]] for r in rows]
    _fill(export, taken, 1, len(keep), shown)
    return export


def moodle_export(
    roster: Roster, grades: list[Grade], assignment: str, column: str | None = None
) -> Export:
    """Moodle's grade import file: identity columns and the one grade item column."""
    header = roster.header
    if any("_assignsubmission_" in g.prefix for g in grades):
        raise LmsError(
            "these grades come from a Moodle submissions zip, whose ids are participant ids that "
            "Moodle's grade import cannot match; download the assignment's grading worksheet "
            "(View all submissions → Download grading worksheet) and give that as the roster"
        )
    candidates = [
        h for h in header if h and h not in MOODLE_IDS and not h.startswith("Last downloaded")
    ]
    chosen = _pick_column(candidates, assignment, column, "Moodle roster")
    keep = [h for h in MOODLE_IDS if h in header]
    col = {h: header.index(h) for h in header}
    export = Export("moodle", keep + [chosen], [], chosen)
    rows = roster.rows

    def shown(row: list[str]) -> str:
        who = " ".join(row[col[h]] for h in ("First name", "Last name") if h in col)
        mail = f" <{row[col['Email address']]}>" if "Email address" in col else ""
        return who + mail

    keys = [(k, [r[col[k]].strip() for r in rows]) for k in MOODLE_MATCH if k in col]
    taken = _place(grades, keys, rows, shown, export)
    export.rows = [[r[col[h]] for h in keep] + [r[col[chosen]]] for r in rows]
    _fill(export, taken, 0, len(keep), shown)
    return export


def worksheet_export(roster: Roster, grades: list[Grade], comments: bool = True) -> Export:
    """Moodle's offline grading worksheet with Grade (and Feedback comments) filled in."""
    header = roster.header
    col = {h: header.index(h) for h in header}
    rows = [list(r) for r in roster.rows]
    export = Export("worksheet", list(header), rows, "Grade")
    ids = []
    for r in rows:
        ident = r[col[WORKSHEET_ID]].strip()
        ids.append(ident[len(WORKSHEET_PREFIX) :] if ident.startswith(WORKSHEET_PREFIX) else "")
    if "Maximum Grade" in col:
        maxima = {g.max_score for g in grades if g.max_score is not None}
        moodle_max = {n for n in (_number(r[col["Maximum Grade"]]) for r in rows) if n is not None}
        if maxima and moodle_max and maxima != moodle_max:
            export.warnings.append(
                f"the assignment's maximum grade in Moodle is {sorted(moodle_max)}, the problem "
                f"set's {sorted(maxima)}: Moodle takes the numbers as they are"
            )

    def shown(row: list[str]) -> str:
        name = row[col["Full name"]] if "Full name" in col else ""
        return f"{name} ({row[col[WORKSHEET_ID]]})"

    keys = [("Identifier", ids)]
    if "Email address" in col:
        keys.append(("Email address", [r[col["Email address"]].strip() for r in rows]))
    taken = _place(grades, keys, rows, shown, export)
    grade_col = col["Grade"]
    for index, row in enumerate(rows):
        grade = taken.get(index)
        if grade is None:
            export.left_empty.append((shown(row), "no graded submission; row kept as it was"))
            continue
        if not grade.exportable:
            export.left_empty.append((shown(row), f"{grade.student_id}: {grade.status}"))
            continue
        if "Grade can be changed" in col and row[col["Grade can be changed"]].strip() == "No":
            export.left_empty.append((shown(row), "Moodle says its grade cannot be changed"))
            continue
        row[grade_col] = f"{grade.score:.2f}" if grade.score is not None else ""
        if comments and "Feedback comments" in col:
            text = f"Autograded: {_fmt(grade.score)} / {_fmt(grade.max_score)}."
            if grade.penalty:
                text += f" Late by {grade.late}; late penalty {grade.penalty} points."
            text += " The feedback file shows every question."
            row[col["Feedback comments"]] = text
        export.matched[grade.student_id] = index
    return export
