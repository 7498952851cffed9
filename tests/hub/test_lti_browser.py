"""An LTI 1.3 launch in Chromium, cross-site and over https, as students make it.

The platform and the hub are different sites (``lms.test`` and ``hub.test``, both mapped to
127.0.0.1 in Chromium only), and the hub is behind a TLS front end (a small TLS-terminating
relay here, Caddy in deploy/README.md), with the shipped LTI settings (https). The browser
opens the course's tool link; every step after that (the posts to the hub, the redirect to the
platform, the id_token posted back cross-site, the spawn) is the browser's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import shutil
import ssl
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from rapprochement_support import hubctl, lab

from .conftest import LtiInstall
from .lti_platform import Member, Platform, serve


def self_signed(folder: Path, names: list[str]) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextlib.contextmanager
def tls_front(target_port: int, cert: Path, key: Path) -> Iterator[int]:
    """Accept TLS on a free 127.0.0.1 port and relay the bytes to ``target_port`` (plain)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    loop = asyncio.new_event_loop()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = loop.run_until_complete(asyncio.start_server(relay, "127.0.0.1", 0, ssl=context))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_launch(
    lti_install: LtiInstall,
) -> Iterator[tuple[str, Platform, hubctl.Account, Path]]:
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed")
    why = lab.browser_missing_reason()
    if why:
        pytest.skip(why)
    root = Path(tempfile.mkdtemp(prefix="rapprochement-ltibrowser-"))
    inst, groups = lti_install.install, lti_install.groups
    settings = root / "lti.json"
    cert, key = self_signed(root, ["hub.test"])
    try:
        with (
            serve(Platform()) as platform,
            hubctl.accounts("rlb-", {"students": ["ann"]}, existing=groups) as (users, _),
            pytest.MonkeyPatch.context() as env,
        ):
            port = platform.url.rsplit(":", 1)[1]
            browser_platform = f"http://lms.test:{port}"
            settings.write_text(
                json.dumps(
                    {
                        "issuer": platform.issuer,
                        "client_id": platform.client_id,
                        "deployment_ids": [platform.deployment_id],
                        # the browser goes to the platform by its name; the hub fetches keys
                        "authorize_url": f"{browser_platform}/authorize",
                        "jwks_url": f"{platform.url}/jwks",
                    }
                ),
                encoding="utf-8",
            )
            env.setenv("RAPPROCHEMENT_LTI", str(settings))
            env.delenv("RAPPROCHEMENT_LTI_SCHEME", raising=False)  # the shipped https
            ann = users["ann"]
            platform.members["ann"] = Member(str(uuid.uuid4()), ann.name)
            roster = inst.staff / "grading" / "lti-roster.json"
            roster.unlink(missing_ok=True)  # this module's launch makes it (the install is shared)
            with (
                hubctl.hub(
                    inst,
                    students_group=groups["students"],
                    instructors_group=groups["instructors"],
                ) as hub,
                tls_front(int(hub.url.rsplit(":", 1)[1]), cert, key) as tls_port,
            ):
                hub_url = f"https://hub.test:{tls_port}"
                platform.tool_login_url = f"{hub_url}/hub/lti13/oauth_login"
                platform.target_link_uri = f"{hub_url}/hub/spawn"
                yield browser_platform, platform, ann, roster
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_cross_site_https_launch_in_chromium_lands_on_the_students_server(browser_launch):
    from playwright.sync_api import sync_playwright

    browser_platform, platform, ann, roster = browser_launch
    set_cookies: list[str] = []
    with sync_playwright() as pw:
        browser = lab.launch_chromium(
            pw,
            args=[
                "--host-resolver-rules=MAP lms.test 127.0.0.1, MAP hub.test 127.0.0.1",
                # browsers' rule for cookies without SameSite (Lax), without Chromium's
                # two-minute grace for cross-site POSTs, which other browsers do not have
                "--enable-features=SameSiteDefaultChecksMethodRigorously",
            ],
        )
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()

            def keep(response) -> None:  # type: ignore[no-untyped-def]
                if "/hub/lti13/oauth_login" in response.url:
                    set_cookies.extend(
                        h["value"]
                        for h in response.headers_array()
                        if h["name"].lower() == "set-cookie"
                    )

            page.on("response", keep)
            page.goto(f"{browser_platform}/launch?user=ann")
            page.wait_for_url(f"**/user/{ann.name}/**", timeout=60_000)
            assert "lti13" not in page.url, page.content()[:2000]
            page.wait_for_url(f"**/user/{ann.name}/lab**", timeout=180_000)
            page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
        finally:
            browser.close()
    launch_cookies = [c for c in set_cookies if c.startswith("lti13authenticator-")]
    assert len(launch_cookies) == 2, set_cookies
    for cookie in launch_cookies:
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"samesite=none", "secure", "httponly"} <= attributes, cookie
    entry = json.loads(roster.read_text(encoding="utf-8"))["accounts"][ann.name]
    assert entry["sub"] == platform.members["ann"].sub
