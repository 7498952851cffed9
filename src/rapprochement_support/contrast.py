"""Text contrast and focus rings measured on the rendered page (WCAG 2.2: 1.4.3, 2.4.7).

axe-core's ``color-contrast`` rule gives no answer inside JupyterLab (it takes the full-window
shell for a modal and skips what lies "under" it), so these checks compute the ratios from the
computed styles of what is on screen: each element that shows text, its colour, and the
background it is drawn on, found by walking up its ancestors and compositing every
semi-transparent background over the next until an opaque one (the page's canvas, white, if
none is). Background images are reported, not guessed. Elements placed over other content by
position (not by nesting) are outside this model; the quizzes and controls have none.

Plain functions on a Playwright page, used by the JupyterLab, book and export tests.
"""

from __future__ import annotations

from typing import Any

from rapprochement import quiz

#: WCAG 2.2 AA for text (1.4.3); the brief asks it of all quiz text, large or not.
TEXT_MIN = 4.5
#: WCAG 2.2 for a focus indicator against the colours next to it (1.4.11, 2.4.13).
RING_MIN = 3.0

_COLOR_JS = """
const parse = (c) => {
  const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]))
  .concat([1]);
const background = (el) => {
  const layers = []; let image = null;
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.backgroundImage && cs.backgroundImage !== 'none' && !image) image = cs.backgroundImage;
    const c = parse(cs.backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let base = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
  return {rgb: base.slice(0, 3), image: image ? image.slice(0, 80) : null};
};
const lum = (rgb) => {
  const f = (v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
};
const ratio = (a, b) => { const x = lum(a), y = lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const shown = (el) => {
  if (!el.getClientRects().length) return false;
  const cs = getComputedStyle(el);
  if (cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return false;
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1;
};
const describe = (el) => {
  const cls = typeof el.className === 'string' && el.className ? '.' +
    el.className.trim().split(/\\s+/).join('.') : '';
  return el.tagName.toLowerCase() + cls;
};
"""

#: Every piece of text shown inside the elements matched by a selector, with its contrast.
TEXT_CONTRAST = (
    "(selector) => {"
    + _COLOR_JS
    + """
  const found = [];
  const measure = (el, text) => {
    const cs = getComputedStyle(el);
    const fg = parse(cs.color); const bg = background(el);
    const fgOn = fg[3] < 1 ? over(fg, bg.rgb.concat([1])) : fg;
    found.push({what: describe(el), text: text.slice(0, 60), fg: fgOn.slice(0, 3),
                bg: bg.rgb, image: bg.image, ratio: ratio(fgOn, bg.rgb),
                classes: [...el.classList].concat(
                  [...(el.closest('.MCButton, .Feedback, .Input-text') || el).classList])});
  };
  for (const root of document.querySelectorAll(selector)) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!shown(el)) continue;
      if (el.matches('input[type=text], input:not([type]), textarea, select')) {
        if (el.value) measure(el, el.value);
        continue;
      }
      const text = [...el.childNodes].filter(n => n.nodeType === 3)
        .map(n => n.textContent).join('').trim();
      if (text) measure(el, text);
    }
  }
  return found;
}"""
)

#: The focus ring of an element: its outline, and the colours on both sides of it.
FOCUS_RING = (
    "(el) => {"
    + _COLOR_JS
    + """
  const cs = getComputedStyle(el);
  const width = parseFloat(cs.outlineWidth) || 0, offset = parseFloat(cs.outlineOffset) || 0;
  // what the ring is drawn on: the element's parent, and the first ancestor whose box holds
  // the whole ring (a slider handle's ring lies over the slider's track and over the page)
  const r = el.getBoundingClientRect(), grow = Math.max(offset, 0) + width;
  let holder = el.parentElement || el;
  while (holder.parentElement) {
    const h = holder.getBoundingClientRect();
    if (h.left <= r.left - grow && h.top <= r.top - grow && h.right >= r.right + grow
        && h.bottom >= r.bottom + grow) break;
    holder = holder.parentElement;
  }
  const around = [background(el.parentElement || el).rgb, background(holder).rgb];
  return {what: describe(el), style: cs.outlineStyle, width: width,
          color: (parse(cs.outlineColor) || [0, 0, 0, 0]).slice(0, 3),
          offset: offset, own: background(el).rgb, around: around,
          boxShadow: cs.boxShadow, borderColor: (parse(cs.borderTopColor) || [0,0,0,0]).slice(0, 3),
          borderWidth: parseFloat(cs.borderTopWidth) || 0};
}"""
)


def _lum(rgb: list[float]) -> float:
    def f(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2])


def ratio(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two sRGB colours (0-255)."""
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def texts(page: Any, selector: str) -> list[dict[str, Any]]:
    """Every visible text (and typed value) inside ``selector``, with colour, background, ratio."""
    return page.evaluate(TEXT_CONTRAST, selector)


def low_contrast(found: list[dict[str, Any]], minimum: float = TEXT_MIN) -> list[str]:
    """The texts below ``minimum`` (or drawn on a background image, which is not measured)."""
    bad = []
    for t in found:
        if t["ratio"] < minimum or t["image"]:
            bad.append(
                f"{t['what']} {t['text']!r}: {t['ratio']:.2f}:1 "
                f"(rgb{tuple(round(x) for x in t['fg'])} on rgb{tuple(round(x) for x in t['bg'])}"
                + (f", over {t['image']}" if t["image"] else "")
                + ")"
            )
    return bad


def ring(page: Any, element: Any) -> dict[str, Any]:
    """The focus ring of ``element`` (a Playwright element handle) as it is drawn now."""
    return page.evaluate(FOCUS_RING, element)


def ring_problem(r: dict[str, Any], minimum: float = RING_MIN) -> str | None:
    """Why the ring ``r`` (see :func:`ring`) is not a visible focus indicator, or None.

    An outline of at least 2 px whose colour stands out by ``minimum`` against what is next to
    it: the background around the element, and (unless the outline is drawn with a gap) the
    element's own background.
    """
    if r["style"] in ("none", "hidden") or r["width"] < 2:
        return f"{r['what']}: no focus ring (outline {r['style']} {r['width']} px)"
    against = [("around it", colour) for colour in r["around"]]
    if r["offset"] <= 0:
        against.append(("inside it", r["own"]))
    for where, colour in against:
        value = ratio(r["color"], colour)
        if value < minimum:
            return (
                f"{r['what']}: focus ring rgb{tuple(round(x) for x in r['color'])} is "
                f"{value:.2f}:1 against rgb{tuple(round(x) for x in colour)} {where}"
            )
    return None


def has_class(found: list[dict[str, Any]], name: str) -> bool:
    return any(name in t["classes"] for t in found)


# -- quizzes ---------------------------------------------------------------------------------

_STATE = """([root, i]) => {
    const wrap = document.querySelectorAll(root + ' .Quiz')[i];
    const fb = wrap.querySelector('.Feedback');
    const radios = [...wrap.querySelectorAll('.MCButton input')];
    return {feedback: fb && getComputedStyle(fb).display !== 'none' ? fb.textContent.trim() : '',
            fbClass: fb ? fb.className : '',
            chosen: wrap.querySelectorAll('.correctButton, .incorrectButton').length,
            checked: radios.filter(r => r.checked).length,
            focused: radios.indexOf(document.activeElement),
            focusInside: wrap.contains(document.activeElement)};
}"""


def _state(page: Any, root: str, i: int) -> dict[str, Any]:
    return page.evaluate(_STATE, [root, i])


def _settle(page: Any) -> None:
    """Wait for running animations (jupyterquiz animates answer colours) to end."""
    page.evaluate(
        "() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))"
    )


def _wait_feedback(page: Any, root: str, i: int, kind: str) -> str:
    page.wait_for_function(
        """([root, i, kind]) => { const w = document.querySelectorAll(root + ' .Quiz')[i];
            const fb = w && w.querySelector('.Feedback');
            return fb && fb.textContent.trim() && fb.classList.contains(kind)
                   && getComputedStyle(fb).display !== 'none'; }""",
        arg=[root, i, kind],
        timeout=10_000,
    )
    _settle(page)
    return str(_state(page, root, i)["feedback"])


def _numbers(question: dict[str, Any], correct: bool) -> list[str]:
    for a in question["answers"]:
        if a["type"] == "value" and a["correct"] == correct:
            return [f"{a['value']:g}"]
        if a["type"] == "range" and a["correct"] == correct:
            return [f"{(a['range'][0] + a['range'][1]) / 2:g}"]
    return ["-987654"]


def exercise_quiz(page: Any, quiz_id: str) -> dict[str, Any]:
    """Use quiz ``quiz_id`` on the page as a student does, measuring after every step.

    First by keyboard on the first choice question: the focus ring of the focused answer,
    arrow keys (they must move the focus and answer nothing), Enter to answer. Then every
    question answered wrong and right (choice: a click, then Space on the right answer;
    numeric: a wrong number, for a percentage the same number as a fraction, then a right one,
    each typed and Enter). After each answer every text in the quiz is measured.

    Returns ``texts`` (every measurement), ``rings`` (problems with focus rings), ``keys``
    (problems with the keyboard) and ``feedback`` (the feedback texts seen).
    """
    root = "#" + quiz._div_id(quiz_id)
    questions = quiz.load(quiz_id)
    page.wait_for_function(
        "([r, n]) => document.querySelectorAll(r + ' .Quiz').length === n",
        arg=[root, len(questions)],
        timeout=30_000,
    )
    wraps = page.locator(f"{root} .Quiz")
    out: dict[str, Any] = {"texts": [], "rings": [], "keys": [], "feedback": []}

    def measure() -> None:
        out["texts"].extend(texts(page, root))

    def check_ring(handle: Any, what: str) -> None:
        problem = ring_problem(ring(page, handle))
        if problem:
            out["rings"].append(f"{what}: {problem}")

    measure()  # before any answer
    first = next(i for i, q in enumerate(questions) if q["type"] != "numeric")
    wrap = wraps.nth(first)
    wrap.scroll_into_view_if_needed()
    radios = wrap.locator(".MCButton input")
    n = radios.count()
    radios.nth(0).focus()
    for k in range(n):
        now = _state(page, root, first)
        if now["focused"] != k:
            out["keys"].append(f"after {k} x ArrowDown the focus is on answer {now['focused']}")
            break
        check_ring(wrap.locator(".MCButton").nth(k).element_handle(), f"answer {k} focused")
        if now["feedback"] or now["chosen"] or now["checked"]:
            out["keys"].append(f"moving to answer {k} by arrow key answered it: {now}")
        page.keyboard.press("ArrowDown")
    if _state(page, root, first)["focused"] != 0:
        out["keys"].append("ArrowDown on the last answer does not go back to the first")
    page.keyboard.press("ArrowUp")
    if _state(page, root, first)["focused"] != n - 1:
        out["keys"].append("ArrowUp on the first answer does not go to the last")
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(
            "([r, i]) => document.querySelectorAll(r + ' .Quiz')[i]"
            ".querySelector('.Feedback').textContent.trim().length > 0",
            arg=[root, first],
            timeout=10_000,
        )
    except Exception:
        out["keys"].append("Enter on a focused answer gives no feedback")
    _settle(page)
    measure()

    for i, q in enumerate(questions):
        wrap = wraps.nth(i)
        wrap.scroll_into_view_if_needed()
        if q["type"] == "numeric":
            box = wrap.locator("input.Input-text")
            box.focus()
            check_ring(box.element_handle(), f"question {i + 1}: number box focused")
            typed = [(x, "incorrect") for x in _numbers(q, False)]
            if "percentage" in q["question"].lower():
                typed += [(f"{float(x) / 100:g}", "incorrect") for x in _numbers(q, True)]
            typed += [(x, "correct") for x in _numbers(q, True)]
            for value, kind in typed:
                box.fill(value)
                box.press("Enter")
                out["feedback"].append((value, _wait_feedback(page, root, i, kind)))
                measure()
        else:
            wrap.locator(".MCButton[data-correct='false']").first.click()
            out["feedback"].append(("wrong", _wait_feedback(page, root, i, "incorrect")))
            measure()
            right = wrap.locator(".MCButton[data-correct='true']").first
            right.locator("input").focus()
            check_ring(right.element_handle(), f"question {i + 1}: chosen answer focused")
            right.locator("input").press("Space")
            out["feedback"].append(("right", _wait_feedback(page, root, i, "correct")))
            measure()
    return out


def quiz_problems(result: dict[str, Any]) -> list[str]:
    """What :func:`exercise_quiz` found wrong, including states it never got to measure."""
    found = result["texts"]
    problems = sorted(set(low_contrast(found)))
    for name, what in (
        ("correct", "feedback for a right answer"),
        ("incorrect", "feedback for a wrong answer"),
        ("correctButton", "an answer chosen right"),
        ("incorrectButton", "an answer chosen wrong"),
    ):
        if not has_class(found, name):
            problems.append(f"never measured: {what}")
    if not any(t["what"].startswith("input") for t in found):
        problems.append("never measured: a typed number")
    return problems + result["rings"] + result["keys"]
