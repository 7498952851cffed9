"""Every committed notebook is under 100 KB (issue 23); see docs/performance.md for what makes
a notebook heavy and what was done about it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 100 * 1024
SKIP = {".ipynb_checkpoints", "node_modules", ".git", "build", "selfstudy", "grading-output"}
#: Over the limit now, with the reason; strict, so the mark must go once the notebook is lean.
OVER = {
    "notebooks/09-hindsight.ipynb": (
        "136 KB: three plotly figures (54 KB stored), eleven tables as indented HTML plus "
        "text (38 KB); the cuts left are in tables.py and charts/ (docs/performance.md)"
    ),
}


def committed_notebooks() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        # environments (.venv*), tool folders and generated output are not walked into
        dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith((".venv", "artifacts"))]
        found += [Path(folder) / f for f in files if f.endswith(".ipynb")]
    return sorted(found)


def _param(path: Path) -> object:
    rel = path.relative_to(ROOT).as_posix()
    marks = [pytest.mark.xfail(reason=OVER[rel], strict=True)] if rel in OVER else []
    return pytest.param(path, id=rel, marks=marks)


def test_the_notebooks_are_found() -> None:
    assert any(p.parent.name == "notebooks" for p in committed_notebooks())


@pytest.mark.parametrize("path", [_param(p) for p in committed_notebooks()])
def test_notebook_is_under_100_kb(path: Path) -> None:
    size = path.stat().st_size
    assert size < LIMIT, f"{path.relative_to(ROOT)} is {size / 1024:.0f} KB (limit 100 KB)"
