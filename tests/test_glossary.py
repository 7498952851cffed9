"""The shared glossary: required terms, lookups, suggestions, display."""

from __future__ import annotations

import json
import re

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from rapprochement import glossary

REQUIRED = [
    "axis of convenience",
    "comprehensive strategic partnership of coordination",
    "multiplex world",
    "conservative (sovereign) internationalism",
    "dual circulation",
    "de-dollarization",
    "structural realism",
    "Three Noes",
    "whataboutism",
    "multipolarity",
    "polarization",
    "endogenous drivers",
    "liberal international order",
    "hegemony",
    "alliance vs alignment vs strategic partnership",
    "import substitution",
    "counter-sanctions",
    "mirror statistics",
    "Valdai Discussion Club",
    "constructivism",
    "liberalism (IR)",
    "realism (IR)",
    "securitization/framing",
    "sovereignty",
    "1997 Joint Declaration on a Multipolar World",
    "2001 Treaty of Good-Neighborliness",
]


@pytest.fixture(autouse=True, scope="module")
def _ipython():
    """display() only publishes rich outputs inside an IPython shell."""
    return InteractiveShell.instance()


def test_required_terms_present():
    missing = [t for t in REQUIRED if t not in glossary.terms()]
    assert not missing, f"glossary lacks: {missing}"


def test_file_is_an_appendable_list_with_unique_terms_and_aliases():
    raw = json.loads(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    assert isinstance(raw, list)
    names = [n.casefold() for e in raw for n in (e["term"], *e.get("aliases", []))]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"terms or aliases used twice: {dupes}"


@pytest.mark.parametrize("term", REQUIRED)
def test_definitions_are_short_and_cite_only_paragraphs_1_to_12(term):
    e = glossary.entry(term)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", e.definition) if s]
    assert 1 <= len(sentences) <= 3, f"{term}: {len(sentences)} sentences"
    assert all(1 <= p <= 12 for p in e.paragraphs)
    for cited in re.findall(r"¶(\d+)", e.definition):
        assert 1 <= int(cited) <= 12


def test_paper_terms_carry_paragraphs():
    assert glossary.entry("axis of convenience").paragraphs == (3, 12)
    assert glossary.entry("Three Noes").paragraphs == (12,)
    assert glossary.entry("mirror statistics").paragraphs == ()


def test_lookup_ignores_case_and_accepts_aliases():
    assert glossary.definition("THREE NOES") == glossary.definition("three nos")
    assert glossary.entry("alignment").term == "alliance vs alignment vs strategic partnership"
    assert glossary.entry("Valdai").term == "Valdai Discussion Club"


def test_unknown_term_names_close_matches():
    with pytest.raises(KeyError, match="axis of convenience"):
        glossary.definition("axis of convenince")
    with pytest.raises(KeyError, match="no glossary entry"):
        glossary.definition("quantum chromodynamics")


def test_show_displays_markdown_with_paragraphs():
    with capture_output() as cap:
        glossary.show("whataboutism", "mirror statistics")
    assert len(cap.outputs) == 1
    text = cap.outputs[0].data["text/markdown"]
    assert "**whataboutism** (¶10):" in text
    assert "**mirror statistics**:" in text
    assert text.count("\n- ") == 1


def test_show_unknown_term_raises_before_displaying():
    with capture_output() as cap, pytest.raises(KeyError):
        glossary.show("whataboutism", "whatabout-ism-ism")
    assert not cap.outputs
