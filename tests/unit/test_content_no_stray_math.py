"""No stray math: a dollar sign must never open inline math where students read text.

JupyterLab (and nbconvert's HTML) hands Markdown cells, Markdown and HTML outputs to MathJax,
which reads any two unescaped ``$`` in one rendered block as ``$...$`` inline math: "USD 100bn
to $200bn" then turns into garbled italics. Currency is written "USD 100bn" (a single "US$"
is safe, two in one cell are not). A ``$`` inside code (backticks or fenced blocks) or escaped
as ``\\$`` is safe.

Rendered blocks scanned: the Markdown cells of notebooks/, exercises/ and solutions/source/,
the HTML and Markdown outputs stored in those notebooks (tables), every quiz (one quiz is shown
as one block, so the whole file counts) and the glossary (several entries can be shown
together, so the whole file counts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIRS = ("notebooks", "exercises", "solutions/source")
PACKAGE = ROOT / "src" / "rapprochement"

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_TAG_CODE = re.compile(r"<(code|pre)\b.*?</\1>", re.S | re.I)
_DOLLAR = re.compile(r"(?<!\\)\$")


def math_dollars(text: str) -> list[int]:
    """Offsets of the ``$`` signs MathJax would read as math delimiters in ``text``."""
    for pattern in (_FENCE, _TAG_CODE, _CODE_SPAN):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return [m.start() for m in _DOLLAR.finditer(text)]


def stray_math(text: str) -> str | None:
    """A short excerpt around the first math pair in ``text``, or None when there is none."""
    found = math_dollars(text)
    if len(found) < 2:
        return None
    start, end = found[0], found[1]
    excerpt = text[max(0, start - 30) : end + 30].replace("\n", " ")
    return f"...{excerpt}..."


def _strings(obj: object) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _strings(value)


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# MathJax skips elements of class mathjax_ignore (its v3 default) or tex2jax_ignore (v2), which
# pandas puts on its tables when display.html.use_mathjax is off (figures.plain_tables()).
_IGNORED = re.compile(
    r"<(table)\b[^>]*class=\"[^\"]*\b(?:mathjax_ignore|tex2jax_ignore)\b[^>]*>.*?</\1>", re.S
)


def _without_ignored(html: str) -> str:
    return _IGNORED.sub("", html)


def rendered_blocks() -> Iterator[tuple[str, str]]:
    """(where, text) for every block of text that MathJax may typeset."""
    for folder in NOTEBOOK_DIRS:
        for path in sorted((ROOT / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for index, cell in enumerate(cells):
                where = f"{rel} cell {index} (id {cell.get('id', '?')})"
                if cell["cell_type"] == "markdown":
                    yield f"{where} markdown", _text(cell["source"])
                for output in cell.get("outputs", []):
                    data = output.get("data", {})
                    for mime in ("text/html", "text/markdown"):
                        if mime in data:
                            yield f"{where} output {mime}", _without_ignored(_text(data[mime]))
    for path in sorted((PACKAGE / "quizzes").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield str(path.relative_to(ROOT)), "\n".join(_strings(data))
    glossary = PACKAGE / "glossary.json"
    if glossary.is_file():
        data = json.loads(glossary.read_text(encoding="utf-8"))
        yield str(glossary.relative_to(ROOT)), "\n".join(_strings(data))


# --- the detector itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "from $100bn to $200bn",
        "US$100bn and US$200bn",
        "a single $ and, later, `code` then $ again",
        "$x$",
    ],
)
def test_detector_flags_pairs(text):
    assert stray_math(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "from USD 100bn to USD 200bn",
        "one US$100bn figure",
        r"escaped \$100bn and \$200bn",
        "in code: `f'${x}'` and `$y`",
        "```\nprice = '$1'\nother = '$2'\n```\n",
        "<code>$1</code> and <pre>$2</pre>",
    ],
)
def test_detector_passes_safe_text(text):
    assert stray_math(text) is None


def test_there_is_text_to_scan():
    blocks = list(rendered_blocks())
    kinds = {where.split("/")[0] for where, _ in blocks}
    assert {"notebooks", "exercises", "solutions", "src"} <= kinds


# --- the collection ------------------------------------------------------------------------


def _by_file() -> dict[str, list[tuple[str, str]]]:
    files: dict[str, list[tuple[str, str]]] = {}
    for where, text in rendered_blocks():
        files.setdefault(where.split(" ")[0], []).append((where, text))
    return files


FILES = _by_file()


@pytest.mark.parametrize("path", sorted(FILES))
def test_no_stray_math(path):
    offenders = [f"{where}: {hit}" for where, text in FILES[path] if (hit := stray_math(text))]
    assert offenders == [], (
        "Dollar signs that MathJax renders as math (write USD 100bn instead):\n"
        + "\n".join(offenders)
    )


def test_only_tables_mathjax_skips_are_exempt():
    ignored = '<table class="dataframe tex2jax_ignore mathjax_ignore"><td>$1 and $2</td></table>'
    typeset = '<table class="dataframe"><td>$1 and $2</td></table>'
    assert stray_math(_without_ignored(ignored)) is None
    assert stray_math(_without_ignored(typeset)) is not None
