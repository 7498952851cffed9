"""rapprochement.grading.checks, the part students meet: visible tests, summary, word count."""

from __future__ import annotations

import json

import pytest

from rapprochement.grading import checks


@pytest.fixture(autouse=True)
def _clean_state():
    checks._STATE.clear()
    yield
    checks._STATE.clear()


def test_visible_reports_ok_with_what_was_checked(capsys):
    namespace = {"rate": 0.05}
    with checks.Visible("9.1", ("rate",), namespace) as v:
        v.fraction("rate", -1, 1)
    out = capsys.readouterr().out
    assert out.startswith("✓ Question 9.1: format ok: rate is a number; a fraction between -1")
    assert "Not checked here: the value itself" in out


@pytest.mark.parametrize(
    ("namespace", "state", "words"),
    [
        ({}, "not answered", "is not defined yet"),
        ({"rate": None}, "not answered", "still None"),
        ({"rate": 12.5}, "failing", "looks like a percentage"),
        ({"rate": "0.1"}, "failing", "should be a number"),
        ({"rate": 1.5}, "failing", "between -1 and 1"),
    ],
)
def test_visible_never_raises_and_says_what_is_wrong(capsys, namespace, state, words):
    with checks.Visible("9.2", ("rate",), namespace) as v:
        v.fraction("rate", -1, 1)
    out = capsys.readouterr().out
    assert words in out
    assert checks._STATE["9.2"][0] == state


def test_other_errors_in_a_check_are_reported_not_raised(capsys):
    with checks.Visible("9.3", ("x",), {"x": 1}) as v:
        v.value("x")
        raise ZeroDivisionError("boom")
    assert "✗ Question 9.3: ZeroDivisionError: boom" in capsys.readouterr().out


def test_keyboard_interrupt_is_not_swallowed():
    with pytest.raises(KeyboardInterrupt), checks.Visible("9.4", ("x",), {"x": 1}):
        raise KeyboardInterrupt


def test_partly_answered_and_visible_reads_the_callers_globals(capsys):
    globals()["_q_a"], globals()["_q_b"] = 3, None
    try:
        with checks.visible("9.5", "_q_a", "_q_b") as v:
            v.values()
    finally:
        del globals()["_q_a"], globals()["_q_b"]
    assert "not answered yet (partly answered): _q_b is still None" in capsys.readouterr().out


def test_differs_catches_a_wrong_route(capsys):
    with checks.Visible("9.6", ("x",), {"x": 0.1234}) as v:
        v.differs(v.number("x"), 0.12341, "that is the other route", "not the other route")
    assert "✗ Question 9.6: that is the other route" in capsys.readouterr().out


def test_percentage_check_names_a_fraction(capsys):
    with checks.Visible("9.7", ("share",), {"share": 0.024}) as v:
        v.percentage("share", 0.5, 50)
    assert "looks like a fraction" in capsys.readouterr().out


def test_hidden_expectations_say_not_answered_for_none():
    for call in (
        lambda: checks.expect_int(None, 1, "y"),
        lambda: checks.expect_float(None, 1.0, "y"),
        lambda: checks.expect_int_list(None, [1], "y"),
        lambda: checks.expect_str_dict(None, {"a": "b"}, "y"),
    ):
        with pytest.raises(AssertionError, match="y is not answered yet"):
            call()


def test_a_float_check_refuses_nan_and_infinity():
    # NaN compares false with everything: a check written as `diff > tolerance` would let it pass
    for value in (float("nan"), float("inf")):
        with pytest.raises(AssertionError):
            checks.expect_float(value, 1.0, "y")
    checks.expect_float(1.0004, 1.0, "y")  # within the default tolerance of 5e-4


def test_word_count_leaves_out_the_box_heading_and_placeholder():
    box = "> ✎ **Your answer to Question 1.2** (50-120 words). Double-click this box.\\\n"
    assert checks.word_count(box + "YOUR ANSWER HERE") == 0
    assert checks.word_count(box + "Trade passed USD 100bn in 2018, not 2019 (¶9).") == 9


def test_summary_counts_code_and_written_answers(tmp_path, monkeypatch, capsys):
    box = "> ✎ **Your answer to Question 1.2** (3-5 words). Double-click this box.\\\n"
    cells = [
        {
            "cell_type": "markdown",
            "metadata": {"nbgrader": {"solution": True, "grade_id": g}},
            "source": box + text,
        }
        for g, text in [
            ("ps1-q1-2-written", "four words are here"),
            ("ps1-q1-8-written", "YOUR ANSWER HERE"),
            ("ps1-q1-9-written", "far too many words for this small box"),
        ]
    ]
    path = tmp_path / "ps.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    with checks.Visible("1.1", ("x",), {"x": 2018}) as v:
        v.year("x")
    with checks.Visible("1.3", ("y",), {}) as v:
        v.value("y")
    capsys.readouterr()
    checks.summary("problem set 1")
    out = capsys.readouterr().out
    assert "✓ Question 1.2: 4 words (asked: 3-5)" in out
    assert "… Question 1.8: not answered yet" in out
    assert "✗ Question 1.9: 8 words (asked: 3-5): outside the word limit" in out
    assert "2 answered and passing their checks, 1 failing, 2 not answered yet." in out
    assert checks.summary_states() == {
        "1.1": "ok",
        "1.3": "not answered",
        "1.2": "ok",
        "1.8": "not answered",
        "1.9": "failing",
    }


def test_summary_without_a_notebook_path(monkeypatch, capsys):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    checks.summary()
    out = capsys.readouterr().out
    assert "no visible test has run yet" in out and "open this notebook in JupyterLab" in out


# --- answer forms (checks.FORMS), shared by visible and hidden tests ------------------------


def test_read_answer_accepts_harmless_forms():
    import numpy as np
    import pandas as pd

    assert checks.read_answer("first_50", np.int64(2008)) == 2008
    assert checks.read_answer("first_50", 2008.0) == 2008
    assert checks.read_answer("years_50_to_100", np.float64(10.0)) == 10
    for years in ((2006, 2016), np.array([2006, 2016]), pd.Index([2006, 2016])):
        assert checks.read_answer("mirror_years", years) == [2006, 2016]
    assert checks.read_answer("growth_2021", np.float32(0.363)) == 0.363
    assert checks.read_answer("kind_a", "  FACT ") == "fact"
    assert checks.read_answer("kind_a", np.str_("fact")) == "fact"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("growth_2021", 0.36, "rounded to fewer than 3 decimal places"),
        ("growth_2021", 36.3, "looks like a percentage"),
        ("russia_share_2021", 0.024, "looks like a fraction"),
        ("real_2014_in_2024", 126, "rounded to fewer than 1 decimal place"),
        ("growth_2021", "0.363", "remove the quotes"),
        ("growth_2021", True, "not True or False"),
        ("first_50", 2008.5, "a whole number"),
        ("first_50", 1900, "a year covered by the data"),
        ("mirror_years", [2016, 2006], "sort"),
        ("kind_b", "prediction", "one of: fact, forecast, advice"),
    ],
)
def test_read_answer_says_what_to_change(name, value, words):
    with pytest.raises(AssertionError, match=words):
        checks.read_answer(name, value)


def test_read_answer_explains_pandas_objects():
    import pandas as pd

    with pytest.raises(AssertionError, match="pandas Series: give the years as a list"):
        checks.read_answer("mirror_years", pd.Series([2006, 2016]))
    with pytest.raises(AssertionError, match=r"pick the one value you want"):
        checks.read_answer("growth_2021", pd.Series([0.363], index=[2021]))


def test_read_answer_is_not_fooled_by_a_class_that_claims_to_be_numpy():
    fake = type("int64", (), {"__module__": "numpy", "__int__": lambda self: 2008})
    with pytest.raises(AssertionError, match="should be a number"):
        checks.read_answer("first_50", fake())


def test_expect_uses_the_form_tolerance_and_precision():
    right = 0.3630939
    for given in (right, 0.363, 0.3631, 0.364):  # within one unit of the 3rd decimal
        checks.expect("growth_2021", given, right)
    for given in (0.365, 0.362, 0.36, 36.31):
        with pytest.raises(AssertionError):
            checks.expect("growth_2021", given, right)
    checks.expect("real_2014_in_2024", 126.3, 126.2516)
    with pytest.raises(AssertionError, match="does not match"):
        checks.expect("real_2014_in_2024", 126.4, 126.2516)
    checks.expect("kind_a", "Fact", "fact")
    with pytest.raises(AssertionError, match="does not match"):
        checks.expect("first_50", 2009, 2008)


def test_every_number_form_asks_for_a_precision():
    for name, form in checks.FORMS.items():
        if form.kind in ("fraction", "percentage", "usd_bn", "ratio"):
            assert form.decimals >= 1 and "decimal place" in form.describe(), name
            assert form.tolerance > 0
        else:
            assert form.tolerance == 0, name
    with pytest.raises(KeyError, match="add it to checks.FORMS"):
        checks.form("no_such_answer")


def test_slip_uses_the_form_tolerance(capsys):
    with checks.Visible("9.8", ("growth_2021",), {"growth_2021": 0.3625}) as v:
        v.slip("growth_2021", v.answer("growth_2021"), 0.3631, "that is the other route", "")
    assert "✗ Question 9.8: that is the other route" in capsys.readouterr().out


def test_summary_says_when_the_saved_file_is_older_than_the_run(tmp_path, monkeypatch, capsys):
    import os
    import time

    path = tmp_path / "ps.ipynb"
    path.write_text(json.dumps({"cells": []}), encoding="utf-8")
    os.utime(path, (time.time() - 600, time.time() - 600))  # saved ten minutes ago
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    checks._RUNS.clear()
    with checks.Visible("1.1", ("x",), {"x": 2018}) as v:
        v.year("x")
    assert checks.saved_after_run() is False
    checks.summary("problem set 1")
    assert "NOT SAVED SINCE THIS RUN" in capsys.readouterr().out
    saved = max(checks._RUNS) + 1
    os.utime(path, (saved, saved))  # saved a second after the run
    assert checks.saved_after_run() is True
    checks.summary("problem set 1")
    out = capsys.readouterr().out
    assert "ready to hand in" in out and "NOT SAVED" not in out
    before = max(checks._RUNS) - 1
    os.utime(path, (before, before))  # saved a second before the run
    assert checks.saved_after_run() is False
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert checks.saved_after_run() is None
    checks.summary("problem set 1")
    assert "save (Ctrl+S)" in capsys.readouterr().out
