"""Student content in graded copies and feedback pages is inert (rapprochement.grading.sanitize).

Each generated hostile payload (tests/grading/hostile.py) is put in a notebook, the notebook is
rendered with nbgrader's own feedback template, and the page is searched for anything active:
script elements, event handlers, frames, forms, styles, and URLs other than http(s)/mailto
links and data: raster images. Before sanitising, the search must find the payload (so it can
fail); after, it must find nothing. The browser test (test_hostile_pages.py) does the same in
Chromium, whose HTML parser is the one that matters for the parser-confusion cases.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest

pytest.importorskip("nh3")
pytest.importorskip("nbgrader")

import nbformat  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from hostile import beacon, html_payloads, markdown_payloads, output_bundles  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from traitlets.config import Config  # noqa: E402

from rapprochement.grading.sanitize import (  # noqa: E402
    MIME_ALLOWED,
    PLOTLY,
    clean_html,
    inert_markdown,
    sanitize_output,
    sanitized,
)
from rapprochement.grading.settings import course_settings, repo_root  # noqa: E402

ACTIVE_TAGS = {
    "script", "iframe", "frame", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "base", "meta", "link", "style", "svg", "math", "template",
    "video", "audio", "source", "track", "portal", "frameset", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "srcset", "poster", "background", "data",
    "xlink:href", "codebase", "cite", "srcdoc", "ping", "manifest",
}  # fmt: skip
SAFE_LINK = re.compile(r"(https?|mailto):", re.I)
# nbconvert shows SVG outputs as <img src="data:image/svg+xml...">: in an image, SVG runs no
# script and loads nothing (the SVG text itself is checked separately)
SAFE_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]*\Z", re.I)
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5Er"
    "kJggg=="
)


def _exporter():
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters.generate_feedback import GenerateFeedback  # noqa: F401

    templates = Path(__import__("nbgrader").__file__).parent / "server_extensions" / "formgrader"
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(templates / "templates")]
    css = templates / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    c.HTMLExporter.extra_template_paths = [str(css)]
    c.HTMLExporter.sanitize_html = False  # this module's layer alone
    return HTMLExporter(config=c)


EXPORTER = _exporter()


def _render(nb) -> str:
    resources = {"nbgrader": {"notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}}
    body, _ = EXPORTER.from_notebook_node(copy.deepcopy(nb), resources=resources)
    return body


def active_content(page: str) -> list[str]:
    """Everything active in the notebook part of a rendered page (an empty list: inert)."""
    soup = BeautifulSoup(page, "html.parser")
    containers = soup.find_all(id="notebook-container")
    root = containers[-1] if containers else soup  # the innermost: cells only
    found = []
    for el in root.find_all(True):
        if el.name in ACTIVE_TAGS:
            found.append(f"<{el.name}>")
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            name = attr.lower()
            if name == "id" and value.startswith("cell-id="):  # the template's cell anchors
                continue
            if name.startswith("on") or name in ("style", "id", "name", "srcdoc"):
                if not (name == "name" and el.name == "a" and not el.get_text()):  # nbgrader's
                    found.append(f"{el.name}[{name}]")
            elif name in URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value))
                ok = (
                    SAFE_IMAGE.match(squeezed)
                    if el.name == "img" and name == "src"
                    else name == "href" and el.name == "a" and SAFE_LINK.match(squeezed)
                )
                if not ok:
                    found.append(f"{el.name}[{name}={value[:40]}]")
    return found


def _active_before(nb) -> list[str]:
    try:
        return active_content(_render(nb))
    except Exception:  # nbconvert refuses it (a missing attachment): nothing to show
        return []


def _notebook(markdown: list[str] = (), outputs: list[dict] = ()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "py"}
    nb.cells = [nbformat.v4.new_markdown_cell(m) for m in markdown]
    if outputs:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


def _display(data: dict, metadata: dict | None = None) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


HTML = html_payloads(beacon)
MARKDOWN = markdown_payloads(beacon)
OUTPUTS = output_bundles(beacon)
# Cases whose danger only a browser's parser shows (mutation XSS) or that are dangerous as a
# request rather than as markup; Python's html.parser reads them as harmless text. They are
# checked after sanitising here, and in Chromium by the browser test.
PARSER_ONLY = {
    "mxss-noscript", "mxss-math-style", "mxss-svg-style", "mxss-form-math", "mxss-textarea",
    "mxss-title", "mxss-xmp", "mxss-select", "comment-breakout", "cdata", "template",
    "img-unclosed", "script-nested", "md-math-href", "md-attachment-missing",
    "md-html-comment-breakout", "md-html-cdata", "md-html-template", "md-html-img-unclosed",
    "md-html-mxss-noscript", "md-html-mxss-math-style", "md-html-mxss-svg-style",
    "md-html-mxss-form-math", "md-html-mxss-textarea", "md-html-mxss-title",
    "md-html-mxss-xmp", "md-html-mxss-select", "md-html-script-nested", "md-code-span",
    # markdown itself reads the backquotes of this one as code; an SVG image runs nothing
    "md-html-img-onerror-unquoted-case", "md-image-data-svg",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MARKDOWN))
def test_markdown_payload_is_inert_after_sanitising(name):
    nb = _notebook([MARKDOWN[name]])
    before = _active_before(nb)
    if name not in PARSER_ONLY:
        assert before, f"{name}: the payload is not active even before sanitising"
    assert active_content(_render(sanitized(nb))) == []


@pytest.mark.parametrize("name", sorted(HTML))
def test_html_output_payload_is_inert_after_sanitising(name):
    nb = _notebook(outputs=[_display({"text/html": HTML[name], "text/plain": "t"})])
    before = _active_before(nb)
    if name not in PARSER_ONLY:
        assert before, f"{name}: the payload is not active even before sanitising"
    assert active_content(_render(sanitized(nb))) == []
    assert clean_html(clean_html(HTML[name])) == clean_html(HTML[name])


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_every_output_type_is_reduced_to_the_allowed_list(name):
    metadata = {"text/html": {"isolated": True}} if name == "out-isolated" else {}
    nb = _notebook(outputs=[_display(OUTPUTS[name], metadata)])
    clean = sanitized(nb)
    (output,) = clean.cells[-1].outputs
    assert set(output.data) <= MIME_ALLOWED
    assert output.metadata == {}
    assert active_content(_render(clean)) == []
    text = str(output.data)
    assert "javascript:" not in text and "onerror" not in text and "<script" not in text
    assert "127.0.0.2" not in text  # no external image, map or topojson address


def test_hostile_metadata_is_dropped():
    nb = _notebook(["plain"], [_display({"text/plain": "1"})])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["title"] = "<script>x</script>"
    meta = nb.cells[0].metadata
    meta["nbgrader"] = {
        "grade_id": 'q1"><img src=x onerror=alert(1)>',
        "solution": True,
        "grade": "yes",
        "points": "3",
        "comment": "<img src=x onerror=alert(1)>",
        "score": "<b>",
    }
    meta["tags"] = ["ok", {"bad": 1}]
    meta["widgets"] = {"x": 1}
    nb.cells[1].metadata["nbgrader"] = {"grade_id": "ps1-q1", "grade": True, "points": 2}
    nb.cells[1].execution_count = "<b>1</b>"
    clean = sanitized(nb)
    assert set(clean.metadata) == {"kernelspec"}
    assert clean.cells[0].metadata == {"nbgrader": {"solution": True}, "tags": ["ok"]}
    assert clean.cells[1].metadata["nbgrader"] == {"grade_id": "ps1-q1", "grade": True, "points": 2}
    assert clean.cells[1].execution_count is None
    nbformat.validate(clean)


def test_plain_answers_keep_their_text_and_formatting():
    answer = (
        "China's exports rose by **40%** between 2014 and 2024 (¶9), H<sub>2</sub>O & co.\n\n"
        "- first point with `code`\n- second, see [the data](https://example.org/t.csv)\n\n"
        "| year | USD bn |\n|---|---|\n| 2014 | 95 |\n\n"
        f"![chart](data:image/png;base64,{PNG}) Press <kbd>Ctrl</kbd>+<kbd>S</kbd>."
    )
    nb = _notebook([answer])
    page = BeautifulSoup(_render(sanitized(nb)), "html.parser").find_all(id="notebook-container")[
        -1
    ]
    text = " ".join(page.get_text().split())
    assert "China's exports rose by 40% between 2014 and 2024 (¶9), H2O & co." in text
    assert page.find("strong").get_text() == "40%"
    assert page.find("sub") and page.find("kbd") and page.find("table") and page.find("li")
    assert page.find("a")["href"] == "https://example.org/t.csv"
    assert page.find("img")["src"] == f"data:image/png;base64,{PNG}"


def test_outputs_of_allowed_types_are_kept():
    figure = {"data": [{"type": "bar", "x": ["2014", "2024"], "y": [95, 245]}], "layout": {}}
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "<b>printed</b> as text\n"},
        _display(
            {"image/png": PNG, "text/plain": "<Figure>"}, {"image/png": {"width": 10, "x": "y"}}
        ),
        _display({"application/vnd.plotly.v1+json": figure, "text/html": "<script></script>"}),
        _display({"text/html": '<table class="dataframe"><tr><td>1</td></tr></table>'}),
        {"output_type": "error", "ename": "ValueError", "evalue": "<b>", "traceback": ["t"]},
    ]
    clean = sanitized(_notebook(outputs=outputs)).cells[-1].outputs
    assert clean[0] == outputs[0]
    assert clean[1].data == {"image/png": PNG, "text/plain": "<Figure>"}
    assert clean[1].metadata == {"image/png": {"width": 10}}
    assert clean[2].data == {"application/vnd.plotly.v1+json": figure}
    table = '<table class="dataframe"><tbody><tr><td>1</td></tr></tbody></table>'
    assert clean[3].data["text/html"] == table
    assert clean[4] == outputs[4]


def test_pure_idempotent_and_valid():
    nb = _notebook(list(MARKDOWN.values()), [_display(o) for o in OUTPUTS.values()])
    before = copy.deepcopy(nb)
    once = sanitized(nb)
    assert nb == before
    assert sanitized(once) == once
    nbformat.validate(once)


def test_instructor_markdown_is_kept_as_written():
    question = "**Question 1.2 (2 points, written).** See <kbd>¶9</kbd> and $x_1$."
    nb = _notebook([question, question + " <img src=x onerror=alert(1)>"])
    clean = sanitized(nb, trusted={question})
    assert clean.cells[0].source == question
    assert clean.cells[1].source.startswith("<div>") and "onerror" not in clean.cells[1].source


def test_markdown_becomes_one_html_block():
    """One line inside a <div>: every markdown renderer passes it through as one HTML block."""
    source = inert_markdown("a\n\n    <img src=x onerror=alert(1)>\n\n```\n<b>\n\n</b>\n```\n")
    assert "\n" not in source and source.startswith("<div>") and source.endswith("</div>")
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert markdown2html_mistune(source).strip() == source


PIECES = list(HTML.values()) + list(MARKDOWN.values()) + [
    "\n", "\n\n", "    ", "<", ">", '"', "'", "`", "&", "&lt;", "$", "[", "](", ")", "*", "<!--",
    "-->", "<div>", "</div>", "<p>", "<pre>", "</pre>", "```", "> ", "- ", "|", "\\",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6))
def test_combinations_of_fragments_stay_inert(parts):
    text = "".join(parts)
    nb = _notebook([text], [_display({"text/html": text, "text/markdown": text})])
    once = sanitized(nb)
    assert active_content(_render(once)) == []
    assert sanitized(once) == once


def test_plotly_keeps_labels_and_drops_addresses_and_links():
    figure = {
        "data": [{"type": "bar", "x": [1], "y": [2], "name": "Trade: <b>2024</b> & after"}],
        "layout": {
            "title": {"text": "<a href='javascript:alert(1)'>Exports</a> (USD bn)"},
            "images": [{"source": "https://127.0.0.2/logo.png"}, {"source": "//127.0.0.2/x"}],
            "mapbox": {"style": "JavaScript: alert(1)"},
        },
        "config": {"topojsonURL": "https://127.0.0.2/"},
    }
    (out,) = sanitized(_notebook(outputs=[_display({PLOTLY: figure})])).cells[-1].outputs
    clean = out.data[PLOTLY]
    assert set(clean) == {"data", "layout"}
    assert clean["data"][0]["name"] == "Trade: <b>2024</b> &amp; after"
    assert clean["layout"]["title"]["text"] == "Exports (USD bn)"
    assert clean["layout"]["images"] == [{"source": ""}, {"source": ""}]
    assert clean["layout"]["mapbox"]["style"] == ""


def test_math_keeps_formulas_but_no_links():
    """MathJax typesets $...$ and LaTeX outputs: \\href and friends would make links."""
    nb = _notebook(
        ["Growth $g = \\frac{a}{b}$, $\\href{javascript:alert(1)}{x}$ $\\style{color:red}{y}$"],
        [_display({"text/latex": "$\\url{http://127.0.0.2/} + \\alpha$"})],
    )
    clean = sanitized(nb)
    assert "\\frac{a}{b}" in clean.cells[0].source
    for text in (clean.cells[0].source, clean.cells[1].outputs[0].data["text/latex"]):
        assert not re.search(r"\\(href|url|style)\b", text)
    assert (
        clean.cells[1].outputs[0].data["text/latex"]
        == "$\\mathrm{url}{http://127.0.0.2/} + \\alpha$"
    )


def test_unknown_output_becomes_a_note():
    out = sanitize_output(_display({"application/javascript": "alert(1)"}))
    assert out["data"] == {
        "text/plain": "[output of type application/javascript removed: graded copies show no "
        "active content]"
    }


def test_course_and_repository_configs_turn_sanitising_on(tmp_path):
    c = Config()
    course_settings(c, tmp_path)
    name = "rapprochement.grading.sanitize.SanitizeStudentContent"
    assert c.Autograde.autograde_preprocessors[-1] == name
    assert c.GenerateFeedback.preprocessors[0] == name
    assert c.HTMLExporter.sanitize_html is True
    replay = Config()
    course_settings(replay, tmp_path, outcomes_dir=str(tmp_path))
    assert replay.Autograde.autograde_preprocessors[-1] == name
    from traitlets.config.loader import PyFileConfigLoader

    repo = PyFileConfigLoader("nbgrader_config.py", path=str(repo_root())).load_config()
    assert repo.GenerateFeedback.preprocessors[0] == name
    assert repo.HTMLExporter.sanitize_html is True
    install = (repo_root() / "deploy" / "install.sh").read_text(encoding="utf-8")
    assert "c.HTMLExporter.sanitize_html = True" in install
