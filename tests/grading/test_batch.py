"""Grade generated submissions of every kind and compare with the scores they deserve.

Each sample's expected score comes from rapprochement.grading.samples, which derives it from
the cells the sample breaks and the points in the notebook; never from the grader's output.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import TIMEOUT, checksums

from rapprochement.grading.report import write_csv, write_feedback
from rapprochement.grading.runner import grade_submissions
from rapprochement.grading.samples import KINDS, make_sample, write_sample
from rapprochement.grading.settings import source_root

pytestmark = pytest.mark.grading
PS1 = "ps1-trade-statistics"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    subs = root / "submissions"
    samples = {kind: make_sample(PS1, kind) for kind in KINDS}
    for kind, sample in samples.items():
        write_sample(sample, subs / f"{kind}.ipynb")
    (subs / "reflection.docx").write_bytes(b"PK\x03\x04 not a notebook")
    for f in subs.iterdir():
        f.chmod(0o444)  # as a learning system might hand them over
    before = checksums(subs)
    out = root / "out"
    result = grade_submissions(subs, out=out, jobs=4, timeout=TIMEOUT)
    csv_path = write_csv(result, out / f"grades-{PS1}.csv")
    write_feedback(result, out / "feedback" / PS1)
    with open(csv_path, encoding="utf-8") as handle:
        rows = {r["student_id"] or r["file"]: r for r in csv.DictReader(handle)}
    return {
        "samples": samples,
        "result": result,
        "rows": rows,
        "subs": subs,
        "before": before,
        "out": out,
    }


def _auto_total(row: dict[str, str]) -> float:
    return sum(float(v) for k, v in row.items() if "-test (" in k and v)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_gets_the_expected_score_and_status(batch, kind):
    sample = batch["samples"][kind]
    row = batch["rows"][kind]
    assert row["status"] == sample.expected_status, row
    assert sample.expected_reason in row["reason"], row
    if sample.expected_auto is None:
        assert row["total"] == ""
        return
    assert _auto_total(row) == pytest.approx(sample.expected_auto), row
    for gid in sample.failing_tests:
        col = next(k for k in row if k.startswith(gid + " "))
        assert float(row[col]) == 0, (gid, row)


def test_batch_completes_with_a_row_for_every_file(batch):
    assert set(batch["rows"]) == set(KINDS) | {"reflection.docx"}
    assert "not a notebook" in batch["rows"]["reflection.docx"]["reason"]


def test_attempts_to_fool_the_tests_are_flagged(batch):
    assert "__eq__" in batch["rows"]["always_equal"]["flags"]
    assert "builtins" in batch["rows"]["patched_builtins"]["flags"]
    assert "first_year_above" in batch["rows"]["patched_helpers"]["flags"]
    assert batch["rows"]["solved"]["flags"] == ""


def test_originals_are_not_modified(batch):
    assert checksums(batch["subs"]) == batch["before"]


def _visible_text(path: Path) -> str:
    """The text a reader sees in an HTML file (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def _hidden_lines(assignment: str) -> set[str]:
    nb = nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4)
    lines: set[str] = set()
    for cell in nb.cells:
        for block in re.findall(r"BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
            lines.update(line.strip() for line in block.splitlines() if len(line.strip()) > 8)
    return lines


def test_feedback_hides_hidden_tests(batch):
    feedback = sorted((batch["out"] / "feedback" / PS1).glob("*.html"))
    graded = [r for r in batch["result"].rows if r.feedback]
    assert len(feedback) == len(graded) >= len(KINDS) - 1
    hidden = _hidden_lines(PS1)
    assert len(hidden) > 10
    for path in feedback:
        text = _visible_text(path)
        leaked = [line for line in hidden if line in text]
        assert not leaked, (path.name, leaked[:3])
        assert "HIDDEN TESTS" not in text
    # the check can fail: the autograded notebook (instructor side) does hold the hidden tests
    inside = nbformat.read(
        batch["out"] / "course" / "autograded" / "wrong" / PS1 / f"{PS1}.ipynb", 4
    )
    assert any(line in cell.source for cell in inside.cells for line in hidden)
    # and the feedback still shows the student's scores and the visible tests
    text = _visible_text(batch["out"] / "feedback" / PS1 / "wrong.html")
    assert "Question 1.1" in text and "first_100 is not defined yet" in text
    assert "does not match the value recomputed from the data" in text


def test_manual_scores_survive_regrading(batch, tmp_path):
    from nbgrader.api import Gradebook

    out = batch["out"]
    db = f"sqlite:///{out / 'course' / 'gradebook.db'}"
    with Gradebook(db) as gb:  # what formgrader does when the instructor enters a score
        grade = gb.find_grade("ps1-q1-2-written", PS1, PS1, "solved")
        grade.manual_score = 1.5
        gb.db.commit()
    again = tmp_path / "again"
    write_sample(batch["samples"]["solved"], again / "solved.ipynb")
    result = grade_submissions(
        again, assignment=PS1, out=out, jobs=1, timeout=TIMEOUT, feedback=False
    )
    row = next(r for r in result.rows if r.student_id == "solved")
    assert row.scores["ps1-q1-2-written"] == 1.5
    assert row.total == pytest.approx(batch["samples"]["solved"].expected_auto + 1.5)
    with Gradebook(db) as gb:
        assert gb.find_grade("ps1-q1-2-written", PS1, PS1, "solved").manual_score == 1.5


def test_zip_from_learning_systems(tmp_path):
    """Canvas and Moodle downloads: names map to student ids; a renamed notebook is graded."""
    solved = make_sample(PS1, "solved")
    wrong = make_sample(PS1, "wrong")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"doejane_12345_67890_{PS1}.ipynb", nbformat.writes(solved.notebook))
        zf.writestr(
            "smithjo_LATE_23456_78901_my homework (1).ipynb", nbformat.writes(wrong.notebook)
        )
        zf.writestr(
            "Ann Lee_34567_assignsubmission_file_/answers.ipynb", nbformat.writes(solved.notebook)
        )
        zf.writestr("__MACOSX/._junk", b"x")
    archive = tmp_path / "download.zip"
    archive.write_bytes(buf.getvalue())
    before = checksums(tmp_path)
    # kernels started from scratch here (fork_kernels=False); the other tests fork them
    result = grade_submissions(
        archive, out=tmp_path / "out", jobs=3, timeout=TIMEOUT, feedback=False, fork_kernels=False
    )
    rows = {r.student_id: r for r in result.rows}
    assert set(rows) == {"12345", "23456", "34567"}
    assert rows["12345"].name == "doejane" and rows["34567"].name == "Ann Lee"
    assert (
        sum(v for k, v in rows["12345"].scores.items() if k.endswith("test") and v)
        == solved.expected_auto
    )
    assert (
        sum(v for k, v in rows["23456"].scores.items() if k.endswith("test") and v)
        == wrong.expected_auto
    )
    assert "LATE" in "; ".join(rows["23456"].reasons)
    assert "graded as" in "; ".join(rows["23456"].reasons)
    assert "graded as" in "; ".join(rows["34567"].reasons)
    assert {k: v for k, v in checksums(tmp_path).items() if not k.startswith("out/")} == before


def test_nbgrader_submitted_layout(tmp_path):
    sample = make_sample("ps2-mirror-statistics", "solved")
    write_sample(
        sample,
        tmp_path / "submitted" / "s01" / "ps2-mirror-statistics" / "ps2-mirror-statistics.ipynb",
    )
    result = grade_submissions(
        tmp_path, out=tmp_path / "out", jobs=1, timeout=TIMEOUT, feedback=False
    )
    assert result.assignment == "ps2-mirror-statistics"
    assert [r.student_id for r in result.rows] == ["s01"]
    assert result.rows[0].reasons == []
