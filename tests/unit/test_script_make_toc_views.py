"""The start page's map and the README's table of notebooks are written from the manifest.

scripts/make_toc_views.py writes them; `make lint` runs its --check. These tests run the check
on the committed files and show, in a scratch copy, that a new manifest entry reaches both
views and that a hand edit fails the check.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from rapprochement import manifest

ROOT = Path(__file__).resolve().parents[2]

import make_toc_views as views  # noqa: E402  (scripts/ is on pytest's pythonpath)


def _map_cell(root: Path) -> str:
    nb = nbformat.read(root / "notebooks" / "00-start-here.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.get("id") == "00-05")


def _readme_table(root: Path) -> str:
    text = (root / "README.md").read_text(encoding="utf-8")
    return text.split(views.README_BEGIN)[1].split(views.README_END)[0]


def test_the_committed_views_agree_with_the_manifest() -> None:
    assert views.differences() == []


@pytest.mark.parametrize(
    ("where", "base"),
    [("start", ROOT / "notebooks"), ("readme", ROOT)],
)
def test_every_link_of_the_views_resolves_and_every_entry_is_listed(where: str, base: Path) -> None:
    text = _map_cell(ROOT) if where == "start" else _readme_table(ROOT)
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", text)
    for link in links:
        assert (base / link).resolve().is_file(), link
    m = manifest.load()
    stems = [Path(link).stem for link in links]
    # every notebook but the start page, and every problem set, each once
    expected = m.stems()[1:] + list(m.problem_sets)
    assert sorted(stems) == sorted(expected)


def test_a_problem_set_is_listed_after_the_last_notebook_it_builds_on() -> None:
    m = manifest.load()
    order = [Path(link).stem for link in re.findall(r"\]\(([^)]+\.ipynb)\)", _map_cell(ROOT))]
    for name in m.problem_sets:
        last = m.notebooks_for_problem_set(name)[-1].stem
        assert order.index(name) > order.index(last), name
        following = order[order.index(last) + 1 : order.index(name)]
        assert all(s.startswith("ps") for s in following), (name, following)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    for rel in (
        "README.md",
        "text/_toc.yml",
        "pyproject.toml",
        "notebooks/00-start-here.ipynb",
        "text/00-start-here.md",
        "solutions/instructor-guide.md",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    assert views.differences(tmp_path) == []
    return tmp_path


def test_a_new_manifest_entry_reaches_both_views(scratch: Path) -> None:
    toc = scratch / "text" / "_toc.yml"
    entry = (
        "      - file: 10-new-reading\n"
        '        title: "10 · A new reading"\n'
        "        meta: {paragraphs: [4, 5, 6], claims: [], quiz: null, problem_sets: [],"
        ' covers: "a test entry", sessions: [3, 6]}\n'
    )
    text = toc.read_text(encoding="utf-8")
    anchor = '  - caption: "Explore and look up"\n'
    toc.write_text(text.replace(anchor, entry + anchor), encoding="utf-8")

    assert len(views.differences(scratch)) == 3
    assert set(views.write(scratch)) == {
        "notebooks/00-start-here.ipynb",
        "README.md",
        "solutions/instructor-guide.md",
    }
    guide = (scratch / "solutions/instructor-guide.md").read_text(encoding="utf-8")
    assert "| 10 A new reading | ¶4-6 | (none) | 3 | 6 |" in guide
    row = "| [10 A new reading]({}10-new-reading.ipynb) | ¶4-6 | a test entry |"
    assert row.format("") in _map_cell(scratch)
    assert row.format("notebooks/") in _readme_table(scratch)
    assert "10-new-reading.ipynb" in (scratch / "text/00-start-here.md").read_text()
    assert views.differences(scratch) == []


def test_a_hand_edit_of_the_readme_table_fails_the_check(scratch: Path) -> None:
    readme = scratch / "README.md"
    readme.write_text(readme.read_text().replace("| ¶9 | the trade record", "| ¶8-9 | the trade"))
    assert views.differences(scratch) == [
        "README.md: the table of notebooks differs from the manifest"
    ]
    assert views.main(["--check", "--root", str(scratch)]) == 1


def test_paragraph_lists_are_written_as_runs() -> None:
    assert manifest.format_paragraphs((1, 2)) == "¶1-2"
    assert manifest.format_paragraphs((9, 5)) == "¶5, ¶9"
    assert manifest.format_paragraphs((1, 5, 7, 8, 9, 11)) == "¶1, ¶5, ¶7-9, ¶11"
    assert manifest.format_paragraphs(()) == ""


def test_a_hand_edit_of_the_guide_table_fails_the_check(scratch: Path) -> None:
    guide = scratch / "solutions" / "instructor-guide.md"
    text = guide.read_text(encoding="utf-8")
    row = "| 03 Trust and pragmatism | ¶5 | C05, C06 | 1 | 2 |"
    assert row in text
    guide.write_text(text.replace(row, row.replace("| 1 | 2 |", "| 1 | 3 |")), encoding="utf-8")
    assert views.differences(scratch) == [
        "solutions/instructor-guide.md: the table of sequences differs from the manifest"
    ]
