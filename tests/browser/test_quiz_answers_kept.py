"""Quiz answers kept in the saved notebook when the course turns it on, and only then.

A student's copy of a notebook with quiz 00 sits in a throw-away home folder
(``<home>/alice/course/notebooks``); JupyterLab is started there, with
``RAPPROCHEMENT_KEEP_QUIZ_ANSWERS=1`` or without it. The test answers in the page as a student
does (clicks), saves, and reads the folder with ``rapprochement.grading.quizresults``: with the
setting on it finds exactly the answers given, in order; without it, nothing is kept.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapprochement import quiz
from rapprochement.grading import quizresults
from rapprochement_support import lab

pytestmark = pytest.mark.browser

QUIZ = "00-start-here"
NUMERIC = "01-context"  # its first question asks for a number
NOTEBOOK = "alice/course/notebooks/quiz.ipynb"


def _home(tmp: Path) -> Path:
    home = tmp / "home"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "quiz",
                "metadata": {},
                "outputs": [],
                "source": f"from rapprochement import quiz\nquiz.show({QUIZ!r})",
            },
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "numeric",
                "metadata": {},
                "outputs": [],
                "source": f"quiz.show({NUMERIC!r})",
            },
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (home / NOTEBOOK).parent.mkdir(parents=True)
    (home / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
    return home


@pytest.fixture
def lab_at(chromium: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``with lab_at(keep) as (page, home)``: a server with the setting as asked."""

    @contextlib.contextmanager
    def start(keep: bool) -> Iterator[tuple[Any, Path]]:
        if keep:
            monkeypatch.setenv(quiz.KEEP_ANSWERS_ENV, "1")
        else:
            monkeypatch.delenv(quiz.KEEP_ANSWERS_ENV, raising=False)
        home = _home(tmp_path)
        with lab.jupyter_lab(home) as url:
            context = chromium.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            try:
                lab.open_notebook(page, url, NOTEBOOK)
                lab.run_all(page)
                for quiz_id in (QUIZ, NUMERIC):
                    page.wait_for_selector(f"#{quiz._div_id(quiz_id)} .Quiz", timeout=30_000)
                yield page, home
            finally:
                lab.shut_down_kernels(page)
                context.close()

    yield start


def _click(page: Any, index: int, answer: str) -> None:
    wrap = page.locator(f"#{quiz._div_id(QUIZ)} .Quiz").nth(index)
    wrap.locator(".MCButton", has_text=answer).first.click()


def _type(page: Any, number: str) -> None:
    box = page.locator(f"#{quiz._div_id(NUMERIC)} .Quiz").nth(0).locator("input.Input-text")
    box.click()
    box.fill(number)
    box.press("Enter")
    page.wait_for_timeout(300)


def _answer(page: Any) -> list[tuple[int, str]]:
    """Answer as a student: question 1 wrong then right, question 4 one right choice; and in
    the numeric quiz a wrong number, then the right one (:func:`_type`)."""
    questions = quiz.load(QUIZ)
    q1 = questions[0]["answers"]
    wrong = next(a["answer"] for a in q1 if not a["correct"])
    right = next(a["answer"] for a in q1 if a["correct"])
    q4 = next(a["answer"] for a in questions[3]["answers"] if a["correct"])
    given = [(1, wrong), (1, right), (4, q4)]
    for number, text in given:
        _click(page, number - 1, text)
        page.wait_for_timeout(300)
    return given


def _save(page: Any, path: Path) -> dict[str, Any]:
    before = path.stat().st_mtime_ns
    # the notebook's own Save button, as a student saves
    page.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').first.click()
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.2)
    time.sleep(0.5)
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_answers_are_kept_in_the_saved_notebook_when_the_course_turns_it_on(lab_at: Any) -> None:
    with lab_at(True) as (page, home):
        notice = page.locator(".rapprochement-quiz-kept")
        assert notice.count() == 2  # one under each quiz
        for i in range(2):
            assert notice.nth(i).is_visible()
            assert "kept for your instructor" in notice.nth(i).inner_text()
        given = _answer(page)
        _type(page, "2015")
        _type(page, "2019")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.rapprochement-quiz-kept')].map("
            "e => (e.textContent.match(/so far: (\\d+)/) || [])[1]).join() === '3,2'",
            timeout=15_000,
        )
        _save(page, home / NOTEBOOK)
    results = quizresults.read_folder(home)
    assert results.problems == []
    expected: dict[int, list[str]] = {}
    for number, text in given:
        expected.setdefault(number, []).append(text)
    assert results.kept == {"alice": {QUIZ: expected, NUMERIC: {1: ["2015", "2019"]}}}
    (q1,) = [q for q in quizresults.summarise(results) if (q.quiz, q.number) == (NUMERIC, 1)]
    assert (q1.answered, q1.right_first, q1.right_in_end, q1.wrong) == (1, 0, 1, [("2015", 1)])


def test_nothing_is_kept_when_the_setting_is_off(lab_at: Any) -> None:
    with lab_at(False) as (page, home):
        assert page.locator(".rapprochement-quiz-kept").count() == 0
        _answer(page)
        _type(page, "2019")
        saved = _save(page, home / NOTEBOOK)
    assert quiz.ANSWERS_MIME not in json.dumps(saved)
    results = quizresults.read_folder(home)
    assert results.kept == {} and results.problems == []
