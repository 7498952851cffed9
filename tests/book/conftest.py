"""Fixtures for the book tests: the book and the handouts, built once per session.

The book is built with scripts/build_book.py into a temporary folder and opened from the file
system in headless Chromium with every request to another host refused and counted. Without
Chromium these tests are skipped with the reason, unless RAPPROCHEMENT_REQUIRE_BROWSER=1 (CI).
Run them with `make book-test` (the .venv-book environment has Sphinx, axe and pypdf).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rapprochement_support import lab

ROOT = Path(__file__).resolve().parents[2]


CHROMIUM = str(lab.CHROMIUM)


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("RAPPROCHEMENT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"book tests required (RAPPROCHEMENT_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_ok() -> None:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        _skip_or_fail(f"no Chromium at {CHROMIUM}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _skip_or_fail("playwright is not installed")


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built book's html folder."""
    import build_book

    out = tmp_path_factory.mktemp("book")
    build_book.build(out, quiet=True)
    return out / "html"


@pytest.fixture(scope="session")
def handouts(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> Path:
    import make_handouts

    out = tmp_path_factory.mktemp("handouts")
    make_handouts.make(out, chromium)
    return out


@dataclass
class Watch:
    """What a page did that a reader offline must never see."""

    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


LOCAL = re.compile(r"^(file:|data:|about:|blob:)")


@pytest.fixture(scope="session")
def chromium(browser_ok: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = lab.launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def offline_page(chromium: Any) -> Iterator[tuple[Any, Watch]]:
    """A page whose requests to anything but local files are aborted and recorded."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch()

    def route(r: Any) -> None:
        if LOCAL.match(r.request.url):
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    try:
        yield page, watch
    finally:
        context.close()
