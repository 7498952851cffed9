"""Re-run notebooks in place in a fresh kernel, as nbval will, and save them lean.

Usage: python scripts/execute_notebooks.py notebooks/*.ipynb

Saved without widget state (which would embed plotly.js, ~5 MB) and with cell ids kept, so that
the committed outputs are what a fresh kernel produces and nbval can compare against them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    )
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    # The same display name as the environment's kernel.json, or JupyterLab marks the notebook
    # modified as soon as it opens (and autosave rewrites a committed file).
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        seconds = execute(Path(p))
        size = Path(p).stat().st_size / 1024
        print(f"{p}: ran in {seconds:.1f} s, {size:.0f} KB")
    # Keep the MyST text twins (text/, see scripts/notebook_text.py) in step.
    sys.path.insert(0, str(Path(__file__).parent))
    import notebook_text

    if any(Path(p).resolve().parent == notebook_text.ROOT / "notebooks" for p in paths):
        for text in notebook_text.write():
            print(f"{text}: text twin rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
