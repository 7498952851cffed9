"""The glossary's three-language terms that the close reading of the official texts uses each
say where every form comes from: a page (an address) or a row of data/primary_sources.csv, and
what could not be checked."""

from __future__ import annotations

import re

import pytest

from rapprochement import glossary

CLOSE_READING = (
    "comprehensive strategic partnership of coordination",
    "Three Noes",
    "no limits",
    "changes unseen in a century",
    "new type of international relations",
    "Greater Eurasian Partnership",
    "linking the Belt and Road with the Eurasian Economic Union",
)
SOURCE = re.compile(r"https?://\S+|primary_sources\.csv|doi:10\.\S+")


def sources_in(note: str) -> list[str]:
    """The pages (addresses, DOIs) and data rows a forms note cites."""
    return SOURCE.findall(note)


def test_sources_in_finds_addresses_rows_and_dois() -> None:
    note = "Chinese: 词 (https://a.cn/x). Russian: see primary_sources.csv; doi:10.1/x2."
    assert sources_in(note) == ["https://a.cn/x).", "primary_sources.csv", "doi:10.1/x2."]
    assert sources_in("Russian: as commonly cited.") == []


@pytest.mark.parametrize("term", CLOSE_READING)
def test_each_term_names_its_sources_in_three_languages(term: str) -> None:
    forms = glossary.forms(term)
    note = forms["note"]
    assert forms["zh"] and forms["ru"], term
    for lang in ("Chinese", "English", "Russian"):
        assert lang in note, f"{term}: the note does not say where the {lang} form comes from"
    assert len(sources_in(note)) >= 2, f"{term}: fewer than two pages or data rows cited"
    assert "commonly cited" not in note, f"{term}: name the page, not 'commonly cited'"
