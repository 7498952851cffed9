"""Benchmark the offline HTML export and the sizes it depends on.

Usage: .venv/bin/python bench/bench_export.py [--out build/html-bench]

Prints figures, asserts nothing: the size of each committed notebook (goal < 100 KB), the
figure JSON of each kernel-free explorer, and for each notebook the time to export it (stored
outputs, no execution) and the size of the page (plotly.js inlined once when it has a chart).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import plotly.io as pio

from rapprochement import export
from rapprochement.explorers import registry

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "html-bench")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in notebooks:
        print(f"committed notebook: {path.name}: {path.stat().st_size / 1e3:.0f} KB")
    for name, explorer in registry.all_explorers().items():
        size = len(pio.to_json(explorer.build_static(), validate=False, remove_uids=True))
        print(f"explorer figure JSON: {name}: {size / 1e3:.0f} KB")
    _, bundle = export.plotly_js()
    print(f"plotly.js inlined: {bundle}")
    for path in notebooks:
        started = time.perf_counter()
        page = export.export_notebook(path, args.out, execute="never")
        seconds = time.perf_counter() - started
        print(f"export: {path.name}: {seconds:.1f} s, {page.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
