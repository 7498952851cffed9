"""Reports one skip in the student environment, where nbgrader is absent by design."""

import pytest


def test_grading_environment_has_nbgrader():
    nbgrader = pytest.importorskip(
        "nbgrader", reason="grading tests need the instructor environment: make grading-test"
    )
    assert nbgrader.__version__.startswith("0.9")
