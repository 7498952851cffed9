"""Writing due dates into the one deadlines file (rapprochement.grading.deadlines; no nbgrader).

Expected UTC times are worked out by hand: Berlin is UTC+2 in October before the 25th (CEST),
UTC+1 after; Shanghai is UTC+8 all year."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from rapprochement.grading.deadlines import deadline_text, main, set_due_date
from rapprochement.grading.late import LateError, deadlines_path, load_deadlines

PS1, PS2 = "ps1-trade-statistics", "ps2-mirror-statistics"
SHIPPED = """\
# the course's file
timezone = "Europe/Berlin"  # course zone

[penalty]
method = "percent"
percent_per_day = 10

[due]
# ps1-trade-statistics = "2026-10-15 23:59"
"""


@pytest.fixture
def file(tmp_path):
    path = tmp_path / "deadlines.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    return path


def utc(when):
    return when.astimezone(UTC).replace(tzinfo=None)


def test_a_due_date_is_added_in_the_course_zone_and_the_rest_is_kept(file):
    due = set_due_date(file, PS1, "2026-10-15 23:59")
    assert utc(due) == datetime(2026, 10, 15, 21, 59)
    text = file.read_text(encoding="utf-8")
    assert text.startswith(SHIPPED)  # comments, penalty, the commented example: all kept
    assert text.endswith(f'{PS1} = "2026-10-15 23:59"\n')
    course = load_deadlines(file)
    assert course.penalty.percent_per_day == 10
    assert utc(course.due[PS1]) == datetime(2026, 10, 15, 21, 59)


def test_setting_again_replaces_the_line_and_another_zone_is_written_with_it(file):
    set_due_date(file, PS1, "2026-10-15 23:59")
    set_due_date(file, PS2, "2026-10-29 23:59")  # after the change to winter time: UTC+1
    set_due_date(file, PS1, "2026-10-16 08:00", "Asia/Shanghai")
    text = file.read_text(encoding="utf-8")
    assert [line.startswith(f"{PS1} =") for line in text.splitlines()].count(True) == 1
    assert f'{PS1} = "2026-10-16 08:00 Asia/Shanghai"' in text
    due = load_deadlines(file).due
    assert utc(due[PS1]) == datetime(2026, 10, 16, 0, 0)
    assert utc(due[PS2]) == datetime(2026, 10, 29, 22, 59)


def test_an_offset_is_kept_as_an_offset_never_an_abbreviation(file):
    set_due_date(file, PS1, "2026-10-15T23:59:00+03:00")
    assert f'{PS1} = "2026-10-15T23:59:00+03:00"' in file.read_text(encoding="utf-8")
    assert utc(load_deadlines(file).due[PS1]) == datetime(2026, 10, 15, 20, 59)


def test_a_missing_file_is_made_with_the_zone_given(tmp_path):
    path = tmp_path / "new.toml"
    set_due_date(path, PS1, "2026-10-15 23:59", "Europe/Moscow")
    course = load_deadlines(path)
    assert course.zone == "Europe/Moscow"
    assert utc(course.due[PS1]) == datetime(2026, 10, 15, 20, 59)  # MSK is UTC+3


def test_a_due_table_with_a_comment_is_found(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text('timezone = "UTC"\n[due]  # the deadlines\n', encoding="utf-8")
    set_due_date(path, PS1, "2026-10-15 23:59")
    assert path.read_text(encoding="utf-8").endswith(
        f'# the deadlines\n{PS1} = "2026-10-15 23:59"\n'
    )


def test_a_due_section_is_added_when_the_file_has_none(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text('timezone = "UTC"\n', encoding="utf-8")
    set_due_date(path, PS1, "2026-10-15 23:59")
    assert load_deadlines(path).due[PS1] == datetime(2026, 10, 15, 23, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "when", "zone", "says"),
    [
        (PS1, "2026-13-01 10:00", None, "cannot read"),
        (PS1, "2026-10-15 23:59", "Mars/Olympus", "unknown time zone"),
        ('ps1"\n[penalty]', "2026-10-15 23:59", None, "not a problem set name"),
    ],
)
def test_bad_input_is_refused_and_the_file_is_left_as_it_was(file, name, when, zone, says):
    with pytest.raises(LateError, match=says):
        set_due_date(file, name, when, zone)
    assert file.read_text(encoding="utf-8") == SHIPPED


def test_the_command_line_says_what_it_recorded(file, capsys):
    assert main(["set", PS1, "2026-10-15 23:59", "--file", str(file)]) == 0
    assert "ps1-trade-statistics due 2026-10-15 23:59 CEST" in capsys.readouterr().out
    assert main(["set", PS1, "tomorrow", "--file", str(file)]) == 2
    assert "cannot read 'tomorrow'" in capsys.readouterr().err


def test_students_read_the_deadline_in_its_zone_and_in_utc(file):
    due = set_due_date(file, PS1, "2026-10-15 23:59")
    text = deadline_text(PS1, due)
    assert "Thursday 15 October 2026, 23:59 CEST (Europe/Berlin time)" in text
    assert "which is 2026-10-15 21:59 UTC" in text


def test_the_file_is_found_through_the_environment_link_on_the_hub(tmp_path, monkeypatch):
    monkeypatch.delenv("RAPPROCHEMENT_DEADLINES", raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "env"))
    assert deadlines_path().name == "deadlines.toml"
    assert deadlines_path().parent.name != "rapprochement"  # no link: the repository's file
    staff = tmp_path / "staff.toml"
    staff.write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    link = tmp_path / "env" / "etc" / "rapprochement" / "deadlines.toml"
    link.parent.mkdir(parents=True)
    link.symlink_to(staff)
    assert deadlines_path() == link
    assert load_deadlines().zone == "Asia/Shanghai"
    monkeypatch.setenv("RAPPROCHEMENT_DEADLINES", str(tmp_path / "other.toml"))
    assert deadlines_path() == tmp_path / "other.toml"  # the variable still wins
