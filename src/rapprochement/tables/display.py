"""How notebooks show tables: plain HTML without pandas' styling, and a one-line text beside
it for plain-text front ends."""

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


def table_summary(frame: pd.DataFrame) -> str:
    """The text stored beside a table's HTML: its size and column names.

    Every front end that shows these notebooks (JupyterLab, VS Code, GitHub, nbconvert's HTML
    and Markdown, the book) shows the HTML, which nbval also compares. pandas' own text pads
    each cell and repeats the index in blocks; stored beside the HTML it was a tenth of
    notebook 09. This line says what the table is for a plain-text reader and points to it.
    """
    rows, cols = frame.shape
    names = ", ".join(str(c) for c in frame.columns)
    index = f"; index: {frame.index.name}" if frame.index.name else ""
    return (
        f"[table: {rows} row{'s' * (rows != 1)} x {cols} column{'s' * (cols != 1)}"
        f" ({names}){index}; its cells are in the HTML version of this output]"
    )


def _table_text(frame: pd.DataFrame, printer: Any, cycle: bool) -> None:
    printer.text(table_summary(frame))


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
    * the text version (what plain-text front ends show, stored beside the HTML) is one line
      naming the table's size and columns (:func:`table_summary`), not pandas' padded layout.

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
