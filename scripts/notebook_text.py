"""Each notebook in notebooks/ has a MyST Markdown twin in text/ (issue 10, item 4; issue 23).

The pairing is jupytext's (``[tool.jupytext]`` in pyproject.toml): the text file holds the
inputs, cell tags and metadata in a form that reads and diffs as prose; the .ipynb keeps the
outputs. The twins live outside notebooks/, so students' file browser shows only notebooks.

    python scripts/notebook_text.py --check   # make lint: fails, naming each pair out of step
    python scripts/notebook_text.py           # rewrite the text files from the notebooks

Run the second after changing a notebook (in JupyterLab, an nbformat script,
scripts/execute_notebooks.py): JupyterLab does not write the twin, its jupytext extension is
off (rapprochement.launch). After editing a text file, carry the change into its notebook
(outputs kept, cell ids kept) with ``jupytext --sync text/NN-name.md``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import jupytext
from jupytext.config import load_jupytext_config
from jupytext.formats import long_form_multiple_formats
from jupytext.paired_paths import paired_paths

ROOT = Path(__file__).resolve().parents[1]


def pairs(root: Path = ROOT) -> list[tuple[Path, Path, dict[str, str]]]:
    """(notebook, text file, jupytext format) for every notebooks/NN-name.ipynb of ``root``."""
    found = []
    for ipynb in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        config = load_jupytext_config(str(ipynb))
        if config is None or not config.formats:
            raise SystemExit(
                f"{ipynb.name}: no jupytext pairing found ([tool.jupytext] in pyproject.toml)"
            )
        formats = long_form_multiple_formats(config.default_formats(str(ipynb)))
        texts = [
            (Path(p), f)
            for p, f in paired_paths(str(ipynb), "ipynb", formats)
            if f["extension"] != ".ipynb"
        ]
        if len(texts) != 1:
            raise SystemExit(f"{ipynb.name}: expected one paired text file, got {texts}")
        found.append((ipynb, *texts[0]))
    return found


def expected_text(ipynb: Path, fmt: dict[str, str]) -> str:
    """The text file jupytext writes for ``ipynb`` under the folder's configuration."""
    config = load_jupytext_config(str(ipynb))
    return jupytext.writes(jupytext.read(ipynb), fmt=fmt, config=config)


def problems(root: Path = ROOT) -> list[str]:
    """One message per notebook whose text twin is missing or differs, and per orphan text."""
    out = []
    listed = set()
    for ipynb, text, fmt in pairs(root):
        listed.add(text.resolve())
        want = expected_text(ipynb, fmt)
        if not text.is_file():
            out.append(f"{text.relative_to(root)}: missing (pair of {ipynb.name})")
            continue
        have = text.read_text(encoding="utf-8")
        if have != want:
            diff = difflib.unified_diff(
                have.splitlines(), want.splitlines(), "text file", "from the notebook", lineterm=""
            )
            shown = "\n".join(list(diff)[:12])
            out.append(f"{text.relative_to(root)} differs from {ipynb.name}:\n{shown}\n")
    text_dir = root / "text"
    for md in sorted(text_dir.glob("[0-9][0-9]-*.md")) if text_dir.is_dir() else []:
        if md.resolve() not in listed:
            out.append(f"{md.relative_to(root)}: no notebook notebooks/{md.stem}.ipynb")
    return out


def write(root: Path = ROOT) -> list[Path]:
    """Rewrite every text twin from its notebook; return the files that changed."""
    changed = []
    for ipynb, text, fmt in pairs(root):
        want = expected_text(ipynb, fmt)
        if not text.is_file() or text.read_text(encoding="utf-8") != want:
            text.parent.mkdir(exist_ok=True)
            text.write_text(want, encoding="utf-8")
            changed.append(text)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if out of step")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        found = problems(args.root)
        for message in found:
            print(message, file=sys.stderr)
        if found:
            print(
                "notebook and text out of step: edited the notebook? run "
                "`python scripts/notebook_text.py`; edited the text? run "
                "`jupytext --sync text/NN-name.md`",
                file=sys.stderr,
            )
            return 1
        print(f"notebooks and their text twins agree ({len(pairs(args.root))} pairs)")
        return 0
    for path in write(args.root):
        print(f"wrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
