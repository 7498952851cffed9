"""Sphinx configuration of the book (scripts/build_book.py copies this beside the sources).

Sphinx + MyST-NB + sphinx-book-theme, the stack Jupyter Book 1.x wraps, driven directly so
that every asset is local: notebooks are NOT executed (their stored outputs are used), no
require.js or widget manager from a CDN, no MathJax (the collection has no formulas; the
build fails if a page needs it), plotly.js loaded once from _static on the pages with charts,
and a subset of Noto Sans CJK (SIL OFL) for Chinese and Cyrillic text.
"""

from __future__ import annotations

import os

project = "Reading Zhang Xin (2021) on China-Russia rapprochement"
author = "The rapprochement teaching collection (CC BY 4.0)"
copyright = "CC BY 4.0 (text, notebooks, data compilation); MIT (code)"
language = "en"

extensions = ["myst_nb", "sphinx_external_toc"]
external_toc_path = "_toc.yml"
external_toc_exclude_missing = False
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints"]
html_extra_path = ["_extra"]  # data files the pages link to, copied as they are
# the notebooks jump from H1 to H3 in places (their business, not the book's)
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# MyST-NB: stored outputs only, nothing from a CDN
nb_execution_mode = "off"
nb_ipywidgets_js: dict = {}
nb_render_markdown_format = "myst"
myst_enable_extensions = ["colon_fence", "deflist", "html_image"]
myst_heading_anchors = 3
nb_merge_streams = True

html_theme = "sphinx_book_theme"
html_title = "Zhang Xin (2021): a reading companion"
html_static_path = ["_static"]
html_css_files = ["book.css", "icons.css"]
html_js_files = ["book.js"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_source_button": False,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    "show_navbar_depth": 1,
    "search_bar_text": "Search the book...",
    "extra_footer": (
        "Built from the notebooks' stored outputs. Charts and explorers work offline, "
        "without a kernel."
    ),
}

# light by default (an empty mode makes the theme log an error on the first visit)
html_context = {"default_mode": "light"}

PLOTLY_JS = os.environ.get("RAPPROCHEMENT_PLOTLY_JS", "vendor/plotly-basic.min.js")


def _page_js(app, pagename, templatename, context, doctree):  # noqa: ANN001
    """plotly.js and the drawing script only on pages that have a chart."""
    body = context.get("body") or ""
    if "rapprochement-figure" in body:
        app.add_js_file(PLOTLY_JS, priority=200)
        app.add_js_file("plots.js", priority=210)
    if "rapprochementQuiz(" in body:
        # jupyterquiz's code, once for the whole book (scripts/build_book.py writes it)
        app.add_js_file("quiz.js", priority=200)


def setup(app):  # noqa: ANN001
    app.connect("html-page-context", _page_js)
