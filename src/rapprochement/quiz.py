"""Self-check quizzes with instant feedback, rendered by the jupyterquiz library.

Each quiz is a JSON file in ``quizzes/`` named after its notebook (``01-context.json`` ...),
holding a list of questions in jupyterquiz's format:

* ``multiple_choice``: ``question`` and ``answers``, each answer with ``answer`` (text),
  ``correct`` (bool) and ``feedback``; exactly one answer is correct.
* ``many_choice``: the same, with at least one correct answer.
* ``numeric``: ``question``, optional ``precision``, and ``answers`` entries of type ``value``
  (exact ``value``), ``range`` (``[low, high)``, the tolerance) or ``default`` (feedback for
  anything else); every entry has ``feedback``, at least one is correct, one is the default.
  A numeric question also carries ``source`` ({"table", "where", "column"}), naming the data
  row its correct value comes from; the test suite checks the value against ``data/``.

:func:`load` validates a quiz and :func:`show` displays it. Nothing is graded or sent anywhere:
feedback appears in the browser when an answer is clicked (or a number entered).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

__all__ = ["QUIZ_DIR", "QuizFormatError", "available", "load", "show"]

QUIZ_DIR = Path(__file__).with_name("quizzes")
_CHOICE_TYPES = ("multiple_choice", "many_choice")
_NUMERIC_KINDS = ("value", "range", "default")


class QuizFormatError(ValueError):
    """A quiz file does not follow the expected format; the message names file and question."""


def available() -> list[str]:
    """The ids of all quizzes in ``quizzes/`` (file names without ``.json``)."""
    return sorted(p.stem for p in QUIZ_DIR.glob("*.json"))


def _fail(quiz_id: str, number: int | None, message: str) -> QuizFormatError:
    where = f"quiz {quiz_id!r}" + (f", question {number}" if number is not None else "")
    return QuizFormatError(f"{where}: {message}")


def _nonempty_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_choice(quiz_id: str, n: int, q: dict[str, Any]) -> None:
    answers = q.get("answers")
    if not isinstance(answers, list) or len(answers) < 2:
        raise _fail(quiz_id, n, "needs a list of at least two answers")
    for i, a in enumerate(answers, start=1):
        if not isinstance(a, dict):
            raise _fail(quiz_id, n, f"answer {i} is not an object")
        if not _nonempty_text(a.get("answer")):
            raise _fail(quiz_id, n, f"answer {i} has no 'answer' text")
        if not isinstance(a.get("correct"), bool):
            raise _fail(quiz_id, n, f"answer {i} needs 'correct': true or false")
        if not _nonempty_text(a.get("feedback")):
            raise _fail(quiz_id, n, f"answer {i} ({a['answer']!r}) has no 'feedback'")
    n_correct = sum(a["correct"] for a in answers)
    if q["type"] == "multiple_choice" and n_correct != 1:
        raise _fail(
            quiz_id, n, f"multiple_choice needs exactly one correct answer, has {n_correct}"
        )
    if q["type"] == "many_choice" and n_correct < 1:
        raise _fail(quiz_id, n, "many_choice needs at least one correct answer, has none")


def _check_numeric(quiz_id: str, n: int, q: dict[str, Any]) -> None:
    answers = q.get("answers")
    if not isinstance(answers, list) or not answers:
        raise _fail(quiz_id, n, "needs a list of answers")
    for i, a in enumerate(answers, start=1):
        if not isinstance(a, dict):
            raise _fail(quiz_id, n, f"answer {i} is not an object")
        kind = a.get("type")
        if kind not in _NUMERIC_KINDS:
            raise _fail(quiz_id, n, f"answer {i} needs 'type' in {_NUMERIC_KINDS}, got {kind!r}")
        if not _nonempty_text(a.get("feedback")):
            raise _fail(quiz_id, n, f"answer {i} ({kind}) has no 'feedback'")
        if kind == "value" and not isinstance(a.get("value"), int | float):
            raise _fail(quiz_id, n, f"answer {i} needs a numeric 'value'")
        if kind == "range":
            rng = a.get("range")
            if (
                not isinstance(rng, list)
                or len(rng) != 2
                or not all(isinstance(x, int | float) for x in rng)
                or rng[0] >= rng[1]
            ):
                raise _fail(quiz_id, n, f"answer {i} needs 'range': [low, high] with low < high")
        if kind != "default" and not isinstance(a.get("correct"), bool):
            raise _fail(quiz_id, n, f"answer {i} needs 'correct': true or false")
    if not any(a.get("correct") is True for a in answers):
        raise _fail(quiz_id, n, "numeric question needs at least one correct value or range")
    if sum(a["type"] == "default" for a in answers) != 1:
        raise _fail(quiz_id, n, "numeric question needs exactly one 'default' answer (feedback)")
    source = q.get("source")
    if not (
        isinstance(source, dict)
        and _nonempty_text(source.get("table"))
        and isinstance(source.get("where"), dict)
        and _nonempty_text(source.get("column"))
    ):
        raise _fail(
            quiz_id,
            n,
            "numeric question needs 'source': {'table': ..., 'where': {...}, 'column': ...} "
            "naming the data row its answer comes from",
        )


def validate(quiz_id: str, questions: Any) -> list[dict[str, Any]]:
    """Check a list of questions; return it unchanged or raise :class:`QuizFormatError`."""
    if not isinstance(questions, list) or not questions:
        raise _fail(quiz_id, None, "expected a non-empty JSON list of questions")
    for n, q in enumerate(questions, start=1):
        if not isinstance(q, dict):
            raise _fail(quiz_id, n, "is not a JSON object")
        if not _nonempty_text(q.get("question")):
            raise _fail(quiz_id, n, "has no 'question' text")
        kind = q.get("type")
        if kind in _CHOICE_TYPES:
            _check_choice(quiz_id, n, q)
        elif kind == "numeric":
            _check_numeric(quiz_id, n, q)
        else:
            known = (*_CHOICE_TYPES, "numeric")
            raise _fail(quiz_id, n, f"unknown type {kind!r} (use one of {known})")
    return questions


def load(quiz_id: str, quiz_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """The validated questions of quiz ``quiz_id`` (``quizzes/<quiz_id>.json``)."""
    folder = Path(quiz_dir) if quiz_dir is not None else QUIZ_DIR
    path = folder / f"{quiz_id}.json"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.json"))
        raise FileNotFoundError(
            f"no quiz {quiz_id!r} in {folder} (available: {', '.join(known) or 'none'})"
        )
    try:
        questions = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise _fail(quiz_id, None, f"not valid JSON: {err}") from err
    return validate(quiz_id, questions)


def show(quiz_id: str) -> None:
    """Display quiz ``quiz_id`` with instant feedback (run the cell to see it).

    The output is deterministic: jupyterquiz names its container with Python's ``random``
    module, which is seeded here from the quiz id and then restored, so re-running a notebook
    gives identical outputs (answer order is shuffled in the browser, not in the output).
    """
    from jupyterquiz import display_quiz

    questions = load(quiz_id)
    state = random.getstate()
    try:
        random.seed(f"rapprochement-quiz:{quiz_id}")
        display_quiz(questions, shuffle_answers=True, max_width=800)
    finally:
        random.setstate(state)
