"""Positionality of the readings' venues: every Chinese, Russian or Western reading in
data/bibliography.json carries a short, neutral note on where it appeared (custom.venue), and
the reading list, where every citation in the notebooks leads, shows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VOICES = ("Chinese", "Russian", "Western")
#: Words that pass judgement on a work or its author rather than describe the venue.
VERDICTS = re.compile(
    r"\b(?:propaganda|mouthpiece|biased|unreliable|trustworthy|excellent|authoritative)\b", re.I
)


def _readings() -> list[dict]:
    entries = json.loads((ROOT / "data" / "bibliography.json").read_text(encoding="utf-8"))
    return [e for e in entries if e["custom"]["perspective"] in VOICES]


def venue_problem(note: str) -> str | None:
    """Why ``note`` is not a usable venue note, or None."""
    if len(note.split()) < 8:
        return "too short to say what the venue is"
    if len(note.split()) > 90:
        return "longer than 90 words"
    if VERDICTS.search(note):
        return f"passes a verdict ({VERDICTS.search(note).group(0)!r})"
    return None


def test_venue_problem_rules() -> None:
    assert venue_problem("Polity, a UK academic publisher with peer review.") is None
    assert venue_problem("A journal.") == "too short to say what the venue is"
    assert venue_problem("State media, in effect a mouthpiece of the party leadership.") == (
        "passes a verdict ('mouthpiece')"
    )


@pytest.mark.parametrize("entry", _readings(), ids=lambda e: e["id"])
def test_every_reading_has_a_neutral_venue_note(entry: dict) -> None:
    note = entry["custom"].get("venue", "")
    assert note, f"{entry['id']}: no custom.venue"
    problem = venue_problem(note)
    assert problem is None, f"{entry['id']}: {problem}"


def test_the_reading_list_shows_each_venue() -> None:
    page = (ROOT / "docs" / "reading-list.md").read_text(encoding="utf-8")
    for entry in _readings():
        line = next(x for x in page.splitlines() if f'<a id="{entry["id"]}"></a>' in x)
        assert f"Venue: {entry['custom']['venue']}" in line, entry["id"]
