"""Citations a reader can follow (issue 21, item 7): author-year text linked to the reading list.

* every citation link in the notebooks and the instructor guide shows what
  rapprochement.citations makes of data/bibliography.json for its key, links to the reading list
  by the right relative path, and lands on an anchor the reading list has;
* no raw ``[@key]`` is left where students read (scripts/render_citations.py --check);
* the labels follow the author-year rules (names as CSL gives them, a/b for equal labels), the
  rewrite is idempotent and renews link texts when the bibliography changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from rapprochement import citations

ROOT = Path(__file__).resolve().parents[2]
READING_LIST = ROOT / "docs" / "reading-list.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GUIDE = ROOT / "solutions" / "instructor-guide.md"
#: any link to the reading list, however it was written
ANY_LINK = re.compile(r"\[([^\[\]]*)\]\(([^)\s]*reading-list\.md)(?:#([^)\s]*))?\)")


def _texts() -> list[tuple[Path, str]]:
    out = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        out += [(path, c.source) for c in nb.cells if c.cell_type == "markdown"]
    out.append((GUIDE, GUIDE.read_text(encoding="utf-8")))
    return out


def _anchors() -> set[str]:
    return set(re.findall(r'<a id="([\w-]+)"></a>', READING_LIST.read_text(encoding="utf-8")))


def _script():
    import render_citations

    return render_citations


def test_every_citation_link_shows_the_bibliography_label_and_lands_on_an_anchor():
    expected = citations.labels(citations.load())
    anchors = _anchors()
    headings = {
        re.sub(r"[^\w\s-]", "", h).strip().lower().replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", READING_LIST.read_text(encoding="utf-8"), re.M)
    }
    found, problems = 0, []
    for path, text in _texts():
        base = citations.link_base_for(path, ROOT)
        for label, target, anchor in ANY_LINK.findall(text):
            where = f"{path.name}: [{label}]({target}#{anchor})"
            if not (path.parent / target).resolve().is_file():
                problems.append(f"{where}: no such file")
            if anchor in expected:
                found += 1
                if label != expected[anchor]:
                    problems.append(f"{where}: the bibliography gives {expected[anchor]!r}")
                if target != base:
                    problems.append(f"{where}: the path from here is {base}")
                if anchor not in anchors:
                    problems.append(f"{where}: the reading list has no such anchor")
            elif anchor and anchor not in headings:
                problems.append(f"{where}: neither a work's key nor a heading")
    assert not problems, "\n".join(problems)
    assert found >= 137  # the 137 raw citations the notebooks had, and the guide's


def test_no_raw_citation_is_left_where_students_read():
    raw = [
        (path.name, m.group(0))
        for path, text in _texts()
        for m in citations.RAW.finditer(re.sub(r"`[^`\n]*`", "", text))
    ]
    assert not raw, raw
    files = [str(p) for p in NOTEBOOKS] + [str(GUIDE)]
    assert _script().main(["--check", *files]) == 0


def test_reading_list_has_one_anchor_per_entry_and_shows_its_label():
    entries = citations.load()
    page = READING_LIST.read_text(encoding="utf-8")
    labels = citations.labels(entries)
    ids = re.findall(r'<a id="([\w-]+)"></a>', page)
    assert sorted(ids) == sorted(e["id"] for e in entries)
    for e in entries:
        assert f'<a id="{e["id"]}"></a>**{labels[e["id"]]}**: ' in page, e["id"]


def _entry(key, authors, year=2020, title="T"):
    e = {"id": key, "type": "book", "title": title, "author": authors}
    if year:
        e["issued"] = {"date-parts": [[year]]}
    return e


SAMPLE = [
    _entry("a1", [{"family": "Smith", "given": "Ann"}], 2001, "Beta"),
    _entry("a2", [{"family": "Smith", "given": "Ann"}], 2001, "alpha"),
    _entry("b", [{"family": "Lee", "given": "B."}, {"family": "Kim", "given": "C."}]),
    _entry("c", [{"family": "A", "given": "x"}, {"family": "B", "given": "y"}, {"literal": "C"}]),
    _entry("d", [{"family": f"N{i}", "given": "g"} for i in range(4)]),
    _entry("zh", [{"literal": "梁云祥"}, {"literal": "陶涛"}], 2018),
    _entry("ru", [{"family": "Лукин", "given": "А. В."}], 2020),
    _entry("org", [{"literal": "Valdai Discussion Club"}], None),
    _entry("vdw", [{"family": "Wilde", "given": "Jaap", "non-dropping-particle": "de"}], 1998),
    _entry("p1", [{"family": "Lukin", "given": "Alexander"}], 2018),
    _entry("p2", [{"family": "Lukin", "given": "Artyom"}], 2021),
    _entry("p3", [{"family": "Nye", "given": "Joseph S."}], 2004),
    _entry("p4", [{"family": "Nye", "given": "Robert"}], 2005),
]


def test_labels_follow_the_author_year_rules():
    got = citations.labels(SAMPLE)
    assert got["a2"] == "Smith 2001a" and got["a1"] == "Smith 2001b"  # title order
    assert got["b"] == "Lee and Kim 2020"
    assert got["c"] == "A, B, and C 2020"
    assert got["d"] == "N0 et al. 2020"
    assert got["zh"] == "梁云祥 and 陶涛 2018"
    assert got["ru"] == "Лукин 2020"
    assert got["org"] == "Valdai Discussion Club n.d."
    assert got["vdw"] == "de Wilde 1998"
    # two people with one family name: the whole given name, or initials when they differ
    assert got["p1"] == "Alexander Lukin 2018" and got["p2"] == "Artyom Lukin 2021"
    assert got["p3"] == "J. S. Nye 2004" and got["p4"] == "R. Nye 2005"


def test_render_forms_idempotence_and_renewal():
    known = citations.labels(SAMPLE)
    base = "../docs/reading-list.md"
    text = "See [@b]; [@a1; @a2], [@ru, p. 3], [see @zh, ch. 2]. Not `[@b]`, [x@y.org], [l](u)."
    once = citations.render(text, base, known)
    assert once == (
        f"See ([Lee and Kim 2020]({base}#b)); ([Smith 2001b]({base}#a1); "
        f"[Smith 2001a]({base}#a2)), ([Лукин 2020]({base}#ru), p. 3), "
        f"(see [梁云祥 and 陶涛 2018]({base}#zh), ch. 2). Not `[@b]`, [x@y.org], [l](u)."
    )
    assert citations.render(once, base, known) == once
    assert citations.keys_in(once, known) == ["b", "a1", "a2", "ru", "zh"]
    # pandoc also takes the locator after a space
    assert citations.render("[@ru p. 3]", base, known) == f"([Лукин 2020]({base}#ru), p. 3)"
    # the bibliography changes: the link text follows, the key (anchor) stays
    changed = [dict(e, issued={"date-parts": [[2019]]}) if e["id"] == "b" else e for e in SAMPLE]
    renewed = citations.render(once, base, citations.labels(changed))
    assert f"[Lee and Kim 2019]({base}#b)" in renewed and "Lee and Kim 2020" not in renewed
    with pytest.raises(citations.UnknownKey):
        citations.render("[@nobody]", base, known)


def test_link_base_is_relative_to_the_file():
    assert citations.link_base_for(ROOT / "notebooks" / "01-x.ipynb", ROOT) == (
        "../docs/reading-list.md"
    )
    ps = ROOT / "solutions" / "source" / "ps1" / "ps1.ipynb"
    # the source is copied to exercises/ps1/ and selfstudy/ps1/: links must work from there
    assert citations.link_base_for(ps, ROOT) == "../../docs/reading-list.md"
    released = ROOT / "exercises" / "ps1" / citations.link_base_for(ps, ROOT)
    assert released.resolve() == (ROOT / "docs" / "reading-list.md").resolve()
    assert citations.link_base_for(GUIDE, ROOT) == "../docs/reading-list.md"


def test_script_rewrites_markdown_cells_only(tmp_path, monkeypatch):
    script = _script()
    monkeypatch.setattr(script, "ROOT", tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Lo [@lo2008axis]."),
        nbformat.v4.new_code_cell("text = '[@lo2008axis]'"),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="[@lo2008axis]\n")]
    path = tmp_path / "notebooks" / "x.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    assert script.main(["--check", str(path)]) == 1
    assert script.main([str(path)]) == 0
    after = nbformat.read(path, as_version=4)
    assert after.cells[0].source == "Lo ([Lo 2008](../docs/reading-list.md#lo2008axis))."
    assert after.cells[1] == nb.cells[1]
    assert script.main(["--check", str(path)]) == 0


def test_handouts_link_citations_to_their_own_works_cited_list():
    import make_handouts as handouts

    from rapprochement import manifest

    m = manifest.load()
    labels = citations.labels(citations.load())
    total = 0
    for nb in m.notebooks:
        for instructor in (False, True):
            doc, _ = handouts.handout_html(nb, m, instructor=instructor)
            cited = re.findall(r'<a href="#cite-([\w-]+)">([^<]+)</a>', doc)
            listed = re.findall(r'<li id="cite-([\w-]+)">', doc)
            assert sorted(set(k for k, _ in cited)) == sorted(listed), nb.filename
            assert all(labels[k] == text for k, text in cited), nb.filename
            assert "[@" not in doc and "reading-list.md" not in doc, nb.filename
            total += len(cited)
    assert total > 20  # the discussion prompts and facilitation notes cite readings
