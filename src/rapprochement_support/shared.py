"""The shared folder (the project's source files and paper notes), where it is, if anywhere.

It is not part of the collection: data/sources/ was built from its ``data-sources/`` and the
manifest's claims from its ``paper/argument-map.md``. The checks that compare with them run
only where the folder is found and otherwise skip, saying what did not run and how to run it.
Looked for, in order: ``$RAPPROCHEMENT_SHARED``; ``shared/`` beside this checkout; ``shared/``
beside the main checkout when this is a git worktree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _candidates() -> list[Path]:
    found = []
    if os.environ.get("RAPPROCHEMENT_SHARED"):
        found.append(Path(os.environ["RAPPROCHEMENT_SHARED"]))
    found.append(REPO.parent / "shared")
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        common = ""
    if common:
        found.append(Path(common).parent.parent / "shared")
    return found


def find(inside: str) -> Path | None:
    """``shared/<inside>`` (a file or a folder), or None when no shared folder has it."""
    return next((p / inside for p in _candidates() if (p / inside).exists()), None)


def needs(inside: str, check: str) -> pytest.MarkDecorator:
    """Skip unless ``shared/<inside>`` is found; the reason names ``check``, which did not run."""
    looked = ", ".join(str(p / inside) for p in _candidates())
    return pytest.mark.skipif(
        find(inside) is None,
        reason=f"not run: {check} (needs {inside} of the shared folder; looked in {looked}; "
        "set RAPPROCHEMENT_SHARED=folder)",
    )


SOURCES = find("data-sources/events.csv") and find("data-sources")
needs_sources = needs(
    "data-sources/events.csv",
    "data/sources/ keeps the shared files' figures, dates and URLs without copying their words",
)
