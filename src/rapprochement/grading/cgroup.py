"""A control group per sandbox, where the machine lets us make one: total memory and processes.

``RLIMIT_AS`` bounds each process of a sandbox, not their sum: 64 processes of 2 GB each could
still exhaust the machine. Where the grader may create cgroups (root, or a delegated subtree),
each sandbox gets its own, with ``memory`` (the total, swap included where the kernel offers
it) and ``pids`` limits; the sandbox joins it before bwrap starts (see :class:`CGroup.join`).
Both cgroup v1 (one hierarchy per controller) and v2 (unified) are handled. Where none can be
made, :func:`create` returns None and the per-process limits stay the only ones (the summary
says so).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path

__all__ = ["CGroup", "create"]

ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


def _own_paths() -> dict[str, str]:
    """{controller or "": path} from /proc/self/cgroup ("" is the v2 unified hierarchy)."""
    out: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        for controller in parts[1].split(",") if parts[1] else [""]:
            out[controller] = parts[2]
    return out


class CGroup:
    """One sandbox's cgroup(s); :meth:`join` is called in the child before it execs bwrap."""

    def __init__(self, folders: list[Path], memory_files: list[Path]) -> None:
        self.folders = folders
        self.memory_files = memory_files
        self._procs = [os.open(f / "cgroup.procs", os.O_WRONLY) for f in folders]

    def join(self) -> None:
        """Move the calling process into the group (async-signal-safe: plain writes)."""
        pid = str(os.getpid()).encode()
        for fd in self._procs:
            os.write(fd, pid)

    def out_of_memory(self) -> bool:
        """Whether the kernel had to kill a process of the group for memory."""
        for path in self.memory_files:
            with contextlib.suppress(OSError, ValueError):
                for line in path.read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key in ("oom_kill", "oom") and int(value) > 0:
                        return True
        return False

    def close(self) -> None:
        for fd in self._procs:
            with contextlib.suppress(OSError):
                os.close(fd)
        for folder in self.folders:
            for _ in range(50):  # the killed processes take a moment to go
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _make(base: Path, name: str, files: dict[str, str]) -> Path | None:
    folder = base / name
    try:
        folder.mkdir()
    except OSError:
        return None
    try:
        for key, value in files.items():
            target = folder / key
            if target.exists():
                target.write_text(value)
            elif not key.startswith(("memory.memsw", "memory.swap")):
                raise OSError(f"{key} missing")
    except OSError:
        with contextlib.suppress(OSError):
            folder.rmdir()
        return None
    return folder


def create(memory_bytes: int, max_processes: int) -> CGroup | None:
    """A new cgroup with these limits, or None where the machine does not allow one."""
    own = _own_paths()
    name = f"rapprochement-{os.getpid()}-{next(_counter)}"
    folders: list[Path] = []
    memory_files: list[Path] = []
    if "memory" in own and (ROOT / "memory").is_dir():  # cgroup v1
        memory = _make(
            ROOT / "memory" / own["memory"].lstrip("/"),
            name,
            {
                "memory.limit_in_bytes": str(memory_bytes),
                "memory.memsw.limit_in_bytes": str(memory_bytes),
            },
        )
        pids = None
        if memory is not None and "pids" in own and (ROOT / "pids").is_dir():
            pids = _make(
                ROOT / "pids" / own["pids"].lstrip("/"), name, {"pids.max": str(max_processes)}
            )
        if memory is not None:
            folders.append(memory)
            memory_files.append(memory / "memory.oom_control")
        if pids is not None:
            folders.append(pids)
    elif "" in own and (ROOT / "cgroup.controllers").is_file():  # cgroup v2
        base = ROOT / own[""].lstrip("/")
        with contextlib.suppress(OSError):
            (base / "cgroup.subtree_control").write_text("+memory +pids")
        group = _make(
            base,
            name,
            {
                "memory.max": str(memory_bytes),
                "memory.swap.max": "0",
                "pids.max": str(max_processes),
            },
        )
        if group is not None:
            folders.append(group)
            memory_files.append(group / "memory.events")
    if not folders:
        return None
    try:
        return CGroup(folders, memory_files)
    except OSError:
        for folder in folders:
            with contextlib.suppress(OSError):
                folder.rmdir()
        return None
