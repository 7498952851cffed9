"""Follow a recipe of docs/recipes/ literally in a scratch copy of the repository.

A recipe page names its places (at most three files a maintainer writes) and shows, in fenced
blocks, what goes into each, the commands that regenerate what is derived, and the checks:

    ```yaml text/_toc.yml        <- a block for a place: its info string is "<language> <path>"
                                    (four backticks for a file that holds fenced blocks)
    ```sh run                    <- commands that write the derived files
    ```sh check                  <- the fast tests that prove the change

:class:`Recipe` reads those blocks from the page, copies the files git tracks (and new files it
would track) into a temporary folder, applies each place's block there with the rule the page
states (a new file, or an insertion at a named line), runs the commands and the checks with
this checkout's environment, and reports which files changed. ``scripts/recipes/run.py`` runs
every recipe once as written (the checks must pass, and only the named places and the derived
files may change) and once without each place (the checks must fail).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^(`{3,})(\w+)[ \t]+(\S+)[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)

Apply = Callable[[Path, str], None]


def new_file(path: Path, block: str) -> None:
    """The block is a new file."""
    if path.exists():
        raise SystemExit(f"{path} already exists: the recipe's example name is taken")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block, encoding="utf-8")


def append(path: Path, block: str) -> None:
    """The block goes at the end of the file, after one blank line."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n\n{block}", encoding="utf-8")


def insert_before(line: str) -> Apply:
    """The block goes just before the (only) line ``line``."""

    def apply(path: Path, block: str) -> None:
        text = path.read_text(encoding="utf-8")
        if text.count(line + "\n") != 1:
            raise SystemExit(f"{path}: the recipe's anchor line {line!r} is not there once")
        path.write_text(text.replace(line + "\n", block + line + "\n"), encoding="utf-8")

    return apply


def insert_after(line: str) -> Apply:
    """The block goes just after the (only) line ``line``."""

    def apply(path: Path, block: str) -> None:
        text = path.read_text(encoding="utf-8")
        if text.count(line + "\n") != 1:
            raise SystemExit(f"{path}: the recipe's anchor line {line!r} is not there once")
        path.write_text(text.replace(line + "\n", line + "\n" + block), encoding="utf-8")

    return apply


def end_of_table(heading: str) -> Apply:
    """The block (table rows) goes after the last row of the first table under ``heading``."""

    def apply(path: Path, block: str) -> None:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if lines.count(heading + "\n") != 1:
            raise SystemExit(f"{path}: the recipe's heading {heading!r} is not there once")
        at = lines.index(heading + "\n") + 1
        while at < len(lines) and not lines[at].startswith("|"):
            at += 1
        while at < len(lines) and lines[at].startswith("|"):
            at += 1
        path.write_text("".join(lines[:at]) + block + "".join(lines[at:]), encoding="utf-8")

    return apply


def replace_line(line: str) -> Apply:
    """The block replaces the (only) line ``line``."""

    def apply(path: Path, block: str) -> None:
        text = path.read_text(encoding="utf-8")
        if text.count(line + "\n") != 1:
            raise SystemExit(f"{path}: the recipe's line {line!r} is not there once")
        path.write_text(text.replace(line + "\n", block), encoding="utf-8")

    return apply


def by_command(path: Path, block: str) -> None:
    """The block is shell commands, run at the scratch copy's root, that make the file."""
    root = next(p for p in path.parents if (p / ".git").is_dir())
    ran = shell(block, root)
    if ran.returncode != 0 or not path.is_file():
        raise StepFailed(f"the commands for {path.relative_to(root)} failed:\n{ran.stderr}")


class StepFailed(Exception):
    """A step of the recipe could not be done (as when the file it edits is missing)."""


def json_resource(path: Path, block: str) -> None:
    """The block is one JSON object, added to the package's ``resources``."""
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"].append(json.loads(block))
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass
class Recipe:
    """A recipe page and how each of its places is applied."""

    page: str  # docs/recipes/<name>.md
    places: dict[str, Apply | list[Apply]]  # path -> how its block(s) are applied, in order
    derived: set[str] = field(default_factory=set)  # files the `run` commands may write
    blocks: dict[str, list[str]] = field(default_factory=dict)

    def read(self) -> None:
        text = (ROOT / self.page).read_text(encoding="utf-8")
        self.blocks = {}
        for _, lang, target, body in BLOCK.findall(text):
            key = f"sh {target}" if lang == "sh" and target in ("run", "check") else target
            self.blocks.setdefault(key, []).append(body)
        named = [k for k in self.blocks if not k.startswith("sh ")]
        if named != list(self.places):
            raise SystemExit(
                f"{self.page}: its place blocks name {named}, the check expects {list(self.places)}"
            )
        for kind in ("sh run", "sh check"):
            if kind not in self.blocks:
                raise SystemExit(f"{self.page}: no ```{kind} block")


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def copy_repository(files: list[str]) -> Path:
    """The files git tracks, in a new temporary folder made a git repository (to list changes)."""
    scratch = Path(tempfile.mkdtemp(prefix="rapprochement-recipe-"))
    for rel in files:
        (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, scratch / rel)
    git = ["git", "-c", "user.name=recipe", "-c", "user.email=recipe@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=scratch, check=True)
    subprocess.run(["git", "add", "-A"], cwd=scratch, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "before"], cwd=scratch, check=True)
    # this checkout's environments, so that `make <target>` in the copy finds them up to date
    for venv in (".venv", ".venv-grading"):
        if (ROOT / venv).is_dir():
            (scratch / venv).symlink_to(ROOT / venv)
    return scratch


def changed_files(scratch: Path) -> set[str]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in out.splitlines() if not line[3:].startswith(".")}


def shell(commands: str, scratch: Path) -> subprocess.CompletedProcess[str]:
    """Run a block of commands in ``scratch`` with this checkout's environments: ``.venv/bin/``
    and ``.venv-grading/bin/`` are this checkout's, importing the scratch copy's package."""
    env = dict(os.environ, PYTHONPATH=str(scratch / "src"), PYTHONDONTWRITEBYTECODE="1")
    script = commands
    for venv in (".venv-grading", ".venv"):
        script = re.sub(rf"(?<![\w/.-]){re.escape(venv)}/bin/", f"{ROOT / venv}/bin/", script)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass
class Outcome:
    passed: bool
    changed: set[str]
    seconds: float
    output: str


def follow(recipe: Recipe, files: list[str], omit: str | None = None) -> Outcome:
    """Follow ``recipe`` in a scratch copy (leaving out the place ``omit``), then run its checks."""
    start = time.monotonic()
    scratch = copy_repository(files)
    try:
        output, passed = "", True
        try:
            for path, how in recipe.places.items():
                if path == omit:
                    continue
                applies = how if isinstance(how, list) else [how] * len(recipe.blocks[path])
                if len(applies) != len(recipe.blocks[path]):
                    raise SystemExit(f"{recipe.page}: {path} needs {len(applies)} blocks")
                for apply, block in zip(applies, recipe.blocks[path], strict=True):
                    apply(scratch / path, block)
        except StepFailed as exc:
            output, passed = str(exc), False
        ran = shell(recipe.blocks["sh run"][0], scratch)
        output += ran.stdout + ran.stderr
        passed = passed and ran.returncode == 0
        if passed:
            checked = shell(recipe.blocks["sh check"][0], scratch)
            output += checked.stdout + checked.stderr
            passed = checked.returncode == 0
        return Outcome(passed, changed_files(scratch), time.monotonic() - start, output)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def check_all(recipes: list[Recipe], jobs: int = 0) -> list[str]:
    """Follow each recipe in full and without each of its places, all side by side (``jobs`` at
    a time, default $RECIPES_JOBS or the number of CPUs); return the recipes that do not hold."""
    for recipe in recipes:
        recipe.read()
    files = tracked_files()
    jobs = jobs or int(os.environ.get("RECIPES_JOBS", 0)) or (os.cpu_count() or 1)
    runs = [(r, v) for r in recipes for v in [None, *r.places]]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(lambda run: follow(run[0], files, run[1]), runs))
    outcomes = {(r.page, v): o for (r, v), o in zip(runs, done, strict=True)}
    failed = []
    for recipe in recipes:
        if report(recipe, {v: o for (page, v), o in outcomes.items() if page == recipe.page}):
            failed.append(recipe.page)
    return failed


def report(recipe: Recipe, outcomes: dict[str | None, Outcome]) -> list[str]:
    """Print how ``recipe`` fared; return its problems."""
    problems = []
    full = outcomes[None]
    extra = full.changed - set(recipe.places) - recipe.derived
    state = "pass" if full.passed else "FAIL"
    print(
        f"{recipe.page}: followed in full ({full.seconds:.0f} s): checks {state}; "
        f"changed {sorted(full.changed)}"
    )
    if not full.passed:
        problems.append(f"followed in full, the checks fail:\n{full.output[-3000:]}")
    if extra:
        problems.append(f"files changed that the recipe does not name: {sorted(extra)}")
    for place in recipe.places:
        without = outcomes[place]
        state = "pass" if without.passed else "fail"
        print(f"  without {place}: checks {state} ({without.seconds:.0f} s)")
        if without.passed:
            problems.append(f"leaving out {place}, the checks still pass: the step is not needed")
    for p in problems:
        print(f"{recipe.page}: {p}", file=sys.stderr)
    sys.stdout.flush()
    return problems
