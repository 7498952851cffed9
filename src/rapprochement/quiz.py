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

**Keeping answers for the instructor (off by default).** When the environment variable
:data:`KEEP_ANSWERS_ENV` is ``1`` in the kernel (a hub sets it for students' servers), each quiz
also shows a notice that answers are kept, and every answer given is written, as plain JSON, into
an output of the quiz cell (mime type :data:`ANSWERS_MIME`); saving the notebook saves it.
Nothing is sent anywhere: the instructor reads the saved notebooks
(:mod:`rapprochement.grading.quizresults`). Every answer is one attempt, in order, so the first
try stays known (see ``_KEEP_SCRIPT`` for why jupyterquiz's ``preserve_responses`` is not used).
Running the cell again starts a new list.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import string
from pathlib import Path
from typing import Any

from .focus import FOCUS_COLOR

__all__ = [
    "ANSWERS_MIME",
    "KEEP_ANSWERS_ENV",
    "QUIZ_DIR",
    "QuizFormatError",
    "available",
    "data_tag",
    "keeping_answers",
    "load",
    "quiz_id_in",
    "render",
    "show",
]

QUIZ_DIR = Path(__file__).with_name("quizzes")
_CHOICE_TYPES = ("multiple_choice", "many_choice")
_NUMERIC_KINDS = ("value", "range", "default")


#: The setting that turns on keeping quiz answers in the saved notebook: "1" on, unset or "0" off.
KEEP_ANSWERS_ENV = "RAPPROCHEMENT_KEEP_QUIZ_ANSWERS"
#: The mime type of the output that holds a quiz's kept answers (plain JSON, see :func:`show`).
ANSWERS_MIME = "application/vnd.rapprochement.quiz-answers+json"
#: Bounds on what the kernel keeps (a page could send anything).
MAX_ATTEMPTS = 500
MAX_ANSWER_CHARS = 300
#: The notice shown under a quiz whose answers are kept (the start page says the same).
KEEP_NOTICE = (
    "Your answers to this quiz are kept for your instructor: each answer you choose or type is "
    "written into this notebook and saved with it. Nothing is sent anywhere; your instructor "
    "reads the saved notebook."
)


def keeping_answers() -> bool:
    """Whether quiz answers are kept in the notebook (:data:`KEEP_ANSWERS_ENV` is ``1``)."""
    value = os.environ.get(KEEP_ANSWERS_ENV, "").strip()
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise ValueError(
        f"{KEEP_ANSWERS_ENV} must be 1 (keep quiz answers in the notebook) or 0 (do not), "
        f"got {value!r}"
    )


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
    precision = q.get("precision")
    if precision is not None and (
        isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 21
    ):
        # jupyterquiz rounds to `precision` significant digits with JavaScript's toPrecision,
        # which throws a RangeError for 0 (and the question then gives no feedback at all)
        raise _fail(
            quiz_id,
            n,
            f"'precision' must be a whole number of significant digits from 1 to 21, "
            f"got {precision!r}; leave it out to compare the number as typed",
        )
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


#: jupyterquiz's colours, changed where its defaults fail WCAG 2.2 AA contrast (4.5:1). The
#: feedback text, the chosen answer and the number box do not sit on the coloured question box
#: but on whatever is behind the quiz, so :data:`QUIZ_CSS` gives each question a white card of
#: its own (the same in light and dark themes); these colours are measured against it: dark
#: green and dark red, 6.6:1 as text on white and for white text on them.
QUIZ_COLORS = {
    "--jq-many-choice-bg": "#A33E03",
    "--jq-numeric-input-bg": "#FFFFFF",
    "--jq-numeric-input-label": "#1A1A1A",
    "--jq-incorrect-color": "#B3261E",
    "--jq-correct-color": "#1B6B2E",
    "--jq-link-color": "#C9DAFF",
}

#: Rules added after jupyterquiz's own styles, scoped to the quiz's container (``%(id)s``):
#: the card behind each question, readable feedback and chosen answers (no colour
#: animation, so what is read is the final colour), each answer's radio button hidden as
#: jupyterquiz means it to be (pages without an ``sr-only`` rule showed it), a typed number
#: dark on white until it is checked, and a visible focus ring on the answer that has the
#: keyboard focus and on the number box (:data:`rapprochement.focus.FOCUS_COLOR`, 4.7:1 on
#: the white card).
QUIZ_CSS = """
#%(id)s .Quiz {
  background: #FFFFFF; color: #1A1A1A; padding: 8px; box-sizing: border-box;
}
#%(id)s .Feedback { background: #FFFFFF; padding: 4px 6px; }
#%(id)s .Feedback.correct { color: var(--jq-correct-color); }
#%(id)s .Feedback.incorrect { color: var(--jq-incorrect-color); }
#%(id)s .Feedback a { color: #1A4FA0 !important; }
#%(id)s .MCButton { color: #1A1A1A; }
#%(id)s .MCButton input.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
#%(id)s .correctButton, #%(id)s .incorrectButton {
  animation: none; color: #FFFFFF; box-shadow: none;
}
#%(id)s .correctButton { background-color: var(--jq-correct-color); }
#%(id)s .incorrectButton { background-color: var(--jq-incorrect-color); }
#%(id)s .Input-text {
  background-color: #FFFFFF; color: #1A1A1A; border: 2px solid #595959;
}
#%(id)s .Input-text.correctButton, #%(id)s .Input-text.incorrectButton {
  color: #FFFFFF; border-color: transparent;
}
#%(id)s .Input-text.correctButton { background-color: var(--jq-correct-color); }
#%(id)s .Input-text.incorrectButton { background-color: var(--jq-incorrect-color); }
#%(id)s .InpLabel { color: #1A1A1A; }
#%(id)s .MCButton:focus-within, #%(id)s .Input-text:focus {
  outline: 3px solid %(focus)s; outline-offset: 2px;
}
@media (prefers-reduced-motion: reduce) {
  #%(id)s * { animation: none !important; transition: none !important; }
}
"""

# jupyterquiz has no option to leave MathJax alone: when a page has a MathJax object without
# ``typeset`` (JupyterLab 4, or an HTML export without MathJax) it loads MathJax 3 from a CDN,
# and it calls ``MathJax.typeset`` after every answer, which throws. Our quizzes contain no
# mathematics (currency is written "USD 100bn"), so its script runs in a scope where
# ``MathJax`` is undefined. The suffix makes the answers keyboard-safe (below), keeps
# JupyterLab's shortcuts away from them and names the number inputs for screen readers.
_SCRIPT_PREFIX = "(function () {\nvar MathJax = undefined;\n"
_SCRIPT_SUFFIX = """
function rapprochementQuizA11y(root) {
  // Each answer is a label around a visually hidden radio button. In a plain radio group the
  // arrow keys choose as they move, and jupyterquiz checks every answer passed over; here
  // they only move the focus (to the next or previous answer, Home and End to the first and
  // last), and Space or Enter gives the focused answer. Handled keys do not reach JupyterLab.
  root.querySelectorAll(".Answer").forEach(function (group) {
    var radios = Array.prototype.slice.call(group.querySelectorAll(".MCButton input"));
    if (!radios.length || group.dataset.rapprochementKeys) return;
    group.dataset.rapprochementKeys = "1";
    group.setAttribute("role", "radiogroup");
    var question = group.parentElement && group.parentElement.querySelector("[id^=quizQn]");
    if (question) group.setAttribute("aria-labelledby", question.id);
    radios.forEach(function (inp, k) {
      inp.setAttribute("data-lm-suppress-shortcuts", "true");
      inp.addEventListener("keydown", function (e) {
        var n = radios.length, to = null;
        if (e.key === "ArrowDown" || e.key === "ArrowRight") to = k + 1 < n ? k + 1 : 0;
        else if (e.key === "ArrowUp" || e.key === "ArrowLeft") to = k > 0 ? k - 1 : n - 1;
        else if (e.key === "Home") to = 0;
        else if (e.key === "End") to = n - 1;
        if (to !== null) {
          e.preventDefault();
          e.stopPropagation();
          radios[to].focus();
        } else if (e.key === "Enter") {
          e.preventDefault();
          e.stopPropagation();
          inp.click();
        }
      });
    });
  });
  root.querySelectorAll("input.Input-text").forEach(function (inp) {
    if (!inp.getAttribute("aria-label")) {
      inp.setAttribute("aria-label", "Your answer (a number; press Enter to check)");
    }
    inp.setAttribute("data-lm-suppress-shortcuts", "true");
    // jupyterquiz empties the box on focus: it is then a new answer, not yet checked
    inp.addEventListener("focus", function () {
      inp.classList.remove("correctButton", "incorrectButton");
    });
  });
  root.querySelectorAll(".Feedback").forEach(function (f) {
    f.setAttribute("aria-live", "polite");
  });
}
(function wait(n) {
  var root = document.getElementById("%(div_id)s");
  if (root && root.querySelector(".Quiz")) { rapprochementQuizA11y(root); return; }
  if (n > 0) setTimeout(function () { wait(n - 1); }, 100);
})(100);
})();
"""


def _div_id(quiz_id: str) -> str:
    state = random.getstate()
    try:
        random.seed(f"rapprochement-quiz:{quiz_id}")
        return "".join(random.choice(string.ascii_letters) for _ in range(12))
    finally:
        random.setstate(state)


# Runs with jupyterquiz's script when answers are kept: every answer given becomes one attempt
# {question (from 1), answer (the answer's text as shown, or the number as typed)}, and the whole
# list goes to the kernel through the widget (rapprochementKeep). A click on an answer reaches its
# hidden radio button once (also from the keyboard); a number is read when Enter is pressed,
# before jupyterquiz checks it. (jupyterquiz's own preserve_responses record is not used: in this
# version it reads the text of the hidden radio button, which is empty, so it keeps "" for every
# choice, and it writes copy-and-paste instructions into the page.)
_KEEP_SCRIPT = """
(function keep(n) {
  var root = document.getElementById("%(div_id)s");
  if (!root || !root.querySelector(".Quiz")) {
    if (n > 0) setTimeout(function () { keep(n - 1); }, 100);
    return;
  }
  if (typeof rapprochementKeep !== "function" || root.dataset.rapprochementKeep) return;
  root.dataset.rapprochementKeep = "1";
  var attempts = [];
  function record(el, answer) {
    var wrap = el.closest("[data-qnum]");
    if (!wrap || !answer) return;
    attempts.push({question: Number(wrap.dataset.qnum) + 1, answer: answer});
    rapprochementKeep(JSON.stringify(attempts));
  }
  root.addEventListener("click", function (e) {
    var t = e.target;
    var label = t && t.tagName === "INPUT" && t.closest(".MCButton");
    if (!label) return;
    var span = label.querySelector(":scope > span");
    record(label, (span ? span.textContent : label.textContent).trim());
  });
  root.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && t && t.matches && t.matches("input.Input-text")) {
      record(t, t.value.trim());
    }
  }, true);
})(100);
"""


def styles(div_id: str) -> str:
    """The quiz's CSS (jupyterquiz's styles with :data:`QUIZ_COLORS`, then :data:`QUIZ_CSS`),
    scoped to the container ``div_id``: comments and indentation taken out."""
    from jupyterquiz.dynamic.renderer import build_styles

    css = build_styles(div_id, {**_default_colors(), **QUIZ_COLORS})
    css = css.removeprefix("<style>").removesuffix("</style>")
    css += QUIZ_CSS % {"id": div_id, "focus": FOCUS_COLOR}
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).strip()


# Puts the quiz's <style> before its container (once); %(css)s is a JSON string.
_STYLE_SCRIPT = """
(function style(css, id, n) {
  var root = document.getElementById(id);
  if (!root) {
    if (n > 0) setTimeout(function () { style(css, id, n - 1); }, 100);
    return;
  }
  if (document.getElementById(id + "-style")) return;
  var el = document.createElement("style");
  el.id = id + "-style";
  el.textContent = css;
  root.parentNode.insertBefore(el, root);
})(%(css)s, "%(div_id)s", 100);
"""


def render(quiz_id: str, *, keep: bool = False) -> tuple[str, str]:
    """The HTML and the JavaScript that display quiz ``quiz_id`` (see :func:`show`); with
    ``keep``, the script also hands each answer given to the widget (``_KEEP_SCRIPT``).

    The HTML is the empty container (what a notebook stores); the script adds the styles
    (:func:`styles`) and the questions, so the 11 KB of CSS are not kept in every notebook.
    """
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, render_div

    questions = load(quiz_id)
    div_id = _div_id(quiz_id)
    prefix, static, url = load_questions_script(questions, div_id)
    html = render_div(div_id, False, True, False, 1_000_000, 800, 10, "left") + "</div>"
    script = (
        _SCRIPT_PREFIX
        + _STYLE_SCRIPT % {"css": json.dumps(styles(div_id)), "div_id": div_id}
        + build_script(prefix, static, url, div_id, True)
        + _SCRIPT_SUFFIX % {"div_id": div_id}
    )
    if keep:
        script = _KEEP_SCRIPT % {"div_id": div_id} + script
    return html, script


def _default_colors() -> dict[str, str]:
    """jupyterquiz's default palette (its display_quiz builds it inline; copied here)."""
    return {
        "--jq-multiple-choice-bg": "#392061",
        "--jq-mc-button-bg": "#fafafa",
        "--jq-mc-button-border": "#e0e0e0e0",
        "--jq-mc-button-inset-shadow": "#555555",
        "--jq-many-choice-bg": "#f75c03ff",
        "--jq-numeric-bg": "#392061ff",
        "--jq-numeric-input-bg": "#c0c0c0",
        "--jq-numeric-input-label": "#101010",
        "--jq-numeric-input-shadow": "#999999",
        "--jq-string-bg": "#4c1a57",
        "--jq-incorrect-color": "#c80202",
        "--jq-correct-color": "#009113",
        "--jq-text-color": "#fafafa",
        "--jq-link-color": "#9abafa",
    }


#: Marks the questions a quiz output carries (exporters find the quiz id by it).
DATA_CLASS = "rapprochement-quiz-data"
_DATA_TAG = re.compile(rf'<script type="application/json" class="{DATA_CLASS}" data-quiz="([^"]+)"')


def data_tag(quiz_id: str) -> str:
    """The quiz's questions as inert JSON in the page (nothing runs it; nbval compares it).

    Without each numeric question's ``source`` (the data row its answer comes from, which the
    tests check against data/ and the page never uses), in compact JSON.
    """
    questions = [{k: v for k, v in q.items() if k != "source"} for q in load(quiz_id)]
    text = json.dumps(questions, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("</", "<\\/")
    return (
        f'<script type="application/json" class="{DATA_CLASS}" data-quiz="{quiz_id}">'
        f"{text}</script>"
    )


def quiz_id_in(html: str) -> str | None:
    """The id of the quiz whose output ``html`` is (see :func:`show`), or None."""
    m = _DATA_TAG.search(html)
    return m.group(1) if m else None


def script_html(quiz_id: str) -> str:
    """The quiz's script as an HTML ``<script>`` element (for static pages and exports)."""
    return "<script>" + render(quiz_id)[1].replace("</", "<\\/") + "</script>"


def _unindent(js: str) -> str:
    """``js`` without the spaces that start its lines (10 KB of jupyterquiz's 45), unless a
    line could be inside a string that spans lines (a template literal, a backslash at the end
    of a line): there the spaces could be part of the text."""
    lines = js.split("\n")
    if any(line.count("`") % 2 or line.endswith("\\") for line in lines):
        return js
    return "\n".join(line.lstrip(" \t") for line in lines)


#: Stands for the container id in the styles :func:`library_js` carries (an id is 12 letters).
_PLACEHOLDER = "rapprochement-quiz-id"


def library_js() -> str:
    """jupyterquiz's code once, as ``window.rapprochementQuiz(questions, divId)``.

    For pages with many quizzes (the book loads it once from _static); the same MathJax guard
    and keyboard fixes as :func:`render`.
    """
    from importlib.resources import files

    js_dir = files("jupyterquiz").joinpath("js")
    modules = "".join(
        f.read_text(encoding="utf-8")
        for f in sorted(js_dir.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".js")
    )
    a11y = _SCRIPT_SUFFIX.split("(function wait(n)")[0]
    return (
        _SCRIPT_PREFIX
        + _unindent(modules)
        + a11y
        + f"var PLACEHOLDER = {json.dumps(_PLACEHOLDER)};\n"
        + f"var CSS = {json.dumps(styles(_PLACEHOLDER))};\n"
        + """window.rapprochementQuiz = function (questions, divId) {
  (function wait(n) {
    var root = document.getElementById(divId);
    if (root) {
      if (!document.getElementById(divId + "-style")) {
        var style = document.createElement("style");
        style.id = divId + "-style";
        style.textContent = CSS.split(PLACEHOLDER).join(divId);
        root.parentNode.insertBefore(style, root);
      }
      show_questions(questions, root);
      rapprochementQuizA11y(root);
      return;
    }
    if (n > 0) setTimeout(function () { wait(n - 1); }, 100);
  })(100);
};
})();
"""
    )


def call_html(quiz_id: str) -> str:
    """A ``<script>`` that shows quiz ``quiz_id`` with :func:`library_js` (loaded once)."""
    return (
        "<script>rapprochementQuiz(JSON.parse(document.querySelector("
        f'\'script[data-quiz="{quiz_id}"]\').textContent), "{_div_id(quiz_id)}");</script>'
    )


# Runs the quiz script when JupyterLab (or any anywidget front end) shows the widget. The
# script reaches the browser through the widget's state, which is never saved in the notebook
# (see scripts/execute_notebooks.py): the 40 KB of jupyterquiz's code stay out of the file.
# rapprochementKeep hands kept answers (a JSON text) to the kernel (see _KEEP_SCRIPT).
_RUNNER_ESM = """
export default {
  render({ model, el }) {
    el.style.display = "none";
    const keep = (text) => { model.set("answers", text); model.save_changes(); };
    new Function("rapprochementKeep", model.get("script"))(keep);
  }
};
"""


def clean_attempts(text: str) -> list[dict[str, Any]]:
    """The attempts a quiz page sent (JSON text), as plain data within bounds; [] if malformed."""
    try:
        raw = json.loads(text[: MAX_ATTEMPTS * (MAX_ANSWER_CHARS + 40)])
    except (json.JSONDecodeError, RecursionError):
        return []
    if not isinstance(raw, list):
        return []
    out: list[dict[str, Any]] = []
    for item in raw[:MAX_ATTEMPTS]:
        if not isinstance(item, dict):
            continue
        q, a = item.get("question"), item.get("answer")
        if isinstance(q, int) and not isinstance(q, bool) and 1 <= q <= 1000 and isinstance(a, str):
            out.append({"question": q, "answer": a[:MAX_ANSWER_CHARS]})
    return out


def answers_bundle(quiz_id: str, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """The output that holds the kept answers: the notice for people, the answers as JSON."""
    from html import escape

    count = f"Answers kept so far: {len(attempts)}."
    return {
        "text/plain": f"{KEEP_NOTICE} {count}",
        "text/html": (
            '<p class="rapprochement-quiz-kept" role="note"><strong>Answers kept.</strong> '
            f"{escape(KEEP_NOTICE)} {count}</p>"
        ),
        ANSWERS_MIME: {"quiz": quiz_id, "version": 1, "attempts": attempts},
    }


@functools.cache
def _runner() -> type:
    import anywidget
    import traitlets

    class QuizRunner(anywidget.AnyWidget):
        """Runs a quiz's script in the browser; the notebook keeps only a short text."""

        _esm = traitlets.Unicode(_RUNNER_ESM).tag(sync=True)
        script = traitlets.Unicode("").tag(sync=True)
        quiz_id = traitlets.Unicode("").tag(sync=True)
        answers = traitlets.Unicode("").tag(sync=True)
        display_id = traitlets.Unicode("")

        @traitlets.observe("answers")
        def _answers_changed(self, change: dict[str, Any]) -> None:
            if not self.display_id:
                return
            from IPython.display import update_display

            bundle = answers_bundle(self.quiz_id, clean_attempts(change["new"]))
            update_display(bundle, raw=True, display_id=self.display_id)

        def __repr__(self) -> str:
            return f"Quiz {self.quiz_id}: its questions appear above when the cell runs."

    return QuizRunner


def show(quiz_id: str) -> None:
    """Display quiz ``quiz_id`` with instant feedback (run the cell to see it).

    Rendered with jupyterquiz's own HTML, styles and scripts (:func:`render`), with three
    changes: colours with enough contrast, no MathJax (so nothing is fetched from a CDN and
    no error is logged after an answer), and keyboard access to the answer buttons.

    Two outputs: the quiz's container, styles and questions (inert JSON, compared by nbval),
    and a small widget that runs jupyterquiz's script in the browser. The script travels as
    widget state, which a saved notebook does not keep, so the 40 KB of jupyterquiz's code are
    not repeated in every committed notebook; the book and HTML exports put the script back
    from the quiz id (:func:`quiz_id_in`, :func:`script_html`).

    The output is deterministic: the container id is drawn from a generator seeded with the
    quiz id (answer order is shuffled in the browser, not in the output).

    When answers are kept (:func:`keeping_answers`), a third output between the two shows the
    notice and holds the answers given so far (:func:`answers_bundle`); the widget replaces it
    after every answer, so the saved notebook has them.
    """
    from IPython.display import HTML, display

    keep = keeping_answers()
    html, script = render(quiz_id, keep=keep)
    display(HTML(html + data_tag(quiz_id)))
    runner = _runner()(script=script, quiz_id=quiz_id)
    if keep:
        runner.display_id = f"rapprochement-quiz-answers-{quiz_id}-{id(runner)}"
        display(answers_bundle(quiz_id, []), raw=True, display_id=runner.display_id)
    display(runner)
