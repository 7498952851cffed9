"""Every explorer still answers on a slow computer: notebook 06 run with the CPU slowed down.

anywidget gives each widget model 2 s to load its module and initialize in the browser, then
drops every later message from the kernel to it. plotly's FigureWidget used to send and
evaluate its 5 MB module once per chart, so on a slow or busy computer the later explorers of
notebook 06 missed that limit: the console said "[anywidget] Failed to initialize model." and
their charts never changed again (seen as rare redraw timeouts in this suite). The explorers'
chart (``explorers/figure.py``) now loads plotly once per page and initializes at once.

Chromium's CPU throttling (DevTools protocol ``Emulation.setCPUThrottlingRate``) slows the
page as a slow laptop would; with plotly's own FigureWidget this test failed at that rate.
"""

from __future__ import annotations

from typing import Any

import pytest

from rapprochement_support import lab

from . import screen

NOTEBOOK = "notebooks/06-trade-and-targets.ipynb"
#: how many times slower than this machine (a low-end laptop against a 2-core CI runner)
SLOWDOWN = 6


@pytest.mark.browser
def test_every_explorer_answers_when_the_computer_is_slow(lab_page: Any, lab_server: str) -> None:
    page = lab_page
    # a fresh JupyterLab page: plotly loads in it for the first time, as for a student
    lab.open_notebook(page, lab_server, NOTEBOOK, reload=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN})
    try:
        lab.run_all(page, timeout=180_000)
        page.wait_for_function(
            "(n) => document.querySelectorAll('.rapprochement-explorer .js-plotly-plot"
            " .main-svg').length >= n",
            arg=screen.explorer_count(page),
            timeout=120_000,
        )
        screen.use_each_explorer(page)
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    # the controls' helper (explorers.widget.AccessibleControls, which gets no message from the
    # kernel after it starts) may still be reported late by anywidget while plotly loads; it
    # must have done its work: toggle buttons say whether they are pressed
    pressed = page.locator(".rapprochement-explorer .widget-toggle-buttons button[aria-pressed]")
    assert pressed.count() >= 5, pressed.count()
    assert not lab.page_problems(page), lab.page_problems(page)
