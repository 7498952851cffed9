"""The test tree mirrors the code: each module has a test file named after it.

``src/rapprochement/<m>.py`` is tested in ``tests/unit/test_<m>.py``, a module of a subpackage
``src/rapprochement/<p>/<m>.py`` in ``tests/unit/test_<p>_<m>.py`` (aspects may add a suffix:
``test_quiz_keep.py``), and a grading module may instead be tested in ``tests/grading/test_<m>.py``
(the instructor environment). Modules tested only through other files are listed in NOT_YET,
which may only shrink: a module added without its test file fails here.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "rapprochement"

#: Modules without a test file of their own yet, and where they are tested meanwhile.
NOT_YET = {
    # drawn and checked through test_figures.py, test_widgets.py and test_charts_style.py
    "charts/growth",
    "charts/shares",
    "charts/targets",
    "charts/timeline",
    # the LTI login, tested against a stand-in platform by tests/hub/test_lti_login.py
    "ltiauth",
    # grade passback, tested against the stand-in platform by tests/hub/test_ags.py (pylti1p3)
    "grading/ags",
    # late penalties and the LMS files, tested by tests/grading/test_late_run.py, test_lms.py
    # and test_lms_run.py
    "grading/latepenalty",
    "grading/lmsexport",
    "grading/lmsfeedback",
    # the grading pipeline, tested end to end by tests/grading/test_units.py and test_batch.py
    "grading/cells",
    "grading/cgroup",
    "grading/checking",
    "grading/classinputs",
    "grading/cli",
    "grading/course",
    "grading/inspect",
    "grading/outcomes",
    "grading/pipeline",
    "grading/pool",
    "grading/preprocessors",
    "grading/report",
    "grading/runner",
    "grading/sandboxrun",
    "grading/seccomp",
    "grading/settings",
    "grading/similarity",
    "grading/steps",
}


def modules() -> list[str]:
    """Every module of the package as "<m>" or "<p>/<m>" (no __init__ or __main__)."""
    return sorted(
        p.relative_to(PACKAGE).with_suffix("").as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.stem not in {"__init__", "__main__"}
    )


def owners() -> dict[str, str]:
    """Each test file -> the module it is named after: the longest module name that its name
    starts with (``test_charts_growth_rates.py`` is charts/growth_rates', not charts/growth's)."""
    names = {m.replace("/", "_"): m for m in modules()}
    # a grading module may be tested in the grading suite under its bare name
    bare = {m.split("/")[1]: m for m in modules() if m.startswith("grading/")}
    found = {}
    for folder, table in (("unit", names), ("grading", bare)):
        for path in (ROOT / "tests" / folder).glob("test_*.py"):
            stem = path.stem.removeprefix("test_")
            fits = [n for n in table if stem == n or stem.startswith(n + "_")]
            if fits:
                found[f"{folder}/{path.name}"] = table[max(fits, key=len)]
    return found


def has_test(module: str) -> bool:
    return module in owners().values()


def test_every_module_has_a_test_file_named_after_it() -> None:
    missing = [m for m in modules() if not has_test(m) and m not in NOT_YET]
    assert not missing, f"modules without tests/unit/test_<module>.py: {missing}"


def test_the_list_of_modules_without_their_own_test_only_shrinks() -> None:
    done = sorted(m for m in NOT_YET if m not in modules() or has_test(m))
    assert not done, f"take these off NOT_YET (they have a test file now, or are gone): {done}"


def test_unit_tests_sit_in_their_suite_folder() -> None:
    loose = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert not loose, f"tests/ holds one folder per suite; move {loose} into tests/unit/"
