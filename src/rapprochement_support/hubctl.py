"""Run a real JupyterHub with real system users: for tests/hub and bench/bench_hub.py.

Everything here needs root (useradd, a hub that spawns servers as other users). Each helper is a
context manager that undoes what it did on exit, also when the body fails: accounts are removed
(their processes ended by pid first), the hub's process group is stopped, temporary folders go.

The hub runs the shipped configuration, ``deploy/jupyterhub_config.py``, from a fresh install
made by ``deploy/install.sh`` into a temporary prefix; only what a test machine lacks is
overridden: ports on 127.0.0.1, state in a temporary folder, and LocalProcessSpawner instead of
SystemdSpawner (containers and CI machines run no systemd, so the memory and CPU limits of the
shipped configuration are not enforced here; see deploy/README.md).
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapprochement_support.lab import free_port

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
CHP_ENV = "RAPPROCHEMENT_CHP"
"""Environment variable naming the configurable-http-proxy command (else looked up on PATH)."""
# Lab settings for the test users: render every cell (so that all outputs are in the DOM), no
# news or update checks (no network), never autosave.
LAB_OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def chp_command() -> str | None:
    """Path of configurable-http-proxy, or None."""
    explicit = os.environ.get(CHP_ENV)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for candidate in (shutil.which("configurable-http-proxy"),):
        if candidate:
            return candidate
    local = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else None


def missing_reason() -> str | None:
    """Why a hub cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (creates system users and spawns servers as them)"
    for tool in ("useradd", "userdel", "groupadd", "runuser", "chpasswd"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    if chp_command() is None:
        return (
            "configurable-http-proxy not found (npm install -g configurable-http-proxy, "
            f"or set {CHP_ENV})"
        )
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed (make hub-test uses .venv-hub)"
    return None


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, raising with its output when it fails."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    proc = subprocess.run(cmd, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
        )
    return proc


# --- accounts ------------------------------------------------------------------------------


@dataclass
class Account:
    name: str
    password: str
    home: Path
    uid: int
    gid: int


def user_pids(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
    return pids


def end_user_processes(uid: int, timeout: float = 10) -> None:
    """Stop every process running as ``uid`` (an account this module created), by pid."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in user_pids(uid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while user_pids(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not user_pids(uid):
            return


def group_names(prefix: str, roles: list[str]) -> dict[str, str]:
    """``{role: name}``: names with ``prefix`` and a random suffix, so that runs never collide
    with real groups or each other."""
    tag = secrets.token_hex(2)
    return {role: f"{prefix}{role}-{tag}"[:32] for role in roles}


@contextlib.contextmanager
def accounts(
    prefix: str, groups: dict[str, list[str]], existing: dict[str, str] | None = None
) -> Iterator[tuple[dict[str, Account], dict[str, str]]]:
    """Create system groups and users (``{group_role: [user_role, ...]}``), remove them after.

    Names get ``prefix`` and a random suffix, so that runs never collide with real accounts or
    each other. Homes are private (mode 0700), as deploy/README.md creates them. ``existing``
    (``{group_role: name}``) names groups made elsewhere (by install.sh), which are neither
    created nor removed here. Yields ``({user_role: Account}, {group_role: group name})``.
    """
    tag = secrets.token_hex(2)
    made_groups: list[str] = []
    made_users: dict[str, Account] = {}
    group_names = dict(existing or {})
    for role in groups:
        group_names.setdefault(role, f"{prefix}{role}-{tag}"[:32])
    try:
        for role, name in group_names.items():
            if role not in (existing or {}):
                run(["groupadd", name])
                made_groups.append(name)
        for grole, users in groups.items():
            for urole in users:
                name = f"{prefix}{urole}-{tag}"[:32]
                run(
                    ["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700"]
                    + ["--groups", group_names[grole], name]
                )
                entry = pwd.getpwnam(name)
                account = Account(
                    name, secrets.token_urlsafe(12), Path(entry.pw_dir), entry.pw_uid, entry.pw_gid
                )
                made_users[urole] = account
                run(["chpasswd"], input=f"{name}:{account.password}\n")
        yield made_users, group_names
    finally:
        for account in made_users.values():
            end_user_processes(account.uid)
            subprocess.run(["userdel", "--remove", account.name], capture_output=True)
            shutil.rmtree(account.home, ignore_errors=True)
        for name in made_groups:
            subprocess.run(["groupdel", name], capture_output=True)


def as_user(
    account: Account, cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` as ``account`` (runuser, a login-like environment), without raising."""
    base = {
        "HOME": str(account.home),
        "USER": account.name,
        "LOGNAME": account.name,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    base.update(env or {})
    return subprocess.run(
        ["runuser", "-u", account.name, "--", "env", "-i"]
        + [f"{k}={v}" for k, v in base.items()]
        + cmd,
        capture_output=True,
        text=True,
        cwd=cwd or account.home,
    )


def can_read(account: Account, path: Path) -> bool:
    """Whether ``account`` can open ``path`` (a directory: list it), tested as that user."""
    code = (
        "import os, sys; p = sys.argv[1]\n"
        "try:\n"
        "    os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(1)\n"
        "except PermissionError:\n"
        "    sys.exit(3)\n"
    )
    proc = as_user(account, ["/usr/bin/python3", "-c", code, str(path)])
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"permission probe failed: {proc.stderr}")
    return proc.returncode == 0


# --- install and hub -----------------------------------------------------------------------


@dataclass
class Install:
    prefix: Path
    exchange: Path
    instructors_group: str
    staff: Path
    output: str = ""
    """What the (second, completing) run of install.sh printed."""
    interrupted: dict[str, Any] = field(default_factory=dict)
    """What the interrupted first run left: {"env_existed": bool, "marker_existed": bool}."""

    @property
    def env(self) -> Path:
        return self.prefix / ".venv-hub"

    @property
    def bin(self) -> Path:
        return self.env / "bin"

    def user_env(self) -> dict[str, str]:
        """What the hub gives every user server: the shared environment first on PATH."""
        return {"PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin"}


def interrupt_install(env: dict[str, str], venv: Path, timeout: float = 300) -> dict[str, Any]:
    """Start install.sh and kill it (its whole process group) once it has begun the venv step.

    What a lost ssh session or Ctrl-C during the long step leaves behind: an environment
    without install.sh's completion mark. Returns what was left.
    """
    proc = subprocess.Popen(
        ["bash", str(DEPLOY / "install.sh")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while not (venv / "pyvenv.cfg").exists():
            if proc.poll() is not None:
                raise RuntimeError(f"install.sh exited ({proc.returncode}) before the venv step")
            if time.monotonic() > deadline:
                raise RuntimeError(f"install.sh did not reach the venv step in {timeout} s")
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return {
        "env_existed": venv.exists(),
        "marker_existed": (venv / ".install-complete").exists(),
    }


@contextlib.contextmanager
def install(
    root: Path,
    instructors_group: str,
    students_group: str | None = None,
    *,
    interrupt: bool = False,
    authors_group: str | None = None,
) -> Iterator[Install]:
    """``deploy/install.sh`` into ``root``/opt/rapprochement, exchange in ``root``/srv/...

    With ``students_group``, install.sh creates both groups (they are removed on exit);
    without, the groups exist already (made by :func:`accounts`). With ``interrupt``, a first
    run is killed during its environment step and the second must recover from that (the
    runbook's "run it again").
    """
    prefix = root / "opt" / "rapprochement"
    exchange = root / "srv" / "nbgrader" / "exchange"
    staff = root / "srv" / "nbgrader" / "staff"
    env = os.environ.copy()
    env.update(
        PREFIX=str(prefix),
        EXCHANGE=str(exchange),
        STAFF=str(staff),
        # (without a students' group: one that exists, so that install.sh makes none)
        STUDENTS=students_group or instructors_group,
        INSTRUCTORS=instructors_group,
        # the instructors who release (with students_group: made by install.sh)
        AUTHORS=authors_group or instructors_group,
        # the environment links to its interpreter: it must be one every user can run
        PYTHON=os.environ.get("RAPPROCHEMENT_HUB_PYTHON", "/usr/bin/python3"),
    )
    root.chmod(0o755)
    try:
        inst = Install(prefix, exchange, instructors_group, staff)
        if interrupt:
            inst.interrupted = interrupt_install(env, inst.env)
        inst.output = run(["bash", str(DEPLOY / "install.sh")], env=env).stdout
        overrides = inst.env / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
        overrides.parent.mkdir(parents=True, exist_ok=True)
        overrides.write_text(json.dumps(LAB_OVERRIDES), encoding="utf-8")
        yield inst
    finally:
        if students_group is not None:
            for name in (students_group, instructors_group, authors_group):
                if name:
                    subprocess.run(["groupdel", name], capture_output=True)


@dataclass
class Hub:
    url: str
    token: str
    workdir: Path
    proc: subprocess.Popen[bytes]
    log: Path
    user_tokens: dict[str, str] = field(default_factory=dict)

    def api(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """Call ``{url}{path}`` with a token; return (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {token or self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def add_user(self, name: str) -> None:
        """Make the hub know ``name`` before its first login (as an administrator would)."""
        status, body = self.api("GET", f"/hub/api/users/{name}")
        if status == 404:
            status, body = self.api("POST", f"/hub/api/users/{name}")
            assert status == 201, (status, body)

    def user_token(self, name: str) -> str:
        """An API token of user ``name`` (made once by the admin service)."""
        if name not in self.user_tokens:
            self.add_user(name)
            status, body = self.api(
                "POST", f"/hub/api/users/{name}/tokens", {"note": "hub test", "expires_in": 3600}
            )
            assert status in (200, 201), (status, body)
            self.user_tokens[name] = body["token"]
        return self.user_tokens[name]

    def request_server(self, name: str) -> None:
        """Ask the hub to start ``name``'s server (returns at once)."""
        self.add_user(name)
        status, body = self.api("POST", f"/hub/api/users/{name}/server")
        assert status in (201, 202, 400), (status, body, self.tail())  # 400: already running

    def start_server(self, name: str, timeout: float = 180) -> str:
        """Start ``name``'s server through the hub and wait until it answers; return its URL."""
        self.request_server(name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, user = self.api("GET", f"/hub/api/users/{name}")
            server = (user.get("servers") or {}).get("", {})
            if server.get("ready"):
                return f"{self.url}/user/{name}"
            if self.proc.poll() is not None:
                raise RuntimeError("the hub exited:\n" + self.tail())
            time.sleep(0.5)
        raise RuntimeError(f"{name}'s server did not start in {timeout} s\n" + self.tail())

    def stop_server(self, name: str) -> None:
        self.api("DELETE", f"/hub/api/users/{name}/server")

    def tail(self, n: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-n:]


HUB_TEST_CONFIG = """\
# Written by rapprochement_support.hubctl: the shipped configuration, plus test settings.
c = get_config()  # noqa: F821
load_subconfig({deploy_config!r})  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{workdir}/cookie_secret"
c.JupyterHub.pid_file = "{workdir}/jupyterhub.pid"
{spawner}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.services.append({{"name": "hub-test", "api_token": {token!r}}})
c.JupyterHub.load_roles.append(
    {{"name": "hub-test", "scopes": ["admin:users", "admin:servers", "tokens", "access:servers",
      "list:users", "read:users", "list:services", "read:services"], "services": ["hub-test"]}}
)
"""


@contextlib.contextmanager
def hub(
    inst: Install,
    *,
    students_group: str,
    instructors_group: str,
    cull_seconds: int = 3600,
    mem: str = "2G",
    startup_timeout: float = 90,
    systemd: bool = False,
) -> Iterator[Hub]:
    """Start JupyterHub (root, in its own process group) from the install; stop it on exit.

    With ``systemd``, the shipped SystemdSpawner is kept (only where systemd is PID 1)."""
    workdir = Path(tempfile.mkdtemp(prefix="rapprochement-hub-"))
    port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(32)
    config = workdir / "jupyterhub_config.py"
    config.write_text(
        HUB_TEST_CONFIG.format(
            deploy_config=str(DEPLOY / "jupyterhub_config.py"),
            port=port,
            hub_port=hub_port,
            proxy_api_port=proxy_api_port,
            chp=chp_command(),
            workdir=workdir,
            token=token,
            spawner=(
                "# the shipped SystemdSpawner (systemd is PID 1 here)"
                if systemd
                else "# no systemd here: plain processes (the limits are SystemdSpawner's;"
                ' see deploy/README.md)\nc.JupyterHub.spawner_class = "localprocess"'
            ),
        ),
        encoding="utf-8",
    )
    env = os.environ.copy()
    env.update(
        RAPPROCHEMENT_PREFIX=str(inst.prefix),
        RAPPROCHEMENT_STAFF=str(inst.staff),
        RAPPROCHEMENT_STUDENTS=students_group,
        RAPPROCHEMENT_INSTRUCTORS=instructors_group,
        RAPPROCHEMENT_CULL=str(cull_seconds),
        RAPPROCHEMENT_MEM=mem,
        PATH=f"{inst.bin}:{Path(chp_command() or '/').parent}:{env.get('PATH', '/usr/bin:/bin')}",
    )
    env.pop("JUPYTER_PATH", None)
    log = workdir / "jupyterhub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(inst.bin / "jupyterhub"), "-f", str(config)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    h = Hub(f"http://127.0.0.1:{port}", token, workdir, proc, log)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError("jupyterhub exited early:\n" + h.tail())
            with contextlib.suppress(OSError):
                status, _ = h.api("GET", "/hub/api/")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyterhub did not answer in {startup_timeout} s\n" + h.tail())
            time.sleep(0.3)
        yield h
    finally:
        # stop the user servers through the hub, then the hub and its proxy and services
        with contextlib.suppress(Exception):
            _, users = h.api("GET", "/hub/api/users")
            for user in users or []:
                if user.get("servers"):
                    h.stop_server(user["name"])
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # the proxy and the culler run in the hub's process group; end any that outlived it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        keep = os.environ.get("RAPPROCHEMENT_KEEP_HUB_LOG")
        if keep:
            shutil.copy(log, keep)
        shutil.rmtree(workdir, ignore_errors=True)


def group_members(name: str) -> list[str]:
    return list(grp.getgrnam(name).gr_mem)
