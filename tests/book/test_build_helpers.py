"""The build script's link rewriting and widget mapping, without building the book."""

from __future__ import annotations

import build_book


def test_links_point_at_what_the_book_holds() -> None:
    build_book.BOOK_FILES.clear()
    build_book.BOOK_FILES.update({"06-trade-and-targets.ipynb", "figures/x.png", "glossary.md"})
    text = (
        "[notes](../data/README.md#flags) [t](../data/trade.csv) "
        "[nb](06-trade-and-targets.ipynb) [nb2](../notebooks/06-trade-and-targets.ipynb) "
        "[ex](../exercises/ps1/ps1.ipynb) ![chart](figures/x.png) [web](https://example.org) "
        "[here](#section)"
    )
    out = build_book.rewrite_links(text)
    assert "[notes](data.md#flags)" in out
    assert '<a href="files/data/trade.csv">t</a>' in out
    assert "[nb](06-trade-and-targets.ipynb)" in out
    assert "[nb2](06-trade-and-targets.ipynb)" in out
    assert "ex (`../exercises/ps1/ps1.ipynb`)" in out  # not in the book: text, not a link
    assert "![chart](figures/x.png)" in out
    assert "[web](https://example.org)" in out and "[here](#section)" in out


def test_widget_outputs_map_to_their_kernel_free_twin() -> None:
    def output(meta: dict | None) -> dict:
        return {"output_type": "display_data", "data": {}, "metadata": meta or {}}

    args = {"highlight": ["2014-03-17", "2021-03-23"], "start_year": 2014, "end_year": 2021}
    found = build_book.static_for_outputs(
        [output({"rapprochement": {"explorer": "timeline", "args": args}})]
    )
    assert found is not None
    name, fig = found
    assert name == "timeline"
    assert fig["layout"]["meta"]["title"].startswith("China-Russia relations")  # kept in meta
    start, end = fig["layout"]["xaxis"]["range"]  # opens on the recorded years, 2014-2021
    assert start[:4] in ("2013", "2014") and end[:4] in ("2021", "2022")
    assert fig["layout"]["meta"]["static_explorer"] is True
    assert build_book.static_for_outputs([output(None)]) is None
    found = build_book.static_for_outputs(
        [output(None), output({"rapprochement": {"explorer": "targets", "args": {}}})]
    )
    assert found is not None and found[0] == "targets"


def test_book_lock_agrees_with_the_student_lock_and_covers_the_book_extra() -> None:
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def pins(name: str) -> dict[str, str]:
        found = {}
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.split("#", 1)[0].strip())
            if m:
                found[m.group(1).lower()] = m.group(2)
        return found

    student, book = pins("requirements.lock"), pins("requirements-book.lock")
    assert {n: (v, book[n]) for n, v in student.items() if n in book and book[n] != v} == {}
    assert set(student) <= set(book)
    extra = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    for requirement in extra["optional-dependencies"]["book"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        assert name in book, name
