"""Short excerpts of the official texts in data/primary_sources.csv, for reading the Chinese,
Russian and English versions side by side.

An excerpt is the page's own words, a sentence or less (fair use), in the row's language, on a
page that was checked. MISSING_OFFICIAL_TEXTS names the versions for which no official full
text could be checked; it may only shrink (a newly checked text fails the test until its entry
is removed)."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: The documents the close-reading activity compares (notebook 08, PS3 Q3.6).
READ_SIDE_BY_SIDE = ("treaty-2001", "statement-2019", "statement-2022")
LATER = ("statement-2023", "statement-2024", "statement-2025")
MISSING_OFFICIAL_TEXTS = {
    (doc, lang)
    for doc in ("treaty-2001", "statement-2019", "statement-2022", "statement-2023")
    for lang in ("en", "zh", "ru")
}


def _with_excerpt(frame):
    return frame[frame["excerpt"].str.strip() != ""]


def excerpt_problem(text: str, language: str) -> str | None:
    """Why ``text`` is not a short excerpt in ``language``, or None."""
    if language == "zh":
        if not CJK.search(text):
            return "a zh excerpt without Chinese characters"
        if len(CJK.findall(text)) > 80:
            return "longer than 80 Chinese characters"
        return None
    if CJK.search(text):
        return f"Chinese characters in a {language} excerpt"
    if language == "ru" and not CYRILLIC.search(text):
        return "a ru excerpt without Cyrillic"
    if language == "en" and CYRILLIC.search(text):
        return "Cyrillic in an en excerpt"
    if len(text.split()) > 40:
        return "longer than 40 words"
    return None


def test_excerpt_rules() -> None:
    assert excerpt_problem("两国友好没有止境", "zh") is None
    assert excerpt_problem("no limits", "zh") == "a zh excerpt without Chinese characters"
    assert excerpt_problem("не имеет границ", "ru") is None
    assert excerpt_problem("no limits", "ru") == "a ru excerpt without Cyrillic"
    assert excerpt_problem("word " * 41, "en") == "longer than 40 words"
    assert excerpt_problem("汉" * 81, "zh") == "longer than 80 Chinese characters"


def test_every_excerpt_is_short_in_its_language_and_on_a_checked_page(sources) -> None:
    rows = _with_excerpt(sources)
    assert len(rows) >= 7
    for _, row in rows.iterrows():
        problem = excerpt_problem(row["excerpt"], row["language"])
        assert problem is None, f"{row['url']}: {problem}"
        assert bool(row["verified"]), f"{row['url']}: an excerpt needs a checked page"
        assert row["excerpt_of"].strip(), f"{row['url']}: say what the excerpt is"


def test_each_document_read_side_by_side_has_excerpts(sources) -> None:
    rows = _with_excerpt(sources)
    for doc in READ_SIDE_BY_SIDE:
        assert (rows["document_id"] == doc).any(), f"{doc}: no excerpt"
    assert rows["document_id"].isin(LATER).any(), "no excerpt of a 2023-2025 statement"
    # the versions compared: at least one excerpt in each language
    assert set(rows["language"]) == {"en", "zh", "ru"}


def test_missing_official_texts_only_shrink(sources) -> None:
    found = sources[
        sources["official"].astype(bool)
        & sources["verified"].astype(bool)
        & (sources["content"] == "full_text")
    ]
    have = set(zip(found["document_id"], found["language"], strict=True))
    now_found = sorted(MISSING_OFFICIAL_TEXTS & have)
    assert not now_found, f"checked official texts found; take them off the list: {now_found}"
