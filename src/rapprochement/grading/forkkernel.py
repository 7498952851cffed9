"""Start grading kernels by forking a process that has already imported the heavy modules.

Every submission gets a fresh kernel, as with nbgrader's own Execute, but most of a kernel's
start-up work (importing ipykernel, pandas, frictionless and rapprochement.data) is done once
per worker by a *fork server*; each kernel is a ``fork()`` of it, so no state passes from one
student to the next. jupyter_client starts a thin *client* process as "the kernel": the client
asks the server for a fork, forwards signals (interrupts, termination) to the forked kernel and
exits with its exit code, so timeouts, interrupts and dying kernels behave as usual. If the
client is killed, the server kills the kernel.

    python -m rapprochement.grading.forkkernel serve SOCKET      # the fork server
    python -m rapprochement.grading.forkkernel run SOCKET -- ARGS  # the client (kernel.json)
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

KERNEL_NAME = "rapprochement-forked"


def _send(sock: socket.socket, obj: object) -> None:
    data = json.dumps(obj).encode()
    sock.sendall(struct.pack("!I", len(data)) + data)


def _recv(sock: socket.socket) -> object:
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            raise ConnectionError("closed")
        head += chunk
    (size,) = struct.unpack("!I", head)
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return json.loads(data)


def _preload() -> None:
    import ipykernel.kernelapp  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import rapprochement.analysis  # noqa: F401
    import rapprochement.data as data

    data._import_frictionless()


def _child(request: dict, listener: socket.socket, conn: socket.socket) -> None:
    """In the forked process: become the kernel described by ``request``."""
    try:
        listener.close()
        conn.close()
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 1
    os._exit(code)


def serve(path: str) -> None:
    """Accept kernel requests on the Unix socket ``path`` until stdin closes."""
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    print("ready", flush=True)
    children: dict[int, socket.socket] = {}
    while True:
        readable, _, _ = select.select([listener, sys.stdin, *children.values()], [], [], 0.05)
        for sock in readable:
            if sock is sys.stdin:
                if not sys.stdin.readline():  # the worker went away: stop everything
                    for pid in children:
                        _kill(pid)
                    return
            elif sock is listener:
                conn, _ = listener.accept()
                request = _recv(conn)
                pid = os.fork()
                if pid == 0:
                    _child(request, listener, conn)
                _send(conn, {"pid": pid})
                children[pid] = conn
            else:  # a client closed its end before its kernel exited: kill the kernel
                pid = next(p for p, c in children.items() if c is sock)
                _kill(pid)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                conn = children.pop(pid)
                with contextlib.suppress(OSError):
                    _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                conn.close()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run(path: str, argv: list[str]) -> None:
    """The client: have the server fork a kernel, relay signals, exit with its code."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    _send(conn, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)})
    pid = _recv(conn)["pid"]  # type: ignore[index]

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while True:
        try:
            message = _recv(conn)
        except InterruptedError:
            continue
        except (ConnectionError, OSError):
            os._exit(1)
        os._exit(int(message.get("exit", 1)))  # type: ignore[union-attr]


class ForkServer:
    """A running fork server and the kernelspec that starts kernels through it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = str(folder / "fork.sock")
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rapprochement.grading.forkkernel", "serve", self.socket],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError("the kernel fork server did not start")
        spec = folder / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [
                        sys.executable,
                        "-m",
                        "rapprochement.grading.forkkernel",
                        "run",
                        self.socket,
                        "--",
                        "-f",
                        "{connection_file}",
                    ],
                    "display_name": "Python 3 (forked for grading)",
                    "language": "python",
                    "interrupt_mode": "signal",
                }
            )
        )
        self.data_path = str(folder)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        time.sleep(0)


def main(argv: list[str]) -> None:
    if argv[:1] == ["serve"]:
        serve(argv[1])
    elif argv[:1] == ["run"]:
        run(argv[1], argv[3:] if argv[2:3] == ["--"] else argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
