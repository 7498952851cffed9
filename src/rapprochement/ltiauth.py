"""LTI 1.3 login for the course hub: jupyterhub-ltiauthenticator, fitted to local accounts.

The library does the LTI 1.3 / OpenID Connect launch: the login initiation, the redirect to the
platform, the id_token's signature (the platform's JWKS), issuer, audience, expiry, age and the
nonce bound to the browser's cookie. This subclass adds what a hub of local system accounts
needs (deploy/lti_config.py turns it on; docs/course-runbook.md, LTI, explains the choices):

* the account is named by one claim (by default the custom parameter ``username``, the
  learning system's login name), checked, never altered; a launch without it is refused;
* the account must exist on the machine and be in the course's groups: the hub never creates
  accounts (the course team does, with deploy/bin/add-accounts); anyone else is refused with a
  message saying whom to ask;
* only the configured deployments are accepted, and a token is used once (NonceLedger);
* every accepted launch links the account to its LTI user id (``sub``) in the roster file,
  which the grade passback reads (rapprochement.grading.ags).
"""

from __future__ import annotations

import grp
import pwd
from pathlib import Path
from typing import Any

from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.handlers import LTI13LoginInitHandler
from tornado import web
from traitlets import Set, Unicode, default

from rapprochement.ltiaccounts import (
    DEPLOYMENT_CLAIM,
    LaunchRefused,
    NonceLedger,
    account_name,
    record_launch,
)

__all__ = ["CourseLTIAuthenticator"]


def in_groups(name: str, groups: set[str]) -> bool:
    """Whether the local account ``name`` exists and is in one of ``groups``."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return False
    for group in groups:
        try:
            info = grp.getgrnam(group)
        except KeyError:
            continue
        if name in info.gr_mem or entry.pw_gid == info.gr_gid:
            return True
    return False


class CrossSiteCookies:
    """The launch's state and nonce cookies are read when the platform posts the id_token back,
    a cross-site POST: browsers send such a cookie only if it is ``SameSite=None; Secure``.
    Behind the TLS front end (https) the cookies are marked so; over plain http (tests on
    127.0.0.1) they cannot be, and stay as JupyterHub sets them."""

    def _set_oauth_cookie(self, key: str, value: Any) -> None:
        extra = {}
        if self.authenticator.get_uri_scheme(self.request) == "https":  # type: ignore[attr-defined]
            extra = {"samesite": "None", "secure": True}
        self._set_cookie(  # type: ignore[attr-defined]
            key, value, expires_days=1, httponly=True, encrypted=True, **extra
        )


class CourseLoginInitHandler(CrossSiteCookies, LTI13LoginInitHandler):  # type: ignore[misc]
    pass


class CourseLTIAuthenticator(LTI13Authenticator):  # type: ignore[misc]
    """LTI 1.3 login into existing local accounts of the course's groups."""

    login_handler = CourseLoginInitHandler

    allowed_groups = Set(
        Unicode(),
        help="Local groups whose members may log in (the students' and instructors' groups).",
    ).tag(config=True, allow_config=True)

    deployment_ids = Set(
        Unicode(),
        help="The LTI deployment ids the platform gave this tool; a launch from another "
        "deployment is refused. Empty: any deployment of the configured client id.",
    ).tag(config=True)

    roster_path = Unicode(
        "",
        help="JSON file linking each account to its LTI user id (sub), for the grade "
        "passback. Empty: not written (then no passback is possible).",
    ).tag(config=True)

    @default("username_key")
    def _default_username_key(self) -> str:
        return "custom_username"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.nonces = NonceLedger()

    async def authenticate(
        self, handler: Any, data: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        claims = data or {}
        try:
            deployment = str(claims.get(DEPLOYMENT_CLAIM) or "")
            if self.deployment_ids and deployment not in self.deployment_ids:
                raise LaunchRefused(
                    f"This hub does not accept launches from deployment {deployment!r}. "
                    "Ask the course team to add it to the hub's LTI settings."
                )
            self.nonces.use(str(claims.get("nonce") or ""), float(claims.get("exp") or 0))
            name = account_name(claims, self.username_key)
            if not in_groups(name, set(self.allowed_groups)):
                raise LaunchRefused(
                    f"There is no account {name!r} for this course on the hub. Accounts are "
                    "made by the course team before the term: ask them to add you."
                )
            if self.roster_path:
                record_launch(Path(self.roster_path), name, claims)
        except LaunchRefused as err:
            self.log.warning("LTI launch refused: %s", err)
            raise web.HTTPError(403, str(err)) from err
        self.log.info("LTI launch: %s (sub %s)", name, claims.get("sub"))
        return {"name": name, "auth_state": claims}

    def check_allowed(self, username: str, authentication: Any = None) -> bool:
        return in_groups(username, set(self.allowed_groups))
