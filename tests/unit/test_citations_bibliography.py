"""The bibliography as data (data/bibliography.json, CSL-JSON) and the citations that use it.

* every entry is a usable CSL-JSON item with a DOI, a valid ISBN or a URL;
* every work cited (``[@key]``, or the author-year link to ``reading-list.md#key`` it becomes) in
  the notebooks, glossary, quizzes, instructor guide or data README has
  an entry, and every entry is cited somewhere;
* a work named in italics with a year in the notebooks or the guide has an entry (so a new
  reading cannot be added without one);
* each walk-through notebook 01-09 sets the author beside Chinese, Russian and Western readings
  of comparable date;
* docs/reading-list.md is what scripts/make_reading_list.py makes from the bibliography.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from rapprochement import citations

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "data" / "bibliography.json"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GUIDE = ROOT / "solutions" / "instructor-guide.md"
OTHER_SOURCES = [
    ROOT / "src" / "rapprochement" / "glossary.json",
    *sorted((ROOT / "src" / "rapprochement" / "quizzes").glob("*.json")),
    GUIDE,
    ROOT / "data" / "README.md",
]
CSL_TYPES = {
    "book",
    "chapter",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "report",
    "webpage",
}
PERSPECTIVES = {"Chinese", "Russian", "Western", "theory", "venue", "official"}


def _entries() -> list[dict]:
    return json.loads(BIB.read_text(encoding="utf-8"))


def keys_in(text: str) -> list[str]:
    """Every citation key in ``text``: raw ``[@key]`` (outside inline code, where `[@key]`
    shows the syntax) and the author-year links rapprochement.citations writes (the key is
    the link's anchor in the reading list)."""
    return citations.keys_in(text)


def _markdown_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _cited() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for text in _markdown_cells(path):
            for k in keys_in(text):
                where.setdefault(k, []).append(path.name)
    for path in OTHER_SOURCES:
        for k in keys_in(path.read_text(encoding="utf-8")):
            where.setdefault(k, []).append(path.name)
    return where


def _isbn_ok(isbn: str) -> bool:
    digits = isbn.replace("-", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        values = [10 if c == "X" else int(c) for c in digits]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def test_isbn_check_catches_typos():
    assert _isbn_ok("0201083493") and _isbn_ok("9780691123028") and _isbn_ok("0-7656-0939-8")
    assert not _isbn_ok("0201083494") and not _isbn_ok("9780691123027") and not _isbn_ok("12")


def test_citation_pattern():
    text = "Lo (2008) [@lo2008axis]; both [@a-b; @c_d]. Not [this], email@x.org, [@ bad], `[@key]`."
    assert keys_in(text) == ["lo2008axis", "a-b", "c_d"]
    linked = "([Lo 2008](../docs/reading-list.md#lo2008axis)), [x](reading-list.md#core-readings)"
    assert keys_in(linked) == ["lo2008axis"]


def test_entries_are_csl_json_with_an_identifier():
    entries = _entries()
    ids = Counter(e["id"] for e in entries)
    assert not [i for i, n in ids.items() if n > 1], "duplicate ids"
    for e in entries:
        where = e.get("id", "?")
        assert set(e) >= {"id", "type", "title", "custom"}, where
        assert e["type"] in CSL_TYPES, where
        assert re.fullmatch(r"[a-z0-9][\w-]*", e["id"]), where
        assert e.get("author"), f"{where}: no author"
        for a in e["author"]:
            assert "literal" in a or {"family", "given"} <= set(a), where
        if "issued" in e:
            year = e["issued"]["date-parts"][0][0]
            assert isinstance(year, int) and 1900 < year < 2030, where
        elif e["custom"]["perspective"] not in {"venue", "official"}:
            pytest.fail(f"{where}: a reading needs a date")
        assert e.get("DOI") or e.get("ISBN") or e.get("URL") or e["custom"].get("no_identifier"), (
            f"{where}: no DOI, ISBN or URL, and no reason given in custom.no_identifier"
        )
        if e.get("DOI"):
            assert re.fullmatch(r"10\.\d{4,9}/\S+", e["DOI"]), where
        if e.get("ISBN"):
            assert _isbn_ok(e["ISBN"]), f"{where}: ISBN {e['ISBN']} fails its check digit"
        if e.get("URL"):
            assert re.fullmatch(r"https?://\S+", e["URL"]), where
        custom = e["custom"]
        assert custom["perspective"] in PERSPECTIVES, where
        assert custom["reading_list"] in {"core", "optional", "none"}, where
        assert custom.get("verified_by"), f"{where}: say how the entry was checked"
        if e.get("language") in {"zh", "ru"} and custom["reading_list"] != "none":
            assert custom.get("title_en"), f"{where}: give an English title"


def test_every_citation_has_an_entry_and_every_entry_is_cited():
    known = {e["id"] for e in _entries()}
    cited = _cited()
    missing = {k: sorted(set(v)) for k, v in cited.items() if k not in known}
    assert not missing, f"cited without a bibliography entry: {missing}"
    unused = sorted(known - set(cited))
    assert not unused, f"bibliography entries never cited: {unused}"


def _titles() -> list[str]:
    out = []
    for e in _entries():
        title = e["title"].casefold()
        out += [title, title.split(":")[0].strip()]
    return out


# a title in italics followed by its year: "(*Title*, 2015)", "(*Title*, Publisher, 2015)",
# "*Title* (2015)"
ITALIC_WITH_YEAR = re.compile(
    r"\*([A-Z][^*\n]{5,}?)\*(?:,[^()\n*]{0,60}?|\s*\()\s*\b(19[4-9]\d|20[0-2]\d)\b"
)
JOURNALS = {"russia in global affairs", "comparative connections", "foreign affairs"}


def test_italic_titles_with_a_year_have_an_entry():
    titles = _titles()
    texts = [(p.name, t) for p in NOTEBOOKS for t in _markdown_cells(p)]
    texts.append((GUIDE.name, GUIDE.read_text(encoding="utf-8")))
    unknown = set()
    for name, text in texts:
        for title, _year in ITALIC_WITH_YEAR.findall(text):
            t = title.casefold().strip()
            if t in JOURNALS:
                continue  # journals, not works
            if not any(t == x or x.startswith(t) or t.startswith(x) for x in titles):
                unknown.add((name, title))
    assert not unknown, f"works named without a bibliography entry: {sorted(unknown)}"


def test_each_notebook_sets_chinese_russian_and_western_readings_of_comparable_date():
    """Readings of 2014-2022 (the paper is of 2021) from each side, in every notebook 01-09."""
    by_id = {e["id"]: e for e in _entries()}
    problems = []
    for path in NOTEBOOKS:
        if path.name.startswith("00"):
            continue
        keys = {k for text in _markdown_cells(path) for k in keys_in(text) if k in by_id}
        for side in ("Chinese", "Russian", "Western"):
            recent = [
                k
                for k in keys
                if by_id[k]["custom"]["perspective"] == side
                and k != "zhang2021opportunities"
                and 2014 <= by_id[k]["issued"]["date-parts"][0][0] <= 2022
            ]
            if not recent:
                problems.append(f"{path.name}: no {side} reading of 2014-2022")
    assert not problems, "\n".join(problems)


def test_reading_list_has_core_optional_and_both_languages():
    entries = _entries()
    lists = Counter(e["custom"]["reading_list"] for e in entries)
    assert lists["core"] >= 5 and lists["optional"] >= 5
    for lang in ("zh", "ru"):
        assert any(
            e.get("language") == lang and e["custom"]["reading_list"] in {"core", "optional"}
            for e in entries
        ), f"no reading in {lang}"


def _script():
    import make_reading_list

    return make_reading_list


def test_reading_list_page_is_current():
    script = _script()
    page = (ROOT / "docs" / "reading-list.md").read_text(encoding="utf-8")
    assert page == script.render(script.load()), "run scripts/make_reading_list.py"


def test_reading_list_shows_every_reading_with_its_key():
    script = _script()
    page = script.render(script.load())
    for e in _entries():
        assert f"`[@{e['id']}]`" in page, e["id"]
    assert "## Core readings" in page and "## Optional readings" in page
    assert "[in Chinese:" in page and "[in Russian:" in page


def test_title_pattern_finds_the_forms_the_notebooks_use():
    sample = (
        "Lo (*Axis of Convenience*, 2008); Trenin (*From Greater Europe*, Carnegie, 2015); "
        "**Nye, *Soft Power* (2004)**; *Predict first:* in 2022; *Side A* builds on 2015 works."
    )
    found = [t for t, _ in ITALIC_WITH_YEAR.findall(sample)]
    assert found == ["Axis of Convenience", "From Greater Europe", "Soft Power"]


def test_no_entry_links_to_a_review_instead_of_the_work():
    """A review goes in ``note``; the URL, DOI or ISBN must identify the work itself."""
    for e in _entries():
        url = e.get("URL", "").lower()
        assert "review" not in url, f"{e['id']}: URL looks like a review: {url}"
        assert "revisited" not in url, f"{e['id']}: URL looks like another work: {url}"
