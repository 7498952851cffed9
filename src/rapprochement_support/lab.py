"""Drive JupyterLab in headless Chromium: start a server, open a notebook, run it, inspect it.

Plain functions and context managers, so that both the pytest fixtures in ``conftest.py`` and
``bench/bench_widgets.py`` can use them. Nothing here touches the network: the server listens
on 127.0.0.1, JupyterLab's news and update checks are switched off, and Chromium is started
with background networking disabled.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rapprochement.launch import LAB_SERVER_FLAGS

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
# RAPPROCHEMENT_CHROMIUM, or CHROMIUM (what the book's scripts have always read), else Debian's
CHROMIUM = Path(
    os.environ.get("RAPPROCHEMENT_CHROMIUM") or os.environ.get("CHROMIUM") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# User settings for the test server: render every cell (no virtual scrolling, so that all
# outputs exist in the DOM), and no news or update checks (no network).
LAB_SETTINGS = {
    # never write the notebooks under test back to the repository
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e .[dev])"
    return None


@contextlib.contextmanager
def jupyter_lab(root: Path = REPO, *, startup_timeout: float = 90) -> Iterator[str]:
    """Run ``jupyter lab`` on a free localhost port with throw-away config; yield its URL.

    The server is a child process of this one and is terminated (by its pid) on exit.
    """
    tmp = Path(tempfile.mkdtemp(prefix="rapprochement-lab-"))
    settings = tmp / "settings"
    for rel, content in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")
    env = os.environ.copy()
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        PYTHONUNBUFFERED="1",
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp / "server.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={root}",
            # window.jupyterapp, so that a test can open the next notebook in the same page
            # (as a student does) instead of loading JupyterLab again: open_notebook
            "--LabApp.expose_app_in_browser=True",
            # the news feed and update check off, as start.py has them (a flag given twice makes
            # JupyterLab drop every LabApp option, expose_app_in_browser included)
            *LAB_SERVER_FLAGS,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                log.flush()
                raise RuntimeError(
                    "jupyter lab exited early:\n" + (tmp / "server.log").read_text()[-3000:]
                )
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer on {url} in {startup_timeout} s")
            time.sleep(0.25)
        # JupyterLab drops all its options when one is given badly (it logs "error linking
        # extension" and serves the page anyway): say so here, not as 20 puzzling test failures
        with urllib.request.urlopen(f"{url}/lab", timeout=30) as resp:
            if '"exposeAppInBrowser": true' not in resp.read().decode("utf-8", "replace"):
                raise RuntimeError(
                    "JupyterLab ignored its options (see its log):\n"
                    + (tmp / "server.log").read_text()[-3000:]
                )
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


#: Every request to another host goes to this proxy, where nothing listens, and fails at once, as
#: for a student offline. Chromium never sends loopback addresses to a proxy, so the local
#: server still answers. (Blocking by ``page.route`` would turn off the browser's cache.)
NO_NETWORK = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}


def launch_chromium(playwright: Any, *, offline: bool = False, args: Sequence[str] = ()) -> Any:
    """Debian's chromium through Playwright (Playwright cannot download browsers here), with
    :data:`CHROMIUM_ARGS` and then ``args``; ``offline``: no host but this machine is reachable
    (see :data:`NO_NETWORK`). Every test, bench and script that needs a browser starts it here."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, *args],
        proxy=NO_NETWORK if offline else None,
    )


#: The kernel is started and connected: the status bar reads "<kernel> | Idle" (not "No Kernel"),
#: and so does the notebook's execution indicator. The indicator alone is not enough: it says
#: "idle" while the status bar still reads "No Kernel | Initializing", and Run All pressed then
#: does nothing at all (JupyterLab clears the prompts of a notebook without a kernel). Under load
#: the tests used to press it in that gap: the 30 s retries and the "stalled" runs.
KERNEL_READY = """() => {
    const idle = [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(
        e => /^(?!No Kernel).+ \\| Idle$/.test(e.textContent.trim()));
    const ind = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    return idle && ind !== null && ind.dataset.status === 'idle';
}"""


#: Close every tab of the main area without asking (a notebook that Run All changed would ask
#: whether to save it; the tests never save it). False when the page is not a JupyterLab
#: started by :func:`jupyter_lab` (no ``window.jupyterapp``) or a dialog is open.
_CLOSE_ALL = """() => {
    const app = window.jupyterapp;
    if (!app || !app.shell || document.querySelector('.jp-Dialog')) return false;
    for (const w of [...app.shell.widgets('main')]) w.dispose();
    return true;
}"""


def close_documents(page: Any) -> bool:
    """Close every open notebook (and other tab) of the JupyterLab in ``page``, unsaved changes
    dropped; False if that page cannot do it (see :data:`_CLOSE_ALL`)."""
    return bool(page.evaluate(_CLOSE_ALL))


def open_notebook(
    page: Any, base_url: str, notebook: str, *, timeout: float = 60_000, reload: bool = False
) -> None:
    """Open ``notebook`` (a path relative to the server root) and wait until its kernel is
    started, connected and idle (:data:`KERNEL_READY`).

    If ``page`` already shows this server's JupyterLab, every tab is closed and the notebook is
    opened in the same page, as a student opens the next one from the file browser; loading
    JupyterLab again would cost about 3 s of CPU per notebook. Otherwise, or with ``reload``,
    the page loads JupyterLab with the notebook.
    """
    if not reload and page.url.startswith(f"{base_url}/lab") and close_documents(page):
        # the file browser shows the notebook's folder, as after opening it from there
        page.evaluate(
            """async (path) => {
                const app = window.jupyterapp;
                const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
                await app.commands.execute('filebrowser:go-to-path',
                                           {path: '/' + folder, dontShowBrowser: true});
                await app.commands.execute('docmanager:open', {path});
            }""",
            notebook,
        )
    else:
        # ?reset: start from an empty workspace, or JupyterLab reopens the notebooks of
        # earlier tests in hidden tabs and the selectors below would match their cells
        page.goto(f"{base_url}/lab/tree/{notebook}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout)
    page.wait_for_function(KERNEL_READY, timeout=timeout)


_PROMPTS = "[...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]"
_ALL_DONE = f"""() => {{
    const prompts = {_PROMPTS};
    const done = prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
    return done && idle !== null;
}}"""
_STARTED = f"() => {_PROMPTS}.some(p => p.textContent.includes('*'))"


def _menu(page: Any, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel").get_by_text(menu, exact=True).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text(item, exact=True).click()


def run_all(page: Any, *, timeout: float = 90_000, attempts: int = 3) -> float:
    """Run > Run All Cells, then wait until every code cell has an execution count and the
    kernel is idle; return seconds.

    The kernel is fresh: each test opens its notebook once, in a new session, and the fixture
    shuts every kernel down afterwards. (Restarting a kernel that is still starting up has
    been seen to leave JupyterLab's kernel status at "Unknown" under load.) The run
    must be seen to start (a queued cell shows [*]) before we wait for it to end, since a
    saved notebook already shows execution counts; a menu click that did not take is retried.
    """
    for attempt in range(1, attempts + 1):
        started = time.perf_counter()
        page.keyboard.press("Escape")
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(_STARTED, timeout=30_000)
            break
        except Exception:
            if attempt == attempts:
                screenshot(page, "browser-run-all-not-started.png")
                raise
    try:
        page.wait_for_function(_ALL_DONE, timeout=timeout)
    except Exception:
        screenshot(page, "browser-run-all-timeout.png")
        raise
    return time.perf_counter() - started


def open_and_run_all(page: Any, base_url: str, notebook: str, *, timeout: float = 90_000) -> float:
    """Open a notebook, run all cells, and wait for the widgets' plots; return run seconds.

    Runs that never finished ("stalls": the prompts cleared and nothing ran) came
    from pressing Run All before the kernel was connected; ``open_notebook`` now waits for that
    (:data:`KERNEL_READY`). One reload and a second run remain as a fallback, with a warning in
    the test report, so that a stall that still happens is seen but does not fail the suite. A
    notebook that errors still fails, since the checks after Run All look at the outputs.
    """
    for attempt in (1, 2):
        open_notebook(page, base_url, notebook, timeout=timeout, reload=attempt == 2)
        try:
            return run_all(page, timeout=timeout)
        except Exception:
            if attempt == 2:
                raise
            warnings.warn(f"Run All of {notebook} did not finish; reloading once", stacklevel=2)
    raise AssertionError("unreachable")


def shut_down_kernels(page: Any) -> None:
    """Shut down every kernel of the server ``page`` shows, so that tests leave none running."""
    page.evaluate(
        """async () => {
            const r = await fetch('/api/kernels'); const ks = await r.json();
            await Promise.all(ks.map(k => fetch('/api/kernels/' + k.id, {method: 'DELETE'})));
        }"""
    )


def page_problems(page: Any) -> list[str]:
    """Widget errors and tracebacks visible on the page."""
    problems = []
    body = page.locator("body").inner_text()
    if "Error displaying widget" in body:
        problems.append("a widget shows 'Error displaying widget'")
    if "Failed to load model class" in body or "Failed to load view class" in body:
        problems.append("a widget model or view class failed to load")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    for i in range(errors.count()):
        text = errors.nth(i).inner_text()
        if "Traceback" in text or "Error" in text:
            problems.append(f"stderr output: {text[:300]}")
    if page.locator(
        ".jp-OutputArea-output .ansi-red-fg, .jp-RenderedText[data-mime-type="
        "'application/vnd.jupyter.error']"
    ).count():
        problems.append("an error output is shown")
    return problems


def plot_count(page: Any) -> int:
    """Number of drawn plotly charts (a .js-plotly-plot holding an SVG)."""
    return int(
        page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".filter(gd => gd.querySelector('.main-svg')).length"
        )
    )


def plot_traces(page: Any, index: int) -> list[dict[str, Any]]:
    """Name, type and x values of each trace of the ``index``-th chart on the page that a
    student can see: an explorer keeps spare traces hidden (``visible: false``) so that a change
    of setting is one redraw, and those are left out."""
    return page.evaluate(
        """(i) => {
            const gd = document.querySelectorAll('.js-plotly-plot')[i];
            return (gd.data || []).filter(t => t.visible !== false).map(
                t => ({name: t.name || '', type: t.type || 'scatter', x: Array.from(t.x || [])}));
        }""",
        index,
    )


def click_and_time_redraw(
    page: Any, plot_index: int, button_text: str, *, timeout_ms: int = 10_000
) -> float:
    """Click the button labelled ``button_text`` in the same output as the chart (the same
    explorer) and return milliseconds until the
    ``plot_index``-th chart has redrawn (a FigureWidget fires ``plotly_afterplot``; an Output
    widget replaces the chart with a new, drawn one)."""
    return page.evaluate(
        """async ([i, label, timeout]) => {
            const old = document.querySelectorAll('.js-plotly-plot')[i];
            // the button of the same explorer: search the cell that holds the chart
            const box = old.closest('.jp-Cell') || document;
            const button = [...box.querySelectorAll('.widget-toggle-button, button')]
                .find(b => b.textContent.trim() === label);
            if (!button) throw new Error('no button labelled ' + label);
            const t0 = performance.now();
            const done = new Promise((resolve, reject) => {
                const stop = setTimeout(() => reject(new Error('no redraw')), timeout);
                const finish = () => { clearTimeout(stop);
                    requestAnimationFrame(() => resolve(performance.now() - t0)); };
                if (old && old.on) old.on('plotly_afterplot', finish);
                const poll = () => {
                    const now = document.querySelectorAll('.js-plotly-plot')[i];
                    if (now && now !== old && now._fullLayout && now.querySelector('.main-svg')) {
                        finish(); return;
                    }
                    requestAnimationFrame(poll);
                };
                requestAnimationFrame(poll);
            });
            button.click();
            return await done;
        }""",
        [plot_index, button_text, timeout_ms],
    )


def screenshot(page: Any, name: str) -> Path:
    """Full-page screenshot into artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
