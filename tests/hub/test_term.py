"""A whole term on a real JupyterHub: release, fetch, answer, submit, collect, grade, feedback.

One instructor and three students (real system accounts, see conftest.py). The students work
through the hub: their servers are started by the hub, their answers are saved through their
own servers' contents API (behind the hub's proxy, with their own tokens), and nbgrader's
commands run as each of them. The instructor grades with the collection's grading command.
One student is honest and right, one partly right, one hostile (reads what it should not and
patches the helpers the tests use). A student then logs in with a browser and uses an explorer.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import grp
import json
import os
import re
import shutil
import stat
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from rapprochement_support import hubctl, lab
from rapprochement_support.samples import make_sample

from . import ui

pytestmark = pytest.mark.hub

PS = "ps1-trade-statistics"
NOTEBOOK_06 = "rapprochement/notebooks/06-trade-and-targets.ipynb"
KIND = {"good": "solved", "partial": "wrong", "hostile": "patched_helpers"}
"""Which generated submission (src/rapprochement_support/samples.py) each student hands in."""
LEAK_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
HOSTILE_FILE = "hostile-was-here"

# the hostile student's extra cell: run by the student it finds nothing; run by the grader
# (as the instructor) it must find nothing either (issue 8's sandbox)
HOSTILE_CELL = f"""\
import os, pathlib, rapprochement
root = pathlib.Path(rapprochement.__file__).resolve().parents[2]
secret = root / "solutions" / "source" / "{PS}" / "{PS}.ipynb"
try:
    print("LEAK", secret.read_text()[:3000])
except OSError as exc:
    print("source blocked:", type(exc).__name__)
try:
    (pathlib.Path.home() / "{HOSTILE_FILE}").write_text("x")
    print("wrote into", pathlib.Path.home())
except OSError as exc:
    print("home blocked:", type(exc).__name__)
"""


def _load_lab() -> Any:
    return lab


def _staff(
    account: hubctl.Account, cmd: list[str], env: dict[str, str], cwd: Path | None = None
) -> Any:
    """``cmd`` as a member of the staff, in a terminal of their server: with umask 002, which
    the staff's servers set (install.sh's jupyter-staff settings; checked by
    test_staff_servers_serve_formgrader_and_share_files)."""
    wrapped = ["sh", "-c", 'umask 002 && exec "$@"', "sh", *cmd]
    return hubctl.as_user(account, wrapped, env, cwd=cwd)


def _ok(proc: Any, what: str) -> str:
    assert proc.returncode == 0, f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


def _answer(fetched: dict[str, Any], role: str, name: str) -> tuple[dict[str, Any], float]:
    """The fetched notebook with the answers of ``role``; the autograded points they deserve.

    The answers come from the generated submissions of src/rapprochement_support/samples.py (model
    answers from solutions/source; the expected points derived from the cells they change).
    They are written into the cells of the notebook the student fetched, matched by cell id.
    """
    sample = make_sample(PS, KIND[role])
    answers = {c.get("id"): c.source for c in sample.notebook.cells}
    nb = copy.deepcopy(fetched)
    for cell in nb["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    # a marker, so that we can tell whose notebook a feedback page shows
    nb["cells"].insert(0, nbformat.v4.new_markdown_cell(f"Submitted by {name}.").copy())
    if role == "hostile":
        nb["cells"].insert(1, dict(nbformat.v4.new_code_cell(HOSTILE_CELL)))
    for cell in nb["cells"]:
        cell.setdefault("id", f"added-{nb['cells'].index(cell)}")
    assert sample.expected_auto is not None
    return nb, float(sample.expected_auto)


def _score_by_hand(course: Any, student: str) -> dict[str, Any]:
    """The TA, in formgrader on their own server (its HTTP API, which its pages call): half
    marks for every written answer of ``student`` and a comment on the first."""
    hub, ta = course.hub, course.ta
    hub.start_server(ta.name)
    token, fg = hub.user_token(ta.name), f"/user/{ta.name}/formgrader/api"
    status, subs = hub.api("GET", f"{fg}/submitted_notebooks/{PS}/{PS}", token=token)
    assert status == 200 and isinstance(subs, list), (status, str(subs)[:300])
    nb_id = next(s["id"] for s in subs if s["student"] == student)
    status, grades = hub.api("GET", f"{fg}/grades?submission_id={nb_id}", token=token)
    assert status == 200, (status, grades)
    scored = {g["id"]: g["max_score"] / 2 for g in grades if g["needs_manual_grade"]}
    assert scored, "nothing to grade by hand"
    for grade_id, score in scored.items():
        status, body = hub.api("PUT", f"{fg}/grade/{grade_id}", {"manual_score": score}, token)
        assert status == 200, (status, body)
    status, comments = hub.api("GET", f"{fg}/comments?submission_id={nb_id}", token=token)
    assert status == 200 and comments, (status, comments)
    comment = {"manual_comment": "Cite the table's source (TA comment)."}
    status, body = hub.api("PUT", f"{fg}/comment/{comments[0]['id']}", comment, token)
    assert status == 200, (status, body)
    return {"scored": scored, "comment_id": comments[0]["id"], "comment": comment["manual_comment"]}


@pytest.fixture(scope="module")
def term(course: Any) -> dict[str, Any]:
    """Run the term once; the tests below look at what it left."""
    hub, inst, teacher = course.hub, course.install, course.instructor
    env = inst.user_env()
    rec: dict[str, Any] = {"expected": {}, "fetched": {}, "feedback": {}, "seconds": {}}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        rec["seconds"][phase] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()

    # the instructor: the staff's course folder (made and configured by install.sh), the
    # released student version, release into the exchange
    course_dir = inst.staff / "course"
    released = inst.prefix / "exercises" / PS
    setup = f"mkdir -p {course_dir}/release && cp -r {released} {course_dir}/release/"
    _ok(_staff(teacher, ["bash", "-c", setup], env), "instructor setup")
    # the deadline first (runbook, section 3), with its zone: far ahead for now
    set_deadline = str(inst.prefix / "deploy" / "bin" / "set-deadline")
    staff_env = {**env, "STAFF": str(inst.staff)}
    deadline = [set_deadline, PS, "2031-07-15 23:59", "Europe/Berlin"]
    rec["set_deadline"] = _ok(_staff(teacher, deadline, staff_env), "set-deadline")
    _ok(
        _staff(teacher, ["nbgrader", "release_assignment", PS], env, cwd=course_dir),
        "release_assignment",
    )
    lap("deadline, release")

    # the students, in Chromium: log in, Nbgrader > Assignment List, Fetch; the answers are
    # saved through their own server's contents API (what the notebook's Save does), then Submit
    lab = _load_lab()
    reason = lab.browser_missing_reason()
    if reason:
        pytest.skip(f"the term goes through the Assignments tab in Chromium: {reason}")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = lab.launch_chromium(pw)
    try:
        for student in course.students.values():
            hub.request_server(student.name)  # all three start at once, as in a class
        pages = {}
        for role, student in course.students.items():
            hub.start_server(student.name)
            page = pages[role] = ui.log_in(browser, hub.url, student.name, student.password)
            ui.open_assignments(page)
            assert PS in ui.list_text(page, "released"), ui.list_text(page, "released")
            ui.fetch(page, PS)
            token = hub.user_token(student.name)
            path = f"/user/{student.name}/api/contents/{PS}/{PS}.ipynb"
            status, model = hub.api("GET", path, token=token)
            assert status == 200, (status, model)
            rec["fetched"][role] = model["content"]
            told = student.home / PS / "DEADLINE.txt"
            rec.setdefault("deadline_file", {})[role] = told.read_text(encoding="utf-8")
            answered, expected = _answer(model["content"], role, student.name)
            body = {"type": "notebook", "format": "json", "content": answered}
            status, saved = hub.api("PUT", path, body, token=token)
            assert status == 200, (status, saved)
            # another student's token does not open this student's server
            other = next(s for s in course.students.values() if s is not student)
            status, _ = hub.api("GET", path, token=hub.user_token(other.name))
            rec.setdefault("cross_status", []).append(status)
            rec["expected"][student.name] = expected
            rec.setdefault("submitted_row", {})[role] = ui.submit(page, PS)
        lap("3 students in Chromium: log in, fetch, answer, submit")

        # the deadline passes; the hostile student hands in again, late, in the same tab
        now = time.time()
        due = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now + 1))
        _ok(_staff(teacher, [set_deadline, PS, due, "UTC"], staff_env), "move the deadline")
        rec["due"] = f"{due} UTC"
        time.sleep(max(0.0, now + 2.1 - time.time()))
        rec["late_row"] = ui.submit(pages["hostile"], PS)
        lap("deadline, a late submission")

        # collect what came before the deadline; then the hostile student's extension
        collected = _staff(
            teacher, ["nbgrader", "collect", "--before-duedate", PS], env, cwd=course_dir
        )
        rec["collect_output"] = _ok(collected, "collect --before-duedate")
        stamp = course_dir / "submitted" / course.students["hostile"].name / PS / "timestamp.txt"
        rec["stamp_before"] = stamp.read_text(encoding="utf-8").strip()
        extension = ["nbgrader", "collect", "--update", "--student"]
        extension += [course.students["hostile"].name, PS]
        _ok(_staff(teacher, extension, env, cwd=course_dir), "collect the extension")
        rec["stamp_extension"] = stamp.read_text(encoding="utf-8").strip()
        lap("collect, extension")

        # the extension is recorded once, in the grading folder's extensions CSV (runbook,
        # section 3), an hour past the deadline: the late submission is then on time
        extended = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now + 1 + 3600))
        rec["extended_due"] = extended
        record = (
            f"printf 'student_id,assignment,due,note\\n%s,{PS},%s UTC,medical\\n' "
            f'"$1" "$2" > {inst.staff}/grading/extensions.csv'
        )
        hostile_name = course.students["hostile"].name
        _ok(
            _staff(teacher, ["sh", "-c", record, "sh", hostile_name, extended], env),
            "record the extension",
        )

        # the instructor grades with the collection's command
        def grade(*extra: str) -> str:
            cmd = ["python", "-m", "rapprochement.grading", "submitted", "--assignment", PS]
            cmd += ["--out", str(grading_out), "--jobs", "2", "--no-progress", *extra]
            return _ok(_staff(teacher, cmd, env, cwd=course_dir), "grading command")

        grading_out = inst.staff / "grading"
        rec["grading_output"] = grade()
        lap("grade")

        # the TA scores the good student's written answers and comments in formgrader; the
        # instructor grades again (manual scores kept), the TA returns the feedback
        rec["manual"] = _score_by_hand(course, course.students["good"].name)
        # (runbook, section 6: without --refresh-feedback the pages of unchanged submissions
        # are not made again, and the feedback would show no manual score)
        rec["grading_output"] = grade("--refresh-feedback")
        with (grading_out / f"grades-{PS}.csv").open(encoding="utf-8") as fh:
            rec["grades"] = {row["student_id"]: row for row in csv.DictReader(fh)}
        lap("TA grades by hand, grade again")
        release = _staff(
            course.ta,
            [str(inst.prefix / "deploy" / "bin" / "release-feedback"), PS],
            {**env, "STAFF": str(inst.staff)},
        )
        rec["release_output"] = _ok(release, "release-feedback as the TA")
        # the good student: Fetch Feedback in the tab, then opens the page; the others in a
        # terminal
        good = course.students["good"]
        ui.refresh(pages["good"])
        ui.fetch_feedback(pages["good"], PS)
        for role, student in course.students.items():
            if role != "good":
                _ok(hubctl.as_user(student, ["nbgrader", "fetch_feedback", PS], env), "fetch")
            found = sorted((student.home / PS / "feedback").rglob("*.html"))
            rec["feedback"][role] = [p.read_text(encoding="utf-8") for p in found]
        page_path = sorted((good.home / PS / "feedback").rglob("*.html"))[0]
        relative = page_path.relative_to(good.home).as_posix()
        pages["good"].goto(f"{hub.url}/user/{good.name}/files/{relative}")
        rec["feedback_seen"] = pages["good"].locator("body").inner_text()
        lap("release and fetch feedback")
    except Exception:
        for role, page in locals().get("pages", {}).items():  # what each student saw
            with contextlib.suppress(Exception):
                lab.screenshot(page, f"hub-term-failed-{role}.png")
        raise
    finally:
        browser.close()
        pw.stop()
    lab.ARTIFACTS.mkdir(exist_ok=True)
    (lab.ARTIFACTS / "hub-term-seconds.json").write_text(json.dumps(rec["seconds"], indent=1))
    return rec


def test_students_fetch_the_released_exercise(course, term):
    released = nbformat.read(course.install.prefix / "exercises" / PS / f"{PS}.ipynb", 4)
    want = [(c.get("id"), c.source) for c in released.cells]
    for role, fetched in term["fetched"].items():
        got = [(c.get("id"), c["source"]) for c in fetched["cells"]]
        assert got == want, f"{role} fetched something else than the released exercise"
    # the hub's proxy keeps each student to their own server
    assert set(term["cross_status"]) <= {403, 404}, term["cross_status"]


def test_collected_and_graded_each_student(course, term):
    submitted = course.install.staff / "course" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(term["expected"])
    good_name = course.students["good"].name
    manual = sum(term["manual"]["scored"].values())
    for name, expected in term["expected"].items():
        row = term["grades"][name]
        if name == good_name:  # the TA scored the written answers (half marks)
            assert float(row["total"]) == pytest.approx(expected + manual), (name, row)
            continue
        assert row["status"] == "needs manual grading", row
        assert float(row["total"]) == pytest.approx(expected), (name, row)
    # the three scores differ as the answers do
    good, partial, _ = (term["expected"][s.name] for s in course.students.values())
    assert partial < good


def test_each_student_gets_only_their_own_feedback(course, term):
    for role, student in course.students.items():
        pages = term["feedback"][role]
        assert len(pages) == 1, (role, len(pages))
        page = pages[0]
        assert f"Submitted by {student.name}." in page
        for other in course.students.values():
            if other is not student:
                assert f"Submitted by {other.name}." not in page
        assert "### BEGIN HIDDEN TESTS" not in page
    # the exchange's feedback folder cannot be listed by students (files are named by a hash
    # of each submission's secret)
    feedback_dir = course.install.exchange / "rapprochement" / "feedback"
    for student in course.students.values():
        assert not hubctl.can_read(student, feedback_dir)


def test_students_cannot_read_what_is_not_theirs(course, term):
    teacher, inst = course.instructor, course.install
    students = list(course.students.values())
    source = inst.prefix / "solutions" / "source" / PS / f"{PS}.ipynb"
    inbound = inst.exchange / "rapprochement" / "inbound"
    for student in students:
        # the answer keys and hidden tests, the instructor's course and grading folders
        assert not hubctl.can_read(student, source)
        assert not hubctl.can_read(student, inst.prefix / "solutions")
        assert not hubctl.can_read(student, inst.staff / "course")
        assert not hubctl.can_read(student, inst.staff / "grading")
        assert not hubctl.can_read(student, inst.staff / "grading" / f"grades-{PS}.csv")
        # other students' homes and work, and the submissions in the exchange
        for other in students:
            if other is not student:
                assert not hubctl.can_read(other, student.home)
                assert not hubctl.can_read(other, student.home / PS / f"{PS}.ipynb")
        assert not hubctl.can_read(student, inbound)
        # while the shared collection is readable (the library, data, notebooks)
        assert hubctl.can_read(student, inst.prefix / "data" / "datapackage.json")
        assert hubctl.can_read(student, student.home / PS / f"{PS}.ipynb")
    # the instructor reads the source (the grading command needs it)
    assert hubctl.can_read(teacher, source)
    # nbgrader's instructor panel is switched off in the students' servers
    for student in students:
        status, _ = course.hub.api(
            "GET", f"/user/{student.name}/formgrader", token=course.hub.user_token(student.name)
        )
        assert status == 404, status
    # nor can a student write into the shared install
    probe = hubctl.as_user(students[0], ["touch", str(inst.prefix / "data" / "x.csv")])
    assert probe.returncode != 0


def test_hostile_code_gains_nothing_when_graded(course, term):
    hostile = term["feedback"]["hostile"][0]
    for marker in LEAK_MARKERS:
        assert marker not in hostile, f"feedback of the hostile student shows {marker!r}"
    assert "LEAK {" not in re.sub(r"<[^>]+>", "", hostile)  # the printed source, not the code
    assert not (course.instructor.home / HOSTILE_FILE).exists()


def test_hostile_student_is_flagged_and_loses_points(course, term):
    hostile = course.students["hostile"]
    row = term["grades"][hostile.name]
    assert row["flags"], row  # replaced rapprochement helpers are reported
    assert float(row["total"]) < float(term["grades"][course.students["good"].name]["total"])


def test_idle_culler_runs_as_a_hub_service(course, term):
    status, services = course.hub.api("GET", "/hub/api/services")
    assert status == 200
    assert "idle-culler" in services, services
    assert "(idle-culler@" in course.hub.tail(10**7)  # it has been asking the hub


@pytest.mark.browser
def test_student_logs_in_and_uses_an_explorer(course, term):
    lab = _load_lab()
    reason = lab.browser_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    student = course.students["partial"]
    with sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(90_000)
            page.goto(f"{course.hub.url}/hub/login", wait_until="domcontentloaded")
            page.fill("#username_input", student.name)
            page.fill("#password_input", student.password)
            page.click("#login_submit")
            page.wait_for_url(re.compile(rf".*/user/{student.name}/lab.*"))
            base = f"{course.hub.url}/user/{student.name}"
            lab.open_and_run_all(page, base, NOTEBOOK_06, timeout=150_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".filter(gd => gd.querySelector('.main-svg')).length >= 4",
                timeout=60_000,
            )
            assert not lab.page_problems(page), lab.page_problems(page)
            lab.screenshot(page, "hub-06-after-run-all.png")
            before = lab.plot_traces(page, 0)
            assert not any(t["type"] == "bar" for t in before)
            # the click goes to the kernel behind the proxy and back: wait for the gap bars
            with contextlib.suppress(Exception):  # a redraw may come before the new traces
                lab.click_and_time_redraw(page, 0, "Both + gap", timeout_ms=30_000)
            page.wait_for_function(
                "() => (document.querySelectorAll('.js-plotly-plot')[0].data || [])"
                ".some(t => t.type === 'bar' && (t.name || '').startsWith('Gap'))",
                timeout=60_000,
            )
            page.locator(".js-plotly-plot").nth(0).scroll_into_view_if_needed()
            lab.screenshot(page, "hub-06-after-click.png")
            # the page came through the hub's proxy, as this student
            assert page.url.startswith(base)
        finally:
            browser.close()


def test_notebooks_were_copied_for_each_user(course, term):
    for student in course.students.values():
        copy_ = student.home / "rapprochement" / "notebooks"
        assert (copy_ / "06-trade-and-targets.ipynb").is_file()
        assert copy_.stat().st_uid == student.uid
        first = json.loads((copy_ / "00-start-here.ipynb").read_text(encoding="utf-8"))
        assert first["cells"], "an empty copy of the start page"
        # the citations' links (../docs/reading-list.md#key) land on the shared reading list
        reading_list = student.home / "rapprochement" / "docs" / "reading-list.md"
        assert reading_list.is_file() and hubctl.can_read(student, reading_list)


def test_instructor_account_can_start_the_grading_sandbox(course, term):
    """The grading command's sandbox (bubblewrap, issue 8) needs unprivileged user namespaces
    for the account that grades: check them as the instructor, the way the term grades."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    probe = hubctl.as_user(
        course.instructor,
        [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
    )
    assert probe.returncode == 0, probe.stderr


# --- the set-up: install.sh, accounts, exchange, staff (issue 24) ------------------------


def test_install_recovers_after_an_interrupted_run(course):
    """The fixture killed install.sh during its environment step, then ran it again."""
    inst = course.install
    assert inst.interrupted == {"env_existed": True, "marker_existed": False}
    assert "half-made" in inst.output, inst.output
    assert (inst.env / ".install-complete").is_file()
    # install.sh (its first, interrupted run) made the course's groups, as system groups; the
    # accounts of this session were then added to them
    for group in course.groups.values():
        assert grp.getgrnam(group).gr_gid < 1000, group


def test_exchange_refuses_a_students_rename(course, term):
    """Sticky exchange: a student cannot move the course folder away (to put their own in its
    place) nor delete it; fetch and submit through it worked in the term above."""
    inst = course.install
    course_x = inst.exchange / "rapprochement"
    before = course_x.stat().st_ino
    hostile = course.students["hostile"]
    attempts = {
        "rename": f"mv {course_x} {inst.exchange}/taken",
        "remove": f"rm -rf {course_x}",
        "plant a release": f"mkdir {course_x}/outbound/{PS}-fixed",
        "list the inbound": f"ls {course_x}/inbound",
    }
    for what, cmd in attempts.items():
        proc = hubctl.as_user(hostile, ["bash", "-c", cmd])
        assert proc.returncode != 0, f"a student could {what}: {cmd}"
    assert course_x.stat().st_ino == before
    assert (course_x / "outbound" / PS).is_dir()
    # the modes install.sh sets (nbgrader's group-shared course, in a sticky exchange)
    staff_gid = grp.getgrnam(course.groups["instructors"]).gr_gid
    assert stat.S_IMODE(inst.exchange.stat().st_mode) == 0o1777
    authors_gid = grp.getgrnam(course.groups["authors"]).gr_gid
    want = {course_x: (0o3775, staff_gid), course_x / "outbound": (0o2775, authors_gid)}
    want |= {course_x / "inbound": (0o2773, staff_gid), course_x / "feedback": (0o2771, staff_gid)}
    for path, (mode, gid) in want.items():
        st = path.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (mode, 0, gid), path


def test_staff_servers_serve_formgrader_and_share_files(course, term):
    hub, teacher = course.hub, course.instructor
    hub.start_server(teacher.name)
    token = hub.user_token(teacher.name)
    status, page = hub.api("GET", f"/user/{teacher.name}/formgrader", token=token)
    assert status == 200, (status, str(page)[:500])
    # formgrader shows the staff's grading gradebook, where the term's students were graded
    status, subs = hub.api(
        "GET", f"/user/{teacher.name}/formgrader/api/submissions/{PS}", token=token
    )
    assert status == 200, (status, str(subs)[:500])
    assert sorted(s["student"] for s in subs) == sorted(term["expected"]), subs
    # (students' servers answer 404 there: test_students_cannot_read_what_is_not_theirs)
    # the staff's servers make group-writable files; the students' do not
    made = {}
    for role, account in [("staff", teacher), ("student", course.students["good"])]:
        status, model = hub.api(
            "POST",
            f"/user/{account.name}/api/contents",
            {"type": "directory"},
            token=hub.user_token(account.name),
        )
        assert status == 201, (status, model)
        made[role] = (account.home / model["path"]).stat().st_mode
    assert made["staff"] & 0o020 and not made["student"] & 0o020, made


READ_MANUAL = """
import json, sys
from nbgrader.api import Gradebook
db, ps, student = sys.argv[1:]
with Gradebook(db, course_id="rapprochement") as gb:
    sub = gb.find_submission(ps, student)
    grades = {g.id: g.manual_score for nb in sub.notebooks for g in nb.grades}
    comments = {c.id: c.manual_comment for nb in sub.notebooks for c in nb.comments}
    print(json.dumps({"grades": grades, "comments": comments}))
"""


def test_ta_collects_and_grades_by_hand_but_cannot_edit_the_source(course, term):
    inst, ta = course.install, course.ta
    env = inst.user_env()
    course_dir, grading = inst.staff / "course", inst.staff / "grading" / "course"
    assert hubctl.can_read(ta, inst.exchange / "rapprochement" / "inbound")
    collected = _staff(ta, ["nbgrader", "collect", "--update", PS], env, cwd=course_dir)
    _ok(collected, "collect as the TA")
    assert sorted(p.name for p in (course_dir / "submitted").iterdir()) == sorted(term["expected"])
    # the TA's scores and comment (formgrader, in the term) are in the shared gradebook
    manual, student = term["manual"], course.students["good"].name
    db = f"sqlite:///{grading / 'gradebook.db'}"
    read = _staff(course.instructor, ["python", "-c", READ_MANUAL, db, PS, student], env)
    seen = json.loads(_ok(read, "gradebook read by the instructor").strip().splitlines()[-1])
    assert {k: seen["grades"][k] for k in manual["scored"]} == manual["scored"]
    assert seen["comments"][manual["comment_id"]] == manual["comment"]
    # and the TA returned the feedback (in the term): "released feedback for 3 students"
    assert "released feedback for 3 students" in term["release_output"], term["release_output"]
    # the source: the answer keys of the install, the grading folder's copy of them, the
    # releases in the course folder and in the exchange; the TA reads them all, changes none
    for target in (
        inst.prefix / "solutions" / "source" / PS / f"{PS}.ipynb",
        grading / "source" / PS / f"{PS}.ipynb",
        course_dir / "release" / PS / f"{PS}.ipynb",
        inst.exchange / "rapprochement" / "outbound" / PS / f"{PS}.ipynb",
    ):
        assert hubctl.can_read(ta, target), target
        probe = hubctl.as_user(ta, ["bash", "-c", f"echo x >> {target}"])
        assert probe.returncode != 0, f"the TA could write {target}"
        probe = hubctl.as_user(ta, ["touch", str(target.parent / "new.ipynb")])
        assert probe.returncode != 0, f"the TA could add a file next to {target}"
    # nor put a folder of their own in place of the instructors' (sticky shared folders)
    for folder in (
        course_dir / "release",
        course_dir / "source",
        inst.exchange / "rapprochement" / "outbound",
        grading / "source",
    ):
        probe = hubctl.as_user(ta, ["mv", str(folder), f"{folder}-moved"])
        assert probe.returncode != 0, f"the TA could move {folder} away"
    release = _staff(ta, ["nbgrader", "release_assignment", "--force", PS], env, cwd=course_dir)
    assert release.returncode != 0, "the TA could release the problem set again"


def test_deadline_late_submission_and_extension(course, term):
    """The deadline is stored in the staff's gradebook; collect --before-duedate took the
    hostile student's submission from before it, the extension (collect --update --student)
    the late one, whose recorded time is after the deadline."""
    from nbgrader.utils import parse_utc

    due = parse_utc(term["due"])
    before, late = parse_utc(term["stamp_before"]), parse_utc(term["stamp_extension"])
    assert before <= due < late, (term["due"], term["stamp_before"], term["stamp_extension"])
    # the students got the deadline with the problem set, with its zone and in UTC
    want = (
        "Deadline: Tuesday 15 July 2031, 23:59 CEST (Europe/Berlin time),"
        " which is 2031-07-15 21:59 UTC."  # Berlin in summer: UTC+2
    )
    for role, text in term["deadline_file"].items():
        assert want in text, (role, text)
    assert "2031-07-15 21:59:00 UTC" in term["set_deadline"], term["set_deadline"]
    # one record of the deadline: set-deadline wrote the staff's deadlines file, which the
    # grading run read; its gradebook (formgrader's) holds the due date the staff's course does
    deadlines = course.install.staff / "course" / "deadlines.toml"
    assert f'\n{PS} = "{term["due"][:16]}' in deadlines.read_text(encoding="utf-8")
    hostile = course.students["hostile"].name
    for name in term["expected"]:  # the students (not the rows of files set aside)
        row = term["grades"][name]
        if name == hostile:  # the extension from the CSV: the late submission is on time
            assert row["due"].startswith(term["extended_due"][:16]), row
            assert row["late by"] == "on time", row
        else:
            assert row["due"].startswith(term["due"][:16]), row
            assert row["submitted from"] == "timestamp.txt", row
    from nbgrader.api import Gradebook

    for db in ("course", "grading/course"):
        with Gradebook(f"sqlite:///{course.install.staff / db / 'gradebook.db'}") as gb:
            assert gb.find_assignment(PS).duedate == due, db
    # the Assignments tab lists each submission with its time and zone (install.sh: UTC)
    for row in [*term["submitted_row"].values(), term["late_row"]]:
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC", row), row


def test_student_sees_the_manual_score_and_comment(course, term):
    seen = term["feedback_seen"]
    assert term["manual"]["comment"] in seen, seen[:2000]
    assert f"Submitted by {course.students['good'].name}." in seen


def test_add_accounts_fails_loudly_and_lists_only_made_accounts(course, tmp_path):
    script = course.install.prefix / "deploy" / "bin" / "add-accounts"
    group = course.groups["students"]
    good = f"rht-new-{os.getpid() % 10000}"
    names, passwords = tmp_path / "students.csv", tmp_path / "initial-passwords.csv"
    # a class list with a header line (column names), as exported from a spreadsheet
    names.write_text(f"username,email\n{good},x@example.org\nBad Name\n", encoding="utf-8")
    try:
        proc = hubctl.subprocess.run(
            [str(script), group, str(names), str(passwords)], capture_output=True, text=True
        )
        assert proc.returncode == 1, proc
        assert "FAILED 'Bad Name'" in proc.stderr, proc.stderr
        assert "'username,email' read as a header" in proc.stderr, proc.stderr
        assert "username" not in hubctl.group_members(group)
        rows = passwords.read_text(encoding="utf-8").splitlines()
        assert [r.split(",")[0] for r in rows] == [good]
        assert good in hubctl.group_members(group)
        assert passwords.stat().st_mode & 0o077 == 0
        # a re-run leaves the existing account alone and lists no password for it
        names.write_text(f"{good}\n", encoding="utf-8")
        again = hubctl.subprocess.run(
            [str(script), group, str(names), str(passwords)], capture_output=True, text=True
        )
        assert again.returncode == 0, again
        assert passwords.read_text(encoding="utf-8").splitlines() == rows
        # no group yet (install.sh not run): a clear error and no password list
        missing = tmp_path / "none.csv"
        proc = hubctl.subprocess.run(
            [str(script), "rht-no-such-group", str(names), str(missing)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 1 and "install.sh" in proc.stderr, proc
        assert not missing.exists()
    finally:
        hubctl.subprocess.run(["userdel", "--remove", good], capture_output=True)


def test_a_corrected_notebook_reaches_students_without_overwriting_their_work(course, term):
    """deploy/bin/publish-notebooks, then each student's next server start (nbgitpuller)."""
    inst, hub = course.install, course.hub
    edited, untouched = course.students["partial"], course.students["good"]
    old = course.students["hostile"]  # a plain copy, as made before the copies were clones
    fixed, other = "01-context-and-official-frame.ipynb", "02-narratives-and-pandemic.ipynb"
    new = "99-correction-note.ipynb"
    for student in (edited, untouched):
        assert (student.home / "rapprochement" / "notebooks" / ".git").is_dir()
    # the edited student changes notebook 01 and saves it (the contents API, as Save does)
    token = hub.user_token(edited.name)
    path = f"/user/{edited.name}/api/contents/rapprochement/notebooks/{fixed}"
    status, model = hub.api("GET", path, token=token)
    assert status == 200, (status, model)
    mine = model["content"]
    mine["cells"].append(nbformat.v4.new_markdown_cell("My own notes.").copy())
    body = {"type": "notebook", "format": "json", "content": mine}
    assert hub.api("PUT", path, body, token=token)[0] == 200
    hub.stop_server(old.name)
    _wait_stopped(hub, old.name)
    old_copy = old.home / "rapprochement" / "notebooks"
    hubctl.run(["rm", "-rf", str(old_copy / ".git"), str(old_copy / ".gitattributes")])
    theirs = nbformat.read(old_copy / "03-trust-and-pragmatism.ipynb", 4)
    theirs.cells.append(nbformat.v4.new_markdown_cell("Old copy, my notes."))
    nbformat.write(theirs, old_copy / "03-trust-and-pragmatism.ipynb")
    # the instructor corrects 01 and 02 and adds a notebook, then publishes
    source = inst.prefix / "notebooks"
    originals = {name: (source / name).read_bytes() for name in (fixed, other)}
    try:
        for name in (fixed, other):
            nb = nbformat.read(source / name, 4)
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"Correction to {name}."))
            nbformat.write(nb, source / name)
        nbformat.write(nbformat.v4.new_notebook(cells=[]), source / new)
        out = hubctl.run([str(inst.prefix / "deploy" / "bin" / "publish-notebooks")],
                         env={**os.environ, "PREFIX": str(inst.prefix)}).stdout  # fmt: skip
        assert "published" in out, out
        for student in (edited, untouched):
            hub.stop_server(student.name)
            _wait_stopped(hub, student.name)
        for student in (edited, untouched, old):
            hub.start_server(student.name)
    finally:
        for name, raw in originals.items():
            (source / name).write_bytes(raw)
        (source / new).unlink(missing_ok=True)
    copy_edited = edited.home / "rapprochement" / "notebooks"
    copy_untouched = untouched.home / "rapprochement" / "notebooks"
    kept = nbformat.read(copy_edited / fixed, 4)  # a valid notebook, as the student left it
    assert kept.cells[-1].source == "My own notes."
    assert not any(c.source.startswith("Correction") for c in kept.cells)
    for copy_ in (copy_edited, copy_untouched):
        assert nbformat.read(copy_ / other, 4).cells[0].source == f"Correction to {other}."
        assert (copy_ / new).is_file()
        assert (copy_ / new).stat().st_uid == (copy_ / other).stat().st_uid
    assert nbformat.read(copy_untouched / fixed, 4).cells[0].source == f"Correction to {fixed}."
    # the old plain copy became a clone at the start, its change kept, the correction in
    assert (old_copy / ".git").is_dir()
    kept = nbformat.read(old_copy / "03-trust-and-pragmatism.ipynb", 4)
    assert kept.cells[-1].source == "Old copy, my notes."
    assert nbformat.read(old_copy / other, 4).cells[0].source == f"Correction to {other}."


def _wait_stopped(hub: Any, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, user = hub.api("GET", f"/hub/api/users/{name}")
        if not (user.get("servers") or {}):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{name}'s server did not stop")


def test_staff_open_formgrader_with_one_link_in_its_own_tab(course, term):
    """Runbook, section 0 step 3: /hub/user-redirect/formgrader in a new tab, for each member
    of the staff; the hub's policy forbids framing it (why JupyterLab's tab stays off)."""
    lab = _load_lab()
    reason = lab.browser_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    hub, teacher = course.hub, course.instructor
    req = hubctl.urllib.request.Request(f"{hub.url}/user/{teacher.name}/formgrader")
    req.add_header("Authorization", f"token {hub.user_token(teacher.name)}")
    with hubctl.urllib.request.urlopen(req, timeout=60) as resp:
        assert "frame-ancestors 'none'" in resp.headers.get("Content-Security-Policy", "")
    with sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        try:
            for account in (teacher,):  # (the TA's formgrader: _score_by_hand, in the term)
                page = ui.log_in(browser, hub.url, account.name, account.password)
                page.goto(f"{hub.url}/hub/user-redirect/formgrader")
                page.wait_for_url(re.compile(rf".*/user/{account.name}/formgrader.*"))
                page.get_by_text(PS).first.wait_for()  # Manage Assignments lists the set
                lab.screenshot(
                    page, f"hub-formgrader-{'ta' if account is course.ta else 'teacher'}.png"
                )
                page.context.close()
            student = course.students["good"]
            page = ui.log_in(browser, hub.url, student.name, student.password)
            response = page.goto(f"{hub.url}/hub/user-redirect/formgrader")
            assert response is not None and response.status == 404, response
        finally:
            browser.close()
