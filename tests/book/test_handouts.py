"""Each seminar handout PDF holds every discussion prompt of its notebook (text extraction)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from rapprochement import manifest

pytestmark = pytest.mark.browser
M = manifest.load()
ROOT = Path(__file__).resolve().parents[2]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # ligatures: "ﬁ" -> "fi"
    text = re.sub(r"[*_`#>\[\]]", "", text)
    text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _pdf_text(path: Path) -> str:
    return _norm(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def _prompts(stem: str) -> list[tuple[str, str]]:
    """(heading, first sentence of the body) of each cell tagged `discussion`."""
    import nbformat

    out = []
    for cell in nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells:
        if "discussion" in cell.get("metadata", {}).get("tags", []):
            lines = cell.source.strip().splitlines()
            body = " ".join(lines[1:]).strip()
            body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)  # links: keep their text
            words = _norm(body).split()[:10]
            out.append((_norm(lines[0]), " ".join(words)))
    return out


@pytest.mark.parametrize("stem", M.stems())
def test_each_handout_has_every_prompt_of_its_notebook(handouts: Path, stem: str) -> None:
    prompts = _prompts(stem)
    assert prompts, f"{stem} has no discussion prompt"
    student = _pdf_text(handouts / "student" / f"{stem}.pdf")
    instructor = _pdf_text(handouts / "instructor" / f"{stem}.pdf")
    for heading, opening in prompts:
        for copy, text in (("student", student), ("instructor", instructor)):
            assert heading in text, f"{copy} copy of {stem} lacks the prompt {heading!r}"
            assert opening in text, f"{copy} copy of {stem} lacks the text {opening!r}"
    assert "objectives" in student
    nb = M.notebook(stem)
    for claim in nb.claims:
        assert claim.lower() in student


@pytest.mark.parametrize("stem", M.stems())
def test_only_the_instructor_copy_has_the_facilitation_notes(handouts: Path, stem: str) -> None:
    student = _pdf_text(handouts / "student" / f"{stem}.pdf")
    instructor = _pdf_text(handouts / "instructor" / f"{stem}.pdf")
    n = len(_prompts(stem))
    assert instructor.count("facilitation notes") == n
    assert "no note for this prompt" not in instructor
    assert instructor.count("strong answers") >= n
    assert "facilitation notes" not in student and "strong answers" not in student
    assert "student copy" in student and "instructor copy" in instructor
