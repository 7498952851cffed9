"""Worker processes for a grading run, with a clock kept by the main process.

Each worker takes one task at a time. The main process gives every task a wall-clock limit
and, when it passes, stops the worker (SIGTERM, then SIGKILL to the worker and every process
below it: its sandbox, its checking process), whatever the task or the sandbox sends back;
nothing inside a sandbox can extend it. A worker that dies has its task tried once more in a
fresh worker. Workers run in their own process group, so a Ctrl-C in the terminal reaches
only the main process, which then stops them all (:meth:`Pool.stop`) and leaves no process.

Process trees are read with psutil (maintained, made for the job, already a dependency of the
Jupyter stack); results cross from the workers as plain Python data (our own processes).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import psutil

__all__ = ["DIED", "TIMED_OUT", "Pool", "Task", "kill_tree"]

TIMED_OUT = "timed out"
DIED = "died"

Handler = Callable[[str, tuple[Any, ...]], dict[str, Any]]


@dataclass
class Task:
    key: str
    kind: str
    args: tuple[Any, ...]
    limit: float
    """Seconds of wall-clock time the task may take."""
    attempts: int = 0


def _below(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return list(proc.children(recursive=True))
    except psutil.Error:
        return []


def kill_tree(pids: list[int], grace: float = 3.0) -> None:
    """SIGTERM each of ``pids`` and wait up to ``grace`` seconds for them to end, then SIGKILL
    them and every process that was below them before or after. The list is taken before the
    first signal: a sandbox whose bwrap ended first is no longer anyone's descendant, and, as
    its namespace's process 1, ignores bwrap's parent-death signal."""
    roots = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            roots.append(psutil.Process(pid))
    below = {p.pid: p for root in roots for p in _below(root)}
    for root in roots:
        with contextlib.suppress(psutil.Error):
            root.send_signal(signal.SIGTERM)
    if grace > 0:
        psutil.wait_procs(roots, timeout=grace)
    below.update({p.pid: p for root in roots for p in _below(root)})
    procs = [*roots, *below.values()]
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()  # psutil checks it is still the process listed (no pid reuse)
    psutil.wait_procs(procs, timeout=5)


def _worker_main(conn: Connection, setup: Callable[[], Handler]) -> None:
    os.setpgid(0, 0)  # a terminal's Ctrl-C goes to the main process only

    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)  # unwinds: a running sandbox is killed on the way out

    signal.signal(signal.SIGTERM, stop)
    handler = setup()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        kind, args = message
        try:
            result = handler(kind, args)
        except Exception as exc:  # reported on the row, never hangs the run
            result = {"error": f"{type(exc).__name__}: {exc}"}
        conn.send(result)


class _Worker:
    def __init__(self, context: Any, setup: Callable[[], Handler]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, setup), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task) -> None:
        self.task = task
        self.deadline = time.monotonic() + task.limit
        self.conn.send((task.kind, task.args))

    def kill(self, grace: float = 3.0) -> None:
        if self.process.pid is not None:
            kill_tree([self.process.pid], grace)
        self.process.join(1)
        self.conn.close()


class Pool:
    """``jobs`` workers, each set up once by ``setup()`` (in the worker) into a handler."""

    def __init__(self, jobs: int, setup: Callable[[], Handler]) -> None:
        self.context = multiprocessing.get_context("fork")
        self.setup = setup
        self.jobs = max(1, jobs)
        self.queue: deque[Task] = deque()
        self.workers: list[_Worker] = []

    def submit(self, task: Task) -> None:
        self.queue.append(task)

    def _idle(self) -> _Worker | None:
        for worker in self.workers:
            if worker.task is None:
                return worker
        if len(self.workers) < self.jobs:
            worker = _Worker(self.context, self.setup)
            self.workers.append(worker)
            return worker
        return None

    def _replace(self, worker: _Worker, grace: float) -> None:
        worker.kill(grace)
        self.workers.remove(worker)

    def run(
        self,
        done: Callable[[Task, dict[str, Any] | None, str], None],
        stop_at: float | None = None,
    ) -> bool:
        """Run every task (``done`` may submit more); False when ``stop_at`` came first.

        ``done(task, result, failure)``: failure is "" with the worker's result, else
        :data:`TIMED_OUT` or :data:`DIED` (twice) with None.
        """
        while self.queue or any(w.task for w in self.workers):
            while self.queue:
                worker = self._idle()
                if worker is None:
                    break
                task = self.queue.popleft()
                try:
                    worker.give(task)
                except (OSError, ValueError):  # the worker died while idle
                    self._replace(worker, 0.0)
                    task.attempts += 1
                    if task.attempts > 1:
                        done(task, None, DIED)
                    else:
                        self.queue.appendleft(task)
            busy = [w for w in self.workers if w.task is not None]
            now = time.monotonic()
            if stop_at is not None and now >= stop_at:
                return False
            if not busy:
                continue
            wake = min(w.deadline for w in busy)
            if stop_at is not None:
                wake = min(wake, stop_at)
            ready = wait([w.conn for w in busy], max(0.0, wake - now))
            for worker in busy:
                running = worker.task
                assert running is not None
                task = running
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        self._replace(worker, 0.0)
                        if task.attempts == 0:
                            task.attempts += 1
                            self.queue.appendleft(task)
                        else:
                            done(task, None, DIED)
                        continue
                    worker.task = None
                    done(task, result, "")
                elif time.monotonic() >= worker.deadline:
                    self._replace(worker, 3.0)
                    done(task, None, TIMED_OUT)
        return True

    def stop(self) -> None:
        """End every worker and everything below it (a running sandbox included): idle ones
        are told to stop, busy ones get SIGTERM (their sandbox is killed on the way out), and
        after 3 s whatever is left of any of them is killed."""
        busy = []
        for worker in self.workers:
            if worker.task is None:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)
            elif worker.process.pid is not None:
                busy.append(worker.process.pid)
        kill_tree(busy, 3.0)
        for worker in self.workers:
            worker.process.join(max(0.0, 1.0))
            worker.kill(0.0)
        self.workers = []
        self.queue.clear()
