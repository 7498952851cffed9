"""Offline HTML export of the notebooks: every chart drawn, no CDN, no kernel needed to read.

Usage::

    python -m rapprochement.export notebooks/06-trade-and-targets.ipynb ...  # -> build/html/
    jupyter nbconvert --to offline_html notebooks/06-trade-and-targets.ipynb
    make html                                                  # every notebook -> build/html/

and, in JupyterLab, File > Save and Export Notebook As > "Offline_html".

nbconvert's own HTML export loads require.js and MathJax from CDNs, drops plotly figures (their
``application/vnd.plotly.v1+json`` outputs) and shows widgets as raw text. This exporter is
nbconvert's ``HTMLExporter`` with the ``lab`` template and three changes:

* :class:`OfflinePreprocessor` makes the stored outputs static, as the book does: each plotly
  output becomes its JSON in the page, drawn by the one plotly.js the page inlines; each
  explorer widget becomes its kernel-free explorer (found by the name and arguments the widget
  recorded in its output's metadata, built by :mod:`rapprochement.explorers.registry` from the
  same controls and chart code); each quiz gets jupyterquiz's script back
  (a notebook stores only the quiz's questions, see :func:`rapprochement.quiz.show`);
* the template (``export_templates/rapprochement``) leaves out require.js, MathJax and
  mermaid.js (the collection has no formulas or diagrams) and inlines plotly.js once, only
  in pages that have a chart (the book's vendored plotly-basic, or plotly.py's full bundle);
* a notebook that was never run (no code cell has an execution count) is executed first, in
  a fresh kernel, offline (:attr:`OfflineHTMLExporter.execute`: ``auto``, ``always``,
  ``never``); so every export shows every chart;
* links between pages work (:func:`rewrite_links`): a link to another notebook of the same
  export (``NN-name.ipynb``) points at its page (``NN-name.html``), a citation at its entry in
  ``reading-list.html`` (written beside the pages from docs/reading-list.md), and a link to a
  file the export does not hold becomes text naming it, so that no link is broken.

The page requests nothing from another host and works from ``file://``.
"""

from __future__ import annotations

import argparse
import copy
import functools
import html
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Dict, Enum, Unicode, default

from . import citations, quiz

__all__ = [
    "OfflineHTMLExporter",
    "OfflinePreprocessor",
    "export_notebook",
    "figure_html",
    "main",
    "plotly_js",
    "page_links",
    "rewrite_links",
    "explorer_json",
    "explorer_of",
    "static_for_outputs",
    "transform_notebook",
    "write_reading_list",
]

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Key of the output metadata where an explorer records its name and arguments (the same
#: string as ``rapprochement.explorers.widget.METADATA_KEY``; export does not import widgets).
METADATA_KEY = "rapprochement"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
JS_MIME = "application/javascript"
TEMPLATES = Path(__file__).with_name("export_templates")
#: The book's vendored plotly.js (basic bundle: scatter, bar, every layout control).
VENDORED_PLOTLY = ROOT / "book" / "_static" / "vendor" / "plotly-basic.min.js"
PLOTS_JS = ROOT / "book" / "_static" / "plots.js"


# ----------------------------------------------------------------------- static outputs


class Counter:
    """Ids for the chart containers of one page."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, 0

    def __call__(self) -> str:
        self.n += 1
        return f"{self.prefix}-fig{self.n}"


def figure_html(fig: dict[str, Any], div_id: str, label: str, note: str = "") -> str:
    """A container and the figure as JSON; ``plots.js`` draws it with the page's plotly.js."""
    import plotly.io as pio

    # plotly's encoder writes NaN (a gap in a line) as null, which JSON.parse accepts
    data = pio.to_json(fig, validate=False, remove_uids=True).replace("</", "<\\/")
    height = int((fig.get("layout") or {}).get("height") or 520)
    note_html = f'<p class="rapprochement-figure-note">{html.escape(note)}</p>' if note else ""
    # The title is not drawn inside the chart (charts.style.base_layout): show it above.
    title_html = (
        f'<p class="rapprochement-figure-title"><strong>{html.escape(label)}</strong></p>'
        if label and label != "chart"
        else ""
    )
    return (
        f"{title_html}"
        f'<div class="rapprochement-plot" id="{div_id}" role="figure" '
        f'aria-label="{html.escape(label, quote=True)}" style="min-height:{height}px"></div>'
        f'<script type="application/json" class="rapprochement-figure" '
        f'data-target="{div_id}">{data}</script>{note_html}'
    )


def _title_of(fig: dict[str, Any]) -> str:
    """The chart's title: kept in ``layout.meta`` (charts.style.base_layout), else drawn."""
    layout = fig.get("layout") or {}
    meta = layout.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    title = layout.get("title") or {}
    text = meta.get("title") or (title.get("text") if isinstance(title, dict) else str(title))
    return re.sub(r"<[^>]+>", " ", text or "chart").strip()


@functools.cache
def _explorer_json(name: str, args_json: str) -> dict[str, Any]:
    from .explorers import registry

    fig: dict[str, Any] = registry.get(name).build_static(json.loads(args_json)).to_plotly_json()
    return fig


def explorer_json(name: str, args: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A kernel-free explorer as plotly JSON, built once per process for the same arguments.

    ``name`` is its key in :mod:`rapprochement.explorers.registry`, ``args`` the JSON arguments
    its widget recorded. Raises :class:`KeyError` for an unknown explorer.
    """
    return _explorer_json(name, json.dumps(dict(args or {}), sort_keys=True))


def explorer_of(output: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(name, arguments) an explorer widget recorded in its output's metadata, or None.

    The widget writes ``{"rapprochement": {"explorer": name, "args": {...}}}``
    (:meth:`rapprochement.explorers.widget.ExplorerWidget._ipython_display_`); an output
    without it (any other widget) gives None. The metadata is read as plain data; a malformed
    entry raises :class:`ValueError` rather than being guessed at.
    """
    meta = (output.get("metadata") or {}).get(METADATA_KEY)
    if meta is None:
        return None
    name, args = (meta.get("explorer"), meta.get("args", {})) if isinstance(meta, dict) else (0, 0)
    if not isinstance(name, str) or not isinstance(args, dict):
        raise ValueError(f"malformed explorer metadata in an output: {meta!r}")
    return name, args


def static_for_outputs(outputs: Sequence[Mapping[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The kernel-free explorer (name, plotly JSON) for a cell's outputs, or None."""
    for out in outputs:
        found = explorer_of(out)
        if found is not None:
            name, args = found
            return name, explorer_json(name, args)
    return None


NO_KERNEL = (
    "This cell shows an interactive widget, which needs a running kernel. "
    "Open the notebook in JupyterLab (make lab) to use it."
)
EXPLORER_NOTE = (
    "Kernel-free version of this explorer: use the menus, buttons and sliders above the "
    "chart (states precomputed from data/)."
)
# The picture of an explorer's default state that a notebook shows before it runs
# (explorers/widget.py writes it as its own output, linked to notebooks/figures/).
_STATIC_PICTURE = 'class="rapprochement-static"'


def _html_output(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": text})


FigureHTML = Callable[[dict[str, Any], str, str, str], str]


def transform_notebook(
    nb: nbformat.NotebookNode,
    stem: str,
    *,
    quiz_scripts: str = "inline",
    explorer_html: FigureHTML = figure_html,
) -> dict[str, int]:
    """Make the stored outputs static (in place); returns what was done, for logs and tests.

    ``quiz_scripts``: ``"inline"`` puts each quiz's whole script in the page; ``"call"`` only
    a call of ``rapprochementQuiz`` (the book loads jupyterquiz's code once, from _static).
    ``explorer_html`` writes a kernel-free explorer (the book shares one file per explorer
    between the pages that show it).
    """
    ids = Counter(re.sub(r"[^A-Za-z0-9]", "", stem)[:8] or "nb")
    counts = {"plotly": 0, "explorers": 0, "widgets_dropped": 0, "quizzes": 0}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        twin = static_for_outputs(cell.get("outputs", []))
        quiz_id = None
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            page = "".join(data.get("text/html", ""))
            if twin is not None and _STATIC_PICTURE in page:
                continue  # the kernel-free explorer below replaces the picture of its default
            if quiz.quiz_id_in(page):
                quiz_id = quiz.quiz_id_in(page)
                outputs.append(out)
                continue
            if quiz_id and WIDGET_MIME in data:
                continue  # the quiz's runner widget: its script is added below
            if PLOTLY_MIME in data:
                fig = data[PLOTLY_MIME]
                out = _html_output(figure_html(fig, ids(), _title_of(fig)))
                counts["plotly"] += 1
            elif WIDGET_MIME in data:
                if twin is not None and explorer_of(out) is not None:
                    fig = twin[1]
                    out = _html_output(explorer_html(fig, ids(), _title_of(fig), EXPLORER_NOTE))
                    counts["explorers"] += 1
                else:
                    out = _html_output(f'<p class="rapprochement-no-kernel">{NO_KERNEL}</p>')
                    counts["widgets_dropped"] += 1
            outputs.append(out)
        if quiz_id:
            if quiz_scripts == "inline":
                script = quiz.script_html(quiz_id)
            else:
                script = quiz.call_html(quiz_id)
            outputs.append(_html_output(script))
            counts["quizzes"] += 1
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)
    return counts


# ---------------------------------------------------------------------------- links

READING_LIST = ROOT / citations.READING_LIST
READING_LIST_PAGE = "reading-list.html"
#: a Markdown link or image to a relative target (not a web address, not an in-page anchor)
_LINK = re.compile(r"(!?)\[([^\]]*)\]\((?!https?:|mailto:|data:|#)([^)\s]+)\)")


def page_links(notebooks: Sequence[Path]) -> dict[Path, str]:
    """{source file: page name} of an export of ``notebooks`` into one folder: each
    notebook's page, and the reading list's (:func:`write_reading_list`)."""
    pages = {p.resolve(): f"{p.stem}.html" for p in notebooks}
    pages[READING_LIST.resolve()] = READING_LIST_PAGE
    return pages


def rewrite_links(text: str, folder: Path, pages: Mapping[Path, str]) -> str:
    """Markdown ``text`` of a notebook in ``folder`` with its relative links pointed at the
    exported pages (``pages``, :func:`page_links`), anchors kept. A citation whose reading list
    is not exported keeps its author-year text; a link to any other file becomes its text
    and the file's name in code, not a broken link. Images stay (nbconvert embeds them)."""

    def fix(m: re.Match[str]) -> str:
        bang, label, target = m.groups()
        if bang:
            return m.group(0)
        path, _, anchor = target.partition("#")
        resolved = (folder / path).resolve()
        if resolved in pages:
            return f"[{label}]({pages[resolved]}{'#' + anchor if anchor else ''})"
        if resolved == READING_LIST.resolve():
            return label
        if resolved.is_relative_to(ROOT.resolve()):
            where = resolved.relative_to(ROOT.resolve()).as_posix()
            return f"{label} (`{where}` in the collection's folder)"
        return f"{label} (`{path}`)"

    return _LINK.sub(fix, text)


READING_LIST_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reading list</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a;background:#fff}}a{{color:#0645ad}}li{{margin:.4rem 0}}
:target{{background:#fff3b0;outline:2px solid #8a6d00}}.anchor-link{{display:none}}</style>
</head><body>
{body}
</body></html>
"""


def write_reading_list(out_dir: Path) -> Path:
    """``out_dir/reading-list.html`` from docs/reading-list.md (one anchor per work, the
    targets of the citations in the pages); returns the file written."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    body = markdown2html_mistune(READING_LIST.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / READING_LIST_PAGE
    target.write_text(READING_LIST_HTML.format(body=body), encoding="utf-8")
    return target


# ---------------------------------------------------------------------------- nbconvert


def plotly_js() -> tuple[str, str]:
    """(source, name) of the plotly.js a page inlines: the book's vendored basic bundle when
    its version is plotly.py's, else plotly.py's full bundle (4.8 MB)."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if VENDORED_PLOTLY.is_file():
        text = VENDORED_PLOTLY.read_text(encoding="utf-8")
        if f"v{get_plotlyjs_version()}" in text[:200]:
            return text, "plotly-basic (vendored in book/_static/vendor)"
    return get_plotlyjs(), "plotly.js (full bundle from plotly.py)"


def _plots_js() -> str:
    if PLOTS_JS.is_file():
        return PLOTS_JS.read_text(encoding="utf-8")
    raise FileNotFoundError(f"{PLOTS_JS} is missing (the script that draws the charts)")


class OfflinePreprocessor(Preprocessor):  # type: ignore[misc]
    """Turns plotly, explorer-widget and quiz outputs into what a static page can show."""

    def preprocess(
        self, nb: nbformat.NotebookNode, resources: dict[str, Any]
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        name = (resources.get("metadata") or {}).get("name") or "notebook"
        folder = Path((resources.get("metadata") or {}).get("path") or ".")
        pages = resources.get("rapprochement_pages") or {}
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_links(cell.source, folder, pages)
            for out in cell.get("outputs", []):  # glossary definitions cite works too
                data = out.get("data", {})
                if "text/markdown" in data:
                    data["text/markdown"] = rewrite_links(
                        "".join(data["text/markdown"]), folder, pages
                    )
        counts = transform_notebook(nb, str(name))
        resources["rapprochement"] = counts
        if counts["plotly"] or counts["explorers"]:
            source, _ = plotly_js()
            resources["rapprochement_js"] = [source, _plots_js()]
        else:
            resources["rapprochement_js"] = []
        return nb, resources


def _never_run(nb: nbformat.NotebookNode) -> bool:
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    return bool(code) and all(c.get("execution_count") is None for c in code)


class OfflineHTMLExporter(HTMLExporter):  # type: ignore[misc]
    """nbconvert's HTML export, offline: charts drawn, explorers kernel-free, no CDN."""

    export_from_notebook = "HTML (offline)"

    execute = Enum(
        ["auto", "always", "never"],
        default_value="auto",
        help="Run the notebook first: 'auto' when no code cell was ever run.",
    ).tag(config=True)
    kernel_name = Unicode("python3", help="Kernel used to execute a notebook.").tag(config=True)
    embed_images = Bool(True, help="Embed local images as data URIs (one file).").tag(config=True)
    pages = Dict(
        help="{source file: page name} of the pages written together (page_links); links to "
        "other files become text naming them."
    )

    @default("extra_template_basedirs")
    def _extra_basedirs(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("template_name")
    def _template_name(self) -> str:
        return "rapprochement"

    def _init_preprocessors(self) -> None:
        super()._init_preprocessors()
        self.register_preprocessor(OfflinePreprocessor, enabled=True)

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        nb = copy.deepcopy(nb)
        resources = self._init_resources(resources)
        resources["rapprochement_pages"] = {Path(k).resolve(): v for k, v in self.pages.items()}
        if self.execute == "always" or (self.execute == "auto" and _never_run(nb)):
            from nbclient import NotebookClient

            path = (resources.get("metadata") or {}).get("path") or "."
            NotebookClient(
                nb,
                timeout=180,
                kernel_name=self.kernel_name,
                resources={"metadata": {"path": path}},
                store_widget_state=False,
            ).execute()
            resources["rapprochement_executed"] = True
        return super().from_notebook_node(nb, resources, **kw)


def export_notebook(
    path: Path,
    out_dir: Path,
    *,
    execute: str = "auto",
    pages: Mapping[Path, str] | None = None,
) -> Path:
    """Export one notebook to ``out_dir/<stem>.html``; returns the file written. ``pages``:
    the pages written beside it (:func:`page_links`), for the links between them."""
    exporter = OfflineHTMLExporter(
        execute=execute, pages={str(k): v for k, v in (pages or {}).items()}
    )
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    body, _ = exporter.from_filename(str(path), resources=resources)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rapprochement.export",
        description="Export notebooks to HTML pages that work offline (charts, explorers, quiz).",
    )
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/html"), help="folder to write to")
    parser.add_argument(
        "--execute",
        choices=["auto", "always", "never"],
        default="auto",
        help="run the notebook first: auto (only if it was never run), always or never",
    )
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    pages = page_links(args.notebooks)
    for path in args.notebooks:
        target = export_notebook(path, args.out, execute=args.execute, pages=pages)
        print(f"{path} -> {target} ({target.stat().st_size / 1e6:.2f} MB)")
    print(f"reading list -> {write_reading_list(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
