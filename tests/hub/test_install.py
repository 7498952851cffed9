"""deploy/install.sh stopping with its own clear error leaves nothing that breaks the next run.

The whole install, an interrupted run and its recovery are run by the hub test's fixture
(conftest.py, test_term.py); this one only goes as far as install.sh's check that every user can
run the environment's Python, which takes seconds and starts no hub.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from rapprochement_support import hubctl

pytestmark = pytest.mark.hub


def test_a_python_other_users_cannot_run_is_refused_and_removed(hub_available, tmp_path):
    if shutil.which("uv") is None and shutil.which("python3") is None:
        pytest.skip("no uv or python3 to build an environment with")
    # a Python only root can reach, as one under /root or a private pyenv would be
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    python = private / "python3"
    shutil.copy2("/usr/bin/python3", python)
    tmp_path.chmod(0o755)
    prefix = tmp_path / "opt" / "rapprochement"
    env = os.environ.copy()
    env.update(
        PREFIX=str(prefix),
        EXCHANGE=str(tmp_path / "exchange"),
        STAFF=str(tmp_path / "staff"),
        STUDENTS="root",  # groups that exist: this run must make none
        INSTRUCTORS="root",
        AUTHORS="root",
        PYTHON=str(python),
    )
    try:
        proc = subprocess.run(
            ["bash", str(hubctl.DEPLOY / "install.sh")], env=env, capture_output=True, text=True
        )
        env_left = (prefix / ".venv-hub").exists()
    finally:
        shutil.rmtree(prefix, ignore_errors=True)  # a copy of the checkout
    assert proc.returncode == 1, proc
    assert "other users cannot run" in proc.stdout and "run install.sh again" in proc.stdout, proc
    # the environment linked to that Python is gone, so that a run with PYTHON=/usr/bin/python3
    # builds a new one instead of failing the same way (what happened before)
    assert not env_left
