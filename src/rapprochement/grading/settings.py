"""nbgrader settings shared by the repository's nbgrader_config.py and the grading runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

COURSE_ID = "rapprochement"
CELL_TIMEOUT = 30
"""Seconds a single cell may run before it is interrupted (nbgrader's own default)."""
MAX_OUTPUT_CHARS = 20_000
"""Longest text kept per output when grading (after nbgrader's line limit)."""
CODE_STUB = (
    "# YOUR CODE HERE\n"
    'raise NotImplementedError("Not answered yet: replace this line with your code, then run the cell.")'
)
TEXT_STUB = "YOUR ANSWER HERE"


def repo_root() -> Path:
    """The repository holding ``solutions/`` and ``exercises/``."""
    return Path(__file__).resolve().parents[3]


def source_root() -> Path:
    """``solutions/source``: one folder per assignment, in nbgrader format."""
    return repo_root() / "solutions" / "source"


def release_root() -> Path:
    """``exercises``: the student versions generated from :func:`source_root`."""
    return repo_root() / "exercises"


def assignments() -> list[str]:
    """Assignment ids: the folders of ``solutions/source`` holding a notebook of the same name."""
    root = source_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def apply_common(c: Any, *, timeout: int = CELL_TIMEOUT) -> None:
    """Set what every nbgrader run of this course shares on the traitlets config ``c``."""
    c.CourseDirectory.course_id = COURSE_ID
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.text_stub = TEXT_STUB
    # Deleted test cells come back from the source when grading.
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = timeout
    c.Execute.interrupt_on_timeout = True
    c.LimitOutput.max_lines = 1000
    c.LimitOutput.max_traceback = 100
    # Feedback must never show hidden tests, nor the tracebacks of failed tests that quote them.
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "nbgrader.preprocessors.ClearHiddenTests",
        "rapprochement.grading.preprocessors.HideTestTracebacks",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
