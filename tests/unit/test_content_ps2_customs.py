"""Problem set 2's mirror questions (2.1-2.3) use only customs releases on both sides.

The hidden tests' keys and the model answers are recomputed on copies of ``data/`` in which one
row of ``trade.csv`` has another ``kind``: a row that becomes, or stops being, a customs release
must change the keys; a row that changes between two other kinds must not. The hidden tests run
as at grading (``checks.fresh()`` reading ``data/`` with the csv module), the model answers as in
a student's kernel (the setup cell, then the solution cells).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest

from rapprochement.grading import checks

ROOT = Path(__file__).resolve().parents[2]
PS2 = ROOT / "solutions" / "source" / "ps2-mirror-statistics" / "ps2-mirror-statistics.ipynb"
MIRROR = ("ps2-q2-1-test", "ps2-q2-2-test", "ps2-q2-3-test")
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
NAMES = ("gap_pct_of_china_2018", "mirror_years", "mean_gap_pct_of_china", "growth_gap_customs")


def _cells() -> list[Any]:
    return nbformat.read(PS2, as_version=4).cells


def _hidden(grade_id: str) -> str:
    for cell in _cells():
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return _HIDDEN.search(cell.source).group(1)
    raise AssertionError(f"no cell {grade_id} in {PS2.name}")


def _data(tmp_path: Path, reporter: str = "", year: int = 0, kind: str = "") -> Path:
    """A copy of data/; with ``reporter`` given, its total for ``year`` gets ``kind``."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    if reporter:
        path = folder / "trade.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        hits = [
            r
            for r in rows
            if (r["reporter"], r["year"], r["flow"]) == (reporter, str(year), "total")
        ]
        assert len(hits) == 1 and hits[0]["kind"] != kind, (reporter, year, kind)
        hits[0]["kind"] = kind
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _model_answers(folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The model answers computed on ``folder`` as the student's kernel would."""
    monkeypatch.setenv("RAPPROCHEMENT_DATA", str(folder))
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in _cells():
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            code = _SOLUTION.search(cell.source).group(1) if meta.get("solution") else cell.source
            if meta.get("solution") and not any(f"{n} =" in code for n in NAMES):
                continue  # Part B: not a mirror question
            exec(code, namespace)  # noqa: S102
    return {name: namespace[name] for name in NAMES}


def _passes(grade_id: str, answers: dict[str, Any], folder: Path, monkeypatch) -> bool:
    """Whether the hidden test of ``grade_id`` accepts ``answers`` with ``folder`` as data/."""
    monkeypatch.setenv("RAPPROCHEMENT_DATA", str(folder))
    try:
        exec(_hidden(grade_id), {"checks": checks} | answers)  # noqa: S102
    except AssertionError:
        return False
    return True


def _customs_years(folder: Path) -> list[int]:
    """Years with a verified customs-release total on both sides, read here with csv."""
    with (folder / "trade.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["flow"] == "total"]
    both = {"china_customs": set(), "russia": set()}
    for r in rows:
        if r["kind"] == "customs_release" and r["verified"] == "true" and r["reporter"] in both:
            both[r["reporter"]].add(int(r["year"]))
    return sorted(both["china_customs"] & both["russia"])


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    folder = _data(tmp_path_factory.mktemp("shipped"))
    with pytest.MonkeyPatch.context() as mp:
        return folder, _model_answers(folder, mp)


def test_the_shipped_keys_use_the_two_customs_years(shipped, monkeypatch):
    folder, answers = shipped
    assert _customs_years(folder) == [2010, 2018]
    assert answers["mirror_years"] == [2010, 2018]
    china, russia = {2010: 55.45, 2018: 107.06}, {2010: 59.34, 2018: 108.30}
    assert checks.series("china_customs", "total", kind="customs_release")[2010] == china[2010]
    assert checks.series("russia", "total", verified_only=True, kind="customs_release") == russia
    gaps = [100 * (china[y] - russia[y]) / china[y] for y in (2010, 2018)]
    assert answers["mean_gap_pct_of_china"] == pytest.approx(sum(gaps) / 2)
    assert answers["mean_gap_pct_of_china"] < 0  # Russia's customs reports more in both years
    growth = (china[2018] / china[2010]) ** (1 / 8) - (russia[2018] / russia[2010]) ** (1 / 8)
    assert answers["growth_gap_customs"] == pytest.approx(growth)
    for grade_id in MIRROR:
        assert _passes(grade_id, answers, folder, monkeypatch), grade_id


@pytest.mark.parametrize(
    ("reporter", "year", "kind", "years"),
    [
        ("russia", 2011, "customs_release", [2010, 2011, 2018]),  # a statement made customs
        ("russia", 2021, "customs_release", [2010, 2018, 2021]),
        ("russia", 2010, "official_statement", [2018]),  # a customs release made a statement
        ("china_customs", 2010, "official_statement", [2018]),
    ],
)
def test_a_row_entering_or_leaving_the_customs_kind_changes_the_keys(
    shipped, tmp_path, monkeypatch, reporter, year, kind, years
):
    _, before = shipped
    folder = _data(tmp_path, reporter, year, kind)
    assert _customs_years(folder) == years
    assert not _passes("ps2-q2-2-test", before, folder, monkeypatch)
    if len(years) > 1:  # growth needs two years; the model answers follow the data
        # 2.3 measures growth from the first to the last customs year: only they count
        moved = (years[0], years[-1]) != (2010, 2018)
        assert _passes("ps2-q2-3-test", before, folder, monkeypatch) is not moved
        after = _model_answers(folder, monkeypatch)
        assert after["mirror_years"] == years
        for grade_id in MIRROR:
            assert _passes(grade_id, after, folder, monkeypatch), grade_id


def test_other_kinds_do_not_enter_the_keys(shipped, tmp_path, monkeypatch):
    _, before = shipped
    folder = _data(tmp_path, "russia", 2006, "estimate")  # a statement made an estimate
    for grade_id in MIRROR:
        assert _passes(grade_id, before, folder, monkeypatch), grade_id
    assert _model_answers(folder, monkeypatch) == before


def test_series_rejects_an_unknown_kind():
    with pytest.raises(AssertionError, match="kind must be one of .*customs_release"):
        checks.series("russia", "total", kind="customs")


def test_the_questions_say_they_use_customs_releases_only():
    release = ROOT / "exercises" / "ps2-mirror-statistics" / "ps2-mirror-statistics.ipynb"
    cells = nbformat.read(release, as_version=4).cells
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    part_a = text.split("## Part A")[1].split("**Question 2.4")[0]
    assert "uses **only customs releases** on both sides" in part_a
    for question in ("2.1", "2.2", "2.3"):
        body = part_a.split(f"**Question {question}")[1].split("**Question")[0]
        assert "`russia_customs`" in body, question
    assert "both customs services' releases are available" in part_a
    for cell in _cells():  # the model answers of 2.1-2.3 never read the mixed series
        if cell.metadata.get("nbgrader", {}).get("grade_id") in (
            "ps2-q2-1-answer",
            "ps2-q2-2-answer",
            "ps2-q2-3-answer",
        ):
            assert not re.search(r"\brussia\b(?!_)", _SOLUTION.search(cell.source).group(1))
