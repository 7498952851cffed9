"""How long `make test` takes, fresh and unchanged (prints figures; not a test).

Usage: python3 bench/bench_make_test.py [--fresh] [--steps] [--keep]

--fresh   clone the committed HEAD into a temporary folder first (no environments, no
          recorded passes: what a new user or CI meets); otherwise run in this work tree.
--steps   also time each step alone, one after the other (envs, lint, unit and each suite
          with the cache off), to see where the time goes.
Then `make test` (fresh: creates the environments and runs every suite) and a second
`make test` right after (unchanged: the long suites are skipped as unchanged).

For each run: wall time, CPU time of make and everything it started (user + system, from
the kernel's accounting of waited-for children; CPU / wall above 1 means parallel work) and
the load average before and after (the machine is shared; read figures with the load).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITES = [
    "unit",
    "nbval-test",
    "browser-test",
    "grading-test",
    "book-test",
    "hub-test",
    "recipes-test",
]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def timed(label: str, cmd: list[str], cwd: Path, log: Path) -> bool:
    load0, cpu0, t0 = _load(), _cpu(), time.monotonic()
    with log.open("a") as out:
        out.write(f"\n##### {label}: {' '.join(cmd)}\n")
        out.flush()
        code = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode
    wall, cpu = time.monotonic() - t0, _cpu() - cpu0
    status = "ok" if code == 0 else f"FAILED ({code})"
    print(
        f"{label:28s} wall {wall / 60:5.2f} min  CPU {cpu / 60:5.2f} min  "
        f"CPU/wall {cpu / wall:4.2f}  load {load0} -> {_load()}  {status}",
        flush=True,
    )
    return code == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--steps", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the fresh clone")
    args = parser.parse_args()
    where = ROOT
    if args.fresh:
        where = Path(tempfile.mkdtemp(prefix="bench-make-test-")) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    log = Path(tempfile.mkstemp(prefix="bench-make-test-", suffix=".log")[1])
    print(f"in {where} ({'fresh clone' if args.fresh else 'work tree'}); log {log}")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    make = ["make", "--no-print-directory"]
    if args.steps:
        timed("environments (make envs)", [*make, "-j4", "envs"], where, log)
        timed("lint", [*make, "lint"], where, log)
        for suite in SUITES:
            timed(suite, [*make, suite], where, log)
    timed("make test" + (" (fresh)" if args.fresh and not args.steps else ""),
          [*make, "test"], where, log)  # fmt: skip
    timed("make test (unchanged)", [*make, "test"], where, log)
    if args.fresh and not args.keep:
        shutil.rmtree(where.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
