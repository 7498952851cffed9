"""Visible and hidden tests agree on every answer form in a generated set.

For each autograded answer of each problem set, the model answer is turned into many forms a
student may hand in: right, rounded to the precision asked, rounded further, numpy numbers,
whole floats for years, tuples and arrays for lists, a percentage for a fraction and the other
way round, off-by-one years, the wrong reporter, text for numbers. Each form is run through

* the visible test exactly as the student's copy has it (``exercises/``), in a namespace where
  the setup cell ran, as in the student's kernel, and
* the real grading path: the value crosses as plain data (:func:`answers.to_plain`) into a
  :class:`checking.CheckServer`, which runs the full test cell of the instructor source
  (visible and hidden parts), as the grader and the self-check do.

A form the hidden test accepts must get a ✓, a form it rejects must not; and the forms listed
as right must pass both (so that agreement is not two tests that reject everything).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest

from rapprochement.grading import checks
from rapprochement.grading.answers import to_plain
from rapprochement.grading.checking import CheckServer, read_spec
from rapprochement_support.samples import nbgrader_meta

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "source"
RELEASE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)

# Slips, as code run after the setup cell: answer name -> expressions a student may give.
SLIPS = {
    "first_50": ["first_year_above(gacc, 50) + 1"],
    "years_50_to_100": ["first_year_above(gacc, 100) - first_year_above(gacc, 50) + 1"],
    "growth_2021": [
        "value_in(gacc, 2020) / value_in(gacc, 2019) - 1",
        "value_in(gacc, 2022) / value_in(gacc, 2021) - 1",
        "value_in(gacc, 2021) / value_in(gacc, 2019) - 1",
        "value_in(gacc, 2020) / value_in(gacc, 2021) - 1",
        "(lambda r: value_in(r, 2021) / value_in(r, 2020) - 1)"
        "(trade_series(trade, 'russia', 'total'))",
    ],
    "needed_by_2024": [
        "required_growth(value_in(gacc, 2020), 2020, 200, 2024)",
        "required_growth(value_in(gacc, 2018), 2018, 200, 2024)",
    ],
    "achieved_2019_2024": [
        "cagr(gacc, 2019, 2023)",
        "cagr(gacc, 2020, 2024)",
        "cagr(gacc, 2018, 2024)",
        "value_in(gacc, 2024) / value_in(gacc, 2019) - 1",
    ],
    "real_2014_in_2024": [
        "float(to_real(gacc, cpi, 2023).loc[2014])",
        "value_in(gacc, 2014) * cpi[2014] / cpi[2024]",
    ],
    "first_100_real_2018": ["first_year_above(gacc, 100)"],
    "gap_pct_of_china_2018": [
        "float(mirror_gap(china, russia_customs).loc[2018, 'gap'])",
        "float(mirror_gap(china, russia_customs).loc[2018, 'gap_pct'])",
        "(value_in(china, 2018) - value_in(russia_customs, 2018)) / value_in(china, 2018)",
        "100 * (value_in(russia_customs, 2018) - value_in(china, 2018)) / value_in(china, 2018)",
    ],
    # every verified Russian year, whatever its kind: the slip these questions are about
    "mirror_years": [
        "[int(y) for y in russia.index if y in china.index]",
        "[2010, 2011, 2018]",
        "[2010, 2018, 2030]",
    ],
    "mean_gap_pct_of_china": [
        "float(mirror_gap(china, russia_customs)['gap'].mean())",
        "float(mirror_gap(china, russia_customs)['gap_pct'].mean())",
        "float((lambda g: (100 * g['gap'] / g['china']).mean())(mirror_gap(china, russia)))",
    ],
    "growth_gap_customs": [
        "value_in(china, 2018) / value_in(china, 2010)"
        " - value_in(russia_customs, 2018) / value_in(russia_customs, 2010)",
        "100 * (cagr(china, 2010, 2018) - cagr(russia_customs, 2010, 2018))",
    ],
    "russia_share_2021": [
        "float(share(china, china_all_trade).loc[2021])",
        "float(share(russia, china_all_trade).loc[2021]) / 100",
    ],
    "asymmetry_2018": [
        "float(share(china, china_all_trade).loc[2018]) / 15.7",
        "15.7 / (float(share(china, china_all_trade).loc[2018]) / 100)",
    ],
    "kind_a": ["'true'", "'a fact'"],
    "real_2023_in_2019": [
        "float(to_real(gacc, cpi, 2020).loc[2023])",
        "value_in(gacc, 2023) * cpi[2023] / cpi[2019]",
        "float(to_real(trade_series(trade, 'russia', 'total'), cpi, 2019).loc[2023])",
    ],
    "needed_from_2020": ["required_growth(value_in(gacc, 2019), 2019, 200, 2024)"],
    "achieved_2020_2023": ["cagr(gacc, 2020, 2024)", "cagr(gacc, 2021, 2023)"],
    "share_of_rise_2021": ["value_in(gacc, 2021) / value_in(gacc, 2023)"],
}

# Wrong values in the right form, which only the hidden test can tell from right ones: the
# visible test gives them its ✓, which says that the value is checked at grading.
VALUES = {
    "first_50": ["first_year_above(gacc, 50) - 1"],
    "mirror_years": ["[2018]"],
    "mean_gap_pct_of_china": [
        "-float((lambda g: (100 * g['gap'] / g['china']).mean())"
        "(mirror_gap(china, russia_customs)))",
        "100 * (value_in(china, 2018) - value_in(russia_customs, 2018)) / value_in(china, 2018)",
    ],
    "growth_gap_customs": [
        "cagr(russia_customs, 2010, 2018) - cagr(china, 2010, 2018)",
        "(value_in(china, 2018) / value_in(china, 2010)"
        " - value_in(russia_customs, 2018) / value_in(russia_customs, 2010)) / 8",
    ],
    "kind_a": ["'forecast'"],
    "kind_c": ["'fact'"],
}


def _forms(name: str, right: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]], list]:
    """(forms that must pass, forms that must fail, right forms with a wrong value)."""
    f = checks.form(name)
    good: list[tuple[str, Any]] = [("right", right)]
    bad: list[tuple[str, Any]] = [("bool", True)]
    if f.kind != "word":
        bad.append(("text", str(right)))
    # a plain wrong value in the right form: only the hidden test can tell (the ✓ says so)
    value: list[tuple[str, Any]] = []
    if f.kind in ("year", "count"):
        good += [("numpy int64", np.int64(right)), ("float", float(right))]
        good += [("numpy float64", np.float64(right))]
        bad += [("float, not whole", right + 0.5)]
        value += [("one more", right + 1), ("one less", right - 1)]
    elif f.kind == "years":
        good += [("tuple", tuple(right)), ("numpy array", np.array(right))]
        good += [("pandas Index", pd.Index(right)), ("numpy ints", [np.int64(y) for y in right])]
        bad += [("pandas Series", pd.Series(right))]
        bad += [("reversed", list(reversed(right)) if len(right) > 1 else [])]
        value += [("one year missing", right[:-1])]
    elif f.kind == "word":
        good += [("capitals and spaces", f"  {right.upper()} ")]
    else:
        d = f.decimals
        good += [
            (f"rounded to {d}", round(right, d)),
            (f"rounded to {d + 1}", round(right, d + 1)),
            ("numpy float64", np.float64(right)),
            ("numpy float32", np.float32(right)),
            (f"numpy, rounded to {d}", np.float64(round(right, d))),
        ]
        bad += [(f"rounded to {d - 1}", round(right, d - 1)), ("whole", round(right))]
        if f.kind == "fraction":
            bad.append(("percentage", 100 * right))
        if f.kind == "percentage":
            bad.append(("fraction", right / 100))
        value += [("twice the value", 2 * right)]
    return good, bad, value


def _namespace(assignment: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(namespace after the setup cell, the model answers by name)."""
    nb = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    setup: dict[str, Any] = {}
    solved: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            if meta.get("solution"):
                exec(_SOLUTION.search(cell.source).group(1), solved)  # noqa: S102
            else:
                exec(cell.source, setup)  # noqa: S102
                exec(cell.source, solved)  # noqa: S102
    return setup, solved


def _visible_cells(assignment: str) -> dict[str, str]:
    """{test grade id: the visible test as the student's copy has it}."""
    nb = nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)
    return {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code"
        and nbgrader_meta(c).get("grade")
        and not nbgrader_meta(c).get("solution")
    }


def _visible_ok(code: str, setup: dict[str, Any], values: dict[str, Any]) -> tuple[bool, str]:
    checks._STATE.clear()
    namespace = dict(setup) | values
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)  # noqa: S102
    ((state, _),) = checks._STATE.values()
    return state == "ok", printed.getvalue().strip()


def _cases(assignment: str):
    spec = read_spec(SOURCE / assignment / f"{assignment}.ipynb")
    setup, solved = _namespace(assignment)
    for gid, names in spec.names.items():
        right = {n: solved[n] for n in names}
        for name in names:
            good, bad, value = _forms(name, right[name])
            for label, expr in [(f"slip {e}", e) for e in SLIPS.get(name, [])]:
                bad.append((label, eval(expr, dict(setup))))  # noqa: S307
            for expr in VALUES.get(name, []):
                value.append((f"value {expr}", eval(expr, dict(setup))))  # noqa: S307
            for outcome, forms in (("pass", good), ("fail", bad), ("value", value)):
                for label, value in forms:
                    yield gid, name, label, outcome, right | {name: value}


@pytest.fixture(scope="module")
def servers():
    started = {a: CheckServer(SOURCE / a / f"{a}.ipynb") for a in ASSIGNMENTS}
    yield started
    for server in started.values():
        server.close()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_and_hidden_tests_agree_on_every_generated_form(assignment, servers):
    setup, _ = _namespace(assignment)
    visible = _visible_cells(assignment)
    disagree, wrong_outcome, count = [], [], 0
    for gid, name, label, outcome, values in _cases(assignment):
        count += 1
        seen, printed = _visible_ok(visible[gid], setup, values)
        answer = {"values": {n: to_plain(v) for n, v in values.items()}, "missing": []}
        result = servers[assignment].check({gid: answer | {"refused": {}}})[gid]
        hidden = bool(result["passed"])
        if outcome == "value":  # a ✓ promises the form only, and says so
            if hidden or (seen and "Not checked here: the value" not in printed):
                wrong_outcome.append((gid, name, label, outcome, result.get("evalue"), printed))
            continue
        if seen != hidden:
            disagree.append((gid, name, label, printed[:120], result.get("evalue")))
        if hidden != (outcome == "pass"):
            wrong_outcome.append((gid, name, label, outcome, result.get("evalue"), printed))
    assert count > 40
    assert not disagree, disagree
    assert not wrong_outcome, wrong_outcome


def test_every_autograded_question_states_its_form():
    """The problem sets quote each answer's form from checks.FORMS, the one definition."""
    names = set()
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        spec = read_spec(SOURCE / assignment / f"{assignment}.ipynb")
        for answer_names in spec.names.values():
            for name in answer_names:
                names.add(name)
                assert f"*Answer form:* `{name}`: {checks.form(name).describe()}." in text, name
    assert names == set(checks.FORMS)


# Rounded and numpy answers written into a saved notebook, as a student would: the self-check
# (sandboxed run of the notebook, answers out as plain data, hidden tests in a clean process)
# must give the same verdict as the visible test. grade id -> code added after the model answer.
ROUNDED_OK = {
    "ps1-q1-1-answer": "first_50 = np.int64(first_50)\nyears_50_to_100 = float(years_50_to_100)",
    "ps1-q1-3-answer": "growth_2021 = round(growth_2021, 3)",
    "ps1-q1-4-answer": "needed_by_2020, needed_by_2024 = round(needed_by_2020, 3), "
    "np.float64(round(needed_by_2024, 3))",
    "ps1-q1-6-answer": "real_2014_in_2024 = round(real_2014_in_2024, 1)",
}
ROUNDED_TOO_FAR = {
    "ps1-q1-3-answer": "growth_2021 = round(growth_2021, 2)",
    "ps1-q1-6-answer": "real_2014_in_2024 = float(round(real_2014_in_2024))",
}


@pytest.mark.parametrize("tweaks", [ROUNDED_OK, ROUNDED_TOO_FAR], ids=["asked", "too-far"])
def test_selfcheck_and_visible_tests_agree_on_rounded_answers(tweaks, tmp_path):
    from rapprochement.selfcheck import self_check

    assignment = "ps1-trade-statistics"
    source = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    model = {
        nbgrader_meta(c)["grade_id"]: _SOLUTION.search(c.source).group(1)
        for c in source.cells
        if c.cell_type == "code" and nbgrader_meta(c).get("solution")
    }
    nb = nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)
    setup, _ = _namespace(assignment)
    namespace = dict(setup)
    exec("import numpy as np", namespace)  # noqa: S102
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id", "")
        if gid in model:
            cell.source = "import numpy as np\n" + model[gid] + "\n" + tweaks.get(gid, "")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(cell.source, namespace)  # noqa: S102
    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, path)
    verdicts = {q.split()[1]: v for q, v, _ in self_check(path, timeout=30) if q != "(your cells)"}
    spec = read_spec(SOURCE / assignment / f"{assignment}.ipynb")
    visible = _visible_cells(assignment)
    seen = {}
    for gid, names in spec.names.items():
        question = re.search(r"q(\d+)-(\d+)", gid)
        ok, _ = _visible_ok(visible[gid], setup, {n: namespace[n] for n in names})
        seen[f"{question[1]}.{question[2]}"] = "right" if ok else "wrong"
    assert verdicts == seen
    failing = {"1.3", "1.6"} if tweaks is ROUNDED_TOO_FAR else set()
    assert {q for q, v in verdicts.items() if v != "right"} == failing
