"""Run one test suite, or skip it loudly when it already passed with exactly the same inputs.

Usage (from the Makefile)::

    python scripts/suite_cache.py [--cache] --env .venv-grading NAME -- COMMAND ...

Without ``--cache`` the command always runs. With ``--cache`` (what ``make test`` passes for the
long suites) the command is skipped when a run of the same suite passed before with the same
*key*, and a banner says so. The key is a sha256 of everything the result can depend on:

* the content of every file git tracks or would track (``git ls-files --cached --others
  --exclude-standard``: sources, tests, notebooks, data, locks, the Makefile, this script);
* the command line and the suite's name;
* the environment the suite runs in: its interpreter (version and path) and the name and
  version of every installed distribution;
* the system tools the suites use: chromium, bwrap, node, configurable-http-proxy (their
  ``--version``), the user id (the hub test needs root) and every ``RAPPROCHEMENT_*`` variable.

A pass is recorded in ``.venv/.suites-passed/NAME`` (so ``make clean`` forgets it). With
``CI=true`` in the environment the cache is never used. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECORDS = REPO / ".venv" / ".suites-passed"
TOOLS = ("chromium", "bwrap", "node", "configurable-http-proxy")


def _tool_version(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        return f"{tool}: missing"
    try:
        out = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        out = f"error {exc}"
    return f"{tool}: {exe} {out}"


def _environment(env: Path) -> list[str]:
    """Interpreter and installed distributions (name-version from the .dist-info folders)."""
    lines = []
    python = env / "bin" / "python"
    lines.append(f"python {python.resolve() if python.exists() else 'missing'}")
    if python.exists():
        version = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version)"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        lines.append(version)
    for site in sorted(env.glob("lib/python*/site-packages")):
        lines += sorted(p.name for p in site.glob("*.dist-info"))
    return lines


def repo_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    return sorted({name for name in out.decode().split("\0") if name})


def key(name: str, command: list[str], env: Path) -> str:
    h = hashlib.sha256()

    def add(text: str) -> None:
        h.update(text.encode())
        h.update(b"\0")

    add(f"suite {name}")
    add("command " + "\0".join(command))
    for rel in repo_files():
        path = REPO / rel
        if path.is_file():  # a tracked file deleted in the work tree counts by its absence
            add(f"file {rel} {path.stat().st_mode & 0o111:o}")
            h.update(path.read_bytes())
        else:
            add(f"absent {rel}")
    for line in _environment(env):
        add(line)
    for tool in TOOLS:
        add(_tool_version(tool))
    add(f"uid {os.getuid() if hasattr(os, 'getuid') else '?'}")
    for var in sorted(v for v in os.environ if v.startswith("RAPPROCHEMENT_")):
        add(f"env {var}={os.environ[var]}")
    return h.hexdigest()


def banner(text: str) -> None:
    line = "=" * 78
    print(f"\n{line}\n{text}\n{line}\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", action="store_true", help="skip if passed with same inputs")
    parser.add_argument("--env", default=".venv", help="the suite's environment folder")
    parser.add_argument("name")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    use_cache = args.cache and os.environ.get("CI", "").lower() not in ("true", "1")
    record = RECORDS / args.name
    digest = key(args.name, command, REPO / args.env)
    if use_cache and record.exists():
        saved = record.read_text(encoding="utf-8").split()
        if saved and saved[0] == digest:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(record.stat().st_mtime))
            banner(
                f"SKIPPED {args.name}: it passed at {when} with exactly these inputs\n"
                f"(every tracked file, {args.env}'s packages, Python, system tools; key "
                f"{digest[:12]}).\nRun `make test-all` or `make {args.name}` to run it anyway."
            )
            return 0
    started = time.monotonic()
    code = subprocess.run(command, cwd=REPO, check=False).returncode
    if code == 0:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(f"{digest} {time.monotonic() - started:.0f}s\n", encoding="utf-8")
    else:
        record.unlink(missing_ok=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
