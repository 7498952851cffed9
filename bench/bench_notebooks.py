"""Run All time of every notebook in a fresh kernel (prints figures; not a test).

Usage: .venv/bin/python bench/bench_notebooks.py [--repeat N] [--cells] [notebooks ...]

Each run starts a new kernel with nbclient, executes every cell (as nbval and a student's
"Restart Kernel and Run All" do) and discards the result; nothing is written. The goal for
every notebook is under 8 s including kernel start-up (issue 10 asks for < 3 s).

``--cells`` also prints, for the last run of each notebook, where the time went: kernel start
(until the kernel answers), then each code cell (its first line), and the CPU time this
process and its children used.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: Path, timings: list[tuple[str, float]] | None = None) -> float:
    """Seconds for a fresh kernel's Run All; ``timings`` gets (what, seconds) if given."""
    nb = nbformat.read(path, as_version=4)
    marks: dict[str, float] = {}

    def mark(name: str) -> Any:
        def hook(**kwargs: Any) -> None:
            now = time.perf_counter()
            if name == "start":
                marks["ready"] = now
            elif name == "cell_start":
                marks["cell"] = now
            elif timings is not None:
                cell = kwargs["cell"]
                first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
                timings.append((f"cell {kwargs['cell_index']:2d}: {first}", now - marks["cell"]))

        return hook

    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        on_notebook_start=mark("start"),
        on_cell_execute=mark("cell_start"),
        on_cell_executed=mark("cell_done"),
    ).execute()
    total = time.perf_counter() - start
    if timings is not None:
        timings.insert(0, ("kernel start (until it answers)", marks["ready"] - start))
    return total


def _cpu() -> float:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cells", action="store_true", help="print kernel start and each cell")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    print(f"Run All in a fresh kernel, median of {args.repeat} (goal < 8 s; < 3 s wished)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for path in paths:
        timings: list[tuple[str, float]] = []
        cpu0 = _cpu()
        times = [run_once(path) for _ in range(args.repeat - 1)]
        times.append(run_once(path, timings))
        cpu = (_cpu() - cpu0) / len(times)
        print(
            f"  {path.name:48s} {statistics.median(times):5.2f} s  (max {max(times):.2f}; "
            f"CPU {cpu:.2f} s, client and kernel)"
        )
        if args.cells:
            for what, seconds in timings:
                if seconds >= 0.05 or what.startswith("kernel"):
                    print(f"      {seconds:6.2f} s  {what}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
