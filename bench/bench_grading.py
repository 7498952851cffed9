"""Grade 30 generated submissions two ways and print seconds per submission.

1. plain nbgrader: `nbgrader autograde` (then `nbgrader generate_feedback`) in a course folder,
   as an instructor would run it; nbgrader grades one submission after another;
2. `python -m rapprochement.grading` (each submission in a bubblewrap sandbox, hidden tests in a
   clean process, in parallel worker processes; nbgrader scoring, feedback, CSV), and the same
   with `--unsafe-no-sandbox` to show what the sandbox itself costs.

Both use the same per-cell timeout (30 s) and the same 30 notebooks: a mix of correct, wrong,
unanswered, erroring and tampered submissions (no infinite loops or dying kernels, which plain
nbgrader handles differently). It compares the autograded scores: they differ, on purpose, for
submissions that replace built-ins (nbgrader's in-kernel hidden tests fail for every later
question; here only the wrong answer is lost). Run with the instructor environment:

    .venv-grading/bin/python bench/bench_grading.py [--n 30] [--jobs N]

Prints figures; it is not a timed test.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapprochement.grading.settings import source_root
from rapprochement_support.samples import make_sample, write_sample  # noqa: E402

MIX = [
    "solved",
    "wrong",
    "blank",
    "exception",
    "solved",
    "deleted_test",
    "edited_test",
    "always_equal",
    "patched_helpers",
    "huge_output",
    "solved",
    "patched_builtins",
]
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


CPU: dict[str, float] = {}
"""CPU seconds (user + system, the command and every process it waited for) by command."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], cwd: Path, key: str = "") -> float:
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    CPU[key or " ".join(cmd[1:3])] = _children_cpu() - cpu
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return seconds


def plain_nbgrader(folder: Path, assignment: str, root: Path) -> tuple[float, float, dict]:
    course = root / "plain"
    (course / "source").mkdir(parents=True)
    shutil.copytree(source_root() / assignment, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        "from rapprochement.grading.settings import apply_common\n"
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "apply_common(c)\n"
    )
    _run([str(BIN / "nbgrader"), "generate_assignment", assignment], course)
    for nb in sorted(folder.glob("*.ipynb")):
        dest = course / "submitted" / nb.stem / assignment
        dest.mkdir(parents=True)
        shutil.copy(nb, dest / f"{assignment}.ipynb")
    autograde = _run([str(BIN / "nbgrader"), "autograde", assignment], course)
    feedback = _run([str(BIN / "nbgrader"), "generate_feedback", assignment], course)
    _run([str(BIN / "nbgrader"), "export"], course)
    with open(course / "grades.csv", encoding="utf-8") as handle:
        scores = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(handle)}
    return autograde, feedback, scores


def ours(
    folder: Path, assignment: str, root: Path, jobs: int | None, feedback: bool, safe: bool = True
) -> tuple[float, dict]:
    key = ("ours" if feedback else "ours-nofb") + ("" if safe else "-unsafe")
    out = root / key
    cmd = [
        sys.executable,
        "-m",
        "rapprochement.grading",
        str(folder),
        "--assignment",
        assignment,
        "--out",
        str(out),
        "--no-progress",
    ]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if not feedback:
        cmd.append("--no-feedback")
    if not safe:
        cmd.append("--unsafe-no-sandbox")
    seconds = _run(cmd, root, key)
    with open(out / f"grades-{assignment}.csv", encoding="utf-8") as handle:
        scores = {
            r["student_id"]: sum(float(v) for k, v in r.items() if "-test (" in k and v)
            for r in csv.DictReader(handle)
        }
    return seconds, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--assignment", default="ps1-trade-statistics")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "submissions"
        for i in range(args.n):
            kind = MIX[i % len(MIX)]
            write_sample(make_sample(args.assignment, kind), folder / f"s{i:02d}-{kind}.ipynb")
        n = args.n
        print(
            f"{n} submissions of {args.assignment}, {os.cpu_count()} CPU core(s), "
            "per-cell timeout 30 s"
        )
        plain_auto, plain_fb, plain_scores = plain_nbgrader(folder, args.assignment, root)
        ours_auto, ours_auto_scores = ours(folder, args.assignment, root, args.jobs, feedback=False)
        ours_all, ours_scores = ours(folder, args.assignment, root, args.jobs, feedback=True)
        unsafe_auto, _ = ours(folder, args.assignment, root, args.jobs, False, safe=False)
        same = plain_scores == ours_scores == ours_auto_scores
        cpu_auto = CPU[f"autograde {args.assignment}"]
        cpu_fb = CPU[f"generate_feedback {args.assignment}"]
        cpu_ours_auto, cpu_ours_all = CPU["ours-nofb"], CPU["ours"]
        print(f"{'':40s}{'wall s':>8s}{'s/submission':>14s}{'CPU s/submission':>18s}")
        rows = [
            ("nbgrader autograde", plain_auto, cpu_auto),
            ("nbgrader autograde + generate_feedback", plain_auto + plain_fb, cpu_auto + cpu_fb),
            ("rapprochement.grading --no-feedback", ours_auto, cpu_ours_auto),
            ("rapprochement.grading (with feedback)", ours_all, cpu_ours_all),
            ("same, --no-feedback, without sandbox", unsafe_auto, CPU["ours-nofb-unsafe"]),
        ]
        for label, seconds, cpu in rows:
            print(f"{label:40s}{seconds:8.1f}{seconds / n:14.2f}{cpu / n:18.2f}")
        print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
        print(f"speed-up, autograde only:        {plain_auto / ours_auto:.1f}x")
        print(f"speed-up, autograde + feedback:  {(plain_auto + plain_fb) / ours_all:.1f}x")
        print(
            f"sandbox overhead (--no-feedback, wall): {(ours_auto - unsafe_auto) / n:+.2f} s "
            f"per submission ({ours_auto / unsafe_auto - 1:+.0%})"
        )
        print(f"same autograded score for every student: {'yes' if same else 'no'}")
        if not same:
            for sid in sorted(plain_scores):
                if plain_scores.get(sid) != ours_scores.get(sid):
                    print(
                        f"  {sid}: nbgrader {plain_scores.get(sid)} vs ours {ours_scores.get(sid)}"
                        " (hidden tests outside the student's kernel)"
                    )


if __name__ == "__main__":
    main()
