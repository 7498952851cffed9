"""What the problem sets say: written answers, rubrics with anchors, hand-in notes, links
between notebooks and problem sets, and the corrected answer keys (checked against data/)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import csv_rows

from rapprochement_support.expected import GACC_TOTAL
from rapprochement_support.samples import nbgrader_meta

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "solutions" / "source"
RELEASE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _source(assignment):
    return nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)


def _release(assignment):
    return nbformat.read(RELEASE / assignment / f"{assignment}.ipynb", as_version=4)


def _written(nb):
    return [
        (i, c)
        for i, c in enumerate(nb.cells)
        if nbgrader_meta(c).get("solution") and c.cell_type == "markdown"
    ]


def _key(assignment, grade_id):
    return next(
        c.source for c in _source(assignment).cells if nbgrader_meta(c).get("grade_id") == grade_id
    )


def _gacc():
    return {
        int(r["year"]): float(r["value_usd_bn"])
        for r in csv_rows(ROOT / "data" / "trade.csv")
        if r["reporter"] == "china_customs" and r["flow"] == "total"
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_written_answers_have_box_limit_sources_and_criteria(assignment):
    release = _release(assignment)
    written = _written(release)
    assert written
    for index, cell in written:
        question = release.cells[index - 1].source
        assert cell.source.startswith("> ✎ **Your answer to Question"), cell.source[:80]
        assert "Double-click this box" in cell.source
        assert re.search(r"\(\d+-\d+ words\)", cell.source)
        assert "YOUR ANSWER HERE" in cell.source
        assert "*Draws on* ¶" in question, question[:80]
        assert "**How it is graded (" in question
        assert "Model answer" not in question and "Rubric" not in question


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_rubrics_have_anchors_for_each_point(assignment):
    for _, cell in _written(_source(assignment)):
        rubric = cell.source.split("**Rubric", 1)[1]
        assert "anchors" in rubric.split("\n", 1)[0]
        bullets: list[str] = []
        for line in rubric.splitlines():
            if line.startswith("* "):
                bullets.append(line)
            elif line.startswith("  ") and bullets:
                bullets[-1] += " " + line.strip()
        points = nbgrader_meta(cell)["points"]
        if any(b.startswith("* 0:") for b in bullets):  # levels: one anchor per score
            levels = {b[2:4] for b in bullets}
            assert levels == {f"{n}:" for n in range(int(points) + 1)}, bullets
            continue
        assert len(bullets) >= min(points, 3), rubric
        for bullet in bullets:
            assert "Full:" in bullet and "0:" in bullet, bullet


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_problem_set_ends_with_how_to_hand_in(assignment):
    cells = _release(assignment).cells
    last = cells[-1].source
    assert last.startswith("## How to hand in")
    assert f"`{assignment}.ipynb`" in last and "Renamed files" in last and "Check first" in last
    assert nbgrader_meta(cells[-2]).get("grade_id", "").endswith("-summary")
    assert "checks.summary(" in cells[-2].source


def _builds_on(assignment):
    intro = _source(assignment).cells[0].source
    sentence = intro.split("**Builds on**", 1)[1].split(";", 1)[0]
    return re.findall(r"(?<![¶\d])(\d{2})\b", sentence)  # notebook numbers, not ¶


def _next_ps_cell(number):
    """The notebook's last cell, which names the problem sets that follow it."""
    path = next((ROOT / "notebooks").glob(f"{number}-*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert cells[-1]["cell_type"] == "markdown", path.name
    return "".join(cells[-1]["source"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_problem_sets_and_notebooks_name_each_other(assignment):
    numbers = _builds_on(assignment)
    assert numbers, "each problem set names the notebooks it builds on"
    for number in numbers:
        assert f"exercises/{assignment}/{assignment}.ipynb" in _next_ps_cell(number), number
    start = json.loads((ROOT / "notebooks" / "00-start-here.ipynb").read_text(encoding="utf-8"))
    table = "".join(next(c["source"] for c in start["cells"] if c.get("id") == "00-05"))
    assert f"../exercises/{assignment}/{assignment}.ipynb" in table


def test_every_notebook_ends_with_a_working_problem_set_link():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        text = _next_ps_cell(path.name[:2])
        links = re.findall(r"\]\((\.\./exercises/[^)]+)\)", text)
        assert links, path.name
        for link in links:
            assert (path.parent / link).resolve().is_file(), (path.name, link)


def test_questions_do_not_repeat_what_notebook_06_prints():
    """Notebook 06 prints the first years above USD 100bn and 200bn and the 2018 gap in USD bn
    and against Russia's figure: ask the next step."""
    ps1 = "\n".join(c.source for c in _release("ps1-trade-statistics").cells)
    ps3 = "\n".join(c.source for c in _release("ps3-argument-analysis").cells)
    assert "first_100 =" not in ps1 and "first_50 = None" in ps1
    assert "first_200" not in ps3 and "real_2023_in_2019 = None" in ps3
    ps2 = "\n".join(c.source for c in _release("ps2-mirror-statistics").cells)
    assert "gap_2018 = None" not in ps2 and "gap_pct_of_china_2018 = None" in ps2


def test_d1_share_of_the_rise_before_the_war_is_computed_not_typed():
    g = _gacc()
    share = (g[2021] - g[2020]) / (g[2023] - g[2020])
    assert 0.25 < share < 0.35  # "about 30%": the review's D1, recomputed from trade.csv
    answer = _key("ps3-argument-analysis", "ps3-q3-4-answer")
    assert "share_of_rise_2021 = (value_in(gacc, 2021) - value_in(gacc, 2020))" in answer
    key = _key("ps3-argument-analysis", "ps3-q3-5-written")
    assert f"about {round(share * 10) * 10}% of the 2020-2023 rise" in key
    assert "`share_of_rise_2021`" in key
    assert "nothing in the data up to 2021 predicted" not in key


def test_d2_dependence_uses_china_share_of_russia_trade():
    key = _key("ps2-mirror-statistics", "ps2-q2-7-written")
    stated = {
        float(r["share_pct"])
        for r in csv_rows(ROOT / "data" / "partner_shares.csv")
        if r["share_of"].startswith("china_in_russia")
    }
    model = key.split("**Rubric")[0]
    sentence = model.split("dependence on China", 1)[1].split("These are", 1)[0]
    figures = {float(x) for x in re.findall(r"(\d+(?:\.\d+)?)% of Russia", sentence)}
    figures |= {float(x) for x in re.findall(r"(\d+(?:\.\d+)?)% \(", sentence)}
    figures |= {
        float(x) for x in re.findall(r"about (\d+)% of Russia's exports and (\d+)%", sentence)[0]
    }
    assert figures and figures <= stated, (figures, stated)
    assert "Russia's share of China's trade reached about 4%" not in key


def test_d9_and_a_second_causal_reading_in_q3_6():
    key = _key("ps3-argument-analysis", "ps3-q3-6-written")
    assert "since 2012-13" in key and "November 2012" in key and "March 2013" in key
    assert "regime security" in key


def test_q3_2_lenses_are_graded_by_people():
    release = _release("ps3-argument-analysis")
    ids = {nbgrader_meta(c).get("grade_id"): c for c in release.cells}
    assert "ps3-q3-2-answer" not in ids and "ps3-q3-2-test" not in ids
    cell = ids["ps3-q3-2-written"]
    assert cell.cell_type == "markdown" and nbgrader_meta(cell)["points"] == 2
    assert "lenses" not in "\n".join(c.source for c in release.cells if c.cell_type == "code")


def test_q3_5_setup_prints_the_events_whole():
    setup = next(c for c in _source("ps3-argument-analysis").cells if c.cell_type == "code")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(setup.source, "setup", "exec"), {})  # noqa: S102
    events = [r for r in csv_rows(ROOT / "data" / "events.csv") if int(r["year"]) >= 2021]
    assert events
    for row in events:
        assert f"{row['date']} | {row['event']}" in printed.getvalue()


def _cpi():
    return {
        int(r["year"]): float(r["cpi_u_annual_avg"]) for r in csv_rows(ROOT / "data" / "us_cpi.csv")
    }


def test_figures_typed_in_the_keys_match_the_data():
    g, c = _gacc(), _cpi()
    rate = lambda a, b, n: (b / a) ** (1 / n) - 1  # noqa: E731
    ps1_q8 = _key("ps1-trade-statistics", "ps1-q1-8-written")
    assert f"about {100 * rate(g[2019], 200, 5):.1f}% a" in ps1_q8
    assert f"about {100 * rate(g[2011], 200, 9):.1f}% a year from 2011" in ps1_q8
    assert f"about {100 * rate(g[2011], g[2020], 9):.1f}% a year from 2011 to 2020" in ps1_q8
    assert f"about USD {g[2014] * c[2024] / c[2014]:.0f}bn in 2024 dollars" in ps1_q8
    first_50 = min(y for y, v in g.items() if v > 50)
    first_100 = min(y for y, v in g.items() if v > 100)
    assert first_100 - first_50 == 10 and "took ten years" in ps1_q8
    real_first = min(y for y, v in g.items() if v * c[2018] / c[y] > 100)
    assert f"exceeded USD 100bn in {real_first}" in ps1_q8
    ps3_q5 = _key("ps3-argument-analysis", "ps3-q3-5-written")
    assert f"about {100 * rate(g[2020], 200, 4):.1f}% a year" in ps3_q5
    assert f"about {100 * rate(g[2020], g[2023], 3):.1f}% a" in ps3_q5
    assert 200 < g[2023] * c[2019] / c[2023] < 205 and "only just above the" in ps3_q5
    for year in (2018, 2019, 2020):
        assert g[year] == GACC_TOTAL[year]
    assert f"USD {g[2023]:.2f}bn" in ps3_q5


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_title_states_the_sum_of_the_points(assignment):
    nb = _source(assignment)
    stated = int(re.search(r"\((\d+) points\)", nb.cells[0].source.splitlines()[0]).group(1))
    assert stated == sum(
        nbgrader_meta(c)["points"] for c in nb.cells if nbgrader_meta(c).get("grade")
    )


POST_2022 = ("lo2022turning", "kluge2024dependence", "weitz2024view", "yan2022conundrum")


def test_q3_5_weighs_a_reading_written_after_february_2022():
    release = _release("ps3-argument-analysis")
    index, cell = next(
        (i, c) for i, c in _written(release) if nbgrader_meta(c)["grade_id"] == "ps3-q3-5-written"
    )
    question = release.cells[index - 1].source
    assert nbgrader_meta(cell)["points"] == 4 and "(120-220 words)" in cell.source
    assert "**Question 3.5 (4 points, written).**" in question and "120-220" in question
    entries = {e["id"]: e for e in json.loads((ROOT / "data" / "bibliography.json").read_text())}
    hindsight = (ROOT / "text" / "09-hindsight.md").read_text(encoding="utf-8")
    section_5 = hindsight.split("\n## 5.", 1)[1].split("\n## 6.", 1)[0]
    cited = re.findall(r"\]\(\.\./\.\./docs/reading-list\.md#(\w+)\)", question)
    assert set(POST_2022) <= set(cited), cited
    for key in cited:  # each one written after the invasion and offered in notebook 09, section 5
        assert entries[key]["issued"]["date-parts"][0][0] >= 2022, key
        assert f"#{key})" in section_5, key
    key = _key("ps3-argument-analysis", "ps3-q3-5-written")
    model = key.split("**Model answer.**")[1].split("**Rubric")[0]
    assert 120 <= len(model.split()) <= 220
    assert "Kluge (2024)" in model and "Weitz (2024)" in model
    assert "* Point 4, a post-2022 reading." in key
