"""The book's charts as files loaded once, with the parts they share written once.

After Sphinx has written the pages, :func:`share_parts` moves every chart's JSON that is still
inline in a page into ``_static/figures/KEY.js`` (KEY: a hash of the figure), and writes every
piece of JSON (a list, an object or a long string) that occurs more than once across all the
charts into ``_static/figures/parts.js``, once. A chart file then holds ``{"@": n}`` where
part ``n`` goes. The timelines of seven notebooks share most of their events, and an
explorer's menus repeat its traces' texts for each choice: the shared pieces were about half
of the book's chart data.

``parts.js`` defines ``rapprochementFigure(key, figure)``, which each chart file calls: it
puts every part back (a fresh copy each time, since plotly.js changes the objects it draws)
and stores the figure where ``plots.js`` looks for it (``window.rapprochementFigures[key]``).
Nothing else changes for ``plots.js``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

#: A piece of JSON shorter than this (in characters) is left where it is.
MIN_PART = 12
REF = "@"
INLINE = re.compile(
    r'<script type="application/json" class="rapprochement-figure" '
    r'data-target="([^"]+)">(.*?)</script>',
    re.S,
)
SHARED = re.compile(r'<script src="_static/figures/([0-9a-f]+)\.js"></script>')
FILE_HEAD = re.compile(r'^\(window\.rapprochementFigures = [^\n]*?\["([0-9a-f]+)"\] = ', re.S)

RESOLVER_JS = """(function () {
  var parts = window.rapprochementParts = %s;
  function put(value) {
    if (Array.isArray(value)) return value.map(put);
    if (value && typeof value === "object") {
      var keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "@") return put(parts[value["@"]]);
      var out = {};
      keys.forEach(function (k) { out[k] = put(value[k]); });
      return out;
    }
    return value;
  }
  window.rapprochementPut = put;
  window.rapprochementFigure = function (key, figure) {
    (window.rapprochementFigures = window.rapprochementFigures || {})[key] = put(figure);
  };
})();
"""


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _short(value: Any) -> Any:
    """Floats to 7 significant digits: 92.61000000000001 (a growth projection's rounding
    noise) is written 92.61 and 107.2076513 (a projected US$ bn) 107.2077. The data files hold
    at most 7 significant digits (a map coordinate, 134.8139) and hovers print at most 0.001bn, so
    no value a chart shows or
    a hover prints changes."""
    if isinstance(value, float):
        return float(f"{value:.7g}")
    if isinstance(value, list):
        return [_short(v) for v in value]
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    return value


def _pieces(value: Any, counts: Counter[str]) -> None:
    if isinstance(value, (list, dict)) or (isinstance(value, str) and len(value) > MIN_PART):
        counts[_text(value)] += 1
    if isinstance(value, list):
        for item in value:
            _pieces(item, counts)
    elif isinstance(value, dict):
        for item in value.values():
            _pieces(item, counts)


class Parts:
    """Shared pieces of JSON, numbered in the order they are first met."""

    def __init__(self, figures: list[Any]) -> None:
        self.counts: Counter[str] = Counter()
        for fig in figures:
            _pieces(fig, self.counts)
        self.index: dict[str, int] = {}
        self.values: list[Any] = []

    def encode(self, value: Any, top: bool = True) -> Any:
        """``value`` with each shared piece replaced by a reference to its part."""
        if not top:
            text = _text(value)
            if len(text) > MIN_PART and self.counts[text] > 1:
                if text not in self.index:
                    self.index[text] = len(self.values)
                    self.values.append(None)
                    self.values[self.index[text]] = self.encode(value)
                return {REF: self.index[text]}
        if isinstance(value, list):
            return [self.encode(v, False) for v in value]
        if isinstance(value, dict):
            return {k: self.encode(v, False) for k, v in value.items()}
        return value


def decode(value: Any, parts: list[Any]) -> Any:
    """What the resolver in ``parts.js`` does, in Python (for tests)."""
    if isinstance(value, list):
        return [decode(v, parts) for v in value]
    if isinstance(value, dict):
        if list(value) == [REF]:
            return decode(parts[value[REF]], parts)
        return {k: decode(v, parts) for k, v in value.items()}
    return value


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def share_parts(html_dir: Path) -> dict[str, int]:
    """Rewrite the built book's charts as above; returns bytes before and after."""
    folder = html_dir / "_static" / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    before = 0
    for path in sorted(folder.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        head = FILE_HEAD.match(text)
        if not head:
            raise SystemExit(f"{path}: not a chart file")
        figures[head.group(1)] = _short(json.loads(text[head.end() :].rstrip().rstrip(";")))
        before += len(text.encode())
    pages: dict[Path, str] = {}
    for page in sorted(html_dir.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "rapprochement-figure" not in text:
            continue

        def move(m: re.Match[str]) -> str:
            nonlocal before
            before += len(m.group(0).encode())
            data = m.group(2).replace("<\\/", "</")
            key = hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]
            figures[key] = _short(json.loads(data))
            return (
                f'<script src="_static/figures/{key}.js"></script>'
                f'<script type="application/json" class="rapprochement-figure" '
                f'data-target="{m.group(1)}" data-ref="{key}">{{}}</script>'
            )

        pages[page] = INLINE.sub(move, text)
    parts = Parts(list(figures.values()))
    encoded = {key: parts.encode(fig) for key, fig in figures.items()}
    after = 0
    for path in folder.glob("*.js"):
        path.unlink()
    for key, fig in encoded.items():
        body = f'rapprochementFigure("{key}", {_dump(fig)});\n'
        (folder / f"{key}.js").write_text(body, encoding="utf-8")
        after += len(body.encode())
    resolver = RESOLVER_JS % _dump(parts.values)
    (folder / "parts.js").write_text(resolver, encoding="utf-8")
    after += len(resolver.encode())
    for page, text in pages.items():
        # parts.js before the first chart file of the page
        first = SHARED.search(text)
        if first:
            text = (
                text[: first.start()]
                + '<script src="_static/figures/parts.js"></script>'
                + text[first.start() :]
            )
        page.write_text(text, encoding="utf-8")
    return {"before": before, "after": after, "parts": len(parts.values)}
