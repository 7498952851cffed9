"""Notebook 01's close reading of the official texts shows only words that data/primary_sources.csv
keeps as a checked excerpt of the page it links (facts shown to students trace to data/)."""

from __future__ import annotations

import re
from pathlib import Path

from rapprochement import data

ROOT = Path(__file__).resolve().parents[2]
TWIN = ROOT / "text" / "01-context-and-official-frame.md"
ROW = re.compile(
    r"^\| (?P<doc>[^|]+) \| (?P<lang>en|zh|ru), \[[^\]]+\]\((?P<url>[^)]+)\)[^|]* "
    r"\| (?P<words>.+) \|$"
)


def table_rows(text: str) -> list[dict[str, str]]:
    """The rows of the close-reading table: document, language, page address, words shown."""
    section = text.split("## Close reading", 1)[1].split("\n## ", 1)[0]
    return [m.groupdict() for line in section.splitlines() if (m := ROW.match(line.strip()))]


def shown_parts(words: str) -> list[str]:
    """The words a cell shows, without its quotation marks, split where it marks a cut (…)."""
    inner = words.strip().strip('"')
    return [p.strip() for p in inner.split("…") if p.strip()]


def test_table_rows_and_parts_are_read() -> None:
    line = '| 2024 statement | en, [TASS](https://tass.com/x) | "a b … c" |'
    assert table_rows(f"## Close reading\n\n{line}\n\n## Other") == [
        {"doc": "2024 statement", "lang": "en", "url": "https://tass.com/x", "words": '"a b … c"'}
    ]
    assert shown_parts('"… Deepening the Partnership"') == ["Deepening the Partnership"]


def test_every_quoted_cell_is_a_checked_excerpt_of_its_page() -> None:
    sources = data.load_primary_sources()
    rows = table_rows(TWIN.read_text(encoding="utf-8"))
    assert len(rows) >= 7, "the close-reading table was not found"
    for row in rows:
        match = sources[sources["url"] == row["url"]]
        assert len(match) == 1, f"{row['url']}: not a row of primary_sources.csv"
        source = match.iloc[0]
        assert bool(source["verified"]), f"{row['url']}: page not checked"
        assert source["language"] == row["lang"], row["url"]
        for part in shown_parts(row["words"]):
            assert part in source["excerpt"], f"{row['url']}: {part!r} is not in its excerpt"
