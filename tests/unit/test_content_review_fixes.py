"""The fixes of the December 2026 content review stay made: the Central Asia sentence (N1),
Karaganov's place in the C10 debate (N3), the guide's count of Chinese- and Russian-language
readings (N7), the glossary citation for the new type of great-power relations (N6), the mirror
table without unexplained marks (D3) and one statement of notebook 09's coverage (D13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT / "text"
GUIDE = (ROOT / "solutions" / "instructor-guide.md").read_text(encoding="utf-8")
WORDS = {1: "One", 2: "Two", 3: "three", 4: "Four", 5: "Five", 6: "Six"}


def test_central_asia_sentence_names_who_borders_whom() -> None:
    text = (TEXT / "06-trade-and-targets.md").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert "border one or both partners" not in flat
    assert "Kazakhstan borders both partners" in flat
    assert "Uzbekistan and Turkmenistan border neither" in flat


def test_karaganov_is_not_on_the_side_that_multipolarity_causes_disorder() -> None:
    text = (TEXT / "05-polarized-world-and-threats.md").read_text(encoding="utf-8")
    side_b = text.split("**Side B (multipolarity is a cause).**", 1)[1].split("\n* **", 1)[0]
    assert "Karaganov" not in side_b
    assert "**A position that fits neither side.** Karaganov (2018)" in text


def test_guide_counts_the_readings_in_chinese_and_russian() -> None:
    entries = json.loads((ROOT / "data" / "bibliography.json").read_text(encoding="utf-8"))
    readings = [e for e in entries if e["custom"]["reading_list"] != "none"]
    zh = sum(e.get("language") == "zh" for e in readings)
    ru = sum(e.get("language") == "ru" for e in readings)
    flat = " ".join(GUIDE.split())
    assert f"{WORDS[zh + ru]} readings are in Chinese or Russian" in flat
    assert f"{WORDS[zh].lower()} in Chinese" in flat and f"{WORDS[ru].lower()} in Russian" in flat


def test_new_type_of_great_power_relations_cites_the_key_words_entry() -> None:
    glossary = json.loads(
        (ROOT / "src" / "rapprochement" / "glossary.json").read_text(encoding="utf-8")
    )
    entry = next(t for t in glossary if t["term"] == "new type of great-power relations")
    assert "[@chinaorgcn2014newtype]" in entry["definition"]
    assert "chinadaily2013newtype" not in entry["definition"]


def test_mirror_table_has_no_unexplained_marks() -> None:
    nb = nbformat.read(ROOT / "notebooks" / "06-trade-and-targets.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "analysis.mirror_gap(" in c.source)
    shown = "".join(
        "".join(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in cell.outputs
    )
    assert shown.strip(), "the mirror table cell has no stored output"
    assert "*" not in shown


def test_notebook_09_coverage_is_stated_once_everywhere() -> None:
    rows = [
        line
        for path in (
            ROOT / "README.md",
            TEXT / "00-start-here.md",
            ROOT / "solutions" / "instructor-guide.md",
        )
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\|\s*(\[)?09 Hindsight", line)
    ]
    assert len(rows) == 3, rows
    assert all(re.search(r"\|\s*¶9, ¶12\b", row) for row in rows), rows
