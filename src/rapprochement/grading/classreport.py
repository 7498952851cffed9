"""The class at a glance: one offline HTML page per grading output folder.

``python -m rapprochement.grading.classreport <grading-output> [--anonymise]`` writes
``<grading-output>/class-report.html`` (or ``class-report-anonymised.html``): per problem set
the score distribution; per question the mean, the share of full marks, the share not answered
and a discrimination index; the most common wrong answers; the words written; late, missing and
ungraded submissions; manual grading progress; and similarity hints (:mod:`.similarity`).
With ``--quiz-folder <folder>``, also the self-check quiz answers kept in students' saved
notebooks, per question (:mod:`.quizresults`; only when the course keeps them).

The page works from a file, offline: plotly.js is inlined once, each chart is drawn from a JSON
block, and a Content-Security-Policy allows only those exact scripts (by hash). Everything a
student wrote is escaped. Charts carry no student data at all (only question ids and numbers),
and every chart has a text summary beside it.

**Discrimination index:** upper-lower groups. Rows with a score are ranked by total; the top and
bottom 27% (at least one row each) are compared: D = (mean in the upper group - mean in the lower
group) / points. D runs from -1 to 1; below 0.2 a question separates strong from weak work
poorly.

**Anonymised copy:** every student is a stable pseudonym (an HMAC of the id with a key kept in
``<grading-output>/classreport.key``, made on first use: the same student gets the same
pseudonym on every run, and nobody without the key can recover the id); names, ids and file names
appear nowhere, also not inside student text, where they are replaced by ``[name]``; the CSV's
reasons (which may quote file names) are left out.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rapprochement.grading import quizresults
from rapprochement.grading import similarity as sim
from rapprochement.grading.classinputs import (
    NOT_ANSWERED,
    ClassInputs,
    answers_of,
    assignments_in,
    load_inputs,
    student_code,
    written_text,
)

__all__ = ["build_report", "discrimination", "main", "write_report"]

NOT_GRADED = "not graded"
GROUP_SHARE = 0.27
POOR_DISCRIMINATION = 0.2
MAX_PASSAGES = 40
LATE = re.compile(r"(?:^|; )marked LATE by the learning system(?:;|$)")
"""The grader's reason for a Canvas LATE mark (rapprochement.grading.intake)."""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def discrimination(scores: pd.Series, totals: pd.Series, points: float) -> float | None:
    """Upper-lower 27% index of one question (None with fewer than 4 scored rows)."""
    both = pd.DataFrame({"score": scores, "total": totals}).dropna()
    if len(both) < 4 or points <= 0:
        return None
    ranked = both.sort_values("total", kind="mergesort")
    n = max(1, round(GROUP_SHARE * len(ranked)))
    upper, lower = ranked["score"].iloc[-n:], ranked["score"].iloc[:n]
    return float((upper.mean() - lower.mean()) / points)


@dataclass
class Names:
    """How students are shown: themselves, or stable pseudonyms with names scrubbed."""

    anonymise: bool
    key: bytes = b""
    hidden: list[str] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def show(self, student_id: str, name: str = "") -> str:
        if not self.anonymise:
            return f"{name} ({student_id})" if name and name != student_id else student_id
        digest = hmac.new(self.key, student_id.encode("utf-8"), hashlib.sha256).digest()
        return "Student " + base64.b32encode(digest)[:6].decode("ascii")

    def text(self, value: str) -> str:
        """Student text to show: with names and ids replaced in the anonymised copy."""
        if not self.anonymise or not self.hidden:
            return value
        if self._pattern is None:
            words = "|".join(re.escape(h) for h in sorted(self.hidden, key=len, reverse=True))
            self._pattern = re.compile(rf"(?i)(?<!\w)(?:{words})(?!\w)")
        return self._pattern.sub("[name]", value)


def _key(out: Path) -> bytes:
    path = out / "classreport.key"
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _hidden_words(inputs: list[ClassInputs]) -> list[str]:
    """What the anonymised copy must not show: ids, file names, names and their parts."""
    words: set[str] = set()
    for data in inputs:
        for row in data.grades:
            sid, name, file = (row.get(k, "").strip() for k in ("student_id", "name", "file"))
            words |= {sid, name, file, Path(file).stem if file else ""}
            words |= {w for w in re.split(r"[\s_.,()-]+", name) if len(w) >= 3}
        words |= set(data.roster)
    return sorted(w for w in words if w)


# ----------------------------------------------------------------------------- charts


class Charts:
    """Figures of one page, each a JSON block drawn by one shared script."""

    def __init__(self) -> None:
        self.n = 0

    def figure(self, fig: dict[str, Any], label: str, summary: str) -> str:
        self.n += 1
        div = f"chart-{self.n}"
        data = json.dumps(fig, allow_nan=False, separators=(",", ":"))
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return (
            f'<figure><div class="chart" id="{div}" role="img" aria-label="{esc(label)}"></div>'
            f'<script type="application/json" class="chart-data" data-target="{div}">{data}'
            f"</script><figcaption>{esc(summary)}</figcaption></figure>"
        )


def _layout(title: str, x: str, y: str) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "height": 340,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "font": {"color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{100 * value:.0f}%" if percent else f"{value:.2f}"


def table(headers: list[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# -------------------------------------------------------------------------- sections


@dataclass
class Stats:
    """The numbers of one problem set, computed with pandas."""

    frame: pd.DataFrame
    """One row per student with a score: total, max_total, a column per grade id."""
    questions: pd.DataFrame
    """One row per question: points, kind, scored, mean, full, not_answered, discrimination."""
    answers: dict[str, dict[str, dict[str, str]]]
    """grade_id -> student -> answer name -> value shown (autograded questions)."""
    words: dict[str, dict[str, int]]
    """grade_id -> student -> words written (written questions)."""


def compute(data: ClassInputs) -> Stats:
    rows = pd.DataFrame(data.grades)
    rows = rows[(rows["status"] != NOT_GRADED) & (rows["student_id"] != "")]
    frame = pd.DataFrame(index=pd.Index(rows["student_id"], name="student"))
    frame["total"] = pd.to_numeric(rows["total"], errors="coerce").to_numpy()
    frame["max_total"] = pd.to_numeric(rows["max_total"], errors="coerce").to_numpy()
    answers: dict[str, dict[str, dict[str, str]]] = {}
    words: dict[str, dict[str, int]] = {}
    records = []
    for q in data.questions:
        frame[q.grade_id] = pd.to_numeric(rows[q.column], errors="coerce").to_numpy()
        if q.kind == "auto":
            answers[q.grade_id] = {
                sid: answers_of(data.notebooks.get(sid, {"cells": []}), q.names)
                for sid in frame.index
            }
            blank = [
                all(v == NOT_ANSWERED for v in a.values()) for a in answers[q.grade_id].values()
            ]
        else:
            texts = {sid: written_text(data.notebooks.get(sid, {}), q) for sid in frame.index}
            words[q.grade_id] = {sid: len(re.findall(r"\w+", t)) for sid, t in texts.items()}
            blank = [n == 0 for n in words[q.grade_id].values()]
        scores = frame[q.grade_id]
        records.append(
            {
                "grade_id": q.grade_id,
                "kind": q.kind,
                "points": q.points,
                "scored": int(scores.notna().sum()),
                "mean": scores.mean() if scores.notna().any() else None,
                "full": (scores >= q.points).sum() / scores.notna().sum()
                if scores.notna().any()
                else None,
                "not_answered": sum(blank) / len(blank) if blank else None,
                "discrimination": discrimination(scores, frame["total"], q.points),
            }
        )
    questions = pd.DataFrame(records).set_index("grade_id") if records else pd.DataFrame()
    return Stats(frame, questions, answers, words)


def histogram(values: pd.Series, top: float) -> tuple[list[int], list[int]]:
    """(bins, counts): how many values fall in [b, b + 1) for b = 0 .. top (top included)."""
    bins = list(range(0, int(top) + 1))
    floors = values.astype(float).clip(lower=0, upper=top).apply(int)
    counts = floors.value_counts()
    return bins, [int(counts.get(b, 0)) for b in bins]


def _bars(x: list[Any], y: list[Any], colour: str, hover: str) -> dict[str, Any]:
    # bars, not plotly's histogram trace: the inlined basic bundle draws scatter and bar only
    return {"type": "bar", "x": x, "y": y, "marker": {"color": colour}, "hovertemplate": hover}


def _distribution(stats: Stats, charts: Charts) -> str:
    totals = stats.frame["total"].dropna()
    if totals.empty:
        return "<p>No submission has a score yet.</p>"
    top = float(stats.frame["max_total"].max())
    bins, counts = histogram(totals, top)
    fig = {
        "data": [_bars(bins, counts, "#1f5fa8", "total %{x}: %{y} students<extra></extra>")],
        "layout": _layout(
            "Score distribution", f"total (out of {top:g}; bar b: b to under b+1)", "students"
        ),
    }
    summary = (
        f"{len(totals)} scored submissions out of {top:g} points: mean {totals.mean():.2f}, "
        f"median {totals.median():.2f}, lowest {totals.min():g}, highest {totals.max():g}."
    )
    return charts.figure(fig, "Bar chart of how many students reached each total score", summary)


def _questions(stats: Stats, charts: Charts) -> str:
    q = stats.questions
    if q.empty:
        return "<p>No question columns in the CSV.</p>"
    share = (q["mean"] / q["points"]).astype(float)
    fig = {
        "data": [
            {
                "type": "bar",
                "x": list(q.index),
                "y": [None if pd.isna(v) else round(v, 4) for v in share],
                "marker": {"color": "#1f5fa8"},
                "hovertemplate": "%{x}: mean %{y:.0%} of the points<extra></extra>",
            }
        ],
        "layout": {
            **_layout("Mean score per question", "question", "mean, share of points"),
            "yaxis": {
                "title": {"text": "mean, share of points"},
                "tickformat": ".0%",
                "range": [0, 1],
            },
        },
    }
    ranked = share.dropna().sort_values()
    hardest = ", ".join(f"{gid} ({v:.0%})" for gid, v in ranked.head(3).items())
    poor = [
        gid
        for gid, d in q["discrimination"].items()
        if d is not None and not pd.isna(d) and d < POOR_DISCRIMINATION
    ]
    summary = f"Lowest mean scores: {hardest or 'none'}. " + (
        f"Questions that separate the top and bottom 27% poorly (D < {POOR_DISCRIMINATION}): "
        + ", ".join(poor)
        + "."
        if poor
        else f"Every question has D of at least {POOR_DISCRIMINATION}."
    )
    rows = [
        [
            gid,
            r["kind"],
            f"{r['points']:g}",
            r["scored"],
            _fmt(r["mean"]),
            _fmt(r["full"], True),
            _fmt(r["not_answered"], True),
            _fmt(r["discrimination"]),
        ]
        for gid, r in q.iterrows()
    ]
    return charts.figure(fig, "Bar chart of the mean score of each question", summary) + table(
        [
            "question",
            "kind",
            "points",
            "scored",
            "mean",
            "full marks",
            "not answered",
            "discrimination D",
        ],
        rows,
        "Per question (D: upper minus lower 27% of the class by total, divided by the points)",
    )


def wrong_answers(stats: Stats) -> dict[str, dict[str, Counter[str]]]:
    """grade_id -> answer name -> Counter of the values written by students without full
    marks (unanswered names left out)."""
    out: dict[str, dict[str, Counter[str]]] = {}
    for gid, by_student in stats.answers.items():
        points = float(stats.questions.loc[gid, "points"])
        scores = stats.frame[gid]
        for sid, values in by_student.items():
            score = scores.get(sid)
            if score is None or pd.isna(score) or score >= points:
                continue
            for name, value in values.items():
                if value != NOT_ANSWERED:
                    out.setdefault(gid, {}).setdefault(name, Counter())[value] += 1
    return out


def _wrong(stats: Stats, names: Names) -> str:
    parts = []
    for gid, per_name in wrong_answers(stats).items():
        rows = [
            [name, names.text(value), n]
            for name, counts in per_name.items()
            for value, n in counts.most_common(5)
        ]
        parts.append(
            table(
                ["answer", "value (shown by the notebook, else read from the code)", "students"],
                rows,
                f"{gid}: most common answers without full marks (up to 5 per answer)",
            )
        )
    return "".join(parts) or "<p>No wrong answers to group.</p>"


def _words(stats: Stats, charts: Charts) -> str:
    parts = []
    for gid, counts in stats.words.items():
        written = pd.Series([n for n in counts.values() if n > 0], dtype=float)
        if written.empty:
            parts.append(f"<p>{esc(gid)}: nobody has written an answer.</p>")
            continue
        tens = (written // 10 * 10).astype(int).value_counts().sort_index()
        fig = {
            "data": [
                _bars(
                    [int(v) for v in tens.index],
                    [int(v) for v in tens.to_numpy()],
                    "#7a3e9d",
                    "%{x} to %{x}+9 words: %{y} students<extra></extra>",
                )
            ],
            "layout": _layout(f"Words written, {gid}", "words (bar: n to n+9)", "students"),
        }
        summary = (
            f"{gid}: {len(written)} of {len(counts)} students wrote an answer; median "
            f"{written.median():g} words, shortest {written.min():g}, longest {written.max():g}."
        )
        parts.append(charts.figure(fig, f"Histogram of words written for {gid}", summary))
    return "".join(parts) or "<p>No written questions.</p>"


def _late_missing(data: ClassInputs, names: Names) -> str:
    late, failed = [], []
    for row in data.grades:
        sid = row["student_id"]
        shown = names.show(sid, row["name"]) if sid else names.text(row.get("file", ""))
        if sid and (LATE.search(row["reason"]) or sid in data.late_by_gradebook):
            how = "marked LATE" if LATE.search(row["reason"]) else ""
            if sid in data.late_by_gradebook:
                how = (how + "; " if how else "") + f"{data.late_by_gradebook[sid]:.1f} h after due"
            late.append([shown, how])
        if row["status"] == NOT_GRADED:
            failed.append([shown, "(reason left out)" if names.anonymise else row["reason"]])
    handed = {row["student_id"] for row in data.grades if row["student_id"]}
    missing = [[names.show(s)] for s in data.roster if s not in handed]
    out = f"<p>{len(late)} late, {len(missing)} missing, {len(failed)} not graded.</p>"
    if late:
        out += table(["student", "late"], late, "Late submissions")
    if missing:
        out += table(["student"], missing, "Known to the gradebook, no submission")
    elif not data.roster:
        out += "<p>No gradebook student list: missing students cannot be listed.</p>"
    if failed:
        out += table(["submission", "reason"], failed, "Handed in but not graded")
    return out


def _manual(data: ClassInputs, stats: Stats, label: dict[str, str]) -> str:
    written = [q for q in data.questions if q.kind == "written"]
    if not written:
        return "<p>No written questions.</p>"
    rows = []
    for q in written:
        done = int(stats.frame[q.grade_id].notna().sum())
        rows.append([q.grade_id, done, len(stats.frame), f"{done / max(1, len(stats.frame)):.0%}"])
    waiting = [
        label.get(str(sid), "?")
        for sid in stats.frame.index
        if stats.frame.loc[sid, [q.grade_id for q in written]].isna().any()
    ]
    done = len(stats.frame) - len(waiting)
    out = f"<p>{done} of {len(stats.frame)} submissions have every written answer graded.</p>"
    out += table(["question", "graded", "submissions", "progress"], rows, "Manual grading")
    if waiting:
        out += (
            "<details><summary>Still to grade</summary><ul>"
            + "".join(f"<li>{esc(w)}</li>" for w in waiting)
            + "</ul></details>"
        )
    return out


def _pairs_html(pairs: list[sim.Pair], label: dict[str, str], names: Names, what: str) -> str:
    hints = [p for p in pairs if p.score >= sim.HINT_THRESHOLD]
    out = (
        f"<p>{len(hints)} pair(s) of {what} at or above {sim.HINT_THRESHOLD:.0%} shared "
        f"fingerprints (starter text and idioms most of the class writes excluded); "
        f"{len(pairs) - len(hints)} pair(s) share less. A high score is a reason to look "
        "closer, not evidence of copying.</p>"
    )
    for p in hints:
        rows = [[names.text(a), names.text(b)] for a, b in p.passages[:MAX_PASSAGES]]
        more = len(p.passages) - len(rows)
        out += (
            f"<details><summary>{esc(label[p.a])} and {esc(label[p.b])}: "
            f"{p.score:.0%} alike ({p.shared} shared fingerprints)</summary>"
            + "<table><thead><tr>"
            + f'<th scope="col">{esc(label[p.a])}</th><th scope="col">{esc(label[p.b])}</th>'
            + "</tr></thead><tbody>"
            + "".join(
                f"<tr><td><pre>{esc(a)}</pre></td><td><pre>{esc(b)}</pre></td></tr>"
                for a, b in rows
            )
            + "</tbody></table>"
            + (f"<p>{more} more matching passage(s) not shown.</p>" if more > 0 else "")
            + "</details>"
        )
    return out


def similarity_pairs(data: ClassInputs) -> tuple[list[sim.Pair], list[sim.Pair]]:
    """(code pairs, written-answer pairs), ranked; graded submissions only."""
    known = sim.known_names(*data.starter_code.values(), *data.setup_code)
    starter_units = [u for src in data.starter_code.values() for u in sim.code_units(src, known)]
    code_docs, text_docs = [], []
    written = [q for q in data.questions if q.kind == "written"]
    for sid, nb in sorted(data.notebooks.items()):
        units = [u for src in student_code(nb).values() for u in sim.code_units(src, known)]
        code_docs.append(sim.Document(sid, units))
        text = "\n".join(written_text(nb, q) for q in written)
        text_docs.append(sim.Document(sid, sim.text_units(text)))
    text_starter = [u for q in written for u in sim.text_units(q.starter)]
    return sim.rank_pairs(code_docs, starter_units), sim.rank_pairs(
        text_docs, text_starter, code=False
    )


def section(data: ClassInputs, charts: Charts, names: Names) -> str:
    stats = compute(data)
    label = {
        r["student_id"]: names.show(r["student_id"], r["name"])
        for r in data.grades
        if r["student_id"]
    }
    code_pairs, text_pairs = similarity_pairs(data)
    ps = esc(data.assignment)
    return (
        f'<section aria-labelledby="h-{ps}"><h2 id="h-{ps}">{ps}</h2>'
        f"<h3>Scores</h3>{_distribution(stats, charts)}"
        f"<h3>Questions</h3>{_questions(stats, charts)}"
        f"<h3>Most common wrong answers</h3>{_wrong(stats, names)}"
        f"<h3>Written answers: words</h3>{_words(stats, charts)}"
        f"<h3>Late, missing and not graded</h3>{_late_missing(data, names)}"
        f"<h3>Manual grading progress</h3>{_manual(data, stats, label)}"
        f"<h3>Similarity hints: code answers</h3>"
        f"{_pairs_html(code_pairs, label, names, 'code answers')}"
        f"<h3>Similarity hints: written answers</h3>"
        f"{_pairs_html(text_pairs, label, names, 'written answers')}</section>"
    )


DRAW = (
    "document.querySelectorAll('script.chart-data').forEach(function (s) {"
    "var f = JSON.parse(s.textContent);"
    "Plotly.newPlot(s.dataset.target, f.data, f.layout, {displayModeBar: false, responsive: true});"
    "});"
)
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem;"
    "color:#1a1a1a;background:#fff}table{border-collapse:collapse;margin:0.5rem 0 1rem}"
    "td,th{border:1px solid #888;padding:0.2rem 0.5rem;text-align:left;vertical-align:top}"
    "pre{white-space:pre-wrap;margin:0}figcaption{margin-bottom:1rem}caption{text-align:left;"
    "font-weight:bold}.chart{min-height:340px}"
)


def quiz_section(folder: Path, names: Names) -> str:
    """Kept quiz answers per question (:mod:`.quizresults`); no student is named in it."""
    results = quizresults.read_folder(folder)
    rows = []
    for q in quizresults.summarise(results):
        right_first = _fmt(q.right_first / q.answered, percent=True) if q.answered else "n/a"
        right_end = _fmt(q.right_in_end / q.answered, percent=True) if q.answered else "n/a"
        wrong = "; ".join(f"{text} ({n})" for text, n in q.wrong) or "none"
        rows.append([q.quiz, q.number, q.question, q.answered, right_first, right_end, wrong])
    n = len(results.students)
    text = (
        f"<p>Answers kept in the saved notebooks of {n} student folder(s); "
        f"{len(results.kept)} of them hold quiz answers. Right or wrong is decided from the "
        "quiz files; a wrong answer is counted once per student who gave it.</p>"
    )
    if rows:
        text += table(
            [
                "Quiz",
                "Question",
                "Text",
                "Answered",
                "Right at first try",
                "Right in the end",
                "Most common wrong answers (students)",
            ],
            rows,
            "Quiz answers per question",
        )
    else:
        text += "<p>No kept quiz answers were found.</p>"
    if results.problems and names.anonymise:
        text += f"<p>{len(results.problems)} file(s) could not be read (paths left out).</p>"
    elif results.problems:
        text += table(["File", "Why it was not read"], results.problems, "Files not read")
    heading = '<h2 id="quiz-answers">Quiz answers</h2>'
    return f'<section aria-labelledby="quiz-answers">{heading}{text}</section>'


def _csp_hash(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def build_report(
    out: Path,
    *,
    anonymise: bool = False,
    hub_course: Path | None = None,
    quiz_folder: Path | None = None,
) -> str:
    """The report's HTML for every problem set with a CSV in ``out``."""
    from rapprochement.export import plotly_js

    found = assignments_in(out)
    if not found:
        raise FileNotFoundError(f"no grades-<problem set>.csv in {out}: run make grade first")
    inputs = [load_inputs(out, ps, hub_course) for ps in found]
    names = Names(
        anonymise, _key(out) if anonymise else b"", _hidden_words(inputs) if anonymise else []
    )
    charts = Charts()
    body = "".join(section(data, charts, names) for data in inputs)
    if quiz_folder is not None:
        body += quiz_section(quiz_folder, names)
    plotly, _ = plotly_js()
    # plotly.js sets inline styles as it draws (blocked otherwise), hence 'unsafe-inline' for
    # styles only; scripts are allowed by hash, and no student text is ever markup
    csp = (
        "default-src 'none'; script-src "
        + _csp_hash(plotly)
        + " "
        + _csp_hash(DRAW)
        + "; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    title = "Class report" + (" (anonymised)" if anonymise else " (instructor's copy: names)")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
        f"<script>{plotly}</script></head><body><main><h1>{esc(title)}</h1>"
        "<p>Built from the gradebook CSV and the graded notebooks. Answers to autograded "
        "questions are read from the code as written (never run); similarity scores are hints "
        "for a closer look, not findings.</p>"
        f"{body}</main><script>{DRAW}</script></body></html>\n"
    )


def write_report(
    out: Path,
    *,
    anonymise: bool = False,
    target: Path | None = None,
    hub_course: Path | None = None,
    quiz_folder: Path | None = None,
) -> Path:
    page = build_report(out, anonymise=anonymise, hub_course=hub_course, quiz_folder=quiz_folder)
    path = target or out / ("class-report-anonymised.html" if anonymise else "class-report.html")
    path.write_text(page, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m rapprochement.grading.classreport",
        description="Write an offline HTML class report from a grading output folder.",
    )
    p.add_argument("out", type=Path, help="the grading output folder (make grade's --out)")
    p.add_argument("--anonymise", action="store_true", help="pseudonyms, no names or ids")
    p.add_argument("--output", type=Path, default=None, help="where to write the page")
    p.add_argument(
        "--course",
        type=Path,
        default=None,
        help="the nbgrader course folder the submissions were collected in (on the hub, "
        "~/course): its students (for missing submissions), due date and submission times",
    )
    p.add_argument(
        "--quiz-folder",
        type=Path,
        default=None,
        help="a folder with one sub-folder per student (on the hub, /home) whose saved "
        "notebooks keep quiz answers (RAPPROCHEMENT_KEEP_QUIZ_ANSWERS=1): adds a section "
        "summarising them per question",
    )
    args = p.parse_args(argv)
    try:
        path = write_report(
            args.out,
            anonymise=args.anonymise,
            target=args.output,
            hub_course=args.course,
            quiz_folder=args.quiz_folder,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"class report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
