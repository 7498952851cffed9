"""The grading suite: `make grading-test`, in the instructor environment (.venv-grading).

Every file here runs there (the folder is the suite); in another environment the run stops with
that reason (rapprochement_support.suites).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from rapprochement_support import suites

suites.require("tests/grading", ["nbgrader", "nh3", "pyseccomp"], "grading-test")

# nbgrader needs the `alembic` command of its own environment on PATH
_bin = str(Path(sys.executable).parent)
os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

TIMEOUT = 5
"""Per-cell limit for the tests: small, so that the infinite loop costs little."""


def sandbox_problem() -> str:
    """Why no sandbox works here ("" when one does); the batch tests skip on it, except in CI."""
    from rapprochement.grading.sandbox import probe

    return probe()


def require_sandbox() -> None:
    import pytest

    why = sandbox_problem()
    if why:
        if os.environ.get("RAPPROCHEMENT_REQUIRE_SANDBOX"):
            pytest.fail(f"no working sandbox: {why}")
        pytest.skip(f"no working sandbox here: {why}")


def sandbox_processes() -> list[str]:
    """Processes still running under a sandbox uid (1000000 and up) from this environment
    (other checkouts on the same machine may be grading at the same time)."""
    found = []
    prefix = sys.prefix.encode()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            command = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        uid = int(next(line for line in text.splitlines() if line.startswith("Uid:")).split()[1])
        if uid >= 1_000_000 and prefix in command:
            found.append(f"{status.parent.name} uid {uid}")
    return found


def checksums(folder: Path) -> dict[str, str]:
    """sha256 and mode of every file under ``folder``."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        out[str(path.relative_to(folder))] = (
            hashlib.sha256(path.read_bytes()).hexdigest() + f":{path.stat().st_mode:o}"
        )
    return out


def pytest_configure(config):
    # nbgrader's gradebook triggers SQLAlchemy autoflush warnings on every submission, and the
    # test cells nbgrader re-adds carry no cell id; both are harmless here
    config.addinivalue_line("filterwarnings", "ignore::sqlalchemy.exc.SAWarning")
    config.addinivalue_line("filterwarnings", "ignore:Cell is missing an id field")
