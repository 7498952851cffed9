"""Unit tests for the pieces of rapprochement.grading that need no kernel."""

from __future__ import annotations

import json
import zipfile

import pytest

from rapprochement.grading import checks
from rapprochement.grading.inspect import inspect_notebook, suspicious_code
from rapprochement.grading.intake import collect, safe_student_id
from rapprochement.grading.report import summary, write_csv
from rapprochement.grading.runner import GradingResult, StudentRow

pytestmark = pytest.mark.grading


class Always:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    def __float__(self):
        return 0.3631

    __hash__ = float.__hash__


def test_expect_int_rejects_impostors():
    checks.expect_int(2018, 2018, "x")
    for fake in (Always(), True, 2018.0, "2018", LyingFloat(2018)):
        with pytest.raises(AssertionError):
            checks.expect_int(fake, 2018, "x")
    with pytest.raises(AssertionError, match="does not match"):
        checks.expect_int(2019, 2018, "x")


def test_expect_float_reads_the_stored_value():
    checks.expect_float(0.3631, 0.36309, "g", 1e-3)
    import numpy as np

    checks.expect_float(np.float64(0.3631), 0.36309, "g", 1e-3)
    with pytest.raises(AssertionError):
        checks.expect_float(LyingFloat(0.9), 0.3631, "g", 1e-3)
    for fake in (Always(), "0.36", None, [0.36]):
        with pytest.raises(AssertionError):
            checks.expect_float(fake, 0.36, "g")
    with pytest.raises(AssertionError):
        checks.expect_float(float("nan"), 0.36, "g")


def test_expect_int_list_and_dict():
    checks.expect_int_list([2006, 2016], [2006, 2016], "y")
    for bad in ([2016, 2006], [2006], (2006, 2016), [2006.0, 2016], Always()):
        with pytest.raises(AssertionError):
            checks.expect_int_list(bad, [2006, 2016], "y")
    assert checks.expect_str_dict({"a": " Realism"}, {"a": "realism"}, "d") == 1
    assert checks.expect_str_dict({"a": "liberalism"}, {"a": "realism"}, "d") == 0
    with pytest.raises(AssertionError):
        checks.expect_str_dict({"a": Always()}, {"a": "realism"}, "d")


def test_check_builtins_detects_replacements():
    import builtins

    checks.check_builtins()
    for name, fake in (("abs", lambda x: 0), ("int", float), ("isinstance", lambda *a: True)):
        original, message = builtins.__dict__[name], ""
        builtins.__dict__[name] = fake
        try:
            checks.check_builtins()
        except AssertionError as exc:
            message = str(exc)
        finally:
            builtins.__dict__[name] = original
        assert f"'{name}'" in message
    checks.check_builtins()


def test_fresh_copy_ignores_patched_modules(monkeypatch):
    import sys
    import types

    fake = types.ModuleType("fake")
    fake.series = lambda *a, **k: {2018: 0.0}
    monkeypatch.setitem(sys.modules, "rapprochement.grading.checks", fake)
    monkeypatch.setattr(checks, "series", lambda *a, **k: {})
    private = checks.fresh()
    assert private is not checks and private.series("china_customs", "total")[2018] == 107.06


def test_reference_data_matches_the_loaders():
    from rapprochement.data import load_trade, trade_series

    ref = checks.series("russia", "total", verified_only=True)
    loaded = trade_series(load_trade(), "russia", "total", verified_only=True)
    assert ref == {int(k): float(v) for k, v in loaded.items()}
    assert checks.cpi()[2024] == 313.689
    assert checks.targets()["200bn-by-2024"]["year_set"] == "2019"
    assert checks.china_totals()[2021] == 6050


def _nb(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_collect_maps_learning_system_names(tmp_path):
    # one learning system per zip: the layout is read from the whole zip (test_intake.py has
    # the mixed cases)
    canvas, moodle = tmp_path / "canvas.zip", tmp_path / "moodle.zip"
    with zipfile.ZipFile(canvas, "w") as zf:
        zf.writestr("doejane_12345_67890_ps1.ipynb", "{}")
        zf.writestr("roe_LATE_222_333_ps1-1.ipynb", "{}")
        zf.writestr("../evil.ipynb", "{}")
        zf.writestr("notes.pdf", "x")
    with zipfile.ZipFile(moodle, "w") as zf:
        zf.writestr("Jane Q Doe_4444_assignsubmission_file_/ps1.ipynb", "{}")
        zf.writestr("Max Mu_5555_assignsubmission_file_ps1.ipynb", "{}")
    intake = collect(canvas, tmp_path / "work")
    got = {(s.student_id, s.name, s.origin) for s in intake.submissions}
    assert got == {("12345", "doejane", "zip:canvas"), ("222", "roe", "zip:canvas")}
    assert intake.rejected == [
        ("../evil.ipynb", "not extracted: its path leaves the archive (absolute or ../)"),
        ("notes.pdf", "not a notebook (.ipynb); not graded"),
    ]
    assert not (tmp_path / "evil.ipynb").exists()
    intake = collect(moodle, tmp_path / "work2")
    got = {(s.student_id, s.name, s.origin) for s in intake.submissions}
    assert got == {("4444", "Jane Q Doe", "zip:moodle"), ("5555", "Max Mu", "zip:moodle")}
    assert intake.rejected == []


def test_collect_plain_folder_and_ids(tmp_path):
    (tmp_path / "Zoë Ng.ipynb").write_text("{}")
    (tmp_path / "team" / "x").mkdir(parents=True)
    (tmp_path / "lee").mkdir()
    (tmp_path / "lee" / "whatever.ipynb").write_text("{}")
    intake = collect(tmp_path, tmp_path / "w")
    assert sorted(s.student_id for s in intake.submissions) == ["Zoë_Ng", "lee"]
    assert safe_student_id("../a b") == "a_b"
    assert safe_student_id("Jose\u0301") == "José"  # NFD (macOS zips) becomes NFC
    assert safe_student_id("张伟") == "张伟" and safe_student_id("Иван") == "Иван"
    assert safe_student_id("a/b\\c\x00") == "a-b-c"
    assert safe_student_id("...") == "unknown"


def test_inspect_reports_json_errors_and_changed_tests(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [')
    assert not inspect_notebook(bad, _nb([])).readable
    test = {
        "cell_type": "code",
        "source": "assert x == 1",
        "outputs": [],
        "execution_count": None,
        "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": "t1", "points": 1}},
    }
    release = _nb(
        [test, dict(test, metadata={"nbgrader": dict(test["metadata"]["nbgrader"], grade_id="t2")})]
    )
    sub = tmp_path / "sub.ipynb"
    sub.write_text(json.dumps(_nb([dict(test, source="pass")])))
    ins = inspect_notebook(sub, release)
    assert ins.readable and ins.missing_tests == ["t2"] and ins.edited_tests == ["t1"]


def test_suspicious_code():
    assert suspicious_code("x = 1\nd = {}\nd['k'] = 2\nprint(x)") == []
    assert "defines __eq__" in suspicious_code(
        "class A:\n    def __eq__(s, o):\n        return True"
    )
    assert suspicious_code("%matplotlib inline\nimport builtins\nbuiltins.abs = len") == [
        "assigns builtins.abs",
        "imports builtins",
    ]


def test_csv_and_summary(tmp_path):
    rows = [
        StudentRow("a", "A", "a.ipynb", "graded", [], [], {"t1": 1.0, "w1": None}, 1.0, 3.0),
        StudentRow("b", "B", "b.ipynb", "not graded", ["not valid notebook JSON"]),
    ]
    result = GradingResult(
        "ps", rows, [("x.pdf", "not a notebook")], ["t1", "w1"], {"t1": 1, "w1": 2}, tmp_path
    )
    text = write_csv(result, tmp_path / "g.csv").read_text()
    assert text.splitlines()[0].endswith("t1 (/1),w1 (/2)")
    # total, max_total, five empty late-work columns (due, submitted, submitted from, late by,
    # late penalty), total after penalty, reason, flags, score sources, learning system file,
    # then the questions
    assert "a,A,a.ipynb,graded,1,3,,,,,,1,,,,,1,\n" in text
    report = summary(result)
    assert "could not be graded: 1; files set aside: 1" in report and "x.pdf" in report


# --- answers as plain data, and which names a test reads ----------------------------------


def test_plain_data_round_trip():
    import math

    import numpy as np
    import pandas as pd

    from rapprochement.grading.answers import from_plain, to_plain

    values = [
        None,
        True,
        3,
        -(2**70),
        0.25,
        "José 张伟",
        [1, [2, "x"]],
        (1, 2.5),
        {"a": 1, 2: [3]},
        np.int64(2011),
        np.float64(0.5),
        pd.Series([1.0, 2.5], index=[2020, 2021], name="gacc"),
        pd.DataFrame({"year": [2020, 2021], "v": [1.5, 2.0]}).set_index("year"),
    ]
    for value in values:
        back = from_plain(to_plain(value))
        assert type(back) is type(value), value
        if isinstance(value, pd.Series | pd.DataFrame):
            assert back.equals(value), (back, value)
        else:
            assert back == value
    assert math.isnan(from_plain(to_plain(float("nan"))))
    assert type(from_plain(to_plain(np.int64(3)))) is np.int64  # so is_exact_int still refuses it


def test_plain_data_refuses_everything_else_in_plain_words():
    from rapprochement.grading.answers import AnswerError, from_plain, to_plain

    class Sneaky(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    for value, words in [
        (Sneaky(3), "subclass of int"),
        (LyingFloat(0.3), "subclass of float"),
        (Always(), "plain data"),
        (len, "plain data"),
        ([1, Always()], "plain data"),
        ({Always(): 1}, "dict keys"),
        (list(range(200_000)), "too large"),
    ]:
        with pytest.raises(AnswerError, match=words):
            to_plain(value)
    nested: list = []
    for _ in range(50):
        nested = [nested]
    with pytest.raises(AnswerError, match="nested"):
        to_plain(nested)
    for bad in (
        '{"t": "pickle", "v": "..."}',
        '{"t": "numpy", "dtype": "object", "v": 1}',
        "[",
        '{"x": 1}',
    ):
        with pytest.raises(AnswerError):
            from_plain(bad)


def test_answer_names_of_the_problem_sets():
    from rapprochement.grading.checking import read_spec
    from rapprochement.grading.settings import source_root

    spec = read_spec(source_root() / "ps1-trade-statistics" / "ps1-trade-statistics.ipynb")
    assert spec.names["ps1-q1-1-test"] == ["first_50", "years_50_to_100"]
    # read only through globals()[name] in the visible part, by name in the hidden part
    assert spec.names["ps1-q1-4-test"] == ["needed_by_2020", "needed_by_2024"]
    # gacc and value_in come from the trusted setup, never from the student
    assert spec.names["ps1-q1-6-test"] == ["real_2014_in_2024"]
    spec3 = read_spec(source_root() / "ps3-argument-analysis" / "ps3-argument-analysis.ipynb")
    assert spec3.names["ps3-q3-1-test"] == ["kind_a", "kind_b", "kind_c"]
    # Q3.2 (the IR lens of each passage) is a written answer now: no test cell, no names
    assert "ps3-q3-2-test" not in spec3.names
    assert spec3.names["ps3-q3-4-test"] == [
        "achieved_2020_2023",
        "needed_from_2020",
        "share_of_rise_2021",
    ]


def test_answer_names_reads_globals_lookups():
    from rapprochement.grading.answers import answer_names

    code = (
        'assert "x" in globals()\n'
        'for _n in ("y", "z"):\n    v = globals()[_n]\n'
        "w = helper(q) + len(x)\n"
    )
    assert answer_names(code, trusted={"helper"}) == ["q", "x", "y", "z"]


def test_checker_runs_hidden_tests_on_plain_data_only():
    from rapprochement.grading.answers import to_plain
    from rapprochement.grading.checking import check_once
    from rapprochement.grading.settings import source_root

    source = source_root() / "ps3-argument-analysis" / "ps3-argument-analysis.ipynb"
    answers = {
        "ps3-q3-1-test": {
            "values": {
                n: to_plain(v)
                for n, v in [("kind_a", "fact"), ("kind_b", "forecast"), ("kind_c", "advice")]
            },
            "missing": [],
            "refused": {},
        },
        "ps3-q3-3-test": {
            "values": {"real_2023_in_2019": to_plain(1.0)},  # a plain number, but wrong
            "missing": [],
            "refused": {},
        },
        "ps3-q3-4-test": {"values": {}, "missing": [], "refused": {"needed_from_2020": "no"}},
    }
    got = check_once(source, answers)
    assert got["ps3-q3-1-test"]["passed"] is True
    assert got["ps3-q3-3-test"]["passed"] is False and got["ps3-q3-3-test"]["kind"] == "failed"
    assert got["ps3-q3-4-test"]["kind"] == "refused"
    answers["ps3-q3-3-test"] = {"values": {}, "missing": ["real_2023_in_2019"], "refused": {}}
    assert check_once(source, answers)["ps3-q3-3-test"]["kind"] == "not answered"


def test_collect_never_merges_different_names(tmp_path):
    for name in ("José", "josé", "Ann Lee", "Ann_Lee", "张伟", "Иван"):
        (tmp_path / "subs" / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (tmp_path / "subs" / f"{name}.ipynb").write_text("{}")
    (tmp_path / "subs" / "Li Na").mkdir()
    (tmp_path / "subs" / "Li Na" / "a.ipynb").write_text("{}")
    (tmp_path / "subs" / "Li Na" / "b.ipynb").write_text("{}")
    intake = collect(tmp_path / "subs", tmp_path / "w")
    by_name: dict[str, set[str]] = {}
    for sub in intake.submissions:
        by_name.setdefault(sub.name, set()).add(sub.student_id)
    assert all(len(ids) == 1 for ids in by_name.values())  # one student, one id
    ids = [next(iter(v)) for v in by_name.values()]
    assert len(ids) == len(set(ids)) == 7  # and different students, different ids
    assert {"张伟", "Иван", "Li_Na"} <= set(ids)
    notes = [n for s in intake.submissions for n in s.notes]
    # each clash is a reason on both rows
    assert sum("graded separately" in n for n in notes) == 4


def test_zip_limits(tmp_path, monkeypatch):
    from rapprochement.grading import intake as intake_mod

    monkeypatch.setattr(intake_mod, "MAX_ENTRIES", 3)
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(5):
            zf.writestr(f"s{i}.ipynb", "{}")
    intake = collect(archive, tmp_path / "work")
    assert len(intake.submissions) == 3
    assert [r for _, r in intake.rejected] == ["not extracted: the zip has more than 3 entries"] * 2


def test_inside_the_sandbox_no_privileges_no_network_no_repository():
    from conftest import require_sandbox

    from rapprochement.grading.sandbox import Policy, run_cells
    from rapprochement.grading.settings import repo_root

    require_sandbox()
    code = (
        "import os, socket\n"
        "status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())\n"
        "print('CapEff', status['CapEff'].strip())\n"
        "print('uid', os.getuid())\n"
        "print('NoNewPrivs', status['NoNewPrivs'].strip())\n"
        "print('nets', sorted(os.listdir('/sys/class/net')) if os.path.isdir('/sys/class/net')"
        " else [n for _, n in socket.if_nameindex()])\n"
        f"print('repo', sorted(os.listdir({str(repo_root())!r})))\n"
        "print('procs', sorted(p for p in os.listdir('/proc') if p.isdigit()))\n"
        "open('/tmp/scratch-ok', 'w').write('x')\n"
    )
    result = run_cells([{"i": 0, "kind": "code", "source": code}], Policy())
    cell = result.cells[0]
    assert cell.status == "ok", cell.outputs
    text = cell.outputs[0]["text"]
    lines = dict(line.split(" ", 1) for line in text.splitlines())
    assert lines["CapEff"] == "0000000000000000"
    assert lines["uid"] != "0"
    assert lines["NoNewPrivs"] == "1"
    assert lines["nets"] == "['lo']"  # its own loopback only
    import ast

    # of the repository only the package, data/ and the Python environment are there
    assert set(ast.literal_eval(lines["repo"])) <= {"src", "data", ".venv", ".venv-grading"}
    assert {"src", "data"} <= set(ast.literal_eval(lines["repo"]))
    assert lines["procs"] == "['1']"  # it sees only itself


def test_course_folder_never_runs_student_code():
    import nbformat

    from rapprochement.grading.preprocessors import ReplayOutcomes

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os")])
    with pytest.raises(FileNotFoundError, match="make grade"):
        ReplayOutcomes(outcomes_dir="").preprocess(nb, {"nbgrader": {"student": "s"}})


def test_gradebook_version_read_in_process_is_the_one_alembic_prints(tmp_path):
    """course.alembic_head() replaces nbgrader's `alembic heads` subprocess: same answer, and a
    gradebook made by a grading run carries it."""
    import sqlite3
    import subprocess

    from nbgrader.dbutil import _temp_alembic_ini

    from rapprochement.grading.course import alembic_head, prepare_course

    with _temp_alembic_ini(f"sqlite:///{tmp_path / 'unused.db'}") as ini:
        printed = subprocess.check_output(["alembic", "-c", ini, "heads"], text=True)
    assert printed.split()[:2] == [alembic_head(), "(head)"], printed
    # nbgrader still looks the function up by this name when it creates a gradebook, so the
    # replacement is what runs (an nbgrader that renamed it would bring the subprocess back)
    import nbgrader.api

    assert nbgrader.api.get_alembic_version is alembic_head
    assert "get_alembic_version" in nbgrader.api.Gradebook.__init__.__code__.co_names

    prepare_course(tmp_path / "course", "ps1-trade-statistics")
    with sqlite3.connect(tmp_path / "course" / "gradebook.db") as db:
        stored = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stored == [(alembic_head(),)]


def test_preprocessor_lists_are_nbgrader_defaults_with_our_steps():
    """Derived from nbgrader's own defaults (preprocessors.nbgrader_steps). When an nbgrader
    upgrade adds, drops or reorders a step, this list shows the difference: review it, then
    update the list here."""
    from rapprochement.grading.preprocessors import nbgrader_steps

    ours = "rapprochement.grading.preprocessors."
    inert = "rapprochement.grading.sanitize.SanitizeStudentContent"
    assert nbgrader_steps() == {
        "Autograde.sanitize_preprocessors": [
            "nbgrader.preprocessors.ClearOutput",
            "nbgrader.preprocessors.DeduplicateIds",
            "nbgrader.preprocessors.OverwriteKernelspec",
            "nbgrader.preprocessors.OverwriteCells",
            "nbgrader.preprocessors.CheckCellMetadata",
        ],
        "Autograde.autograde_preprocessors": [
            ours + "ReplayOutcomes",
            "nbgrader.preprocessors.IgnorePattern",
            "nbconvert.preprocessors.ClearMetadataPreprocessor",
            "nbgrader.preprocessors.LimitOutput",
            ours + "LimitOutputSize",
            "nbgrader.preprocessors.SaveAutoGrades",
            "nbgrader.preprocessors.AssignLatePenalties",
            inert,
        ],
        "GenerateFeedback.preprocessors": [
            inert,
            "nbgrader.preprocessors.GetGrades",
            ours + "NeutraliseMarkers",
            "nbgrader.preprocessors.ClearHiddenTests",
            ours + "HideTestTracebacks",
            "rapprochement.grading.latepenalty.LateNotice",
            "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        ],
    }


def test_preprocessor_lists_follow_nbgrader_and_refuse_a_missing_step():
    """A step a new nbgrader adds is kept in place (not dropped silently); a step we replace
    that nbgrader no longer has stops with a message."""
    from nbgrader.preprocessors import ClearOutput, Execute, SaveAutoGrades

    from rapprochement.grading.preprocessors import nbgrader_defaults, nbgrader_steps

    class NewStep(ClearOutput):
        pass

    defaults = nbgrader_defaults()
    defaults["Autograde.autograde_preprocessors"] = [Execute, NewStep, SaveAutoGrades]
    with pytest.raises(RuntimeError, match="no CheckCellMetadata step"):
        nbgrader_steps(defaults)
    defaults["Autograde.autograde_preprocessors"] = [
        Execute,
        NewStep,
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    with pytest.raises(RuntimeError, match="no LimitOutput step"):
        nbgrader_steps(defaults)
    defaults["Autograde.autograde_preprocessors"] = [
        Execute,
        NewStep,
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    steps = nbgrader_steps(defaults)["Autograde.autograde_preprocessors"]
    assert steps[0].endswith("ReplayOutcomes") and steps[1].endswith("NewStep")
    assert steps[2:] == [
        "nbgrader.preprocessors.LimitOutput",
        "rapprochement.grading.preprocessors.LimitOutputSize",
        "rapprochement.grading.sanitize.SanitizeStudentContent",
    ]
    defaults["Autograde.autograde_preprocessors"] = [ClearOutput, SaveAutoGrades]
    with pytest.raises(RuntimeError, match="no Execute step"):
        nbgrader_steps(defaults)


def test_one_rule_for_cell_kinds():
    from rapprochement.grading import cells

    def cell(cell_type, **meta):
        return {"cell_type": cell_type, "metadata": {"nbgrader": meta} if meta else {}}

    assert cells.kind(cell("code", grade=True, solution=False, grade_id="t")) == "test"
    assert cells.kind(cell("code", solution=True, grade_id="a")) == "answer"
    assert cells.kind(cell("code", grade=True, solution=True, grade_id="a")) == "answer"
    assert cells.kind(cell("markdown", grade=True, solution=True, grade_id="w")) == "written"
    assert cells.kind(cell("code", locked=True, grade_id="s")) == "setup"
    assert cells.kind(cell("code")) == "setup"
    # a test cell turned into markdown is no test: it is restored from the student version
    assert cells.kind(cell("markdown", grade=True, solution=False, grade_id="t")) == "text"
    assert cells.grade_id({"metadata": {"nbgrader": {"grade_id": 3}}}) is None
    assert cells.source({"source": ["a\n", "b"]}) == "a\nb"


def test_problem_sets_are_recognised_by_content_not_file_name():
    import nbformat

    from rapprochement.grading.pipeline import identify
    from rapprochement.grading.settings import assignments, release_root

    names = assignments()
    assert len(names) >= 3
    for name in names:
        nb = nbformat.read(release_root() / name / f"{name}.ipynb", as_version=4)
        assert identify(nb) == name
    assert identify(nbformat.v4.new_notebook()) is None
    tagged = nbformat.v4.new_notebook(metadata={"rapprochement": {"selfstudy": names[1]}})
    assert identify(tagged) == names[1]


def test_replay_refuses_a_notebook_other_than_the_one_graded():
    import nbformat

    from rapprochement.grading.outcomes import Outcome, TestOutcome
    from rapprochement.grading.pipeline import apply_outcome

    def test_cell(gid):
        meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": gid, "points": 1}}
        return nbformat.v4.new_code_cell("pass", metadata=meta)

    graded = nbformat.v4.new_notebook(cells=[test_cell("t1"), test_cell("t2")])
    outcome = Outcome(graded, tests={"t1": TestOutcome(True, "ok"), "t2": TestOutcome(False)})
    nb = nbformat.v4.new_notebook(cells=[test_cell("t1"), test_cell("t2")])
    apply_outcome(nb, outcome, 30)
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs[0].output_type == "error"
    # a test with no outcome never passes by default
    del outcome.tests["t1"]
    apply_outcome(nb, outcome, 30)
    assert nb.cells[0].outputs[0].ename == "NotChecked"
    extra = nbformat.v4.new_notebook(cells=[test_cell("t1"), test_cell("t2"), test_cell("t3")])
    with pytest.raises(ValueError, match="differs"):
        apply_outcome(extra, outcome, 30)


_MARK = "617.25"  # a sleep no one else runs


def _marked() -> list:
    import psutil

    return [p for p in psutil.process_iter(["cmdline"]) if p.info["cmdline"] == ["sleep", _MARK]]


def _pool_setup():
    import os
    import subprocess
    import time

    def handle(kind, args):
        if kind == "sleep":  # a task that never ends, with a child process of its own
            subprocess.Popen(["sleep", _MARK])
            time.sleep(600)
        if kind == "die":
            os._exit(3)
        return {"echo": args[0], "pid": os.getpid()}

    return handle


def test_pool_keeps_the_clock_and_retries_a_dead_worker_once():
    import time

    from rapprochement.grading.pool import DIED, TIMED_OUT, Pool, Task

    pool = Pool(2, _pool_setup)
    got = {}
    pool.submit(Task("a", "echo", ("x",), 30))
    pool.submit(Task("b", "sleep", (), 2))
    pool.submit(Task("c", "die", (), 30))
    started = time.monotonic()
    assert pool.run(lambda task, res, why: got.update({task.key: (res, why, task.attempts)}))
    assert time.monotonic() - started < 30
    assert got["a"][0]["echo"] == "x" and got["a"][1] == ""
    assert got["b"] == (None, TIMED_OUT, 0)
    assert got["c"] == (None, DIED, 1)  # tried a second time in a fresh worker
    pool.stop()
    assert _marked() == []  # the timed-out task's own child went with its worker


def test_pool_stops_at_the_run_limit_and_leaves_no_process():
    import time

    import psutil

    from rapprochement.grading.pool import Pool, Task

    pool = Pool(1, _pool_setup)
    pool.submit(Task("b", "sleep", (), 600))
    pool.submit(Task("a", "echo", ("x",), 30))
    got = {}
    started = time.monotonic()
    finished = pool.run(lambda t, r, w: got.update({t.key: w}), stop_at=time.monotonic() + 2)
    assert not finished and got == {} and time.monotonic() - started < 10
    before = psutil.Process().children(recursive=True)
    assert before
    assert _marked()
    pool.stop()
    assert [p for p in before if p.is_running() and p.status() != "zombie"] == []
    assert _marked() == []


def test_feedback_exporter_reuses_compiled_templates_with_the_same_pages():
    import nbformat
    from nbconvert.exporters import HTMLExporter

    from rapprochement.grading import preprocessors

    def page(exporter, text):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text, id="c1")])
        return exporter.from_notebook_node(nb)[0]

    preprocessors._TEMPLATE_CODE.store.clear()
    first = page(preprocessors.FeedbackHTMLExporter(), "first student")
    assert preprocessors._TEMPLATE_CODE.store  # compiled once, kept
    second = page(preprocessors.FeedbackHTMLExporter(), "second student")
    assert second == page(HTMLExporter(), "second student")
    assert "second student" in second and "first student" not in second
    assert first == page(HTMLExporter(), "first student")
