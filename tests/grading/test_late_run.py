"""Late work in a real grading run: due date with a zone, nbgrader's timestamp.txt, an extension,
the penalty through nbgrader's LateSubmissionPlugin, and what the CSV, the feedback page and the
gradebook (formgrader's source) then say.

Four students hand in the same solved notebook in nbgrader's layout (as ``nbgrader collect``
leaves it): one on time, one 1 day 22 hours late, one as late but with an extension past the
submission, one without a timestamp. The expected lateness and penalty are worked out here from
the dates, not read from the grader.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime

import pytest
from conftest import TIMEOUT, require_sandbox

from rapprochement_support.samples import make_sample, write_sample

pytest.importorskip("nbgrader")

PS1 = "ps1-trade-statistics"
DUE_LOCAL = "2026-10-15 23:59"  # Europe/Berlin, summer time: 21:59 UTC
DEADLINES = f"""
timezone = "Europe/Berlin"
[penalty]
method = "percent"
percent_per_day = 10
max_percent = 50
grace_minutes = 5
[due]
{PS1} = "{DUE_LOCAL}"
"""
STAMPS = {
    "ontime": "2026-10-15 21:58:00.000000 UTC",  # 23:58 in Berlin
    "late": "2026-10-17 20:00:00.000000 UTC",  # 1 d 22 h 1 min after 21:59 UTC
    "extended": "2026-10-17 20:00:00.000000 UTC",  # same time, extension to the 18th
    "nostamp": "",
}


@pytest.fixture(scope="module")
def late_run(tmp_path_factory):
    require_sandbox()
    from rapprochement.grading.report import write_csv, write_feedback
    from rapprochement.grading.runner import grade_submissions

    root = tmp_path_factory.mktemp("late-run")
    deadlines = root / "deadlines.toml"
    deadlines.write_text(DEADLINES, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("RAPPROCHEMENT_DEADLINES", str(deadlines))
    solved = make_sample(PS1, "solved")
    for student, stamp in STAMPS.items():
        folder = root / "submitted" / student / PS1
        write_sample(solved, folder / f"{PS1}.ipynb")
        if stamp:
            (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    out = root / "out"
    out.mkdir()
    (out / "extensions.csv").write_text(
        "student_id,assignment,due,note\n"
        f"extended,{PS1},2026-10-18 12:00,doctor's note\n"
        f"someone-else,ps2-mirror-statistics,2026-10-30 12:00,\n",
        encoding="utf-8",
    )
    try:
        result = grade_submissions(
            root / "submitted", assignment=PS1, out=out, jobs=2, timeout=TIMEOUT
        )
        csv_path = write_csv(result, out / f"grades-{PS1}.csv")
        write_feedback(result, out / "feedback" / PS1)
    finally:
        mp.undo()
    with open(csv_path, encoding="utf-8") as handle:
        rows = {r["student_id"] or r["file"]: r for r in csv.DictReader(handle)}
    return {"rows": rows, "out": out, "solved": solved, "root": root}


def test_timestamp_files_are_read_not_set_aside(late_run):
    rows = late_run["rows"]
    assert set(rows) == set(STAMPS), rows.keys()
    assert all(r["status"] == late_run["solved"].expected_status for r in rows.values())


def test_due_date_and_submission_time_are_shown_in_the_course_zone(late_run):
    rows = late_run["rows"]
    assert rows["ontime"]["due"] == "2026-10-15 23:59 CEST (Europe/Berlin)"
    assert rows["ontime"]["submitted"] == "2026-10-15 23:58 CEST (Europe/Berlin)"
    assert rows["ontime"]["late by"] == "on time"
    assert rows["late"]["submitted"] == "2026-10-17 22:00 CEST (Europe/Berlin)"
    assert rows["nostamp"]["submitted"] == "unknown"
    assert rows["nostamp"]["late by"] == "unknown (no submission time)"


def test_late_without_extension_loses_two_days(late_run):
    row = late_run["rows"]["late"]
    total = float(row["total"])
    assert total > 0
    # 1 d 22 h 1 min late, 5 min of grace: two started days, 10% of the score each
    assert row["late by"] == "1 d 22 h 1 min"
    assert float(row["late penalty"]) == pytest.approx(round(total * 0.20, 2))
    assert float(row["total after penalty"]) == pytest.approx(total - round(total * 0.20, 2))


def test_extension_makes_the_same_time_on_time(late_run):
    row = late_run["rows"]["extended"]
    assert row["due"] == "2026-10-18 12:00 CEST (Europe/Berlin)"
    assert row["late by"] == "on time" and row["late penalty"] == ""
    assert row["total after penalty"] == row["total"]


def test_gradebook_holds_due_date_extension_and_penalty(late_run):
    """formgrader reads these: nbgrader's own columns, not a side file."""
    from nbgrader.api import Gradebook

    db = f"sqlite:///{late_run['out'] / 'course' / 'gradebook.db'}"
    with Gradebook(db) as gb:
        assert gb.find_assignment(PS1).duedate == datetime(2026, 10, 15, 21, 59)
        late = gb.find_submission(PS1, "late")
        extended = gb.find_submission(PS1, "extended")
        assert late.extension is None and late.total_seconds_late == pytest.approx(
            (46 * 60 + 1) * 60
        )
        assert extended.duedate == datetime(2026, 10, 18, 10, 0)
        assert extended.total_seconds_late == 0
        penalty = float(late.late_submission_penalty)
        assert penalty == pytest.approx(round(float(late.score) * 0.2, 2))
        assert float(extended.late_submission_penalty) == 0


def test_formgrader_shows_the_due_date_and_times_in_the_course_zone(late_run):
    """formgrader's pages come from nbgrader's NbGraderAPI, configured like the course."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from rapprochement.grading.course import make_config

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAPPROCHEMENT_DEADLINES", str(late_run["root"] / "deadlines.toml"))
        config = make_config(late_run["out"] / "course")
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    assert api.get_assignment(PS1)["display_duedate"] == "2026-10-15 23:59:00 CEST"
    late = api.get_submission(PS1, "late")
    assert late["display_timestamp"] == "2026-10-17 22:00:00 CEST"
    # the submitted and autograded times agree, so formgrader does not ask for autograding
    assert late["autograded"]


def test_feedback_page_states_due_time_lateness_and_penalty(late_run):
    folder = late_run["out"] / "feedback" / PS1
    late = (folder / "late.html").read_text(encoding="utf-8")
    assert "Due 2026-10-15 23:59 CEST (Europe/Berlin)" in late
    assert "submitted 2026-10-17 22:00 CEST (Europe/Berlin)" in late
    assert "1 d 22 h 1 min" in late and "Late penalty:" in late
    assert "Late submission penalty" in late  # nbgrader's own line in the score summary
    extended = (folder / "extended.html").read_text(encoding="utf-8")
    assert "extended for you" in extended and "on time" in extended
    assert "Late penalty:" not in extended


def test_extension_added_later_applies_on_make_feedback(late_run, tmp_path):
    """An extension written into extensions.csv after grading: `make feedback` (a resumed run
    with --refresh-feedback) grades nothing again but changes the lateness, penalty and page."""
    from rapprochement.grading.report import write_csv, write_feedback
    from rapprochement.grading.runner import grade_submissions

    out = tmp_path / "out"
    shutil.copytree(late_run["out"], out)
    with open(out / "extensions.csv", "a", encoding="utf-8") as handle:
        handle.write(f"late,{PS1},2026-10-19T00:00:00+02:00,\n")
    deadlines = tmp_path / "deadlines.toml"
    deadlines.write_text(DEADLINES, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAPPROCHEMENT_DEADLINES", str(deadlines))
        result = grade_submissions(
            late_run["root"] / "submitted",
            assignment=PS1,
            out=out,
            jobs=2,
            timeout=TIMEOUT,
            refresh_feedback=True,
        )
        write_csv(result, out / "again.csv")
        write_feedback(result, out / "feedback" / PS1)
    assert result.timings["kept from an earlier run"] == len(STAMPS)
    with open(out / "again.csv", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["student_id"] == "late")
    assert row["due"] == "2026-10-19 00:00 CEST (Europe/Berlin)"
    assert row["late by"] == "on time" and row["total after penalty"] == row["total"]
    page = (out / "feedback" / PS1 / "late.html").read_text(encoding="utf-8")
    assert "extended for you" in page and "Late penalty:" not in page
