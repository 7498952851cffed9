"""LTI 1.3 identities and the hub's accounts: the account name a launch asks for, the roster
that links each account to its LTI user id (``sub``), and the nonces already used.

The hub (``rapprochement.ltiauth``) writes the roster at every launch; the grade passback
(``rapprochement.grading.ags``) reads it to find the ``sub`` of each student in the grading CSV.
Nothing here needs JupyterHub; the roster is plain JSON.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CUSTOM_CLAIM",
    "AGS_CLAIM",
    "LaunchRefused",
    "NonceLedger",
    "RosterEntry",
    "account_name",
    "read_roster",
    "record_launch",
]

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"

NAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
"""The account names deploy/bin/add-accounts makes (and docs/course-runbook.md asks for)."""


class LaunchRefused(Exception):
    """A launch that must not log anybody in; the message is shown to the person launching."""


def account_name(claims: Mapping[str, Any], key: str) -> str:
    """The hub account a launch asks for: claim ``key`` of the id_token, lower-cased.

    ``custom_<name>`` reads ``<name>`` in the LTI custom claim (where Canvas and Moodle put a
    custom parameter such as ``username=$User.username``); any other key is a top-level claim.
    A missing claim is refused (never replaced by another one), and so is a value that is not
    an account name as add-accounts makes them: changing it (dropping an e-mail domain,
    replacing characters) could turn two people into one account.
    """
    source: Any = claims
    claim = key
    if key.startswith("custom_"):
        source = claims.get(CUSTOM_CLAIM) or {}
        claim = key[len("custom_") :]
    value = source.get(claim) if isinstance(source, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        raise LaunchRefused(
            f"The learning system did not send the user name this hub uses (claim {key!r}). "
            "The course team must add the custom parameter described in the course runbook "
            "(section LTI) to the tool's settings."
        )
    name = value.strip().lower()
    if not NAME_RE.fullmatch(name):
        raise LaunchRefused(
            f"Your learning-system user name {value.strip()!r} is not an account name on this "
            "hub (lower-case letters, digits, '-' or '_', starting with a letter). "
            "Ask the course team."
        )
    return name


class NonceLedger:
    """Nonces of id_tokens already accepted, kept until their token expires.

    The authenticator's cookie-bound nonce check refuses a token posted without the browser's
    cookie; this refuses a second use of the same token even with the cookie (a copied request).
    Kept in the hub's memory: a hub restart forgets it, but the tokens it held expire within
    minutes (the platform's ``exp``; the authenticator also refuses a token older than 10 min).
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def use(self, nonce: str, expires: float, now: float | None = None) -> None:
        """Record ``nonce``; raise LaunchRefused if it was used before and has not expired."""
        now = time.time() if now is None else now
        self._seen = {n: e for n, e in self._seen.items() if e >= now}
        if not nonce:
            raise LaunchRefused("The launch has no nonce; start it again from the course page.")
        if nonce in self._seen:
            raise LaunchRefused(
                "This launch was already used (a replayed login). Start it again from the course "
                "page in the learning system."
            )
        self._seen[nonce] = max(float(expires), now)


@dataclass(frozen=True)
class RosterEntry:
    """What the roster keeps for one account."""

    account: str
    issuer: str
    client_id: str
    deployment_id: str
    sub: str


def read_roster(path: Path) -> dict[str, RosterEntry]:
    """``{account: RosterEntry}`` from the roster file; a missing file is an empty roster."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as err:
        raise ValueError(f"{path} is not valid JSON ({err}); it is written by the hub") from err
    accounts = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(accounts, dict):
        raise ValueError(f"{path} has no 'accounts' object; it is written by the hub")
    roster = {}
    for account, entry in accounts.items():
        roster[account] = RosterEntry(
            account,
            str(entry.get("iss", "")),
            str(entry.get("client_id", "")),
            str(entry.get("deployment_id", "")),
            str(entry.get("sub", "")),
        )
    return roster


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock = path.with_name(path.name + ".lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _audience(claims: Mapping[str, Any]) -> str:
    aud = claims.get("aud")
    if isinstance(aud, list):
        return str(claims.get("azp") or (aud[0] if aud else ""))
    return str(aud or "")


def record_launch(path: Path, account: str, claims: Mapping[str, Any], mode: int = 0o640) -> None:
    """Link ``account`` to the launch's LTI user (issuer, client id, deployment, ``sub``), and
    keep the course's grade service endpoint (the line items URL) from the launch.

    Refuses (LaunchRefused) when the account is already linked to another LTI user of the same
    platform, or the LTI user to another account: two people must never share an account, and a
    passback must never send one student's grade to another. The course team resolves it by
    removing the entry from the roster (docs/course-runbook.md, LTI).
    """
    sub = str(claims.get("sub") or "")
    if not sub:
        raise LaunchRefused(
            "The learning system sent no user id (sub); anonymous launches "
            "cannot log in to this hub."
        )
    issuer = str(claims.get("iss") or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        accounts = data.setdefault("accounts", {})
        contexts = data.setdefault("contexts", {})
        old = accounts.get(account)
        if old and old.get("iss") == issuer and old.get("sub") != sub:
            raise LaunchRefused(
                f"The hub account {account!r} is linked to another learning-system user. "
                "Ask the course team (course runbook, LTI: 'a launch is refused')."
            )
        for other, entry in accounts.items():
            if other != account and entry.get("iss") == issuer and entry.get("sub") == sub:
                raise LaunchRefused(
                    f"Your learning-system user is linked to the hub account {other!r}, not "
                    f"{account!r}. Ask the course team (course runbook, LTI: 'a launch is "
                    "refused')."
                )
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        roles = claims.get(ROLES_CLAIM)
        accounts[account] = {
            "iss": issuer,
            "client_id": _audience(claims),
            "deployment_id": str(claims.get(DEPLOYMENT_CLAIM) or ""),
            "sub": sub,
            "roles": roles if isinstance(roles, list) else [],
            "first_launch": (old or {}).get("first_launch", now),
            "last_launch": now,
        }
        context = claims.get(CONTEXT_CLAIM)
        endpoint = claims.get(AGS_CLAIM)
        if isinstance(context, dict) and isinstance(endpoint, dict) and endpoint.get("lineitems"):
            contexts[f"{issuer} {context.get('id', '')}"] = {
                "title": str(context.get("title") or context.get("label") or ""),
                "lineitems": str(endpoint["lineitems"]),
                "scope": endpoint.get("scope") or [],
                "seen": now,
            }
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
