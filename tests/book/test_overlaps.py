"""In the book, nothing covers a chart's data: menus, sliders, legends and labels keep apart.

The kernel-free explorers put their menus and sliders above the legend, which wraps into
more rows on a narrow page (the Currencies "Show" menu once covered two legend entries);
the timeline's labels of highlighted events sit in rows above the lanes (in notebook 08 two
labels once overprinted, and a label anchored for the whole range was cut off at the edge of
a shorter period). Each page is opened at 1280 and at 800 px, every menu button of the page's
explorers is chosen in turn (each state has its own legend; a second menu with the first one
moved off its default), and the window is resized both ways; after each step
``src/rapprochement_support/widths.py`` must find nothing wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rapprochement_support import widths

from .conftest import ROOT, Watch
from .test_book import _controls, _open, click_menu_button

pytestmark = pytest.mark.browser


W = widths
SCOPE = "main"
PAGES = ["06-trade-and-targets", "08-three-noes-to-doing-together"]


@pytest.mark.parametrize("width", [1280, 800])
@pytest.mark.parametrize("stem", PAGES)
def test_menus_legends_and_labels_never_cover_data(
    book: Path, offline_page: tuple[Any, Watch], stem: str, width: int
) -> None:
    page, watch = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    _open(page, book / f"{stem}.html")
    W.wait_until_fitting(page, SCOPE)
    plots = page.locator(".rapprochement-plot")
    for i in range(plots.count()):
        plots.nth(i).scroll_into_view_if_needed()
        menus = _controls(page, i)["menus"]
        for m, menu in enumerate(menus):
            if m and len(menus[0]["labels"]) > 1:
                # the later menus with the first one not at its default (the two compose)
                click_menu_button(page, i, 0, 1)
            for target in [*range(1, len(menu["labels"])), 0]:
                click_menu_button(page, i, m, target)
                try:
                    W.wait_until_fitting(page, SCOPE, timeout=5_000)
                except AssertionError as exc:
                    raise AssertionError(
                        f"{stem} at {width} px, chart {i}, menu {m} "
                        f"'{menu['labels'][target]}': {exc}"
                    ) from None
        (ROOT / "artifacts").mkdir(exist_ok=True)
        plots.nth(i).screenshot(path=str(ROOT / "artifacts" / f"book-{stem}-{width}-{i}.png"))
    for other in (1280 if width == 800 else 800, width):
        page.set_viewport_size({"width": other, "height": 900})
        W.wait_until_fitting(page, SCOPE)
    assert not watch.page_errors, watch.page_errors
    assert not watch.console_errors, watch.console_errors
