"""Checks that the problem sets' test cells run inside a student's kernel.

A test cell shares its kernel with the student's code, so it must not trust what that code
may have changed. The functions here are written to resist the usual ways of fooling a test:

* answers are checked by their *exact* built-in type, taken from literals (``(0).__class__``)
  rather than from the names ``int``/``type``, which a notebook can rebind;
* numbers are read through the base class (``float.__repr__``), so an object whose ``__eq__``
  always returns True, or a float subclass with a lying ``__float__``, gains nothing;
* reference values are recomputed from the CSV files in ``data/`` with the ``csv`` module, in a
  private copy of this module loaded from its file (:func:`fresh`), so replacing functions in
  ``rapprochement.analysis`` or ``rapprochement.data`` does not change them;
* :func:`check_builtins` fails when built-in functions or types have been replaced.

Hidden tests start with ``_ck = checks.fresh()`` and use ``_ck`` only. This module must not
import nbgrader: students' visible tests import it in the student environment.
"""

from __future__ import annotations

import csv
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "as_float",
    "check_builtins",
    "china_totals",
    "cpi",
    "data_folder",
    "expect_float",
    "expect_int",
    "expect_int_list",
    "expect_str_dict",
    "fresh",
    "is_exact_int",
    "series",
    "targets",
]

_TYPE: Any = ().__class__.__class__
_INT: Any = (0).__class__
_FLOAT: Any = (0.0).__class__
_STR: Any = "".__class__
_BOOL: Any = (True).__class__
_LIST: Any = [].__class__
_DICT: Any = {}.__class__
_TUPLE: Any = ().__class__
_BUILTIN_FUNCTION: Any = _TYPE([].append)

_GENUINE_TYPES = {
    "int": _INT,
    "float": _FLOAT,
    "str": _STR,
    "bool": _BOOL,
    "list": _LIST,
    "dict": _DICT,
    "tuple": _TUPLE,
    "type": _TYPE,
}
_GENUINE_FUNCTIONS = ("isinstance", "len", "abs", "round", "sorted", "sum", "min", "max", "repr")


def fresh() -> ModuleType:
    """A private copy of this module, loaded from its file and not registered anywhere.

    The package is located with :class:`importlib.machinery.PathFinder`, which searches
    ``sys.path`` and ignores ``sys.modules``, so a module object replaced in a notebook is
    not picked up.
    """
    spec = importlib.machinery.PathFinder.find_spec("rapprochement", sys.path)
    if spec is None or not spec.submodule_search_locations:
        raise AssertionError("cannot locate the rapprochement package on sys.path")
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "grading" / "checks.py"
    mod_spec = importlib.util.spec_from_file_location("_rapprochement_checks_private", path)
    if mod_spec is None or mod_spec.loader is None:
        raise AssertionError(f"cannot load {path}")
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    return module


def check_builtins() -> None:
    """Fail when a built-in type or function used by the tests has been replaced."""
    import builtins

    names = builtins.__dict__
    for name, genuine in _GENUINE_TYPES.items():
        if names.get(name) is not genuine:
            raise AssertionError(
                f"the built-in '{name}' has been replaced in this notebook; "
                "the tests cannot check answers until it is restored (restart the kernel)"
            )
    for name in _GENUINE_FUNCTIONS:
        obj = names.get(name)
        if _TYPE(obj) is not _BUILTIN_FUNCTION or getattr(obj, "__name__", None) != name:
            raise AssertionError(
                f"the built-in function '{name}' has been replaced in this notebook; "
                "the tests cannot check answers until it is restored (restart the kernel)"
            )


def is_exact_int(value: object) -> bool:
    """True only for a genuine ``int`` (not a bool, not a subclass, not a numpy integer)."""
    return _TYPE(value) is _INT


def as_float(value: object, name: str) -> float:
    """The number stored in ``value``, read through ``int``/``float`` themselves.

    Accepts a genuine int, a genuine float or a float subclass such as ``numpy.float64``;
    anything else raises AssertionError naming the variable.
    """
    kind = _TYPE(value)
    if kind is _INT:
        return _FLOAT(_INT.__repr__(value))
    if _FLOAT in kind.__mro__:
        return _FLOAT(_FLOAT.__repr__(value))
    raise AssertionError(f"{name} should be a number (a float such as 0.25), not {kind.__name__}")


def expect_int(value: object, expected: int, name: str) -> None:
    """Assert that ``value`` is a genuine int equal to ``expected``."""
    if not is_exact_int(value):
        raise AssertionError(f"{name} should be an int, not {_TYPE(value).__name__}")
    if _INT.__ne__(value, _INT(expected)):
        raise AssertionError(f"{name} does not match the value recomputed from the data")


def expect_float(value: object, expected: float, name: str, tolerance: float = 5e-4) -> None:
    """Assert that ``value`` is a number within ``tolerance`` (absolute) of ``expected``."""
    got = as_float(value, name)
    diff = got - _FLOAT(expected)
    if diff < 0:
        diff = -diff
    if not diff <= tolerance:  # also catches NaN
        raise AssertionError(f"{name} does not match the value recomputed from the data")


def expect_int_list(value: object, expected: list[int], name: str) -> None:
    """Assert that ``value`` is a genuine list of genuine ints equal to ``expected``, in order."""
    if _TYPE(value) is not _LIST:
        raise AssertionError(f"{name} should be a list, not {_TYPE(value).__name__}")
    items = _LIST.copy(value)
    for item in items:
        if not is_exact_int(item):
            raise AssertionError(f"every item of {name} should be an int (a year)")
    wrong = f"{name} does not match the years recomputed from the data"
    if _LIST.__len__(items) != _LIST.__len__(expected):
        raise AssertionError(wrong)
    for index, want in enumerate(expected):
        if _INT.__ne__(_LIST.__getitem__(items, index), _INT(want)):
            raise AssertionError(wrong)


def expect_str_dict(value: object, expected: dict[str, str], name: str) -> int:
    """Check a dict of str -> str against ``expected``; return how many entries match.

    Raises AssertionError when ``value`` is not a genuine dict of genuine strings or lacks a key.
    """
    if _TYPE(value) is not _DICT:
        raise AssertionError(f"{name} should be a dict, not {_TYPE(value).__name__}")
    got = _DICT.copy(value)
    matches = 0
    for key, want in expected.items():
        if key not in _DICT.keys(got):
            raise AssertionError(f"{name} has no entry for {key!r}")
        answer = _DICT.__getitem__(got, key)
        if _TYPE(answer) is not _STR:
            raise AssertionError(f"{name}[{key!r}] should be a str")
        if _STR.__eq__(_STR.lower(_STR.strip(answer)), want):
            matches += 1
    return matches


# --- reference data, read with the csv module -------------------------------------------


def data_folder() -> Path:
    """The data folder: $RAPPROCHEMENT_DATA if set, else the repository's ``data/``."""
    env = os.environ.get("RAPPROCHEMENT_DATA")
    if env and (Path(env) / "datapackage.json").is_file():
        return Path(env)
    spec = importlib.machinery.PathFinder.find_spec("rapprochement", sys.path)
    if spec is None or not spec.submodule_search_locations:
        raise AssertionError("cannot locate the rapprochement package on sys.path")
    folder = Path(next(iter(spec.submodule_search_locations))).parents[1] / "data"
    if not (folder / "datapackage.json").is_file():
        raise AssertionError(f"cannot find the data folder (looked in {folder})")
    return folder


def _rows(name: str) -> list[dict[str, str]]:
    with open(data_folder() / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def series(reporter: str, flow: str, *, verified_only: bool = False) -> dict[int, float]:
    """``trade.csv`` values for one reporter and flow, as {year: USD bn}."""
    out: dict[int, float] = {}
    for row in _rows("trade.csv"):
        if row["reporter"] != reporter or row["flow"] != flow or row["value_usd_bn"] == "":
            continue
        if verified_only and row["verified"] != "true":
            continue
        out[int(row["year"])] = float(row["value_usd_bn"])
    return dict(sorted(out.items()))


def cpi() -> dict[int, float]:
    """``us_cpi.csv`` as {year: CPI-U annual average}."""
    return {int(r["year"]): float(r["cpi_u_annual_avg"]) for r in _rows("us_cpi.csv")}


def targets() -> dict[str, dict[str, str]]:
    """``targets.csv`` rows keyed by ``target_id`` (values as strings)."""
    return {r["target_id"]: r for r in _rows("targets.csv")}


def china_totals() -> dict[int, float]:
    """China's total goods trade (USD bn) from ``totals_context.csv``, as {year: value}."""
    return {
        int(r["year"]): float(r["total_goods_trade_usd_bn"])
        for r in _rows("totals_context.csv")
        if r["economy"].startswith("China") and r["total_goods_trade_usd_bn"] != ""
    }
