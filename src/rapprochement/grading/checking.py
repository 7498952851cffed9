"""Run the test cells (visible and hidden) on extracted answers, in a clean process.

No student code ever runs here. The process executes the trusted setup cells of the instructor
source (``solutions/source/<ps>/<ps>.ipynb``), binds each answer rebuilt from plain data
(:func:`.answers.from_plain`) and runs the test cell's full code. A test passes when it raises
nothing. Shared by the grader and the student self-check; imports no nbgrader.

    python -m rapprochement.grading.checking once SOURCE.ipynb   < request  > results
    python -m rapprochement.grading.checking serve SOURCE.ipynb  (one request per line, forks)

A request is ``{"answers": {grade_id: {"values": {name: json}, "missing": [...], "refused":
{...}}}, "timeout": seconds}``; the result ``{grade_id: {"passed": bool, "ename": ...,
"evalue": ..., "kind": "ok" | "failed" | "refused" | "not answered"}}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapprochement.grading import cells as kinds
from rapprochement.grading.answers import (
    AnswerError,
    answer_names,
    defined_names,
    from_plain,
    strip_magics,
)

__all__ = ["AssignmentSpec", "CheckServer", "check_once", "read_spec"]


@dataclass
class AssignmentSpec:
    """What the checker needs from the instructor source notebook."""

    setup: list[str]
    """Code of the trusted cells that are neither answers nor tests, in order."""
    tests: dict[str, str]
    """grade_id -> full test code (visible and hidden)."""
    names: dict[str, list[str]]
    """grade_id -> the names the test reads from the student's notebook."""
    points: dict[str, float]


def read_spec(path: Path) -> AssignmentSpec:
    """Read an nbgrader source notebook (plain JSON; no nbformat needed)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    setup: list[str] = []
    tests: dict[str, str] = {}
    points: dict[str, float] = {}
    for cell in nb.get("cells", []):
        kind = kinds.kind(cell)
        gid = kinds.grade_id(cell)
        if kind == "test" and gid:
            tests[gid] = kinds.source(cell)
            points[gid] = float(kinds.nbgrader_meta(cell).get("points", 0))
        elif kind == "setup":
            setup.append(kinds.source(cell))
    trusted: set[str] = set()
    for code in setup:
        trusted |= defined_names(code)
    names = {gid: answer_names(code, trusted) for gid, code in tests.items()}
    return AssignmentSpec(setup, tests, names, points)


# --- inside the checking process -----------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def _setup_namespace(spec: AssignmentSpec) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for index, code in enumerate(spec.setup):
        exec(compile(strip_magics(code), f"<setup {index}>", "exec"), namespace)
    return namespace


def _check_one(
    namespace: dict[str, Any],
    code: str,
    gid: str,
    answer: dict[str, Any],
    timeout: float,
    allowed: list[str],
) -> dict[str, Any]:
    refused = answer.get("refused") or {}
    if refused:
        reason = "; ".join(str(v)[:300] for v in refused.values())
        return {"passed": False, "kind": "refused", "ename": "AnswerNotPlainData", "evalue": reason}
    ns = dict(namespace)
    unset: list[str] = []
    try:
        # only the names this test reads from the notebook: never a trusted setup name
        for name, text in (answer.get("values") or {}).items():
            if name in allowed and isinstance(text, str):
                ns[name] = from_plain(text)
                if ns[name] is None:  # the answer stub sets each name to None
                    unset.append(name)
    except AnswerError as exc:
        return {
            "passed": False,
            "kind": "refused",
            "ename": "AnswerNotPlainData",
            "evalue": str(exc),
        }
    missing = [m for m in answer.get("missing") or [] if isinstance(m, str)] + unset
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        exec(compile(code, f"<test {gid}>", "exec"), ns)
    except _Timeout:
        return {
            "passed": False,
            "kind": "failed",
            "ename": "TimeoutError",
            "evalue": "the test took too long",
        }
    except BaseException as exc:
        # "not answered" only when none of the test's names has a value; a partial answer fails
        kind = "not answered" if missing and set(missing) >= set(allowed) else "failed"
        return {
            "passed": False,
            "kind": kind,
            "ename": type(exc).__name__,
            "evalue": str(exc)[:500],
        }
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"passed": True, "kind": "ok", "ename": "", "evalue": ""}


def _check_all(
    spec: AssignmentSpec, namespace: dict[str, Any], request: dict[str, Any]
) -> dict[str, Any]:
    signal.signal(signal.SIGALRM, _alarm)
    timeout = float(request.get("timeout", 10))
    answers = request.get("answers") or {}
    results = {}
    for gid, code in spec.tests.items():
        answer = answers.get(gid)
        if not isinstance(answer, dict):
            answer = {"values": {}, "missing": list(spec.names[gid]), "refused": {}}
        results[gid] = _check_one(namespace, code, gid, answer, timeout, spec.names[gid])
    return results


def _serve(spec: AssignmentSpec) -> None:
    """One request per stdin line; each one is checked in a fork of the set-up process."""
    out = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (setup code and tests may print)
    namespace = _setup_namespace(spec)
    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                result = _check_all(spec, namespace, json.loads(line))
                payload = json.dumps(result).encode()
            except BaseException as exc:  # report, never hang the grader
                payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
            with os.fdopen(write_end, "wb") as handle:
                handle.write(payload)
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as handle:
            payload = handle.read()
        os.waitpid(pid, 0)
        print(
            payload.decode() or json.dumps({"error": "the checking process died"}),
            file=out,
            flush=True,
        )


def main(argv: list[str]) -> int:
    mode, path = argv[0], Path(argv[1])
    spec = read_spec(path)
    if mode == "serve":
        _serve(spec)
        return 0
    request = json.loads(sys.stdin.read())
    out = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    result = _check_all(spec, _setup_namespace(spec), request)
    print(json.dumps(result), file=out, flush=True)
    return 0


# --- the caller's side ---------------------------------------------------------------------


def _command(mode: str, source: Path) -> list[str]:
    return [sys.executable, "-I", "-m", "rapprochement.grading.checking", mode, str(source)]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def check_once(source: Path, answers: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    """Check ``answers`` in a new process (for the self-check)."""
    done = subprocess.run(
        _command("once", source),
        input=json.dumps({"answers": answers, "timeout": timeout}),
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError("the checking process failed:\n" + done.stderr[-2000:])
    return json.loads(done.stdout)


class CheckServer:
    """A checking process that has run the setup once and forks per request (for the grader)."""

    def __init__(self, source: Path) -> None:
        self.source = Path(source)
        self.process = subprocess.Popen(
            _command("serve", self.source),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip().startswith('{"ready"'):
            raise RuntimeError(f"the checking process for {self.source} did not start")

    def check(self, answers: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"answers": answers, "timeout": timeout}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the checking process stopped")
        result = json.loads(line)
        if "error" in result and not isinstance(result["error"], dict):
            raise RuntimeError(f"the checking process failed: {result['error']}")
        return result

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                assert self.process.stdin is not None
                self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
