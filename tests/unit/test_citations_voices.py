"""Voices classified by one stated criterion: the author's institutional base at the time of
writing (the country of the university, institute or think tank the author wrote from), not
citizenship, birthplace or later moves.

* every Chinese, Russian or Western reading in data/bibliography.json records that base, and its
  ``perspective`` is what the criterion gives for the base's country;
* the instructor guide and notebook 00 state the criterion;
* every debate (a "Discussion" cell of notebooks 01-09) that names a Chinese, Russian or Western
  reading by author and year lists its voices ("*Voices* ...: Chinese: ...; Russian: ...;
  Western: ..."), each reading under the criterion's class, and the debates reviewed for
  misplaced voices (C03, C10, C12) do list them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from rapprochement import citations

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "data" / "bibliography.json"
VOICES = ("Chinese", "Russian", "Western")
WESTERN_COUNTRIES = {
    "United States",
    "United Kingdom",
    "Canada",
    "Australia",
    "Poland",
    "Germany",
    "France",
}
CRITERION = "institutional base at the time of writing"
REQUIRED_VOICE_LINES = {  # notebook: heading words of debates that must list their voices
    "02-narratives-and-pandemic": "convenience or convergence",  # C03
    "05-polarized-world-and-threats": "Cure or cause",  # C10
    "06-trade-and-targets": 'was "difficult"',  # C12
}


def classify(country: str) -> str:
    """The criterion: the class a voice gets from the country of its institutional base."""
    if country == "China":
        return "Chinese"
    if country == "Russia":
        return "Russian"
    if country in WESTERN_COUNTRIES:
        return "Western"
    raise ValueError(f"no class for a base in {country!r}: decide and add it to the criterion")


def _readings() -> dict[str, dict]:
    entries = json.loads(BIB.read_text(encoding="utf-8"))
    return {e["id"]: e for e in entries if e["custom"]["perspective"] in VOICES}


def test_classify_follows_the_base_not_the_person():
    assert classify("United States") == "Western"  # Yu Bin, though of Chinese origin
    assert classify("Russia") == "Russian"  # Carnegie Moscow Center authors
    with pytest.raises(ValueError, match="no class"):
        classify("Singapore")


def test_every_reading_records_its_base_and_is_filed_by_it():
    wrong, missing = [], []
    for key, e in _readings().items():
        base = e["custom"].get("base")
        if not base:
            if not e["custom"].get("base_unverified"):
                missing.append(key)
            continue
        assert base.get("institution") and base.get("country"), key
        if classify(base["country"]) != e["custom"]["perspective"]:
            wrong.append((key, base["country"], e["custom"]["perspective"]))
    assert not missing, f"readings without a base (or a reason in base_unverified): {missing}"
    assert not wrong, f"filed against the criterion: {wrong}"


def test_the_criterion_is_stated_for_instructors_and_students():
    guide = (ROOT / "solutions" / "instructor-guide.md").read_text(encoding="utf-8")
    start = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4)
    start_md = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    for where, text in (("instructor guide", guide), ("notebook 00", start_md)):
        assert CRITERION in " ".join(text.split()), f"{where} does not state the criterion"


def _voice_lines(text: str) -> list[str]:
    """The paragraphs (blank-line separated) that begin "*Voices*", each joined into one line."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paras if p.lstrip("*_ ").startswith("Voices")]


def _listed(line: str) -> dict[str, set[str]]:
    """{class: keys} from a voices line: each class name, then the citations up to the next."""
    out: dict[str, set[str]] = {}
    parts = re.split(r"\b(Chinese|Russian|Western):", line)
    for label, body in zip(parts[1::2], parts[2::2], strict=True):
        out[label] = set(citations.keys_in(body))
    return out


def test_listed_voices_sit_under_the_criterions_class():
    readings = _readings()
    checked = 0
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for line in _voice_lines(cell.source):
                listed = _listed(line)
                assert set(listed) == set(VOICES), f"{path.name}: a voices line lacks a class"
                for label, keys in listed.items():
                    for key in keys:
                        assert key in readings, f"{path.name}: {key} is not a reading with a voice"
                        got = readings[key]["custom"]["perspective"]
                        assert got == label, f"{path.name}: {key} listed {label}, filed {got}"
                        checked += 1
    assert checked, "no voices line found"


@pytest.mark.parametrize("stem", sorted(REQUIRED_VOICE_LINES))
def test_reviewed_debates_list_their_voices(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    heading = REQUIRED_VOICE_LINES[stem]
    debate = [
        c.source
        for c in nb.cells
        if c.cell_type == "markdown" and heading in (c.source.splitlines() or [""])[0]
    ]
    assert len(debate) == 1, f"{stem}: {len(debate)} debate cells headed {heading!r}"
    assert _voice_lines(debate[0]), f"{stem}: the debate {heading!r} lists no voices"


def _surname(e: dict) -> str:
    """The first author's surname as the notebooks write it (from ``title_en`` for works whose
    authors are written in Chinese or Cyrillic: Chinese order puts it first, Russian last)."""
    first = e["author"][0]
    if first.get("family", "").isascii() and first.get("family"):
        return first["family"]
    name = e["custom"]["title_en"].split(",")[0].split(" (")[0].split(" and ")[0].split()
    return name[0] if e.get("language") == "zh" else name[-1]


def _named_readings(text: str, readings: dict[str, dict]) -> list[str]:
    flat = " ".join(text.split())
    found = []
    for key, e in readings.items():
        if key == "zhang2021opportunities":  # the paper under discussion, not a voice beside it
            continue
        year = e["issued"]["date-parts"][0][0]
        if re.search(rf"\b{re.escape(_surname(e))}\b[^.;¶]{{0,40}}?\b{year}\b", flat):
            found.append(key)
    return found


def test_named_readings_are_found():
    readings = _readings()
    text = (
        "Lo (2008, 2017) and Liang and Tao (2018); Alexander Lukin (2020) and Zhao Mingwen (2019)"
    )
    assert set(_named_readings(text, readings)) >= {
        "lo2008axis",
        "lo2017wary",
        "liang2018zhonge",
        "lukin2020bolshaya",
        "zhao2019bainian",
    }
    assert _named_readings("Waltz (1979) on bipolarity", readings) == []


def test_every_debate_naming_readings_lists_its_voices():
    readings = _readings()
    missing = []
    for path in sorted((ROOT / "notebooks").glob("0[1-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            first = (cell.source.splitlines() or [""])[0]
            if cell.cell_type != "markdown" or "Discussion" not in first:
                continue
            named = _named_readings(cell.source, readings)
            if named and not _voice_lines(cell.source):
                missing.append(f"{path.name}: {first[:60]} names {named}")
    assert not missing, "debates without a voices line:\n" + "\n".join(missing)
