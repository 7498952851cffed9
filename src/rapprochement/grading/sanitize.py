"""Make what a student wrote inert before anyone's browser shows it.

A graded copy (``course/autograded/...``) is rendered by formgrader inside the instructor's
Jupyter server, with the instructor's cookies; the feedback page is opened by the student, and
often by the instructor. nbgrader's templates put a markdown cell's HTML on the page as it is
(its ``sanitize_html`` setting covers outputs only), so one ``<img src=x onerror=...>`` in a
written answer ran in the instructor's browser and could use formgrader's API, the contents API
and terminals. This module rewrites the notebook itself, so that every page made from it is
inert whatever template shows it:

* markdown cells (and ``text/markdown`` outputs, and raw cells shown as HTML) become their
  rendered HTML, cleaned by `nh3 <https://nh3.readthedocs.io>`_ (the Python binding of the Rust
  sanitiser ammonia, which parses HTML as browsers do) and written on one line inside a
  ``<div>``, so that every markdown renderer passes it through as one HTML block (the
  instructor's cells too: the copy cannot tell them from a student's edit of them, and they
  look the same);
* outputs keep only an allowed list of types: plain text, LaTeX, JSON, PNG/JPEG/GIF/WebP
  images (valid base64), cleaned HTML, SVG cleaned to drawing elements, and plotly's figure JSON
  (data, layout and frames; links and markup in its strings removed). Scripts, widget views and
  any other type are dropped; an output left empty says so in plain text;
* the allowed HTML has no scripts, styles, event handlers, forms, frames, objects, ``id`` or
  ``name`` (DOM clobbering) and no URL but ``http``, ``https`` and ``mailto`` links and
  ``data:`` raster images: nothing on the page makes a request or runs;
* cell and notebook metadata keep only what Jupyter and nbgrader use (nbgrader's ``grade_id``
  must be a plain identifier: the templates put it into HTML attributes unescaped).

:func:`sanitized` is the pure function; :class:`SanitizeStudentContent` is the nbgrader
preprocessor that runs it last when a copy is autograded and first when feedback is generated.
"""

from __future__ import annotations

import base64
import binascii
import copy
import html
import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from typing import Any

import nh3
from nbformat.notebooknode import NotebookNode, from_dict

__all__ = [
    "MIME_ALLOWED",
    "SanitizeStudentContent",
    "clean_html",
    "clean_svg",
    "inert_markdown",
    "sanitize_output",
    "sanitized",
]

RASTER = ("image/png", "image/jpeg", "image/gif", "image/webp")
PLOTLY = "application/vnd.plotly.v1+json"
MIME_ALLOWED = frozenset(
    {
        "text/plain",
        "text/latex",
        "text/html",
        "text/markdown",
        "application/json",
        "image/svg+xml",
        PLOTLY,
        *RASTER,
    }
)
"""Output types a graded copy keeps (each cleaned as described above); all others are dropped."""

REMOVED_NOTE = "[output of type {types} removed: graded copies show no active content]"

# --- the HTML policy ------------------------------------------------------------------------

TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "iframe", "frame", "frameset", "object", "embed",
        "applet", "noscript", "noembed", "noframes", "textarea", "select", "title", "xmp",
        "plaintext", "svg", "math", "canvas", "audio", "video", "head",
    }
)  # fmt: skip
"""Elements removed together with everything inside them (other unknown tags keep their text)."""
ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
}
LINK_SCHEMES = ("http:", "https:", "mailto:")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]*)\Z", re.I)

SVG_TAGS = frozenset(
    {
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop",
        "clipPath", "mask", "pattern", "marker", "symbol",
    }
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {
        "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
        "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke",
        "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap",
        "stroke-linejoin", "opacity", "font-size", "font-family", "font-weight", "text-anchor",
        "dominant-baseline", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "preserveAspectRatio", "version", "dx", "dy", "clip-rule",
        "markerWidth", "markerHeight", "refX", "refY", "orient", "patternUnits",
        "clipPathUnits", "visibility", "display",
    }
)  # fmt: skip
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
LOCAL_REFERENCE = re.compile(r"\s*url\(\s*#[A-Za-z0-9_\-.:]*\s*\)\s*\Z")


def _pygments_classes() -> set[str]:
    try:
        from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - pygments comes with nbconvert
        return set()
    return {c for c in STANDARD_TYPES.values() if c}


def _safe_href(value: str) -> str | None:
    # browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:")
    squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    return value if squeezed.startswith(LINK_SCHEMES) else None


def _safe_image(value: str) -> str | None:
    match = DATA_IMAGE.match(value.strip())
    if not match or not _is_base64(match.group(2)):
        return None
    return value.strip()


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(re.sub(r"\s", "", text), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return _safe_href(value)
    if attribute == "src":
        return _safe_image(value)
    return value


@lru_cache(maxsize=1)
def _html_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
        allowed_classes={
            "span": _pygments_classes(),
            "div": {"highlight"},
            "a": {"anchor-link"},
            "table": {"dataframe"},
        },
        strip_comments=True,
    )


def _filter_svg_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "xmlns":
        return SVG_NAMESPACE
    if "url(" in value.lower() and not LOCAL_REFERENCE.match(value):
        return None  # fill="url(#gradient)" only: no reference outside the drawing
    return value


@lru_cache(maxsize=1)
def _svg_cleaner() -> nh3.Cleaner:
    attributes: dict[str, set[str]] = {"*": set(SVG_ATTRIBUTES) | {"id"}, "svg": {"xmlns"}}
    return nh3.Cleaner(
        tags=set(SVG_TAGS),
        clean_content_tags={"script", "style", "foreignObject", "iframe", "template"},
        attributes=attributes,
        attribute_filter=_filter_svg_attribute,
        url_schemes=set(),
        url_relative="deny",
        link_rel=None,
        strip_comments=True,
    )


def clean_html(text: str) -> str:
    """``text`` with only the allowed elements, attributes and URLs (see the module doc).

    Cleaned until cleaning changes nothing more (a line break after ``<pre>`` that the parser
    drops takes a second pass), so that cleaning a graded copy again leaves it as it is.
    """
    cleaned = str(_html_cleaner().clean(text))
    for _ in range(3):
        again = str(_html_cleaner().clean(cleaned))
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def clean_svg(text: str) -> str | None:
    """An SVG drawing reduced to shapes, text and gradients; None when no drawing is left."""
    cleaned = str(_svg_cleaner().clean(text)).strip()
    if not cleaned.startswith("<svg"):
        return None
    return cleaned


TEX_ACTIVE = re.compile(r"\\(href|url|require|class|cssId|style|html|data|unicode)(?![A-Za-z])")
"""MathJax commands that make links, load extensions or set HTML attributes."""


def defuse_tex(text: str) -> str:
    """Math that MathJax typesets (``$...$`` in markdown, LaTeX outputs) without links or
    attributes: ``\\href{javascript:...}{x}`` becomes the plain text ``\\mathrm{href}``."""
    return TEX_ACTIVE.sub(r"\\mathrm{\1}", text)


def _one_line(text: str) -> str:
    """The same HTML on one line (character references for line breaks), so that a markdown
    renderer reads it as one HTML block and never parses part of it as markdown."""
    return text.replace("\r", "&#13;").replace("\n", "&#10;")


def _as_block(cleaned: str) -> str:
    line = _one_line(defuse_tex(cleaned.strip()))
    for _ in range(3):  # "<pre>\n": the line break the parser drops is dropped here too
        again = _one_line(clean_html(line).strip())
        if again == line:
            break
        line = again
    if line.startswith("<div") and line.endswith("</div>"):
        return line
    return f"<div>{line}</div>"


def _raster_attachments(attachments: Any) -> dict[str, dict[str, str]]:
    kept: dict[str, dict[str, str]] = {}
    if not isinstance(attachments, Mapping):
        return kept
    for name, bundle in attachments.items():
        if not isinstance(bundle, Mapping):
            continue
        for mime in RASTER:
            value = _text(bundle.get(mime))
            if value is not None and _is_base64(value):
                kept[str(name)] = {mime: re.sub(r"\s", "", value)}
                break
    return kept


@lru_cache(maxsize=1)
def _renderer_class() -> Any:
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class Renderer(IPythonRenderer):  # type: ignore[misc]
        """nbconvert's renderer; an attachment that is missing or not a raster image is an
        image without source, not an error that would stop the whole answer rendering."""

        def _embed_image_or_attachment(self, src: str) -> str:
            if src.startswith("attachment:") and src[11:] not in self.attachments:
                return ""
            return str(super()._embed_image_or_attachment(src))

    return Renderer


def render_markdown(source: str, attachments: Any = None) -> str:
    """HTML for ``source`` as nbconvert renders it for formgrader and feedback pages, with
    attached raster images inlined as ``data:`` images (a text nbconvert cannot render at all
    is shown as its own text)."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = _renderer_class()(
        escape=False, exclude_anchor_links=True, attachments=_raster_attachments(attachments)
    )
    try:
        return str(MarkdownWithMath(renderer=renderer).render(source))
    except Exception:
        return f"<pre>{html.escape(source)}</pre>"


def inert_markdown(source: str, attachments: Any = None) -> str:
    """Markdown that shows what ``source`` shows, as one cleaned HTML block."""
    if not source.strip():
        return source
    if not attachments:
        return _inert_text(source)
    return _as_block(clean_html(render_markdown(source, attachments)))


@lru_cache(maxsize=4096)
def _inert_text(source: str) -> str:
    """:func:`inert_markdown` without attachments, remembered: the instructor's cells are the
    same in every submission of a batch, and rendering markdown is most of the cost."""
    return _as_block(clean_html(render_markdown(source)))


# --- outputs --------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


URLISH = re.compile(
    r"\s*(//|\\\\|(https?|ftp|file|javascript|vbscript|data|blob|wss?)\s*:|[a-z][a-z0-9+.\-]*:(?!\s))",
    re.I,
)
"""An address (``https:...``, ``javascript:...``, ``//host``), not a label (``Trade: 2024``)."""
PLOTLY_MARKUP_TAGS = {"b", "i", "em", "strong", "sub", "sup", "br"}


def _plotly_json(value: Any) -> Any:
    """Plotly's JSON with no URL (images, map tiles, links) and only plotly's own inline tags."""
    if isinstance(value, str):
        if URLISH.match(value):
            return ""
        if "<" in value or "&" in value:
            return str(nh3.clean(value, tags=PLOTLY_MARKUP_TAGS, attributes={}))
        return value
    if isinstance(value, list):
        return [_plotly_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plotly_json(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float):
        return value
    return None


def _plotly(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("data", []), list):
        return None
    return {k: _plotly_json(value[k]) for k in ("data", "layout", "frames") if k in value}


def _clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for mime, value in data.items():
        if mime == PLOTLY:
            figure = _plotly(value)
            if figure is not None:
                kept[mime] = figure
            continue
        if mime == "application/json":  # shown as a tree of escaped text
            if isinstance(value, dict | list):
                kept[mime] = value
            continue
        text = _text(value)
        if text is None or mime not in MIME_ALLOWED:
            continue
        if mime == "text/plain":
            kept[mime] = text
        elif mime == "text/latex":
            kept[mime] = defuse_tex(text)
        elif mime in RASTER:
            if _is_base64(text):
                kept[mime] = re.sub(r"\s", "", text)
        elif mime == "image/svg+xml":
            svg = clean_svg(text)
            if svg:
                kept[mime] = svg
        elif mime == "text/markdown":
            kept[mime] = inert_markdown(text)
        elif mime == "text/html" and PLOTLY not in data:  # plotly's HTML is only its loader
            cleaned = clean_html(text).strip()
            if cleaned:
                kept[mime] = cleaned
    return kept


def _clean_output_metadata(metadata: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    if not isinstance(metadata, Mapping):
        return kept
    for mime in RASTER:
        entry = metadata.get(mime)
        if mime not in data or not isinstance(entry, Mapping):
            continue
        sizes = {
            k: entry[k]
            for k in ("width", "height")
            if isinstance(entry.get(k), int | float) and not isinstance(entry.get(k), bool)
        }
        if isinstance(entry.get("unconfined"), bool):
            sizes["unconfined"] = entry["unconfined"]
        if sizes:
            kept[mime] = sizes
    return kept


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def sanitize_output(output: Mapping[str, Any]) -> dict[str, Any]:
    """One output as inert content of an allowed type (see :data:`MIME_ALLOWED`)."""
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(output.get("text")) or ""}
    if kind == "error":
        traceback = output.get("traceback")
        lines = [t for t in traceback if isinstance(t, str)] if isinstance(traceback, list) else []
        return {
            "output_type": "error",
            "ename": _text(output.get("ename")) or "Error",
            "evalue": _text(output.get("evalue")) or "",
            "traceback": lines,
        }
    raw = output.get("data")
    data = raw if isinstance(raw, Mapping) else {}
    kept = _clean_data(data)
    if not kept:
        types = ", ".join(sorted(str(m) for m in data)) or str(kind)
        kept = {"text/plain": REMOVED_NOTE.format(types=types)}
    result: dict[str, Any] = {
        "output_type": "execute_result" if kind == "execute_result" else "display_data",
        "data": kept,
        "metadata": _clean_output_metadata(output.get("metadata"), kept),
    }
    if kind == "execute_result":
        result["execution_count"] = _count(output.get("execution_count"))
    return result


# --- cells and notebooks --------------------------------------------------------------------

GRADE_ID = re.compile(r"[A-Za-z0-9_\-]+\Z")
CELL_ID = re.compile(r"[A-Za-z0-9_\-]{1,64}\Z")
NBGRADER_FLAGS = ("grade", "solution", "locked", "task")
RAW_AS_HTML = {"", "text/html", "html"}
RAW_AS_MARKDOWN = {"text/markdown", "text/x-markdown", "markdown"}


def _nbgrader_metadata(meta: Any) -> dict[str, Any] | None:
    """nbgrader's cell metadata without what the student can use to inject HTML.

    ``comment`` and ``score`` are dropped: feedback takes both from the gradebook.
    """
    if not isinstance(meta, Mapping):
        return None
    kept: dict[str, Any] = {k: meta[k] for k in NBGRADER_FLAGS if isinstance(meta.get(k), bool)}
    grade_id = meta.get("grade_id")
    if isinstance(grade_id, str) and GRADE_ID.match(grade_id):
        kept["grade_id"] = grade_id
    points = meta.get("points")
    if isinstance(points, int | float) and not isinstance(points, bool):
        kept["points"] = points
    for key in ("schema_version",):
        if isinstance(meta.get(key), int):
            kept[key] = meta[key]
    for key in ("checksum", "cell_type"):
        if isinstance(meta.get(key), str) and re.fullmatch(r"[A-Za-z0-9_\-]*", meta[key]):
            kept[key] = meta[key]
    return kept


def _cell_metadata(meta: Any, cell_type: str) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    if not isinstance(meta, Mapping):
        return kept
    nbgrader = _nbgrader_metadata(meta.get("nbgrader"))
    if nbgrader is not None:
        kept["nbgrader"] = nbgrader
    tags = meta.get("tags")
    if isinstance(tags, list):
        kept["tags"] = [t for t in tags if isinstance(t, str)]
    jupyter = meta.get("jupyter")
    if isinstance(jupyter, Mapping):
        kept["jupyter"] = {k: v for k, v in jupyter.items() if isinstance(v, bool)}
    for key in ("editable", "deletable", "collapsed"):
        if isinstance(meta.get(key), bool):
            kept[key] = meta[key]
    if cell_type == "raw":
        for key in ("raw_mimetype", "format"):
            if isinstance(meta.get(key), str):
                kept[key] = meta[key]
    return kept


def _raw_kind(meta: Mapping[str, Any]) -> str:
    value = meta.get("raw_mimetype", meta.get("format", ""))
    return value.strip().lower() if isinstance(value, str) else ""


def _sanitize_cell(cell: Mapping[str, Any], index: int, trusted: Collection[str]) -> dict[str, Any]:
    cell_type = cell.get("cell_type")
    if cell_type not in ("code", "markdown", "raw"):
        cell_type = "raw"
    source = _text(cell.get("source")) or ""
    out: dict[str, Any] = {
        "cell_type": cell_type,
        "metadata": _cell_metadata(cell.get("metadata"), cell_type),
        "source": source,
    }
    cell_id = cell.get("id")
    if cell_id is not None:
        out["id"] = cell_id if isinstance(cell_id, str) and CELL_ID.match(cell_id) else f"c{index}"
    if cell_type == "code":
        out["execution_count"] = _count(cell.get("execution_count"))
        outputs = cell.get("outputs")
        out["outputs"] = [
            sanitize_output(o) for o in (outputs if isinstance(outputs, list) else [])
            if isinstance(o, Mapping)
        ]  # fmt: skip
    elif cell_type == "markdown":
        if source not in trusted:
            out["source"] = inert_markdown(source, cell.get("attachments"))
        else:
            attachments = _raster_attachments(cell.get("attachments"))
            if attachments:
                out["attachments"] = attachments
    else:
        kind = _raw_kind(out["metadata"])
        if kind in RAW_AS_HTML and source.strip():
            out["source"] = _as_block(clean_html(source))
        elif kind in RAW_AS_MARKDOWN:
            out["source"] = inert_markdown(source)
    return out


def _simple(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _simple(v) for k, v in value.items())
    return isinstance(value, str | int | float) or value is None


def _notebook_metadata(meta: Any) -> dict[str, Any]:
    """Only the kernel's name and language: no widget state, no other keys a template reads."""
    kept: dict[str, Any] = {}
    if not isinstance(meta, Mapping):
        return kept
    for key in ("kernelspec", "language_info"):
        value = meta.get(key)
        if isinstance(value, Mapping):
            kept[key] = {str(k): v for k, v in value.items() if _simple(v)}
    return kept


def sanitized(nb: Mapping[str, Any], *, trusted: Iterable[str] = ()) -> NotebookNode:
    """A copy of ``nb`` in which nothing a student wrote can be active in a browser.

    ``trusted``: markdown sources kept as they are (the instructor's own cells). The input is
    not changed; applying this to its own result changes nothing.
    """
    keep = frozenset(trusted)
    cells = nb.get("cells")
    result = {
        "nbformat": nb.get("nbformat", 4),
        "nbformat_minor": nb.get("nbformat_minor", 5),
        "metadata": _notebook_metadata(nb.get("metadata")),
        "cells": [
            _sanitize_cell(cell, i, keep)
            for i, cell in enumerate(cells if isinstance(cells, list) else [])
            if isinstance(cell, Mapping)
        ],
    }
    return from_dict(copy.deepcopy(result))


# --- nbgrader ------------------------------------------------------------------------------

try:
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # pragma: no cover - only the instructor environment has nbgrader
    NbGraderPreprocessor = object


class SanitizeStudentContent(NbGraderPreprocessor):  # type: ignore[misc,valid-type]
    """nbgrader preprocessor: replace the notebook by :func:`sanitized` (see the module doc).

    Listed last in ``Autograde.autograde_preprocessors`` (after ``SaveAutoGrades``, which
    compares answer cells with the release) and first in ``GenerateFeedback.preprocessors``
    (before ``GetGrades`` writes the instructor's scores and comments into the metadata).
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        return sanitized(nb), resources
