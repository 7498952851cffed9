"""Reading kept quiz answers from students' saved notebooks, and the class report's summary.

The class is generated here: each student answers questions of a few quizzes with answers drawn
from the quiz files; the expected counts are computed here from the quiz files' ``correct`` flags
(not through the reader's matching). Broken and hostile notebooks sit among the good ones.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rapprochement import quiz
from rapprochement.grading import classreport, quizresults

QUIZZES = ["00-start-here", "03-trust-and-pragmatism", "06-trade-and-targets"]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _output(quiz_id: str, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    payload = {"quiz": quiz_id, "version": 1, "attempts": attempts}
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/plain": "kept", quiz.ANSWERS_MIME: payload},
    }


def _notebook(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Notebook"},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "source": "quiz.show('x')",
            "outputs": outputs,
        },
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _write(path: Path, nb: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _choose(rng: random.Random, question: dict[str, Any]) -> tuple[str, bool, str]:
    """(answer as jupyterquiz stores it, right?, how the report names it) for one attempt."""
    if question["type"] == "numeric":
        if rng.random() < 0.5:
            entry = next(a for a in question["answers"] if a.get("correct") is True)
            x = entry["value"] if entry["type"] == "value" else entry["range"][0]
            return str(x), True, ""
        wrong = rng.choice([-999, -5, 123456])
        return str(wrong), False, str(wrong)
    entry = rng.choice(question["answers"])
    return entry["answer"], entry["correct"], entry["answer"]


def _make_class(root: Path, n: int = 30) -> dict[tuple[str, int], dict[str, Any]]:
    """Students' folders under ``root``; the expected summary per (quiz, question)."""
    rng = random.Random(25)
    expected: dict[tuple[str, int], dict[str, Any]] = {}
    for s in range(n):
        student = f"stud{s:03d}x"
        outputs = []
        for quiz_id in QUIZZES:
            if rng.random() < 0.2:
                continue  # this quiz not done
            attempts = []
            for number, question in enumerate(quiz.load(quiz_id), start=1):
                if rng.random() < 0.25:
                    continue  # question left alone
                tries = [_choose(rng, question) for _ in range(rng.randint(1, 3))]
                attempts += [{"question": number, "answer": a} for a, _, _ in tries]
                e = expected.setdefault(
                    (quiz_id, number),
                    {"answered": 0, "first": 0, "end": 0, "wrong": Counter()},
                )
                e["answered"] += 1
                e["first"] += tries[0][1]
                e["end"] += any(ok for _, ok, _ in tries)
                e["wrong"].update({label for _, ok, label in tries if not ok})
            outputs.append(_output(quiz_id, attempts))
        _write(root / student / "course" / "notebooks" / "00-start-here.ipynb", _notebook(outputs))
    return expected


def test_summary_matches_counts_made_with_the_class(tmp_path: Path) -> None:
    expected = _make_class(tmp_path)
    results = quizresults.read_folder(tmp_path)
    assert results.problems == []
    got = {(q.quiz, q.number): q for q in quizresults.summarise(results)}
    answered_keys = {k for k, e in expected.items() if e["answered"]}
    assert {k for k, q in got.items() if q.answered} == answered_keys
    for key, e in expected.items():
        q = got[key]
        assert (q.answered, q.right_first, q.right_in_end) == (e["answered"], e["first"], e["end"])
        top = e["wrong"].most_common()
        assert sorted(n for _, n in q.wrong) == sorted(n for _, n in top)[-len(q.wrong) :]
        for label, count in q.wrong:
            assert e["wrong"][label] == count
    assert sum(q.answered for q in got.values()) > 100  # the class is not trivial


def test_first_copy_of_a_quiz_counts_and_later_copies_do_not(tmp_path: Path) -> None:
    qs = quiz.load("00-start-here")
    right = next(a["answer"] for a in qs[0]["answers"] if a["correct"])
    wrong = next(a["answer"] for a in qs[0]["answers"] if not a["correct"])
    _write(
        tmp_path / "s1" / "a.ipynb",
        _notebook(
            [
                _output(
                    "00-start-here",
                    [{"question": 1, "answer": wrong}, {"question": 1, "answer": right}],
                )
            ]
        ),
    )
    _write(
        tmp_path / "s1" / "b.ipynb",
        _notebook([_output("00-start-here", [{"question": 1, "answer": right}])]),
    )
    (q1,) = [q for q in quizresults.summarise(quizresults.read_folder(tmp_path)) if q.number == 1]
    assert (q1.answered, q1.right_first, q1.right_in_end, q1.wrong) == (1, 0, 1, [(wrong, 1)])


def test_a_bad_quiz_output_does_not_lose_the_good_one_beside_it(tmp_path: Path) -> None:
    right = next(a["answer"] for a in quiz.load("00-start-here")[0]["answers"] if a["correct"])
    good = _output("00-start-here", [{"question": 1, "answer": right}])
    bad = _output("00-start-here", [{"question": 0, "answer": right}])
    _write(tmp_path / "s1" / "n.ipynb", _notebook([bad, good]))
    results = quizresults.read_folder(tmp_path)
    assert results.kept == {"s1": {"00-start-here": {1: [right]}}}
    assert [p for p, _ in results.problems] == ["s1/n.ipynb"]


def _hostile_class(root: Path, outside: Path) -> dict[str, str]:
    """Broken and hostile notebooks; returns file -> a word its reason must contain."""
    qs = quiz.load("00-start-here")
    good = [{"question": 1, "answer": next(a["answer"] for a in qs[0]["answers"])}]
    _write(outside / "secret.ipynb", _notebook([_output("00-start-here", good * 3)]))
    bad = root / "evil"
    bad.mkdir(parents=True)
    (bad / "notjson.ipynb").write_text("{ not json", encoding="utf-8")
    (bad / "latin1.ipynb").write_bytes(b'{"cells": ["\xff\xfe"]}')
    (bad / "deep.ipynb").write_text("[" * 2_000 + "]" * 2_000, encoding="utf-8")
    (bad / "big.ipynb").write_text(" " * 6_000, encoding="utf-8")
    (bad / "list.ipynb").write_text("[1, 2]", encoding="utf-8")
    os.mkfifo(bad / "fifo.ipynb")
    (bad / "link.ipynb").symlink_to(outside / "secret.ipynb")
    (root / "linkedstudent").symlink_to(outside, target_is_directory=True)
    cases = {
        "unknownquiz.ipynb": _output("../../etc/passwd", good),
        "noquestion.ipynb": _output("00-start-here", [{"question": 99, "answer": "x"}]),
        "longanswer.ipynb": _output("00-start-here", [{"question": 1, "answer": "a" * 400}]),
        "boolquestion.ipynb": _output("00-start-here", [{"question": True, "answer": "x"}]),
        "stringpayload.ipynb": {
            "output_type": "display_data",
            "metadata": {},
            "data": {quiz.ANSWERS_MIME: "{}"},
        },
    }
    for name, output in cases.items():
        _write(bad / name, _notebook([output]))
    # hostile text where an answer should be: counted as not a listed answer, never shown
    _write(
        root / "mallory" / "n.ipynb",
        _notebook(
            [
                _output(
                    "00-start-here",
                    [{"question": 1, "answer": HOSTILE}, {"question": 4, "answer": HOSTILE}],
                )
            ]
        ),
    )
    return {
        "evil/notjson.ipynb": "JSON",
        "evil/latin1.ipynb": "UTF-8",
        "evil/deep.ipynb": "nested",
        "evil/big.ipynb": "larger",
        "evil/list.ipynb": "notebook",
        "evil/fifo.ipynb": "regular",
        "evil/link.ipynb": "open",
        "evil/unknownquiz.ipynb": "quiz",
        "evil/noquestion.ipynb": "question",
        "evil/longanswer.ipynb": "text",
        "evil/boolquestion.ipynb": "question",
        "evil/stringpayload.ipynb": "object",
    }


def test_broken_and_hostile_notebooks_give_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quizresults, "MAX_NOTEBOOK_BYTES", 5_000)
    reasons = _hostile_class(tmp_path / "home", tmp_path / "outside")
    results = quizresults.read_folder(tmp_path / "home")
    got = dict(results.problems)
    assert set(got) == set(reasons)
    for path, word in reasons.items():
        assert word.lower() in got[path].lower(), (path, got[path])
    assert results.students == ["evil", "mallory"]  # the linked folder is not a student
    assert set(results.kept) == {"mallory"}  # nothing read through a link
    (q1,) = [q for q in quizresults.summarise(results) if q.number == 1]
    assert (q1.answered, q1.right_first, q1.wrong) == (1, 0, [(quizresults.NOT_LISTED, 1)])


def test_report_section_escapes_and_the_anonymised_copy_names_nobody(tmp_path: Path) -> None:
    _make_class(tmp_path / "home", n=6)
    _hostile_class(tmp_path / "home", tmp_path / "outside")
    (tmp_path / "home" / "<b>bold").mkdir()
    (tmp_path / "home" / "<b>bold" / "x.ipynb").write_text("nope", encoding="utf-8")
    mine = classreport.quiz_section(tmp_path / "home", classreport.Names(False))
    shown = classreport.quiz_section(tmp_path / "home", classreport.Names(True, b"k"))
    for page in (mine, shown):
        assert "<script" not in page and "<img" not in page and "<b>" not in page
        assert "Right at first try" in page
    assert "&lt;b&gt;bold/x.ipynb" in mine and "evil/notjson.ipynb" in mine
    for student in [f"stud{s:03d}x" for s in range(6)] + ["evil", "mallory", "bold"]:
        assert student not in shown
    assert "13 file(s) could not be read" in shown


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no folder"):
        quizresults.read_folder(tmp_path / "nowhere")
