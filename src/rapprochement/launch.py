"""Open the collection in JupyterLab with nothing but Python (no make, no bash).

``python start.py`` at the top of the repository (``py start.py`` on Windows) runs
:func:`main`: it creates ``.venv`` from ``requirements.lock`` if needed (with uv when uv is on
PATH or importable, otherwise with the standard library's venv and pip; the same pinned versions
as ``make lab``), then starts JupyterLab at ``notebooks/00-start-here.ipynb`` with the same
flags as ``make lab``. Extra arguments go to ``jupyter lab`` (for example ``--no-browser`` or
``--port=8899``).

The students' tools run the same way, in ``.venv`` (created first if needed), with no
activated environment, make or bash (:data:`TOOLS`)::

    python start.py selfcheck exercises/ps1-trade-statistics/ps1-trade-statistics.ipynb
    python start.py selfstudy [--force] [ps ...]

JupyterLab started here, by ``make lab`` and on the hub does not ask about "Jupyter news" and
fetches nothing from the internet: the notification settings' defaults are set in
:data:`LAB_CONFIG` (``labconfig/default_setting_overrides.json``, put on ``JUPYTER_CONFIG_PATH``
by :func:`lab_env`), and :data:`LAB_SERVER_FLAGS` turn the server's news feed and update check
off.

This module uses the standard library only: it runs before the environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCK = "requirements.lock"
EXCLUDED = "requirements-excluded.txt"
"""Packages uv leaves out although a dependency asks for them (``UV_EXCLUDE``; see the file)."""
INPUTS = (LOCK, EXCLUDED, "pyproject.toml")
"""What an environment is built from, with the Python (``inputs_hash``, make's prerequisites)."""
START = "notebooks/00-start-here.ipynb"
MIN_PYTHON = (3, 11)
STAMP = ".installed"
"""The file ``make`` also uses to mark a finished environment (``$(VENV)/.installed``)."""
HASH_STAMP = ".installed-inputs"
"""What the environment was built from: a hash of :data:`INPUTS` and the Python."""
#: Server flags for every JupyterLab the collection starts (``make lab``, ``start.py``, the
#: browser tests). jupytext's server extension is switched off: the notebooks' MyST text twins
#: (text/, for maintainers' review) are written by scripts, never by a Lab save, and a
#: twin newer than its notebook (a fresh clone's file times are arbitrary) must not change what
#: a student's notebook shows.
#: The news feed and the update check are off on the server side too (JupyterLab's documented
#: options), so that no request leaves the machine even if a student turns the news on.
LAB_SERVER_FLAGS = [
    "--ServerApp.jpserver_extensions",
    "jupyterlab_jupytext=False",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
LAB_CONFIG = Path(__file__).resolve().with_name("jupyter_config")
"""A Jupyter config folder: ``labconfig/default_setting_overrides.json`` sets the defaults of
JupyterLab's notification settings to "never fetch news" (no first-start question) and "never
check for updates", and opens Markdown files (the reading list, the READMEs) rendered, so that
a citation's link lands on its entry. Students may still change them in the Settings editor."""
TOOLS = {
    "selfcheck": "rapprochement.selfcheck",
    "selfstudy": "rapprochement.selfstudy",
}
"""``python start.py <tool> ...`` runs ``python -m <module> ...`` in the environment."""


class LaunchError(RuntimeError):
    """A step failed; the message says which and why."""


def venv_python(venv: Path) -> Path:
    """The interpreter inside ``venv`` (``Scripts/python.exe`` on Windows)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
"""The Python the environment is made from (not a venv's own copy, if run from one)."""


def inputs_hash(repo: Path, python: str = BASE_PYTHON) -> str:
    """sha256 of what the environment depends on: :data:`INPUTS` and the Python."""
    h = hashlib.sha256()
    for name in INPUTS:
        h.update(name.encode())
        h.update((repo / name).read_bytes())
    h.update(f"{sys.version_info[:3]} {Path(python).resolve()}".encode())
    return h.hexdigest()


def is_current(repo: Path, venv: Path) -> bool:
    """True when ``venv`` is complete and built from the present :data:`INPUTS`.

    Built by this module: the recorded hash matches. Built by ``make``: its stamp is newer than
    every input (make's own rule).
    """
    if not venv_python(venv).exists() or not (venv / STAMP).exists():
        return False
    recorded = venv / HASH_STAMP
    if recorded.exists():
        return recorded.read_text(encoding="utf-8").strip() == inputs_hash(repo)
    stamp = (venv / STAMP).stat().st_mtime
    return all(stamp >= (repo / n).stat().st_mtime for n in INPUTS)


def find_uv() -> list[str] | None:
    """The command that runs uv: ``uv`` on PATH, or ``python -m uv`` if importable."""
    exe = shutil.which("uv")
    if exe:
        return [exe]
    probe = subprocess.run(
        [sys.executable, "-m", "uv", "--version"], capture_output=True, check=False
    )
    return [sys.executable, "-m", "uv"] if probe.returncode == 0 else None


def _run(cmd: Sequence[str], failure: str, env: dict[str, str] | None = None) -> None:
    if subprocess.run(list(cmd), check=False, env=env).returncode != 0:
        raise LaunchError(failure)


def create_env(repo: Path, venv: Path, *, use_uv: bool = True) -> None:
    """A fresh ``venv`` with the pinned packages of the lock and this package (editable)."""
    if sys.version_info < MIN_PYTHON:
        raise LaunchError(
            f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed; this is "
            f"{sys.version.split()[0]} ({sys.executable})"
        )
    shutil.rmtree(venv, ignore_errors=True)
    lock = str(repo / LOCK)
    py = str(venv_python(venv))
    uv = find_uv() if use_uv else None
    if uv:
        print(f"creating {venv.name} with uv from {LOCK}", flush=True)
        _run(
            [*uv, "venv", "--quiet", "--seed", "--python", BASE_PYTHON, str(venv)],
            f"could not create {venv} with uv",
        )
        print(
            f"installing the pinned packages of {LOCK} into {venv.name} (seconds to a minute "
            "the first time; uv reports when it is done)...",
            flush=True,
        )
        # UV_EXCLUDE rather than --excludes: a uv too old to know it ignores the variable
        _run(
            [*uv, "pip", "install", "--compile-bytecode", "--python", py, "-r", lock],
            f"installing {LOCK} into {venv} failed (network? see above)",
            env={**os.environ, "UV_EXCLUDE": str(repo / EXCLUDED)},
        )
        _run(
            [
                *uv,
                "pip",
                "install",
                "--quiet",
                "--link-mode",
                "copy",
                "--python",
                py,
                "--no-deps",
                "-e",
                str(repo),
            ],
            f"installing this package into {venv} failed",
        )
    else:
        print(
            f"creating {venv.name} with venv + pip from {LOCK} (a minute or two; "
            "`python -m pip install uv` makes it faster). First Python's venv module sets up "
            "pip in it (up to half a minute, silent)...",
            flush=True,
        )
        _run(
            [BASE_PYTHON, "-m", "venv", str(venv)],
            f"could not create {venv}: is the venv module installed (Debian: python3-venv)?",
        )
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input"]
        print(
            f"installing the pinned packages of {LOCK} with pip; pip lists each one as it "
            "goes (a minute or two the first time)...",
            flush=True,
        )
        # not --quiet: pip's own lines show that something is happening
        _run([*pip, "-r", lock], f"installing {LOCK} into {venv} failed (network? see above)")
        _run(
            [*pip, "--quiet", "--no-deps", "-e", str(repo)],
            f"installing this package into {venv} failed",
        )
    _run(
        [py, "-c", "import rapprochement, jupyterlab, plotly, anywidget"],
        f"{venv} was created but the packages do not import (see above)",
    )
    (venv / HASH_STAMP).write_text(inputs_hash(repo) + "\n", encoding="utf-8")
    (venv / STAMP).touch()


def lab_command(repo: Path, venv: Path, extra: Sequence[str] = ()) -> list[str]:
    """``jupyter lab`` with the flags of ``make lab`` (``LAB_FLAGS``), then ``extra``."""
    cmd = [str(venv_python(venv)), "-m", "jupyter", "lab"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers run as root; make lab adds it there too
    cmd += [f"--ServerApp.root_dir={repo}", f"--LabApp.default_url=/lab/tree/{START}"]
    return cmd + LAB_SERVER_FLAGS + list(extra)


def lab_env(venv: Path) -> dict[str, str]:
    """The environment's own kernel spec first, even if the user has another "python3"; the
    collection's lab settings (:data:`LAB_CONFIG`) before the user's other config folders."""
    env = os.environ.copy()
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    extra = env.get("JUPYTER_CONFIG_PATH", "")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(LAB_CONFIG), extra) if p)
    return env


def ensure_env(repo: Path, venv: Path, *, use_uv: bool = True) -> None:
    """Create ``venv`` unless it is current (:func:`is_current`); says what it does."""
    if not is_current(repo, venv):
        print(
            f"{venv.name} is missing or out of date: creating it first (this happens once)",
            flush=True,
        )
        create_env(repo, venv, use_uv=use_uv)


def run_tool(name: str, args: Sequence[str], repo: Path = REPO, venv_name: str = ".venv") -> int:
    """``python start.py <name> args``: the tool's module run in the environment.

    Paths in ``args`` are taken from the current folder, as typed. Returns the tool's exit
    status (1 when the environment cannot be made).
    """
    venv = (repo / venv_name).resolve()
    try:
        ensure_env(repo, venv)
    except LaunchError as exc:
        print(f"start.py: {exc}", file=sys.stderr)
        return 1
    cmd = [str(venv_python(venv)), "-m", TOOLS[name], *args]
    env = os.environ.copy()
    env.pop("PYTHONHOME", None)
    return subprocess.run(cmd, env=env, check=False).returncode


def main(argv: Sequence[str] | None = None, repo: Path = REPO) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in TOOLS:
        return run_tool(argv[0], argv[1:], repo)
    parser = argparse.ArgumentParser(
        prog="python start.py",
        description="Create .venv if needed and open JupyterLab at the start page. "
        "Other arguments are passed to `jupyter lab`. Students' tools: "
        "`python start.py selfcheck <notebook>` (check a saved problem set against the "
        "hidden tests) and `python start.py selfstudy` (self-study copies with model "
        "answers); add --help after either for its options.",
    )
    parser.add_argument("--venv", default=".venv", help="environment folder (default .venv)")
    parser.add_argument("--no-uv", action="store_true", help="use venv + pip even if uv exists")
    parser.add_argument("--setup-only", action="store_true", help="create .venv, do not start")
    args, extra = parser.parse_known_args(argv)
    venv = (repo / args.venv).resolve()
    try:
        ensure_env(repo, venv, use_uv=not args.no_uv)
    except LaunchError as exc:
        print(f"start.py: {exc}", file=sys.stderr)
        return 1
    if args.setup_only:
        return 0
    cmd = lab_command(repo, venv, extra)
    print(
        f"Opening JupyterLab at the start page, {START}. If no browser opens, use the\n"
        f"http://localhost:.../lab/tree/{START}?token=... link printed below.",
        flush=True,
    )
    os.chdir(repo)
    if os.name == "posix":
        # become the server: Ctrl-C and signals reach it directly, nothing is left behind
        os.execve(cmd[0], cmd, lab_env(venv))
    try:
        return subprocess.run(cmd, env=lab_env(venv), check=False).returncode
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
