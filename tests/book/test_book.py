"""The book as a reader opens it: from the file system, offline, in headless Chromium.

For every page in the manifest, in one visit: axe-core finds no serious or critical
violation, it renders (a title and body), every chart draws, every control of every
kernel-free chart changes it, there is no console error and no request to any other host
(requests are refused and counted). Every internal link points at a page (and anchor) that
exists.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from rapprochement import manifest
from rapprochement.explorers import registry

from .conftest import Watch

pytestmark = pytest.mark.browser
M = manifest.load()
PAGES = ["index", *M.stems(), *(p.stem for p in M.pages), "search"]


def _page_path(book: Path, stem: str) -> Path:
    path = book / f"{stem}.html"
    if stem == "reading-list" and not path.exists():
        pytest.skip("docs/reading-list.md is not written yet: the page is left out")
    return path


def _open(page: Any, path: Path) -> None:
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.rapprochement-plot')]"
        ".every(el => el.dataset.drawn === '1')",
        timeout=30_000,
    )


def _fingerprint(page: Any, index: int) -> str:
    """What the chart shows: its drawn traces, axes and title (SVG, as rendered)."""
    return page.evaluate(
        """(i) => { const gd = document.querySelectorAll('.rapprochement-plot')[i];
        const parts = ['.cartesianlayer', '.infolayer .g-gtitle', '.xaxislayer-above',
                       '.yaxislayer-above'].map(s => gd.querySelector(s));
        return parts.map(p => p ? p.innerHTML : '').join('|'); }""",
        index,
    )


def _controls(page: Any, index: int) -> dict[str, Any]:
    return page.evaluate(
        """(i) => { const gd = document.querySelectorAll('.rapprochement-plot')[i];
        const fl = gd._fullLayout;
        return {
          menus: (fl.updatemenus || []).map(m => ({type: m.type, active: m.active,
                  visible: m.visible, labels: m.buttons.map(b => b.label)})),
          sliders: (fl.sliders || []).map(s => ({active: s.active, visible: s.visible,
                    n: s.steps.length})),
        }; }""",
        index,
    )


def _item(plot: Any, label: str) -> Any:
    return plot.locator("text.updatemenu-item-text").filter(
        has_text=re.compile(rf"^{re.escape(label)}$")
    )


def click_menu_button(page: Any, index: int, menu: int, target: int) -> None:
    """Choose button ``target`` of menu ``menu`` with the mouse, as a reader would."""
    plot = page.locator(".rapprochement-plot").nth(index)
    info = _controls(page, index)["menus"][menu]
    if info["type"] == "dropdown":
        _item(plot, info["labels"][info["active"]]).first.click()  # open the list
        page.wait_for_timeout(50)
        # the open list repeats the header's label; pick the button, not the header
        _item(plot, info["labels"][target]).last.click()
    else:
        _item(plot, info["labels"][target]).last.click()
    page.wait_for_timeout(50)


def click_slider(page: Any, index: int, slider_number: int) -> None:
    """Click the visible slider's rail at the end far from its current step."""
    info = [s for s in _controls(page, index)["sliders"] if s["visible"]][slider_number]
    plot = page.locator(".rapprochement-plot").nth(index)
    rail = plot.locator("rect.slider-rail-touch-rect").nth(slider_number)
    box = rail.bounding_box()
    assert box, "slider rail not drawn"
    x = 4 if info["active"] > info["n"] / 2 else box["width"] - 4
    rail.click(position={"x": x, "y": box["height"] / 2})
    page.wait_for_timeout(50)


def _clean(watch: Watch) -> None:
    assert not watch.outside, f"requests to other hosts: {watch.outside}"
    assert not watch.page_errors, watch.page_errors
    assert not watch.console_errors, watch.console_errors


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize("stem", PAGES)
def test_page_renders_offline_accessibly_with_working_charts(
    book: Path, offline_page: tuple[Any, Watch], stem: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, watch = offline_page
    _open(page, _page_path(book, stem))
    title = page.locator("main h1").first.inner_text()
    assert title.strip(), "page has no title"
    assert len(page.locator("main").inner_text()) > 200, "page is nearly empty"
    plots = page.locator(".rapprochement-plot").count()
    drawn = page.locator(".rapprochement-plot .main-svg").count()
    assert drawn >= plots, f"{plots - drawn} of {plots} charts did not draw"
    if stem == "explorers":
        assert plots == len(registry.NAMES)
    # every control of every kernel-free explorer on the page changes its chart; on the
    # explorers page every button of every menu, in turn (each state reachable and distinct)
    for i in range(plots):
        controls = _controls(page, i)
        for m, menu in enumerate(controls["menus"]):
            if stem == "explorers":
                targets = [*range(1, len(menu["labels"])), 0]
            else:
                targets = [1 if menu["active"] == 0 else 0]
            for target in targets:
                before = _fingerprint(page, i)
                click_menu_button(page, i, m, target)
                assert _controls(page, i)["menus"][m]["active"] == target, (stem, i, m)
                assert _fingerprint(page, i) != before, (
                    f"{stem}: menu {m} of chart {i} changed nothing "
                    f"(button {menu['labels'][target]!r})"
                )
        visible = [s for s in controls["sliders"] if s["visible"]]
        for s in range(len(visible)):
            before = _fingerprint(page, i)
            click_slider(page, i, s)
            assert _fingerprint(page, i) != before, (
                f"{stem}: slider {s} of chart {i} changed nothing"
            )
    if stem in M.stems() and stem != M.stems()[0]:
        # a walk-through page shows its notebook's stored outputs, not raw widget text
        body = page.locator("main").inner_text()
        assert "Widget(" not in body and "FigureWidget" not in body
    _clean(watch)
    # axe-core: no serious or critical violation (last: axe reads the stylesheets
    # with XMLHttpRequest, which Chromium refuses for file:// pages and logs as an error)
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, json.dumps(bad, indent=1)
    assert not watch.outside, f"requests to other hosts: {watch.outside}"


# ---------------------------------------------------------------------------- static


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(str(d["id"]))
        for key in ("href", "src"):
            if d.get(key) and tag in ("a", "link", "script", "img"):
                self.hrefs.append(html.unescape(str(d[key])))


def test_no_broken_internal_link(book: Path) -> None:
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(encoding="utf-8"))
            parsed[path] = p
        return parsed[path]

    broken = []
    pages = sorted(book.glob("*.html"))
    assert len(pages) >= len(PAGES) - 1
    for page in pages:
        for href in parse(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.name}: {href}")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and parts.fragment not in parse(target).ids
            ):
                broken.append(f"{page.name}: {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_plotly_js_is_one_local_file_loaded_only_by_chart_pages(book: Path) -> None:
    bundles = [p for p in book.rglob("*.js") if "plotly" in p.name]
    assert len(bundles) == 1, bundles
    for page in book.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        loads = text.count(bundles[0].name)
        assert loads == (1 if "rapprochement-figure" in text else 0), page.name
        # no plotly.js inlined in a page, and nothing from a CDN
        assert "Copyright 2012-20" not in text, page.name
        assert not re.search(r"(src|href)=\"https?://[^\"]*(cdn|jsdelivr|unpkg|googleapis)", text)


def test_the_font_covers_every_chinese_and_cyrillic_character_shown(book: Path) -> None:
    import build_book

    font = book / "_static" / "fonts" / build_book.FONT_NAME
    needed = build_book.wide_chars(book) | build_book.RUSSIAN_ALPHABET
    assert needed - build_book.font_chars(font) == set()
    assert (book / "_static" / "fonts" / "OFL.txt").is_file()


def test_the_book_holds_every_notebook_and_the_reference_pages(book: Path) -> None:
    for stem in M.stems():
        assert (book / f"{stem}.html").is_file(), stem
    teaching = (book / "teaching.html").read_text(encoding="utf-8")
    assert "Sequences: three sessions or six" in teaching
    # the facilitation notes (strong answers, misreadings) stay out of the student-facing book
    assert "<em>Strong answers</em>" not in teaching
    assert "<em>Common misreadings:</em>" not in teaching
    assert "Facilitation notes for every discussion prompt</h2>" not in teaching
    assert "Running the collection in class" in teaching
    glossary = (book / "glossary.html").read_text(encoding="utf-8")
    assert "axis of convenience" in glossary
    data = (book / "data.html").read_text(encoding="utf-8")
    assert "verified" in data
    # the data files a page links to are in the book, and no others (nothing could reach them)
    linked = set(
        re.findall(
            r'href="files/data/([^"]+)"',
            "".join(p.read_text(encoding="utf-8") for p in book.glob("*.html")),
        )
    )
    assert "datapackage.json" in linked
    assert {p.name for p in (book / "files" / "data").iterdir()} == linked
