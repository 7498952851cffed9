"""What the class report reads from a grading output folder, in one place.

Every format the report depends on is read here, so that a change in the grader's output is
adjusted in this module only. Sources, most stable first:

* ``grades-<ps>.csv`` (written by :mod:`.report`): one row per student, a score per graded
  cell headed ``<grade_id> (/<points>)``, ``status`` and ``reason`` (a Canvas LATE mark is
  recorded there);
* ``course/autograded/<student>/<ps>/<ps>.ipynb`` (nbgrader's layout; ``submitted/`` when
  there is no autograded copy): the student's cells as graded;
* ``course/gradebook.db`` (nbgrader's SQLite gradebook), read-only and optional: the students
  nbgrader knows (for missing submissions) and submission times against the due date;
* the student version of the problem set (``exercises/<ps>/<ps>.ipynb``): the starter text
  and which cells are answers, tests and written answers.

The answers of autograded questions are not yet stored by the grader as data (the grader keeps
them only while it runs), so :func:`answers_of` reads them from what the graded notebook
already holds: the stored output of the answer cell's last line, which shows the answers
(:func:`displayed_answers`), else the value the code assigns, read with ``ast``
(:func:`static_answers`). Student code is never run here.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rapprochement.grading import cells as kinds
from rapprochement.grading.answers import answer_names, defined_names, strip_magics
from rapprochement.grading.settings import release_root, source_root

__all__ = [
    "ClassInputs",
    "Question",
    "load_inputs",
    "answers_of",
    "displayed_answers",
    "static_answers",
]

COLUMN = re.compile(r"^(?P<gid>.+) \(/(?P<points>[0-9.]+)\)$")
NOT_ANSWERED = "not answered"


@dataclass
class Question:
    grade_id: str
    points: float
    kind: str
    """``auto`` (a test cell) or ``written`` (a manually graded markdown cell)."""
    column: str
    names: list[str] = field(default_factory=list)
    """For ``auto``: the answer names its test reads."""
    starter: str = ""
    """For ``written``: the text of the empty answer box."""


@dataclass
class ClassInputs:
    assignment: str
    grades: list[dict[str, str]]
    """The CSV's rows, as read (strings)."""
    questions: list[Question]
    notebooks: dict[str, dict[str, Any]]
    """student_id -> the graded notebook (JSON), for the students that have one."""
    starter_code: dict[str, str]
    """answer cell grade_id -> the starter code of that cell."""
    roster: list[str]
    """Students the gradebook knows (empty without a gradebook)."""
    late_by_gradebook: dict[str, float]
    """student_id -> hours after the due date, from the gradebook's submission times."""
    setup_code: list[str] = field(default_factory=list)
    """The locked code cells of the student version (setup, tests): names the course gives."""


# the grader's own readers, which take any shape of cell a student's file may hold
_meta = kinds.nbgrader_meta
_source = kinds.source


def _read_notebook(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None
    # a cell that is not an object is no cell (a hand-edited or damaged file)
    data["cells"] = [c for c in data["cells"] if isinstance(c, dict)]
    return data


def _starter(assignment: str, course: Path) -> dict[str, Any]:
    for path in (
        course / "release" / assignment / f"{assignment}.ipynb",
        release_root() / assignment / f"{assignment}.ipynb",
    ):
        nb = _read_notebook(path)
        if nb is not None:
            return nb
    raise FileNotFoundError(f"no student version of {assignment} (looked in exercises/)")


def _instructor(assignment: str, course: Path) -> dict[str, Any] | None:
    """The instructor's version (hidden tests included), as the grader copied it, if any."""
    for path in (
        course / "source" / assignment / f"{assignment}.ipynb",
        source_root() / assignment / f"{assignment}.ipynb",
    ):
        nb = _read_notebook(path)
        if nb is not None:
            return nb
    return None


def _none_names(starter: dict[str, Any], test_id: str) -> list[str]:
    """Names the answer cell before a test sets to None in the student version."""
    previous: list[str] = []
    for cell in starter["cells"]:
        meta = _meta(cell)
        if meta.get("solution") and cell.get("cell_type") == "code":
            previous = re.findall(r"^([A-Za-z_]\w*) = None\s*$", _source(cell), re.M)
        if meta.get("grade_id") == test_id:
            return previous
    return []


def _questions(
    columns: list[str], starter: dict[str, Any], instructor: dict[str, Any] | None
) -> list[Question]:
    cells = {_meta(c).get("grade_id"): c for c in starter["cells"] if _meta(c).get("grade_id")}
    tests = {
        _meta(c).get("grade_id"): _source(c)
        for c in (instructor or {"cells": []})["cells"]
        if _meta(c).get("grade") and c.get("cell_type") == "code"
    }
    trusted: set[str] = set()
    for cell in starter["cells"]:
        meta = _meta(cell)
        if cell.get("cell_type") == "code" and meta.get("locked") and not meta.get("grade"):
            trusted |= defined_names(_source(cell))
    out = []
    for column in columns:
        match = COLUMN.match(column)
        if not match:
            continue
        gid, points = match["gid"], float(match["points"])
        cell = cells.get(gid)
        if cell is None:
            # a column the student version does not have (renamed by the grader): scores only
            out.append(Question(gid, points, "auto", column))
        elif cell.get("cell_type") == "code":
            # the instructor's test reads the answers by name (the visible test only as
            # strings); without it, the names the answer cell starts as None
            names = answer_names(tests[gid], trusted) if gid in tests else []
            names = names or _none_names(starter, gid)
            out.append(Question(gid, points, "auto", column, names=names))
        else:
            out.append(Question(gid, points, "written", column, starter=_source(cell)))
    return out


def _gradebook(db: Path, assignment: str) -> tuple[list[str], str | None, dict[str, float]]:
    """(students, due date, {student: hours late}) from an nbgrader gradebook, read-only."""
    if not db.is_file():
        return [], None, {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        roster = [r[0] for r in con.execute("SELECT id FROM student ORDER BY id")]
        due_row = con.execute("SELECT duedate FROM assignment WHERE name = ?", (assignment,))
        due = next((r[0] for r in due_row if r[0]), None)
        late = {
            sid: float(hours)
            for sid, hours in con.execute(
                "SELECT s.student_id, (julianday(s.timestamp) - julianday(a.duedate)) * 24 "
                "FROM submitted_assignment s JOIN assignment a ON s.assignment_id = a.id "
                "WHERE a.name = ? AND a.duedate IS NOT NULL AND s.timestamp IS NOT NULL",
                (assignment,),
            )
            if hours is not None and hours > 0
        }
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{db}: not an nbgrader gradebook ({exc})") from exc
    finally:
        con.close()
    return roster, due, late


def _collected_late(course: Path, assignment: str, due: str) -> dict[str, float]:
    """{student: hours late} from ``nbgrader collect``'s ``submitted/*/<ps>/timestamp.txt``."""
    deadline = pd.Timestamp(due)
    deadline = deadline.tz_localize("UTC") if deadline.tzinfo is None else deadline
    late = {}
    for stamp in sorted((course / "submitted").glob(f"*/{assignment}/timestamp.txt")):
        try:
            when = pd.Timestamp(stamp.read_text(encoding="utf-8").strip().removesuffix(" UTC"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        when = when.tz_localize("UTC") if when.tzinfo is None else when
        hours = (when - deadline).total_seconds() / 3600
        if hours > 0:
            late[stamp.parent.parent.name] = hours
    return late


def load_inputs(out: Path, assignment: str, hub_course: Path | None = None) -> ClassInputs:
    """Everything the report needs about one problem set of a grading output folder.

    ``hub_course``: the nbgrader course folder submissions were collected in (the hub's
    ``~/course``); its gradebook adds the students and due date it knows, its
    ``submitted/*/<ps>/timestamp.txt`` the submission times.
    """
    csv_path = out / f"grades-{assignment}.csv"
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    for needed in ("student_id", "name", "status", "total", "reason"):
        if needed not in columns:
            raise ValueError(f"{csv_path}: no {needed!r} column; is this a gradebook CSV?")
    course = out / "course"
    starter = _starter(assignment, course)
    questions = _questions(columns, starter, _instructor(assignment, course))
    notebooks = {}
    for row in rows:
        sid = row["student_id"]
        if not sid or "/" in sid or sid in (".", ".."):
            continue
        for stage in ("autograded", "submitted"):
            nb = _read_notebook(course / stage / sid / assignment / f"{assignment}.ipynb")
            if nb is not None:
                notebooks[sid] = nb
                break
    starter_code = {
        _meta(c)["grade_id"]: _source(c)
        for c in starter["cells"]
        if c.get("cell_type") == "code" and _meta(c).get("solution")
    }
    roster, due, late = _gradebook(course / "gradebook.db", assignment)
    if hub_course is not None:
        if not hub_course.is_dir():
            raise FileNotFoundError(f"no course folder {hub_course}")
        more, hub_due, hub_late = _gradebook(hub_course / "gradebook.db", assignment)
        roster = sorted(set(roster) | set(more))
        due = hub_due or due
        late.update(hub_late)
        if due:
            late.update(_collected_late(hub_course, assignment, due))
    setup = [
        _source(c)
        for c in starter["cells"]
        if c.get("cell_type") == "code" and _meta(c).get("locked")
    ]
    return ClassInputs(assignment, rows, questions, notebooks, starter_code, roster, late, setup)


def assignments_in(out: Path) -> list[str]:
    """The problem sets a grading output folder has a CSV for."""
    return sorted(p.name[len("grades-") : -len(".csv")] for p in out.glob("grades-*.csv"))


# ------------------------------------------------------------------ the students' cells


def student_code(nb: dict[str, Any]) -> dict[str, str]:
    """{answer grade_id or ``cell-N``: source} of the cells a student could write code in."""
    out = {}
    for i, cell in enumerate(nb.get("cells", [])):
        meta = _meta(cell)
        if cell.get("cell_type") != "code" or meta.get("locked") or meta.get("grade"):
            continue
        out[str(meta.get("grade_id") or f"cell-{i}")] = _source(cell)
    return out


def written_text(nb: dict[str, Any], question: Question) -> str:
    """The student's written answer, without the lines of the empty answer box."""
    box = {line.strip() for line in question.starter.splitlines() if line.strip()}
    for cell in nb.get("cells", []):
        if _meta(cell).get("grade_id") == question.grade_id:
            lines = [ln for ln in _source(cell).splitlines() if ln.strip() not in box]
            return "\n".join(lines).strip()
    return ""


def _display(node: ast.expr) -> str:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        try:
            text = ast.unparse(node)
        except (ValueError, RecursionError):
            return "expression: (too deeply nested to show)"
        return "expression: " + (text if len(text) <= 80 else text[:77] + "...")
    return _shown(value)


def _shown(value: object) -> str:
    if value is None:
        return NOT_ANSWERED
    if isinstance(value, float):
        return f"{value:.4g}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def displayed_answers(nb: dict[str, Any], names: list[str]) -> dict[str, str]:
    """{name: value} from the stored output of a cell whose last line shows the answers.

    The answer cells end by showing their answers (``first_50, years_50_to_100``); the graded
    notebook keeps that output (``text/plain``, the sandboxed kernel's repr). It is read only
    when the cell's last statement is exactly those names, and parsed with ``literal_eval``
    (a value that is not a literal, e.g. a DataFrame, is shown as its text, single names only).
    """
    found: dict[str, str] = {}
    for cell in nb.get("cells", []):
        meta = _meta(cell)
        if cell.get("cell_type") != "code" or meta.get("locked") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(strip_magics(_source(cell)))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
        if not tree.body or not isinstance(tree.body[-1], ast.Expr):
            continue
        shown = tree.body[-1].value
        elts = shown.elts if isinstance(shown, ast.Tuple) else [shown]
        if not elts or not all(isinstance(e, ast.Name) and e.id in names for e in elts):
            continue
        keys = [e.id for e in elts if isinstance(e, ast.Name)]
        text = next(
            (
                o.get("data", {}).get("text/plain")
                for o in cell.get("outputs", [])
                if o.get("output_type") == "execute_result"
            ),
            None,
        )
        if text is None:
            continue
        text = "".join(text) if isinstance(text, list) else str(text)
        try:
            value = ast.literal_eval(text) if len(text) < 10_000 else None
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            if len(keys) == 1:
                found[keys[0]] = text if len(text) <= 80 else text[:77] + "..."
            continue
        if len(keys) == 1 and not isinstance(shown, ast.Tuple):
            found[keys[0]] = _shown(value)
        elif isinstance(value, tuple) and len(value) == len(keys):
            found.update({k: _shown(v) for k, v in zip(keys, value, strict=True)})
    return found


def answers_of(nb: dict[str, Any], names: list[str]) -> dict[str, str]:
    """The answers as the graded notebook shows them, else as the code assigns them."""
    return {**static_answers(nb, names), **displayed_answers(nb, names)}


def static_answers(nb: dict[str, Any], names: list[str]) -> dict[str, str]:
    """{name: the value last assigned to it at top level, as text}, read with ``ast`` only.

    A literal is shown as its value (floats to 4 significant digits), anything computed as
    ``expression: <code>``, a name never assigned or set to None as "not answered", a cell that
    does not parse as "(code does not parse)".
    """
    found = dict.fromkeys(names, NOT_ANSWERED)
    for source in student_code(nb).values():
        try:
            tree = ast.parse(strip_magics(source))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            for name in names:
                if re.search(rf"\b{re.escape(name)}\s*=", source):
                    found[name] = "(code does not parse)"
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and target.id in found:
                        found[target.id] = _display(stmt.value)
                    elif isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple):
                        for t, v in zip(target.elts, stmt.value.elts, strict=False):
                            if isinstance(t, ast.Name) and t.id in found:
                                found[t.id] = _display(v)
            elif (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id in found
                and stmt.value is not None
            ):
                found[stmt.target.id] = _display(stmt.value)
    return found
