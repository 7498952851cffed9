"""LTI 1.3 login from Canvas or Moodle, loaded by jupyterhub_config.py when RAPPROCHEMENT_LTI
names a settings file (docs/course-runbook.md, section LTI, has the platform's side).

The settings file is JSON, written by the administrator from what the platform shows when the
tool is registered:

    {
      "issuer": "https://canvas.instructure.com",
      "client_id": "10000000000042",
      "deployment_ids": ["1:abc..."],
      "authorize_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
      "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks",
      "username_claim": "custom_username"
    }

``username_claim`` (default ``custom_username``: the custom parameter ``username=$User.username``
set in the platform) names each student's account. With LTI on, everyone logs in from the
learning system (password login is off); the accounts are still the machine's own, made by the
course team, and only members of the course's two groups get in
(rapprochement.ltiauth.CourseLTIAuthenticator). Each launch links the account to its LTI user id
in the roster, RAPPROCHEMENT_LTI_ROSTER (default $RAPPROCHEMENT_STAFF/grading/lti-roster.json: in
the staff's grading folder, whose group and setgid bit make it readable by the staff and no one
else), which the grade passback reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

SETTINGS = Path(os.environ["RAPPROCHEMENT_LTI"])
STUDENTS = os.environ.get("RAPPROCHEMENT_STUDENTS", "rapprochement-students")
INSTRUCTORS = os.environ.get("RAPPROCHEMENT_INSTRUCTORS", "rapprochement-instructors")
STAFF = Path(os.environ.get("RAPPROCHEMENT_STAFF", "/srv/nbgrader/staff"))
ROSTER = os.environ.get("RAPPROCHEMENT_LTI_ROSTER", str(STAFF / "grading" / "lti-roster.json"))

try:
    lti = json.loads(SETTINGS.read_text(encoding="utf-8"))
except (OSError, ValueError) as err:
    raise SystemExit(f"RAPPROCHEMENT_LTI={SETTINGS}: cannot read the LTI settings ({err})") from err
if not isinstance(lti, dict):
    raise SystemExit(f"RAPPROCHEMENT_LTI={SETTINGS}: cannot read the LTI settings (not an object)")
missing = [k for k in ("issuer", "client_id", "authorize_url", "jwks_url") if not lti.get(k)]
if missing:
    raise SystemExit(f"RAPPROCHEMENT_LTI={SETTINGS}: missing {', '.join(missing)}")
unknown = set(lti) - {
    "issuer",
    "client_id",
    "deployment_ids",
    "authorize_url",
    "jwks_url",
    "username_claim",
    "tool_name",
}
if unknown:
    raise SystemExit(f"RAPPROCHEMENT_LTI={SETTINGS}: unknown setting(s) {sorted(unknown)}")

c.JupyterHub.authenticator_class = "rapprochement.ltiauth.CourseLTIAuthenticator"
auth = c.CourseLTIAuthenticator
auth.issuer = lti["issuer"]
ids = lti["client_id"]
auth.client_id = {ids} if isinstance(ids, str) else set(ids)
auth.deployment_ids = set(lti.get("deployment_ids") or [])
auth.authorize_url = lti["authorize_url"]
auth.jwks_endpoint = lti["jwks_url"]
auth.username_key = lti.get("username_claim", "custom_username")
auth.tool_name = lti.get("tool_name", "Rapprochement course hub")
auth.allowed_groups = {STUDENTS, INSTRUCTORS}
auth.roster_path = ROSTER
# the hub sits behind a TLS front end (deploy/README.md): the URLs it gives the platform and
# its launch cookies are https ones whatever the proxy's headers say
auth.uri_scheme = os.environ.get("RAPPROCHEMENT_LTI_SCHEME", "https")
# the hub's login page: a link to the course in the learning system, not a password form
c.JupyterHub.template_vars.update(
    {"announcement_login": "Log in by opening the hub from your course in the learning system."}
)
