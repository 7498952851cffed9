"""Self-check quizzes: validation of the JSON format, data sources, deterministic display."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from IPython.utils.capture import capture_output

from rapprochement import data, quiz
from rapprochement.quiz import QuizFormatError

# display() only publishes rich outputs inside an IPython shell
pytestmark = pytest.mark.usefixtures("ipython_shell")


def _choice(correct=(True, False), kind="multiple_choice", feedback=True):
    answers = []
    for i, c in enumerate(correct):
        a = {"answer": f"option {i}", "correct": c}
        if feedback:
            a["feedback"] = f"because {i}"
        answers.append(a)
    return {"question": "Which?", "type": kind, "answers": answers}


def _numeric(**changes):
    q = {
        "question": "Which year?",
        "type": "numeric",
        "source": {"table": "events", "where": {"date": "2001-07-16"}, "column": "year"},
        "answers": [
            {"type": "value", "value": 2001, "correct": True, "feedback": "yes"},
            {"type": "default", "feedback": "no"},
        ],
    }
    q.update(changes)
    return q


def _write(tmp_path: Path, questions) -> Path:
    (tmp_path / "t.json").write_text(json.dumps(questions), encoding="utf-8")
    return tmp_path


def test_all_quizzes_load():
    ids = quiz.available()
    assert {"00-start-here", "01-context", "02-narratives"} <= set(ids)
    for quiz_id in ids:
        questions = quiz.load(quiz_id)
        assert 3 <= len(questions) <= 6, quiz_id


def test_valid_minimal_quiz(tmp_path):
    qs = [_choice(), _choice((True, True, False), "many_choice"), _numeric()]
    assert quiz.load("t", _write(tmp_path, qs)) == qs


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([], "non-empty JSON list"),
        ({"question": "x"}, "non-empty JSON list"),
        ([_choice(feedback=False)], r"question 1: answer 1 \('option 0'\) has no 'feedback'"),
        ([_choice((True, True))], "exactly one correct answer, has 2"),
        ([_choice((False, False))], "exactly one correct answer, has 0"),
        ([_choice((False, False), "many_choice")], "at least one correct"),
        ([_choice(), {**_choice(), "type": "essay"}], "question 2: unknown type 'essay'"),
        ([{**_choice(), "question": " "}], "no 'question' text"),
        ([{**_choice(), "answers": [{"answer": "a", "correct": True, "feedback": "f"}]}], "two"),
        ([_numeric(source=None)], "needs 'source'"),
        (
            [_numeric(answers=[{"type": "value", "value": 1, "correct": True, "feedback": "f"}])],
            "exactly one 'default'",
        ),
        ([_numeric(answers=[{"type": "default", "feedback": "f"}])], "at least one correct"),
        (
            [
                _numeric(
                    answers=[
                        {"type": "range", "range": [3, 1], "correct": True, "feedback": "f"},
                        {"type": "default", "feedback": "f"},
                    ]
                )
            ],
            "low < high",
        ),
        (
            [
                _numeric(
                    answers=[
                        {"type": "value", "value": 1, "correct": True},
                        {"type": "default", "feedback": "f"},
                    ]
                )
            ],
            "has no 'feedback'",
        ),
    ],
)
def test_invalid_quizzes_raise_clear_errors(tmp_path, questions, message):
    with pytest.raises(QuizFormatError, match=message):
        quiz.load("t", _write(tmp_path, questions))


def test_missing_quiz_lists_available():
    with pytest.raises(FileNotFoundError, match="available: .*00-start-here"):
        quiz.load("99-nope")


def test_bad_json_is_reported(tmp_path):
    (tmp_path / "t.json").write_text("[{", encoding="utf-8")
    with pytest.raises(QuizFormatError, match="not valid JSON"):
        quiz.load("t", tmp_path)


def _source_value(source):
    frame = getattr(data, f"load_{source['table']}")()
    mask = True
    for col, val in source["where"].items():
        mask = mask & (frame[col].astype(str) == str(val))
    rows = frame[mask]
    assert len(rows) == 1, f"{source} matches {len(rows)} rows"
    return rows.iloc[0][source["column"]]


def _accepts(answer, value: float) -> bool:
    if answer["type"] == "value":
        return answer["value"] == value
    low, high = answer["range"]
    return low <= value < high


def test_numeric_answers_come_from_the_cited_data_row():
    checked = 0
    for quiz_id in quiz.available():
        for n, q in enumerate(quiz.load(quiz_id), start=1):
            if q["type"] != "numeric":
                continue
            raw = _source_value(q["source"])
            correct = [a for a in q["answers"] if a.get("correct")]
            if isinstance(raw, str):  # a number quoted in a note: some correct answer must be in it
                numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", raw)]
                ok = any(_accepts(a, x) for a in correct for x in numbers)
            else:
                ok = any(_accepts(a, float(raw)) for a in correct)
            assert ok, f"{quiz_id} question {n}: no correct answer matches data value {raw!r}"
            wrong = [a for a in q["answers"] if a["type"] != "default" and not a["correct"]]
            if not isinstance(raw, str):
                assert not any(_accepts(a, float(raw)) for a in wrong), f"{quiz_id} q{n}"
            checked += 1
    assert checked >= 3


def test_show_is_deterministic_and_leaves_random_state_alone():
    import random

    random.seed(1)
    expected_next = random.random()
    random.seed(1)
    with capture_output() as first:
        quiz.show("01-context")
    assert random.random() == expected_next
    with capture_output() as second:
        quiz.show("01-context")

    def saved(outputs):  # what a notebook keeps (widget model ids are random, as in nbval)
        widget = "application/vnd.jupyter.widget-view+json"
        return [{k: v for k, v in o.data.items() if k != widget} for o in outputs]

    assert saved(first.outputs) == saved(second.outputs)
    html = first.outputs[0].data["text/html"]
    assert re.match(r'<div id="[A-Za-z]{12}"', html)
    # the questions travel as inert JSON (nbval compares them), jupyterquiz's code does not
    assert quiz.quiz_id_in(html) == "01-context" and "new era" in html
    assert "show_questions" not in html and len(html) < 20_000
    assert "application/vnd.jupyter.widget-view+json" in first.outputs[1].data
    assert "01-context" in first.outputs[1].data["text/plain"]


def test_the_runner_widget_carries_the_whole_script():
    script = quiz._runner()(script=quiz.render("01-context")[1], quiz_id="01-context").script
    assert "new era" in script and "show_questions" in script and "var MathJax" in script


def test_library_and_call_for_pages_with_the_code_once():
    lib = quiz.library_js()
    assert "window.rapprochementQuiz" in lib and "show_questions" in lib
    call = quiz.call_html("01-context")
    assert 'data-quiz="01-context"' in call
    assert quiz.render("01-context")[0].split('"')[1] in call  # the container's id
    assert "show_questions" not in call


def test_precision_zero_is_refused(tmp_path):
    # jupyterquiz calls toPrecision(0), a RangeError: the question then gave no feedback
    question = {
        "type": "numeric",
        "question": "Year?",
        "precision": 0,
        "answers": [
            {"type": "value", "value": 2018, "correct": True, "feedback": "Right."},
            {"type": "default", "feedback": "No."},
        ],
        "source": {"table": "trade", "where": {"year": 2018}, "column": "year"},
    }
    (tmp_path / "p.json").write_text(json.dumps([question]))
    with pytest.raises(quiz.QuizFormatError, match="precision"):
        quiz.load("p", tmp_path)


def test_quiz_text_never_triggers_mathjax():
    # "$100bn ... $200bn" was typeset as a formula (a raw "\(" offline): write "USD 100bn"
    for quiz_id in quiz.available():
        text = json.dumps(quiz.load(quiz_id), ensure_ascii=False)
        assert "$" not in text, f"{quiz_id}: a dollar sign"


def test_quiz_script_leaves_mathjax_alone():
    html, js = quiz.render("06-trade-and-targets")
    # jupyterquiz's code runs where MathJax is undefined: no CDN load, no typeset() error
    assert js.startswith("(function () {\nvar MathJax = undefined;")
    assert js.rstrip().endswith("})();")
    # the styles come with the script (the stored container stays small); the rules that make
    # feedback readable and the focus visible are among them
    assert "<style" not in html and len(html) < 400
    assert "--jq-numeric-input-bg: #FFFFFF" in js
    assert ".Feedback.correct" in js and ":focus-within" in js


def _feedback_for(question, typed: float) -> dict:
    """The answer entry jupyterquiz's check_numeric picks for a typed number: the first value or
    range (in file order) that matches, else the default."""
    for a in question["answers"]:
        if a["type"] == "value" and a["value"] == typed:
            return a
        if a["type"] == "range" and a["range"][0] <= typed < a["range"][1]:
            return a
    return next(a for a in question["answers"] if a["type"] == "default")


def test_a_percentage_typed_as_a_fraction_gets_its_own_hint():
    # 0.157 for 15.7% used to be told "the other way round", which is wrong and no help
    checked = 0
    for quiz_id in quiz.available():
        for q in quiz.load(quiz_id):
            if q["type"] != "numeric" or "percentage" not in q["question"].lower():
                continue
            raw = _source_value(q["source"])
            numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(raw))]
            right = [x for x in numbers if _feedback_for(q, x).get("correct")]
            assert right, (quiz_id, raw)
            for typed in (right[0] / 100, round(right[0] / 100, 2)):
                hint = _feedback_for(q, typed)
                assert hint["type"] != "default" and hint["correct"] is False, (quiz_id, typed)
                text = hint["feedback"].lower()
                assert "fraction" in text and "percentage" in text, hint
                # it says what to check, not the answer
                assert f"{right[0]:g}" not in text and "other way round" not in text, hint
            checked += 1
    assert checked >= 1


def test_03_other_way_round_holds_the_computed_shares():
    # the hint "that is about the size of Russia's share in China's trade" must be true for
    # every year the notebook computes it (GACC bilateral trade over China's total trade)
    from rapprochement import analysis

    totals = data.load_totals_context()
    china = totals[totals["economy"].str.startswith("China")].set_index("year")
    bilateral = data.trade_series(data.load_trade(), "china_customs", "total")
    shares = analysis.share(bilateral, china["total_goods_trade_usd_bn"].dropna())
    (q,) = [q for q in quiz.load("03-trust-and-pragmatism") if q["type"] == "numeric"]
    other_way = [a for a in q["answers"] if "other way round" in a["feedback"]]
    assert len(other_way) == 1 and len(shares) > 10
    for year, value in shares.items():
        assert _feedback_for(q, float(value)) is other_way[0], (year, value)
