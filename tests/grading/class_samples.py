"""A generated class of 40 for the class report: a grading output folder, fabricated.

Grading 40 notebooks for real takes minutes on the shared machine, so the output folder is
written directly in the grader's formats: the CSV with the grader's own writer
(:func:`rapprochement.grading.report.write_csv`), the notebooks where nbgrader puts them
(``course/autograded/<student>/<ps>/<ps>.ipynb``) and the gradebook with nbgrader's own API.
Each student's notebook starts from the released student version (the starter text).

:class:`Truth` records what was generated (who is late, blank, copied; the wrong values and
the words written), so that the tests check the report against the generator, not against the
report's own code.
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rapprochement.grading.report import write_csv
from rapprochement.grading.runner import GRADED, NEEDS_MANUAL, GradingResult, StudentRow
from rapprochement.grading.settings import release_root

try:
    from rapprochement_support.samples import nbgrader_meta, solution_code
except ImportError:  # imported as tests.grading.class_samples
    from rapprochement_support.samples import nbgrader_meta, solution_code

PS = "ps1-trade-statistics"
N = 40
HOSTILE_NAME = '<script>window.__pwned = "name"</script>'
HOSTILE_ID = "<img src=x onerror=window.__pwned=7>"
HOSTILE_TEXT = (
    '<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script> '
    '[click](javascript:window.__pwned=3) <a href="javascript:window.__pwned=4">here</a>'
)
HOSTILE_ANSWER = "<script>window.__pwned = 5</script>"
WRONG = {"first_50": [2009, 2009, 2010, 2004], "growth_2021": [0.35, 0.35, 1.35]}
FIRST = [
    "Avery",
    "Blake",
    "Casey",
    "Dana",
    "Eden",
    "Finley",
    "Gray",
    "Harper",
    "Indigo",
    "Jules",
    "Kai",
    "Logan",
    "Morgan",
]
LAST = [
    "Quinlan",
    "Ravensworth",
    "Sallow",
    "Thistlewood",
    "Umberfield",
    "Vantreight",
    "Wexley",
    "Yarborough",
]
WORDS = [
    "trade",
    "customs",
    "figures",
    "growth",
    "target",
    "paper",
    "year",
    "russia",
    "china",
    "exports",
    "imports",
    "series",
    "dollars",
    "real",
    "nominal",
    "data",
    "table",
    "revision",
    "report",
    "estimate",
    "source",
    "inflation",
    "energy",
    "oil",
    "gas",
    "sanctions",
    "partner",
    "share",
    "rising",
    "falling",
    "forecast",
    "claim",
    "evidence",
    "ministry",
    "statistics",
    "agency",
    "total",
    "difference",
    "gap",
    "mirror",
    "valuation",
    "freight",
    "insurance",
    "timing",
    "rounding",
]


@dataclass
class Truth:
    ids: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    blank: list[str] = field(default_factory=list)
    late_csv: list[str] = field(default_factory=list)
    late_gradebook: str = ""
    missing: list[str] = field(default_factory=list)
    not_graded: str = ""
    copied: list[tuple[str, str]] = field(default_factory=list)
    honest: list[str] = field(default_factory=list)
    wrong_values: dict[str, dict[str, object]] = field(default_factory=dict)
    """answer name -> student -> the wrong literal written."""
    unanswered: dict[str, set[str]] = field(default_factory=dict)
    """test grade_id -> students who left every answer of it as None."""
    words: dict[str, dict[str, int]] = field(default_factory=dict)
    """written grade_id -> student -> words written."""


def _source(cell: Any) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def release() -> dict[str, Any]:
    return json.loads((release_root() / PS / f"{PS}.ipynb").read_text(encoding="utf-8"))


def structure(nb: dict[str, Any]) -> tuple[list[tuple[str, list[str], str]], list[str]]:
    """([(answer grade_id, answer names, the test grade_id after it)], [written grade_ids])."""
    answers, written = [], []
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell["cell_type"] == "code":
            names = re.findall(r"^(\w+) = None$", _source(cell), re.M)
            test = next(
                nbgrader_meta(c)["grade_id"]
                for c in cells[i + 1 :]
                if nbgrader_meta(c).get("grade")
            )
            answers.append((meta["grade_id"], names, test))
        elif meta.get("solution"):
            written.append(meta["grade_id"])
    return answers, written


def _working(rng: random.Random) -> list[str]:
    """A few independent lines of a student's own working (their own names and numbers)."""
    lines = []
    for _ in range(rng.randint(3, 5)):
        var = rng.choice(["tmp", "x", "val", "my", "step", "part"]) + str(rng.randint(1, 99))
        kind = rng.randrange(5)
        y1, y2 = rng.randint(1995, 2015), rng.randint(2016, 2024)
        if kind == 0:
            lines.append(f"{var} = value_in(gacc, {y1}) * {rng.randint(2, 40)}")
        elif kind == 1:
            lines.append(
                f"{var} = cagr(gacc, {y1}, {y2}) - {rng.randint(1, 9)} / {rng.randint(11, 99)}"
            )
        elif kind == 2:
            lines.append(f"{var} = float(yoy_growth(gacc).loc[{y2}]) + {rng.random():.3f}")
        elif kind == 3:
            lines.append(
                f"{var} = [value_in(gacc, y) for y in range({y1}, {y2}, {rng.randint(2, 5)})]"
            )
        else:
            lines.append(f"{var} = to_real(gacc, cpi, {y2}).loc[{y1}] / {rng.randint(100, 999)}")
    return lines


def _text(rng: random.Random, n_words: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    sentences, i = [], 0
    while i < len(words):
        size = rng.randint(8, 14)
        sentences.append(" ".join(words[i : i + size]).capitalize() + ".")
        i += size
    return " ".join(sentences)


def _set_written(nb: dict[str, Any], gid: str, text: str) -> None:
    for cell in nb["cells"]:
        if nbgrader_meta(cell).get("grade_id") == gid:
            cell["source"] = _source(cell).replace("YOUR ANSWER HERE", text)


def _rename_and_reorder(nb: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same notebook with the student's own variables renamed, working lines shuffled and
    the sentences of written answers in another order."""
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if nbgrader_meta(cell).get("solution") and cell["cell_type"] == "markdown":
            first, _, answer = _source(cell).partition("\n")
            sentences = re.split(r"(?<=\.) ", answer)
            rng.shuffle(sentences)
            cell["source"] = first + "\n" + " ".join(sentences)
            continue
        if not (nbgrader_meta(cell).get("solution") and cell["cell_type"] == "code"):
            continue
        lines = _source(cell).split("\n")
        own = [i for i, ln in enumerate(lines) if re.match(r"^(tmp|x|val|my|step|part)\d+ = ", ln)]
        moved = [lines[i] for i in own]
        rng.shuffle(moved)
        for i, ln in zip(own, moved, strict=True):
            lines[i] = ln
        text = "\n".join(lines)
        text = re.sub(r"\b(tmp|x|val|my|step|part)(\d+)\b", r"renamed_\2_\1", text)
        cell["source"] = text
    return out


def build(out: Path) -> Truth:
    """Write the grading output folder of a class of 40 into ``out``; return what was made."""
    rng = random.Random(20211)
    starter = release()
    answers, written = structure(starter)
    solutions = solution_code(PS)
    truth = Truth()
    for name, _ in WRONG.items():
        truth.wrong_values[name] = {}
    points = {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in starter["cells"]
        if nbgrader_meta(c).get("grade")
    }
    grade_ids = [
        nbgrader_meta(c)["grade_id"] for c in starter["cells"] if nbgrader_meta(c).get("grade")
    ]
    notebooks: dict[str, dict[str, Any]] = {}
    rows: list[StudentRow] = []
    for i in range(N):
        sid = f"u{7301 + i * 13}"
        if i == 39:
            sid = HOSTILE_ID
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 5) % len(LAST)]}{'' if i < 13 else i}"
        if i == 8:
            name = HOSTILE_NAME
        truth.ids.append(sid)
        truth.names[sid] = name
        truth.files[sid] = (
            f"{name.split()[0].lower()}_{sid}_ps1.ipynb" if i != 9 else "javascript:alert(1).ipynb"
        )
    ids = truth.ids
    truth.blank = ids[0:4]
    truth.copied = [(ids[4], ids[5]), (ids[6], ids[7]), (ids[8], ids[39])]
    truth.late_csv = ids[9:13]
    truth.not_graded = ids[14]
    truth.late_gradebook = ids[13]
    skip = {ids[5], ids[7], ids[39]} | set(truth.blank) | {truth.not_graded}
    truth.honest = [s for s in ids if s not in skip]
    scores: dict[str, dict[str, float | None]] = {}
    for sid in ids:
        if sid == truth.not_graded:
            continue
        if sid in truth.blank:
            notebooks[sid] = copy.deepcopy(starter)
            scores[sid] = {g: 0.0 for g in grade_ids}
            continue
        if sid in {b for _, b in truth.copied}:
            continue  # copies are made from their originals below
        nb = copy.deepcopy(starter)
        score: dict[str, float | None] = {}
        for gid, names, test in answers:
            cell = next(c for c in nb["cells"] if nbgrader_meta(c).get("grade_id") == gid)
            body = [f"{n} = None" for n in names] + _working(rng)
            roll = rng.random()
            if roll < 0.12 and sid != ids[8]:
                score[test] = 0.0
                truth.unanswered.setdefault(test, set()).add(sid)
            elif roll < 0.4 or (sid == ids[8] and "first_50" in names):
                score[test] = 0.0
                for n in names:
                    if sid == ids[8] and n == "first_50":
                        value: object = HOSTILE_ANSWER
                    elif n in WRONG:
                        value = rng.choice(WRONG[n])
                    else:
                        value = round(rng.uniform(-5, 5), 3)
                    if n in truth.wrong_values:
                        truth.wrong_values[n][sid] = value
                    body.append(f"{n} = {value!r}")
            else:
                score[test] = points[test]
                if rng.random() < 0.25:
                    body.append(solutions[gid])
                else:
                    body += [f"{n} = {_working(rng)[0].split(' = ', 1)[1]}" for n in names]
            body.append(", ".join(names))
            cell["source"] = "\n".join(body)
        for gid in written:
            n_words = rng.randint(40, 160)
            text = _text(rng, n_words)
            if sid == ids[8]:
                text = HOSTILE_TEXT + " " + text
            _set_written(nb, gid, text)
            truth.words.setdefault(gid, {})[sid] = len(re.findall(r"\w+", text))
        notebooks[sid] = nb
        scores[sid] = score
    for a, b in truth.copied:
        notebooks[b] = (
            _rename_and_reorder(notebooks[a], rng) if a == ids[6] else copy.deepcopy(notebooks[a])
        )
        scores[b] = dict(scores[a])
        for per_name in truth.wrong_values.values():
            if a in per_name:
                per_name[b] = per_name[a]
        for who in truth.unanswered.values():
            if a in who:
                who.add(b)
        for counts in truth.words.values():
            counts[b] = counts[a]
    for sid in truth.blank:
        for counts in truth.words.values():
            counts[sid] = 0
        for _, _, test in answers:
            truth.unanswered.setdefault(test, set()).add(sid)
    # written scores: the first 20 graded students have them, the rest wait for formgrader
    graded_ids = [s for s in ids if s in scores]
    for n, sid in enumerate(graded_ids):
        for gid in written:
            if sid in truth.blank:
                scores[sid][gid] = 0.0
            else:
                scores[sid][gid] = float(rng.randint(0, int(points[gid]))) if n < 20 else None
    for sid in ids:
        row = StudentRow(sid, truth.names[sid], truth.files[sid])
        if sid == truth.not_graded:
            row.reasons = ["not valid notebook JSON"]
            rows.append(row)
            continue
        sc = scores[sid]
        row.scores = sc
        row.total = sum(v for v in sc.values() if v is not None)
        row.max_total = sum(points.values())
        row.status = NEEDS_MANUAL if any(v is None for v in sc.values()) else GRADED
        if sid in truth.late_csv:
            row.reasons = ["marked LATE by the learning system"]
        rows.append(row)
    course = out / "course"
    for sid, nb in notebooks.items():
        target = course / "autograded" / sid / PS / f"{PS}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    result = GradingResult(PS, rows, [], grade_ids, points, course)
    write_csv(result, out / f"grades-{PS}.csv")
    truth.missing = ["u9901", "u9902"]
    _gradebook(course, [s for s in ids if s != truth.not_graded] + truth.missing, truth)
    return truth


def _gradebook(course: Path, roster: list[str], truth: Truth) -> None:
    from nbgrader.api import Gradebook

    due = datetime(2026, 11, 30, 12, 0)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_assignment(PS, duedate=due)
        for sid in roster:
            gb.add_student(sid)
        for sid in roster:
            if sid in truth.missing:
                continue
            late = sid == truth.late_gradebook
            gb.add_submission(PS, sid, timestamp=due + timedelta(hours=5 if late else -2))
