"""The shared glossary: required terms, lookups, suggestions, display."""

from __future__ import annotations

import json
import re

import pytest
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


# display() only publishes rich outputs inside an IPython shell
pytestmark = pytest.mark.usefixtures("ipython_shell")


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


# --- terms in three languages -------------------------------------------------------------

# The key terms of the paper and of official usage, each with the Chinese form the review and
# the sources name (characters must match exactly) and a Russian form (Cyrillic).
THREE_LANGUAGE = {
    "comprehensive strategic partnership of coordination": "新时代全面战略协作伙伴关系",
    "new era": "新时代",
    "Three Noes": "不结盟、不对抗、不针对第三方",
    "endogenous drivers": "内生动力",
    "dual circulation": "双循环",
    "new type of great-power relations": "新型大国关系",
    "multipolarity": "多极化",
    "democratization of the international system": "国际关系民主化",
    "hegemony": "霸权主义",
    "sovereignty": "主权",
    "de-dollarization": "去美元化",
    "structural realism": "结构现实主义",
    # terms the December 2026 review found missing
    "no limits": "没有止境",
    "changes unseen in a century": "百年未有之大变局",
    "new type of international relations": "新型国际关系",
    "Greater Eurasian Partnership": "大欧亚伙伴关系",
    "linking the Belt and Road with the Eurasian Economic Union": "一带一盟对接",
}
RUSSIAN_REQUIRED = {
    "multipolarity": "многополярный мир",
    "democratization of the international system": "демократизация международных отношений",
    "new era": "новая эпоха",
    # the three nouns of TASS's rendering of the Chinese formula (see the entry's forms_note)
    "Three Noes": (
        "неприсоединение к союзам, отсутствие конфронтации и ненаправленность против третьих сторон"
    ),
    "new type of great-power relations": "отношения нового типа между крупными державами",
    "no limits": "не имеет границ",
}

TONED = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈŌÓǑÒ")
HAN = re.compile(r"[\u4e00-\u9fff]")
NEUTRAL_TONE = {"的"}  # characters read without a tone mark in these terms

# Simplified BGN/PCGN, as documented in glossary.py (the specification this test checks).
RU_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [*"abvgde", "yo", "zh", *"ziyklmnoprstuf", "kh", "ts", "ch", "sh", "shch", "-", "y", "-"]
        + ["e", "yu", "ya"],
        strict=True,
    )
)
RU_LATIN["ъ"] = RU_LATIN["ь"] = ""
VOWELS = set("аеёиоуыэюя")


def _transliterate(text: str) -> str:
    out, prev = [], ""
    for ch in text:
        low = ch.lower()
        if low not in RU_LATIN:
            out.append(ch)
        else:
            latin = RU_LATIN[low]
            if low == "е" and (not prev.isalpha() or prev in VOWELS or prev in "ъь"):
                latin = "ye"
            out.append(latin[:1].upper() + latin[1:] if ch.isupper() else latin)
        prev = low
    return "".join(out)


def test_transliteration_spec_examples():
    assert _transliterate("многополярный мир") == "mnogopolyarnyy mir"
    assert _transliterate("всеобъемлющего") == "vseobyemlyushchego"
    assert _transliterate("Её") == "Yeyo"


@pytest.mark.parametrize("term", sorted(THREE_LANGUAGE))
def test_key_terms_give_chinese_and_russian_forms(term):
    f = glossary.forms(term)
    assert f["zh"] == THREE_LANGUAGE[term]
    if term in RUSSIAN_REQUIRED:
        assert f["ru"] == RUSSIAN_REQUIRED[term]
    assert re.search(r"[\u0400-\u04ff]", f["ru"]), f"{term}: Russian form is not Cyrillic"
    assert not re.search(r"[\u0400-\u04ff]", f["ru_latin"]), f"{term}: transliteration has Cyrillic"


def test_every_entry_with_forms_is_complete_and_consistent():
    raw = json.loads(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    with_forms = [e for e in raw if e.get("zh") or e.get("ru")]
    assert len(with_forms) >= len(THREE_LANGUAGE)
    for e in with_forms:
        term = e["term"]
        assert all(e.get(k) for k in ("zh", "pinyin", "ru", "ru_latin")), term
        han = HAN.findall(e["zh"])
        assert han and len(han) == len(re.sub(r"[\u4e00-\u9fff、]", "", e["zh"])) + len(han), (
            f"{term}: Chinese form mixes in other characters"
        )
        # one tone mark per syllable, one syllable per character (neutral tones excepted)
        toned = sum(ch in TONED for ch in e["pinyin"])
        expected = len([h for h in han if h not in NEUTRAL_TONE])
        assert toned == expected, f"{term}: {toned} tone marks for {expected} toned characters"
        assert not HAN.search(e["pinyin"])
        assert e["ru_latin"] == _transliterate(e["ru"]), f"{term}: transliteration differs"


def test_new_era_is_dated_to_the_19th_party_congress():
    text = glossary.definition("new era")
    assert "19th Party Congress" in text and "October 2017" in text
    assert "new era" not in glossary.entry("comprehensive strategic partnership").aliases


def test_show_renders_the_three_languages():
    with capture_output() as cap:
        glossary.show("multipolarity", "whataboutism")
    text = cap.outputs[0].data["text/markdown"]
    assert "多极化" in text and "duōjíhuà" in text and "многополярный мир" in text
    assert text.count("Chinese:") == 1  # whataboutism has no forms


def test_forms_errors_are_clear():
    with pytest.raises(LookupError, match="no Chinese and Russian forms"):
        glossary.forms("whataboutism")
    with pytest.raises(KeyError, match="no glossary entry"):
        glossary.forms("not a term at all")


def test_half_given_forms_are_rejected(tmp_path):
    bad = tmp_path / "g.json"
    bad.write_text(
        json.dumps([{"term": "x", "definition": "A term.", "zh": "多", "pinyin": "duō"}]),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="needs both Chinese and Russian forms"):
        glossary._entries(bad)


def test_a_font_covers_every_chinese_character_in_the_glossary():
    """The Chinese forms render in JupyterLab and exported HTML only if a system font has them.

    CI (.ci/run) installs fonts-noto-cjk; elsewhere a missing font is reported as a skip.
    """
    import os
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        pytest.skip("fontconfig (fc-list) not installed")
    raw = json.loads(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    chars = sorted({c for e in raw for c in e.get("zh", "") if HAN.match(c)})
    charset = " ".join(f"{ord(c):x}" for c in chars)
    found = subprocess.run(
        ["fc-list", f":charset={charset}", "family"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not found:
        message = "no installed font covers the glossary's Chinese characters (fonts-noto-cjk)"
        if os.environ.get("RAPPROCHEMENT_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    assert len(chars) > 30


def test_glossary_file_keeps_citations_as_keys():
    """Citations in glossary.json stay ``[@key]``; they become links only when shown (a link
    rendered into the file would point to the wrong place from a notebook)."""
    text = glossary.GLOSSARY_FILE.read_text(encoding="utf-8")
    assert "reading-list.md" not in text
