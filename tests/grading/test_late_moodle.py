"""Submission times of a Moodle zip from Moodle's offline grading worksheet, in a real grading
run: the worksheet's "Last modified (submission)" (no zone; read in the course zone) becomes
each participant's submission time, the CSV says where each time came from, and without the
worksheet the times stay unknown. Expected lateness is worked out here from the dates.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from conftest import TIMEOUT, require_sandbox

from rapprochement_support.samples import make_sample, write_sample

pytest.importorskip("nbgrader")

PS1 = "ps1-trade-statistics"
DEADLINES = f"""
timezone = "Europe/Berlin"
[penalty]
method = "percent"
percent_per_day = 10
max_percent = 50
grace_minutes = 5
[due]
{PS1} = "2026-10-15 23:59"
"""
# participant id, name, Moodle's "Last modified (submission)"
PEOPLE = [
    ("4031", "Ana Ortiz", "Thursday, 15 October 2026, 11:58 PM"),  # a minute early
    ("4032", "Wei Zhang", "Friday, 16 October 2026, 1:10 AM"),  # 1 h 11 min late
    ("4033", "Oleg Popov", "jeudi 16 octobre 2026, 01:10"),  # a format not read: unknown
]


def _worksheet(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Identifier", "Full name", "Status", "Grade", "Maximum Grade"]
        + ["Last modified (submission)", "Last modified (grade)", "Feedback comments"]
    )
    for pid, name, when in PEOPLE:
        writer.writerow([f"Participant {pid}", name, "Submitted", "", "15.00", when, "-", ""])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _grade(root, out, roster):
    from rapprochement.grading.report import write_csv
    from rapprochement.grading.runner import grade_submissions

    mp = pytest.MonkeyPatch()
    mp.setenv("RAPPROCHEMENT_DEADLINES", str(root / "deadlines.toml"))
    try:
        result = grade_submissions(
            root / "moodle.zip", assignment=PS1, out=out, jobs=2, timeout=TIMEOUT, roster=roster
        )
        path = write_csv(result, out / f"grades-{PS1}.csv")
    finally:
        mp.undo()
    with open(path, encoding="utf-8") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def moodle_run(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("late-moodle")
    (root / "deadlines.toml").write_text(DEADLINES, encoding="utf-8")
    notebook = write_sample(make_sample(PS1, "solved"), root / "solved.ipynb")
    with zipfile.ZipFile(root / "moodle.zip", "w") as zf:
        for pid, name, _ in PEOPLE:
            zf.write(notebook, f"{name}_{pid}_assignsubmission_file/{PS1}.ipynb")
    _worksheet(root / "worksheet.csv")
    plain = _grade(root, root / "plain", None)
    sheet = _grade(root, root / "sheet", root / "worksheet.csv")
    return {"plain": plain, "sheet": sheet}


def test_without_the_worksheet_times_stay_unknown(moodle_run):
    for row in moodle_run["plain"].values():
        assert row["submitted"] == "unknown" and row["submitted from"] == "none"
        assert row["late by"] == "unknown (no submission time)"


def test_worksheet_times_are_read_in_the_course_zone_and_named(moodle_run):
    rows = moodle_run["sheet"]
    assert rows["4031"]["submitted"] == "2026-10-15 23:58 CEST (Europe/Berlin)"
    assert rows["4031"]["late by"] == "on time"
    assert rows["4031"]["submitted from"] == "Moodle worksheet (read in Europe/Berlin)"
    late = rows["4032"]
    assert late["submitted"] == "2026-10-16 01:10 CEST (Europe/Berlin)"
    assert late["late by"] == "1 h 11 min"
    # 1 h 11 min late, 5 min of grace: one started day, 10% of the score
    assert float(late["late penalty"]) == pytest.approx(round(float(late["total"]) * 0.10, 2))


def test_a_time_that_cannot_be_read_stays_unknown_and_says_why(moodle_run):
    row = moodle_run["sheet"]["4033"]
    assert row["submitted"] == "unknown" and row["submitted from"] == "none"
    assert "cannot read 'jeudi 16 octobre 2026, 01:10' as a time" in row["reason"]
