"""text/_toc.yml (the one manifest) agrees with the notebooks, quizzes and problem sets."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from rapprochement import manifest
from rapprochement_support import shared

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(scope="module")
def m() -> manifest.Manifest:
    return manifest.load()


def _cells(stem: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"^\s*\d{2}\s*[·.:-]?\s*", "", text)  # leading "06 · "
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _paragraph_numbers(text: str) -> set[int]:
    """¶ numbers in a heading: "(¶1-2)" -> {1, 2}; "(¶7–¶8)" -> {7, 8}; "¶9" -> {9}."""
    found: set[int] = set()
    for a, b in re.findall(r"¶(\d+)(?:\s*[-–]\s*¶?(\d+))?", text):
        found.update(range(int(a), int(b or a) + 1))
    return found


def test_the_manifest_lists_exactly_the_notebooks_on_disk_in_order(m: manifest.Manifest) -> None:
    on_disk = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert m.stems() == on_disk


def test_claims_match_the_discussion_cells_tags(m: manifest.Manifest) -> None:
    for nb in m.notebooks:
        tagged = {
            t.removeprefix("claim-")
            for cell in _cells(nb.stem)
            if "discussion" in cell.get("metadata", {}).get("tags", [])
            for t in cell["metadata"]["tags"]
            if t.startswith("claim-")
        }
        assert set(nb.claims) == tagged, nb.stem
        assert len(nb.claims) == len(set(nb.claims)), f"{nb.stem} lists a claim twice"


def test_every_claim_of_the_map_is_discussed_somewhere(m: manifest.Manifest) -> None:
    assert sorted(m.claims) == [f"C{i:02d}" for i in range(1, 21)]
    for cid in m.claims:
        assert m.notebooks_for_claim(cid), f"{cid} has no discussion prompt in any notebook"


def test_titles_and_paragraphs_agree_with_each_notebooks_heading(m: manifest.Manifest) -> None:
    for nb in m.notebooks:
        heading = next(
            line
            for cell in _cells(nb.stem)
            if cell["cell_type"] == "markdown"
            for line in _source(cell).splitlines()
            if line.startswith("# ")
        )
        assert _norm(heading[2:]).startswith(_norm(nb.title)), (nb.stem, heading, nb.title)
        cited = _paragraph_numbers(heading)
        if cited:  # headings that cite ¶ must cite the manifest's paragraphs
            assert cited == set(nb.paragraphs), (nb.stem, heading, nb.paragraphs)


def test_each_quiz_exists_and_is_the_one_the_notebook_shows(m: manifest.Manifest) -> None:
    quizzes = ROOT / "src" / "rapprochement" / "quizzes"
    for nb in m.notebooks:
        shown = {
            q
            for cell in _cells(nb.stem)
            if cell["cell_type"] == "code"
            for q in re.findall(r"quiz\.show\(\s*[\"']([^\"']+)", _source(cell))
        }
        assert shown == ({nb.quiz} if nb.quiz else set()), nb.stem
        if nb.quiz:
            assert (quizzes / f"{nb.quiz}.json").is_file(), nb.quiz


def test_each_quiz_file_belongs_to_one_notebook(m: manifest.Manifest) -> None:
    quizzes = ROOT / "src" / "rapprochement" / "quizzes"
    named = [nb.quiz for nb in m.notebooks if nb.quiz]
    assert len(named) == len(set(named)), "two notebooks show the same quiz"
    assert sorted(named) == sorted(p.stem for p in quizzes.glob("*.json"))


def test_problem_sets_exist_and_name_their_notebooks(m: manifest.Manifest) -> None:
    listed = {ps for nb in m.notebooks for ps in nb.problem_sets}
    on_disk = {p.parent.name for p in (ROOT / "exercises").glob("*/*.ipynb")}
    assert listed == on_disk == set(m.problem_sets)
    assert on_disk == {p.name for p in (ROOT / "solutions" / "source").iterdir() if p.is_dir()}
    for ps in listed:
        intro = _source(
            json.loads(next((ROOT / "exercises" / ps).glob("*.ipynb")).read_text())["cells"][0]
        )
        # "**Builds on** notebook 06 (...)" / "**Builds on** notebooks 03 (...), 05 (...) and 09"
        sentence = re.search(r"Builds on\*?\*? notebooks? (.*?)(?:;|\.\s|\n\n)", intro, re.S)
        assert sentence, f"{ps}: no 'Builds on notebook ...' sentence"
        named = set(re.findall(r"(?<![¶\d])(\d{2})\b", sentence.group(1)))
        manifest_says = {nb.number for nb in m.notebooks if ps in nb.problem_sets}
        assert named == manifest_says, ps


def test_problem_set_titles_and_paragraphs_agree_with_their_headings(
    m: manifest.Manifest,
) -> None:
    for ps in m.problem_sets.values():
        cells = json.loads((ROOT / ps.path).read_text(encoding="utf-8"))["cells"]
        heading = _source(cells[0]).splitlines()[0]
        # "# Problem set 1: Trade statistics behind ¶9 (15 points)"
        assert heading.startswith(f"# {ps.title} ("), (ps.name, heading)
        cited = {int(p) for c in cells for p in re.findall(r"¶(\d+)", _source(c))}
        assert set(ps.paragraphs) <= cited, (ps.name, sorted(cited))


@shared.needs("paper/argument-map.md", "the manifest's claims agree with the argument map")
def test_claim_paragraphs_agree_with_the_argument_map(m: manifest.Manifest) -> None:
    argument_map = shared.find("paper/argument-map.md")
    assert argument_map is not None
    rows = re.findall(
        r"^\|\s*(C\d{2})\s*\|\s*([\d,\s]+)\|\s*([^|]+?)\s*\|", argument_map.read_text(), re.M
    )
    assert len(rows) == 20
    for cid, paragraphs, kind in rows:
        claim = m.claims[cid]
        assert claim.paragraphs == tuple(int(p) for p in paragraphs.split(",")), cid
        assert claim.kind == kind, cid


def test_pages_name_sources_that_exist_unless_optional(m: manifest.Manifest) -> None:
    for page in m.pages:
        if page.source.startswith("rapprochement."):
            continue
        assert page.optional or (ROOT / page.source).is_file(), page.source


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: jb-book\nroot: 00-a\n", "meta.claims is empty"),
        ("root: 00-a\n", "jb-book"),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "parts:\n- chapters:\n  - {file: 01-b, title: B, meta: {claims: [C02]}}\n",
            "not in the top-level claims table",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [13]}}\n",
            "1-12",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "parts:\n- chapters:\n  - {file: 02-b, title: B, meta: {}}\n"
            "  - {file: 01-c, title: C, meta: {}}\n",
            "numeric order",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "parts:\n- chapters:\n  - {file: 01-b, title: B, meta: {problem_sets: [ps1-x]}}\n",
            "not in the top-level problem_sets table",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "  problem_sets: {ps1-x: {title: X, paragraphs: [1]}}\n",
            "no notebook names them",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "  problem_sets: {ps1-x: {paragraphs: [1]}}\n",
            "needs a title",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "parts:\n- chapters:\n  - {file: 01-b, title: B, meta: {claim: [C01]}}\n",
            "unknown meta keys ['claim']",
        ),
        (
            "format: jb-book\nroot: 00-a\nmeta:\n  claims: {C01: {paragraphs: [1]}}\n"
            "parts:\n- chapters:\n  - {file: 01-b, title: B, meta: {sessions: [4, 1]}}\n",
            "sessions is [session of the three-session course (1-3)",
        ),
    ],
)
def test_malformed_manifests_are_refused_with_a_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "_toc.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(manifest.ManifestError, match=re.escape(message)):
        manifest.load(path)
