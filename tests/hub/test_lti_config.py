"""deploy/lti_config.py, as jupyterhub_config.py loads it when RAPPROCHEMENT_LTI is set: every
setting names a real option, and a bad settings file stops the hub with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from rapprochement.ltiauth import CourseLTIAuthenticator

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = {
    "issuer": "https://canvas.instructure.com",
    "client_id": "10000000000042",
    "deployment_ids": ["1:abc"],
    "authorize_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks",
}


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object):
    path = tmp_path / "lti.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    monkeypatch.setenv("RAPPROCHEMENT_LTI", str(path))
    monkeypatch.setenv("RAPPROCHEMENT_STAFF", str(tmp_path / "staff"))
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy")).load_config()


def test_lti_settings_are_real_options(tmp_path, monkeypatch):
    config = load(tmp_path, monkeypatch, SETTINGS)
    assert config.JupyterHub.authenticator_class == "rapprochement.ltiauth.CourseLTIAuthenticator"
    traits = CourseLTIAuthenticator.class_traits(config=True)
    unknown = set(config.CourseLTIAuthenticator) - set(traits)
    assert not unknown, unknown
    auth = CourseLTIAuthenticator(config=config)
    assert auth.client_id == {"10000000000042"} and auth.deployment_ids == {"1:abc"}
    assert auth.jwks_endpoint == SETTINGS["jwks_url"]
    assert auth.username_key == "custom_username" and auth.uri_scheme == "https"
    assert auth.allowed_groups == {"rapprochement-students", "rapprochement-instructors"}
    assert auth.roster_path == str(tmp_path / "staff" / "grading" / "lti-roster.json")
    # the rest of the shipped configuration is still there (spawner, limits, hooks)
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"


def test_without_the_variable_the_hub_keeps_password_login(monkeypatch):
    monkeypatch.delenv("RAPPROCHEMENT_LTI", raising=False)
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy")).load_config()
    assert config.JupyterHub.authenticator_class == "pam"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({k: v for k, v in SETTINGS.items() if k != "jwks_url"}, "missing jwks_url"),
        (SETTINGS | {"jwks": "x"}, "unknown setting"),
        ("not an object", "cannot read"),
    ],
)
def test_a_bad_settings_file_stops_the_hub_with_its_reason(
    tmp_path, monkeypatch, settings, message
):
    with pytest.raises(SystemExit, match=message):
        load(tmp_path, monkeypatch, settings)


class _Recorder:
    """The parts of a JupyterHub handler the launch's cookie code uses."""

    def __init__(self, scheme: str) -> None:
        self.request = object()
        self.authenticator = type("A", (), {"get_uri_scheme": lambda _, request: scheme})()
        self.cookies: list[dict] = []

    def _set_cookie(self, key, value, **kwargs):
        self.cookies.append({"key": key, **kwargs})


@pytest.mark.parametrize(("scheme", "cross_site"), [("https", True), ("http", False)])
def test_launch_cookies_survive_the_platforms_cross_site_post(scheme, cross_site):
    from rapprochement.ltiauth import CourseLoginInitHandler

    handler = _Recorder(scheme)
    CourseLoginInitHandler._set_oauth_cookie(handler, "lti13authenticator-state", "s")
    (cookie,) = handler.cookies
    assert cookie["encrypted"] is True and cookie["httponly"] is True
    if cross_site:
        assert (cookie["samesite"], cookie["secure"]) == ("None", True)
    else:
        assert "samesite" not in cookie  # browsers refuse SameSite=None without https
