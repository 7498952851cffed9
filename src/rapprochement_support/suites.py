"""Which environment each test folder runs in: a folder run in the wrong one stops with the reason.

Suite membership is the folder (see pyproject.toml, [tool.pytest.ini_options]); the conftest of
a folder that needs an extra calls :func:`require` at import, so that `pytest tests/grading` in
the student environment reports "run make grading-test" instead of collecting nothing or
skipping quietly.
"""

from __future__ import annotations

import importlib.util

import pytest


def require(folder: str, modules: list[str], target: str) -> None:
    """Stop the run when one of ``modules`` is missing from the running environment."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        pytest.exit(
            f"{folder} runs in the environment of `make {target}` "
            f"(this one lacks {', '.join(missing)}); run `make {target}`",
            returncode=4,
        )
