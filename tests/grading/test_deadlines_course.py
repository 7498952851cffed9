"""The deadlines file copied into an nbgrader course folder, and the grading run's check
(rapprochement.grading.deadlines with nbgrader's own gradebook; no student code runs).

Expected UTC times are worked out by hand (Berlin in mid-October: CEST, UTC+2)."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from rapprochement.grading.deadlines import check_course, set_due_date, sync_course
from rapprochement.grading.late import LateError, load_deadlines

PS1, PS2 = "ps1-trade-statistics", "ps2-mirror-statistics"


@pytest.fixture(autouse=True)
def alembic_on_path(monkeypatch):
    """nbgrader's Gradebook runs `alembic`, from the environment's bin folder."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def course(tmp_path):
    (tmp_path / "course" / "release" / PS1).mkdir(parents=True)
    (tmp_path / "course" / "release" / PS2).mkdir(parents=True)
    (tmp_path / "d.toml").write_text('timezone = "Europe/Berlin"\n\n[due]\n', encoding="utf-8")
    return tmp_path / "course"


def due_dates(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {a.name: a.duedate for a in gb.assignments}


def test_sync_puts_the_files_due_dates_into_the_gradebook_in_utc(course):
    file = course.parent / "d.toml"
    set_due_date(file, PS1, "2026-10-15 23:59")
    sync_course(course, load_deadlines(file))
    assert due_dates(course) == {PS1: datetime(2026, 10, 15, 21, 59)}
    notice = (course / "release" / PS1 / "DEADLINE.txt").read_text(encoding="utf-8")
    assert "23:59 CEST (Europe/Berlin time), which is 2026-10-15 21:59 UTC" in notice
    assert not (course / "release" / PS2 / "DEADLINE.txt").exists()


def test_a_due_date_taken_out_of_the_file_is_cleared_in_the_gradebook(course):
    file = course.parent / "d.toml"
    set_due_date(file, PS1, "2026-10-15 23:59")
    sync_course(course, load_deadlines(file))
    file.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    said = sync_course(course, load_deadlines(file))
    assert due_dates(course) == {PS1: None}
    assert said == [f"{PS1}: due date cleared (not in {file})"]
    assert not (course / "release" / PS1 / "DEADLINE.txt").exists()


def test_grading_refuses_a_course_gradebook_that_disagrees_with_the_file(course):
    file = course.parent / "d.toml"
    set_due_date(file, PS1, "2026-10-15 23:59")
    sync_course(course, load_deadlines(file))
    check_course(course, PS1, load_deadlines(file))  # the same: no error
    # an instructor moves the deadline by hand with nbgrader, not with set-deadline
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(PS1, duedate=datetime(2026, 10, 16, 21, 59))
    with pytest.raises(LateError, match="says ps1-trade-statistics is due 2026-10-16 21:59 UTC"):
        check_course(course, PS1, load_deadlines(file))
    file.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")  # the file has none
    with pytest.raises(LateError, match="says none"):
        check_course(course, PS1, load_deadlines(file))
    check_course(course.parent / "no-course", PS1, load_deadlines(file))  # no gradebook: fine
