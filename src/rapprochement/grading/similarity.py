"""Similarity hints: pairs of submissions whose answers are unusually alike.

A hint for a closer look, never a verdict: short answers to the same question converge, and
students may work together where the course allows it.

Method: winnowing fingerprints (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
for document fingerprinting", SIGMOD 2003; the method of MOSS), on text normalised first:

* **code**: Python's ``tokenize``; comments and layout dropped; every name the student
  introduced (any name not in the problem set's starter or setup text, not a keyword and not a
  built-in) becomes ``V``, strings become ``S``; numbers, operators and the names of the
  course's functions stay. Renamed variables therefore still match.
* **written answers**: lower-case words.

Fingerprints are taken within each statement (code) or sentence (text), so that moving lines
or sentences around changes nothing. Fingerprints found in the starter text are removed, and so
are those shared by more than :data:`COMMON_SHARE` of the class (idioms everyone writes). The
score of a pair is the Dice coefficient of their fingerprint sets (1 = same set).
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from rapprochement.grading.answers import strip_magics

__all__ = [
    "HINT_THRESHOLD",
    "Document",
    "Pair",
    "code_units",
    "rank_pairs",
    "text_units",
]

HINT_THRESHOLD = 0.5
"""Pairs at or above this score are listed as worth a closer look."""
COMMON_SHARE = 0.5
"""A fingerprint found in more than this share of the submissions is ignored."""
MIN_FINGERPRINTS = 4
"""Submissions with fewer fingerprints left (blank, only the starter) are not compared."""
CODE_K, CODE_W = 5, 2
TEXT_K, TEXT_W = 4, 2

_BUILTINS = set(dir(builtins))


@dataclass
class Unit:
    """A statement or sentence: its original text and its normalised tokens."""

    text: str
    tokens: list[str]


@dataclass
class Document:
    key: str
    units: list[Unit]
    prints: dict[int, list[int]] = field(default_factory=dict)
    """fingerprint -> indices of the units it was found in."""


@dataclass
class Pair:
    a: str
    b: str
    score: float
    shared: int
    passages: list[tuple[str, str]]
    """(text in a, text in b) for each unit of ``a`` that shares fingerprints with ``b``."""


def _names(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def code_units(source: str, known: set[str]) -> list[Unit]:
    """The logical lines of ``source`` with names the student introduced replaced by ``V``."""
    lines = strip_magics(source).splitlines(keepends=True)
    units: list[Unit] = []
    tokens: list[str] = []
    first_row = 1
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                continue
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if tokens:
                    text = "".join(lines[first_row - 1 : tok.start[0]]).strip()
                    units.append(Unit(text, tokens))
                tokens, first_row = [], tok.end[0] + 1
                continue
            if not tokens:
                first_row = tok.start[0]
            if tok.type == tokenize.NAME:
                word = tok.string
                keep = keyword.iskeyword(word) or word in known or word in _BUILTINS
                tokens.append(word if keep or previous == "." else "V")
            elif tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_START", -1):
                tokens.append("S")
            elif tok.type in (
                getattr(tokenize, "FSTRING_MIDDLE", -1),
                getattr(tokenize, "FSTRING_END", -1),
            ):
                continue
            else:
                tokens.append(tok.string)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # code that does not tokenise: compare it line by line as words
        return [u for u in text_units(source) if u.tokens]
    return units


def text_units(text: str) -> list[Unit]:
    """The sentences of ``text`` (split at . ! ? and line ends), as lower-case words."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [Unit(p.strip(), re.findall(r"\w+", p.lower())) for p in parts if p.strip()]


def _hash(gram: tuple[str, ...]) -> int:
    digest = hashlib.blake2b("\x1f".join(gram).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def winnow(hashes: list[int], w: int) -> set[int]:
    """The minimum of every window of ``w`` consecutive hashes (all of them if fewer)."""
    if not hashes:
        return set()
    if w <= 1:
        return set(hashes)
    if len(hashes) <= w:
        return {min(hashes)}
    return {min(hashes[i : i + w]) for i in range(len(hashes) - w + 1)}


def fingerprints(units: list[Unit], k: int, w: int) -> dict[int, list[int]]:
    """fingerprint -> units it occurs in; k-grams within each unit (a short unit is one gram)."""
    out: dict[int, list[int]] = {}
    for index, unit in enumerate(units):
        toks = unit.tokens
        grams = [tuple(toks[i : i + k]) for i in range(max(1, len(toks) - k + 1))] if toks else []
        for fp in winnow([_hash(g) for g in grams], w):
            out.setdefault(fp, []).append(index)
    return out


def rank_pairs(docs: list[Document], starter: list[Unit], *, code: bool = True) -> list[Pair]:
    """Every pair with a shared fingerprint, highest score first (starter and idioms removed)."""
    k, w = (CODE_K, CODE_W) if code else (TEXT_K, TEXT_W)
    excluded = set(fingerprints(starter, k, 1))
    for doc in docs:
        doc.prints = {
            fp: units for fp, units in fingerprints(doc.units, k, w).items() if fp not in excluded
        }
    counts = Counter(fp for doc in docs for fp in doc.prints)
    common = {fp for fp, n in counts.items() if n > max(2, COMMON_SHARE * len(docs))}
    usable = []
    for doc in docs:
        doc.prints = {fp: u for fp, u in doc.prints.items() if fp not in common}
        if len(doc.prints) >= MIN_FINGERPRINTS:
            usable.append(doc)
    pairs = []
    for a, b in combinations(usable, 2):
        shared = set(a.prints) & set(b.prints)
        if not shared:
            continue
        score = 2 * len(shared) / (len(a.prints) + len(b.prints))
        pairs.append(Pair(a.key, b.key, score, len(shared), _passages(a, b, shared)))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


def _passages(a: Document, b: Document, shared: set[int]) -> list[tuple[str, str]]:
    """For each unit of a with shared fingerprints, the unit of b sharing the most with it."""
    out = []
    for index, unit in enumerate(a.units):
        mine = {fp for fp in shared if index in a.prints[fp]}
        if not mine:
            continue
        votes = Counter(j for fp in mine for j in b.prints[fp])
        best = votes.most_common(1)[0][0]
        out.append((unit.text, b.units[best].text))
    return out


def known_names(*texts: str) -> set[str]:
    """Names the course gives (starter and setup text): these are kept, all others become V."""
    found: set[str] = set()
    for text in texts:
        try:
            readline = io.StringIO(strip_magics(text)).readline
            found |= {
                t.string for t in tokenize.generate_tokens(readline) if t.type == tokenize.NAME
            }
        except (tokenize.TokenError, IndentationError, SyntaxError):
            found |= _names(text)
    return found
