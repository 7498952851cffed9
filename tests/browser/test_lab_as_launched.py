"""JupyterLab as start.py (and `make lab`, the hub) launches it, for a first-time student.

The browser suite's shared server (lab.jupyter_lab) writes its own user settings, so it cannot
see what a fresh student sees. Here the server is started with rapprochement.launch's command
and environment, with a fresh HOME and no user settings:

* no "Jupyter news" question appears (issue 21, "Other screens");
* a citation in a notebook opens the reading list rendered (Markdown Preview, the default viewer
  start.py sets for .md) scrolled to the cited work's entry (issue 21, item 7).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapprochement import launch
from rapprochement_support import lab

pytestmark = pytest.mark.browser
TOKEN = "as-launched"


@pytest.fixture(scope="module")
def launched(browser_available: None) -> Iterator[str]:
    home = Path(tempfile.mkdtemp(prefix="rapprochement-home-"))
    env = launch.lab_env(lab.REPO / ".venv")
    for key in list(env):
        if key.startswith("JUPYTER") and key not in {"JUPYTER_PATH", "JUPYTER_CONFIG_PATH"}:
            del env[key]
    env["HOME"] = str(home)
    port = lab.free_port()
    extra = ["--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1"]
    cmd = launch.lab_command(
        lab.REPO, lab.REPO / ".venv", [*extra, f"--IdentityProvider.token={TOKEN}"]
    )
    cmd[0] = sys.executable  # this environment's Python (the suite's)
    with (home / "server.log").open("w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _open(chromium: Any, url: str, path: str) -> Any:
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/lab/tree/{path}?token={TOKEN}", timeout=90_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    return page


def test_no_jupyter_news_question_on_first_start(chromium, launched):
    page = _open(chromium, launched, "notebooks/00-start-here.ipynb")
    try:
        page.wait_for_timeout(5000)  # the question comes once the application is restored
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not [t for t in toasts if "news" in t.lower()], toasts
    finally:
        page.context.close()


def test_a_citation_opens_the_reading_list_at_its_entry(chromium, launched):
    page = _open(chromium, launched, "notebooks/02-narratives-and-pandemic.ipynb")
    try:
        link = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown a", has_text="Lo 2008").first
        for _ in range(60):  # the notebook draws cells as they scroll into view
            if link.count():
                break
            page.mouse.move(700, 500)
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(200)
        link.scroll_into_view_if_needed()
        link.click()
        viewer = page.locator(".jp-MarkdownViewer .jp-RenderedMarkdown")
        viewer.wait_for(timeout=30_000)  # rendered, not the text editor
        entry = viewer.locator("li", has_text="Lo, Bobo (2008)").first
        page.wait_for_timeout(1500)
        top = entry.bounding_box()["y"]
        panel = page.locator(".jp-MarkdownViewer").first.bounding_box()
        assert panel["y"] - 5 <= top <= panel["y"] + 120, (top, panel)  # scrolled to the entry
    finally:
        page.context.close()
