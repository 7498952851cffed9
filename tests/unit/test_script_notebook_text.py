"""Each notebook and its MyST text twin (text/NN-name.md) say the same thing.

The check itself is scripts/notebook_text.py (run by `make lint`); these tests run it on the
committed files and show that it fails on pairs edited on one side only.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from rapprochement import manifest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

import notebook_text  # noqa: E402  (scripts/ is on pytest's pythonpath)


def test_every_notebook_of_the_manifest_has_its_text_twin_in_step() -> None:
    pairs = notebook_text.pairs()
    assert [ipynb.stem for ipynb, _, _ in pairs] == manifest.load().stems()
    assert all(text.parent == ROOT / "text" for _, text, _ in pairs)
    assert notebook_text.problems() == []


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A root with two notebooks, their texts and the jupytext configuration (pyproject.toml)."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "text").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for stem in ("00-start-here", "01-context-and-official-frame"):
        shutil.copy(NOTEBOOKS / f"{stem}.ipynb", tmp_path / "notebooks")
        shutil.copy(ROOT / "text" / f"{stem}.md", tmp_path / "text")
    assert notebook_text.problems(tmp_path) == []
    return tmp_path


def test_a_sentence_changed_in_the_text_only_fails_the_check(copy: Path) -> None:
    text = copy / "text" / "01-context-and-official-frame.md"
    body = text.read_text(encoding="utf-8")
    assert "## The argument in brief" in body
    text.write_text(body.replace("## The argument in brief", "## The argument, briefly"))
    found = notebook_text.problems(copy)
    assert len(found) == 1
    assert "text/01-context-and-official-frame.md differs" in found[0]
    assert "The argument, briefly" in found[0]
    assert notebook_text.main(["--check", "--root", str(copy)]) == 1


def test_a_tag_changed_in_the_notebook_only_fails_the_check(copy: Path) -> None:
    path = copy / "notebooks" / "00-start-here.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "discussion" in c["metadata"].get("tags", []))
    cell["metadata"]["tags"].append("claim-C05")
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    found = notebook_text.problems(copy)
    assert len(found) == 1 and "claim-C05" in found[0]


def test_a_missing_or_orphan_text_fails_the_check(copy: Path) -> None:
    (copy / "text" / "00-start-here.md").rename(copy / "text" / "00-renamed.md")
    found = notebook_text.problems(copy)
    assert any("text/00-start-here.md: missing" in p for p in found)
    assert any("00-renamed.md: no notebook" in p for p in found)


def test_writing_from_the_notebooks_brings_the_pair_back_in_step(copy: Path) -> None:
    text = copy / "text" / "00-start-here.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nstray line\n", encoding="utf-8")
    assert notebook_text.write(copy) == [text]
    assert notebook_text.problems(copy) == []


def test_an_edit_in_the_text_reaches_the_notebook_with_ids_and_outputs_kept(copy: Path) -> None:
    """The recipe's way back: `jupytext --sync text/NN-name.md`."""
    from jupytext.cli import jupytext as jupytext_cli

    path = copy / "notebooks" / "01-context-and-official-frame.ipynb"
    before = json.loads(path.read_text(encoding="utf-8"))
    text = copy / "text" / "01-context-and-official-frame.md"
    body = text.read_text(encoding="utf-8")
    text.write_text(body.replace("## The argument in brief", "## The argument, briefly"))
    # the text must be the newer file for --sync to take its inputs
    stamp = path.stat().st_mtime + 10
    os.utime(text, (stamp, stamp))
    jupytext_cli(["--sync", str(text), "--quiet"])
    after = json.loads(path.read_text(encoding="utf-8"))
    assert [c["id"] for c in after["cells"]] == [c["id"] for c in before["cells"]]
    assert after["metadata"]["kernelspec"] == before["metadata"]["kernelspec"]
    assert [c.get("outputs") for c in after["cells"]] == [c.get("outputs") for c in before["cells"]]
    changed = [
        (a["source"], b["source"])
        for a, b in zip(before["cells"], after["cells"], strict=True)
        if a["source"] != b["source"]
    ]
    assert len(changed) == 1 and "The argument, briefly" in "".join(changed[0][1])
    assert notebook_text.problems(copy) == []
