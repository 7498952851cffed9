"""The setting that keeps quiz answers: off by default, a clear error for a wrong value, and the
kernel's bounds on what a page sends."""

from __future__ import annotations

import json

import pytest

from rapprochement import quiz


def test_off_by_default_and_on_only_with_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(quiz.KEEP_ANSWERS_ENV, raising=False)
    assert quiz.keeping_answers() is False
    monkeypatch.setenv(quiz.KEEP_ANSWERS_ENV, "0")
    assert quiz.keeping_answers() is False
    monkeypatch.setenv(quiz.KEEP_ANSWERS_ENV, "1")
    assert quiz.keeping_answers() is True
    monkeypatch.setenv(quiz.KEEP_ANSWERS_ENV, "yes please")
    with pytest.raises(ValueError, match=quiz.KEEP_ANSWERS_ENV):
        quiz.keeping_answers()


def test_off_renders_the_quiz_without_the_keeping_script() -> None:
    html_off, script_off = quiz.render("00-start-here")
    html_on, script_on = quiz.render("00-start-here", keep=True)
    assert html_off == html_on
    assert "rapprochementKeep" not in script_off and "rapprochementKeep" in script_on


def test_kernel_keeps_only_bounded_plain_attempts() -> None:
    sent = [
        {"question": 1, "answer": "a" * 1000},
        {"question": True, "answer": "x"},
        {"question": 2, "answer": 5},
        "junk",
        {"question": 3, "answer": "ok", "extra": "<script>"},
    ] + [{"question": 1, "answer": "n"}] * 600
    kept = quiz.clean_attempts(json.dumps(sent))
    assert kept[0] == {"question": 1, "answer": "a" * quiz.MAX_ANSWER_CHARS}
    assert kept[1] == {"question": 3, "answer": "ok"}
    assert len(kept) == quiz.MAX_ATTEMPTS - 3
    assert quiz.clean_attempts("{not json") == []
    bundle = quiz.answers_bundle("00-start-here", kept[:2])
    assert bundle[quiz.ANSWERS_MIME]["attempts"] == kept[:2]
    assert "kept for your instructor" in bundle["text/html"]
