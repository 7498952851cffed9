"""Render the static figures that readers without a kernel see (GitHub, nbviewer, HTML export).

Usage: .venv/bin/python scripts/make_static_figures.py [--out notebooks/figures]

Each figure is drawn by the same function the notebook's widgets call
(:mod:`rapprochement.charts`, :mod:`rapprochement.explorers`), written to a self-contained HTML
page (plotly.js inlined from the installed plotly package, so no network), opened in headless
Chromium through Playwright, and screenshotted to PNG. We use Chromium rather than plotly's
kaleido because kaleido 1.x itself needs a Chrome install, would add a dependency, and
Playwright + Debian's chromium are already what the browser tests use.

Needs /usr/bin/chromium (or CHROMIUM=/path/to/chrome).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import plotly.graph_objects as go

from rapprochement import data
from rapprochement.charts import targets as target_chart
from rapprochement.explorers import registry
from rapprochement.explorers.targets import DEFAULT_TARGETS
from rapprochement_support import lab

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 900, 700


def static_figures() -> dict[str, go.Figure]:
    """The figures to render, by file stem: the notebook 06 picture and each explorer's
    default state (shown in place of the explorer before the notebook has run)."""
    trade, targets, cpi = data.load_trade(), data.load_targets(), data.load_us_cpi()
    fig = target_chart.target_explorer_figure(
        trade,
        targets,
        cpi,
        start=2000,
        end=int(trade["year"].max()),
        target_ids=list(DEFAULT_TARGETS),
    )
    figs = {"trade-vs-targets": fig}
    for entry in registry.all_explorers().values():
        if not entry.picture:
            continue
        explorer = entry.widget()
        assert explorer.figure is not None, explorer.error
        figs[entry.picture] = explorer.figure
    return figs


def render(figs: dict[str, go.Figure], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    why = lab.browser_missing_reason()
    if why:
        raise SystemExit(f"{why}; set CHROMIUM=/path/to/chromium")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        for stem, fig in figs.items():
            fig = go.Figure(fig)
            fig.update_layout(width=WIDTH)
            html = Path(tmp) / f"{stem}.html"
            fig.write_html(
                html,
                include_plotlyjs=True,
                full_html=True,
                config={"staticPlot": True, "displayModeBar": False},
            )
            page.goto(html.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            target = out / f"{stem}.png"
            page.locator(".js-plotly-plot").first.screenshot(path=str(target))
            written.append(target)
        browser.close()
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "notebooks" / "figures")
    args = parser.parse_args(argv)
    for path in render(static_figures(), args.out):
        print(
            f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
            f"({path.stat().st_size / 1024:.0f} KB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
