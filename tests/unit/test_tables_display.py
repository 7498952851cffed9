"""How notebooks show tables (rapprochement.tables.display): plain HTML in a scrollable region."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from rapprochement import data
from rapprochement.tables.display import plain_tables


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
    assert f"<td>20bn-by-2000</td>\n      <td>{outcome}</td>" in html
    assert "tex2jax_ignore" in html and pd.get_option("display.html.use_mathjax") is False
