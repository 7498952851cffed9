"""Author-year citations, linked to the reading list, made from ``data/bibliography.json``.

Sources cite works by their bibliography key in pandoc's syntax, ``[@key]``, ``[@a; @b]`` or
``[@key, p. 3]``. Readers see author-year text linked to the work's entry in the reading list
(``docs/reading-list.md``, where each entry carries an anchor named after its key)::

    >>> render("Lo's label [@lo2008axis].", link_base="../docs/reading-list.md")
    "Lo's label ([Lo 2008](../docs/reading-list.md#lo2008axis))."

The key stays recoverable from the link (its anchor), so rewriting is idempotent and the
bibliography stays the source of truth: :func:`render` also renews the text of links it made
before (a corrected year or name reaches every page when the script runs again).

The labels follow the Chicago author-date rules for in-text citations (what a CSL processor
gives with ``chicago-author-date.csl``): family names (a ``literal`` name, e.g. an organisation
or a Chinese name written in characters, as given), "A and B" for two authors, "A, B, and C"
for three, "A et al." from four; the first author's initials (or given name) when two people
in the bibliography share a family name (Alexander Lukin 2018, Artyom Lukin 2021); the year of
``issued``, "n.d." without one; and a, b, ... after the year when two works would still get the
same label (in title order). Names in Chinese or
Russian are shown as the entry gives them (梁云祥 and 陶涛 2018; Лукин 2020).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "BIBLIOGRAPHY",
    "READING_LIST",
    "RENDERED",
    "UnknownKey",
    "full_names",
    "keys_in",
    "labels",
    "link_base_for",
    "reference",
    "render",
    "year",
]

ROOT = Path(__file__).resolve().parents[2]
BIBLIOGRAPHY = ROOT / "data" / "bibliography.json"
READING_LIST = "docs/reading-list.md"
"""The page every citation links to (repository-relative), one anchor per key."""

#: A raw citation: "[@key]", "[@a; @b]", "[@key, p. 3]", "[see @key]" (pandoc's syntax); not
#: a link's text ("[x](...)") nor an address ("[a@b.org]": the @ must start a word).
RAW = re.compile(r"\[((?:[^\[\]@`;]*\s)?@[\w-]+[^\[\]`]*)\](?!\()")
_ITEM = re.compile(
    # pandoc's locator follows the key after a comma or a space ("@key, p. 3", "@key p. 3")
    r"^\s*(?:(?P<prefix>[^@]*?)\s+)?@(?P<key>[\w-]+)\s*(?:(?:,\s*|\s+)(?P<locator>.+?))?\s*$"
)
#: A citation link this module wrote: "[Lo 2008](../docs/reading-list.md#lo2008axis)".
RENDERED = re.compile(
    r"\[(?P<text>[^\[\]]+)\]\((?P<path>(?:\.\./)*(?:docs/)?reading-list\.(?:md|html))"
    r"#(?P<key>[\w-]+)\)"
)
_CODE = re.compile(r"(`+)(?:(?!\1).)*?\1", re.S)


class UnknownKey(KeyError):
    """A citation names a key that ``data/bibliography.json`` does not have."""


def load(path: Path = BIBLIOGRAPHY) -> list[dict[str, Any]]:
    """The bibliography: a CSL-JSON list of items."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a CSL-JSON list of items")
    return entries


def _family(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    particle = name.get("non-dropping-particle", "")
    return f"{particle} {name['family']}".strip()


def _initials(given: str) -> str:
    return " ".join(f"{part[0]}." for part in re.split(r"[\s.]+", given) if part)


def _people(entry: Mapping[str, Any]) -> list[Mapping[str, str]]:
    return list(entry.get("author") or entry.get("editor") or [])


def _expanded(entries: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """{(family, given): shown name} for first authors whose family name two people share
    (CSL's "primary-name" rule: initials, or the whole given name when initials are equal)."""
    people: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        first = _people(e)[:1]
        if first and "literal" not in first[0]:
            people[_family(first[0])].add(first[0].get("given", ""))
    out: dict[tuple[str, str], str] = {}
    for family, givens in people.items():
        if len(givens) < 2:
            continue
        initials = {_initials(g) for g in givens}
        for given in givens:
            shown = _initials(given) if len(initials) == len(givens) else given
            out[(family, given)] = f"{shown} {family}".strip()
    return out


def names(entry: Mapping[str, Any], expanded: Mapping[tuple[str, str], str] = {}) -> str:
    """The author part of an in-text citation (editors when there is no author)."""
    people = [_family(n) for n in _people(entry)]
    if not people:
        return str(entry.get("title", entry["id"]))
    first = _people(entry)[0]
    people[0] = expanded.get((people[0], first.get("given", "")), people[0])
    if len(people) == 1:
        return people[0]
    if len(people) == 2:
        return f"{people[0]} and {people[1]}"
    if len(people) == 3:
        return f"{people[0]}, {people[1]}, and {people[2]}"
    return f"{people[0]} et al."


def year(entry: Mapping[str, Any]) -> str:
    parts = (entry.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else "n.d."


def labels(entries: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{key: "Author Year"} for every entry, with a, b, ... where two labels would be equal."""
    entries = list(entries)
    expanded = _expanded(entries)
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for e in entries:
        groups[(names(e, expanded), year(e))].append(e)
    out: dict[str, str] = {}
    for (who, when), same in groups.items():
        if len(same) == 1:
            out[same[0]["id"]] = f"{who} {when}"
            continue
        same.sort(key=lambda e: (str(e.get("title", "")).casefold(), e["id"]))
        for i, e in enumerate(same):
            suffix = chr(ord("a") + i)
            out[e["id"]] = f"{who} {when}{suffix}" if when != "n.d." else f"{who} n.d.-{suffix}"
    return out


@cache
def _default_labels() -> dict[str, str]:
    return labels(load())


def link_base_for(path: Path, root: Path = ROOT) -> str:
    """The reading list's path as a link from the file at ``path`` (inside ``root``).

    A problem set's instructor source, ``solutions/source/<ps>/``, links as from its copies
    ``exercises/<ps>/`` and ``selfstudy/<ps>/``, where students open the links (its other links,
    to ``../../notebooks/``, are written the same way)."""
    parts = path.resolve().relative_to(root.resolve()).parts
    if parts[:2] == ("solutions", "source") and len(parts) > 3:
        parts = parts[1:]
    depth = len(parts) - 1
    return "../" * depth + READING_LIST


def _label(key: str, known: Mapping[str, str]) -> str:
    if key not in known:
        raise UnknownKey(f"[@{key}]: no entry with this key in data/bibliography.json")
    return known[key]


def _cite(inner: str, base: str, known: Mapping[str, str]) -> str:
    parts = []
    for item in inner.split(";"):
        match = _ITEM.match(item)
        if match is None:
            raise ValueError(f"cannot read the citation [{inner}]")
        key, prefix, locator = match["key"], match["prefix"], match["locator"]
        text = f"[{_label(key, known)}]({base}#{key})"
        parts.append((f"{prefix} " if prefix else "") + text + (f", {locator}" if locator else ""))
    return "(" + "; ".join(parts) + ")"


def render(
    text: str,
    link_base: str = "../" + READING_LIST,
    known: Mapping[str, str] | None = None,
) -> str:
    """``text`` with every raw citation as linked author-year text; existing citation links
    get their text renewed from the bibliography. Inline code (`[@key]` showing the syntax)
    is left alone. Raises :class:`UnknownKey` for a key the bibliography lacks."""
    known = _default_labels() if known is None else known
    out, last = [], 0
    for code in _CODE.finditer(text):
        out.append(_render_prose(text[last : code.start()], link_base, known))
        out.append(code.group(0))
        last = code.end()
    out.append(_render_prose(text[last:], link_base, known))
    return "".join(out)


def _render_prose(text: str, base: str, known: Mapping[str, str]) -> str:
    def renew(m: re.Match[str]) -> str:
        if m["key"] not in known:  # a heading of the page (#core-readings), not a work
            return m.group(0)
        return f"[{known[m['key']]}]({m['path']}#{m['key']})"

    text = RENDERED.sub(renew, text)
    return RAW.sub(lambda m: _cite(m.group(1), base, known), text)


LANGUAGE_NAMES = {"zh": "in Chinese", "ru": "in Russian"}


def full_names(entry: Mapping[str, Any]) -> str:
    """The authors as a reference list gives them: "Family, Given" (Chinese and Russian names
    family first without a comma; literal names as given), joined with "and"."""
    shown = []
    for a in entry.get("author", []):
        if "literal" in a:
            shown.append(a["literal"])
        elif entry.get("language") in LANGUAGE_NAMES:
            shown.append(f"{a['family']} {a.get('given', '')}".strip())
        else:
            shown.append(f"{a['family']}, {a['given']}" if a.get("given") else a["family"])
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else "Anonymous"


def _identifier(entry: Mapping[str, Any]) -> str:
    if entry.get("DOI"):
        return f"DOI [{entry['DOI']}](https://doi.org/{entry['DOI']})"
    if entry.get("ISBN"):
        url = f"; [link]({entry['URL']})" if entry.get("URL") else ""
        return f"ISBN {entry['ISBN']}{url}"
    if entry.get("URL"):
        return f"[{entry['URL']}]({entry['URL']})"
    # A work with no identifier of its own (a first edition before ISBNs, say) says why.
    return f"no identifier: {entry['custom']['no_identifier']}"


def reference(entry: Mapping[str, Any], *, key: bool = True) -> str:
    """The full reference of ``entry`` as one line of Markdown (author-date, with DOI, ISBN or
    URL, an English title for works in Chinese or Russian, and, with ``key``, the key), as the
    reading list gives it."""
    title = entry["title"]
    if entry["type"] in {"book", "report"}:
        title = f"*{title}*"
    elif not title.startswith(("“", '"')):
        title = f"“{title}”"
    where = []
    if entry.get("container-title"):
        volume = entry.get("volume", "")
        issue = f"({entry['issue']})" if entry.get("issue") else ""
        container = f"*{entry['container-title']}*"
        where.append(f"{container} {volume}{issue}".strip())
    if entry.get("page"):
        where.append(f"pp. {entry['page'].replace('-', '–')}")
    if entry.get("publisher"):
        place = f"{entry['publisher-place']}: " if entry.get("publisher-place") else ""
        where.append(f"{place}{entry['publisher']}")
    line = f"{full_names(entry)} ({year(entry)}). {title}."
    if where:
        line += " " + ", ".join(where) + "."
    custom = entry.get("custom", {})
    if entry.get("language") in LANGUAGE_NAMES:
        english = custom.get("title_en", "")
        line += f" [{LANGUAGE_NAMES[entry['language']]}{': ' + english if english else ''}]"
    line += f" {_identifier(entry)}."
    return line + f" `[@{entry['id']}]`" if key else line


def keys_in(text: str, known: Mapping[str, str] | None = None) -> list[str]:
    """Every key cited in ``text``, raw or rendered, in order (inline code left out). A link
    to the reading list counts when its anchor is a key of ``known`` (default: the
    bibliography's), not a heading."""
    prose = _CODE.sub("", text)
    known = _default_labels() if known is None else known
    found: list[tuple[int, str]] = [
        (m.start(), m["key"]) for m in RENDERED.finditer(prose) if m["key"] in known
    ]
    for m in RAW.finditer(prose):
        for item in m.group(1).split(";"):
            match = _ITEM.match(item)
            if match:
                found.append((m.start(), match["key"]))
    return [key for _, key in sorted(found, key=lambda t: t[0])]
