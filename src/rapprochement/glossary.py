"""A shared glossary of the collection's key terms (``glossary.json`` beside this module).

Each entry has a ``term``, a one- to three-sentence ``definition`` in the project's own words,
the paper's ``paragraphs`` where the term appears (empty when it is not the paper's term) and
optional ``aliases``. Lookups ignore case and accept aliases.

Key terms of the paper and of official usage also carry their Chinese and Russian forms:
``zh`` (characters) with ``pinyin`` (tone marks), and ``ru`` (Cyrillic) with ``ru_latin``, a
transliteration in a simplified BGN/PCGN style without diacritics (ё yo, ж zh, х kh, ц ts, ч ch,
ш sh, щ shch, ы y, й y, ю yu, я ya, ъ and ь dropped, е written ye at the start of a word and
after a vowel, ъ or ь). ``forms_note`` says where a form comes from or that it is a descriptive
rendering rather than an official formula. Works cited in definitions carry their bibliography
key, ``[@key]`` (``data/bibliography.json``); :func:`markdown` and :func:`show` write them as
author-year links to the reading list.

>>> from rapprochement import glossary
>>> glossary.show("axis of convenience", "Three Noes")   # in a notebook: a definition list
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import citations

__all__ = ["Entry", "definition", "entry", "forms", "markdown", "show", "terms"]

GLOSSARY_FILE = Path(__file__).with_name("glossary.json")


@dataclass(frozen=True)
class Entry:
    """One glossary entry."""

    term: str
    definition: str
    paragraphs: tuple[int, ...] = ()
    aliases: tuple[str, ...] = ()
    zh: str = ""
    pinyin: str = ""
    ru: str = ""
    ru_latin: str = ""
    forms_note: str = ""

    def has_forms(self) -> bool:
        """True when the entry gives its Chinese and Russian forms."""
        return bool(self.zh and self.ru)

    def forms_line(self) -> str:
        """The Chinese and Russian forms as one line of markdown, or an empty string."""
        if not self.has_forms():
            return ""
        return f"Chinese: {self.zh} (*{self.pinyin}*) · Russian: {self.ru} (*{self.ru_latin}*)"

    def citation(self) -> str:
        """The paper's paragraphs as ``(¶3, ¶12)``, or an empty string."""
        if not self.paragraphs:
            return ""
        return "(" + ", ".join(f"¶{p}" for p in self.paragraphs) + ")"


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


@cache
def _entries(path: Path = GLOSSARY_FILE) -> tuple[Entry, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path.name}: expected a JSON list of entries")
    entries = []
    for i, item in enumerate(raw, start=1):
        missing = {"term", "definition"} - set(item)
        if missing:
            raise ValueError(f"{path.name}: entry {i} lacks {', '.join(sorted(missing))}")
        paragraphs = tuple(int(p) for p in item.get("paragraphs", []))
        bad = [p for p in paragraphs if not 1 <= p <= 12]
        if bad:
            raise ValueError(f"{path.name}: entry {item['term']!r} cites ¶{bad[0]} (only ¶1-¶12)")
        pairs = (("zh", "pinyin"), ("ru", "ru_latin"))
        for a, b in pairs:
            if bool(item.get(a)) != bool(item.get(b)):
                name = item["term"]
                raise ValueError(f"{path.name}: entry {name!r} has {a} or {b} without the other")
        if bool(item.get("zh")) != bool(item.get("ru")):
            name = item["term"]
            raise ValueError(f"{path.name}: entry {name!r} needs both Chinese and Russian forms")
        entries.append(
            Entry(
                term=item["term"],
                definition=item["definition"],
                paragraphs=paragraphs,
                aliases=tuple(item.get("aliases", [])),
                zh=item.get("zh", ""),
                pinyin=item.get("pinyin", ""),
                ru=item.get("ru", ""),
                ru_latin=item.get("ru_latin", ""),
                forms_note=item.get("forms_note", ""),
            )
        )
    return tuple(entries)


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for e in _entries():
        for name in (e.term, *e.aliases):
            index.setdefault(_key(name), e)
    return index


def terms() -> list[str]:
    """Every term in the glossary, in file order (aliases not included)."""
    return [e.term for e in _entries()]


def entry(term: str) -> Entry:
    """The entry for ``term`` (case-insensitive; aliases accepted).

    Raises KeyError naming the closest known terms when there is no such entry.
    """
    if not isinstance(term, str):
        raise TypeError(f"a term must be a string, got {type(term).__name__}")
    found = _index().get(_key(term))
    if found is not None:
        return found
    names = {_key(name): e.term for e in _entries() for name in (e.term, *e.aliases)}
    hits = difflib.get_close_matches(_key(term), list(names), n=5, cutoff=0.6)
    close = list(dict.fromkeys(names[h] for h in hits))[:3]
    hint = f"; did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(f"no glossary entry for {term!r}{hint} (see glossary.terms())")


def forms(term: str) -> dict[str, str]:
    """The Chinese and Russian forms of ``term``: keys zh, pinyin, ru, ru_latin, note.

    Raises KeyError for an unknown term, and LookupError when the entry has no such forms.
    """
    e = entry(term)
    if not e.has_forms():
        raise LookupError(f"{e.term!r} has no Chinese and Russian forms in the glossary")
    return {
        "zh": e.zh,
        "pinyin": e.pinyin,
        "ru": e.ru,
        "ru_latin": e.ru_latin,
        "note": e.forms_note,
    }


def definition(term: str) -> str:
    """The definition of ``term``, without the paragraph citation."""
    return entry(term).definition


def markdown(*terms_: str, link_base: str = "../" + citations.READING_LIST) -> str:
    """Markdown for a compact definition list of the named terms (all terms if none named).

    Works cited in a definition (``[@key]``) are shown as author-year links to the reading
    list (:mod:`rapprochement.citations`); ``link_base`` is its path from the page shown (from
    a notebook in notebooks/ by default)."""
    chosen = [entry(t) for t in terms_] if terms_ else list(_entries())
    lines = []
    for e in chosen:
        cite = f" {e.citation()}" if e.paragraphs else ""
        text = citations.render(e.definition, link_base=link_base)
        lines.append(f"- **{e.term}**{cite}: {text}")
        if e.has_forms():
            lines.append(f"  <br>{e.forms_line()}")
    return "\n".join(lines)


def show(*terms_: str) -> None:
    """Display the named terms as a definition list (IPython Markdown).

    Unknown term -> KeyError naming close matches. With no arguments, shows the whole glossary.
    """
    from IPython.display import Markdown, display

    display(Markdown(markdown(*terms_)))
