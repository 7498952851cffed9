"""How notebooks show tables: plain HTML without pandas' styling, and the same cells as
tab-separated text for plain-text front ends."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: The scoped style pandas writes into every table's HTML (JupyterLab's own table style
#: applies without it) and the indentation before each tag (whitespace between table tags,
#: which HTML ignores): together about half of a stored table's bytes.
_STYLE = re.compile(r"<style scoped>.*?</style>\n?", re.S)
_INDENT = re.compile(r">\n\s*<")


def compact_html(frame: pd.DataFrame) -> str | None:
    """pandas' notebook HTML of ``frame`` (the same rows, columns, classes and cells, cut to
    ``display.max_rows`` and ``max_columns``) without the scoped ``<style>`` block and the
    indentation; None where pandas shows no HTML."""
    html = frame._repr_html_()
    if html is None:
        return None
    return _INDENT.sub("><", _STYLE.sub("", html, count=1))


def compact_text(frame: pd.DataFrame) -> str | None:
    """The cells of ``frame`` as tab-separated lines (a header line, then one line per row,
    the index first), floats to ``display.precision`` decimals and texts cut to
    ``display.max_colwidth`` as pandas shows them; None
    where pandas would cut the frame to ``display.max_rows`` / ``max_columns`` (its own text
    then says what is left out).

    pandas' own text pads every cell to its column's widest and, past ``display.width``, wraps
    the columns into blocks that repeat the index: a stored table's text/plain was mostly
    spaces. Tab-separated text is every cell once, readable and machine-readable (``read_csv``
    with ``sep="\\t"``).
    """
    max_rows, max_cols = pd.get_option("display.max_rows"), pd.get_option("display.max_columns")
    if (max_rows is not None and len(frame) > max_rows) or (
        max_cols and len(frame.columns) > max_cols
    ):
        return None
    precision = pd.get_option("display.precision")

    def number(value: float) -> str:
        value = float(value)
        rounded = round(value, precision)
        # a tiny value is not shown as 0 (pandas switches to scientific notation there)
        return repr(value if rounded == 0 and value != 0 else rounded)

    width = pd.get_option("display.max_colwidth")

    def cut(value: object) -> object:
        if width is not None and isinstance(value, str) and len(value) > width:
            return value[: width - 4] + "..."  # as pandas cuts it
        return value

    if width is not None:
        frame = frame.map(cut)
    text = frame.to_csv(sep="\t", lineterminator="\n", na_rep="NaN", float_format=number)
    return text.rstrip("\n")


def _table_text(frame: pd.DataFrame, printer: Any, cycle: bool) -> None:
    text = compact_text(frame)
    printer.text(repr(frame) if text is None else text)


def _table_html(frame: pd.DataFrame) -> str | None:
    inner = compact_html(frame)
    if inner is None:
        return None
    return (
        '<div class="rapprochement-table" role="region" tabindex="0" '
        'aria-label="Table (scroll sideways with the arrow keys if it is wider than the page)" '
        'style="overflow-x:auto;max-width:100%">' + inner + "</div>"
    )


def plain_tables() -> None:
    """Show data frames in this notebook as plain, keyboard-scrollable tables.

    * ``display.html.use_mathjax`` off: pandas marks its tables ``tex2jax_ignore`` /
      ``mathjax_ignore``, so a cell with two "$" (a source note quoting dollar amounts) is
      never typeset as a formula;
    * each table sits in a box that scrolls sideways and can take the keyboard focus (a wide
      table on a narrow screen is otherwise out of reach for keyboard users; WCAG 2.1.1);
    * the text version (what plain-text front ends show, stored beside the HTML) is the same
      cells tab-separated (:func:`compact_text`) instead of pandas' padded, wrapped layout.

    Call it once at the top of a notebook; outside IPython only the pandas option is set.
    """
    pd.set_option("display.html.use_mathjax", False)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        formatters = shell.display_formatter.formatters
        formatters["text/html"].for_type(pd.DataFrame, _table_html)
        formatters["text/plain"].for_type(pd.DataFrame, _table_text)
