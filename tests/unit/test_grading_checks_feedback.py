"""Feedback that teaches: run each student version as a student would and read what it says.

Each problem set is executed (fresh kernel, like Run All) three ways: with the model answers
(every visible test must say ✓, so a right answer is never rejected), with common wrong routes
(the visible test must say ✗ and name the slip), and partly answered (Run All must reach the
summary, which counts what is answered, failing and not answered). The hidden tests, taken
from the instructor source, must fail with "not answered yet" on an unanswered question.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rapprochement_support.samples import nbgrader_meta

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "source"
RELEASE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)

# More wrong routes, checked in this process (no kernel): grade id -> (code, words of the ✗).
MORE_WRONG = {
    "ps1-trade-statistics": {
        "ps1-q1-1-answer": ("first_50 = 2008\nyears_50_to_100 = 2019 - first_50", "paper's year"),
        "ps1-q1-4-answer": (
            "needed_by_2020 = 0.107\n"
            "needed_by_2024 = required_growth(value_in(gacc, 2020), 2020, 200, 2024)",
            "starts from 2020",
        ),
        "ps1-q1-5-answer": (
            "achieved_2019_2024 = value_in(gacc, 2024) / value_in(gacc, 2019) - 1",
            "total growth",
        ),
        "ps1-q1-6-answer": ("real_2014_in_2024 = 80.5", "wrong way"),
    },
    "ps2-mirror-statistics": {
        "ps2-q2-1-answer": (
            'gap_pct_of_china_2018 = float(mirror_gap(china, russia_customs).loc[2018, "gap_pct"])',
            "percentage of Russia's figure",
        ),
        "ps2-q2-6-answer": ("asymmetry_2018 = 680.4", "fraction"),
    },
    "ps3-argument-analysis": {
        "ps3-q3-3-answer": ("real_2023_in_2019 = value_in(gacc, 2023) * 1.2", "wrong way"),
        "ps3-q3-4-answer": (
            "needed_from_2020 = 0.167\nachieved_2020_2023 = 0.306\n"
            "share_of_rise_2021 = value_in(gacc, 2021) / value_in(gacc, 2023)",
            "compares totals",
        ),
    },
}

# A common wrong route per problem set: answer cell grade id -> (code, words the ✗ must say).
WRONG = {
    "ps1-trade-statistics": {
        "ps1-q1-3-answer": ("growth_2021 = 36.3", "looks like a percentage"),
        "ps1-q1-5-answer": ("achieved_2019_2024 = cagr(gacc, 2019, 2023)", "2019 to 2023"),
        "ps1-q1-7-answer": ("first_100_real_2018 = first_year_above(gacc, 100)", "current"),
    },
    "ps2-mirror-statistics": {
        "ps2-q2-2-answer": ("mirror_years = [2018, 2010]", "sort"),
        "ps2-q2-5-answer": ("russia_share_2021 = 0.024", "looks like a fraction"),
        "ps2-q2-6-answer": ("asymmetry_2018 = 0.15", "divide the other way"),
    },
    "ps3-argument-analysis": {
        "ps3-q3-4-answer": (
            "needed_from_2020 = 0.167\nachieved_2020_2023 = cagr(gacc, 2020, 2024)\n"
            "share_of_rise_2021 = 0.304",
            "2020 to 2024",
        ),
    },
}


def _solutions(assignment: str) -> dict[str, str]:
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
            out[nbgrader_meta(cell)["grade_id"]] = _SOLUTION.search(cell.source).group(1)
    return out


def _run(nb):
    client = NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3")
    client.execute(cwd=str(ROOT))
    return nb


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _errors(nb):
    return [
        (i, o.ename)
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def _student(assignment: str, answers: dict[str, str]):
    """The released notebook with some answer cells' code put after their None lines."""
    nb = nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id", "")
        if gid in answers:
            cell.source += "\n" + answers[gid]
    return nb


def _test_outputs(nb) -> dict[str, str]:
    """{answer grade id: printed output of the test cell after it}."""
    out, last = {}, None
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            last = meta["grade_id"]
        elif meta.get("grade") and cell.cell_type == "code" and last:
            out[last] = _text(cell)
            last = None
    return out


def _summary(nb) -> str:
    return next(
        _text(c) for c in nb.cells if nbgrader_meta(c).get("grade_id", "").endswith("-summary")
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_model_answers_pass_every_visible_test(assignment):
    nb = _run(_student(assignment, _solutions(assignment)))
    assert _errors(nb) == []
    outputs = _test_outputs(nb)
    assert outputs and all(text.startswith("✓ Question") for text in outputs.values()), outputs
    assert all("hidden tests check when your work is graded" in text for text in outputs.values())
    summary = _summary(nb)
    assert f"{len(outputs)} answered and passing their checks, 0 failing" in summary


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_wrong_routes_are_named_and_blanks_do_not_stop_run_all(assignment):
    wrong = WRONG[assignment]
    solutions = _solutions(assignment)
    right = next(gid for gid in solutions if gid not in wrong)  # the first other question
    answers = {gid: code for gid, (code, _) in wrong.items()} | {right: solutions[right]}
    nb = _run(_student(assignment, answers))
    assert _errors(nb) == [], "Run All must reach the end of a partly answered notebook"
    outputs = _test_outputs(nb)
    assert outputs[right].startswith("✓ Question")
    for gid, (_, words) in wrong.items():
        assert outputs[gid].startswith("✗ Question"), (gid, outputs[gid])
        assert words in outputs[gid], (gid, outputs[gid])
    blank = [gid for gid in outputs if gid not in answers]
    assert blank, "leave at least one question unanswered"
    for gid in blank:
        assert outputs[gid].startswith("… Question") and "not answered yet" in outputs[gid]
    summary = _summary(nb)
    assert (
        f"1 answered and passing their checks, {len(wrong)} failing, {len(blank)} not answered"
        in summary
    )
    assert summary.count("✗ Question") == len(wrong)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_tests_fail_with_not_answered_yet(assignment):
    """Run each source test cell (visible + hidden) on unanswered names, in this process."""
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    namespace: dict[str, object] = {}
    failures = []
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                stub = _SOLUTION.sub("", cell.source)
                exec(compile(stub, meta["grade_id"], "exec"), namespace)  # noqa: S102
            elif meta.get("grade"):
                with pytest.raises(AssertionError) as error:
                    exec(compile(cell.source, meta["grade_id"], "exec"), namespace)  # noqa: S102
                failures.append(str(error.value))
            else:
                exec(compile(cell.source, meta.get("grade_id", "setup"), "exec"), namespace)  # noqa: S102
    assert failures and all("is not answered yet" in message for message in failures), failures


_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)


@pytest.mark.parametrize(
    ("assignment", "gid"), [(a, g) for a, routes in MORE_WRONG.items() for g in routes]
)
def test_more_wrong_routes_are_named(assignment, gid):
    """The visible test after ``gid`` (hidden part removed) run on a wrong answer, in-process."""
    from rapprochement.grading import checks

    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    code, words = MORE_WRONG[assignment][gid]
    namespace: dict[str, object] = {}
    index = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == gid)
    test_cell = next(
        c for c in nb.cells[index:] if nbgrader_meta(c).get("grade") and c.cell_type == "code"
    )
    setup = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id", "").endswith("-setup"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(setup.source, "setup", "exec"), namespace)  # noqa: S102
        exec(compile(code, gid, "exec"), namespace)  # noqa: S102
        exec(compile(_HIDDEN.sub("", test_cell.source), "test", "exec"), namespace)  # noqa: S102
    out = printed.getvalue().strip().splitlines()[-1]
    assert out.startswith("✗ Question"), out
    assert words in out, out
    assert checks.summary.__name__ == "summary"
