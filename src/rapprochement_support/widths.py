"""Does every chart on the page fit, and does nothing cover its data? (browser-side checks)

Used by ``test_widths.py`` (JupyterLab) and ``tests/book/test_overlaps.py`` (the book): one
JavaScript function looks at every drawn plotly chart inside ``scope`` (a CSS selector for the
box the chart must stay in, e.g. its output area) and lists, in words, what is wrong:

* the chart's SVG reaches past the left or right edge of its box, or plotly drew it at another
  width than the box's (a chart drawn 700 px wide in a 368 px column);
* text of the chart (legend entries, captions, tick labels) reaches past the chart's own edge;
* the legend, an update menu or a slider overlaps the plot area (where the data is drawn);
* a menu or slider overlaps the legend, or another menu or slider;
* two text labels (annotations) overlap each other;
* an explorer's plot area is less than 230 px tall (its legend wrapped into many rows on a
  narrow screen; the explorer grows the chart to keep 240 px).

Boxes are compared with a 2 px tolerance (anti-aliasing, borders).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The check, as a function of ``scope`` (its first line, a comment, left out).
LAYOUT_PROBLEMS = (
    Path(__file__).with_name("layout_problems.js").read_text(encoding="utf-8").split("\n", 1)[1]
).strip()


def layout_problems(page: Any, scope: str) -> list[str]:
    """What is wrong with the charts inside ``scope`` on ``page`` (empty: nothing)."""
    return page.evaluate(LAYOUT_PROBLEMS, scope)


def wait_until_fitting(page: Any, scope: str, timeout: float = 15_000) -> None:
    """Wait (up to ``timeout`` ms) until :func:`layout_problems` finds nothing, else fail with
    what it finds. Charts re-fit a moment after their box changes (plotly waits 100 ms)."""
    try:
        page.wait_for_function(
            f"(s) => {LAYOUT_PROBLEMS}(s).length === 0", arg=scope, timeout=timeout
        )
    except Exception as exc:
        raise AssertionError("\n".join(layout_problems(page, scope))) from exc
