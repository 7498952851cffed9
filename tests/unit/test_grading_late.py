"""Deadlines, extensions and penalty arithmetic (rapprochement.grading.late; no nbgrader).

Expected values are worked out by hand in each case from the policy's wording: a percentage of
the score per *started* day after the grace period, capped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from rapprochement.grading.late import (
    LateError,
    Penalty,
    describe_late,
    load_deadlines,
    load_extensions,
    parse_time,
    penalty_percent,
    penalty_points,
    show_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = Penalty("percent", percent_per_day=10, max_percent=50, grace_minutes=5)
MIN, HOUR, DAY = 60, 3600, 86400


@pytest.mark.parametrize(
    ("seconds", "percent"),
    [
        (0, 0),
        (4 * MIN, 0),  # inside the grace period
        (5 * MIN, 0),  # exactly the grace period
        (5 * MIN + 1, 10),  # one second past it: the first day started
        (DAY + 5 * MIN, 10),  # a full day after the grace period: still the first day
        (DAY + 5 * MIN + 1, 20),  # the second day started
        (46 * HOUR, 20),
        (4 * DAY + 6 * MIN, 50),  # fifth day: 50%
        (30 * DAY, 50),  # capped
    ],
)
def test_percent_per_started_day_after_grace_with_cap(seconds, percent):
    assert penalty_percent(seconds, POLICY) == percent


def test_points_are_a_share_of_the_score_rounded_to_hundredths():
    assert penalty_points(13.0, 2 * DAY, POLICY) == 2.6  # 47 h 55 min past grace: 20% of 13
    assert penalty_points(13.0, 2 * DAY + 6 * MIN, POLICY) == 3.9  # third day started: 30%
    assert penalty_points(7.0, 0.5 * DAY, Penalty("percent", 12.5, 100, 0)) == 0.88  # 0.875
    assert penalty_points(0.0, 9 * DAY, POLICY) == 0.0


def test_zero_and_none_methods():
    assert penalty_points(11.0, 1, Penalty("zero")) == 11.0
    assert penalty_points(11.0, 9 * DAY, Penalty("none", 10, 50, 0)) == 0.0
    assert penalty_percent(1, Penalty("zero", grace_minutes=5)) == 0  # grace applies to zero


def test_times_are_read_with_their_zone_or_the_course_zone():
    utc = datetime(2026, 10, 15, 21, 59, tzinfo=UTC)
    assert parse_time("2026-10-15 23:59", BERLIN) == utc  # CEST, UTC+2
    assert parse_time("2026-10-15 21:59:00.000000 UTC", BERLIN) == utc  # nbgrader's format
    assert parse_time("2026-10-15T21:59:00+00:00", BERLIN) == utc
    assert parse_time("2026-10-16 05:59 Asia/Shanghai", BERLIN) == utc
    # after the change to winter time Berlin is UTC+1
    assert parse_time("2026-11-15 23:59", BERLIN) == datetime(2026, 11, 15, 22, 59, tzinfo=UTC)
    for bad in ("", "next Friday", "2026-13-01 10:00", "2026-10-15 10:00 Mars/Olympus"):
        with pytest.raises(LateError):
            parse_time(bad, BERLIN, "here")


def test_shown_times_name_the_zone():
    when = datetime(2026, 10, 17, 20, 0)  # naive: UTC, as nbgrader stores it
    assert show_time(when, BERLIN) == "2026-10-17 22:00 CEST (Europe/Berlin)"
    assert show_time(None, BERLIN) == ""
    assert describe_late(46 * HOUR + 61) == "1 d 22 h 2 min"
    assert describe_late(30) == "1 min"
    assert describe_late(2 * HOUR) == "2 h"


def _write(tmp_path, text):
    path = tmp_path / "deadlines.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_deadlines_file(tmp_path):
    path = _write(
        tmp_path,
        'timezone = "America/Sao_Paulo"\n[penalty]\npercent_per_day = 5\n'
        '[due]\nps1 = "2026-10-15 23:59"\nps2 = 2026-10-20T12:00:00Z\n',
    )
    course = load_deadlines(path)
    assert course.penalty == Penalty("percent", 5, 100, 0)
    assert course.due["ps1"] == datetime(2026, 10, 16, 2, 59, tzinfo=UTC)
    assert course.due["ps2"] == datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    assert load_deadlines(tmp_path / "absent.toml").due == {}


@pytest.mark.parametrize(
    "text",
    [
        'timezone = "Berlin"',
        'timezone = "UTC"\n[penalty]\nmethod = "half"',
        'timezone = "UTC"\n[penalty]\npercent_per_day = -1',
        'timezone = "UTC"\n[penalty]\nmax_percent = 150',
        'timezone = "UTC"\n[due]\nps1 = "soon"',
        "timezone = ",
    ],
)
def test_bad_deadlines_files_are_refused_with_the_file_named(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(LateError, match="deadlines.toml"):
        load_deadlines(path)


def test_extensions(tmp_path):
    course = load_deadlines(
        _write(tmp_path, 'timezone = "Europe/Berlin"\n[due]\nps1 = "2026-10-15 23:59"\n')
    )
    ext = tmp_path / "ext.csv"
    ext.write_text(
        "\ufeffstudent_id,assignment,due,note\n"
        'José,ps1,2026-10-18 12:00,"illness, note seen"\n'
        "张伟,ps2,2026-10-30 12:00,\n",  # another assignment: ignored here
        encoding="utf-8",
    )
    assert load_extensions(ext, course, "ps1") == {
        "José": datetime(2026, 10, 18, 10, 0, tzinfo=UTC)
    }
    assert load_extensions(tmp_path / "none.csv", course, "ps1") == {}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a,ps1,2026-10-18 12:00\na,ps1,2026-10-19 12:00\n", "second extension"),
        ("a,ps1,2026-10-14 12:00\n", "not after the due date"),
        (",ps1,2026-10-18 12:00\n", "no student_id"),
        ("a,ps1,tomorrow\n", "line 2"),
        ("a,ps9,2026-10-18 12:00\n", None),  # no row for ps1: nothing
    ],
)
def test_bad_extensions_name_the_line(tmp_path, rows, message):
    course = load_deadlines(
        _write(tmp_path, '[due]\nps1 = "2026-10-15 23:59"\nps9 = "2026-10-15 23:59"\n')
    )
    ext = tmp_path / "ext.csv"
    ext.write_text("student_id,assignment,due\n" + rows, encoding="utf-8")
    if message is None:
        assert load_extensions(ext, course, "ps1") == {}
        return
    with pytest.raises(LateError, match=message):
        load_extensions(ext, course, "ps1")


def test_extension_for_an_assignment_without_due_date_is_refused(tmp_path):
    course = load_deadlines(_write(tmp_path, 'timezone = "UTC"\n'))
    ext = tmp_path / "ext.csv"
    ext.write_text("student_id,assignment,due\na,ps1,2026-10-18 12:00\n", encoding="utf-8")
    with pytest.raises(LateError, match="no due date"):
        load_extensions(ext, course, "ps1")


# ------------------------------------------------- submission times from Moodle's worksheet


def test_moodle_times_are_read_in_the_zone_given():
    from rapprochement.grading.late import moodle_time

    # Moodle's English default format, no zone: read in Berlin (CEST, UTC+2 on 15 October)
    when = moodle_time("Thursday, 15 October 2026, 11:58 PM", BERLIN)
    assert when == datetime(2026, 10, 15, 21, 58, tzinfo=UTC)
    assert moodle_time("16 October 2026, 1:10 AM", BERLIN) == datetime(
        2026, 10, 15, 23, 10, tzinfo=UTC
    )
    assert moodle_time("Friday, 30 October 2026, 09:00", BERLIN) == datetime(
        2026,
        10,
        30,
        8,
        0,
        tzinfo=UTC,  # winter time by then: UTC+1
    )
    assert moodle_time("-", BERLIN) is None
    assert moodle_time("jeudi 15 octobre 2026, 23:58", BERLIN) is None  # another language


def test_worksheet_times_by_participant_with_problems_named(tmp_path):
    from rapprochement.grading.late import worksheet_times

    sheet = tmp_path / "worksheet.csv"
    sheet.write_text(
        "Identifier,Full name,Status,Grade,Last modified (submission),Last modified (grade)\n"
        'Participant 4031,A,Submitted,,"Thursday, 15 October 2026, 11:58 PM",-\n'
        "Participant 4032,B,No submission,,-,-\n"
        'Participant 4033,C,Submitted,,"jeudi 15 octobre 2026, 23:58",-\n',
        encoding="utf-8",
    )
    times, problems = worksheet_times(sheet, BERLIN)
    assert times == {"4031": datetime(2026, 10, 15, 21, 58, tzinfo=UTC)}
    assert problems == [
        "Participant 4033: cannot read 'jeudi 15 octobre 2026, 23:58' as a time: "
        "submission time unknown"
    ]
    sheet.write_text(
        "Identifier,Full name,Grade,Last modified (grade)\nParticipant 4031,A,,-\n",
        encoding="utf-8",
    )
    times, problems = worksheet_times(sheet, BERLIN)
    assert times == {} and "no 'Last modified (submission)' column" in problems[0]
    canvas = tmp_path / "canvas.csv"
    canvas.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nA,1,,a,\n", encoding="utf-8")
    assert worksheet_times(canvas, BERLIN) == ({}, [])  # no times in a Canvas export
