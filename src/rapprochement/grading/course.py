"""The working course folder a grading run uses (nbgrader's CourseDirectory layout).

``<out>/course/`` holds ``nbgrader_config.py``, ``source/`` (copied from solutions/source),
``release/``, ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db``. It persists
between runs, so manual grades entered in formgrader stay in the gradebook when submissions are
graded again.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

import nbgrader.api
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import capture_log
from traitlets.config import Config

from rapprochement.grading.settings import (
    CELL_TIMEOUT,
    COURSE_CONFIG_TEMPLATE,
    course_settings,
    source_root,
)

__all__ = ["GradingSetupError", "make_config", "prepare_course"]


class GradingSetupError(RuntimeError):
    """The course folder cannot be prepared (the message says why)."""


def alembic_head() -> str:
    """The schema version nbgrader writes into a new gradebook, read in this process.

    nbgrader gets it by running ``alembic heads`` in a new Python process, which imports all of
    nbgrader again: about 2.5 s of every grading run, each time a gradebook is created. Read
    from the same migration scripts here it takes milliseconds; a test checks that both agree.
    """
    from nbgrader.dbutil import ALEMBIC_DIR

    config = AlembicConfig()
    config.set_main_option("script_location", ALEMBIC_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise GradingSetupError(f"nbgrader's database migrations have {len(heads)} heads")
    return str(heads[0])


# Gradebook() calls this module-level function when it creates a database (nbgrader/api.py)
nbgrader.api.get_alembic_version = alembic_head  # type: ignore[assignment]


def make_config(course: Path, *, timeout: int = CELL_TIMEOUT, outcomes_dir: str = "") -> Config:
    """A traitlets Config for ``course`` (the same settings as its nbgrader_config.py)."""
    c = Config()
    course_settings(c, course, timeout=timeout, outcomes_dir=outcomes_dir)
    return c


def coursedir(config: Config, assignment: str, student: str = "*") -> Any:
    """An nbgrader CourseDirectory for one assignment (and optionally one student)."""
    cd = CourseDirectory(config=config)
    cd.assignment_id = assignment
    cd.student_id = student
    return cd


def _same_tree(a: Path, b: Path) -> bool:
    if not b.is_dir():
        return False
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    return all(_same_tree(a / d, b / d) for d in cmp.common_dirs)


def prepare_course(course: Path, assignment: str, *, timeout: int = CELL_TIMEOUT) -> Config:
    """Create or refresh ``course`` for ``assignment``; return its Config.

    The assignment is (re)generated only when its source changed since the last run.
    """
    source = source_root() / assignment
    if not (source / f"{assignment}.ipynb").is_file():
        raise GradingSetupError(f"no source notebook {source / (assignment + '.ipynb')}")
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        COURSE_CONFIG_TEMPLATE.format(course=str(course), timeout=timeout), encoding="utf-8"
    )
    config = make_config(course, timeout=timeout)
    target = course / "source" / assignment
    released = course / "release" / assignment / f"{assignment}.ipynb"
    if _same_tree(source, target) and released.is_file() and (course / "gradebook.db").is_file():
        return config
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    app = GenerateAssignment(coursedir=coursedir(config, assignment), config=config)
    app.force = True
    app.create_assignment = True
    result = capture_log(app)
    if not result["success"]:
        shutil.rmtree(target, ignore_errors=True)
        raise GradingSetupError(
            f"nbgrader could not generate {assignment} in {course}:\n"
            + (result.get("log") or "")
            + (result.get("error") or "")
        )
    return config
