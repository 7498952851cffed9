"""Each work's identifier points at the work itself: the review items of the December 2026
content review (review pages, another work's address) stay fixed, and a review is named in the
entry's note, never given as its address."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = json.loads((ROOT / "data" / "bibliography.json").read_text(encoding="utf-8"))
#: Addresses the review found on the wrong work (a review, or another work).
WRONG = (
    "slavic-review",  # Ziegler's review of Kaczmarski (2015)
    "2144235",  # Padelford's 1949 review of Morgenthau (1948), JSTOR
    "capsule-review",  # Foreign Affairs capsule review of Wendt (1999)
    "muse.jhu.edu",  # Wishnick's review of Wilson (2004), Project MUSE
)
REVIEW_NOTE = re.compile(r"\breview(?:ed)? by\b|\bcapsule review\b", re.I)


def identifier_problem(entry: dict) -> str | None:
    """Why the entry's DOI/URL is not an identifier of the work itself, or None."""
    address = f"{entry.get('URL', '')} {entry.get('DOI', '')}".lower()
    for mark in WRONG:
        if mark in address:
            return f"address {mark!r} is a review or another work"
    if entry.get("type") != "review" and re.search(r"/reviews?/|book-review", address):
        return "the address is a review page"
    return None


def test_identifier_rules() -> None:
    assert identifier_problem({"URL": "https://www.jstor.org/stable/2144235"}) is not None
    assert identifier_problem({"URL": "https://x.org/book-review/abc"}) is not None
    assert identifier_problem({"ISBN": "9780804758796"}) is None


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_identifier_is_of_the_work_itself(entry: dict) -> None:
    problem = identifier_problem(entry)
    assert problem is None, f"{entry['id']}: {problem}"


def test_a_review_is_named_in_the_note_without_being_the_address() -> None:
    reviewed = [e for e in ENTRIES if REVIEW_NOTE.search(e.get("note", ""))]
    assert {"kaczmarski2015post", "wilson2004strategic", "morgenthau1948politics"} <= {
        e["id"] for e in reviewed
    }
    for e in reviewed:
        assert e.get("ISBN") or e.get("DOI") or e["custom"].get("no_identifier"), e["id"]
