"""Write the citations of notebooks and Markdown files as author-year links to the reading list.

    python scripts/render_citations.py notebooks/[0-9][0-9]-*.ipynb solutions/instructor-guide.md
    python scripts/render_citations.py solutions/source/*/*.ipynb exercises/*/*.ipynb
    python scripts/render_citations.py --check FILE ...   # exit 1 naming files not yet written

Each raw citation, ``[@key]``, ``[@a; @b]`` or ``[@key, p. 3]``, becomes author-year text linked
to the work's entry in ``docs/reading-list.md`` (``[Lo 2008](../docs/reading-list.md#lo2008axis)``,
the link relative to the file), made by :mod:`rapprochement.citations` from
``data/bibliography.json``. The key stays in the link's anchor, so running this again renews
the text of every citation link from the bibliography (a corrected year, a new a/b) and changes
nothing else: it is idempotent. Notebooks: markdown cells only; outputs, code and metadata are
kept as they are. After rewriting notebooks in notebooks/, renew their text twins
(``python scripts/notebook_text.py``); exercises/ are generated from solutions/source
(``make exercises``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rapprochement import citations  # noqa: E402


def rewrite(path: Path) -> tuple[str, str]:
    """(current text, rewritten text) of the file at ``path``."""
    base = citations.link_base_for(path, ROOT)
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text, citations.render(text, link_base=base)
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = citations.render(cell.source, link_base=base)
    return text, nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        try:
            current, new = rewrite(path.resolve())
        except (citations.UnknownKey, ValueError) as exc:
            print(f"{path}: {exc.args[0]}", file=sys.stderr)
            return 2
        if current == new:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("raw or outdated citations in: " + ", ".join(map(str, stale)))
        print("run: python scripts/render_citations.py " + " ".join(map(str, stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
