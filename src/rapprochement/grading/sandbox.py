"""Run a submission's cells in a bubblewrap sandbox and collect outputs and answers as data.

One sandbox per submission (``bwrap``, the namespace sandbox Flatpak uses):

* its own network, PID, IPC and UTS namespaces (and a user namespace when the grader is not
  root): no network at all (not even the host's
  loopback services), no view of or signals to the grader's processes, and every process the
  notebook starts dies with the sandbox (``--as-pid-1``: when the runner exits, the kernel
  kills the whole namespace; ``--die-with-parent`` ties the runner to the grader);
* a file system built from nothing: read-only binds of the system libraries (``/usr``), the
  Python installation and environment, the package's ``src/`` folder and ``data/``; a small
  ``tmpfs`` at ``/tmp`` as the only writable place (thrown away with the sandbox). Nothing else
  of the repository (``solutions/``, other submissions, the gradebook, the output folder) exists
  inside it;
* a seccomp filter (:mod:`.seccomp`, compiled here with libseccomp, loaded by bwrap's
  ``--seccomp``) that refuses new namespaces, mounts, ptrace, the key ring, bpf, io_uring,
  socket families other than unix/inet/inet6 and similar calls; for a normal user, also
  bwrap's ``--disable-userns`` (bubblewrap 0.8+). Without libseccomp no sandbox starts;
* limits: address space per process (``RLIMIT_AS``, 2 GB by default), processes and threads
  (``RLIMIT_NPROC``), file size (``RLIMIT_FSIZE``), a cgroup for the total memory and process
  count where the machine allows one (:mod:`.cgroup`), a per-cell wall-clock limit enforced
  from outside (interrupt, then kill), and a cap on what the sandbox may send back.

When the grader runs as root (containers, CI), bwrap is privileged: it builds the namespaces
and mounts without a user namespace, and the runner inside drops to an unused numeric uid of
its own (``1000000 + the grading worker's pid``) before it reads the job, losing every
capability. That matters twice: bwrap started by root keeps all capabilities in the sandbox
unless they are dropped, and the kernel never applies ``RLIMIT_NPROC`` to uid 0 (also not to a
user namespace whose uid maps to root), so without it only a cgroup could bound a fork bomb. As a
normal user, bwrap makes an unprivileged user namespace (uid 65534 inside, no capabilities).

Nothing here imports nbgrader: the student self-check runs the same code without a sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapprochement.grading import seccomp
from rapprochement.grading.cgroup import create as create_cgroup

__all__ = [
    "CellResult",
    "Policy",
    "RunResult",
    "SandboxUnavailable",
    "probe",
    "run_cells",
]

GB = 1024**3
MB = 1024**2


class SandboxUnavailable(RuntimeError):
    """bubblewrap or libseccomp is missing, or namespaces cannot be made here (the message
    says why)."""


@dataclass
class Policy:
    """Limits for one submission."""

    cell_timeout: float = 30.0
    memory_bytes: int = 2 * GB
    max_processes: int = 64
    max_file_bytes: int = 20 * MB
    scratch_bytes: int = 64 * MB
    max_output_chars: int = 20_000
    """Characters kept per output stream (the rest is counted and dropped)."""
    max_channel_bytes: int = 16 * MB
    """Bytes the sandbox may send back in all (outputs and answers)."""
    interrupt_grace: float = 3.0
    """Seconds a cell gets to stop after the interrupt at its time limit before it is killed."""
    max_restarts: int = 3
    sandboxed: bool = True
    """False: run without bubblewrap (only the limits apply). For self-checks and --unsafe."""
    cwd: str = ""
    """Working folder when not sandboxed (default: a new temporary folder)."""


@dataclass
class CellResult:
    outputs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"
    """ok, error, timeout, killed (ignored the interrupt), died, skipped, not run."""
    note: str = ""
    count: int | None = None
    """Its execution count (In [n]), as a kernel would number it."""


@dataclass
class RunResult:
    cells: dict[int, CellResult] = field(default_factory=dict)
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Cell index of each extraction point -> {"values", "missing", "refused"}."""
    notes: list[str] = field(default_factory=list)
    sandboxed: bool = True
    seconds: float = 0.0


# --- the sandbox command -----------------------------------------------------------------


def _package_src() -> Path:
    import rapprochement

    return Path(rapprochement.__file__).resolve().parents[1]


def _data_folder() -> Path:
    from rapprochement.grading.checks import data_folder

    return data_folder().resolve()


def _python_roots() -> list[Path]:
    roots = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    roots.add(Path(sys.executable).resolve().parents[1])
    # a nested root is covered by its parent
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def _system_binds() -> list[str]:
    args: list[str] = []
    for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives"):
        if os.path.exists(name):
            args += ["--ro-bind", name, name]
    return args


def len_(path: Path) -> int:
    return len(path.parts)


def _is_root() -> bool:
    return os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def bwrap_version() -> tuple[int, ...]:
    """The installed bubblewrap's version, e.g. (0, 8, 0); () when it does not say."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return ()
    try:
        text = subprocess.run(
            [bwrap, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(n) for n in match.groups(default="0")) if match else ()


def sandbox_uid() -> int:
    """The uid a sandbox started by this process runs under when the grader is root."""
    return 1_000_000 + os.getpid()


class _Command:
    """The bwrap argument list, with the file descriptors it needs."""

    def __init__(self, policy: Policy, event_fd: int, info_fd: int) -> None:
        self.policy = policy
        self.fds: list[int] = []
        """Descriptors bwrap reads (the seccomp program); closed once it has started."""
        if policy.sandboxed:
            try:
                self.fds.append(seccomp.readable_fd())
            except seccomp.FilterUnavailable as exc:
                raise SandboxUnavailable(str(exc)) from None
        self.cgroup = create_cgroup(policy.memory_bytes, policy.max_processes)
        python = str(Path(sys.prefix) / "bin" / "python")
        env = {
            "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "RAPPROCHEMENT_DATA": str(_data_folder()),
        }
        if not policy.sandboxed:
            self.argv = [python, "-I", "-m", "rapprochement.grading.sandboxrun", str(event_fd)]
            self.env = env
            return
        binds: list[str] = []
        sources = [*_python_roots(), _package_src(), _data_folder()]
        # mount points' parent folders: created world-readable (bwrap's default is 0700 as root)
        parents = sorted({p for src in sources for p in src.parents if p != Path("/")}, key=len_)
        for folder in parents:
            binds += ["--perms", "0755", "--dir", str(folder)]
        for path in sources:
            binds += ["--ro-bind", str(path), str(path)]
        bwrap = shutil.which("bwrap") or "bwrap"
        if _is_root():
            # bwrap as root keeps every capability unless told otherwise; the runner drops to
            # an unused uid (and so loses them all) before it reads the job. No user
            # namespace: the sandbox's processes count against RLIMIT_NPROC of that uid only.
            # (bwrap's --disable-userns needs one; the seccomp filter refuses new ones here.)
            user: list[str] = []
            drop = ["--uid", str(sandbox_uid())]
        else:
            user = ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
            if bwrap_version() >= (0, 8):
                # user.max_user_namespaces = 1 in the sandbox's own namespace, then a nested
                # one: the notebook can make no namespace of its own (bwrap checks it did)
                user.append("--disable-userns")
            drop = []
        self.argv = [
            bwrap,
            *user,
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "sandbox",
            "--die-with-parent",
            "--new-session",
            "--as-pid-1",
            *_system_binds(),
            # the scratch /tmp first: the read-only binds below may lie under /tmp (an
            # environment installed there) and must be mounted on top of it, not hidden by it
            "--size",
            str(policy.scratch_bytes),
            "--perms",
            "1777",
            "--tmpfs",
            "/tmp",
            *binds,
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--chdir",
            "/tmp",
            "--clearenv",
            *[a for k, v in env.items() for a in ("--setenv", k, v)],
            "--info-fd",
            str(info_fd),
            "--seccomp",
            str(self.fds[0]),
            python,
            "-I",
            "-m",
            "rapprochement.grading.sandboxrun",
            *drop,
            str(event_fd),
        ]
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def started(self) -> None:
        """bwrap has its copies of the descriptors it reads."""
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds = []

    def close(self) -> None:
        self.started()
        if self.cgroup is not None:
            self.cgroup.close()

    def limits(self) -> None:
        """In the child before exec: resource limits (inherited by bwrap and the sandbox)."""
        if self.cgroup is not None:
            self.cgroup.join()
        p = self.policy
        resource.setrlimit(resource.RLIMIT_AS, (p.memory_bytes, p.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (p.max_file_bytes, p.max_file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self.policy.sandboxed and _is_root():
            resource.setrlimit(resource.RLIMIT_NPROC, (p.max_processes, p.max_processes))


# --- running -------------------------------------------------------------------------------


class _Channel:
    """Reads JSON lines from the sandbox, bounded in size."""

    def __init__(self, fd: int, budget: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.budget = budget
        self.closed = False
        self.overflow = False

    def read(self, timeout: float) -> list[dict[str, Any]] | None:
        """Messages that arrived within ``timeout`` ([] if none); None once closed or broken."""
        if self.closed:
            return None
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return []
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            self.closed = True
            return None
        self.budget -= len(chunk)
        if self.budget < 0:
            self.overflow = True
            self.closed = True
            return None
        self.buffer += chunk
        messages = []
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            try:
                message = json.loads(line)
            except ValueError:
                self.closed = True  # not our runner's output: the protocol was tampered with
                return None
            if isinstance(message, dict):
                messages.append(message)
        return messages


def _kill(proc: subprocess.Popen[bytes], pid: int | None) -> None:
    for target in (pid, proc.pid):
        if target:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
    # without a sandbox (self-check, --unsafe-no-sandbox): the runner's process group too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


def _child_pid(info_r: int, deadline: float) -> int | None:
    """The sandboxed runner's pid (bwrap writes it to --info-fd once it has started)."""
    data = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([info_r], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(info_r, 4096)
        if not chunk:
            break
        data += chunk
        try:
            return int(json.loads(data)["child-pid"])
        except (ValueError, KeyError):
            continue
    return None


def _one_run(
    cells: list[dict[str, Any]], skip: set[int], policy: Policy, result: RunResult
) -> int | None:
    """Run once; return the index of the cell that stopped the sandbox, or None when done."""
    event_r, event_w = os.pipe()
    info_r, info_w = os.pipe()
    try:
        command = _Command(policy, event_w, info_w)
    except BaseException:
        for fd in (event_r, event_w, info_r, info_w):
            os.close(fd)
        raise
    kwargs: dict[str, Any] = {}
    scratch = ""
    try:
        if not policy.sandboxed:
            import tempfile

            if not policy.cwd:
                scratch = tempfile.mkdtemp(prefix="rapprochement-run-")
            kwargs["cwd"] = policy.cwd or scratch
            kwargs["start_new_session"] = True  # so that its process group can be killed
        proc = subprocess.Popen(
            command.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=[event_w, info_w, *command.fds],
            env=command.env,
            preexec_fn=command.limits,
            **kwargs,
        )
    except BaseException:
        command.close()
        os.close(event_r)
        os.close(info_r)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        os.close(event_w)
        os.close(info_w)
        command.started()
    channel = _Channel(event_r, policy.max_channel_bytes)
    pid: int | None = None  # the sandboxed runner, once bwrap has said which
    try:
        job = {"cells": cells, "skip": sorted(skip), "max_chars": policy.max_output_chars}
        assert proc.stdin is not None
        try:
            proc.stdin.write((json.dumps(job) + "\n").encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        pid = proc.pid
        if policy.sandboxed:
            pid = _child_pid(info_r, time.monotonic() + 30) or proc.pid
        current: int | None = None
        deadline = time.monotonic() + 60  # start-up
        interrupted_at: float | None = None
        while True:
            messages = channel.read(deadline - time.monotonic())
            if messages is None:  # the runner died, or broke the channel
                if current is None and not result.cells and not result.answers:
                    stderr = proc.stderr.read(4000).decode(errors="replace") if proc.stderr else ""
                    _kill(proc, pid)
                    raise SandboxUnavailable(
                        "the sandbox did not start: " + (stderr.strip() or "no message")
                    )
                _kill(proc, pid)
                if current is not None:
                    cell = result.cells.setdefault(current, CellResult())
                    if channel.overflow:
                        cell.status = "died"
                        cell.note = (
                            f"sent more than {policy.max_channel_bytes // MB} MB of output; "
                            "the cell was stopped"
                        )
                    elif interrupted_at is not None:
                        cell.status = "timeout"
                    else:
                        cell.status = "died"
                        if command.cgroup is not None and command.cgroup.out_of_memory():
                            cell.note = (
                                "its processes used more than the memory limit "
                                f"({policy.memory_bytes / GB:g} GB in all)"
                            )
                return current
            for message in messages:
                event, index = message.get("ev"), message.get("i")
                if event == "end":
                    try:  # the runner exits by itself; the kernel then ends its namespace
                        proc.wait(3)
                    except subprocess.TimeoutExpired:
                        _kill(proc, pid)
                    return None
                if not isinstance(index, int):
                    continue
                if event == "start":
                    current = index
                    deadline = time.monotonic() + policy.cell_timeout
                    interrupted_at = None
                elif event == "done":
                    outputs = message.get("outputs")
                    cell = CellResult(outputs if isinstance(outputs, list) else [])
                    count = message.get("n")
                    cell.count = count if isinstance(count, int) else None
                    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
                    if interrupted_at is not None:
                        cell.status = "timeout"
                    elif errors:
                        cell.status = "error"
                    result.cells[index] = cell
                    current, interrupted_at = None, None
                    deadline = time.monotonic() + policy.cell_timeout
                elif event == "answers":
                    result.answers[index] = {
                        k: message.get(k) for k in ("values", "missing", "refused")
                    }
                    current, interrupted_at = None, None
                    deadline = time.monotonic() + policy.cell_timeout
            if messages or time.monotonic() < deadline:
                continue
            if current is None:  # between cells and silent for a whole cell time
                _kill(proc, pid)
                result.notes.append("the sandbox stopped responding between cells")
                return -1
            if interrupted_at is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGINT)
                interrupted_at = time.monotonic()
                deadline = interrupted_at + policy.interrupt_grace
            else:
                _kill(proc, pid)
                cell = result.cells.setdefault(current, CellResult())
                cell.status = "killed"
                return current
    finally:
        os.close(event_r)
        os.close(info_r)
        if proc.poll() is None:
            # the runner too: as pid 1 of its namespace it ignores bwrap's parent-death signal
            _kill(proc, pid)
        command.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def run_cells(cells: list[dict[str, Any]], policy: Policy) -> RunResult:
    """Run ``cells`` (see :mod:`.sandboxrun` for their form) in a fresh sandbox.

    A cell that hangs past its time limit and ignores the interrupt, kills its process, or
    floods the channel is marked, and the notebook is run again in a fresh sandbox without it
    (at most ``max_restarts`` times), so that it costs that cell only.
    """
    start = time.perf_counter()
    result = RunResult(sandboxed=policy.sandboxed)
    skip: set[int] = set()
    for _ in range(policy.max_restarts + 1):
        attempt = RunResult(sandboxed=policy.sandboxed)
        stopped = _one_run(cells, skip, policy, attempt)
        for index in skip:
            attempt.cells[index] = result.cells[index]
        result.cells, result.answers = attempt.cells, attempt.answers
        result.notes.extend(attempt.notes)
        if stopped is None or stopped < 0:
            break
        skip.add(stopped)
    else:
        result.notes.append(
            f"the notebook stopped the sandbox more than {policy.max_restarts} times; "
            "the cells after the last stop were not run"
        )
    ran = set(result.cells) | set(result.answers)
    for cell in cells:
        if cell["i"] not in ran:
            result.cells[cell["i"]] = CellResult(status="not run")
    result.seconds = time.perf_counter() - start
    return result


def probe(policy: Policy | None = None) -> str:
    """Start a sandbox that imports pandas and the package; return "" or why it failed."""
    policy = policy or Policy()
    if policy.sandboxed and not shutil.which("bwrap"):
        return "bubblewrap (bwrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap"
    if policy.sandboxed:
        try:
            seccomp.program()
        except seccomp.FilterUnavailable as exc:
            return str(exc)
    cells = [
        {
            "i": 0,
            "kind": "code",
            "source": "import pandas, rapprochement.data as d\nlen(d.load_trade()) > 0",
        }
    ]
    try:
        result = run_cells(cells, Policy(**{**policy.__dict__, "max_restarts": 0}))
    except (SandboxUnavailable, OSError) as exc:
        return str(exc)
    cell = result.cells.get(0)
    if cell is None or cell.status != "ok":
        detail = ""
        if cell is not None:
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            detail = (
                (errors[0].get("ename", "") + ": " + errors[0].get("evalue", ""))
                if errors
                else cell.status
            )
        return f"a test notebook failed inside the sandbox ({detail})"
    return ""
