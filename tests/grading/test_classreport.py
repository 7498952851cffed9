"""The class report and similarity hints, on a generated class of 40 (class_samples.py).

The grading output folder is fabricated in the grader's formats (grading 40 notebooks for real
takes minutes on a shared machine): the CSV by the grader's own writer, notebooks where nbgrader
puts them, the gradebook through nbgrader's API. Every expected figure is computed here from the
CSV or taken from what the generator recorded, never from the report's code.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import statistics
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nbgrader")  # the generator writes the gradebook with nbgrader's API

import class_samples as cs  # noqa: E402

from rapprochement.grading import classreport, similarity  # noqa: E402
from rapprochement_support import lab  # noqa: E402


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, cs.Truth]:
    out = tmp_path_factory.mktemp("grading-output")
    truth = cs.build(out)
    assert classreport.main([str(out)]) == 0
    assert classreport.main([str(out), "--anonymise"]) == 0
    return out, truth


def _page(out: Path, anonymised: bool = False) -> str:
    name = "class-report-anonymised.html" if anonymised else "class-report.html"
    return (out / name).read_text(encoding="utf-8")


def _csv(out: Path) -> list[dict[str, str]]:
    with open(out / f"grades-{cs.PS}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Tables(HTMLParser):
    """caption -> rows of cell texts (unescaped), for every captioned table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption: str | None = None
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.caption, self.rows = "", []
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None
        elif tag == "table" and self.caption:
            self.tables[self.caption] = self.rows

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.caption = (self.caption or "") + data
        elif self.cell is not None:
            self.cell.append(data)


def _tables(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def _table(page: str, starts: str) -> list[list[str]]:
    found = [rows for caption, rows in _tables(page).items() if caption.startswith(starts)]
    assert len(found) == 1, (starts, list(_tables(page)))
    return found[0][1:]  # without the header row


def _charts(page: str) -> list[dict[str, Any]]:
    blocks = re.findall(
        r'<script type="application/json" class="chart-data"[^>]*>(.*?)</script>', page, re.S
    )
    return [json.loads(b) for b in blocks]


def _scored(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["status"] != "not graded" and r["student_id"]]


def _points(rows: list[dict[str, str]]) -> dict[str, tuple[str, float]]:
    out = {}
    for column in rows[0]:
        match = re.fullmatch(r"(.+) \(/([0-9.]+)\)", column)
        if match:
            out[match[1]] = (column, float(match[2]))
    return out


def _upper_lower(pairs: list[tuple[float, float]], points: float) -> float:
    """(total, score) pairs -> D with 27% groups, written out plainly."""
    ordered = [score for _, score in sorted(pairs, key=lambda p: p[0])]
    n = max(1, int(0.27 * len(ordered) + 0.5))
    return (sum(ordered[-n:]) / n - sum(ordered[:n]) / n) / points


# ------------------------------------------------------------------------- figures


def test_question_statistics_match_the_csv(graded: tuple[Path, cs.Truth]) -> None:
    out, _ = graded
    rows = _scored(_csv(out))
    table = {r[0]: r for r in _table(_page(out), "Per question")}
    points = _points(_csv(out))
    assert set(table) == set(points)
    for gid, (column, most) in points.items():
        with_score = [(float(r["total"]), float(r[column])) for r in rows if r[column] != ""]
        scores = [s for _, s in with_score]
        assert table[gid][3] == str(len(scores))
        assert table[gid][4] == f"{statistics.mean(scores):.2f}", gid
        assert table[gid][5] == f"{100 * sum(s >= most for s in scores) / len(scores):.0f}%"
        assert table[gid][7] == f"{_upper_lower(with_score, most):.2f}", gid
    # the score chart: one bar per whole point, counting the totals from b to under b + 1
    bars = _charts(_page(out))[0]["data"][0]
    counts = {b: 0 for b in range(0, int(float(rows[0]["max_total"])) + 1)}
    for r in rows:
        counts[int(float(r["total"]))] += 1
    assert dict(zip(bars["x"], bars["y"], strict=True)) == counts
    assert len(rows) == cs.N - 1  # one submission was not graded


def test_not_answered_and_words_match_the_generator(graded: tuple[Path, cs.Truth]) -> None:
    out, truth = graded
    page = _page(out)
    table = {r[0]: r for r in _table(page, "Per question")}
    population = cs.N - 1
    for test_id, students in truth.unanswered.items():
        assert table[test_id][6] == f"{100 * len(students) / population:.0f}%", test_id
    for gid, counts in truth.words.items():
        written = [n for n in counts.values() if n > 0]
        expected = (
            f"{gid}: {len(written)} of {len(counts)} students wrote an answer; median "
            f"{statistics.median(written):g} words, shortest {min(written)}, "
            f"longest {max(written)}."
        )
        assert html.escape(expected) in page


def test_wrong_answers_are_grouped(graded: tuple[Path, cs.Truth]) -> None:
    out, truth = graded
    rows = _table(_page(out), "ps1-q1-1-test: most common answers")
    shown = {value: int(n) for name, value, n in rows if name == "first_50"}
    expected: dict[str, int] = {}
    for value in truth.wrong_values["first_50"].values():
        expected[repr(value)] = expected.get(repr(value), 0) + 1
    top = sorted(expected.items(), key=lambda kv: -kv[1])[:5]
    for value, n in top:
        assert shown[value] == n, (value, shown)
    assert shown.get(repr(2009), 0) >= 2  # the generator's common slip is grouped, not split


def _cell(source: str, shown: str | None = None) -> dict[str, Any]:
    outputs = (
        []
        if shown is None
        else [{"output_type": "execute_result", "data": {"text/plain": [shown]}, "metadata": {}}]
    )
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": outputs}


def test_answers_come_from_stored_output_else_from_the_code() -> None:
    from rapprochement.grading.classinputs import NOT_ANSWERED, answers_of

    nb = {
        "cells": [
            _cell("a = None\nb = None\na = first_year_above(gacc, 50)\nb = 7\na, b", "(2006, 7)"),
            _cell("c = 0.123456\nd = cagr(gacc, 2019, 2024)\nprint(d)", "ignored"),
            _cell("e = None\ne", "'<script>x</script>'"),
        ]
    }
    got = answers_of(nb, ["a", "b", "c", "d", "e", "f"])
    assert got == {
        "a": "2006",  # shown by the cell's last line
        "b": "7",
        "c": "0.1235",  # a literal, read from the code
        "d": "expression: cagr(gacc, 2019, 2024)",  # computed, not shown: never run here
        "e": repr("<script>x</script>"),  # student text, escaped where it is shown
        "f": NOT_ANSWERED,
    }


def test_late_missing_and_manual_progress(graded: tuple[Path, cs.Truth]) -> None:
    out, truth = graded
    page = _page(out)
    late = {r[0] for r in _table(page, "Late submissions")}
    expected = {f"{truth.names[s]} ({s})" for s in [*truth.late_csv, truth.late_gradebook]}
    assert late == expected
    assert {r[0] for r in _table(page, "Known to the gradebook")} == set(truth.missing)
    failed = _table(page, "Handed in but not graded")
    assert [r[0] for r in failed] == [f"{truth.names[truth.not_graded]} ({truth.not_graded})"]
    rows = _scored(_csv(out))
    for gid, graded_n, total, _ in _table(page, "Manual grading"):
        column = _points(_csv(out))[gid][0]
        assert int(graded_n) == sum(r[column] != "" for r in rows)
        assert int(total) == len(rows)


def test_hub_course_adds_students_and_collection_times(
    graded: tuple[Path, cs.Truth], tmp_path: Path
) -> None:
    """--course: the hub's course folder (roster and due date in its gradebook, submission
    times in the timestamp.txt files nbgrader collect writes)."""
    from datetime import datetime

    from nbgrader.api import Gradebook

    out, truth = graded
    honest, on_time = truth.honest[-1], truth.honest[-2]
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment(cs.PS, duedate=datetime(2026, 10, 15, 22, 0))
        for sid in (honest, on_time, "u9903"):
            gb.add_student(sid)
    for sid, stamp in (
        (honest, "2026-10-17 04:00:00.000000 UTC"),
        (on_time, "2026-10-15 21:59:00.000000 UTC"),
    ):
        folder = tmp_path / "submitted" / sid / cs.PS
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(stamp)
    target = tmp_path / "report.html"
    args = [str(out), "--course", str(tmp_path), "--output", str(target)]
    assert classreport.main(args) == 0
    page = target.read_text(encoding="utf-8")
    late = {r[0]: r[1] for r in _table(page, "Late submissions")}
    assert late[f"{truth.names[honest]} ({honest})"] == "30.0 h after due"
    assert f"{truth.names[on_time]} ({on_time})" not in late
    assert {r[0] for r in _table(page, "Known to the gradebook")} == {*truth.missing, "u9903"}


# ------------------------------------------------------------------------ similarity


def _pairs(out: Path) -> tuple[list[similarity.Pair], list[similarity.Pair]]:
    from rapprochement.grading.classinputs import load_inputs

    return classreport.similarity_pairs(load_inputs(out, cs.PS))


def test_copied_pairs_rank_first_and_honest_work_stays_below(graded: tuple[Path, cs.Truth]) -> None:
    out, truth = graded
    copied = {frozenset(p) for p in truth.copied}
    for pairs in _pairs(out):
        top = {frozenset((p.a, p.b)) for p in pairs[: len(copied)]}
        assert top == copied
        for p in pairs[: len(copied)]:
            assert p.score >= similarity.HINT_THRESHOLD
        honest = [p for p in pairs if p.a in truth.honest and p.b in truth.honest]
        assert honest, "honest pairs were compared"
        assert max(p.score for p in honest) < similarity.HINT_THRESHOLD
    # renaming variables, reordering lines and sentences change no fingerprint at all
    for pairs in _pairs(out):
        scores = {frozenset((p.a, p.b)): p.score for p in pairs}
        assert all(scores[pair] == 1.0 for pair in copied)
    # blank notebooks (only the starter) are never paired
    assert not any(p.a in truth.blank or p.b in truth.blank for p in _pairs(out)[0])


def test_renamed_and_reordered_code_still_matches() -> None:
    known = similarity.known_names("gacc = load()\nvalue_in, cagr = 1, 2")
    a = "rate = cagr(gacc, 2010, 2020)\nbase = value_in(gacc, 2010) * 3\nanswer = base / rate\n"
    b = "b0 = value_in(gacc, 2010) * 3  # mine\nr1 = cagr(gacc, 2010, 2020)\nanswer = b0 / r1\n"
    c = "years = [y for y in range(2001, 2009)]\ntotal = sum(value_in(gacc, y) for y in years)\n"
    docs = [
        similarity.Document(k, similarity.code_units(s, known))
        for k, s in (("a", a), ("b", b), ("c", c))
    ]
    pairs = similarity.rank_pairs(docs, [])
    assert (pairs[0].a, pairs[0].b) == ("a", "b")
    assert pairs[0].score == 1.0
    assert all(p.score < similarity.HINT_THRESHOLD for p in pairs[1:])


def test_shared_starter_text_is_not_similarity() -> None:
    starter = (
        "x_answer = None\n# YOUR CODE HERE: replace None\ntotal = value_in(gacc, 2020) * 100\n"
    )
    known = similarity.known_names(starter, "gacc = 1")
    a = starter + "x_answer = cagr(gacc, 2001, 2019) + 4\n"
    b = starter + "x_answer = [value_in(gacc, y) for y in range(1999, 2007, 2)]\n"
    docs = [
        similarity.Document(k, similarity.code_units(s, known)) for k, s in (("a", a), ("b", b))
    ]
    assert similarity.rank_pairs(docs, similarity.code_units(starter, known)) == []
    # without excluding the starter, the same two would share fingerprints
    docs = [
        similarity.Document(k, similarity.code_units(s, known)) for k, s in (("a", a), ("b", b))
    ]
    assert similarity.rank_pairs(docs, [])


# ---------------------------------------------------------------------- hostile text


def test_student_text_is_escaped_and_csp_is_strict(graded: tuple[Path, cs.Truth]) -> None:
    out, _ = graded
    page = _page(out)
    body = page[page.index("<body>") :]
    for raw in (
        cs.HOSTILE_NAME,
        cs.HOSTILE_ID,
        "<img src=x",
        '<a href="javascript:',
        "<script>window",
    ):
        assert raw not in body, raw
    assert html.escape(cs.HOSTILE_NAME) in body  # shown, inert
    assert html.escape(cs.HOSTILE_ID) in body
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp and "default-src 'none'" in csp[1] and "unsafe-eval" not in csp[1]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2  # plotly.js once, the drawing script once
    import base64
    import hashlib

    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp[1]
    assert "cdn" not in csp[1] and "http" not in csp[1]


def test_anonymised_copy_has_no_names_or_ids(graded: tuple[Path, cs.Truth]) -> None:
    out, truth = graded
    page = _page(out, anonymised=True)
    # plotly.js itself is a library, not data: look at everything else
    text = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    unescaped = html.unescape(text)
    for sid in truth.ids:
        assert sid not in unescaped and sid.lower() not in unescaped.lower(), sid
        for word in [truth.names[sid], *truth.names[sid].split(), truth.files[sid]]:
            if len(word) >= 3:
                assert word.lower() not in unescaped.lower(), word
    for sid in truth.missing:
        assert sid not in unescaped
    pseudonyms = re.findall(r"Student [A-Z2-7]{6}", unescaped)
    assert pseudonyms
    # the same pseudonyms on a second run (the key in the output folder is kept)
    assert classreport.main([str(out), "--anonymise"]) == 0
    again = html.unescape(_page(out, anonymised=True))
    assert re.findall(r"Student [A-Z2-7]{6}", again) == pseudonyms
    # and one per student: the late table lists five different ones
    late = [r[0] for r in _table(page, "Late submissions")]
    assert len(set(late)) == len(late) == len(truth.late_csv) + 1


def test_cli_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert classreport.main([str(tmp_path)]) == 2
    assert "make grade" in capsys.readouterr().err


# ------------------------------------------------------------------------- browser


@pytest.mark.skipif(not lab.CHROMIUM.exists(), reason=f"no Chromium at {lab.CHROMIUM}")
@pytest.mark.parametrize("anonymised", [False, True])
def test_page_opens_offline_inert_and_accessible(
    graded: tuple[Path, cs.Truth], anonymised: bool
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    out, _ = graded
    name = "class-report-anonymised.html" if anonymised else "class-report.html"
    url = (out / name).as_uri()
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = lab.launch_chromium(p)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            page.wait_for_load_state("load")
            charts = page.locator(".chart").count()
            page.wait_for_function(
                f"document.querySelectorAll('.chart .main-svg').length >= {charts}", timeout=20000
            )
            assert charts >= 4
            # each chart drawn as the trace type it asks for (a type missing from the inlined
            # plotly.js bundle would silently fall back to a line)
            drawn = page.evaluate(
                "[...document.querySelectorAll('.chart')].map(d => d._fullData[0].type)"
            )
            asked = [c["data"][0]["type"] for c in _charts(_page(out, anonymised))]
            assert drawn == asked
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.locator("main img").count() == 0
            assert page.locator("a[href^='javascript:' i]").count() == 0
            assert page.locator("script").count() == 2 + len(_charts(_page(out, anonymised)))
            assert not dialogs
            assert not errors, errors
            results = Axe().run(page)
            violations = [(v["id"], v["impact"]) for v in results.response["violations"]]
            assert not violations, violations
        finally:
            browser.close()
    off = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert not off, off


def test_a_damaged_notebook_does_not_stop_the_report(
    graded: tuple[Path, cs.Truth], tmp_path: Path
) -> None:
    """A cell with null metadata, a string where nbgrader's metadata should be, or a cell that
    is not an object at all: the report is still written."""
    out = tmp_path / "out"
    shutil.copytree(graded[0], out)
    damaged = next((out / "course" / "autograded").glob("*/*/*.ipynb"))
    nb = json.loads(damaged.read_text(encoding="utf-8"))
    nb["cells"][0]["metadata"] = None
    nb["cells"][1]["metadata"] = {"nbgrader": "not a dict"}
    nb["cells"].append("not a cell")
    damaged.write_text(json.dumps(nb), encoding="utf-8")
    assert classreport.main([str(out)]) == 0
