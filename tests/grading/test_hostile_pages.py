"""A hostile submission opened in formgrader by the instructor, and as feedback by the student.

The submission (tests/grading/hostile.py) carries every generated payload in its written
answers, an added markdown cell, a raw HTML cell, outputs of every type (an object's
``_repr_html_`` and outputs forged over the sandbox's event channel) and widget state, and is
handed in under a file name that is itself markup. Each payload runs the attack of issue 20:
it writes a file through the contents API, sets every score to the maximum through formgrader's
API, and calls home. After a real grading run, a Jupyter server with formgrader serves the
course folder and headless Chromium opens the pages as people do: the instructor's formgrader
page for the submission (same origin as the APIs, after formgrader's own pages set the XSRF
cookie), the feedback page through the server, and the returned feedback file from disk. Then
nothing may have run: no mark of the script, no request beyond those the same page makes for a
harmless submission, no score changed in the gradebook, no file written in the course folder,
and no script, handler, frame or foreign URL in the student's part of the page as Chromium
parsed it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

pytest.importorskip("nbgrader")  # the instructor environment (make grading-test)
pytest.importorskip("nh3")

import nbformat  # noqa: E402
from conftest import TIMEOUT, checksums, require_sandbox  # noqa: E402
from hostile import MARK, exploit, hostile_notebook, output_bundles  # noqa: E402

from rapprochement.grading.report import write_feedback  # noqa: E402
from rapprochement.grading.runner import grade_submissions  # noqa: E402
from rapprochement_support import lab  # noqa: E402
from rapprochement_support.samples import make_sample, write_sample  # noqa: E402

pytestmark = [pytest.mark.grading, pytest.mark.browser]
PS1 = "ps1-trade-statistics"
# A file name that breaks out of single-quoted attributes (no space needed between attributes)
# and holds a tag as character references; the student id keeps ', = and &.
HOSTILE_FILE = (
    "h4ck'onmouseover='window.named=1'onfocus='window.named=2'autofocus='"
    "&#x3C;img src=x onerror=window.named=3&#x3E;"
)

ACTIVE_IN_PAGE = """() => {
    const roots = [...document.querySelectorAll('#notebook-container')];
    const root = roots.length ? roots[roots.length - 1] : document.body;
    const found = [];
    const bad = 'script,iframe,frame,object,embed,applet,form,input:not(.score):not(.extra-credit)'
        + ',button,base,meta,link,style,math,template,video,audio,portal,svg';
    for (const el of root.querySelectorAll('*')) {
        if (el.closest('.panel-heading, .panel-footer')) continue;  // formgrader's own controls
        if (el.matches(bad)) found.push('<' + el.tagName + '>');
        for (const a of el.attributes) {
            const n = a.name.toLowerCase(), v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
            if (n.startsWith('on') || n === 'style' || n === 'srcdoc')
                found.push(el.tagName + '[' + n + ']');
            const urls = ['href', 'src', 'action', 'formaction', 'srcset', 'poster', 'xlink:href'];
            if (urls.includes(n)
                && !(n === 'href' && /^(https?|mailto):/.test(v))
                && !(n === 'src' && el.tagName === 'IMG' && /^data:image\\//.test(v)))
                found.push(el.tagName + '[' + n + '=' + v.slice(0, 40) + ']');
        }
    }
    return found;
}"""

PROVOKE = """() => {
    const roots = [...document.querySelectorAll('#notebook-container')];
    const root = roots.length ? roots[roots.length - 1] : document.body;
    for (const el of root.querySelectorAll('*')) {
        for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'animationstart'])
            el.dispatchEvent(new Event(type, {bubbles: true}));
    }
    return true;
}"""


def _gradebook(db: str) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(db) as gb:
        for student in gb.students:
            sub = gb.find_submission(PS1, student.id)
            for nb in sub.notebooks:
                for g in nb.grades:
                    out[f"{student.id}/{g.name}"] = (g.auto_score, g.manual_score, g.extra_credit)
    return out


def _submission_page(db: str, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(db) as gb:
        return str(gb.find_submission_notebook(PS1, PS1, student).id)


def _start_server(course: Path, home: Path):
    port = lab.free_port()
    env = os.environ.copy()
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_DATA_DIR=str(home / "data"),
        HOME=str(home),
    )
    log = (home / "server.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={course}",
        ],
        cwd=course,  # formgrader reads nbgrader_config.py from here, as the docs say
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError((home / "server.log").read_text()[-3000:])
        try:
            with urllib.request.urlopen(f"{url}/formgrader/api/status", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.terminate()
                raise RuntimeError("formgrader did not answer") from None
            time.sleep(0.3)
    return proc, url, log


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    require_sandbox()
    why = lab.browser_missing_reason()
    if why:
        if os.environ.get("RAPPROCHEMENT_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("hostile")
    subs = root / "submissions"
    out = root / "out"
    write_sample(make_sample(PS1, "solved"), subs / "solved.ipynb")
    nbformat.write(hostile_notebook(PS1, exploit), subs / f"{HOSTILE_FILE}.ipynb")
    result = grade_submissions(subs, assignment=PS1, out=out, jobs=2, timeout=TIMEOUT)
    rows = {r.student_id: r for r in result.rows}
    hostile = next(s for s in rows if s != "solved")
    assert rows["solved"].feedback, rows["solved"].reasons
    write_feedback(result, out / "feedback" / PS1)
    course = out / "course"
    db = f"sqlite:///{course / 'gradebook.db'}"
    # the attack reached the grader: the outcome of the sandboxed run, before sanitising, holds
    # every forged output type (if the sandbox's protocol changes, this says so)
    executed = (out / "work" / "outcomes" / f"{hostile}.json").read_text(encoding="utf-8")
    for bundle in output_bundles(exploit).values():
        for mime in bundle:
            assert mime in executed, f"the forged {mime} output did not reach the grader"
    assert "onerror" in executed and "javascript:" in executed

    scores_before = _gradebook(db)
    files_before = checksums(course)
    home = Path(tempfile.mkdtemp(prefix="formgrader-"))
    proc, url, log = _start_server(course, home)
    visits = {}
    try:
        with sync_playwright() as pw:
            browser = lab.launch_chromium(pw, offline=True)
            context = browser.new_context()
            # the instructor has JupyterLab open: its page sets the XSRF cookie that the
            # server's own pages (and so any script in them) send with each change
            context.request.get(f"{url}/lab")
            assert any(c["name"] == "_xsrf" for c in context.cookies()), context.cookies()

            def visit(
                name: str, target: str, *, warm: str | None = None, referer: str | None = None
            ) -> None:
                page = context.new_page()
                requests: list[str] = []
                page.on("request", lambda r: requests.append(r.url))
                console: list[str] = []
                page.on("console", lambda m: console.append(m.text))
                page.on("pageerror", lambda e: console.append(f"page error: {e}"))
                if warm:  # formgrader's own page first: sets the XSRF cookie, as for an instructor
                    page.goto(warm, wait_until="load")
                    requests.clear()
                page.goto(target, wait_until="load", referer=referer)
                page.wait_for_timeout(1500)
                page.evaluate(PROVOKE)
                page.wait_for_timeout(1500)
                visits[name] = {
                    "requests": list(requests),
                    "mark": page.evaluate(f"() => window.{MARK} || null"),
                    "also_mark": page.evaluate("() => window.named || null"),
                    "active": page.evaluate(ACTIVE_IN_PAGE),
                    "text": page.inner_text("body"),
                    "console": console,
                }
                page.close()

            # formgrader's lists, where student ids are written into the page
            for page_name in (
                "manage_students",
                f"manage_submissions/{PS1}",
                f"gradebook/{PS1}/{PS1}",
                f"manage_students/{quote(hostile)}",
            ):
                visit(f"list/{page_name}", f"{url}/formgrader/{page_name}")
            for student in ("solved", hostile):
                sid = _submission_page(db, student)
                visit(
                    f"formgrader/{student}",
                    f"{url}/formgrader/submissions/{sid}/",
                    warm=f"{url}/formgrader/gradebook/{PS1}/{PS1}",
                )
                if not rows[student].feedback:
                    continue  # the tests below fail on the missing page
                rel = f"feedback/{student}/{PS1}/{PS1}.html"
                # opened from JupyterLab's file browser (the server wants a local referer)
                visit(
                    f"served feedback/{student}", f"{url}/files/{quote(rel)}", referer=f"{url}/lab"
                )
                returned = out / "feedback" / PS1 / f"{student}.html"
                visit(f"returned feedback/{student}", returned.as_uri())
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        shutil.rmtree(home, ignore_errors=True)
    return {
        "visits": visits,
        "hostile": hostile,
        "url": url,
        "scores": (scores_before, _gradebook(db)),
        "files": (files_before, checksums(course)),
        "course": course,
    }


def _normalised(urls: list[str], base: str, student: str) -> set[str]:
    """Request addresses with the ids that differ between two submissions taken out."""
    out = set()
    quote_student = quote(f"feedback/{student}/")
    for u in urls:
        parts = urlparse(u)
        if parts.scheme == "file":
            out.add("file:")
            continue
        path = parts.path.replace(quote_student, "STUDENT").replace(
            quote("feedback/solved/"), "STUDENT"
        )
        for word in path.split("/"):
            if len(word) == 32 and all(c in "0123456789abcdef" for c in word):
                path = path.replace(word, "ID")
        out.add(f"{parts.scheme}://{parts.netloc}{path}" if not u.startswith(base) else path)
    return out


VIEWS = ("formgrader", "served feedback", "returned feedback")


@pytest.mark.parametrize("view", VIEWS)
def test_nothing_runs_in_the_page(pages, view):
    assert f"{view}/{pages['hostile']}" in pages["visits"], "no feedback for the hostile student"
    seen = pages["visits"][f"{view}/{pages['hostile']}"]
    assert "A written answer" in seen["text"], seen["text"][:500]
    assert seen["mark"] is None and seen["also_mark"] is None, seen
    assert not [u for u in seen["requests"] if MARK in u]
    assert seen["active"] == []


@pytest.mark.parametrize("view", VIEWS)
def test_no_request_beyond_the_pages_own(pages, view):
    """The page asks for nothing a harmless submission's page does not ask for (nbgrader's
    templates ask for MathJax on a CDN, which the offline browser cannot reach)."""
    assert f"{view}/{pages['hostile']}" in pages["visits"], "no feedback for the hostile student"
    hostile = pages["visits"][f"{view}/{pages['hostile']}"]["requests"]
    harmless = pages["visits"][f"{view}/solved"]["requests"]
    student = pages["hostile"]
    extra = _normalised(hostile, pages["url"], student) - _normalised(
        harmless, pages["url"], student
    )
    assert not extra, sorted(extra)


def test_student_ids_run_nothing_in_formgraders_lists(pages):
    lists = {k: v for k, v in pages["visits"].items() if k.startswith("list/")}
    assert len(lists) == 4
    assert pages["hostile"] in lists["list/manage_students"]["text"]  # the id is on the page
    for name, seen in lists.items():
        assert seen["mark"] is None and seen["also_mark"] is None, name
        assert not [u for u in seen["requests"] if MARK in u or "127.0.0.2" in u], name


def test_no_score_changed_and_no_file_written(pages):
    before, after = pages["scores"]
    assert before and after == before
    files_before, files_after = pages["files"]
    assert files_after == files_before
    assert not list(pages["course"].rglob(f"*{MARK}*"))


def test_the_answers_are_still_there_to_grade(pages):
    text = pages["visits"][f"formgrader/{pages['hostile']}"]["text"]
    assert "A written answer (¶9)." in text
    assert "Some text." in text and "More text." in text
    assert "in a stream stays text" in text
    assert f"returned feedback/{pages['hostile']}" in pages["visits"], "no feedback page"
    feedback = pages["visits"][f"returned feedback/{pages['hostile']}"]["text"]
    assert "A written answer (¶9)." in feedback
