"""Fixtures for browser tests: a JupyterLab server, a Chromium page, "open and run all".

Reuse them for a smoke test of any notebook::

    @pytest.mark.browser
    def test_notebook_03_renders(lab_page, lab_server):
        lab.open_and_run_all(lab_page, lab_server, "notebooks/03-trust-and-pragmatism.ipynb")
        assert not lab.page_problems(lab_page)

Without /usr/bin/chromium (or the playwright package) these tests are skipped with the reason,
unless RAPPROCHEMENT_REQUIRE_BROWSER=1, in which case they fail (for CI, where a skipped
browser test would hide a broken setup).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from . import lab


@pytest.fixture(scope="session")
def browser_available() -> None:
    reason = lab.browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("RAPPROCHEMENT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (RAPPROCHEMENT_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_server(browser_available: None) -> Iterator[str]:
    """Base URL of a JupyterLab server rooted at the repository (one per test session)."""
    with lab.jupyter_lab(lab.REPO) as url:
        yield url


@pytest.fixture(scope="session")
def chromium(browser_available: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = lab.launch_chromium(pw, offline=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser_context(chromium: Any) -> Iterator[Any]:
    """One browser context for the session, so that JupyterLab's scripts are loaded and compiled
    once and then come from the browser's cache, as for a student who opens a second notebook.
    Each test still gets its own page, opened on an empty workspace (``lab.open_notebook``)."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def lab_page(browser_context: Any) -> Iterator[Any]:
    """A fresh browser page (1400 x 1000); console errors are kept in ``page.console_errors``.
    Afterwards every kernel of its server is shut down, so that tests leave none running."""
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        try:
            if page.url.startswith("http"):
                lab.shut_down_kernels(page)
        finally:
            page.close()
