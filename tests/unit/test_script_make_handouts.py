"""The instructor handouts put each prompt's own facilitation notes under it.

The guide's notes name the claims they serve ("— C12, C06") and the notebook's prompts carry
the same claims as tags (``claim-C12``): the two are written separately, so a note placed under
the wrong prompt shows as a mismatch of claims."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from rapprochement import manifest

ROOT = Path(__file__).resolve().parents[2]


def _handouts() -> ModuleType:
    import make_handouts

    return make_handouts


H = _handouts()
NOTES = H.facilitation_notes(H.GUIDE.read_text(encoding="utf-8"))


def _claims(note: str) -> set[str]:
    first = note.splitlines()[0]
    return set(re.findall(r"C\d\d", first.partition("—")[2]))


@pytest.mark.parametrize("stem", manifest.load().stems())
def test_every_prompt_gets_the_note_written_for_it(stem: str) -> None:
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    prompts = H.prompts(path)
    matched = H.match_notes(prompts, NOTES.get(stem[:2], []))
    for prompt, note in zip(prompts, matched, strict=True):
        assert note is not None, f"{stem}: no facilitation note for {prompt.title!r}"
        assert _claims(note) == set(prompt.claims), (stem, prompt.title, note.splitlines()[0])
    notes_used = [n for n in matched if n is not None]
    assert len(notes_used) == len(set(notes_used)), f"{stem}: one note under two prompts"


def test_a_note_without_a_title_names_no_prompt() -> None:
    prompt = H.Prompt("Discussion: anything at all", "", ())
    assert H.match_notes([prompt], [("", '**"" nothing**')]) == [None]
