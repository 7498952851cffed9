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


def test_widget_cells_map_to_their_kernel_free_twin() -> None:
    found = build_book.static_for_widget(
        'timeline.timeline_widget(highlight=["2014-03-17", "2021-03-23"], start_year=2014, '
        "end_year=2021)"
    )
    assert found is not None
    name, fig = found
    assert name == "timeline"
    assert fig["layout"]["title"]["text"].endswith("2014-2021")
    assert build_book.static_for_widget("x = 1") is None
    name, _ = build_book.static_for_widget("explorer = widgets.TargetExplorer(trade, targets, cpi)")
    assert name == "targets"
