"""The class report's quiz section from the command line: ``--quiz-folder`` next to a generated
grading output (class_samples.py), in the instructor's copy and the anonymised one."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")  # the generator writes the gradebook with nbgrader's API

import class_samples as cs  # noqa: E402

from rapprochement import quiz  # noqa: E402
from rapprochement.grading import classreport  # noqa: E402

QUIZ = "00-start-here"
HOSTILE = "<img src=x onerror=alert(1)>"


def _notebook(attempts: list[dict[str, object]]) -> str:
    output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {quiz.ANSWERS_MIME: {"quiz": QUIZ, "version": 1, "attempts": attempts}},
    }
    cell = {"cell_type": "code", "metadata": {}, "source": "", "outputs": [output]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_quiz_section_in_both_copies(tmp_path: Path) -> None:
    out = tmp_path / "grading-output"
    out.mkdir()
    truth = cs.build(out)
    answers = quiz.load(QUIZ)[0]["answers"]
    right = next(a["answer"] for a in answers if a["correct"])
    wrong = [a["answer"] for a in answers if not a["correct"]]
    home = tmp_path / "home"
    students = truth.ids[:12]
    for i, sid in enumerate(students):
        first = wrong[i % 2] if i % 3 == 0 else right
        attempts = [{"question": 1, "answer": first}, {"question": 1, "answer": right}]
        if i == 5:
            attempts.insert(0, {"question": 1, "answer": HOSTILE})
        folder = home / sid / "rapprochement" / "notebooks"
        folder.mkdir(parents=True)
        (folder / "00-start-here.ipynb").write_text(_notebook(attempts), encoding="utf-8")
    (home / truth.ids[12]).mkdir()
    (home / truth.ids[12] / "broken.ipynb").write_text("{", encoding="utf-8")

    assert classreport.main([str(out), "--quiz-folder", str(home)]) == 0
    assert classreport.main([str(out), "--anonymise", "--quiz-folder", str(home)]) == 0
    mine = (out / "class-report.html").read_text(encoding="utf-8")
    shown = (out / "class-report-anonymised.html").read_text(encoding="utf-8")

    wrong_first = [i for i in range(len(students)) if i % 3 == 0 or i == 5]
    expected_first = f"{100 * (len(students) - len(wrong_first)) / len(students):.0f}%"
    counts = {
        w: sum(1 for i in range(len(students)) if i % 3 == 0 and wrong[i % 2] == w) for w in wrong
    }
    for page in (mine, shown):
        section = page[page.index('id="quiz-answers"') :]
        row = re.search(r"<tr><td>00-start-here</td><td>1</td>(.*?)</tr>", section)
        assert row, "no row for question 1"
        cells = re.findall(r"<td>(.*?)</td>", row.group(1))
        assert cells[1:4] == [str(len(students)), expected_first, "100%"]
        for w, n in counts.items():
            if n:
                assert f"{html.escape(w, quote=True)} ({n})" in cells[4]
        assert "(not one of the listed answers) (1)" in cells[4]
        assert "<img" not in section and "onerror=alert" not in section.replace("&", "")
        # the page's policy still allows only its own two scripts
        assert len(re.findall(r"<script>", page)) == 2
    assert f"{truth.ids[12]}/broken.ipynb" in mine
    for sid in truth.ids:
        assert sid not in shown
