"""Grade generated submissions of every kind and compare with the scores they deserve.

Each sample's expected score comes from src/rapprochement_support/samples.py, which derives it from
the cells the sample breaks and the points in the notebook; never from the grader's output.
"""

from __future__ import annotations

import csv
import html
import io
import re
import socket
import stat
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import TIMEOUT, checksums, require_sandbox, sandbox_processes

from rapprochement.grading.report import write_csv, write_feedback
from rapprochement.grading.runner import REVIEW, grade_submissions
from rapprochement.grading.settings import repo_root, source_root
from rapprochement_support.samples import HOSTILE_WITH_TARGETS, KINDS, make_sample, write_sample

pytestmark = pytest.mark.grading
PS1 = "ps1-trade-statistics"
REPO_PARTS = ("data", "src", "solutions", "exercises")


def _repo_state() -> dict[str, str]:
    out = {}
    for part in REPO_PARTS:
        for key, value in checksums(repo_root() / part).items():
            if "__pycache__" not in key:
                out[f"{part}/{key}"] = value
    return out


class _Listener:
    """A TCP service on the host's loopback that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("batch")
    subs = root / "submissions"
    out = root / "out"
    listener = _Listener()
    samples = {kind: make_sample(PS1, kind) for kind in KINDS}
    gradebook = out / "course" / "gradebook.db"
    samples["write_outside"] = make_sample(
        PS1,
        "write_outside",
        targets=[str(subs / "solved.ipynb"), str(gradebook), str(out / "grades-x.csv")],
    )
    samples["background"] = make_sample(
        PS1, "background", targets=[str(gradebook), str(out / "LATE-WRITE")]
    )
    samples["network"] = make_sample(PS1, "network", port=listener.port)
    for kind, sample in samples.items():
        write_sample(sample, subs / f"{kind}.ipynb")
    (subs / "reflection.docx").write_bytes(b"PK\x03\x04 not a notebook")
    for f in subs.iterdir():
        f.chmod(0o444)  # as a learning system might hand them over
    before = checksums(subs)
    repo_before = _repo_state()
    result = grade_submissions(subs, out=out, jobs=4, timeout=TIMEOUT)
    graded = time.monotonic()
    csv_path = write_csv(result, out / f"grades-{PS1}.csv")
    write_feedback(result, out / "feedback" / PS1)
    gradebook_after = checksums(out / "course")["gradebook.db"]
    # 5 s after the grading ended: longer than the background job, started while it ran, waits
    # before it writes (writing the CSV and the feedback pages counts towards the wait)
    time.sleep(max(0.0, 5 - (time.monotonic() - graded)))
    with open(csv_path, encoding="utf-8") as handle:
        rows = {r["student_id"] or r["file"]: r for r in csv.DictReader(handle)}
    return {
        "samples": samples,
        "result": result,
        "rows": rows,
        "subs": subs,
        "before": before,
        "repo_before": repo_before,
        "out": out,
        "listener": listener,
        "gradebook_after": gradebook_after,
    }


def _auto_total(row: dict[str, str]) -> float:
    return sum(float(v) for k, v in row.items() if "-test (" in k and v)


@pytest.mark.parametrize("kind", list(KINDS) + list(HOSTILE_WITH_TARGETS))
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
    assert set(batch["rows"]) == set(KINDS) | set(HOSTILE_WITH_TARGETS) | {"reflection.docx"}
    assert "not a notebook" in batch["rows"]["reflection.docx"]["reason"]


def test_attempts_to_fool_the_tests_are_flagged(batch):
    assert "__eq__" in batch["rows"]["always_equal"]["flags"]
    assert "builtins" in batch["rows"]["patched_builtins"]["flags"]
    assert "first_year_above" in batch["rows"]["patched_helpers"]["flags"]
    assert batch["rows"]["solved"]["flags"] == ""


def test_originals_and_repository_are_not_modified(batch):
    assert checksums(batch["subs"]) == batch["before"]
    assert _repo_state() == batch["repo_before"]


def test_nothing_outlives_the_sandbox_or_writes_later(batch):
    out = batch["out"]
    assert sandbox_processes() == []
    assert not (out / "LATE-WRITE").exists()
    assert not list(out.rglob("HACKED")) and not (out / "grades-x.csv").exists()
    assert checksums(out / "course")["gradebook.db"] == batch["gradebook_after"]


def test_no_network_not_even_the_hosts_loopback(batch):
    assert batch["listener"].accepted == 0
    # the check can fail: the same service is reachable from here
    socket.create_connection(("127.0.0.1", batch["listener"].port), timeout=2).close()
    time.sleep(0.2)
    assert batch["listener"].accepted == 1


def test_solutions_are_not_readable_from_a_submission(batch):
    html_text = _visible_text(batch["out"] / "feedback" / PS1 / "read_solutions.html")
    assert "solutions read: 0" in html_text
    assert "BEGIN SOLUTION" not in html_text


def test_every_score_says_where_it_came_from(batch):
    row = batch["rows"]["deleted_answer_and_test"]
    assert "ps1-q1-3-test: restored cell" in row["score sources"]
    assert "ps1-q1-1-test: auto" in row["score sources"]
    assert "ps1-q1-2-written: needs manual grading" in row["score sources"]


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
    assert "Question 1.1" in text and "first_50" in text
    assert "does not match the value recomputed from the data" in text


def test_manual_scores_survive_regrading(batch, tmp_path):
    from nbgrader.api import Gradebook

    out = batch["out"]
    db = f"sqlite:///{out / 'course' / 'gradebook.db'}"
    with Gradebook(db) as gb:  # what formgrader's API does when the instructor saves a score
        grade = gb.find_grade("ps1-q1-2-written", PS1, PS1, "solved")
        grade.manual_score = 1.5
        grade.needs_manual_grade = False
        gb.db.commit()
    again = tmp_path / "again"
    write_sample(batch["samples"]["solved"], again / "solved.ipynb")
    result = grade_submissions(
        again, assignment=PS1, out=out, jobs=1, timeout=TIMEOUT, feedback=False
    )
    row = next(r for r in result.rows if r.student_id == "solved")
    # the same file: kept from the earlier run (resumable), the manual score is read back
    assert result.timings["kept from an earlier run"] == 1
    assert row.scores["ps1-q1-2-written"] == 1.5
    assert row.sources["ps1-q1-2-written"] == "manual"
    assert row.total == pytest.approx(batch["samples"]["solved"].expected_auto + 1.5)
    assert not any(f.startswith(REVIEW) for f in row.flags)
    with Gradebook(db) as gb:
        assert gb.find_grade("ps1-q1-2-written", PS1, PS1, "solved").manual_score == 1.5
    # a re-submission (a different file): graded again; the manual score, given to the
    # earlier file, is flagged and left out of the total until the instructor saves it again
    changed = make_sample(PS1, "wrong")
    write_sample(changed, again / "solved.ipynb")
    for run in range(2):  # the flag stays on the next run too
        result = grade_submissions(
            again, assignment=PS1, out=out, jobs=1, timeout=TIMEOUT, feedback=False
        )
        row = next(r for r in result.rows if r.student_id == "solved")
        assert result.timings["kept from an earlier run"] == run
        assert row.scores["ps1-q1-2-written"] is None
        assert row.sources["ps1-q1-2-written"] == "manual, to review"
        assert any(f.startswith(REVIEW) and "ps1-q1-2-written (1.5" in f for f in row.flags)
        assert row.total == pytest.approx(changed.expected_auto)
        assert row.status == "needs manual grading"
    # the feedback copy would show the old score: held back while the flag is up
    target = write_feedback(result, tmp_path / "fb")
    assert not (tmp_path / "fb" / "solved.html").exists() and target == []
    with Gradebook(db) as gb:  # the instructor saves the score again in formgrader
        grade = gb.find_grade("ps1-q1-2-written", PS1, PS1, "solved")
        grade.manual_score = 1.0
        grade.needs_manual_grade = False
        gb.db.commit()
    result = grade_submissions(
        again, assignment=PS1, out=out, jobs=1, timeout=TIMEOUT, feedback=False
    )
    row = next(r for r in result.rows if r.student_id == "solved")
    assert not any(f.startswith(REVIEW) for f in row.flags)
    assert row.sources["ps1-q1-2-written"] == "manual"
    assert row.total == pytest.approx(changed.expected_auto + 1.0)
    # grading the same file again (--no-resume) does not bring the flag back
    result = grade_submissions(
        again, assignment=PS1, out=out, jobs=1, timeout=TIMEOUT, feedback=False, resume=False
    )
    row = next(r for r in result.rows if r.student_id == "solved")
    assert result.timings["kept from an earlier run"] == 0
    assert not any(f.startswith(REVIEW) for f in row.flags)
    assert row.total == pytest.approx(changed.expected_auto + 1.0)


def test_zip_from_learning_systems(tmp_path):
    """Canvas and Moodle downloads: names map to student ids; a renamed notebook is graded.

    One learning system per zip (the layout is read from the whole zip): a Moodle file inside
    the Canvas zip is set aside with the reason, not given to anyone."""
    solved = make_sample(PS1, "solved")
    wrong = make_sample(PS1, "wrong")
    moodle_entry = "Ann Lee_34567_assignsubmission_file_/answers.ipynb"
    zips = {}
    for system, entries in {
        "canvas": {
            f"doejane_12345_67890_{PS1}.ipynb": solved,
            "smithjo_LATE_23456_78901_my homework (1).ipynb": wrong,
            moodle_entry: solved,
        },
        "moodle": {moodle_entry: solved},
    }.items():
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, sample in entries.items():
                zf.writestr(name, nbformat.writes(sample.notebook))
            zf.writestr("__MACOSX/._junk", b"x")
        zips[system] = tmp_path / f"{system}.zip"
        zips[system].write_bytes(buf.getvalue())
    before = checksums(tmp_path)
    require_sandbox()
    result = grade_submissions(
        zips["canvas"], out=tmp_path / "out", jobs=2, timeout=TIMEOUT, feedback=False
    )
    rows = {r.student_id: r for r in result.rows}
    assert set(rows) == {"12345", "23456"}
    assert "laid out as Canvas" in dict(result.rejected)[moodle_entry]
    moodle = grade_submissions(
        zips["moodle"], out=tmp_path / "out2", jobs=1, timeout=TIMEOUT, feedback=False
    )
    rows |= {r.student_id: r for r in moodle.rows}
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
    assert {k: v for k, v in checksums(tmp_path).items() if not k.startswith("out")} == before


def test_nbgrader_submitted_layout(tmp_path):
    require_sandbox()
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


def test_names_in_any_script_each_get_their_own_row(tmp_path):
    require_sandbox()
    solved, wrong = make_sample(PS1, "solved"), make_sample(PS1, "wrong")
    names = {"José": solved, "josé": wrong, "张伟": solved, "Иван": wrong}
    names |= {"Ann Lee": solved, "Ann_Lee": wrong}
    for name, sample in names.items():
        write_sample(sample, tmp_path / "subs" / f"{name}.ipynb")
    result = grade_submissions(
        tmp_path / "subs",
        assignment=PS1,
        out=tmp_path / "out",
        jobs=2,
        timeout=TIMEOUT,
        feedback=False,
    )
    rows = {r.name: r for r in result.rows}
    assert len(result.rows) == len(names)
    assert len({r.student_id for r in result.rows}) == len(names)
    assert {"José", "张伟", "Иван"} <= {r.student_id for r in result.rows}
    for name, sample in names.items():
        auto = sum(v for k, v in rows[name].scores.items() if k.endswith("test") and v)
        assert auto == sample.expected_auto, name
    assert "graded separately" in "; ".join(rows["josé"].reasons + rows["José"].reasons)


def test_zip_entries_that_are_skipped_get_a_row_with_the_reason(tmp_path):
    require_sandbox()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Иван.ipynb", nbformat.writes(make_sample(PS1, "solved").notebook))
        zf.writestr("../escape.ipynb", "{}")
        zf.writestr("/etc/absolute.ipynb", "{}")
        link = zipfile.ZipInfo("link.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        zf.writestr("bomb.ipynb", b"\x00" * (60 * 1024**2))
    archive = tmp_path / "class.zip"
    archive.write_bytes(buf.getvalue())
    result = grade_submissions(
        archive, assignment=PS1, out=tmp_path / "out", jobs=1, timeout=TIMEOUT, feedback=False
    )
    rejected = dict(result.rejected)
    assert "leaves the archive" in rejected["../escape.ipynb"]
    assert "leaves the archive" in rejected["/etc/absolute.ipynb"]
    assert "symbolic link" in rejected["link.ipynb"]
    assert "zip inside the zip" in rejected["inner.zip"]
    assert "larger than" in rejected["bomb.ipynb"] or "compressed" in rejected["bomb.ipynb"]
    assert [r.student_id for r in result.rows] == ["Иван"]
    assert not (tmp_path / "escape.ipynb").exists()
    text = write_csv(result, tmp_path / "g.csv").read_text(encoding="utf-8")
    assert text.count("not extracted") == 5


def test_without_a_sandbox_grading_refuses_unless_told(tmp_path, monkeypatch):
    from rapprochement.grading import runner
    from rapprochement.grading.runner import UNSANDBOXED, SandboxRefused

    write_sample(make_sample(PS1, "solved"), tmp_path / "subs" / "a.ipynb")
    monkeypatch.setattr(runner, "probe", lambda policy: "bubblewrap (bwrap) is not installed")
    with pytest.raises(SandboxRefused, match="--unsafe-no-sandbox"):
        grade_submissions(tmp_path / "subs", assignment=PS1, out=tmp_path / "out")
    result = grade_submissions(
        tmp_path / "subs",
        assignment=PS1,
        out=tmp_path / "out",
        jobs=1,
        timeout=TIMEOUT,
        feedback=False,
        unsafe_no_sandbox=True,
    )
    assert result.rows[0].flags == [UNSANDBOXED]
    assert result.rows[0].total == make_sample(PS1, "solved").expected_auto


_DEATH: dict[str, Path] = {}


def _dies_once(ctx, student, path):
    """Stands in for the worker's step: the first time it sees "victim", the worker dies."""
    import os

    marker = _DEATH["marker"]
    if student == "victim" and not marker.exists():
        marker.write_text("x")
        os._exit(1)
    return _DEATH["original"](ctx, student, path)


def test_a_dying_grading_process_does_not_cost_the_batch(tmp_path, monkeypatch):
    """If a worker process dies (say, killed from outside), its students are graded again in
    a fresh pool; every row is still earned."""
    from rapprochement.grading import runner

    require_sandbox()
    _DEATH.update(marker=tmp_path / "died-once", original=runner._grade_task)
    monkeypatch.setattr(runner, "_grade_task", _dies_once)
    for name, kind in [("victim", "solved"), ("a", "wrong"), ("b", "solved")]:
        write_sample(make_sample(PS1, kind), tmp_path / "subs" / f"{name}.ipynb")
    result = grade_submissions(
        tmp_path / "subs",
        assignment=PS1,
        out=tmp_path / "out",
        jobs=2,
        timeout=TIMEOUT,
        feedback=False,
    )
    assert _DEATH["marker"].exists()
    scores = {r.student_id: r.total for r in result.rows}
    assert scores == {
        "victim": make_sample(PS1, "solved").expected_auto,
        "a": make_sample(PS1, "wrong").expected_auto,
        "b": make_sample(PS1, "solved").expected_auto,
    }


def test_the_clock_of_one_submission_cannot_be_held_from_inside(tmp_path):
    """A cell that keeps sending "done" records held the batch forever; the per-submission
    limit, kept by the main process, stops its sandbox, and the rest is graded."""
    require_sandbox()
    for name, kind in [("holds", "holds_the_clock"), ("a", "solved"), ("b", "wrong")]:
        write_sample(make_sample(PS1, kind), tmp_path / "subs" / f"{name}.ipynb")
    started = time.monotonic()
    result = grade_submissions(
        tmp_path / "subs",
        assignment=PS1,
        out=tmp_path / "out",
        jobs=2,
        timeout=TIMEOUT,
        feedback=True,
        submission_timeout=20,
    )
    took = time.monotonic() - started
    rows = {r.student_id: r for r in result.rows}
    assert rows["holds"].status == "not graded"
    assert "the limit for one submission" in "; ".join(rows["holds"].reasons)
    assert rows["a"].total == make_sample(PS1, "solved").expected_auto and rows["a"].feedback
    assert rows["b"].total == make_sample(PS1, "wrong").expected_auto
    assert took < 120, took  # 20 s for the one held, not forever
    assert sandbox_processes() == []
    # saved: the next run does not wait for it again (unless given a longer limit)
    again = grade_submissions(
        tmp_path / "subs",
        assignment=PS1,
        out=tmp_path / "out",
        jobs=2,
        timeout=TIMEOUT,
        submission_timeout=20,
    )
    assert again.timings["kept from an earlier run"] == 3
    held = next(r for r in again.rows if r.student_id == "holds")
    assert "the limit for one submission" in "; ".join(held.reasons)


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_stopping_the_grader_keeps_what_is_done_and_leaves_no_process(tmp_path, how):
    """`kill <grader pid>` or Ctrl-C in its terminal: every row already scored is saved (with
    feedback on), no process is left, and the next run grades only what is missing."""
    import json
    import os
    import signal
    import subprocess
    import sys

    require_sandbox()
    kinds = [("a", "solved"), ("b", "wrong"), ("c", "blank"), ("zz", "holds_the_clock")]
    for name, kind in kinds:
        write_sample(make_sample(PS1, kind), tmp_path / "subs" / f"{name}.ipynb")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "rapprochement.grading", str(tmp_path / "subs")]
    command += ["--assignment", PS1, "--out", str(out), "--jobs", "2", "--no-progress"]
    command += ["--timeout", str(TIMEOUT), "--submission-timeout", "600"]
    grader = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    state = out / f"state-{PS1}.json"
    deadline = time.monotonic() + 240
    seen: dict = {}
    while time.monotonic() < deadline:
        try:
            seen = json.loads(state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            seen = {}
        if sum(bool(v.get("feedback")) for v in seen.values()) >= 3:
            break
        time.sleep(0.5)
    assert sum(bool(v.get("feedback")) for v in seen.values()) >= 3, grader.poll()
    below = _descendants(grader.pid)
    assert below  # its workers, their checking processes and the held sandbox
    if how == "SIGTERM":
        grader.send_signal(signal.SIGTERM)
    else:  # a terminal sends SIGINT to the whole foreground process group
        os.killpg(grader.pid, signal.SIGINT)
    stdout, stderr = grader.communicate(timeout=60)
    assert grader.returncode == 130, stderr[-2000:]
    time.sleep(0.5)
    left = [p for p in below if p.is_running() and p.status() != "zombie"]
    assert [(p.pid, p.cmdline()) for p in left] == []
    assert sandbox_processes() == []
    assert "run the same command again" in stdout
    with open(out / f"grades-{PS1}.csv", encoding="utf-8") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert rows["a"]["status"] == "needs manual grading" and rows["c"]["status"] == "graded"
    assert "not graded yet" in rows["zz"]["reason"]
    for name in ("a", "b", "c"):
        assert (out / "feedback" / PS1 / f"{name}.html").is_file()
    result = grade_submissions(  # only the held one is left, and it never ends: a short limit
        tmp_path / "subs",
        assignment=PS1,
        out=out,
        jobs=2,
        timeout=TIMEOUT,
        submission_timeout=5,
    )
    assert result.timings["kept from an earlier run"] == 3
    rows_again = {r.student_id: r for r in result.rows}
    assert "the limit for one submission" in "; ".join(rows_again["zz"].reasons)
    assert rows_again["a"].total == make_sample(PS1, "solved").expected_auto


def test_feedback_after_manual_grading_shows_written_scores_and_comments(tmp_path):
    """The documented step after formgrader (`make feedback`, i.e. --refresh-feedback) makes
    the student's page again with the written answer's score and comment."""
    from nbgrader.api import Gradebook

    require_sandbox()
    write_sample(make_sample(PS1, "solved"), tmp_path / "subs" / "ann.ipynb")
    out = tmp_path / "out"
    kwargs = {"assignment": PS1, "out": out, "jobs": 1, "timeout": TIMEOUT}
    result = grade_submissions(tmp_path / "subs", **kwargs)
    write_feedback(result, out / "feedback" / PS1)
    page = out / "feedback" / PS1 / "ann.html"
    comment = "Names the two targets and cites the paragraph; the growth figure is missing."
    assert comment not in _visible_text(page)
    with Gradebook(f"sqlite:///{out / 'course' / 'gradebook.db'}") as gb:
        # what formgrader's API does when the instructor saves a score and a comment
        grade = gb.find_grade("ps1-q1-2-written", PS1, PS1, "ann")
        grade.manual_score = 1.5
        grade.needs_manual_grade = False
        gb.find_comment("ps1-q1-2-written", PS1, PS1, "ann").manual_comment = comment
        gb.db.commit()
    result = grade_submissions(tmp_path / "subs", refresh_feedback=True, **kwargs)
    write_feedback(result, out / "feedback" / PS1)
    text = _visible_text(page)
    assert comment in text
    assert re.search(r"1\.5\s*/\s*2", text), text[:3000]
    row = result.rows[0]
    assert row.scores["ps1-q1-2-written"] == 1.5
