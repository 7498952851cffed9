"""How notebooks show tables (rapprochement.tables.display): plain, compact HTML in a
keyboard-scrollable region, showing what pandas' own notebook HTML shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from rapprochement import data
from rapprochement.tables import display
from rapprochement.tables.display import plain_tables


class _Parts(HTMLParser):
    """Tags with their attributes and the text between them, whitespace-only text dropped, the
    contents of <style> dropped (what a reader sees of a table, not how it is indented)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[tuple[str, ...]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        if tag != "style":
            self.parts.append(("start", tag, *sorted(f"{k}={v}" for k, v in attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        else:
            self.parts.append(("end", tag))

    def handle_data(self, data):
        if data.strip() and not self._in_style:
            self.parts.append(("text", " ".join(data.split())))


def _parts(html: str) -> list[tuple[str, ...]]:
    parser = _Parts()
    parser.feed(html)
    return parser.parts


FRAMES = {
    "simple": pd.DataFrame({"value": [84.07, 107.06], "row": ["a <b>", "c & d"]}),
    "index name": pd.DataFrame({"v": [1, 2]}, index=pd.Index([2017, 2018], name="year")),
    "multiindex": pd.DataFrame(
        {"v": [1.5, 2.5, None]},
        index=pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["k", "n"]),
    ),
    "long": pd.DataFrame({"n": range(200)}),
    "wide": pd.DataFrame([range(40)]),
}


@pytest.mark.parametrize("name", FRAMES)
def test_compact_html_shows_what_pandas_shows(name: str) -> None:
    frame = FRAMES[name]
    pandas_html = frame._repr_html_()
    compact = display.compact_html(frame)
    assert compact is not None and pandas_html is not None
    assert _parts(compact) == _parts(pandas_html)
    assert "<style" not in compact
    assert "\n " not in compact
    assert len(compact) < len(pandas_html) * 0.8


def test_tables_keep_the_class_mathjax_skips() -> None:
    with pd.option_context("display.html.use_mathjax", False):
        html = display.compact_html(FRAMES["simple"])
    assert html is not None
    assert "mathjax_ignore" in html and "tex2jax_ignore" in html


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    formatter = shell.display_formatter.formatters["text/html"]
    yield shell
    formatter.pop(pd.DataFrame, None)
    pd.reset_option("display.html.use_mathjax")


def test_a_frame_shows_as_a_keyboard_scrollable_table_never_typeset(shell) -> None:
    # the first target's outcome in data/targets.csv: three dollar signs in one cell
    frame = data.load_targets()[["target_id", "outcome"]].head(1)
    plain_tables()
    with pd.option_context("display.max_colwidth", None):
        html = shell.display_formatter.formatters["text/html"](frame)
    assert html.startswith('<div class="rapprochement-table" role="region" tabindex="0"')
    assert "overflow-x:auto" in html
    outcome = "Missed: GACC records $8.0bn for 2000. Trade first passed $20bn in 2004 ($21.23bn)."
    assert re.search(rf"<td>20bn-by-2000</td>\s*<td>{re.escape(outcome)}</td>", html)
    assert "tex2jax_ignore" in html and pd.get_option("display.html.use_mathjax") is False


# --- the text version: one line that says what the table is ------------------------------


def test_table_summary_names_size_columns_and_index() -> None:
    frame = pd.DataFrame(
        {"value": [84.07, 107.06], "row": ["a", "b"]},
        index=pd.Index([2017, 2018], name="year"),
    )
    text = display.table_summary(frame)
    assert text.startswith("[table: 2 rows x 2 columns (value, row); index: year;")
    one = display.table_summary(pd.DataFrame({"v": [1]}))
    assert one.startswith("[table: 1 row x 1 column (v);")


def test_plain_tables_stores_the_summary_beside_the_full_html(shell) -> None:
    frame = pd.DataFrame({"v": [1.5, 2.0]}, index=pd.Index([2017, 2018], name="year"))
    plain_tables()
    try:
        data, _ = shell.display_formatter.format(frame)
        assert data["text/plain"] == display.table_summary(frame)
        assert "2017" in data["text/html"] and "1.5" in data["text/html"]
    finally:
        shell.display_formatter.formatters["text/plain"].pop(pd.DataFrame, None)
