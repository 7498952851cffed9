"""Citations in the book (issue 21, item 7): author-year links to the reading-list page.

Every citation of a notebook, the glossary page and the teaching page is a link to
``reading-list.html#<key>`` whose text is what rapprochement.citations makes of
data/bibliography.json for that key; the reading-list page has the anchor; no raw ``[@key]``
is left in the text a reader sees (the reading list shows each key in code, on purpose).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from rapprochement import citations

LINK = re.compile(r'<a[^>]*href="reading-list\.html#([\w-]+)"[^>]*>(.*?)</a>', re.S)


def test_citations_link_to_their_entry_with_the_bibliography_label(book: Path) -> None:
    labels = citations.labels(citations.load())
    anchors = set(re.findall(r'id="([\w-]+)"', (book / "reading-list.html").read_text("utf-8")))
    problems, found, pages = [], 0, set()
    for page in sorted(book.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for key, inner in LINK.findall(text):
            shown = html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
            if key not in labels:
                continue  # a heading of the reading list
            found += 1
            pages.add(page.name)
            if shown != labels[key]:
                problems.append(f"{page.name}: {shown!r} for {key} ({labels[key]!r} expected)")
            if key not in anchors:
                problems.append(f"{page.name}: reading-list.html has no anchor {key}")
        if page.name != "reading-list.html":
            prose = re.sub(r"<(code|pre|script)\b.*?</\1>", "", text, flags=re.S)
            raw = re.findall(r"\[@[\w-]+[^\]]*\]", prose)
            if raw:
                problems.append(f"{page.name}: raw citations {raw[:3]}")
    assert not problems, "\n".join(problems)
    assert found >= 137
    assert {"glossary.html", "teaching.html", "02-narratives-and-pandemic.html"} <= pages
