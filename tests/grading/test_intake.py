"""Intake: every file of a folder or zip ends in a row or a set-aside line, ids are safe for every
later step, the layout is read from the whole zip, and damaged zips are reasons.

Property tests generate names as Canvas and Moodle write them (intake_samples.py) in any script
and length; regression tests replay each way intake used to drop or confuse a student, through
:func:`collect` and, for long names, clashing ids, decoys and a damaged entry, through a real
grading run.
"""

from __future__ import annotations

import csv
import glob
import os
import re
import struct
import unicodedata
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from conftest import TIMEOUT, require_sandbox
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from intake_samples import canvas_entry, canvas_name, moodle_entry, moodle_name, nfc

from rapprochement.grading import intake as intake_mod
from rapprochement.grading.intake import MAX_ID_BYTES, collect, safe_student_id, shorten
from rapprochement_support.samples import make_sample, write_sample

pytest.importorskip("nbgrader")  # the grading tests run in the instructor environment

PS1 = "ps1-trade-statistics"
LONG_CHINESE = ("张伟王秀英李娜刘洋陈静杨磊赵敏黄勇周杰吴芳" * 4)[:80]
PROFILE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# any script: letters, marks, digits, spaces and punctuation of every kind
ANY_TEXT = st.text(
    st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\x00"),
    min_size=1,
    max_size=120,
)


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _id_is_safe(student_id: str, tmp: Path) -> None:
    """The id works as nbgrader's folder, as nbgrader's glob, as a feedback file name."""
    assert student_id and student_id == unicodedata.normalize("NFC", student_id)
    assert len(student_id.encode("utf-8")) <= MAX_ID_BYTES + len("~999")
    assert student_id not in (".", "..") and not student_id.startswith(".")
    assert not re.search(r"[\x00-\x1f/\\*?\[\]]", student_id)
    folder = tmp / "submitted" / student_id / PS1
    folder.mkdir(parents=True)
    (folder / f"{PS1}.ipynb").write_text("{}")
    assert glob.glob(os.path.join(tmp, "submitted", student_id, PS1)) == [str(folder)]
    (tmp / "feedback").mkdir(exist_ok=True)
    (tmp / "feedback" / f"{student_id}~99.html").write_text("x")
    # formgrader builds its links by pasting the id into the URL, unescaped
    url = urllib.parse.urlsplit(f"http://localhost/formgrader/manage_students/{student_id}/{PS1}")
    assert urllib.parse.unquote(url.path).split("/")[-2] == student_id


# --- ids and names of any length and script -----------------------------------------------


@PROFILE
@given(raw=ANY_TEXT | st.text(min_size=1, max_size=400))
@example(raw="Li [TA] #1 100%41")
@example(raw=LONG_CHINESE * 2)
@example(raw="..")
@example(raw=" Jose\u0301 \t")
def test_any_name_gives_a_safe_deterministic_id(raw, tmp_path_factory):
    sid = safe_student_id(raw)
    assert safe_student_id(raw) == sid
    assert safe_student_id(unicodedata.normalize("NFD", raw)) == sid  # macOS zips: same student
    _id_is_safe(sid, tmp_path_factory.mktemp("id"))


@PROFILE
@given(a=st.text(min_size=1, max_size=300), b=st.text(min_size=1, max_size=300))
def test_shortened_names_stay_distinct_and_fit(a, b):
    limit = 40
    sa, sb = shorten(a, limit, ".ipynb"), shorten(b, limit, ".ipynb")
    assert len(sa.encode("utf-8", "surrogateescape")) <= limit or sa == a
    if a != b:
        assert sa != sb
    if len(a.encode("utf-8", "surrogateescape")) > limit:
        assert sa.endswith(".ipynb") and "~" in sa


def test_long_names_in_any_layout_are_graded_under_a_short_id(tmp_path):
    long_plain = LONG_CHINESE * 3 + ".ipynb"  # 720 bytes: no file system takes it as one name
    twin = LONG_CHINESE * 3 + "x.ipynb"  # the same first 64 bytes: a different student
    archive = _zip(
        tmp_path / "plain.zip",
        {long_plain: b"{}", twin: b"{}", f"{LONG_CHINESE * 4}/deep/{LONG_CHINESE}.ipynb": b"{}"},
    )
    intake = collect(archive, tmp_path / "w")
    assert intake.rejected == []
    by_name = {s.name: s for s in intake.submissions}
    assert set(by_name) == {LONG_CHINESE * 3, LONG_CHINESE * 3 + "x", LONG_CHINESE * 4}
    ids = [s.student_id for s in intake.submissions]
    assert len(set(ids)) == 3
    for sub in intake.submissions:
        assert sub.path.is_file() and sub.path.read_bytes() == b"{}"
        assert all(len(p.encode()) <= 255 for p in sub.path.parts)
        _id_is_safe(sub.student_id, tmp_path / "ids" / str(ids.index(sub.student_id)))
    assert by_name[LONG_CHINESE * 3].display_file == long_plain  # the row shows the full name


def test_canvas_long_chinese_name_is_extracted_not_fatal(tmp_path):
    entry = f"{LONG_CHINESE}_LATE_12345_67890_{PS1}.ipynb"
    assert len(entry.encode()) > 255
    intake = collect(_zip(tmp_path / "c.zip", {entry: b"{}"}), tmp_path / "w")
    assert intake.rejected == [] and intake.layout == "canvas"
    (sub,) = intake.submissions
    assert (sub.student_id, sub.name, sub.file_name, sub.late) == (
        "12345",
        LONG_CHINESE,
        f"{PS1}.ipynb",
        True,
    )
    assert sub.display_file == entry and "marked LATE by the learning system" in sub.notes


# --- Canvas and Moodle names as they really come ------------------------------------------

SORTABLE = st.text(
    st.characters(categories=["L", "M", "Nd", "Pc", "Zs", "Po"], exclude_characters="\x00"),
    min_size=1,
    max_size=100,
)


@PROFILE
@given(
    students=st.lists(
        st.tuples(SORTABLE, st.booleans(), st.integers(1, 10**15), ANY_TEXT),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[2],
    )
)
def test_canvas_names_give_each_user_id_its_student(students, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("canvas")
    entries, expected = {}, {}
    for n, (sortable, late, user_id, file_name) in enumerate(students):
        name = canvas_name(sortable)
        # Canvas's own format cannot tell such names from ids; Canvas avoids most of them
        assume(name and not re.search(r"(^|_)[0-9]+(_|$)", name))
        entry = canvas_entry(name, user_id, 1000 + n, file_name.replace("/", "_") + ".ipynb", late)
        entries[entry] = str(user_id).encode()
        expected[str(user_id)] = (nfc(name), late)
    intake = collect(_zip(tmp / "c.zip", entries), tmp / "w")
    assert intake.layout == "canvas" and intake.rejected == []
    got = {s.student_id: (s.name, s.late) for s in intake.submissions}
    assert got == expected
    for sub in intake.submissions:
        assert sub.path.read_bytes() == sub.student_id.encode()
        assert sub.notes == (["marked LATE by the learning system"] if sub.late else [])


@PROFILE
@given(
    students=st.lists(
        st.tuples(ANY_TEXT, st.integers(1, 10**9), st.sampled_from(["folder", "folder_", "flat"])),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[1],
    )
)
def test_moodle_names_give_each_participant_id_its_student(students, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("moodle")
    entries, expected = {}, {}
    for full_name, user_id, style in students:
        name = moodle_name(full_name)
        assume(name.strip() and not name.startswith("."))
        entries[moodle_entry(name, user_id, f"{PS1}.ipynb", style)] = str(user_id).encode()
        expected[str(user_id)] = nfc(name)
    intake = collect(_zip(tmp / "m.zip", entries), tmp / "w")
    assert intake.layout == "moodle" and intake.rejected == []
    assert {s.student_id: s.name for s in intake.submissions} == expected
    assert {s.file_name for s in intake.submissions} == {f"{PS1}.ipynb"}


# --- every file accounted for, whatever the mix -------------------------------------------

PIECE = (
    st.text(st.sampled_from("abcXY张Иé _-19"), min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda s: s and not s.startswith("."))
)
PATHS = st.one_of(
    st.builds(lambda a, i, f: f"{a}_{i}_{i + 7}_{f}.ipynb", PIECE, st.integers(1, 99), PIECE),
    st.builds(lambda a, i: f"{a}_{i}_assignsubmission_file/{a}.ipynb", PIECE, st.integers(1, 99)),
    st.builds(lambda a, i: f"{a}_{i}_assignsubmission_file_x.ipynb", PIECE, st.integers(1, 99)),
    st.builds(lambda s, f: f"submitted/{s}/{PS1}/{f}.ipynb", PIECE, PIECE),
    st.builds(lambda s, f: f"{s}/{PS1}/{f}.ipynb", PIECE, PIECE),
    st.builds(lambda s: f"{s}.ipynb", PIECE),
    st.builds(lambda s, f: f"{s}/{f}.ipynb", PIECE, PIECE),
    st.builds(lambda s: f"{s}.pdf", PIECE),
    st.builds(lambda s: f"__MACOSX/._{s}.ipynb", PIECE),
    st.builds(lambda s: f"{s}/.{s}.ipynb", PIECE),
    st.just("x_12345_assignsubmission_file_.ipynb"),
)


def _no_file_is_a_folder(paths: list[str]) -> bool:
    folders = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
    return not folders.intersection(paths)


@PROFILE
@given(
    paths=st.lists(PATHS, min_size=1, max_size=12, unique=True).filter(_no_file_is_a_folder),
    as_zip=st.booleans(),
    wrapper=st.sampled_from(["", "ps1 submissions/", "Downloads/zip/"]),
)
def test_every_file_gets_a_row_or_a_reason(paths, as_zip, wrapper, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mix")
    paths = [wrapper + p for p in paths]
    contents = {p: f"file {n}".encode() for n, p in enumerate(paths)}
    if as_zip:
        source = _zip(tmp / "subs.zip", contents)
    else:
        source = tmp / "subs"
        for rel, data in contents.items():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            (source / rel).write_bytes(data)
    intake = collect(source, tmp / "w")
    rows = {s.source: s for s in intake.submissions}
    set_aside = {name: reason for name, reason in intake.rejected}
    hidden = [p for p in paths if "__MACOSX" in p or "/." in p]
    for rel in paths:
        if rel in hidden:
            assert any(n.startswith(f"({len(hidden)} hidden") for n in set_aside), rel
        else:
            assert (rel in rows) != (rel in set_aside), (rel, rows.keys(), set_aside)
        if rel in rows:
            assert rows[rel].path.read_bytes() == contents[rel]  # the file, not another one
        if rel in set_aside:
            assert set_aside[rel]  # a reason, never blank
    assert len({s.origin for s in intake.submissions}) <= 1  # one layout for the whole lot
    names_by_id: dict[str, set[str]] = {}
    for sub in intake.submissions:
        names_by_id.setdefault(sub.student_id, set()).add(nfc(sub.name))
    assert all(len(names) == 1 for names in names_by_id.values())  # no two students merged


LETTERS = st.text(st.sampled_from("abcxyz张伟Иван"), min_size=1, max_size=10)
DECOYS = st.one_of(
    st.builds(lambda a, i: f"{a}_{i}_assignsubmission_file_x.ipynb", LETTERS, st.integers(1, 9)),
    st.builds(lambda a, i: f"{a}_{i}_assignsubmission_file/{a}.ipynb", LETTERS, st.integers(1, 9)),
    st.builds(lambda s: f"{s}/{PS1}/{PS1}.ipynb", LETTERS),
    st.builds(lambda s: f"{s}.ipynb", LETTERS),
    st.builds(lambda s, f: f"{s}/{f}.ipynb", LETTERS, LETTERS),
)


@PROFILE
@given(
    students=st.dictionaries(st.integers(1, 9), LETTERS, min_size=2, max_size=5),
    decoys=st.lists(DECOYS, max_size=4, unique=True),
)
def test_files_beside_a_canvas_majority_take_nobodys_id(students, decoys, tmp_path_factory):
    decoys = [d for d in decoys if not any(d.startswith(o + "/") for o in decoys)]
    decoys = decoys[: len(students) - 1]  # Canvas stays the layout of most files
    tmp = tmp_path_factory.mktemp("decoys")
    canvas = {f"{name}_{uid}_{uid + 100}_{PS1}.ipynb": str(uid) for uid, name in students.items()}
    entries = {name: b"canvas" for name in canvas} | {d: b"decoy" for d in decoys}
    intake = collect(_zip(tmp / "c.zip", entries), tmp / "w")
    assert intake.layout == "canvas"
    assert {s.source: s.student_id for s in intake.submissions} == canvas
    assert all(s.notes == [] and s.path.read_bytes() == b"canvas" for s in intake.submissions)
    set_aside = dict(intake.rejected)
    assert set(set_aside) == set(decoys)
    assert all("laid out as Canvas" in reason for reason in set_aside.values())


# --- regressions: each way intake used to drop or confuse a student -----------------------


def test_loose_notebooks_beside_an_nbgrader_folder_all_get_rows(tmp_path):
    (tmp_path / "carol" / PS1).mkdir(parents=True)
    (tmp_path / "carol" / PS1 / f"{PS1}.ipynb").write_text("{}")
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "bob.ipynb").write_text("{}")
    intake = collect(tmp_path, tmp_path.parent / "w")
    assert sorted(s.student_id for s in intake.submissions) == ["alice", "bob", "carol"]
    assert intake.rejected == []
    # all in nbgrader's layout: read as nbgrader's
    nbg = tmp_path.parent / "nbg"
    for student in ("dan", "eve"):
        (nbg / "submitted" / student / PS1).mkdir(parents=True)
        (nbg / "submitted" / student / PS1 / f"{PS1}.ipynb").write_text("{}")
    (nbg / "stray.ipynb").write_text("{}")
    intake = collect(nbg, tmp_path.parent / "w2")
    assert intake.layout == "nbgrader"
    assert sorted(s.student_id for s in intake.submissions) == ["dan", "eve"]
    ((name, reason),) = intake.rejected
    assert name == "stray.ipynb" and "nbgrader's" in reason and "whose it is" in reason


def test_a_zipped_folder_is_a_wrapper_not_a_student(tmp_path):
    canvas = _zip(
        tmp_path / "c.zip",
        {
            f"Downloads/ps1 submissions/doejane_1_2_{PS1}.ipynb": b"a",
            f"Downloads/ps1 submissions/roebob_3_4_{PS1}.ipynb": b"b",
            "Downloads/ps1 submissions/notes.ipynb": b"c",
        },
    )
    intake = collect(canvas, tmp_path / "w")
    assert intake.layout == "canvas"
    assert sorted(s.student_id for s in intake.submissions) == ["1", "3"]
    ((name, reason),) = intake.rejected
    assert name.endswith("notes.ipynb") and "inside Downloads/ps1 submissions/" in reason
    course = _zip(
        tmp_path / "n.zip",
        {f"course/{s}/{PS1}/{PS1}.ipynb": s.encode() for s in ("ann", "bob")},
    )
    intake = collect(course, tmp_path / "w2")
    assert intake.layout == "nbgrader" and intake.rejected == []
    assert sorted(s.student_id for s in intake.submissions) == ["ann", "bob"]
    # one folder of plain notebooks cannot be told from one student's folder: the row says so
    plain = _zip(tmp_path / "p.zip", {"subs/ann.ipynb": b"a", "subs/bob.ipynb": b"b"})
    intake = collect(plain, tmp_path / "w3")
    assert {s.student_id for s in intake.submissions} == {"subs"}
    assert all("grade subs/ itself" in s.notes[0] for s in intake.submissions)


def test_a_moodle_named_file_in_a_canvas_zip_takes_nobodys_id(tmp_path):
    archive = _zip(
        tmp_path / "c.zip",
        {
            f"doejane_12345_67890_{PS1}.ipynb": b"real",
            f"roebob_222_333_{PS1}.ipynb": b"other",
            "x_12345_assignsubmission_file_.ipynb": b"decoy",
        },
    )
    intake = collect(archive, tmp_path / "w")
    assert intake.layout == "canvas"
    ids = {s.student_id: s for s in intake.submissions}
    assert set(ids) == {"12345", "222"}
    assert ids["12345"].path.read_bytes() == b"real" and ids["12345"].notes == []
    ((name, reason),) = intake.rejected
    assert name == "x_12345_assignsubmission_file_.ipynb" and "Canvas" in reason


def test_an_id_claimed_twice_is_a_reason_on_both_rows(tmp_path):
    archive = _zip(
        tmp_path / "c.zip",
        {
            f"doejane_12345_1_{PS1}.ipynb": b"a",
            "doejane_12345_2_scratch.ipynb": b"b",  # same student, second file: no clash
            f"roebob_12345_3_{PS1}.ipynb": b"c",
        },
    )
    intake = collect(archive, tmp_path / "w")
    by_file = {s.display_file: s for s in intake.submissions}
    jane, jane2, bob = (by_file[f] for f in sorted(by_file))
    assert jane.student_id == jane2.student_id == "12345" and bob.student_id == "12345~2"
    for sub in (jane, jane2, bob):
        assert any("check who is who" in n and "12345~2" in n for n in sub.notes), sub


def _damage(archive: Path, marker: bytes) -> None:
    data = bytearray(archive.read_bytes())
    at = data.index(marker)
    data[at] ^= 0x01  # one bit: the CRC no longer matches
    archive.write_bytes(bytes(data))


def test_a_damaged_entry_or_zip_is_a_reason_not_a_traceback(tmp_path):
    archive = tmp_path / "c.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(f"doejane_1_2_{PS1}.ipynb", b"fine")
        zf.writestr(f"roebob_3_4_{PS1}.ipynb", b"DAMAGED-HERE")
    _damage(archive, b"DAMAGED-HERE")
    intake = collect(archive, tmp_path / "w")
    assert [s.student_id for s in intake.submissions] == ["1"]
    ((name, reason),) = intake.rejected
    assert name == f"roebob_3_4_{PS1}.ipynb" and "damaged in the zip" in reason
    assert not (tmp_path / "w" / "extracted" / name).exists()  # no half-written file is graded
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(archive.read_bytes()[:-30])
    intake = collect(truncated, tmp_path / "w2")
    assert intake.submissions == []
    ((name, reason),) = intake.rejected
    assert name == "cut.zip" and "damaged" in reason


def test_odd_zip_entries_are_reasons(tmp_path, monkeypatch):
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ann.ipynb", b"first")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("ann.ipynb", b"second")  # zips may repeat a name
        zf.writestr("deep.ipynb", b"x")
        zf.writestr("abcdef.ipynb", b"y")
    # a UTF-8 name stored without the UTF-8 flag, as macOS and some Windows tools write it
    utf8 = "张伟.ipynb".encode()
    assert len(utf8) == len(b"abcdef.ipynb")
    archive.write_bytes(archive.read_bytes().replace(b"abcdef.ipynb", utf8))
    intake = collect(archive, tmp_path / "w")
    ids = {s.student_id: s for s in intake.submissions}
    assert set(ids) == {"ann", "deep", "张伟"}
    assert ids["ann"].path.read_bytes() == b"first"
    assert intake.rejected == [
        ("ann.ipynb", "not extracted: the zip holds another entry of the same name")
    ]
    # a file that cannot be written (here: a path too long for the file system) is a reason
    monkeypatch.setattr(intake_mod, "MAX_NAME_BYTES", 300)
    deep = _zip(tmp_path / "deep.zip", {"/".join(["d" * 250] * 20) + "/a.ipynb": b"x"})
    intake = collect(deep, tmp_path / "w2")
    assert intake.submissions == []
    assert "could not be written" in intake.rejected[0][1]


def test_undecodable_file_names_are_shown_and_written_safely(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in (b"caf\xe9.ipynb", b"caf\xe8.ipynb"):  # Latin-1 bytes, not UTF-8
        with open(os.fsencode(folder) + b"/" + name, "wb") as handle:
            handle.write(b"{}")
    intake = collect(folder, tmp_path / "w")
    assert {(s.name, s.student_id) for s in intake.submissions} == {
        ("caf\\xe8", "caf-xe8"),
        ("caf\\xe9", "caf-xe9"),
    }
    sub = intake.submissions[0]
    out = tmp_path / "x.csv"
    with open(out, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow([sub.student_id, sub.name, sub.display_file])


# --- through a real grading run -----------------------------------------------------------


def _flip_data_byte(archive: Path, name: str) -> None:
    """Damage one byte of an entry's data, as a broken download does: its CRC no longer fits."""
    with zipfile.ZipFile(archive) as zf:
        offset = zf.getinfo(name).header_offset
    data = bytearray(archive.read_bytes())
    name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_len + extra_len + 5] ^= 0x01
    archive.write_bytes(bytes(data))


def _grade(source: Path, out: Path) -> dict[str, dict[str, str]]:
    from rapprochement.grading.report import write_csv, write_feedback
    from rapprochement.grading.runner import grade_submissions

    result = grade_submissions(source, assignment=PS1, out=out, jobs=2, timeout=TIMEOUT)
    csv_path = write_csv(result, out / "grades.csv")
    write_feedback(result, out / "feedback" / PS1)
    with open(csv_path, encoding="utf-8") as handle:
        return {r["student_id"] or r["file"]: r for r in csv.DictReader(handle)}


def _auto_total(row: dict[str, str]) -> float:
    return sum(float(v) for k, v in row.items() if "-test (" in k and v)


@pytest.fixture(scope="module")
def canvas_run(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("canvas-run")
    solved, blank = make_sample(PS1, "solved"), make_sample(PS1, "blank")
    notebook = {
        kind: write_sample(sample, root / f"{kind}.ipynb").read_bytes()
        for kind, sample in (("solved", solved), ("blank", blank))
    }
    long_entry = f"{LONG_CHINESE}_LATE_12345_67890_{PS1}.ipynb"
    archive = root / "submissions.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(long_entry, notebook["solved"])
        zf.writestr(f"leeann_444_1_{PS1}.ipynb", notebook["blank"])
        zf.writestr(f"leebob_444_2_{PS1}.ipynb", notebook["blank"])  # claims 444 too
        zf.writestr("x_12345_assignsubmission_file_.ipynb", notebook["blank"])  # would take 12345
        zf.writestr(f"kimkay_555_6_{PS1}.ipynb", notebook["solved"])
    _flip_data_byte(archive, f"kimkay_555_6_{PS1}.ipynb")
    before = archive.read_bytes()
    rows = _grade(archive, root / "out")
    return {
        "rows": rows,
        "out": root / "out",
        "solved": solved,
        "blank": blank,
        "long_entry": long_entry,
        "unchanged": archive.read_bytes() == before,
    }


def test_run_grades_a_long_chinese_canvas_name(canvas_run):
    row = canvas_run["rows"]["12345"]
    solved = canvas_run["solved"]
    assert row["name"] == LONG_CHINESE and row["file"] == canvas_run["long_entry"]
    assert row["status"] == solved.expected_status
    assert _auto_total(row) == pytest.approx(solved.expected_auto)
    assert "marked LATE by the learning system" in row["reason"]
    assert (canvas_run["out"] / "feedback" / PS1 / "12345.html").is_file()
    assert canvas_run["unchanged"]


def test_run_shows_a_clash_on_both_rows_and_sets_aside_decoy_and_damage(canvas_run):
    rows = canvas_run["rows"]
    assert {k for k, r in rows.items() if r["student_id"]} == {"12345", "444", "444~2"}
    for sid in ("444", "444~2"):
        assert "check who is who" in rows[sid]["reason"], rows[sid]
        assert rows[sid]["status"] == canvas_run["blank"].expected_status
    decoy = rows["x_12345_assignsubmission_file_.ipynb"]
    assert decoy["status"] == "not graded" and "laid out as Canvas" in decoy["reason"]
    damaged = rows[f"kimkay_555_6_{PS1}.ipynb"]
    assert damaged["status"] == "not graded" and "damaged in the zip" in damaged["reason"]


def test_run_gives_a_long_folder_name_a_short_id(tmp_path):
    require_sandbox()
    folder_name = ("张伟王秀英李娜刘洋陈静杨磊赵敏黄勇周杰吴芳" * 6)[:84]  # 252 bytes
    subs = tmp_path / "subs"
    write_sample(make_sample(PS1, "blank"), subs / folder_name / f"{PS1}.ipynb")
    rows = _grade(subs, tmp_path / "out")
    ((sid, row),) = rows.items()
    assert row["name"] == folder_name and row["status"] == "graded"
    assert len(sid.encode()) <= MAX_ID_BYTES and sid.startswith(folder_name[:10])
    assert (tmp_path / "out" / "feedback" / PS1 / f"{sid}.html").is_file()
