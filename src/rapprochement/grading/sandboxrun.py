"""Run a student's notebook cells and report outputs and answers (runs INSIDE the sandbox).

``python -m rapprochement.grading.sandboxrun FD`` reads one JSON job from stdin::

    {"cells": [{"i": 3, "kind": "code", "source": "..."},
               {"i": 4, "kind": "extract", "names": ["first_100"]}, ...],
     "skip": [7], "max_chars": 20000}

and writes JSON lines to file descriptor ``FD``: ``{"ev": "start", "i": 3}``, then ``{"ev":
"done", "i": 3, "outputs": [...]}`` (nbformat outputs) or ``{"ev": "answers", "i": 4, "values":
{...}, "missing": [...], "refused": {...}}``, and ``{"ev": "end"}``. Everything it writes is
untrusted: the student's code runs in this very process and may replace any of it. The grader
outside the sandbox treats every line as data, bounded in size, and never executes any of it.

Plain ``exec`` with a display hook for the last expression, as a kernel would show it; IPython
magics (``%...``, ``!...``) are not run. Imports only the standard library and
:mod:`.answers`, so that a sandbox starts quickly.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import signal
import sys
import traceback
from typing import Any

from rapprochement.grading.answers import AnswerError, has_magics, strip_magics, to_plain

MAGIC_NOTE = "(IPython magics and ! shell lines are not run when grading)\n"


class CappedStream:
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text: Any) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def output(self) -> dict[str, Any] | None:
        if not self.parts and not self.dropped:
            return None
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... [{self.dropped} characters of output removed]\n"
        self.parts, self.kept, self.dropped = [], 0, 0
        return {"output_type": "stream", "name": self.name, "text": text}


def _cut(text: str, limit: int) -> str:
    if len(text) > limit:
        return text[:limit] + f"\n... [{len(text) - limit} characters of output removed]\n"
    return text


class Runner:
    def __init__(self, fd: int, max_chars: int) -> None:
        self.fd = fd
        self.max_chars = max_chars
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.stdout = CappedStream("stdout", max_chars)
        self.stderr = CappedStream("stderr", max_chars)
        self.count = 0
        self.pid = os.getpid()

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, ensure_ascii=False, default=str) + "\n").encode()
        while data:
            written = os.write(self.fd, data)
            data = data[written:]

    def _result(self, value: Any) -> dict[str, Any]:
        data: dict[str, str] = {}
        try:
            data["text/plain"] = _cut(repr(value), self.max_chars)
        except Exception as exc:  # a student's __repr__ may raise
            data["text/plain"] = f"<repr failed: {type(exc).__name__}>"
        html = getattr(type(value), "_repr_html_", None)
        if callable(html):
            try:
                text = html(value)
                if isinstance(text, str):
                    data["text/html"] = _cut(text, self.max_chars)
            except Exception:
                pass
        return {
            "output_type": "execute_result",
            "execution_count": self.count,
            "data": data,
            "metadata": {},
        }

    def run_code(self, index: int, source: str) -> list[dict[str, Any]]:
        self.count += 1
        outputs: list[dict[str, Any]] = []
        clean = strip_magics(source)
        if has_magics(source):
            self.stderr.write(MAGIC_NOTE)
        sys.stdout, sys.stderr = self.stdout, self.stderr
        try:
            tree = ast.parse(clean, filename=f"<cell {index}>")
            last = None
            final = tree.body[-1] if tree.body else None
            if isinstance(final, ast.Expr):  # its value is shown, as in a kernel
                tree.body.pop()
                last = ast.Expression(final.value)
            exec(compile(tree, f"<cell {index}>", "exec"), self.namespace)
            if last is not None:
                value = eval(compile(last, f"<cell {index}>", "eval"), self.namespace)
                if value is not None:
                    outputs.append(self._result(value))
        except BaseException as exc:  # the cell's error is its output, as in a kernel
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
            # drop this runner's own frame; keep the student's
            kept = [line for line in lines if "sandboxrun.py" not in line]
            outputs.append(
                {
                    "output_type": "error",
                    "ename": type(exc).__name__,
                    "evalue": _cut(str(exc), 2000),
                    "traceback": [_cut("".join(kept), self.max_chars)],
                }
            )
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            if os.getpid() != self.pid:  # a process the cell forked: it must not report
                os._exit(0)
        streams = [s for s in (self.stdout.output(), self.stderr.output()) if s]
        return streams + outputs

    def extract(self, names: list[str]) -> dict[str, Any]:
        values: dict[str, str] = {}
        missing: list[str] = []
        refused: dict[str, str] = {}
        for name in names:
            if name not in self.namespace:
                missing.append(name)
                continue
            try:
                values[name] = to_plain(self.namespace[name])
            except AnswerError as exc:
                refused[name] = f"{name}: {exc}"
            except BaseException as exc:
                refused[name] = f"{name}: reading the answer failed ({type(exc).__name__})"
        return {"values": values, "missing": missing, "refused": refused}


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (and group ``uid``) with no supplementary groups and no capabilities."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgroups():
        raise SystemExit("could not drop privileges")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--uid"]:
        drop_privileges(int(argv[1]))
        argv = argv[2:]
    fd = int(argv[0])
    job = json.loads(sys.stdin.readline())
    sys.stdin.close()
    # C-level writes (and child processes) go nowhere; Python-level output is captured
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    # writing past the file-size limit fails with an error instead of killing the process
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.argv = ["notebook"]
    runner = Runner(fd, int(job.get("max_chars", 20_000)))
    skip = set(job.get("skip", []))
    for cell in job["cells"]:
        index = cell["i"]
        if index in skip:
            continue
        runner.send({"ev": "start", "i": index})
        if cell["kind"] == "extract":
            runner.send({"ev": "answers", "i": index, **runner.extract(cell["names"])})
        else:
            outputs = runner.run_code(index, cell["source"])
            runner.send({"ev": "done", "i": index, "n": runner.count, "outputs": outputs})
    runner.send({"ev": "end"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
