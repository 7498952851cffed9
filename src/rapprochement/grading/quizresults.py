"""Read the quiz answers students' saved notebooks keep, and summarise them per question.

When a course keeps quiz answers (:data:`rapprochement.quiz.KEEP_ANSWERS_ENV`), each quiz cell
has an output of mime type :data:`rapprochement.quiz.ANSWERS_MIME` holding
``{"quiz": id, "version": 1, "attempts": [{"question": n, "answer": text}, ...]}``.

:func:`read_folder` reads a folder with one sub-folder per student (on a single-server hub,
``/home``: ``/home/<student>/<course folder>/notebooks/*.ipynb``), every ``.ipynb`` under each
sub-folder. Everything in those folders was written by students and is treated as untrusted plain
JSON: it is parsed, never executed or rendered; symbolic links are not followed; sizes, counts
and depth are capped; a file or a quiz output that cannot be used gives a reason in
``problems``, not an error, and the rest is still read.

A many-choice question is right at the first try when the first answer clicked is one of its
right answers; a number is right as jupyterquiz judges it (rounded to the question's precision,
a range includes its low end).

Whether an answer is right is decided here from the quiz files in the package, not from anything
the notebook says. A student who has the same quiz in several notebooks (a copy) counts once per
question: the attempts come from the first of those notebooks, by path, that answered it.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapprochement import quiz

__all__ = ["QuestionSummary", "QuizResults", "read_folder", "read_notebook", "summarise"]

MAX_NOTEBOOK_BYTES = 20_000_000
MAX_NOTEBOOKS_PER_STUDENT = 200
MAX_DEPTH = 6
MAX_ATTEMPTS = quiz.MAX_ATTEMPTS
MAX_ANSWER_CHARS = quiz.MAX_ANSWER_CHARS
TOP_WRONG = 3
NOT_LISTED = "(not one of the listed answers)"
NOT_A_NUMBER = "(not a number)"


class QuizDataError(ValueError):
    """A notebook's kept quiz answers cannot be used; the message says why."""


Attempts = dict[int, list[str]]  # question number (from 1) -> answers in the order given


@dataclass
class QuizResults:
    """Per student and quiz, each question's attempts; and the files that could not be used."""

    kept: dict[str, dict[str, Attempts]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path in folder, reason)
    students: list[str] = field(default_factory=list)  # every sub-folder, with answers or not


def _read_bytes(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        raise QuizDataError(f"cannot open: {err.strerror or err}") from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise QuizDataError("not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise QuizDataError(f"larger than {MAX_NOTEBOOK_BYTES} bytes")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise QuizDataError(f"larger than {MAX_NOTEBOOK_BYTES} bytes")
    return data


def _payload(value: Any) -> tuple[str, Attempts]:
    if not isinstance(value, dict):
        raise QuizDataError("kept answers are not a JSON object")
    quiz_id = value.get("quiz")
    if not isinstance(quiz_id, str) or quiz_id not in quiz.available():
        raise QuizDataError("kept answers name no known quiz")
    if value.get("version") != 1:
        raise QuizDataError("kept answers have an unknown version")
    attempts = value.get("attempts")
    if not isinstance(attempts, list) or len(attempts) > MAX_ATTEMPTS:
        raise QuizDataError(f"kept answers need a list of at most {MAX_ATTEMPTS} attempts")
    n_questions = len(quiz.load(quiz_id))
    out: Attempts = {}
    for item in attempts:
        if not isinstance(item, dict):
            raise QuizDataError("an attempt is not a JSON object")
        q, a = item.get("question"), item.get("answer")
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= n_questions:
            raise QuizDataError(f"an attempt names no question of quiz {quiz_id}")
        if not isinstance(a, str) or len(a) > MAX_ANSWER_CHARS:
            raise QuizDataError(f"an attempt's answer is not text of at most {MAX_ANSWER_CHARS}")
        out.setdefault(q, []).append(a)
    return quiz_id, out


def read_notebook(path: Path) -> tuple[dict[str, Attempts], list[str]]:
    """The kept answers in one saved notebook, per quiz, and why any quiz output was not used;
    :class:`QuizDataError` if the file cannot be used at all."""
    data = _read_bytes(path)
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise QuizDataError("not UTF-8 text") from err
    except json.JSONDecodeError as err:
        raise QuizDataError(f"not valid JSON (line {err.lineno})") from err
    except RecursionError as err:
        raise QuizDataError("JSON nested too deeply") from err
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise QuizDataError("not a notebook (no list of cells)")
    found: dict[str, Attempts] = {}
    reasons: list[str] = []
    for cell in cells:
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for output in outputs if isinstance(outputs, list) else []:
            bundle = output.get("data") if isinstance(output, dict) else None
            if isinstance(bundle, dict) and quiz.ANSWERS_MIME in bundle:
                try:
                    quiz_id, attempts = _payload(bundle[quiz.ANSWERS_MIME])
                except QuizDataError as err:
                    reasons.append(str(err))
                    continue
                mine = found.setdefault(quiz_id, {})
                for q, answers in attempts.items():
                    mine.setdefault(q, answers)
    return found, reasons


def _notebooks(student_dir: Path) -> list[Path]:
    found: list[Path] = []
    for here, dirs, files in os.walk(student_dir, followlinks=False):
        depth = len(Path(here).relative_to(student_dir).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and depth < MAX_DEPTH)
        found += [Path(here, f) for f in sorted(files) if f.endswith(".ipynb")]
    return sorted(found)


def read_folder(folder: Path) -> QuizResults:
    """Kept quiz answers of every student (sub-folder) of ``folder``."""
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder of students' copies at {folder}")
    results = QuizResults()
    for student_dir in sorted(folder.iterdir()):
        if student_dir.name.startswith(".") or student_dir.is_symlink():
            continue
        if not student_dir.is_dir():
            continue
        student = student_dir.name
        results.students.append(student)
        notebooks = _notebooks(student_dir)
        if len(notebooks) > MAX_NOTEBOOKS_PER_STUDENT:
            results.problems.append(
                (student, f"more than {MAX_NOTEBOOKS_PER_STUDENT} notebooks; the first ones read")
            )
            notebooks = notebooks[:MAX_NOTEBOOKS_PER_STUDENT]
        for path in notebooks:
            rel = path.relative_to(folder).as_posix()
            try:
                per_quiz, reasons = read_notebook(path)
            except QuizDataError as err:
                results.problems.append((rel, str(err)))
                continue
            results.problems += [(rel, reason) for reason in reasons]
            for quiz_id, attempts in per_quiz.items():
                mine = results.kept.setdefault(student, {}).setdefault(quiz_id, {})
                for q, answers in attempts.items():
                    mine.setdefault(q, answers)
    return results


@dataclass
class QuestionSummary:
    quiz: str
    number: int
    question: str
    answered: int  # students with at least one attempt
    right_first: int  # ... whose first attempt was right
    right_in_end: int  # ... with a right attempt at some point
    wrong: list[tuple[str, int]]  # most common wrong answers (each student counted once)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _number(answer: str) -> float | None:
    """The number jupyterquiz compared: the rounded one in brackets if it rounded."""
    m = re.fullmatch(r"\s*(.*?)\s*\(([^()]*)\)\s*", answer)
    text = m.group(2) if m else answer
    if "/" in text:
        top, _, bottom = text.partition("/")
        try:
            return float(top) / float(bottom)
        except (ValueError, ZeroDivisionError):
            return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def judge(question: dict[str, Any], answer: str) -> tuple[bool, str]:
    """(right?, the answer as shown in the report) for one attempt, from the quiz file."""
    if question["type"] == "numeric":
        x = _number(answer)
        if x is None:
            return False, NOT_A_NUMBER
        shown = f"{x:g}"
        precision = question.get("precision")
        for entry in question["answers"]:
            if entry["type"] == "value":
                value = float(entry["value"])
                if precision:
                    value = float(f"{value:.{precision}g}")
                if x == value:
                    return bool(entry["correct"]), shown
            elif entry["type"] == "range":
                low, high = entry["range"]
                if low <= x < high:
                    return bool(entry["correct"]), shown
        return False, shown
    for entry in question["answers"]:
        if _norm(entry["answer"]) == _norm(answer):
            return bool(entry["correct"]), entry["answer"]
    return False, NOT_LISTED


def summarise(results: QuizResults) -> list[QuestionSummary]:
    """Per question of every quiz anyone answered, in quiz and question order."""
    quiz_ids = sorted({q for per in results.kept.values() for q in per})
    summaries = []
    for quiz_id in quiz_ids:
        for number, question in enumerate(quiz.load(quiz_id), start=1):
            answered = right_first = right_in_end = 0
            wrong: Counter[str] = Counter()
            for per_quiz in results.kept.values():
                attempts = per_quiz.get(quiz_id, {}).get(number, [])
                if not attempts:
                    continue
                judged = [judge(question, a) for a in attempts]
                answered += 1
                right_first += judged[0][0]
                right_in_end += any(ok for ok, _ in judged)
                wrong.update({shown for ok, shown in judged if not ok})
            summaries.append(
                QuestionSummary(
                    quiz_id,
                    number,
                    question["question"],
                    answered,
                    right_first,
                    right_in_end,
                    wrong.most_common(TOP_WRONG),
                )
            )
    return summaries
