"""The quiz's styles and code travel once, not in every stored output (issue 23)."""

from __future__ import annotations

import json

from rapprochement import quiz


def test_the_stored_container_is_small_and_the_script_brings_the_styles() -> None:
    html, script = quiz.render("09-hindsight")
    div_id = quiz._div_id("09-hindsight")
    assert html.startswith(f'<div id="{div_id}"') and html.endswith("></div>")
    assert "<style" not in html
    css = quiz.styles(div_id)
    assert f"#{div_id}{{--jq-multiple-choice-bg" in css and "/*" not in css and "\n" not in css
    # the script puts exactly these styles before the container
    assert f'({json.dumps(css)}, "{div_id}", 100)' in script


def test_the_book_library_carries_the_styles_once_for_any_container() -> None:
    js = quiz.library_js()
    assert quiz._PLACEHOLDER in js
    # the same rules as a notebook's quiz, with the container id put in by the page
    assert quiz.styles(quiz._PLACEHOLDER)[:300] in js


def test_unindent_leaves_text_that_may_span_lines_alone() -> None:
    assert quiz._unindent("f();\n    g();\n\th();") == "f();\ng();\nh();"
    multi = "var s = `a\n    b`;"
    assert quiz._unindent(multi) == multi
    continued = 'var s = "a\\\n    b";'
    assert quiz._unindent(continued) == continued
