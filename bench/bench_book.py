"""Benchmark the book: build time, size, largest page, time to first chart in Chromium.

Usage: .venv-book/bin/python bench/bench_book.py [--out build/book-bench] [--runs 3]

Prints figures, asserts nothing. Goals (issue 13): build under 2 minutes on the 2-core
machine; total size and the largest page under 3 MB each. A page's weight counts its HTML and
every file it loads (measured in Chromium from the file system, cache off), raw and as
gzip would serve it (GitHub Pages compresses text).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_book  # noqa: E402

from rapprochement_support import lab  # noqa: E402


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def page_weights(html_dir: Path) -> list[tuple[str, int, int, float | None]]:
    """(page, bytes loaded, gzip bytes, ms to first chart) for each page, in Chromium."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        for page_file in sorted(html_dir.glob("*.html")):
            context = browser.new_context()
            page = context.new_page()
            loaded: set[Path] = set()
            page.on(
                "request",
                lambda r, loaded=loaded: (
                    loaded.add(Path(r.url.split("?")[0][7:]))
                    if r.url.startswith("file://")
                    else None
                ),
            )
            page.goto(page_file.as_uri(), wait_until="load")
            first = None
            if page.locator(".rapprochement-plot").count():
                page.wait_for_function("() => window.rapprochementFirstChart !== undefined")
                first = page.evaluate("window.rapprochementFirstChart")
            files = [p for p in loaded | {page_file} if p.is_file()]
            rows.append(
                (
                    page_file.name,
                    sum(p.stat().st_size for p in files),
                    sum(_gz(p) for p in files),
                    first,
                )
            )
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "book-bench")
    parser.add_argument("--runs", type=int, default=1, help="builds to time")
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        build_book.build(args.out.resolve(), quiet=True)
        times.append(time.perf_counter() - started)
    html_dir = args.out.resolve() / "html"
    files = [p for p in html_dir.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    total_gz = sum(_gz(p) for p in files)
    biggest_html = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
    print(f"build time: {statistics.median(times):.1f} s (median of {len(times)}; goal < 120 s)")
    print(
        f"total size: {total / 1e6:.2f} MB in {len(files)} files, {total_gz / 1e6:.2f} MB "
        "gzipped (goal < 3 MB)"
    )
    print(f"largest HTML file: {biggest_html.name}, {biggest_html.stat().st_size / 1e6:.2f} MB")
    rows = page_weights(html_dir)
    heaviest = max(rows, key=lambda r: r[1])
    print(
        f"largest page with everything it loads: {heaviest[0]}, {heaviest[1] / 1e6:.2f} MB, "
        f"{heaviest[2] / 1e6:.2f} MB gzipped (goal < 3 MB)"
    )
    firsts = [(name, ms) for name, _, _, ms in rows if ms is not None]
    for name, ms in firsts:
        print(f"time to first chart: {name}: {ms:.0f} ms")
    if firsts:
        print(
            f"time to first chart, median over {len(firsts)} chart pages: "
            f"{statistics.median(ms for _, ms in firsts):.0f} ms"
        )


if __name__ == "__main__":
    main()
