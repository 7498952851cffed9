"""What a person does on the hub in Chromium: log in, open nbgrader's Assignments tab, click.

Used by test_term.py. Each helper acts on the page as a person would (menus, buttons) and waits
for what the page shows next; nothing is done through an API.
"""

from __future__ import annotations

import re
from typing import Any

LISTS = ("released", "fetched", "submitted")


def log_in(browser: Any, hub_url: str, name: str, password: str) -> Any:
    """A new browser context (a person's own browser), logged in at the hub's login page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{hub_url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf".*/user/{name}/lab.*"))
    page.wait_for_selector(".lm-MenuBar-itemLabel", state="visible")
    # the start page (the hub's default URL) opens last and takes the front: wait for it, so
    # that it does not take it from the Assignments tab later
    page.wait_for_selector(".jp-NotebookPanel", state="visible")
    return page


def open_assignments(page: Any) -> None:
    """Nbgrader > Assignment List, then wait until the three lists have loaded."""
    page.locator(".lm-MenuBar-itemLabel").get_by_text("Nbgrader", exact=True).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text("Assignment List", exact=True).click()
    for name in LISTS:
        page.wait_for_selector(f"#{name}_assignments_list_loading", state="hidden")


def refresh(page: Any) -> None:
    show_assignments(page)
    page.locator("#refresh_assignments_list").click()
    for name in LISTS:
        page.wait_for_selector(f"#{name}_assignments_list_loading", state="hidden")


def list_text(page: Any, name: str) -> str:
    return str(page.locator(f"#{name}_assignments_list").inner_text())


def show_assignments(page: Any) -> None:
    """Bring the Assignments tab to the front (the start page, opened at login, may have
    taken it), as a person clicks its tab."""
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").filter(has_text="Assignments")
    tab.first.click()
    page.wait_for_selector("#fetched_assignments_list", state="visible")


def click(page: Any, name: str, assignment: str, button: str) -> None:
    """Click ``button`` on the row of ``assignment`` in list ``name`` (released, fetched, ...)."""
    show_assignments(page)
    row = page.locator(f"#{name}_assignments_list > .list_item").filter(has_text=assignment)
    row.first.get_by_role("button", name=button, exact=True).click()


def fetch(page: Any, assignment: str) -> None:
    """Fetch in the released list; wait until it is in the fetched list."""
    click(page, "released", assignment, "Fetch")
    page.locator("#fetched_assignments_list .list_item").filter(
        has_text=assignment
    ).first.wait_for()


def submit(page: Any, assignment: str) -> str:
    """Submit in the fetched list; return the new row's text of the submitted list."""
    show_assignments(page)
    before = page.locator("#submitted_assignments_list .list_item").count()
    click(page, "fetched", assignment, "Submit")
    page.wait_for_function(
        "n => document.querySelectorAll('#submitted_assignments_list .list_item').length > n",
        arg=before,
    )
    return str(page.locator("#submitted_assignments_list .list_item").last.inner_text())


def fetch_feedback(page: Any, assignment: str) -> None:
    """Fetch Feedback on the submitted row; wait until the row offers to view it."""
    show_assignments(page)
    row = page.locator("#submitted_assignments_list .list_item").filter(has_text=assignment)
    row.get_by_role("button", name="Fetch Feedback").first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#submitted_assignments_list a')]"
        ".some(a => /view feedback/i.test(a.textContent))"
    )
