"""Follow docs/recipes/add-an-explorer.md literally in a scratch copy, and check that it holds.

Usage: .venv/bin/python scripts/recipes/explorer.py [--keep]

1. copies the repository's tracked files (as they are in the working tree) to a scratch folder;
2. writes every code block of the recipe that starts with ``# file: <path>`` into that path
   (each must be a new file) and adds the recipe's registry line to ``explorers/registry.py``:
   three files and one line, nothing else;
3. in the scratch copy (its ``src`` first on the path), checks that
   * the registry finds the new explorer and the book's explorers page lists it;
   * a notebook that shows it, run in a fresh kernel and exported (``rapprochement.export``),
     gets its kernel-free version from the metadata the widget recorded;
   * the registry's tests (``tests/test_explorers_registry.py -k <name>``) collect and pass it;
   * the benchmark measures it (``bench/bench_widgets.py``, Python side);
   * ruff and mypy accept the three new files.

Exits 0 when every check passes, 1 naming the first that failed. ``--keep`` leaves the scratch
copy in place (its path is printed).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "docs" / "recipes" / "add-an-explorer.md"
PYTHON = ROOT / ".venv" / "bin" / "python"
_BLOCK = re.compile(r"```python\n# file: (\S+)\n(.*?)```", re.S)
_REGISTRY_LINE = re.compile(r"## 4\. The registry line.*?```\n(.*?)```", re.S)


class RecipeFailed(Exception):
    pass


def recipe_parts(text: str) -> tuple[dict[str, str], str, str]:
    """(files by path, the registry line, the explorer's name) as the recipe gives them."""
    files = {path: body for path, body in _BLOCK.findall(text)}
    line = _REGISTRY_LINE.search(text)
    if len(files) != 3 or line is None:
        raise RecipeFailed(
            f"the recipe should give 3 files and a registry line; got {sorted(files)}"
        )
    name = line.group(1).strip().strip(",").strip('"')
    return files, line.group(1), name


def scratch_copy(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def apply(dest: Path, files: dict[str, str], line: str) -> None:
    for rel, body in files.items():
        target = dest / rel
        if target.exists():
            raise RecipeFailed(f"{rel} already exists: the recipe must add new files")
        target.write_text(body, encoding="utf-8")
    registry = dest / "src" / "rapprochement" / "explorers" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    head, sep, tail = text.partition("NAMES: tuple[str, ...] = (\n")
    if not sep:
        raise RecipeFailed("explorers/registry.py has no NAMES tuple to add a line to")
    body, close, rest = tail.partition("\n)\n")
    registry.write_text(head + sep + body + "\n" + line.rstrip("\n") + close + rest, "utf-8")


CHECK_REGISTRY = """
import sys
import rapprochement
from rapprochement.explorers import registry
assert rapprochement.__file__.startswith({dest!r}), rapprochement.__file__
entry = registry.get({name!r})
assert {name!r} in registry.all_explorers()
widget = entry.widget()
assert widget.figure is not None and not widget.error, widget.error
sys.path.insert(0, "scripts")
import build_book
assert entry.title in build_book.page_explorers() or entry.heading in build_book.page_explorers()
print("registry and book page: ok")
"""

CHECK_EXPORT = """
import nbformat
from nbclient import NotebookClient
from rapprochement import export
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(
    "from rapprochement import explorers\\n"
    "from rapprochement.explorers import registry\\n"
    "registry.get({name!r}).widget()"
)]
nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "Python 3", "language": "python"}}
NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False).execute()
counts = export.transform_notebook(nb, "t")
assert counts["explorers"] == 1 and counts["widgets_dropped"] == 0, counts
page = nb.cells[0].outputs[0]["data"]["text/html"]
assert "rapprochement-figure" in page and "updatemenus" in page
print("export of a run notebook: ok", counts)
"""

CHECK_BENCH = """
import sys
sys.path.insert(0, "bench")
import bench_widgets
results = bench_widgets.python_side(1)
assert {name!r} in results, sorted(results)
print("bench: ok", {{k: round(v, 1) for k, v in results[{name!r}].items()}}, "ms")
"""


def run(cmd: list[str], dest: Path, what: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(dest / "src")}
    done = subprocess.run(cmd, cwd=dest, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RecipeFailed(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def follow(dest: Path) -> str:
    files, line, name = recipe_parts(RECIPE.read_text(encoding="utf-8"))
    scratch_copy(dest)
    apply(dest, files, line)
    print(f"wrote {', '.join(files)} and added {line.strip()} to explorers/registry.py")
    py = str(PYTHON)
    print(run([py, "-c", CHECK_REGISTRY.format(dest=str(dest), name=name)], dest, "registry"))
    print(run([py, "-c", CHECK_EXPORT.format(name=name)], dest, "export"))
    tests = run(
        [
            py,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_explorers_registry.py",
            "-k",
            name,
        ],
        dest,
        "tests",
    )
    passed = re.search(r"(\d+) passed", tests)
    if not passed or int(passed.group(1)) < 3 or "failed" in tests:
        raise RecipeFailed(f"the registry's tests did not pick up {name!r}:\n{tests[-2000:]}")
    print(f"tests: {passed.group(0)} for {name!r}")
    print(run([py, "-c", CHECK_BENCH.format(name=name)], dest, "bench"))
    run([str(PYTHON.parent / "ruff"), "check", *files], dest, "ruff check")
    run([str(PYTHON.parent / "ruff"), "format", "--check", *files], dest, "ruff format")
    run([str(PYTHON.parent / "mypy"), *files], dest, "mypy")
    print("ruff and mypy: ok")
    return name


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    args = parser.parse_args(argv)
    dest = Path(tempfile.mkdtemp(prefix="recipe-explorer-"))
    try:
        name = follow(dest)
    except RecipeFailed as exc:
        print(f"RECIPE FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"scratch copy kept in {dest}")
        else:
            shutil.rmtree(dest, ignore_errors=True)
    print(f"the recipe holds: explorer {name!r} added with 3 files and 1 registry line")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
