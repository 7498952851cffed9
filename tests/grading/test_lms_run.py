"""From a learning system's submissions zip to the files it imports, through a real grading run.

A Canvas zip and a Moodle zip (names as each writes them, one with characters a CSV or a file
name can trip on) are graded; the roster each system would export is filled in and the feedback
pages packed. The grade written is the CSV's ``total after penalty``; the feedback entries
follow the names in the downloaded zip, read back as each system reads them.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from conftest import TIMEOUT, require_sandbox
from lms_samples import WORKSHEET_HEADER, csv_text, worksheet_row

from rapprochement_support.samples import make_sample, write_sample

pytest.importorskip("nbgrader")

PS1 = "ps1-trade-statistics"


def _grade(archive, out):
    """Grade, give every written answer half its points as formgrader would, then run again
    as `make feedback` does: every row is then fully graded."""
    from nbgrader.api import Gradebook

    from rapprochement.grading.report import write_csv, write_feedback
    from rapprochement.grading.runner import grade_submissions

    grade_submissions(archive, assignment=PS1, out=out, jobs=2, timeout=TIMEOUT, feedback=False)
    with Gradebook(f"sqlite:///{out / 'course' / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(PS1):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = grade.max_score / 2
                        grade.needs_manual_grade = False
        gb.db.commit()
    result = grade_submissions(
        archive, assignment=PS1, out=out, jobs=2, timeout=TIMEOUT, refresh_feedback=True
    )
    write_csv(result, out / f"grades-{PS1}.csv")
    write_feedback(result, out / "feedback" / PS1)
    with open(out / f"grades-{PS1}.csv", encoding="utf-8") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle) if r["student_id"]}


def _expected(row, form="{:g}"):
    """Only a fully graded row is exported (one waiting for written answers stays empty)."""
    if row["status"] != "graded":
        return ""
    return form.format(float(row["total after penalty"]))


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("lms-run")
    solved, blank = make_sample(PS1, "solved"), make_sample(PS1, "blank")
    return root, {
        "solved": write_sample(solved, root / "solved.ipynb").read_bytes(),
        "blank": write_sample(blank, root / "blank.ipynb").read_bytes(),
    }


def test_canvas_zip_to_import_file_and_comment_zip(notebooks, tmp_path):
    from rapprochement.grading import lmsexport

    _, nb = notebooks
    archive = tmp_path / "submissions.zip"
    entries = {
        f"obriensiobhan_12345_777001_{PS1}.ipynb": nb["solved"],
        f"nunezgarciajoseangel_LATE_12348_777004_{PS1}.ipynb": nb["blank"],
    }
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    out = tmp_path / "out"
    rows = _grade(archive, out)
    assert set(rows) == {"12345", "12348"}
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,PS 1 (4401),Current Score\n"
        "    Points Possible,,,,,15.00,(read only)\n"
        '"O\'Brien, Siobhán",12345,S1,sobrien,A,,\n'
        '"Ñúñez-García, José Ángel",12348,S4,jnunez,A,,\n',
        encoding="utf-8",
    )
    assert (
        lmsexport.main(["--roster", str(roster), "--out", str(out), "--column", "PS 1 (4401)"]) == 0
    )
    folder = out / "lms" / PS1
    written = list(csv.reader(io.StringIO((folder / "canvas-import.csv").read_text("utf-8"))))
    assert {r[1]: r[5] for r in written[2:]} == {sid: _expected(rows[sid]) for sid in rows}
    assert {r["status"] for r in rows.values()} == {"graded"}
    with zipfile.ZipFile(folder / "canvas-feedback.zip") as zf:
        names = sorted(zf.namelist())
    assert names == sorted(n.replace(f"{PS1}.ipynb", f"feedback-{PS1}.html") for n in entries)


def test_moodle_zip_to_worksheet_and_feedback_zip(notebooks, tmp_path):
    from rapprochement.grading import lmsexport

    _, nb = notebooks
    archive = tmp_path / "moodle.zip"
    folders = {
        "José Ñúñez-O'Brien_4031_assignsubmission_file": nb["solved"],
        "张伟_4032_assignsubmission_file": nb["blank"],
    }
    with zipfile.ZipFile(archive, "w") as zf:
        for folder, data in folders.items():
            zf.writestr(f"{folder}/{PS1}.ipynb", data)
    out = tmp_path / "out"
    rows = _grade(archive, out)
    assert set(rows) == {"4031", "4032"}
    sheet = csv_text(
        [
            WORKSHEET_HEADER,
            worksheet_row(
                "4031",
                "José Ñúñez-O'Brien",
                "j@example.org",
                "Submitted",
                "Thursday, 15 October 2026, 11:58 PM",
            ),
            worksheet_row(
                "4032", "张伟", "z@example.org", "Submitted", "Thursday, 15 October 2026, 11:50 PM"
            ),
        ]
    )
    roster = tmp_path / "worksheet.csv"
    roster.write_text(sheet, encoding="utf-8")
    assert lmsexport.main(["--roster", str(roster), "--out", str(out)]) == 0
    folder = out / "lms" / PS1
    header, *filled = csv.reader(io.StringIO((folder / "moodle-worksheet.csv").read_text("utf-8")))
    grade = header.index("Grade")
    assert {r[0]: r[grade] for r in filled} == {
        f"Participant {sid}": _expected(rows[sid], "{:.2f}") for sid in rows
    }
    with zipfile.ZipFile(folder / "moodle-feedback.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"{f}/feedback-{PS1}.html" for f in folders)
