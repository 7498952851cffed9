"""A real JupyterHub with an instructor, a TA and three students, for the whole session.

Needs root, ``configurable-http-proxy`` and the hub environment (``make hub-test``). Without
them the tests are skipped with the reason, unless RAPPROCHEMENT_REQUIRE_HUB=1 (CI), where a
skip would hide a broken setup and fails instead. In another environment (without jupyterhub)
the run stops with that reason (rapprochement_support.suites).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rapprochement_support import suites

suites.require("tests/hub", ["jupyterhub", "nbgrader"], "hub-test")

from rapprochement_support import hubctl  # noqa: E402


@dataclass
class Course:
    """The accounts, the install and the running hub of a test class."""

    install: hubctl.Install
    hub: hubctl.Hub
    instructor: hubctl.Account
    ta: hubctl.Account
    """a second member of the staff (the instructors' group), grading by hand"""
    students: dict[str, hubctl.Account]
    """role ("good", "partial", "hostile") -> account"""
    groups: dict[str, str]


@pytest.fixture(scope="session")
def hub_available() -> None:
    reason = hubctl.missing_reason()
    if reason is None:
        return
    if os.environ.get("RAPPROCHEMENT_REQUIRE_HUB") == "1":
        pytest.fail(f"hub tests required (RAPPROCHEMENT_REQUIRE_HUB=1) but {reason}")
    pytest.skip(reason)


@dataclass
class LtiInstall:
    """The install and its two groups that the LTI tests' hubs run from."""

    install: hubctl.Install
    groups: dict[str, str]
    """"instructors", "students" -> group name (made by install.sh)"""


@pytest.fixture(scope="session")
def lti_install(hub_available: None) -> Iterator[LtiInstall]:
    """One install.sh run for both LTI modules (test_lti_login, test_lti_browser), which are not
    about installing: each makes its own accounts in these groups (so nothing one module's
    launches leave in a home counts for the other) and starts its own hub, with its own
    platform and LTI settings, on it. The roster both hubs write keys its entries by account."""
    root = Path(tempfile.mkdtemp(prefix="rapprochement-ltitest-"))
    groups = hubctl.group_names("rlt-", ["instructors", "students"])
    try:
        with hubctl.install(root, groups["instructors"], groups["students"]) as inst:
            yield LtiInstall(inst, groups)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def course(hub_available: None) -> Iterator[Course]:
    root = Path(tempfile.mkdtemp(prefix="rapprochement-hubtest-"))
    # install.sh creates the course's groups (the runbook's first step), then the accounts
    groups = hubctl.group_names("rht-", ["instructors", "students", "authors"])
    try:
        with (
            hubctl.install(
                root,
                groups["instructors"],
                groups["students"],
                interrupt=True,
                authors_group=groups["authors"],
            ) as inst,
            hubctl.accounts(
                "rht-",
                {"instructors": ["teacher", "ta"], "students": ["good", "partial", "hostile"]},
                existing=groups,
            ) as (users, _),
            hubctl.hub(
                inst,
                students_group=groups["students"],
                instructors_group=groups["instructors"],
            ) as hub,
        ):
            # the instructor releases problem sets; the TA does not (runbook, section 11)
            hubctl.run(["usermod", "-aG", groups["authors"], users["teacher"].name])
            students = {k: v for k, v in users.items() if k not in ("teacher", "ta")}
            yield Course(inst, hub, users["teacher"], users["ta"], students, groups)
    finally:
        shutil.rmtree(root, ignore_errors=True)
