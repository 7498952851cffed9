"""rapprochement.ltiaccounts: the account a launch names, used nonces, the LTI roster."""

from __future__ import annotations

import json
import stat

import pytest

from rapprochement.ltiaccounts import (
    AGS_CLAIM,
    CONTEXT_CLAIM,
    CUSTOM_CLAIM,
    DEPLOYMENT_CLAIM,
    LaunchRefused,
    NonceLedger,
    account_name,
    read_roster,
    record_launch,
)


def claims(sub: str = "sub-1", username: str | None = "ann", **more):
    base = {
        "iss": "https://lms.test",
        "aud": "tool",
        "sub": sub,
        DEPLOYMENT_CLAIM: "1:dep",
        CUSTOM_CLAIM: {} if username is None else {"username": username},
    }
    return base | more


@pytest.mark.parametrize(
    ("value", "name"), [("ann", "ann"), (" Ann-2 ", "ann-2"), ("b_o_b", "b_o_b")]
)
def test_account_name_from_the_custom_claim(value, name):
    assert account_name(claims(username=value), "custom_username") == name


def test_account_name_from_a_top_level_claim():
    assert account_name({"preferred_username": "Carl"}, "preferred_username") == "carl"


@pytest.mark.parametrize("value", ["ann@uni.example", "1ann", "an n", "../etc", "a" * 40, ""])
def test_a_name_that_is_no_account_name_is_refused_not_altered(value):
    with pytest.raises(LaunchRefused):
        account_name(claims(username=value), "custom_username")


def test_a_missing_claim_is_refused_and_never_replaced_by_sub():
    with pytest.raises(LaunchRefused, match="custom parameter"):
        account_name(claims(username=None), "custom_username")
    with pytest.raises(LaunchRefused):
        account_name({"sub": "ann"}, "email")


def test_a_nonce_is_accepted_once_until_it_expires():
    ledger = NonceLedger()
    ledger.use("n1", expires=100, now=10)
    ledger.use("n2", expires=100, now=10)
    with pytest.raises(LaunchRefused, match="already used"):
        ledger.use("n1", expires=100, now=50)
    ledger.use("n1", expires=300, now=101)  # forgotten after its token expired
    with pytest.raises(LaunchRefused):
        ledger.use("", expires=100, now=10)


def test_the_roster_links_each_account_to_its_lti_user(tmp_path):
    roster = tmp_path / "lti" / "roster.json"
    endpoint = {"lineitems": "https://lms.test/course/7/lineitems", "scope": []}
    record_launch(
        roster,
        "ann",
        claims(**{AGS_CLAIM: endpoint, CONTEXT_CLAIM: {"id": "7", "title": "Course"}}),
    )
    record_launch(roster, "ann", claims())  # a second launch changes nothing that matters
    record_launch(roster, "bob", claims(sub="sub-2", username="bob"))
    entries = read_roster(roster)
    assert (entries["ann"].sub, entries["bob"].sub) == ("sub-1", "sub-2")
    assert entries["ann"].client_id == "tool" and entries["ann"].deployment_id == "1:dep"
    data = json.loads(roster.read_text())
    assert data["contexts"]["https://lms.test 7"]["lineitems"] == endpoint["lineitems"]
    assert stat.S_IMODE(roster.stat().st_mode) == 0o640


def test_one_account_per_lti_user_and_one_lti_user_per_account(tmp_path):
    roster = tmp_path / "roster.json"
    record_launch(roster, "ann", claims())
    with pytest.raises(LaunchRefused, match="linked to another"):
        record_launch(roster, "ann", claims(sub="someone-else"))
    with pytest.raises(LaunchRefused, match="linked to the hub account 'ann'"):
        record_launch(roster, "bob", claims())
    assert set(read_roster(roster)) == {"ann"}
    with pytest.raises(LaunchRefused, match="no user id"):
        record_launch(roster, "carl", claims(sub=""))


def test_a_damaged_roster_is_reported(tmp_path):
    path = tmp_path / "roster.json"
    assert read_roster(path) == {}
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_roster(path)
