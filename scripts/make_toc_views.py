"""Write the map of the collection from the manifest, text/_toc.yml (issue 10, item 1).

Three views of the manifest are generated, never edited by hand:

* the start page's map, the cell with id ``00-05`` of notebooks/00-start-here.ipynb (and its
  text twin in text/, through scripts/notebook_text.py);
* the table of notebooks in README.md, between the two ``notebooks table`` comment lines;
* the instructor guide's table of sequences (each notebook's ¶, claims and ``sessions``),
  between the two ``sequences table`` comment lines of solutions/instructor-guide.md.

    python scripts/make_toc_views.py           # rewrite them after changing the manifest
    python scripts/make_toc_views.py --check   # make lint: fail if one differs from it

Each notebook row gives the title, the paragraphs (¶) and the ``covers`` line of its entry;
each problem set follows the last notebook it builds on (its ``problem_sets`` lists).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from rapprochement import manifest as M

ROOT = Path(__file__).resolve().parents[1]
START = "00-start-here.ipynb"
MAP_CELL = "00-05"
MAP_HEADING = "## Map of the paper and the notebooks"
README_BEGIN = (
    "<!-- notebooks table: written by scripts/make_toc_views.py from text/_toc.yml; "
    "edit the manifest, not this table -->"
)
README_END = "<!-- end of notebooks table -->"
GUIDE = "solutions/instructor-guide.md"
GUIDE_BEGIN = (
    "<!-- sequences table: written by scripts/make_toc_views.py from text/_toc.yml "
    "(paragraphs, claims, sessions); edit the manifest, not this table -->"
)
GUIDE_END = "<!-- end of sequences table -->"


def _label(title: str) -> str:
    """ "06 · Trade and targets" -> "06 Trade and targets" (a link text without the dot)."""
    return title.replace(" · ", " ", 1)


def _numbers(numbers: list[str]) -> str:
    if len(numbers) == 1:
        return f"notebook {numbers[0]}"
    return f"notebooks {', '.join(numbers[:-1])} and {numbers[-1]}"


def table(m: M.Manifest, notebooks_dir: str, repo_root: str) -> str:
    """The map as a Markdown table; links relative to where it is shown.

    ``notebooks_dir`` is the link prefix of a notebook ("" on the start page, "notebooks/" in
    the README) and ``repo_root`` that of the repository root ("../" or "").
    """
    after: dict[str, list[M.ProblemSet]] = {}
    for ps in m.problem_sets.values():
        builds_on = m.notebooks_for_problem_set(ps.name)
        after.setdefault(builds_on[-1].stem, []).append(ps)
    rows = ["| Notebook | Paragraphs | What it covers |", "|---|---|---|"]
    for nb in m.notebooks[1:]:  # the start page itself is not on its map
        link = f"[{_label(nb.title)}]({notebooks_dir}{nb.filename})"
        rows.append(f"| {link} | {M.format_paragraphs(nb.paragraphs)} | {nb.covers} |")
        for ps in after.get(nb.stem, []):
            numbers = [n.number for n in m.notebooks_for_problem_set(ps.name)]
            rows.append(
                f"| [{ps.title}]({repo_root}{ps.path}) | {M.format_paragraphs(ps.paragraphs)} "
                f"| after {_numbers(numbers)}: {ps.covers} |"
            )
    return "\n".join(rows)


def start_map(m: M.Manifest) -> str:
    return f"{MAP_HEADING}\n\n{table(m, '', '../')}"


def readme_region(m: M.Manifest) -> str:
    return f"{README_BEGIN}\n{table(m, 'notebooks/', '')}\n{README_END}"


def _claims(claims: tuple[str, ...]) -> str:
    """("C06", "C12", "C13", "C14") -> "C06, C12-C14"; () -> "(none)"."""
    runs: list[list[int]] = []
    for n in sorted(int(c[1:]) for c in claims):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [
        f"C{r[0]:02d}-C{r[-1]:02d}" if len(r) > 2 else ", ".join(f"C{n:02d}" for n in r)
        for r in runs
    ]
    return ", ".join(parts) or "(none)"


def guide_region(m: M.Manifest) -> str:
    """The instructor guide's table of sequences: each notebook's ¶, claims and sessions."""
    rows = [
        "| notebook | paragraphs | claims | three-session course | six-session course |",
        "|---|---|---|---|---|",
    ]
    for nb in m.notebooks:
        paragraphs = M.format_paragraphs(nb.paragraphs) or "whole paper"
        three, six = (str(s) for s in nb.sessions) if nb.sessions else ("(none)", "(none)")
        rows.append(
            f"| {_label(nb.title)} | {paragraphs} | {_claims(nb.claims)} | {three} | {six} |"
        )
    return f"{GUIDE_BEGIN}\n" + "\n".join(rows) + f"\n{GUIDE_END}"


def _replace_region(
    text: str, region: str, where: str, begin: str = README_BEGIN, end: str = README_END
) -> str:
    if text.count(begin) != 1 or text.count(end) != 1:
        raise SystemExit(f"{where}: expected one pair of marker lines ({begin[:30]}...)")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return head + region + tail


def _notebook_text_module():
    import notebook_text  # scripts/ is on the path: this script's folder, or pytest's pythonpath

    return notebook_text


def differences(root: Path = ROOT, m: M.Manifest | None = None) -> list[str]:
    """What differs from the manifest: one line per view ([] when both agree)."""
    m = m or M.load(root / "text" / "_toc.yml")
    found = []
    nb = nbformat.read(root / "notebooks" / START, as_version=4)
    cells = [c for c in nb.cells if c.get("id") == MAP_CELL]
    if len(cells) != 1:
        found.append(f"notebooks/{START}: no cell with id {MAP_CELL!r} for the map")
    elif cells[0].source != start_map(m):
        found.append(f"notebooks/{START}: the map (cell {MAP_CELL}) differs from the manifest")
    readme = (root / "README.md").read_text(encoding="utf-8")
    if _replace_region(readme, readme_region(m), "README.md") != readme:
        found.append("README.md: the table of notebooks differs from the manifest")
    guide = (root / GUIDE).read_text(encoding="utf-8")
    if _replace_region(guide, guide_region(m), GUIDE, GUIDE_BEGIN, GUIDE_END) != guide:
        found.append(f"{GUIDE}: the table of sequences differs from the manifest")
    return found


def write(root: Path = ROOT, m: M.Manifest | None = None) -> list[str]:
    """Rewrite the views (and the start page's text twin); return what changed."""
    m = m or M.load(root / "text" / "_toc.yml")
    changed = []
    path = root / "notebooks" / START
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.get("id") == MAP_CELL]
    if len(cells) != 1:
        raise SystemExit(f"{path.name}: no cell with id {MAP_CELL!r} for the map")
    if cells[0].source != start_map(m):
        cells[0].source = start_map(m)
        nbformat.write(nb, path)
        changed.append(f"notebooks/{START}")
        _notebook_text_module().write(root)
    readme_path = root / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    new = _replace_region(readme, readme_region(m), "README.md")
    if new != readme:
        readme_path.write_text(new, encoding="utf-8")
        changed.append("README.md")
    guide_path = root / GUIDE
    guide = guide_path.read_text(encoding="utf-8")
    new = _replace_region(guide, guide_region(m), GUIDE, GUIDE_BEGIN, GUIDE_END)
    if new != guide:
        guide_path.write_text(new, encoding="utf-8")
        changed.append(GUIDE)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        found = differences(args.root)
        for line in found:
            print(line, file=sys.stderr)
        if found:
            print("run `python scripts/make_toc_views.py` to rewrite them", file=sys.stderr)
            return 1
        print(
            f"the start page's map, the README table and {GUIDE}'s table agree with text/_toc.yml"
        )
        return 0
    for name in write(args.root):
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
