"""Drop the theme's CSS rules that no page of the book can match.

pydata-sphinx-theme ships all of Bootstrap 5 in its 377 KB stylesheet; the book uses a small
part of it. :func:`purge` keeps a rule when at least one of its selectors names only classes
and ids that occur in the built book: in a page's ``class``/``id`` attributes, or anywhere in
a script it ships (the theme's and Bootstrap's scripts add classes such as ``show`` at run
time, so every word in them counts as used, the rule PurgeCSS follows). Element, attribute
and pseudo-class parts of a selector are not judged, so a rule is only dropped when a class
or id it requires appears nowhere. At-rules are kept (rules inside ``@media``/``@supports``
are judged the same way). Parsing and writing back is done by tinycss2.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

NAMES = re.compile(r"(?<![\w-])([.#])(-?[_a-zA-Z][\w-]*)")
WORDS = re.compile(r"[\w-]+")
ATTRS = re.compile(r'\b(?:class|id)="([^"]*)"')
BLOCKS = ("media", "supports", "layer", "container")


def used_names(html_dir: Path) -> set[str]:
    """Every class and id a page names, and every word of every script the book ships."""
    names: set[str] = set()
    for page in html_dir.rglob("*.html"):
        for value in ATTRS.findall(page.read_text(encoding="utf-8")):
            names.update(value.split())
    for script in html_dir.rglob("*.js"):
        if "figures" in script.parts:
            continue
        names.update(WORDS.findall(script.read_text(encoding="utf-8", errors="replace")))
    return names


def _selector_used(selector: str, used: set[str]) -> bool:
    return all(name.replace("\\", "") in used for _, name in NAMES.findall(selector))


def _keep(rules: list, used: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude)
            # a "." inside a number (keyframe percentages are not qualified rules) is not a class
            if any(_selector_used(s, used) for s in prelude.split(",")):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in BLOCKS and rule.content:
            inner = _keep(tinycss2.parse_rule_list(rule.content), used)
            if inner:
                rule.content = inner
                kept.append(rule)
        elif rule.type not in ("whitespace", "comment"):
            kept.append(rule)
    return kept


def purge(css_file: Path, used: set[str]) -> tuple[int, int]:
    """Rewrite ``css_file`` without the rules nothing uses; (bytes before, bytes after)."""
    text = css_file.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=True)
    # @charset first, then the licence banners ("/*!" comments) as they were
    head = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "charset"]
    head += [r for r in rules if r.type == "comment" and r.value.startswith("!")]
    body = [r for r in _keep(rules, used) if r not in head]
    out = "".join(tinycss2.serialize([r]) + "\n" for r in head + body)
    css_file.write_text(out, encoding="utf-8")
    return len(text.encode()), len(out.encode())
