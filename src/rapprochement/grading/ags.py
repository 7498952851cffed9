"""Send each student's total from the grading CSV to the learning system (LTI Assignment and
Grade Services), with pylti1p3's service client.

    python -m rapprochement.grading.ags grading-output/grades-ps1-trade-statistics.csv \\
        --platform lms-platform.json --roster /srv/nbgrader/staff/grading/lti-roster.json

(``make lms-passback PS=ps1-trade-statistics PLATFORM=... ROSTER=...``.) The platform file is
JSON: ``issuer``, ``client_id``, ``token_url``, ``private_key`` (path of the tool's PEM key,
whose public half is registered with the platform: ``--public-key`` prints it), optional
``audience`` (the token audience when it is not the token URL) and ``lineitems_url`` (the
course's line items; by default the one the hub recorded from the students' launches). Each
student's LTI user id comes from the hub's roster (rapprochement.ltiaccounts), linked at their
first launch.

Only rows with status ``graded`` are sent (``FullyGraded``, ``Completed``): a total that still
waits for written answers would show students a wrong grade on platforms that ignore
``gradingProgress``. The grades CSV is never changed; what could not be sent (unknown student,
HTTP error, platform down) is listed on screen and in ``passback-<ps>.csv`` beside it, and the
command exits 1: those grades then go in from the CSV by hand, or by a later run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from rapprochement.ltiaccounts import RosterEntry, read_roster

__all__ = ["Outcome", "Platform", "load_platform", "main", "passback"]

SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
TIMEOUT = 30.0
"""seconds per request: a platform that stops answering fails the run instead of hanging it"""


@dataclass(frozen=True)
class Platform:
    issuer: str
    client_id: str
    token_url: str
    private_key: str
    audience: str = ""
    lineitems_url: str = ""


@dataclass(frozen=True)
class Outcome:
    student_id: str
    result: str
    """posted, not posted or skipped"""
    detail: str
    score: str = ""
    maximum: str = ""


def load_platform(path: Path) -> Platform:
    """The platform settings file (module docstring), with clear errors."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"cannot read the platform settings {path}: {err}") from err
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    fields = set(Platform.__dataclass_fields__)
    unknown = set(data) - fields
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {sorted(unknown)}")
    missing = [k for k in ("issuer", "client_id", "token_url", "private_key") if not data.get(k)]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    key_path = Path(data["private_key"])
    if not key_path.is_absolute():
        key_path = path.parent / key_path
    try:
        key = key_path.read_text(encoding="utf-8")
    except OSError as err:
        raise ValueError(f"{path}: cannot read the tool's private key {key_path}: {err}") from err
    if "PRIVATE KEY" not in key:
        raise ValueError(f"{key_path} is not a PEM private key")
    return Platform(**{**{k: str(v) for k, v in data.items()}, "private_key": key})


def public_pem(private_pem: str) -> str:
    """The public half of a PEM private key, as PEM."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class _Session(requests.Session):
    """A session whose requests time out (pylti1p3 sets none)."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def _service(platform: Platform, lineitems_url: str, session: requests.Session) -> Any:
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_token_url(platform.token_url)
        .set_tool_private_key(platform.private_key)
    )
    # with the public half set, pylti1p3 names the key (kid: its RFC 7638 thumbprint, as in
    # the public JWK --public-key prints for the platform)
    registration.set_tool_public_key(public_pem(platform.private_key))
    if platform.audience:
        registration.set_auth_audience(platform.audience)
    connector = ServiceConnector(registration, requests_session=session)
    service_data: Any = {"scope": SCOPES, "lineitems": lineitems_url}
    return AssignmentsGradesService(connector, service_data)


def _lineitems_url(platform: Platform, roster_path: Path) -> str:
    if platform.lineitems_url:
        return platform.lineitems_url
    try:
        data = json.loads(roster_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    urls = {
        c["lineitems"]
        for key, c in (data.get("contexts") or {}).items()
        if key.split(" ", 1)[0] == platform.issuer and c.get("lineitems")
    }
    if len(urls) != 1:
        found = "none" if not urls else f"{len(urls)} courses"
        raise ValueError(
            f"the roster {roster_path} has {found} with a line items URL for {platform.issuer}: "
            "set lineitems_url in the platform settings"
        )
    return urls.pop()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def _plan(
    rows: list[dict[str, str]], roster: dict[str, RosterEntry], platform: Platform
) -> tuple[list[tuple[dict[str, str], str]], list[Outcome]]:
    """Split the CSV's rows into (row, sub) to send and outcomes of rows not sent."""
    send, outcomes = [], []
    for row in rows:
        sid = row.get("student_id", "")
        total, maximum = row.get("total", ""), row.get("max_total", "")
        if not sid:
            outcomes.append(Outcome("", "skipped", f"not a student's row: {row.get('file', '')}"))
            continue
        if row.get("status") != "graded":
            why = row.get("status") or "no status"
            outcomes.append(Outcome(sid, "skipped", f"{why}: not final, not sent", total, maximum))
            continue
        if _number(total) is None or not _number(maximum):
            detail = f"total {total!r} of {maximum!r} is not a score"
            outcomes.append(Outcome(sid, "not posted", detail, total, maximum))
            continue
        entry = roster.get(sid)
        if entry is None or not entry.sub:
            detail = "no LTI user id: the student has not opened the hub from the course yet"
            outcomes.append(Outcome(sid, "not posted", detail, total, maximum))
            continue
        if entry.issuer != platform.issuer or entry.client_id != platform.client_id:
            detail = f"linked to another platform ({entry.issuer}, client {entry.client_id})"
            outcomes.append(Outcome(sid, "not posted", detail, total, maximum))
            continue
        send.append((row, entry.sub))
    return send, outcomes


def _why(err: Exception) -> str:
    if isinstance(err, LtiServiceException):
        text = " ".join(err.response.text.split())[:200]
        return f"HTTP {err.response.status_code} from {err.response.url}: {text}"
    if isinstance(err, requests.ConnectionError):
        return f"platform unreachable ({type(err).__name__})"
    if isinstance(err, requests.Timeout):
        return f"platform did not answer in {TIMEOUT:g} s"
    return f"{type(err).__name__}: {err}"


def passback(
    csv_path: Path,
    platform: Platform,
    roster_path: Path,
    assignment: str | None = None,
    session: requests.Session | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Outcome]:
    """Post every final total of ``csv_path`` to the assignment's line item; one outcome a row.

    The line item is found by its tag (the assignment's name) in the course's line items, and
    made (label and tag = assignment, scoreMaximum = the CSV's max_total) if there is none.
    Errors never stop the report: a row that could not be sent says why.
    """
    if assignment is None:
        stem = csv_path.stem
        assignment = stem[len("grades-") :] if stem.startswith("grades-") else stem
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        needed = {"student_id", "status", "total", "max_total"}
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{csv_path} has no column(s) {sorted(missing)}: not a grading CSV")
        rows = list(reader)
    roster = read_roster(roster_path)
    send, outcomes = _plan(rows, roster, platform)
    if not send:
        return _in_csv_order(outcomes, rows)
    maxima = {float(row["max_total"]) for row, _ in send}
    if len(maxima) != 1:
        raise ValueError(f"{csv_path}: rows have different max_total values {sorted(maxima)}")
    maximum = maxima.pop()
    session = session or _Session()
    try:
        service = _service(platform, _lineitems_url(platform, roster_path), session)
        item = (
            LineItem()
            .set_tag(assignment)
            .set_label(assignment)
            .set_resource_id(assignment)
            .set_score_maximum(maximum)
        )
        lineitem = service.find_or_create_lineitem(item, find_by="tag")
    except (LtiException, requests.RequestException, ValueError) as err:
        why = _why(err)
        for row, _ in send:
            outcomes.append(
                Outcome(row["student_id"], "not posted", why, row["total"], row["max_total"])
            )
        return _in_csv_order(outcomes, rows)
    down = ""
    for row, sub in send:
        sid, total = row["student_id"], row["total"]
        if down:
            outcomes.append(Outcome(sid, "not posted", down, total, row["max_total"]))
            continue
        grade = (
            Grade()
            .set_score_given(float(total))
            .set_score_maximum(maximum)
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_timestamp(now().isoformat(timespec="milliseconds"))
            .set_user_id(sub)
        )
        try:
            service.put_grade(grade, lineitem)
        except (LtiException, requests.RequestException) as err:
            outcomes.append(Outcome(sid, "not posted", _why(err), total, row["max_total"]))
            if isinstance(err, requests.ConnectionError | requests.Timeout):
                down = _why(err)
            continue
        outcomes.append(Outcome(sid, "posted", str(lineitem.get_id()), total, row["max_total"]))
    return _in_csv_order(outcomes, rows)


def _in_csv_order(outcomes: list[Outcome], rows: list[dict[str, str]]) -> list[Outcome]:
    order = {row.get("student_id", ""): i for i, row in reversed(list(enumerate(rows)))}
    return sorted(outcomes, key=lambda o: order.get(o.student_id, len(rows)))


def write_report(outcomes: Sequence[Outcome], path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "result", "total", "max_total", "detail"])
        for o in outcomes:
            writer.writerow([o.student_id, o.result, o.score, o.maximum, o.detail])
    os.replace(tmp, path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rapprochement.grading.ags",
        description="Send the grading CSV's final totals to the learning system (LTI AGS).",
    )
    parser.add_argument("csv", type=Path, nargs="?", help="grading-output/grades-<ps>.csv")
    parser.add_argument("--platform", type=Path, required=True, help="platform settings (JSON)")
    parser.add_argument("--roster", type=Path, help="the hub's LTI roster")
    parser.add_argument("--assignment", help="line item tag (default: from the CSV's name)")
    parser.add_argument(
        "--public-key",
        action="store_true",
        help="print the tool's public key (PEM, and JWK with its kid) for the platform",
    )
    args = parser.parse_args(argv)
    try:
        platform = load_platform(args.platform)
        if args.public_key:
            public = public_pem(platform.private_key)
            print(public + json.dumps(dict(Registration.get_jwk(public)), indent=1))
            return 0
        if args.csv is None or args.roster is None:
            parser.error("a grades CSV and --roster are needed to send grades")
        outcomes = passback(args.csv, platform, args.roster, args.assignment)
    except (OSError, ValueError) as err:
        print(f"lms-passback: {err}\nNothing was sent; the grades CSV is unchanged.")
        return 2
    name = args.csv.stem.removeprefix("grades-")
    report = write_report(outcomes, args.csv.with_name(f"passback-{name}.csv"))
    posted = [o for o in outcomes if o.result == "posted"]
    failed = [o for o in outcomes if o.result == "not posted"]
    skipped = [o for o in outcomes if o.result == "skipped"]
    print(f"posted {len(posted)} total(s) to the learning system; skipped {len(skipped)}")
    for o in failed:
        print(f"  NOT POSTED {o.student_id or '-'}: {o.detail}")
    print(f"  report: {report}")
    if failed:
        print(
            f"{len(failed)} grade(s) were not sent. {args.csv} is unchanged and has them: enter "
            "them from it by hand (docs/course-runbook.md, LTI), or fix the cause and run again "
            "(sending a grade twice replaces it)."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
