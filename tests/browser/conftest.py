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
from urllib.parse import urlparse

import pytest

from rapprochement_support import lab


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    """Keep each phase's report on the test item, so that ``lab_page`` sees a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _pages(browser_context: Any, lab_server: str) -> Iterator[list[Any]]:
    """The one page the tests share (a list, so that ``lab_page`` can replace it)."""
    pages = [_new_page(browser_context, lab_server)]
    try:
        yield pages
    finally:
        pages[0].close()


def _new_page(context: Any, lab_server: str) -> Any:
    """A page that records console errors, page errors and every request to a host other than
    the local server (``page.console_errors``, ``page.outside_requests``). Requests to other
    hosts fail (the browser is started offline, ``lab.NO_NETWORK``), as for a student with no
    network; the tests fail on any that is recorded."""
    page = context.new_page()
    local = urlparse(lab_server).netloc
    page.console_errors = []  # type: ignore[attr-defined]
    page.outside_requests = []  # type: ignore[attr-defined]

    def outside(url: str) -> None:
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != local:
            page.outside_requests.append(url)

    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))
    page.on("request", lambda r: outside(r.url))
    page.on("websocket", lambda ws: outside(ws.url))
    page.set_default_timeout(60_000)
    return page


@pytest.fixture
def lab_page(
    _pages: list[Any], browser_context: Any, lab_server: str, request: Any
) -> Iterator[Any]:
    """The browser page (1400 x 1000), its lists of errors and outside requests emptied.

    One page serves every test: ``lab.open_notebook`` closes the last test's notebooks and
    opens the next in the same JupyterLab, as a student does. Afterwards every notebook is
    closed and every kernel of the server shut down, so that tests leave none running; after
    a failed test the page is replaced, so that what went wrong there cannot affect the next.
    """
    page = _pages[0]
    page.console_errors.clear()
    page.outside_requests.clear()
    page.set_viewport_size({"width": 1400, "height": 1000})
    try:
        yield page
    finally:
        try:
            if page.url.startswith("http"):
                lab.close_documents(page)
                lab.shut_down_kernels(page)
        finally:
            report = getattr(request.node, "report_call", None)
            if report is None or report.failed:
                page.close()
                _pages[0] = _new_page(browser_context, lab_server)
