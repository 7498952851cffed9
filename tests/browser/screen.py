"""What a student sees, checked in the browser: widths, MathJax, quizzes, controls, axe.

Plain functions on a Playwright page showing a notebook after Run All; the tests in
``test_screen.py`` call them for every notebook.
"""

from __future__ import annotations

from typing import Any

from rapprochement import quiz

# -- layout -------------------------------------------------------------------------------

OVERFLOWING_CHARTS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output .js-plotly-plot')]
    .map((gd, i) => {
        const svg = gd.querySelector('.main-svg');
        const out = gd.closest('.jp-OutputArea-output');
        if (!svg || !out) return null;
        const w = svg.getBoundingClientRect().width, o = out.getBoundingClientRect().width;
        const box = svg.getBoundingClientRect();
        const over = box.right - out.getBoundingClientRect().right;
        if (over > 1) return `chart ${i}: ${Math.round(w)} px wide in a ${Math.round(o)} px output`;
        // text the chart's own frame cuts off (legend entries, captions, titles, tick labels)
        const cut = [...gd.querySelectorAll('.main-svg text, .main-svg .legendtext')]
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .filter(t => { const r = t.getBoundingClientRect();
                           return r.right > box.right + 1 || r.left < box.left - 1; })
            .map(t => t.textContent.trim().slice(0, 40));
        return cut.length ? `chart ${i} (${Math.round(w)} px): text cut off at its edge: `
                            + JSON.stringify(cut.slice(0, 3)) : null;
    }).filter(x => x)"""


def overflowing_charts(page: Any) -> list[str]:
    """Charts whose drawing reaches past the right edge of their output area, or whose text
    (legend, caption, title, tick labels) reaches past the chart's own edge, where it is cut."""
    return page.evaluate(OVERFLOWING_CHARTS)


def wait_for_charts_to_fit(page: Any, timeout: float = 30_000) -> None:
    """After a window resize plotly redraws each chart to its new width; wait for that."""
    try:
        page.wait_for_function(f"() => ({OVERFLOWING_CHARTS})().length === 0", timeout=timeout)
    except Exception as exc:
        raise AssertionError(f"charts still too wide: {overflowing_charts(page)}") from exc


def mathjax_in_tables(page: Any) -> int:
    """MathJax elements inside output tables (a "$" pair typeset as a formula)."""
    return int(
        page.evaluate(
            "() => document.querySelectorAll('.jp-OutputArea-output table mjx-container,"
            " .jp-OutputArea-output table .MathJax, .jp-OutputArea-output table .MathJax_SVG')"
            ".length"
        )
    )


# -- quizzes -------------------------------------------------------------------------------


def _feedback_of(page: Any, q_index: int) -> dict[str, str]:
    return page.evaluate(
        """(i) => { const fb = document.querySelectorAll('.Quiz .Feedback')[i];
            return {text: fb ? fb.textContent.trim() : '', cls: fb ? fb.className : ''}; }""",
        q_index,
    )


def _wait_feedback(page: Any, q_index: int, kind: str) -> str:
    page.wait_for_function(
        """([i, kind]) => { const fb = document.querySelectorAll('.Quiz .Feedback')[i];
            return fb && fb.textContent.trim().length > 0 && fb.classList.contains(kind)
                   && getComputedStyle(fb).display !== 'none'; }""",
        arg=[q_index, kind],
        timeout=10_000,
    )
    return _feedback_of(page, q_index)["text"]


def _a_numeric_answer(question: dict[str, Any], correct: bool) -> str:
    for a in question["answers"]:
        if a["type"] == "value" and a["correct"] == correct:
            return f"{a['value']:g}"
        if a["type"] == "range" and a["correct"] == correct:
            low, high = a["range"]
            return f"{(low + high) / 2:g}"
    assert not correct, "a numeric question without a correct answer"
    # a number far from every listed value falls to the default (wrong) feedback
    return "-987654"


def answer_every_question(page: Any, quiz_id: str) -> list[str]:
    """Answer each question once right and once wrong; return the feedback texts seen.

    Choice questions: click a wrong answer, then a right one (many_choice: one right one).
    Numeric questions: type a wrong number and Enter, then a right one and Enter. Each answer
    must show feedback of its kind (class ``incorrect`` or ``correct``) in that question.
    """
    questions = quiz.load(quiz_id)
    wraps = page.locator(".Quiz")
    assert wraps.count() == len(questions), (wraps.count(), len(questions))
    seen = []
    for i, q in enumerate(questions):
        wrap = wraps.nth(i)
        wrap.scroll_into_view_if_needed()
        if q["type"] == "numeric":
            box = wrap.locator("input.Input-text")
            for correct in (False, True):
                box.fill(_a_numeric_answer(q, correct))
                box.press("Enter")
                seen.append(_wait_feedback(page, i, "correct" if correct else "incorrect"))
        else:
            wrong = wrap.locator(".MCButton[data-correct='false']").first
            right = wrap.locator(".MCButton[data-correct='true']").first
            wrong.click()
            seen.append(_wait_feedback(page, i, "incorrect"))
            # and by keyboard: each answer holds a radio button, chosen with Space
            radio = right.locator("input")
            radio.focus()
            radio.press("Space")
            seen.append(_wait_feedback(page, i, "correct"))
    return seen


# -- widgets -------------------------------------------------------------------------------

ROOTS = ".rapprochement-explorer"
#: Upper bound for one redraw. The wait ends as soon as the redraw condition holds; the bound
#: is long because a shared 2-core machine under full load has been seen to take 20 s.
STEP_TIMEOUT = 60_000

_STATE = """(i) => {
    const root = document.querySelectorAll('.rapprochement-explorer')[i];
    const s = root.querySelector('.rapprochement-summary');
    const gd = root.querySelector('.js-plotly-plot');
    const drawn = gd && gd.data ? gd.data.filter(t => t.showlegend !== false && t.name &&
        t.x && t.x.length && t.y && Array.from(t.y).some(v => v !== null && isFinite(v)))
        .map(t => t.name.replace(/<[^>]+>/g, '')) : [];
    return {update: s ? Number(s.dataset.update) : -1,
            series: s ? s.dataset.series : '', drawn: drawn,
            svg: !!(gd && gd.querySelector('.main-svg')),
            message: (root.querySelector('.rapprochement-message') || {}).textContent || ''};
}"""

_REDRAWN = """([i, before]) => {
    const root = document.querySelectorAll('.rapprochement-explorer')[i];
    const s = root.querySelector('.rapprochement-summary');
    if (!s || Number(s.dataset.update) <= before) return false;
    const gd = root.querySelector('.js-plotly-plot');
    if (!gd || !gd.data || !gd.querySelector('.main-svg')) return false;
    const want = s.dataset.series ? s.dataset.series.split('|') : [];
    const names = new Set(gd.data.filter(t => t.x && t.x.length).map(
        t => (t.name || '').replace(/<[^>]+>/g, '')));
    // the chart on screen has every series the kernel says it drew (the redraw is done)
    return want.every(n => names.has(n));
}"""


def explorer_count(page: Any) -> int:
    return page.locator(ROOTS).count()


def state(page: Any, i: int) -> dict[str, Any]:
    return page.evaluate(_STATE, i)


def _step(page: Any, i: int, action: Any, what: str, log: list[str]) -> None:
    """Do ``action`` and wait until explorer ``i`` has redrawn (or shown why not)."""
    before = state(page, i)["update"]
    action()
    try:
        page.wait_for_function(_REDRAWN, arg=[i, before], timeout=STEP_TIMEOUT)
    except Exception as exc:
        raise AssertionError(f"{what}: no redraw; state {state(page, i)}; steps {log}") from exc
    after = state(page, i)
    assert after["svg"], f"{what}: the chart is gone"
    log.append(f"{what}: {after['series'][:60]!r} {after['message'][:60]!r}")


def use_each_explorer(page: Any) -> None:
    """One change per explorer: its first toggle button that is not pressed, else its first
    list's second option; wait for the redraw (``_REDRAWN``), and say which did not."""
    for i in range(explorer_count(page)):
        root = page.locator(ROOTS).nth(i)
        root.scroll_into_view_if_needed()
        before = state(page, i)["update"]
        toggles = root.locator(".widget-toggle-buttons button[aria-pressed='false']")
        if toggles.count():
            toggles.first.click()
        else:
            root.locator("select[multiple] option").nth(1).click()
        try:
            page.wait_for_function(_REDRAWN, arg=[i, before], timeout=STEP_TIMEOUT)
        except Exception as exc:
            errors = getattr(page, "console_errors", [])
            raise AssertionError(
                f"explorer {i} did not redraw: {state(page, i)}; console: {errors}"
            ) from exc


def _value_now(handle: Any) -> str | None:
    return handle.get_attribute("aria-valuenow")


def move_every_control(page: Any, i: int) -> list[str]:
    """Move every control of explorer ``i`` through its range, checking the chart each step.

    Sliders by keyboard (Home, End, Home on each handle), drop-downs by arrow keys through
    every option, lists by arrow keys through every option and then an empty selection
    (Ctrl-click), toggle buttons by clicking each. Disabled controls are skipped. Each step
    waits for the explorer's redraw condition (see ``_REDRAWN``), never for a fixed time.
    """
    root = page.locator(ROOTS).nth(i)
    log: list[str] = []
    handles = root.locator(".noUi-handle")
    for h in range(handles.count()):
        handle = handles.nth(h)
        name = handle.get_attribute("aria-label") or f"slider {h}"
        for key in ("Home", "End", "Home"):
            old = _value_now(handle)
            handle.focus()

            def press(handle: Any = handle, key: str = key) -> None:
                handle.press(key)

            # a key that does not change the value (already at that end) sends nothing
            before = state(page, i)["update"]
            press()
            if _value_now(handle) == old:
                continue
            try:
                page.wait_for_function(_REDRAWN, arg=[i, before], timeout=STEP_TIMEOUT)
            except Exception as exc:
                raise AssertionError(
                    f"{name} {key}: no redraw; state {state(page, i)}; steps {log}"
                ) from exc
            log.append(f"{name} {key} -> {_value_now(handle)}")
    selects = root.locator("select:not([multiple])")
    for s in range(selects.count()):
        sel = selects.nth(s)
        if sel.is_disabled():
            continue
        n = sel.locator("option").count()
        sel.focus()
        if sel.evaluate("e => e.selectedIndex") != 0:
            _step(page, i, lambda sel=sel: sel.press("Home"), "dropdown Home", log)
        for k in range(1, n):
            _step(page, i, lambda sel=sel: sel.press("ArrowDown"), f"dropdown option {k}", log)
            assert sel.evaluate("e => e.selectedIndex") == k, "arrow key did not move the choice"
    lists = root.locator("select[multiple]")
    for s in range(lists.count()):
        box = lists.nth(s)
        options = box.locator("option")
        n = options.count()
        _step(page, i, lambda o=options.first: o.click(), "list option 0", log)
        box.focus()
        for k in range(1, n):
            _step(page, i, lambda box=box: box.press("ArrowDown"), f"list option {k}", log)
            assert box.evaluate("e => e.selectedIndex") == k, "arrow key did not move the choice"
        last = options.nth(n - 1)
        _step(page, i, lambda o=last: o.click(modifiers=["Control"]), "list emptied", log)
        assert box.evaluate("e => e.selectedOptions.length") == 0
        _step(page, i, lambda o=options.first: o.click(), "list option 0 again", log)
    buttons = root.locator(".widget-toggle-buttons button")
    for b in range(buttons.count()):
        button = buttons.nth(b)
        if button.get_attribute("aria-pressed") == "true" or button.is_disabled():
            continue
        _step(page, i, lambda button=button: button.click(), f"toggle {button.inner_text()}", log)
        page.wait_for_function(
            "(b) => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle()
        )
    return log


# -- accessibility -----------------------------------------------------------------------

#: The collection's own content: rendered markdown and cell outputs (not JupyterLab itself).
AXE_CONTEXT = {"include": [[".jp-OutputArea-output"], [".jp-RenderedMarkdown"]]}


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations in the collection's own content."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context=AXE_CONTEXT,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        },
    )
    found = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [n["html"][:160] for n in v["nodes"][:3]]
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {targets}")
    return found
