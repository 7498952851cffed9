"""A stand-in LTI 1.3 platform (what Canvas or Moodle does for a tool), on 127.0.0.1 only.

It serves the platform's side of the launch (its JWKS, the OpenID Connect authorisation
endpoint that answers with an auto-posting form carrying a signed id_token) and of Assignment
and Grade Services (the client-credentials token endpoint, which checks the tool's signed
assertion against the tool's public key, line items, and scores, which it records). Written
from the specifications (IMS LTI 1.3 Core, Security Framework 1.0, AGS 2.0), not from the code
under test.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass
class Member:
    sub: str
    username: str


@dataclass
class Platform:
    url: str = ""
    issuer: str = "https://lms.example.test"
    client_id: str = "rapprochement-tool"
    deployment_id: str = "1:course-deployment"
    context_id: str = "course-2026"
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = "platform-key-1"
    tool_key: rsa.RSAPrivateKey = field(default_factory=new_key)
    members: dict[str, Member] = field(default_factory=dict)
    """login_hint -> member"""
    lineitems: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)
    """every score posted: {"lineitem": url, "score": body}"""
    tokens: set[str] = field(default_factory=set)
    fail_scores: dict[str, int] = field(default_factory=dict)
    """sub -> HTTP status the scores endpoint answers for that user"""
    requests: list[str] = field(default_factory=list)
    tool_login_url: str = ""
    """where /launch sends a browser: the tool's OIDC login initiation URL"""
    target_link_uri: str = ""

    # --- launch ---
    def claims(self, member: Member, nonce: str, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": member.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "A Student",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": "",
            LTI + "resource_link": {"id": "link-1", "title": "Course hub"},
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            LTI + "context": {"id": self.context_id, "label": "RAP", "title": "Rapprochement"},
            LTI + "custom": {"username": member.username},
            AGS: {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": f"{self.url}/lineitems",
            },
        }
        claims.update(changes)
        return claims

    def sign(
        self, claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None, kid: str | None = None
    ) -> str:
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The OIDC authorisation endpoint: a form that posts the id_token to the tool."""
        for required in ("client_id", "redirect_uri", "login_hint", "nonce", "state"):
            if not query.get(required):
                return 400, f"missing {required}"
        if query["client_id"] != self.client_id or query.get("response_type") != "id_token":
            return 400, "unknown client or response type"
        member = self.members.get(query["login_hint"])
        if member is None:
            return 400, "unknown login_hint"
        token = self.sign(self.claims(member, query["nonce"]))
        fields = {"id_token": token, "state": query["state"]}
        return 200, auto_post(query["redirect_uri"], fields)

    def launch(self, query: dict[str, str]) -> tuple[int, str]:
        """A course page's tool link: a form the browser posts to the tool's login initiation."""
        fields = {
            "iss": self.issuer,
            "login_hint": query.get("user", ""),
            "target_link_uri": self.target_link_uri,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        return 200, auto_post(self.tool_login_url, fields)

    # --- grade services ---
    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 400, {"error": "invalid_request"}
        assertion = form.get("client_assertion", "")
        try:
            # the tool names its key by RFC 7638 thumbprint, as in the JWK registered with us
            kid = JWK.from_pyca(self.tool_key.public_key()).thumbprint()
            if jwt.get_unverified_header(assertion).get("kid") != kid:
                return 401, {"error": "invalid_client", "error_description": "unknown kid"}
            claims = jwt.decode(
                assertion,
                self.tool_key.public_key(),
                algorithms=["RS256"],
                audience=f"{self.url}/token",
            )
        except jwt.PyJWTError as err:
            return 401, {"error": "invalid_client", "error_description": str(err)}
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": form.get("scope", ""),
        }


def auto_post(action: str, fields: dict[str, str]) -> str:
    """A page whose form a browser posts at once (a script submits it), as platforms do."""
    inputs = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    return (
        f'<html><body><form method="post" action="{html.escape(action)}">{inputs}</form>'
        "<script>document.forms[0].submit()</script></body></html>"
    )


def parse_form(page: str) -> tuple[str, dict[str, str]]:
    """(action, {name: value}) of the first form of ``page`` (what a browser would post)."""
    action = re.search(r'<form[^>]*action="([^"]*)"', page)
    assert action, page[:500]
    fields = {
        html.unescape(n): html.unescape(v)
        for n, v in re.findall(r'<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"', page)
    }
    return html.unescape(action.group(1)), fields


class _Handler(BaseHTTPRequestHandler):
    platform: Platform

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.platform.tokens

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        p = self.platform
        url = urlparse(self.path)
        p.requests.append(f"GET {url.path}")
        if url.path == "/jwks":
            return self._send(200, p.jwks())
        if url.path in ("/authorize", "/launch"):
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, page = (p.authorize if url.path == "/authorize" else p.launch)(query)
            return self._send(status, page, "text/html")
        if url.path == "/lineitems":
            if not self._authorised():
                return self._send(401, {"error": "no token"})
            return self._send(200, p.lineitems, "application/vnd.ims.lis.v2.lineitemcontainer+json")
        return self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        p = self.platform
        url = urlparse(self.path)
        p.requests.append(f"POST {url.path}")
        body = self._body()
        if url.path == "/token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            status, answer = p.token(form)
            return self._send(status, answer)
        if not self._authorised():
            return self._send(401, {"error": "no token"})
        if url.path == "/lineitems":
            if self.headers.get("Content-Type") != LINEITEM_TYPE:
                return self._send(415, {"error": "content type"})
            item = json.loads(body)
            item["id"] = f"{p.url}/lineitems/{len(p.lineitems) + 1}"
            p.lineitems.append(item)
            return self._send(201, item, LINEITEM_TYPE)
        match = re.fullmatch(r"/lineitems/(\d+)/scores", url.path)
        if match:
            if self.headers.get("Content-Type") != SCORE_TYPE:
                return self._send(415, {"error": "content type"})
            score = json.loads(body)
            sub = score.get("userId")
            if sub in p.fail_scores:
                return self._send(p.fail_scores[sub], {"error": "refused by the stand-in"})
            if sub not in {m.sub for m in p.members.values()}:
                return self._send(422, {"error": "user not in course"})
            lineitem = f"{p.url}/lineitems/{match.group(1)}"
            p.scores.append({"lineitem": lineitem, "score": score})
            return self._send(200, {})
        return self._send(404, {"error": "not found"})


@contextlib.contextmanager
def serve(platform: Platform) -> Iterator[Platform]:
    """Run ``platform`` on 127.0.0.1 (a free port) until the block ends."""
    handler = type("Handler", (_Handler,), {"platform": platform})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
