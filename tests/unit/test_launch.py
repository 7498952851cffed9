"""`python start.py`, the Python-only start for students without make or bash (Windows, macOS).

Run here with a PATH that has neither `make` nor `bash`: the server must answer at the start
page, print no alarming warning, and stop cleanly on Ctrl-C (SIGINT). A second test builds a
fresh environment with it and compares every installed version with requirements.lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from rapprochement import launch

REPO = Path(__file__).resolve().parents[2]
START = REPO / "start.py"
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
"""The Python a student has (not the one inside .venv)."""

KNOWN_TCP_WARNING = "Kernel is running over TCP without encryption"
"""ipykernel 7.4 prints this at every kernel start over TCP (the default); local sockets
(--KernelManager.transport=ipc) would avoid it, not adopted yet (docs/performance.md)."""

#: Lines a normal start may not print (checked below; see docs/performance.md).
ALARMING = re.compile(r"Traceback|\bERROR\b|\[E |\[C |Warning|WARNING|\[W ", re.I)


def _bare_path(tmp_path: Path) -> str:
    """A PATH with one empty folder: no make, no bash, no sh, no uv command."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    path = str(bin_dir)
    assert shutil.which("make", path=path) is None and shutil.which("bash", path=path) is None
    assert shutil.which("sh", path=path) is None
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api(base: str, token: str, path: str, method: str = "GET", body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{base}/api/{path}?token={token}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as resp:
        text = resp.read().decode()
    return json.loads(text) if text else None


def _clean_env(path: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV"))}
    env.update(PATH=path, HOME=str(home))
    return env


def test_start_py_opens_the_start_page_without_make_or_bash(tmp_path: Path) -> None:
    if not launch.is_current(REPO, REPO / ".venv"):
        pytest.skip(".venv is missing or out of date (make .venv/.installed or python start.py)")
    port, token = _free_port(), "start-py-test"
    home = Path(tempfile.mkdtemp(prefix="home-"))  # a fresh Jupyter config and runtime folder
    log = tmp_path / "start.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [BASE_PYTHON, str(START), "--no-browser", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
            env=_clean_env(_bare_path(tmp_path), home),
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        final_url = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                # the server's root redirects to the default URL set by start.py
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/?token={token}", timeout=5
                ) as resp:
                    assert resp.status == 200
                    final_url = resp.geturl()
                    page = resp.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert final_url, f"no answer in 90 s:\n{log.read_text()[-3000:]}"
        assert final_url.split("?")[0].endswith("/lab/tree/notebooks/00-start-here.ipynb")
        assert "jupyter-config-data" in page
        # no "Jupyter news" question on first start (a fresh HOME: no user settings yet), no
        # news feed or update check fetched
        config = json.loads(
            re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1)
        )
        assert config["news"] == {"disabled": True}
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:"
            f"notification?token={token}",
            timeout=30,
        ) as resp:
            notification = json.loads(resp.read().decode())
        # the defaults the page gets (a student's own choice in Settings would still win)
        defaults = {k: v.get("default") for k, v in notification["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false", defaults
        assert defaults["checkForUpdates"] is False
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents/notebooks/00-start-here.ipynb"
            f"?content=0&token={token}",
            timeout=10,
        ) as resp:
            assert resp.status == 200
        # a notebook's kernel starts
        base = f"http://127.0.0.1:{port}"
        session = _api(base, token, "sessions", "POST", {
            "path": "notebooks/00-start-here.ipynb", "type": "notebook", "name": "start",
            "kernel": {"name": "python3"}})  # fmt: skip
        kernel = session["kernel"]["id"]
        # wait until the kernel itself has started and printed what it prints at start-up
        for _ in range(600):
            if "[IPKernelApp]" in log.read_text() or proc.poll() is not None:
                break
            time.sleep(0.2)
        assert "[IPKernelApp]" in log.read_text(), log.read_text()[-3000:]
        time.sleep(1)
        assert _api(base, token, f"kernels/{kernel}")["id"] == kernel  # still running
        _api(base, token, f"sessions/{session['id']}", "DELETE")
        # the student's Ctrl-C: the server (start.py became it) shuts down cleanly
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(home, ignore_errors=True)
    text = log.read_text()
    # the link a student copies (the server masks a token given on the command line)
    assert re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/notebooks/00-start-here\.ipynb"
                     r"\?token=", text), text  # fmt: skip
    alarming = [
        line
        for line in text.splitlines()
        if ALARMING.search(line) and KNOWN_TCP_WARNING not in line
    ]
    assert not alarming, alarming


def test_start_py_builds_the_pinned_environment(tmp_path: Path) -> None:
    """A fresh environment has exactly the lock's versions (made with ``python -m uv``, as after
    ``python -m pip install uv``; the venv + pip route is the same code with pip, minutes long)."""
    has_uv = subprocess.run([BASE_PYTHON, "-m", "uv", "--version"], capture_output=True)
    if has_uv.returncode != 0:
        pytest.skip("uv is not importable by this Python (the pip route takes minutes)")
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(_bare_path(tmp_path), home)
    env["UV_CACHE_DIR"] = os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv"))
    venv = tmp_path / "venv"
    done = subprocess.run(
        [BASE_PYTHON, str(START), "--setup-only", "--venv", str(venv)],
        env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert launch.is_current(REPO, venv)
    pins = dict(
        line.split("==", 1)
        for line in (REPO / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    )
    pins = {k.strip(): v.split()[0].split(";")[0].strip() for k, v in pins.items()}
    script = (
        "import importlib.metadata as m, json, sys\n"
        "print(json.dumps({n: m.version(n) for n in json.loads(sys.argv[1])}))"
    )
    got = subprocess.run(
        [str(launch.venv_python(venv)), "-c", script, json.dumps(sorted(pins))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    installed = json.loads(got.stdout)
    wrong = {n: (v, installed[n]) for n, v in pins.items() if installed[n] != v}
    assert not wrong, wrong
    # and nothing the lock leaves out on purpose (requirements-excluded.txt, given as UV_EXCLUDE)
    probe = "import importlib.util as u; print(u.find_spec('rfc3987_syntax') is None)"
    absent = subprocess.run(
        [str(launch.venv_python(venv)), "-c", probe], capture_output=True, text=True, check=True
    )
    assert absent.stdout.strip() == "True", "rfc3987-syntax was installed"
    # a second start finds it current and does not rebuild
    again = subprocess.run(
        [BASE_PYTHON, str(START), "--setup-only", "--venv", str(venv)],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0 and "creating" not in again.stdout, again.stdout


def test_lab_settings_answer_the_news_question_for_the_student():
    """The settings folder start.py, make lab and the hub put on JUPYTER_CONFIG_PATH."""
    overrides = launch.LAB_CONFIG / "labconfig" / "default_setting_overrides.json"
    notification = json.loads(overrides.read_text(encoding="utf-8"))[
        "@jupyterlab/apputils-extension:notification"
    ]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    env = launch.lab_env(REPO / ".venv")
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(launch.LAB_CONFIG)
    assert "--LabApp.news_url=None" in launch.LAB_SERVER_FLAGS
    hub = (REPO / "deploy" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert '"JUPYTER_CONFIG_PATH": str(PREFIX / "src" / "rapprochement" / "jupyter_config")' in hub
    assert "--LabApp.news_url=None" in hub
    dockerfile = (REPO / "deploy" / "image" / "Dockerfile").read_text(encoding="utf-8")
    assert "JUPYTER_CONFIG_PATH=/opt/rapprochement/src/rapprochement/jupyter_config" in dockerfile


@pytest.mark.parametrize("use_uv", [True, False])
def test_first_install_says_what_it_does_before_the_long_step(tmp_path, monkeypatch, capsys,
                                                              use_uv):  # fmt: skip
    """A first-time user sees a line at once, and the long install is not --quiet."""
    seen: list[tuple[list[str], str]] = []

    def fake_run(cmd, failure, env=None):  # what was printed before each step
        seen.append((list(cmd), capsys.readouterr().out))
        if "venv" in cmd:
            python = launch.venv_python(tmp_path / "venv")
            python.parent.mkdir(parents=True, exist_ok=True)
            python.touch()

    monkeypatch.setattr(launch, "_run", fake_run)
    monkeypatch.setattr(launch, "find_uv", lambda: ["uv"] if use_uv else None)
    launch.create_env(REPO, tmp_path / "venv", use_uv=use_uv)
    lock_steps = [(cmd, out) for cmd, out in seen if "-r" in cmd]
    assert len(lock_steps) == 1
    cmd, printed_before = lock_steps[0]
    assert "--quiet" not in cmd and "-q" not in cmd
    assert "installing the pinned packages" in printed_before
    assert printed_before.strip(), "nothing printed before the long step"
