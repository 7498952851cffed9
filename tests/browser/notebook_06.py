"""Notebook 06's own checks in a real JupyterLab, after Run All: every explorer and the map
draw, a toggle adds the gap bars, an impossible setting shows its message and a possible one
clears it.

``test_screen.py`` calls :func:`check_explorers_react` on the page of its notebook-06 run (one
Run All serves both), before it moves every control.
"""

from __future__ import annotations

from typing import Any

from rapprochement_support import lab

from . import screen

NOTEBOOK = "notebooks/06-trade-and-targets.ipynb"
N_EXPLORERS = 4
N_PLOTS = N_EXPLORERS + 1  # and the region map of section 6 (maps.region_map)


def _russian_years() -> set[int]:
    """Years with a Russian-side total in the data (the notebook's own table)."""
    from rapprochement import data

    series = data.trade_series(data.load_trade(), "russia", "total")
    return {int(y) for y in series.dropna().index}


def check_explorers_react(page: Any) -> None:
    """The checks above, on ``page`` showing notebook 06 after Run All (controls untouched)."""
    # every explorer drew its chart; no widget failed to render; no traceback
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(gd => gd.querySelector('.main-svg')).length >= n",
        arg=N_PLOTS,
    )
    assert lab.plot_count(page) == N_PLOTS
    assert not lab.page_problems(page), lab.page_problems(page)
    assert page.locator(".widget-toggle-button").count() >= 5
    lab.screenshot(page, "browser-06-after-run-all.png")

    # changing a control changes the chart: "Both + gap" adds the gap bars to explorer 1
    before = lab.plot_traces(page, 0)
    assert not any(t["type"] == "bar" for t in before)
    update = screen.state(page, 0)["update"]
    ms = lab.click_and_time_redraw(page, 0, "Both + gap")
    # read the traces only once the redraw is complete (under load they were once read
    # between the click and the redraw): the explorer's summary has moved on and the chart
    # holds every series it names
    page.wait_for_function(screen._REDRAWN, arg=[0, update], timeout=screen.STEP_TIMEOUT)
    after = lab.plot_traces(page, 0)
    assert any(t["type"] == "bar" and t["name"].startswith("Gap") for t in after)
    assert ms < 5_000
    page.wait_for_selector(".js-plotly-plot .barlayer .point")

    # an impossible setting shows the message inside the widget, not a traceback: the
    # projector on the Russian side, then the first base year (before the Russian series)
    projector = page.locator(screen.ROOTS).nth(1)
    lab.click_and_time_redraw(page, 1, "Russian side")
    message = projector.locator(".rapprochement-message")
    assert message.count() == 0 or "Cannot draw" not in message.inner_text()
    handle = (
        projector.locator(".widget-slider").filter(has_text="Base year").locator(".noUi-handle")
    )
    update = screen.state(page, 1)["update"]
    handle.focus()
    handle.press("Home")
    year = int(float(handle.get_attribute("aria-valuenow")))
    assert year not in _russian_years(), f"base year {year} is possible: pick another setting"
    page.wait_for_function(screen._REDRAWN, arg=[1, update], timeout=screen.STEP_TIMEOUT)
    error = projector.locator(".rapprochement-message.rapprochement-error[role='alert']")
    assert error.count() == 1, screen.state(page, 1)
    text = error.inner_text()
    assert "Cannot draw this" in text and f"base year {year}" in text, text
    assert screen.state(page, 1)["svg"], "the chart is gone after an impossible setting"
    assert not lab.page_problems(page), lab.page_problems(page)
    projector.scroll_into_view_if_needed()
    lab.screenshot(page, "browser-06-impossible-setting.png")

    # the other controls still work, and a possible setting clears the message
    update = screen.state(page, 1)["update"]
    projector.locator(".widget-toggle-button").filter(has_text="China customs").click()
    page.wait_for_function(screen._REDRAWN, arg=[1, update], timeout=screen.STEP_TIMEOUT)
    assert projector.locator(".rapprochement-error").count() == 0, screen.state(page, 1)
    assert not lab.page_problems(page)
