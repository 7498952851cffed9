"""Grade files and feedback zips for Canvas and Moodle (rapprochement.grading.lms, lmsfeedback,
lmsexport), from rosters shaped as the systems export them, with names that break naive CSV
and file-name handling.

The produced files are read back the way each system reads them (written out here from their
import code, see docs/instructor-grading.md for the sources): Canvas's gradebook import by
column header, its comment upload by the first two all-digit parts of a file name split at
``_``; Moodle's worksheet import by the ``Identifier``, ``Grade`` and ``Last modified (grade)``
headers, its feedback-zip import by a folder name split at ``_`` into at most five parts.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from lms_samples import WORKSHEET_HEADER, csv_text, worksheet_row

pytest.importorskip("nbgrader")

from rapprochement.grading import lmsexport  # noqa: E402
from rapprochement.grading.latepenalty import LateInfo  # noqa: E402
from rapprochement.grading.report import write_csv  # noqa: E402
from rapprochement.grading.runner import GradingResult, StudentRow  # noqa: E402

PS1 = "ps1-trade-statistics"
COLUMN = "Problem set 1: trade statistics (4401)"

CANVAS_ROSTER = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,"
    f'"{COLUMN}",Essay 1 (4402),Assignments Current Score,Assignments Unposted Current Score,'
    "Assignments Final Score,Current Score,Unposted Current Score,Final Score,Current Grade\n"
    "    Points Possible,,,,,15.00,10.00,(read only),(read only),(read only),(read only),"
    "(read only),(read only),\n"
    '"O\'Brien, Siobhán",12345,S0012345,sobrien,"Section A, Mon",,8,,,,,,,\n'
    '"Doe, Jane ""JJ""",12346,S0012346,jdoe,Section B,,,,,,,,,\n'
    '"张, 伟",12347,S0012347,zwei,Section B,3,,,,,,,,\n'
    '"Ñúñez-García, José Ángel",12348,,jnunez,Section A,,,,,,,,,\n'
    '"Student, Test",99999,,3f2c1d0b9a,,4.50,,,,,,,,\n'
)

WORKSHEET_ROWS = [
    worksheet_row(
        "4031",
        "José Ñúñez-O'Brien",
        "jose@example.org",
        "Submitted for grading",
        "Thursday, 15 October 2026, 11:58 PM",
    ),
    worksheet_row(
        "4032",
        "张伟",
        "zw@example.org",
        "Submitted for grading",
        "Friday, 16 October 2026, 1:10 AM",
    ),
    worksheet_row("4033", 'Anne "Nan" Lee, Jr.', "nan@example.org", "No submission", "-"),
]

MOODLE_ROSTER = (
    '"First name","Last name","ID number",Institution,Department,"Email address",'
    '"Assignment: Problem set 1 (Real)","Course total (Real)","Last downloaded from this course"\n'
    "José,Ñúñez-O'Brien,S0042,,Economics,jose@example.org,-,-,1760000000\n"
    '"Anne ""Nan""","Lee, Jr.",S0043,,Economics,nan@example.org,-,-,1760000000\n'
)


def _grades(tmp_path: Path, rows: list[StudentRow]) -> Path:
    out = tmp_path / "out"
    result = GradingResult(PS1, rows, [("stray.pdf", "not a notebook")], [], {}, tmp_path)
    write_csv(result, out / f"grades-{PS1}.csv")
    pages = out / "feedback" / PS1
    pages.mkdir(parents=True)
    for row in rows:
        if row.status != "not graded":
            (pages / f"{row.student_id}.html").write_text(f"<p>{row.student_id}</p>")
    return out


def _row(sid, name, status="graded", total=13.0, prefix="", penalty=0.0, late=0.0):
    row = StudentRow(sid, name, f"{PS1}.ipynb", status, total=total, max_total=15.0)
    row.lms_prefix = prefix
    row.late = LateInfo("2026-10-15 23:59 CEST (Europe/Berlin)", False, "x", late, penalty)
    return row


def _run(out: Path, roster: Path, *extra: str, capsys=None) -> tuple[int, str]:
    code = lmsexport.main(["--roster", str(roster), "--out", str(out), *extra])
    text = capsys.readouterr().out if capsys else ""
    return code, text


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# ------------------------------------------------------------------------------- Canvas


def _canvas(tmp_path):
    rows = [
        _row("12345", "obriensiobhan", prefix="obriensiobhan_12345_777001_"),
        _row(
            "12346",
            "doejanejj",
            total=12.0,
            prefix="doejanejj_LATE_12346_777002_",
            penalty=2.4,
            late=2 * 86400,
        ),
        _row("12347", "zhangwei", status="needs manual grading", prefix="_12347_777003_"),
        _row("12348", "nunezgarciajoseangel", prefix="anon_x7k2_777004_"),
        _row("55555", "ghoststudent", prefix="ghoststudent_55555_777005_"),
    ]
    out = _grades(tmp_path, rows)
    roster = tmp_path / "canvas export.csv"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")
    return out, roster


def test_canvas_import_file_has_the_layout_canvas_reads(tmp_path, capsys):
    out, roster = _canvas(tmp_path)
    code, printed = _run(out, roster, "--column", COLUMN, capsys=capsys)
    written = _read(out / "lms" / PS1 / "canvas-import.csv")
    header, points, *students = written
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", COLUMN]
    assert points == ["Points Possible", "", "", "", "", "15"]
    source = list(csv.reader(io.StringIO(CANVAS_ROSTER.lstrip("\ufeff"))))[2:]
    # every roster student, in order, identity cells exactly as exported (names included)
    assert [r[:5] for r in students] == [r[:5] for r in source]
    grade = {r[1]: r[5] for r in students}
    # rows left out keep the value Canvas exported, so the import changes nothing for them
    assert grade == {"12345": "13", "12346": "9.6", "12347": "3", "12348": "13", "99999": "4.50"}
    assert code == 4  # a graded student is not in the roster
    assert "55555 (ghoststudent)" in printed and "NOT IN THE ROSTER (1)" in printed
    assert "12347: needs manual grading" in printed
    assert "Student, Test (ID 99999): no graded submission" in printed
    report = (out / "lms" / PS1 / "report.txt").read_text(encoding="utf-8")
    assert "55555" in report


def test_canvas_column_found_by_assignment_id_or_refused(tmp_path):
    out, roster = _canvas(tmp_path)
    text = CANVAS_ROSTER.replace(COLUMN, f"PS1 ({PS1}) (4401)")
    roster.write_text(text, encoding="utf-8")
    assert _run(out, roster)[0] == 4
    header = _read(out / "lms" / PS1 / "canvas-import.csv")[0]
    assert header[-1] == f"PS1 ({PS1}) (4401)"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")  # no column names the problem set
    assert _run(out, roster)[0] == 2


def test_canvas_joins_hub_user_names_on_sis_login_id(tmp_path):
    out = _grades(tmp_path, [_row("jdoe", "jdoe", total=14.0), _row("ZWEI", "Zhang Wei")])
    roster = tmp_path / "r.csv"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")
    assert _run(out, roster, "--column", COLUMN)[0] == 0
    grade = {r[1]: r[5] for r in _read(out / "lms" / PS1 / "canvas-import.csv")[2:]}
    assert grade["12346"] == "14" and grade["12347"] == "13"
    report = (out / "lms" / PS1 / "report.txt").read_text(encoding="utf-8")
    assert "jdoe (jdoe): not from a Canvas submissions zip" in report


def _canvas_reads(name: str) -> tuple[str, str] | None:
    """Canvas's comment upload: the first two all-digit parts of the name split at '_' are the
    user id and the id of a file that user submitted."""
    digits = [p for p in Path(name).name.split("_") if re.fullmatch(r"[0-9]+", p)][:2]
    return (digits[0], digits[1]) if len(digits) == 2 else None


def test_canvas_feedback_zip_names_match_the_submissions_download(tmp_path, capsys):
    out, roster = _canvas(tmp_path)
    _run(out, roster, "--column", COLUMN, capsys=capsys)
    with zipfile.ZipFile(out / "lms" / PS1 / "canvas-feedback.zip") as zf:
        names = zf.namelist()
        assert all(zf.read(n).startswith(b"<p>") for n in names)
    read = {_canvas_reads(n) for n in names}
    assert read == {("12345", "777001"), ("12346", "777002"), ("55555", "777005")}
    assert all(n.endswith(f"_feedback-{PS1}.html") for n in names)
    report = (out / "lms" / PS1 / "report.txt").read_text(encoding="utf-8")
    assert "12347 (zhangwei): needs manual grading: its page is not final yet" in report
    assert "12348 (nunezgarciajoseangel): anonymous" in report


# ------------------------------------------------------------------------------- Moodle


def _worksheet(tmp_path) -> tuple[Path, Path]:
    folder = "José Ñúñez-O'Brien_4031_assignsubmission_file"
    rows = [
        _row("4031", "José Ñúñez-O'Brien", total=12.5, prefix=folder, penalty=1.25, late=86400),
        _row("4032", "张伟", prefix="张伟_4032_assignsubmission_file"),
        _row("4099", "Nobody Here", prefix="Nobody Here_4099_assignsubmission_file"),
    ]
    out = _grades(tmp_path, rows)
    roster = tmp_path / "worksheet.csv"
    roster.write_text(csv_text([WORKSHEET_HEADER, *WORKSHEET_ROWS]), encoding="utf-8")
    return out, roster


def _moodle_worksheet_reads(path: Path) -> dict[str, tuple[str, str]]:
    """Moodle's worksheet import: columns found by their exact headers; the id is what follows
    'Participant '; every row also needs its 'Last modified (grade)'."""
    header, *rows = _read(path)
    ident, grade, modified = (
        header.index(h) for h in ("Identifier", "Grade", "Last modified (grade)")
    )
    return {r[ident][len("Participant ") :]: (r[grade], r[modified]) for r in rows}


def test_moodle_worksheet_is_filled_and_keeps_the_rest(tmp_path, capsys):
    out, roster = _worksheet(tmp_path)
    code, printed = _run(out, roster, capsys=capsys)
    path = out / "lms" / PS1 / "moodle-worksheet.csv"
    assert _moodle_worksheet_reads(path) == {
        "4031": ("11.25", "-"),
        "4032": ("13.00", "-"),
        "4033": ("", "-"),
    }
    header, *rows = _read(path)
    assert header == WORKSHEET_HEADER
    for got, was in zip(rows, WORKSHEET_ROWS, strict=True):
        assert got[:4] == was[:4] and got[5:9] == was[5:9]  # only Grade and comments change
    assert "late penalty 1.25 points" in rows[0][9]
    assert code == 4 and "4099 (Nobody Here)" in printed


def test_moodle_feedback_zip_folders_give_the_participant(tmp_path):
    out, roster = _worksheet(tmp_path)
    _run(out, roster)
    with zipfile.ZipFile(out / "lms" / PS1 / "moodle-feedback.zip") as zf:
        infos = zf.infolist()
    found = {}
    for info in infos:
        folder, file = info.filename.split("/")
        parts = folder.split("_", 4)  # Moodle: explode('_', $pathpart, 5)
        assert len(parts) >= 4 and parts[1].isdigit()
        assert (parts[2], parts[3]) == ("assignsubmission", "file")
        assert file == f"feedback-{PS1}.html"
        if not info.filename.isascii():
            assert info.flag_bits & 0x800  # stored as UTF-8, as the zip standard says
        found[parts[1]] = parts[0]
    assert found == {"4031": "José Ñúñez-O'Brien", "4032": "张伟", "4099": "Nobody Here"}


def test_moodle_grade_import_joins_on_id_number_or_email(tmp_path, capsys):
    out = _grades(tmp_path, [_row("S0042", "jose"), _row("nan@example.org", "nan", total=7.5)])
    roster = tmp_path / "grades export.csv"
    roster.write_text(MOODLE_ROSTER, encoding="utf-8")
    code, _ = _run(out, roster, "--column", "Assignment: Problem set 1 (Real)", capsys=capsys)
    header, *rows = _read(out / "lms" / PS1 / "moodle-import.csv")
    assert header == [
        "First name",
        "Last name",
        "ID number",
        "Institution",
        "Department",
        "Email address",
        "Assignment: Problem set 1 (Real)",
    ]
    assert rows == [
        ["José", "Ñúñez-O'Brien", "S0042", "", "Economics", "jose@example.org", "13"],
        ['Anne "Nan"', "Lee, Jr.", "S0043", "", "Economics", "nan@example.org", "7.5"],
    ]
    assert code == 0


def test_moodle_grade_import_refuses_participant_ids(tmp_path, capsys):
    out, _ = _worksheet(tmp_path)
    roster = tmp_path / "grades export.csv"
    roster.write_text(MOODLE_ROSTER, encoding="utf-8")
    code = lmsexport.main(["--roster", str(roster), "--out", str(out)])
    assert code == 2 and "grading worksheet" in capsys.readouterr().err


def test_unknown_roster_is_refused(tmp_path, capsys):
    out = _grades(tmp_path, [_row("a", "a")])
    roster = tmp_path / "r.csv"
    roster.write_text("name,score\nA,1\n", encoding="utf-8")
    assert lmsexport.main(["--roster", str(roster), "--out", str(out)]) == 2
    assert "not a roster" in capsys.readouterr().err


def test_files_set_aside_keep_their_reason_in_the_grades_csv(tmp_path):
    out = _grades(tmp_path, [_row("a", "a")])
    with open(out / f"grades-{PS1}.csv", encoding="utf-8") as handle:
        rows = {r["file"]: r for r in csv.DictReader(handle)}
    stray = rows["stray.pdf"]
    assert (stray["status"], stray["reason"], stray["student_id"]) == (
        "not graded",
        "not a notebook",
        "",
    )
    assert None not in stray  # no cell beyond the header
