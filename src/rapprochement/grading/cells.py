"""The one rule for what a notebook cell is in a problem set (nbgrader metadata, read as data).

Every part of the grading (the batch, the self-check, the checking process, the inspection of
a submission, the feedback steps) asks these functions; none reads ``metadata.nbgrader`` flags
itself. Works on nbformat nodes and on plain JSON dicts alike; imports nothing but the
standard library.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["Kind", "grade_id", "is_test", "kind", "nbgrader_meta", "source"]

Kind = Literal["test", "answer", "written", "setup", "text"]


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """The cell's ``metadata.nbgrader`` ({} when absent or not a dict)."""
    meta = (cell.get("metadata") or {}).get("nbgrader") if isinstance(cell, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader grade id, or None."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def source(cell: Any) -> str:
    """The cell's source as one string (notebook JSON may store a list of lines)."""
    text = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(text) if isinstance(text, list) else str(text)


def kind(cell: Any) -> Kind:
    """test: a code cell graded by its tests (grade, not solution); answer: a code cell the
    student writes (solution); written: a markdown answer graded by hand; setup: any other
    code cell (run as it is); text: any other markdown or raw cell."""
    meta = nbgrader_meta(cell)
    code = cell.get("cell_type") == "code"
    if code and meta.get("grade") and not meta.get("solution"):
        return "test"
    if code and meta.get("solution"):
        return "answer"
    if code:
        return "setup"
    if meta.get("solution") and meta.get("grade"):
        return "written"
    return "text"


def is_test(cell: Any) -> bool:
    """A test cell: code, graded, not an answer."""
    return kind(cell) == "test"
