"""The conda/Binder environment pins exactly what the lock pins; the lock covers pyproject."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def lock(name: str) -> dict[str, str]:
    return _pins((ROOT / name).read_text(encoding="utf-8").splitlines())


def test_environment_yml_pins_match_the_lock() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = _pins(pip_section)
    assert env_pins, "environment.yml has no pinned pip packages"
    lock_pins = lock("requirements.lock")
    differing = {
        name: (env_pins.get(name), lock_pins.get(name))
        for name in set(env_pins) | set(lock_pins)
        if env_pins.get(name) != lock_pins.get(name)
    }
    assert not differing, f"environment.yml vs requirements.lock (env, lock): {differing}"
    assert "python=3.11" in env["dependencies"]


def test_grading_lock_agrees_with_the_student_lock() -> None:
    student, grading = lock("requirements.lock"), lock("requirements-grading.lock")
    clashes = {n: (v, grading[n]) for n, v in student.items() if n in grading and grading[n] != v}
    assert not clashes
    assert "nbgrader" in grading and "nbgrader" not in student


def test_lock_covers_every_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    pinned = lock("requirements.lock")
    for requirement in declared:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        assert name in pinned, f"{name} is declared in pyproject.toml but not pinned in the lock"
