"""Each problem set as a student meets it in JupyterLab: answer one question right, one wrong,
leave the rest blank, write one answer in a box, save, Run All, and read the screen.

Works on a copy of the released exercise under artifacts/ (git-ignored), never on exercises/.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from rapprochement_support import lab

SOURCE = lab.REPO / "solutions" / "source"
RELEASE = lab.REPO / "exercises"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)

# A wrong answer a student might give, per problem set: (question number, code, words of the ✗)
WRONG = {
    "ps1-trade-statistics": ("1.3", "growth_2021 = 36.3", "looks like a percentage"),
    "ps2-mirror-statistics": ("2.2", "mirror_years = [2018, 2010]", "sort"),
    "ps3-argument-analysis": ("3.3", "real_2023_in_2019 = value_in(gacc, 2023) * 1.2", "wrong way"),
}
WRITTEN = (
    "The paper may give the year in which the figure was announced rather than the year it "
    "describes, or it may mean the record year, which was still the highest total when the "
    "paper was written. The notes of the rows in the data tell the two readings apart, since "
    "they give the date of each release. Either way the slip is small and does not change the "
    "argument of the paragraph about the target, which concerns the coming years and not the "
    "past."
)


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def _plan(assignment):
    """Cell indexes: (right answer, its code), (wrong answer), the code questions left blank,
    the first written answer, and the summary cell."""
    release = nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = {
        _meta(c)["grade_id"]: _SOLUTION.search(c.source).group(1)
        for c in source.cells
        if _meta(c).get("solution") and c.cell_type == "code"
    }
    answers = [
        (i, _meta(c)["grade_id"])
        for i, c in enumerate(release.cells)
        if _meta(c).get("solution") and c.cell_type == "code"
    ]
    question, wrong_code, _ = WRONG[assignment]
    wrong = next((i, g) for i, g in answers if g.endswith(f"q{question.replace('.', '-')}-answer"))
    right = next((i, g) for i, g in answers if (i, g) != wrong)
    blank = [(i, g) for i, g in answers if (i, g) not in (right, wrong)]
    written = next(
        i
        for i, c in enumerate(release.cells)
        if _meta(c).get("solution") and c.cell_type == "markdown"
    )
    summary = next(
        i for i, c in enumerate(release.cells) if _meta(c).get("grade_id", "").endswith("-summary")
    )
    return right, solutions[right[1]], wrong, wrong_code, blank, written, summary, release


def _number(grade_id: str) -> str:
    match = re.search(r"q(\d+)-(\d+)", grade_id)
    assert match
    return f"{match.group(1)}.{match.group(2)}"


def _type_into(page, cell, text: str) -> None:
    """Select everything in the cell's editor and type ``text`` over it (no auto-brackets)."""
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def _output(cell) -> str:
    return cell.locator(".jp-OutputArea-output").all_inner_texts()


@pytest.mark.browser
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_problem_set_as_a_student(lab_page, lab_server, assignment) -> None:
    page = lab_page
    right, right_code, wrong, wrong_code, blank, written, summary, release = _plan(assignment)
    folder = lab.ARTIFACTS / "problem-sets" / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(RELEASE / assignment / f"{assignment}.ipynb", folder)
    notebook = folder.relative_to(lab.REPO) / f"{assignment}.ipynb"

    lab.open_notebook(page, lab_server, notebook.as_posix())
    cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length === n",
        arg=len(release.cells),
        timeout=30_000,
    )

    # the answer box is visible before anything is typed: a blockquote with its hint
    # (JupyterLab renders Markdown cells when they scroll into view)
    cells.nth(written).scroll_into_view_if_needed()
    box = cells.nth(written).locator(".jp-RenderedMarkdown blockquote")
    assert "Double-click this box" in box.inner_text()

    _type_into(page, cells.nth(right[0]), right_code)
    _type_into(page, cells.nth(wrong[0]), wrong_code)
    cells.nth(written).locator(".jp-RenderedMarkdown").dblclick()
    header = release.cells[written].source.splitlines()[0]
    _type_into(page, cells.nth(written), f"{header}\n{WRITTEN}")
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.jp-NotebookPanel .jp-mod-dirty')", timeout=30_000
    )
    lab.run_all(page)

    problems = lab.page_problems(page)
    assert not problems, problems
    after = {i: "\n".join(_output(cells.nth(i + 1))) for i, _ in [right, wrong, *blank]}
    assert after[right[0]].startswith(f"✓ Question {_number(right[1])}: format ok")
    assert "hidden tests check" in after[right[0]]
    _, _, words = WRONG[assignment]
    assert after[wrong[0]].startswith(f"✗ Question {_number(wrong[1])}")
    assert words in after[wrong[0]]
    for i, gid in blank:
        assert after[i].startswith(f"… Question {_number(gid)}: not answered yet"), after[i]

    text = "\n".join(_output(cells.nth(summary)))
    n_written = sum(
        1 for c in release.cells if _meta(c).get("solution") and c.cell_type == "markdown"
    )
    count = len(WRITTEN.split())
    unanswered = len(blank) + n_written - 1
    expected = f"2 answered and passing their checks, 1 failing, {unanswered} not answered yet"
    assert expected in text, text
    assert "words (asked:" in text and f": {count} words" in text, text
    # written answer rendered inside its box, and no dollar sign turned into math anywhere
    cells.nth(written).scroll_into_view_if_needed()
    assert (
        WRITTEN[:40] in cells.nth(written).locator(".jp-RenderedMarkdown blockquote").inner_text()
    )
    for i in range(len(release.cells)):  # render every Markdown cell, then look for math
        cells.nth(i).scroll_into_view_if_needed()
    assert page.locator(".jp-Cell .jp-RenderedMarkdown").count() >= len(
        [c for c in release.cells if c.cell_type == "markdown"]
    )
    page.wait_for_timeout(2000)  # MathJax typesets asynchronously (seen in notebook 09)
    assert page.locator(".MathJax, mjx-container, .MathJax_Display").count() == 0
    cells.nth(written).scroll_into_view_if_needed()
    lab.screenshot(page, f"browser-{assignment}-answers.png")
    cells.nth(summary).scroll_into_view_if_needed()
    lab.screenshot(page, f"browser-{assignment}.png")
    assert not page.outside_requests, f"requests off the local server: {page.outside_requests}"
    assert not page.console_errors, f"console errors: {page.console_errors}"
