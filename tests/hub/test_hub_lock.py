"""requirements-hub.lock: the hub's packages on top of the grading lock, never different pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line.split("#", 1)[0].strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_hub_lock_extends_the_grading_lock_unchanged() -> None:
    grading, hub = _pins("requirements-grading.lock"), _pins("requirements-hub.lock")
    assert not {n for n in grading if n not in hub}, "the hub lock drops grading packages"
    clashes = {n: (v, hub[n]) for n, v in grading.items() if hub[n] != v}
    assert not clashes, f"grading lock vs hub lock: {clashes}"


def test_hub_lock_pins_every_hub_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    hub = _pins("requirements-hub.lock")
    for requirement in project["optional-dependencies"]["hub"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        assert name in hub, f"{name} is in the hub extra but not pinned in requirements-hub.lock"
