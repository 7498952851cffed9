"""The conda/Binder environment pins exactly what the lock pins; the lock covers pyproject."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


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


def _excluded() -> set[str]:
    text = (ROOT / "requirements-excluded.txt").read_text(encoding="utf-8")
    return {line.strip().lower() for line in text.splitlines() if line.strip()[:1].isalnum()}


def test_no_lock_pins_an_excluded_package() -> None:
    """uv leaves these out (UV_EXCLUDE); a lock made without --excludes would bring them back."""
    excluded = _excluded()
    assert "rfc3987-syntax" in excluded
    for name in sorted(ROOT.glob("requirements*.lock")):
        assert not excluded & set(lock(name.name)), f"{name.name} pins an excluded package"


def test_jsonschema_works_without_the_excluded_iri_checker() -> None:
    """What rfc3987-syntax gave: jsonschema's check of the "iri" format, used by no schema here
    (nbformat's and Jupyter's event schemas use no "iri" format). Without it the other formats
    are still checked and nbformat still validates a notebook."""
    import jsonschema
    import jupyter_events
    import nbformat

    schemas = [
        *(Path(jupyter_events.__file__).parent / "schemas").glob("*.yml"),
        *(Path(nbformat.__file__).parent / "v4").glob("*.json"),
    ]
    assert len(schemas) > 3
    iri_format = re.compile(r"""format["']?\s*:\s*["']?iri""")
    for schema in schemas:
        assert not iri_format.search(schema.read_text(encoding="utf-8")), schema
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("2026-13-01", "date")
    notebook = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4)
    nbformat.validate(notebook)
