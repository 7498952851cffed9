"""Performance figures for the trade notebook's widgets (prints figures; not a test).

Usage: .venv/bin/python bench/bench_widgets.py [--no-browser] [--repeat N]

1. Python side: median time of one widget update (control change -> figure rebuilt and handed
   to the view) for each explorer, with the FigureWidget backend (batch_update) and with the
   Output backend (a new plain plotly figure rendered into an ipywidgets.Output).
2. Browser side (needs /usr/bin/chromium): median time from a click on a control to the
   redrawn chart in JupyterLab in headless Chromium, for every explorer (FigureWidget
   backend, the default), waiting for the same redraw condition as the browser tests.
3. Run All of notebooks/06-trade-and-targets.ipynb in a fresh kernel (nbclient), with and
   without kernel start-up.

The timeline is an explorer like the others and is measured with them.

Goals: < 10 ms Python side, click to redrawn chart < 150 ms median and < 300 ms at the 90th
percentile, < 8 s Run All.
Record the output in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from rapprochement import data  # noqa: E402
from rapprochement.explorers import registry  # noqa: E402
from rapprochement.explorers.controls import Control  # noqa: E402
from rapprochement.explorers.widget import ExplorerWidget  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "06-trade-and-targets.ipynb"

# Hand-picked settings to cycle through (control name -> values), by explorer; an explorer of
# the registry not listed here gets settings derived from its controls (see _interactions).
INTERACTIONS = {
    "targets": [
        ("start", [2005, 2010, 2000]),
        ("source", ["both", "china_customs"]),
        ("dollars", ["real", "nominal"]),
        ("flow", ["china_to_russia", "total"]),
    ],
    "growth": [("base_year", [2011, 2019, 2020]), ("rate_pct", [3.0, 10.0, 5.0])],
    "shares": [("start", [2010, 2000]), ("end", [2020, 2025])],
    "settlements": [("currencies", [("usd",), ("usd", "eur"), ("usd", "rub_plus_cny")])],
    "timeline": [("years", [(2010, 2020), (1996, 2026)]), ("themes", [("Sanctions and war",)])],
}
#: Arguments of the explorers measured with more than their defaults.
ARGS: dict[str, dict] = {"timeline": {"highlight": ["2021-03-23"]}}


def _derived(control: Control) -> list:
    """Values that move a control away from its default and back (lists: first option only)."""
    if control.kind in ("toggle", "dropdown"):
        others = [v for v in control.values() if v != control.default][:2]
        return [*others, control.default] if others else []
    if control.kind == "multi" and control.options:
        return [(control.values()[0],), tuple(control.default)]
    return []


def _interactions(name: str, explorer: ExplorerWidget) -> list[tuple[str, list]]:
    if name in INTERACTIONS:
        return INTERACTIONS[name]
    steps = [(c.name, _derived(c)) for c in explorer.spec.values()]
    return [(n, values) for n, values in steps if values]


def _make(name: str, backend: str) -> ExplorerWidget:
    widget: ExplorerWidget = registry.get(name).widget(backend=backend, **ARGS.get(name, {}))
    return widget


def python_side(repeat: int) -> dict[str, dict[str, float]]:
    data.load_all()  # the tables are cached: their loading is not timed
    results: dict[str, dict[str, float]] = {}
    for backend in ("figurewidget", "output"):
        for name in registry.NAMES:
            # outside a kernel the Output backend prints the figure's JSON: that is the same
            # serialisation a kernel does, so it is timed, and the text is discarded
            with contextlib.redirect_stdout(io.StringIO()):
                w = _make(name, backend)
                times = []
                for _ in range(repeat):
                    for control, values in _interactions(name, w):
                        for value in values:
                            t0 = time.perf_counter()
                            w.controls[control].value = value
                            times.append((time.perf_counter() - t0) * 1000)
                assert not w.error, w.error
            results.setdefault(name, {})[backend] = statistics.median(times)
    return results


BENCH_NB = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "id": "a",
            "source": "from rapprochement import explorers\n"
            "fw = explorers.targets.TargetExplorer(backend='figurewidget')\nfw",
        },
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "id": "b",
            "source": "out = explorers.targets.TargetExplorer(backend='output')\nout",
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


EVERY_NB = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "id": f"e{i}",
            "source": "from rapprochement.explorers import registry\n"
            f"registry.get({name!r}).widget(**{ARGS.get(name, {})!r})",
        }
        for i, name in enumerate(registry.NAMES)
    ],
    "metadata": BENCH_NB["metadata"],
    "nbformat": 4,
    "nbformat_minor": 5,
}

# One click per explorer, back and forth: a toggle button or a list option (by its text).
CLICKS = {
    "targets": ["Both + gap", "China customs"],
    "growth": ["Russian side", "China customs"],
    "shares": ["option:1", "option:0"],
    "settlements": ["option:0", "option:1"],
    "timeline": ["option:5", "option:0"],
}


def _clicks(name: str) -> list[str]:
    """The clicks measured on an explorer: hand-picked, else its first toggle's buttons (there
    and back) or its first list's first option (selected alone, then the whole default)."""
    if name in CLICKS:
        return CLICKS[name]

    entry = registry.get(name)
    explorer = entry.widget(**ARGS.get(name, {}))
    for control in explorer.spec.values():
        if control.kind == "toggle" and len(control.options) > 1:
            other = next(label for label, v in control.options if v != control.default)
            return [other, control.label_of(control.default)]
    return ["option:0", "option:1"]


_TIME_CLICK = """async ([i, what, timeout]) => {
    const root = document.querySelectorAll('.rapprochement-explorer')[i];
    const summary = () => root.querySelector('.rapprochement-summary');
    const before = Number(summary().dataset.update);
    let target;
    if (what.startsWith('option:')) {
        target = root.querySelectorAll('select[multiple] option')[Number(what.slice(7))];
    } else {
        target = [...root.querySelectorAll('button')].find(b => b.textContent.trim() === what);
    }
    if (!target) throw new Error('nothing to click: ' + what);
    const t0 = performance.now();
    const done = new Promise((resolve, reject) => {
        const stop = setTimeout(() => reject(new Error('no redraw')), timeout);
        const poll = () => {
            const s = summary(), gd = root.querySelector('.js-plotly-plot');
            if (Number(s.dataset.update) > before && gd && gd.data) {
                const want = s.dataset.series ? s.dataset.series.split('|') : [];
                const names = new Set(gd.data.filter(t => t.x && t.x.length)
                    .map(t => (t.name || '').replace(/<[^>]+>/g, '')));
                if (want.every(n => names.has(n))) {
                    clearTimeout(stop);
                    requestAnimationFrame(() => resolve(performance.now() - t0));
                    return;
                }
            }
            requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
    });
    if (target.tagName === 'OPTION') {
        target.parentElement.value = target.value;
        target.parentElement.dispatchEvent(new Event('change', {bubbles: true}));
    } else {
        target.click();
    }
    return await done;
}"""


def _p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def browser_side(repeat: int) -> dict[str, tuple[float, float]] | str:
    """Click to redrawn chart (the explorer's redraw condition: its summary has moved on and
    the chart on screen holds every series the kernel drew) for each explorer, median ms."""
    from rapprochement_support import lab

    reason = lab.browser_missing_reason()
    if reason:
        return f"skipped: {reason}"
    from playwright.sync_api import sync_playwright

    folder = ROOT / "artifacts" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench_every_explorer.ipynb").write_text(json.dumps(EVERY_NB), encoding="utf-8")
    clicks = {name: _clicks(name) for name in registry.NAMES}
    results: dict[str, list[float]] = {name: [] for name in registry.NAMES}
    with lab.jupyter_lab(ROOT) as url, sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1366, "height": 1000})
        lab.open_notebook(page, url, "artifacts/bench/bench_every_explorer.ipynb")
        lab.run_all(page)
        # every explorer has drawn its chart (plotly's front end arrives once the kernel is
        # free, after Run All): a redraw is measured from a drawn chart
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('.rapprochement-explorer')].filter(r =>"
            " r.querySelector('.rapprochement-summary[data-update]')"
            " && r.querySelector('.js-plotly-plot .main-svg')).length >= n",
            arg=len(registry.NAMES),
        )
        # and settled: each chart's first fit to its box (a resize plotly makes 100 ms later)
        page.wait_for_timeout(1000)
        for _ in range(repeat):
            for index, name in enumerate(registry.NAMES):
                for what in clicks[name]:
                    results[name].append(page.evaluate(_TIME_CLICK, [index, what, 30_000]))
        browser.close()
    return {k: (statistics.median(v), _p90(v)) for k, v in results.items()}


def run_all_seconds(repeat: int) -> dict[str, float]:
    import nbformat
    from nbclient import NotebookClient

    totals, runs = [], []
    for _ in range(repeat):
        nb = nbformat.read(NOTEBOOK, as_version=4)
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        t0 = time.perf_counter()
        with client.setup_kernel():
            t1 = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            t2 = time.perf_counter()
        totals.append(t2 - t0)
        runs.append(t2 - t1)
    return {"with kernel start": statistics.median(totals), "cells only": statistics.median(runs)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    print("1. Python-side update, median ms per interaction (goal < 10 ms)")
    print(f"   {'explorer':<22}{'FigureWidget':>14}{'Output':>10}")
    for name, by in python_side(args.repeat).items():
        print(f"   {name:<22}{by['figurewidget']:>14.1f}{by['output']:>10.1f}")
    if not args.no_browser:
        print("2. Click to redrawn chart in JupyterLab/Chromium, ms (median < 150, p90 < 300)")
        result = browser_side(args.repeat)
        if isinstance(result, str):
            print(f"   {result}")
        else:
            print(f"   {'explorer':<22}{'median':>8}{'p90':>8}")
            for name, (median, p90) in result.items():
                print(f"   {name:<22}{median:>8.0f}{p90:>8.0f}")
    print("3. Run All of notebook 06 in a fresh kernel, median s (goal < 8 s)")
    for key, seconds in run_all_seconds(max(1, min(args.repeat, 3))).items():
        print(f"   {key:<22}{seconds:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
