"""LTI 1.3 login on the real hub: install.sh's environment, deploy/jupyterhub_config.py with
RAPPROCHEMENT_LTI (deploy/lti_config.py), local accounts, and a stand-in platform on 127.0.0.1.

A browser's part is played by a requests Session: it posts the platform's login initiation,
follows the hub's redirect to the platform, posts the form the platform answers with (as the
page's script would), and follows the redirects to the student's own server.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from rapprochement_support import hubctl

from .conftest import LtiInstall
from .lti_platform import LTI, Member, Platform, new_key, parse_form, serve


@dataclass
class LtiHub:
    hub: hubctl.Hub
    platform: Platform
    users: dict[str, hubctl.Account]
    roster: Path


@pytest.fixture(scope="module")
def lti_hub(lti_install: LtiInstall) -> Iterator[LtiHub]:
    root = Path(tempfile.mkdtemp(prefix="rapprochement-ltitest-"))
    inst, groups = lti_install.install, lti_install.groups
    settings = root / "lti.json"
    try:
        with (
            serve(Platform()) as platform,
            hubctl.accounts(
                "rlt-",
                {"students": ["ann", "bob"], "instructors": ["ta"], "outsiders": ["eve"]},
                existing=groups,
            ) as (users, _),
            pytest.MonkeyPatch.context() as env,
        ):
            settings.write_text(
                json.dumps(
                    {
                        "issuer": platform.issuer,
                        "client_id": platform.client_id,
                        "deployment_ids": [platform.deployment_id],
                        "authorize_url": f"{platform.url}/authorize",
                        "jwks_url": f"{platform.url}/jwks",
                    }
                ),
                encoding="utf-8",
            )
            env.setenv("RAPPROCHEMENT_LTI", str(settings))
            env.setenv("RAPPROCHEMENT_LTI_SCHEME", "http")  # no TLS front end in the test
            for role, account in users.items():
                platform.members[role] = Member(str(uuid.uuid4()), account.name)
            # a learning-system user with no account on the hub, and one named after root
            platform.members["stranger"] = Member(str(uuid.uuid4()), "rlt-nobody-here")
            platform.members["root"] = Member(str(uuid.uuid4()), "root")
            roster = inst.staff / "grading" / "lti-roster.json"
            roster.unlink(missing_ok=True)  # this module's launches make it (the install is shared)
            with hubctl.hub(
                inst, students_group=groups["students"], instructors_group=groups["instructors"]
            ) as hub:
                yield LtiHub(hub, platform, users, roster)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def start_launch(lh: LtiHub, session: requests.Session, who: str) -> tuple[str, dict[str, str]]:
    """Steps 1-2 of a launch: the platform's login initiation posted to the hub, the hub's
    redirect to the platform, the platform's answer. Returns the form to post back."""
    p = lh.platform
    r = session.post(
        f"{lh.hub.url}/hub/lti13/oauth_login",
        data={
            "iss": p.issuer,
            "login_hint": who,
            "target_link_uri": f"{lh.hub.url}/hub/spawn",
            "client_id": p.client_id,
            "lti_deployment_id": p.deployment_id,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302, (r.status_code, r.text[:500])
    assert r.headers["Location"].startswith(f"{p.url}/authorize?"), r.headers["Location"]
    page = session.get(r.headers["Location"], timeout=30)
    assert page.status_code == 200, page.text
    return parse_form(page.text)


def resign(lh: LtiHub, token: str, key: Any = None, **changes: Any) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(changes)
    return lh.platform.sign(claims, key=key)


def wait_for_lab(session: requests.Session, url: str, timeout: float = 180) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        r = session.get(url, timeout=60)
        if r.status_code == 200 and r.url.rstrip("/").endswith(url.split("/user/", 1)[1]):
            return r
        assert time.monotonic() < deadline, (r.status_code, r.url, r.text[:300])
        time.sleep(1)


def test_valid_launch_lands_on_the_students_own_server(lti_hub: LtiHub) -> None:
    ann = lti_hub.users["ann"]
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "ann")
    assert action == f"{lti_hub.hub.url}/hub/lti13/oauth_callback"
    r = session.post(action, data=fields, timeout=120)
    assert r.status_code in (200, 202), (r.status_code, r.url, r.text[:500])
    # logged in as ann, with the hub's session cookie: her own server, at the start page's home
    lab = wait_for_lab(session, f"{lti_hub.hub.url}/user/{ann.name}/lab")
    assert "JupyterLab" in lab.text
    listing = session.get(
        f"{lti_hub.hub.url}/user/{ann.name}/api/contents/rapprochement/notebooks", timeout=60
    )
    assert listing.status_code == 200, listing.text[:300]
    names = {item["name"] for item in listing.json()["content"]}
    assert "00-start-here.ipynb" in names
    # her copy of the notebooks is hers (the hub's pre-spawn hook ran for the LTI login)
    assert (ann.home / "rapprochement" / "notebooks").stat().st_uid == ann.uid
    # the roster links the account to her LTI user id, for the grade passback
    roster = json.loads(lti_hub.roster.read_text(encoding="utf-8"))
    entry = roster["accounts"][ann.name]
    assert entry["sub"] == lti_hub.platform.members["ann"].sub
    assert entry["iss"] == lti_hub.platform.issuer
    assert entry["client_id"] == lti_hub.platform.client_id
    context = roster["contexts"][f"{lti_hub.platform.issuer} {lti_hub.platform.context_id}"]
    assert context["lineitems"] == f"{lti_hub.platform.url}/lineitems"
    # the staff can read it (the passback runs as one of them), others cannot
    assert hubctl.can_read(lti_hub.users["ta"], lti_hub.roster) is True
    assert hubctl.can_read(lti_hub.users["eve"], lti_hub.roster) is False
    assert hubctl.can_read(lti_hub.users["bob"], lti_hub.roster) is False
    # another student's server is not hers
    other = session.get(f"{lti_hub.hub.url}/user/{lti_hub.users['bob'].name}/lab", timeout=60)
    assert f"/user/{lti_hub.users['bob'].name}/lab" not in other.url or other.status_code != 200


def test_token_signed_with_another_key_is_refused(lti_hub: LtiHub) -> None:
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "bob")
    fields["id_token"] = resign(lti_hub, fields["id_token"], key=new_key())
    r = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert r.status_code == 400, (r.status_code, r.text[:500])
    assert "Signature verification failed" in r.text
    assert not logged_in(lti_hub, session)


def test_expired_token_is_refused(lti_hub: LtiHub) -> None:
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "bob")
    now = int(time.time())
    fields["id_token"] = resign(lti_hub, fields["id_token"], iat=now - 400, exp=now - 60)
    r = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert r.status_code == 400, (r.status_code, r.text[:500])
    assert "expired" in r.text
    assert not logged_in(lti_hub, session)


def test_replayed_launch_is_refused(lti_hub: LtiHub) -> None:
    bob = lti_hub.users["bob"]
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "bob")
    cookies = session.cookies.copy()  # what a copied browser request would carry
    first = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert first.status_code == 302, (first.status_code, first.text[:500])
    # the same request again, from the same browser: the hub cleared its nonce cookie
    again = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert again.status_code == 400, (again.status_code, again.text[:500])
    # the same request again with the cookies it had (copied): the token's nonce is spent
    thief = requests.Session()
    thief.cookies.update(cookies)
    replay = thief.post(action, data=fields, allow_redirects=False, timeout=60)
    assert replay.status_code == 403, (replay.status_code, replay.text[:500])
    assert "already used" in replay.text
    assert not logged_in(lti_hub, thief)
    assert bob.name  # bob himself did log in with the first post
    assert logged_in(lti_hub, session)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("stranger", "There is no account"),
        ("root", "There is no account"),
        ("eve", "There is no account"),  # a local account outside the course's groups
    ],
)
def test_launch_without_a_course_account_is_refused(
    lti_hub: LtiHub, who: str, message: str
) -> None:
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, who)
    r = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert r.status_code == 403, (r.status_code, r.text[:500])
    assert message in r.text and "course team" in r.text
    assert not logged_in(lti_hub, session)


def test_launch_without_the_username_claim_is_refused(lti_hub: LtiHub) -> None:
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "bob")
    fields["id_token"] = resign(lti_hub, fields["id_token"], **{LTI + "custom": {}})
    r = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert r.status_code == 403, (r.status_code, r.text[:500])
    assert "custom parameter" in r.text
    assert not logged_in(lti_hub, session)


def test_launch_from_another_deployment_is_refused(lti_hub: LtiHub) -> None:
    session = requests.Session()
    action, fields = start_launch(lti_hub, session, "bob")
    fields["id_token"] = resign(
        lti_hub, fields["id_token"], **{LTI + "deployment_id": "2:another-course"}
    )
    r = session.post(action, data=fields, allow_redirects=False, timeout=60)
    assert r.status_code == 403, (r.status_code, r.text[:500])
    assert "deployment" in r.text


def logged_in(lh: LtiHub, session: requests.Session) -> bool:
    """Whether the session's cookies authenticate a user at the hub."""
    r = session.get(f"{lh.hub.url}/hub/home", allow_redirects=False, timeout=30)
    return r.status_code == 200


def test_password_login_is_off(lti_hub: LtiHub) -> None:
    ann = lti_hub.users["ann"]
    r = requests.post(
        f"{lti_hub.hub.url}/hub/login",
        data={"username": ann.name, "password": ann.password},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code != 302 or "/hub/login" in r.headers.get("Location", "")
    session = requests.Session()
    session.cookies.update(r.cookies)
    assert not logged_in(lti_hub, session)
