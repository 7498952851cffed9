"""Helpers for the provenance tests: URLs, figures and copied word runs in a note."""

from __future__ import annotations

import re

URL = re.compile(r"https?://[^\s),;']+")
# Quoted words are quotations (titles of documents, phrases from a source) and stay verbatim.
QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: The longest run of words (quotations, URLs and figures left out) that a description or note
#: may share with the source file's text before it counts as copied.
MAX_SHARED_RUN = 6


def urls(text: str) -> set[str]:
    """The URLs in a text (a full stop right after a URL ends the sentence, not the URL)."""
    return {u.rstrip(".") for u in URL.findall(text)}


def figures(text: str) -> list[str]:
    """The numbers in a text outside its URLs."""
    return NUMBER.findall(URL.sub(" ", text))


def words(text: str) -> list[str]:
    """Lower-case words with URLs, quotations and figures removed (a removed span breaks a run)."""
    text = QUOTED.sub(" | ", URL.sub(" | ", text))
    text = re.sub(r"\S*\d\S*", " | ", text)  # figures, dates, "$100bn", "7-10"
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\|", text.lower())


def longest_shared_run(ours: str, theirs: str) -> int:
    """The longest run of words two texts share (quotations, URLs and figures left out)."""
    a, b = words(ours), words(theirs)
    best = 0
    # dynamic programming over common suffixes; "|" never matches
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1] and a[i - 1] != "|":
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def lost(theirs: str, ours: str) -> list[str]:
    """The URLs and figures of ``theirs`` that ``ours`` does not keep."""
    missing = sorted(urls(theirs) - urls(ours))
    missing += [n for n in figures(theirs) if n not in URL.sub(" ", ours)]
    return missing
