"""rapprochement.export without a browser: what the preprocessor and the template write.

The pages themselves are opened offline in Chromium by tests/book/test_export.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from rapprochement import explorers, export, quiz
from rapprochement_support.figs import displayed as _displayed


def _code(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    cell.execution_count = 1
    return cell


def _quiz_outputs(quiz_id: str) -> list[dict]:
    InteractiveShell.instance()
    with capture_output() as captured:
        quiz.show(quiz_id)
    return [
        {"output_type": "display_data", "data": dict(o.data), "metadata": {}}
        for o in captured.outputs
    ]


@pytest.fixture
def notebook() -> nbformat.NotebookNode:
    plotly = {"data": [{"type": "bar", "x": [1, 2], "y": [3, 4]}], "layout": {"title": "t"}}
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A notebook"),
        _code(
            "fig",
            [
                {
                    "output_type": "display_data",
                    "data": {export.PLOTLY_MIME: plotly, "text/plain": "Figure"},
                    "metadata": {},
                }
            ],
        ),
        _code(
            "explorers.settlements.SettlementCurrencies(settle)",
            [
                {
                    "output_type": "display_data",
                    "data": {export.WIDGET_MIME: widget, "text/plain": "VBox(children=(...))"},
                    # what the explorer records when displayed (explorers.widget)
                    "metadata": {"rapprochement": {"explorer": "settlements", "args": {}}},
                }
            ],
        ),
        _code('quiz.show("01-context")', _quiz_outputs("01-context")),
    ]
    nb.metadata["widgets"] = {"state": {"abc": {}}}
    return nb


def test_outputs_become_static(notebook: nbformat.NotebookNode) -> None:
    counts = export.transform_notebook(notebook, "t")
    assert counts == {"plotly": 1, "explorers": 1, "widgets_dropped": 0, "quizzes": 1}
    chart, explorer, quiz_cell = (c for c in notebook.cells if c.cell_type == "code")
    html = chart.outputs[0].data["text/html"]
    assert 'class="rapprochement-figure"' in html and '"type":"bar"' in html
    assert export.PLOTLY_MIME not in chart.outputs[0].data
    explorer_html = explorer.outputs[0].data["text/html"]
    assert "updatemenus" in explorer_html and "VBox" not in explorer_html
    kinds = [list(o.data) for o in quiz_cell.outputs]
    assert all(export.WIDGET_MIME not in k for k in kinds), "the runner widget stays behind"
    assert "show_questions" in quiz_cell.outputs[-1].data["text/html"]
    assert "widgets" not in notebook.metadata


def test_the_page_loads_nothing_from_elsewhere(notebook: nbformat.NotebookNode) -> None:
    body, resources = export.OfflineHTMLExporter(execute="never").from_notebook_node(
        notebook, resources={"metadata": {"name": "t", "path": "."}}
    )
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", body)
    assert "require.js" not in body and "MathJax.Hub.Config" not in body
    assert "mermaid.esm" not in body
    # plotly.js and the drawing script inlined once
    assert body.count("Plotly.newPlot") == 1 and len(resources["rapprochement_js"]) == 2
    # the stored figure is in the page as JSON that parses
    # (nbconvert writes the attributes in its own order)
    data = re.search(r'<script[^>]*class="rapprochement-figure"[^>]*>(.*?)</script>', body, re.S)
    assert data and json.loads(data.group(1))["data"][0]["type"] == "bar"


def test_a_page_without_charts_has_no_plotly() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("text only")]
    body, _ = export.OfflineHTMLExporter(execute="never").from_notebook_node(nb)
    assert "Plotly.newPlot" not in body and len(body) < 1_000_000


def test_never_run_is_told_apart(notebook: nbformat.NotebookNode) -> None:
    assert not export._never_run(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = None, []
    assert export._never_run(notebook)


def test_cli_refuses_a_missing_notebook(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit):
        export.main([str(tmp_path / "nope.ipynb"), "--out", str(tmp_path)])
    assert "no such notebook" in capsys.readouterr().err


# --- what an explorer records, and what export does with it ---------------------------------


def test_a_widget_records_its_name_and_arguments_and_export_builds_its_twin(monkeypatch) -> None:
    w = explorers.timeline.Timeline(highlight=["2014-03-17"], start_year=2014, end_year=2021)
    outputs = _displayed(w, monkeypatch)
    assert export.WIDGET_MIME in outputs[0]["data"]
    assert outputs[0]["metadata"] == {
        "rapprochement": {
            "explorer": "timeline",
            "args": {"highlight": ["2014-03-17"], "start_year": 2014, "end_year": 2021},
        }
    }
    found = export.static_for_outputs(outputs)
    assert found is not None
    name, fig = found
    assert name == "timeline"
    labels = [a.get("text", "") for a in fig["layout"]["annotations"] if a.get("showarrow")]
    assert len(labels) == 1 and labels[0].startswith("2014-03-17:")  # the one highlighted
    # the period the widget opened on is the first button of the kernel-free version
    assert fig["layout"]["updatemenus"][1]["buttons"][0]["label"] == "2014-2021"


def test_export_reads_no_cell_source() -> None:
    """A widget output without the metadata is not matched by the code that made it."""
    nb = nbformat.v4.new_notebook()
    out = {
        "output_type": "display_data",
        "data": {export.WIDGET_MIME: {"model_id": "x", "version_major": 2, "version_minor": 0}},
        "metadata": {},
    }
    nb.cells = [nbformat.v4.new_code_cell("explorers.targets.TargetExplorer()", outputs=[out])]
    counts = export.transform_notebook(nb, "t")
    assert counts["explorers"] == 0 and counts["widgets_dropped"] == 1


def test_bad_explorer_metadata_is_refused_not_guessed() -> None:
    def out(meta: Any) -> dict[str, Any]:
        return {"output_type": "display_data", "data": {}, "metadata": {"rapprochement": meta}}

    with pytest.raises(ValueError, match="malformed"):
        export.static_for_outputs([out({"explorer": 3})])
    with pytest.raises(ValueError, match="malformed"):
        export.static_for_outputs([out("targets")])
    with pytest.raises(KeyError, match="no explorer 'gone'"):
        export.static_for_outputs([out({"explorer": "gone", "args": {}})])
