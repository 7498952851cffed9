"""Run All time of every notebook in a fresh kernel (prints figures; not a test).

Usage: .venv/bin/python bench/bench_notebooks.py [--repeat N] [notebooks ...]

Each run starts a new kernel with nbclient, executes every cell (as nbval and a student's
"Restart Kernel and Run All" do) and discards the result; nothing is written. The goal for
every notebook is under 8 s including kernel start-up.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    ).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    print(f"Run All in a fresh kernel, median of {args.repeat} (goal < 8 s)")
    for path in paths:
        times = [run_once(path) for _ in range(args.repeat)]
        print(f"  {path.name:48s} {statistics.median(times):5.2f} s  (max {max(times):.2f})")


if __name__ == "__main__":
    main()
