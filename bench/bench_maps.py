"""Time the region map and print its sizes (figures only; not a timed test).

    .venv/bin/python bench/bench_maps.py [--repeat 20]

Prints the median time to load the geometry and places and build the figure, the size of the
GeoJSON file, the number of drawn points, and the size of the figure's JSON (what a notebook
stores as the cell's output).
"""

from __future__ import annotations

import argparse
import statistics
import time

import plotly.io as pio

from rapprochement import data, maps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    region = maps.load_region()
    places = data.load_map_places()
    maps.region_map(region=region, places=places)  # warm-up (imports, plotly validators)

    def timed(fn) -> float:
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
        return statistics.median(runs) * 1000

    build_ms = timed(lambda: maps.region_map(region=region, places=places))
    load_ms = timed(lambda: (maps.load_region(), data.load_map_places()))
    fig = maps.region_map(region=region, places=places)
    points = sum(len(t.x) for t in fig.data if t.x is not None)
    geo = data.data_dir() / maps.GEOMETRY_FILE
    print(f"geometry file: {geo.stat().st_size / 1024:.1f} KB")
    print(f"load geometry + places: {load_ms:.1f} ms (median of {args.repeat})")
    print(f"build figure: {build_ms:.1f} ms (median of {args.repeat})")
    print(f"points drawn: {points}; figure JSON: {len(pio.to_json(fig)) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
