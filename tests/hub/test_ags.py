"""Grade passback (rapprochement.grading.ags) against the stand-in platform on 127.0.0.1.

The grading CSV is written by the grader's own writer (rapprochement.grading.report), the
roster by the hub's own code (rapprochement.ltiaccounts.record_launch), as a launch would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rapprochement.grading import ags
from rapprochement.grading.report import write_csv
from rapprochement.grading.runner import GRADED, NEEDS_MANUAL, GradingResult, StudentRow
from rapprochement.ltiaccounts import record_launch

from .lti_platform import Member, Platform, new_key, pem, serve

PS = "ps1-trade-statistics"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def platform() -> Iterator[Platform]:
    with serve(Platform()) as p:
        for name in ("ann", "bob", "carl", "dora"):
            p.members[name] = Member(str(uuid.uuid4()), name)
        yield p


def grades_csv(folder: Path) -> Path:
    rows = [
        StudentRow("ann", "Ann", "ann.ipynb", GRADED, total=12, max_total=15),
        StudentRow("bob", "Bob", "bob.ipynb", GRADED, total=9.5, max_total=15),
        StudentRow("carl", "Carl", "carl.ipynb", NEEDS_MANUAL, total=7, max_total=15),
        # graded, but never opened the hub from the course: no LTI user id in the roster
        StudentRow("erin", "Erin", "erin.ipynb", GRADED, total=14, max_total=15),
        StudentRow("zero", "Zero", "zero.ipynb", GRADED, total=0, max_total=15),
    ]
    result = GradingResult(PS, rows, [("notes.txt", "not a notebook")], [], {}, folder)
    return write_csv(result, folder / f"grades-{PS}.csv")


def setup(tmp_path: Path, platform: Platform, **settings: str) -> tuple[Path, Path, Path]:
    """(grades CSV, platform settings file, roster), as the hub and `make grade` leave them."""
    roster = tmp_path / "roster.json"
    platform.members["zero"] = Member(str(uuid.uuid4()), "zero")
    for name in ("ann", "bob", "carl", "zero"):
        member = platform.members[name]
        record_launch(roster, name, platform.claims(member, uuid.uuid4().hex))
    (tmp_path / "tool.pem").write_bytes(pem(platform.tool_key))
    config = {
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "token_url": f"{platform.url}/token",
        "private_key": "tool.pem",
    } | settings
    (tmp_path / "platform.json").write_text(json.dumps(config), encoding="utf-8")
    return grades_csv(tmp_path), tmp_path / "platform.json", roster


def run(csv_path: Path, settings: Path, roster: Path) -> int:
    return ags.main([str(csv_path), "--platform", str(settings), "--roster", str(roster)])


def report(csv_path: Path) -> dict[str, tuple[str, str]]:
    lines = (csv_path.parent / f"passback-{PS}.csv").read_text(encoding="utf-8").splitlines()
    out = {}
    for line in lines[1:]:
        sid, result, _total, _max, detail = line.split(",", 4)
        out[sid] = (result, detail)
    return out


def test_final_totals_reach_the_line_item_with_user_and_maximum(tmp_path, platform, capsys):
    csv_path, settings, roster = setup(tmp_path, platform)
    before = csv_path.read_bytes()
    code = run(csv_path, settings, roster)
    out = capsys.readouterr().out
    # one line item made for the problem set, with its maximum
    assert len(platform.lineitems) == 1
    item = platform.lineitems[0]
    assert (item["tag"], item["label"], item["scoreMaximum"]) == (PS, PS, 15)
    posted = {s["score"]["userId"]: s for s in platform.scores}
    subs = {name: m.sub for name, m in platform.members.items()}
    assert set(posted) == {subs["ann"], subs["bob"], subs["zero"]}
    for name, given in (("ann", 12), ("bob", 9.5), ("zero", 0)):
        sent = posted[subs[name]]
        assert sent["lineitem"] == item["id"]
        score = sent["score"]
        assert (score["scoreGiven"], score["scoreMaximum"]) == (given, 15)
        assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
        stamp = datetime.fromisoformat(score["timestamp"])
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    # the client-credentials grant was used, once
    assert platform.requests.count("POST /token") == 1
    # carl's written answers wait for formgrader: not sent; erin never launched: not sent
    rows = report(csv_path)
    assert rows["carl"][0] == "skipped"
    assert rows["erin"][0] == "not posted" and "no LTI user id" in rows["erin"][1]
    assert rows[""][0] == "skipped"
    assert code == 1
    assert "NOT POSTED erin" in out and "unchanged" in out
    assert csv_path.read_bytes() == before


def test_an_existing_line_item_is_used(tmp_path, platform):
    csv_path, settings, roster = setup(tmp_path, platform)
    platform.lineitems.append(
        {"id": f"{platform.url}/lineitems/1", "tag": PS, "label": "PS 1", "scoreMaximum": 15}
    )
    run(csv_path, settings, roster)
    assert len(platform.lineitems) == 1
    assert {s["lineitem"] for s in platform.scores} == {f"{platform.url}/lineitems/1"}


def test_an_http_error_for_one_student_leaves_the_others_posted(tmp_path, platform, capsys):
    csv_path, settings, roster = setup(tmp_path, platform)
    platform.fail_scores[platform.members["bob"].sub] = 500
    code = run(csv_path, settings, roster)
    out = capsys.readouterr().out
    rows = report(csv_path)
    assert rows["ann"][0] == "posted"
    assert rows["bob"][0] == "not posted" and "HTTP 500" in rows["bob"][1]
    assert code == 1 and "NOT POSTED bob" in out


def test_a_student_the_platform_does_not_know_is_reported(tmp_path, platform):
    csv_path, settings, roster = setup(tmp_path, platform)
    del platform.members["zero"]  # left the course in the learning system
    run(csv_path, settings, roster)
    rows = report(csv_path)
    assert rows["zero"][0] == "not posted" and "HTTP 422" in rows["zero"][1]
    assert rows["ann"][0] == "posted"


def test_platform_down_posts_nothing_and_says_so(tmp_path, capsys):
    with serve(Platform()) as platform:
        for name in ("ann", "bob", "carl"):
            platform.members[name] = Member(str(uuid.uuid4()), name)
        csv_path, settings, roster = setup(tmp_path, platform)
    before = csv_path.read_bytes()
    code = run(csv_path, settings, roster)  # the platform has stopped
    out = capsys.readouterr().out
    rows = report(csv_path)
    for name in ("ann", "bob", "zero"):
        assert rows[name][0] == "not posted" and "unreachable" in rows[name][1]
    assert code == 1 and "posted 0 total(s)" in out and "unchanged" in out
    assert csv_path.read_bytes() == before


def test_a_tool_key_the_platform_does_not_know_is_refused(tmp_path, platform):
    csv_path, settings, roster = setup(tmp_path, platform)
    (tmp_path / "tool.pem").write_bytes(pem(new_key()))
    code = run(csv_path, settings, roster)
    rows = report(csv_path)
    assert rows["ann"][0] == "not posted" and "HTTP 401" in rows["ann"][1]
    assert platform.scores == [] and code == 1


def test_bad_settings_are_refused_before_anything_is_sent(tmp_path, platform, capsys):
    csv_path, settings, roster = setup(tmp_path, platform)
    settings.write_text(json.dumps({"issuer": platform.issuer}), encoding="utf-8")
    assert run(csv_path, settings, roster) == 2
    assert "missing client_id, token_url, private_key" in capsys.readouterr().out
    assert platform.requests == []
