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

Each autograded answer has one :class:`Form` in :data:`FORMS` (its type, range and the precision
asked), and both sides read it through :func:`read_answer`: the visible test with
:meth:`Visible.answer`, the hidden test with :func:`expect`, which adds the value, within the
form's tolerance of a reference recomputed from ``data/``. A value that the visible test marks ✓
therefore has the form, precision and range the hidden test accepts; what only the hidden test
checks is the value itself. The problem sets quote :meth:`Form.describe`.

Visible tests (what students see) use :func:`visible` instead. They never raise: they print
what they checked and what they did not, so that *Run All* goes through a partly answered
notebook, and they record each question's state for :func:`summary`, the last cell of every
problem set. An unanswered question holds ``None`` (the answer stub sets it), which the
visible tests report as "not answered yet" and the hidden tests fail with that message.
"""

from __future__ import annotations

import csv
import importlib.machinery
import importlib.util
import os
import re
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "FORMS",
    "NOT_ANSWERED",
    "Form",
    "Visible",
    "as_float",
    "check_builtins",
    "china_totals",
    "cpi",
    "data_folder",
    "expect",
    "expect_float",
    "expect_int",
    "expect_int_list",
    "expect_str_dict",
    "form",
    "fresh",
    "is_exact_int",
    "read_answer",
    "series",
    "summary",
    "saved_after_run",
    "summary_states",
    "targets",
    "visible",
    "word_count",
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


NOT_ANSWERED: None = None
"""What an answer stub sets a name to: ``None`` means "not answered yet"."""


def _answered(value: object, name: str) -> None:
    if value is None:
        raise AssertionError(f"{name} is not answered yet (it is still None)")


def is_exact_int(value: object) -> bool:
    """True only for a genuine ``int`` (not a bool, not a subclass, not a numpy integer)."""
    return _TYPE(value) is _INT


def as_float(value: object, name: str) -> float:
    """The number stored in ``value``, read through ``int``/``float`` themselves.

    Accepts a genuine int, a genuine float or a float subclass such as ``numpy.float64``;
    anything else raises AssertionError naming the variable.
    """
    _answered(value, name)
    kind = _TYPE(value)
    if kind is _INT:
        return _FLOAT(_INT.__repr__(value))
    if _FLOAT in kind.__mro__:
        return _FLOAT(_FLOAT.__repr__(value))
    raise AssertionError(f"{name} should be a number (a float such as 0.25), not {kind.__name__}")


def expect_int(value: object, expected: int, name: str) -> None:
    """Assert that ``value`` is a genuine int equal to ``expected``."""
    _answered(value, name)
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
    _answered(value, name)
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
    _answered(value, name)
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


# --- answer forms: one rule per answer, read the same way by visible and hidden tests ----

_HEAPTYPE = 1 << 9
"""``type.__flags__`` bit of classes written in Python; numpy's scalar types are not."""
_NUMPY_INTS = frozenset(
    ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "longlong")
)
_NUMPY_FLOATS = frozenset(("float16", "float32", "float64", "longdouble"))


class Form:
    """What one autograded answer must look like: its kind, range and the precision asked.

    ``kind`` is one of "year", "count", "fraction", "percentage", "usd_bn", "ratio", "years"
    (a sorted list of years) or "word" (one of ``words``). For the four number kinds,
    ``decimals`` is the precision asked (at least that many decimal places) and one unit of
    that place is the tolerance of the hidden test, so rounding or truncating to the asked
    precision passes and rounding further fails, on both sides.
    """

    __slots__ = ("decimals", "high", "kind", "low", "words")

    def __init__(
        self,
        kind: str,
        *,
        decimals: int = 0,
        low: float | None = None,
        high: float | None = None,
        words: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.decimals = decimals
        self.low = low
        self.high = high
        self.words = words

    @property
    def tolerance(self) -> float:
        """Largest distance from the reference that the hidden test accepts (0 for ints)."""
        if self.kind in _NUMBER_KINDS:
            return 10.0**-self.decimals + 1e-9
        return 0.0

    def describe(self) -> str:
        """The form in words, as each problem set states it under the question."""
        precision = (
            f"with at least {_places(self.decimals)} (do not round further; unrounded is best)"
        )
        if self.kind == "year":
            return "an `int`, a year such as 2010"
        if self.kind == "count":
            return "an `int`, a number of years"
        if self.kind == "fraction":
            return f"a fraction (0.125 for 12.5%), {precision}"
        if self.kind == "percentage":
            return f"a percentage (12.5 for 12.5%), {precision}"
        if self.kind == "usd_bn":
            return f"a number in USD bn (such as 95.3), {precision}"
        if self.kind == "ratio":
            return f"a number (such as 3.5), {precision}"
        if self.kind == "years":
            return "a `list` of `int` years in increasing order, e.g. `[2001, 2002]`"
        return "one of the words " + ", ".join(f'`"{w}"`' for w in self.words)


_NUMBER_KINDS = ("fraction", "percentage", "usd_bn", "ratio")

FORMS: dict[str, Form] = {
    # problem set 1
    "first_50": Form("year", low=1992, high=2025),
    "years_50_to_100": Form("count", low=1, high=33),
    "growth_2021": Form("fraction", decimals=3, low=-1.0, high=1.0),
    "needed_by_2020": Form("fraction", decimals=3, low=0.0, high=1.0),
    "needed_by_2024": Form("fraction", decimals=3, low=0.0, high=1.0),
    "achieved_2019_2024": Form("fraction", decimals=3, low=-1.0, high=5.0),
    "real_2014_in_2024": Form("usd_bn", decimals=1, low=0.0, high=1000.0),
    "first_100_real_2018": Form("year", low=1992, high=2025),
    # problem set 2
    "gap_pct_of_china_2018": Form("percentage", decimals=3, low=-50.0, high=50.0),
    "mirror_years": Form("years", low=1992, high=2025),
    "mean_gap_pct_of_china": Form("percentage", decimals=3, low=-50.0, high=50.0),
    "growth_gap_customs": Form("fraction", decimals=4, low=-0.2, high=0.2),
    "russia_share_2021": Form("percentage", decimals=2, low=0.5, high=50.0),
    "asymmetry_2018": Form("ratio", decimals=1, low=0.0, high=1000.0),
    # problem set 3
    "kind_a": Form("word", words=("fact", "forecast", "advice")),
    "kind_b": Form("word", words=("fact", "forecast", "advice")),
    "kind_c": Form("word", words=("fact", "forecast", "advice")),
    "real_2023_in_2019": Form("usd_bn", decimals=1, low=0.0, high=1000.0),
    "needed_from_2020": Form("fraction", decimals=3, low=-1.0, high=1.0),
    "achieved_2020_2023": Form("fraction", decimals=3, low=-1.0, high=1.0),
    "share_of_rise_2021": Form("fraction", decimals=3, low=0.0, high=1.0),
}
"""Every autograded answer of the problem sets, by name: the one definition of its form."""


def form(name: str) -> Form:
    """The :class:`Form` of the answer ``name`` (KeyError names the answer when unknown)."""
    if name not in FORMS:
        raise KeyError(f"no answer form is defined for {name!r} (add it to checks.FORMS)")
    return FORMS[name]


def _numpy_kind(value: object) -> str:
    """ "int", "float", "str" or "bool" for a genuine numpy scalar, else ""."""
    kind = _TYPE(value)
    if kind.__flags__ & _HEAPTYPE or _TYPE.__getattribute__(kind, "__module__") != "numpy":
        return ""
    name = _TYPE.__getattribute__(kind, "__name__")
    if name in _NUMPY_INTS:
        return "int"
    if name in _NUMPY_FLOATS:
        return "float"
    if name == "str_":
        return "str"
    return "bool" if name in ("bool_", "bool") else ""


def _a_number(value: object, name: str) -> float:
    """The number in ``value`` (int, float, numpy number), read without trusting the object."""
    kind = _TYPE(value)
    if kind is _BOOL or _numpy_kind(value) == "bool":
        raise AssertionError(f"{name} should be a number, not True or False")
    if kind is _INT:
        return _FLOAT(_INT.__repr__(value))
    if _FLOAT in kind.__mro__:
        return _FLOAT(_FLOAT.__repr__(value))
    numpy_kind = _numpy_kind(value)
    if numpy_kind == "int":
        return _FLOAT(_INT(value))
    if numpy_kind == "float":  # float32 and the like: their own shortest decimal form
        return _FLOAT(_STR(value))
    if kind is _STR:
        raise AssertionError(f"{name} should be a number, not a string: remove the quotes")
    if _TYPE.__getattribute__(kind, "__module__").startswith("pandas"):
        raise AssertionError(
            f"{name} is a pandas {kind.__name__}: pick the one value you want "
            "(for example with .loc[year]) and, if you like, wrap it in float(...)"
        )
    raise AssertionError(f"{name} should be a number, not {kind.__name__}")


def _whole(value: object, name: str, what: str) -> int:
    """An int, or a float/numpy number holding a whole number (2018.0 is read as 2018)."""
    x = _a_number(value, name)
    if not x == x or x in (float("inf"), float("-inf")):
        raise AssertionError(f"{name} should be {what}, not {x}")
    if x != _FLOAT(_INT(x)):
        raise AssertionError(f"{name} should be {what}, a whole number, not {x:g}")
    return _INT(x)


def _rounded_below(x: float, decimals: int) -> bool:
    """True when ``x`` shows fewer than ``decimals`` decimal places (0.36 for 3 places)."""
    return decimals > 0 and round(x, decimals - 1) == x


def _places(n: int) -> str:
    return f"{n} decimal place" + ("s" if n > 1 else "")


def _in_range(f: Form, x: float) -> bool:
    return (f.low is None or f.low <= x) and (f.high is None or x <= f.high)


def _check_number(f: Form, x: float, name: str) -> None:
    if not x == x or x in (float("inf"), float("-inf")):
        raise AssertionError(f"{name} is {x}: a division by zero or a missing year?")
    low, high = f.low, f.high
    if f.kind == "fraction" and not _in_range(f, x) and _in_range(f, x / 100):
        raise AssertionError(
            f"{name} = {x:g} looks like a percentage: give a fraction ({x / 100:g} rather "
            f"than {x:g})"
        )
    if f.kind == "percentage" and not _in_range(f, x) and _in_range(f, 100 * x):
        raise AssertionError(
            f"{name} = {x:g} looks like a fraction: give a percentage ({100 * x:g} for "
            f"{100 * x:g}%)"
        )
    if not _in_range(f, x):
        raise AssertionError(
            f"{name} should be {f.describe().split(',')[0]} between {low:g} and {high:g}; "
            f"you have {x:g}"
        )
    if _rounded_below(x, f.decimals):
        raise AssertionError(
            f"{name} = {x!r} is rounded to fewer than {_places(f.decimals)}: keep at "
            f"least {_places(f.decimals)} (or do not round at all; if the last place really "
            "is 0, keep one more)"
        )


def _year_list(value: object, f: Form, name: str) -> list[int]:
    kind = _TYPE(value)
    module = _TYPE.__getattribute__(kind, "__module__")
    cls = _TYPE.__getattribute__(kind, "__name__")
    if kind is _LIST or kind is _TUPLE:
        items = _LIST(value)  # type: ignore[call-overload]
    elif (module == "numpy" and cls == "ndarray" and not kind.__flags__ & _HEAPTYPE) or (
        module.startswith("pandas") and cls in ("Index", "RangeIndex")
    ):
        items = value.tolist()  # type: ignore[attr-defined]
    elif module.startswith("pandas") and cls == "Series":
        raise AssertionError(
            f"{name} is a pandas Series: give the years as a list, e.g. "
            "list(s.index[...]) (check whether the years are in the index or in the values)"
        )
    else:
        raise AssertionError(f"{name} should be a list, e.g. [2001, 2002], not {cls}")
    if _TYPE(items) is not _LIST:
        raise AssertionError(f"{name} should be a list of years")
    years = [_whole(item, name, "a list of years") for item in items]
    for year in years:
        if not _in_range(f, year):
            raise AssertionError(f"{name} has {year}, not a year of the data")
    if years != sorted(years):
        raise AssertionError(f"sort {name} in increasing order")
    if len(set(years)) != len(years):
        raise AssertionError(f"{name} has a year twice")
    return years


def read_answer(name: str, value: object) -> Any:
    """``value`` read as the form of ``name`` asks, or AssertionError saying what to change.

    Harmless forms are accepted: numpy numbers, 2018.0 for a year, a tuple, numpy array or
    pandas Index of years, a word in capitals or with spaces around it. Returns an int, a
    float, a list of ints or a lower-case str. None raises "not answered yet".
    """
    f = form(name)
    _answered(value, name)
    if f.kind == "year":
        year = _whole(value, name, "a year such as 2010")
        if not _in_range(f, year):
            raise AssertionError(
                f"{name} should be a year covered by the data ({f.low:g}-{f.high:g}), not {year}"
            )
        return year
    if f.kind == "count":
        count = _whole(value, name, "a number of years")
        if not _in_range(f, count):
            raise AssertionError(
                f"{name} should be a number of years from {f.low:g} to {f.high:g}; you have {count}"
            )
        return count
    if f.kind == "years":
        return _year_list(value, f, name)
    if f.kind == "word":
        if _TYPE(value) is not _STR and _numpy_kind(value) != "str":
            raise AssertionError(f"{name} should be a string, one of: {', '.join(f.words)}")
        word = _STR.lower(_STR.strip(_STR.__add__("", value)))  # type: ignore[arg-type]
        if word not in f.words:
            raise AssertionError(f"{name} should be one of: {', '.join(f.words)}")
        return word
    x = _a_number(value, name)
    _check_number(f, x, name)
    return x


def expect(name: str, value: object, reference: object) -> None:
    """The hidden test of one answer: its form (:func:`read_answer`), then its value.

    Numbers must lie within the form's tolerance of ``reference`` (recomputed from the data by
    the caller); years, lists and words must equal it.
    """
    got = read_answer(name, value)
    f = form(name)
    wrong = f"{name} does not match the value recomputed from the data"
    if f.kind in _NUMBER_KINDS:
        diff = got - _FLOAT(reference)  # type: ignore[arg-type]
        if not -f.tolerance <= diff <= f.tolerance:
            raise AssertionError(wrong)
    elif got != reference:
        raise AssertionError(wrong)


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


def series(
    reporter: str, flow: str, *, verified_only: bool = False, kind: str | None = None
) -> dict[int, float]:
    """``trade.csv`` values for one reporter and flow, as {year: USD bn}.

    ``verified_only`` keeps the rows that a cited page confirms; ``kind`` keeps the rows of one
    kind of figure (``"customs_release"`` for mirror statistics; see ``data/README.md``). An
    unknown ``kind`` raises AssertionError naming the kinds in the file.
    """
    rows = _rows("trade.csv")
    if kind is not None:
        kinds = sorted({row.get("kind") or "" for row in rows} - {""})
        if kind not in kinds:
            raise AssertionError(f"kind must be one of {kinds} (trade.csv), not {kind!r}")
    out: dict[int, float] = {}
    for row in rows:
        if row["reporter"] != reporter or row["flow"] != flow or row["value_usd_bn"] == "":
            continue
        if verified_only and row["verified"] != "true":
            continue
        if kind is not None and row["kind"] != kind:
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


# --- visible tests: feedback for students that never stops Run All ----------------------

_OK, _FAILING, _UNANSWERED = "ok", "failing", "not answered"
_MARK = {_OK: "✓", _FAILING: "✗", _UNANSWERED: "…"}
_STATE: dict[str, tuple[str, str]] = {}
"""Question label -> (state, short message) of the last visible test run in this kernel."""
_RUNS: list[float] = []
_CLOCK_TICK = 0.02  # seconds; larger than one kernel tick (10 ms at HZ=100)
"""When visible tests ran in this kernel (time.time()), to compare with the saved file."""


class _NotAnswered(Exception):
    """A name still holds None (or is not defined): the question is not answered yet."""


class Visible:
    """The visible test of one question; use it through :func:`visible` in a ``with`` block.

    Each method checks one thing and remembers a short description of it. Inside the block a
    failed check stops the block; on leaving, one line is printed: ``✓`` with what was checked
    (and that the value itself is checked at grading), ``✗`` with what to fix, or ``…`` when the
    question is not answered yet. Nothing is raised, so *Run All* carries on.
    """

    def __init__(self, question: str, names: tuple[str, ...], namespace: dict[str, Any]) -> None:
        self.question = question
        self.names = names
        self.namespace = namespace
        self.checked: list[str] = []
        self.answered: list[str] = []
        self.not_checked = (
            "the value itself, which hidden tests check when your work is graded"
            if len(names) == 1
            else "the values themselves, which hidden tests check when your work is graded"
        )

    # -- reading the answers -------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The student's value of ``name``; stops the block if it is not answered yet."""
        if name not in self.namespace:
            raise _NotAnswered(
                f"{name} is not defined yet: run the answer cell of Question {self.question}"
            )
        value = self.namespace[name]
        if value is None:
            raise _NotAnswered(f"{name} is still None")
        if name not in self.answered:
            self.answered.append(name)
        return value

    def values(self) -> list[Any]:
        """Every name of the question, in order (each must be answered)."""
        return [self.value(name) for name in self.names]

    # -- checks ----------------------------------------------------------------------------

    def require(self, condition: object, problem: str, checked: str) -> None:
        """Fail with ``problem`` unless ``condition`` holds; else note ``checked``."""
        if not condition:
            raise AssertionError(problem)
        if checked and checked not in self.checked:
            self.checked.append(checked)

    def year(self, name: str, first: int = 1992, last: int = 2025) -> int:
        """``name`` is an ``int`` year from ``first`` to ``last``."""
        value = self.value(name)
        self.require(
            is_exact_int(value),
            f"{name} should be an int (a year such as 2010), not {_TYPE(value).__name__}",
            f"{name} is an int",
        )
        self.require(
            first <= value <= last,
            f"{name} should be a year covered by the data ({first}-{last}), not {value}",
            f"a year from {first} to {last}",
        )
        return int(value)

    def integer(self, name: str, low: int, high: int, what: str) -> int:
        """``name`` is an ``int`` from ``low`` to ``high`` (``what`` says what it counts)."""
        value = self.value(name)
        self.require(is_exact_int(value), f"{name} should be an int ({what})", f"{name} is an int")
        self.require(
            low <= value <= high,
            f"{name} should be {what}, from {low} to {high}; you have {value}",
            f"from {low} to {high}",
        )
        return int(value)

    def number(self, name: str) -> float:
        """``name`` is a number (an int or a float)."""
        value = self.value(name)
        kind = _TYPE(value)
        self.require(
            kind is _INT or _FLOAT in kind.__mro__,
            f"{name} should be a number (a float such as 0.25), not {kind.__name__}",
            f"{name} is a number",
        )
        return as_float(value, name)

    def fraction(self, name: str, low: float = -1.0, high: float = 1.0) -> float:
        """``name`` is a rate given as a fraction (0.10 for 10%), between ``low`` and ``high``."""
        x = self.number(name)
        if not low < x < high and not -2 < x < 2 and -100 < x < 1000:
            self.require(
                not (low < x / 100 < high),
                f"{name} = {x:g} looks like a percentage: give a fraction "
                f"({x / 100:g} rather than {x:g})",
                "",
            )
        self.require(
            low < x < high,
            f"{name} should be a fraction between {low:g} and {high:g} (0.10 for 10% a year); "
            f"you have {x:g}",
            f"a fraction between {low:g} and {high:g} (not a percentage)",
        )
        return x

    def percentage(self, name: str, low: float, high: float) -> float:
        """``name`` is a percentage (12.5 for 12.5%) between ``low`` and ``high``."""
        x = self.number(name)
        self.require(
            not (-1 < x < 1 and not low < x < high and low < 100 * x < high),
            f"{name} = {x:g} looks like a fraction: give a percentage ({100 * x:g} for "
            f"{100 * x:g}%)",
            "",
        )
        self.require(
            low < x < high,
            f"{name} should be a percentage between {low:g} and {high:g}; you have {x:g}",
            f"a percentage between {low:g} and {high:g}" + (" (not a fraction)" if low > 0 else ""),
        )
        return x

    def differs(
        self, value: float, wrong: float, problem: str, checked: str, tolerance: float = 5e-4
    ) -> None:
        """Catch a common wrong route: fail when ``value`` is within ``tolerance`` of ``wrong``."""
        diff = _FLOAT(value) - _FLOAT(wrong)
        self.require(not (-tolerance <= diff <= tolerance), problem, checked)

    def answer(self, name: str) -> Any:
        """``name`` read as its :class:`Form` asks (:func:`read_answer`, as the hidden test does).

        Stops the block with the form's message when the answer has the wrong type, range or
        precision; notes what was checked otherwise.
        """
        value = self.value(name)
        got = read_answer(name, value)
        f = form(name)
        checked = f"{name} is {f.describe()}".replace("`", "")
        checked = checked.replace(" (do not round further; unrounded is best)", "")
        if f.kind in ("year", "count") and _TYPE(value) is not _INT:
            checked += f" (read as {got})"
        if checked not in self.checked:
            self.checked.append(checked)
        return got

    def slip(self, name: str, value: float, wrong: float, problem: str, checked: str) -> None:
        """Catch a common wrong route of the number ``name``: fail when ``value`` lies within
        the form's tolerance of ``wrong`` (the hidden test uses the same tolerance)."""
        tolerance = form(name).tolerance
        diff = _FLOAT(value) - _FLOAT(wrong)
        self.require(not (-tolerance <= diff <= tolerance), problem, checked)

    def not_a_fraction(self, name: str, value: float, like: float) -> None:
        """A percentage answer whose range also holds fractions: fail when ``value`` is near a
        hundredth of ``like``, a visible quantity of the same size (a percentage), as a fraction
        given for the percentage would be."""
        near = abs(like) / 4
        self.require(
            not (abs(100 * value - like) <= near and abs(value) < abs(like) / 10),
            f"{name} = {value:g} looks like a fraction: give a percentage (multiply by 100)",
            f"{name} is a percentage, not a fraction",
        )

    def int_list(self, name: str) -> list[int]:
        """``name`` is a sorted list of ``int`` years."""
        value = self.value(name)
        self.require(
            _TYPE(value) is _LIST,
            f"{name} should be a list, e.g. [2001, 2002], not {_TYPE(value).__name__}",
            f"{name} is a list",
        )
        self.require(
            all(is_exact_int(item) for item in value),
            f"every item of {name} should be an int (a year)",
            "of int years",
        )
        self.require(value == sorted(value), f"sort {name} in increasing order", "sorted")
        return _LIST(value)

    # -- reporting -----------------------------------------------------------------------

    def __enter__(self) -> Visible:
        return self

    def __exit__(self, kind: Any, error: BaseException | None, _tb: Any) -> bool:
        label = f"Question {self.question}"
        if error is None:
            state, short = _OK, "format ok"
            message = "format ok: " + "; ".join(self.checked) + "."
            message += f" Not checked here: {self.not_checked}."
        elif isinstance(error, _NotAnswered):
            partly = " (partly answered)" if self.answered else ""
            state, short = _UNANSWERED, f"not answered yet{partly}"
            message = f"{short}: {error}. Replace None in the answer cell."
        elif isinstance(error, Exception):
            detail = (
                str(error) if isinstance(error, AssertionError) else f"{kind.__name__}: {error}"
            )
            state, short = _FAILING, detail
            message = f"{detail}. Fix the answer cell, run it, then run this cell again."
        else:
            return False  # KeyboardInterrupt and the like
        _STATE[self.question] = (state, short)
        _RUNS.append(time.time())
        print(f"{_MARK[state]} {label}: {message}")
        return True


def visible(question: str, *names: str) -> Visible:
    """The visible test of ``question`` for the answer ``names`` (a ``with`` block).

    The names are looked up in the notebook's namespace when the block runs, so a name that
    is not defined yet is reported instead of raising NameError.
    """
    frame = sys._getframe(1)
    return Visible(question, names, frame.f_globals)


# --- the summary at the end of each problem set -----------------------------------------

_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_LIMIT = re.compile(r"(\d+)\s*[-–]\s*(\d+) words")
ANSWER_BOX = "**Your answer"
"""How each written answer box starts (a blockquote line), in the problem sets."""


def word_count(text: str) -> int:
    """Words in a written answer, leaving out the answer box's heading and the placeholder."""
    lines = [
        line
        for line in text.splitlines()
        if ANSWER_BOX not in line and "YOUR ANSWER HERE" not in line
    ]
    return len(_WORDS.findall("\n".join(lines)))


def _notebook_path() -> Path | None:
    """The notebook this kernel runs, when the front end says (JupyterLab does)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is always there in a kernel
        shell = None
    session = shell.user_ns.get("__session__") if shell is not None else None
    session = session or os.environ.get("JPY_SESSION_NAME")
    if not session or not str(session).endswith(".ipynb"):
        return None
    path = Path(str(session))
    return path if path.is_file() else None


def _written_answers(path: Path) -> list[tuple[str, str, int, tuple[int, int] | None]]:
    """(question, state, words, limits) for each written answer cell of the saved notebook."""
    import json

    notebook = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "markdown" or not meta.get("solution"):
            continue
        source = "".join(cell.get("source", ""))
        match = re.search(r"q(\d+)-(\d+)", meta.get("grade_id", ""))
        question = f"{match.group(1)}.{match.group(2)}" if match else meta.get("grade_id", "?")
        limit = _LIMIT.search(source)
        limits = (int(limit.group(1)), int(limit.group(2))) if limit else None
        words = word_count(source)
        state = _UNANSWERED if words == 0 else _OK
        if limits and words and not limits[0] <= words <= limits[1]:
            state = _FAILING
        out.append((question, state, words, limits))
    return out


def summary(title: str = "this problem set") -> None:
    """Print what is answered, not answered and failing (see :func:`summary_states`).

    Code answers: the last visible test run for each question in this kernel. Written answers:
    read from the notebook file as last saved (JupyterLab tells the kernel which file it is).
    """
    import datetime

    states: dict[str, str] = {}
    lines = [
        f"Summary of {title}",
        "",
        "Code answers (visible tests; the points come from hidden tests at grading):",
    ]
    if not _STATE:
        lines.append("  no visible test has run yet: use Kernel > Restart Kernel and Run All Cells")
    for question, (state, short) in _STATE.items():
        states[question] = state
        lines.append(f"  {_MARK[state]} Question {question}: {short}")
    path = _notebook_path()
    if path is None:
        lines += ["", "Written answers: open this notebook in JupyterLab to see their word counts."]
    else:
        saved = datetime.datetime.fromtimestamp(path.stat().st_mtime).strftime("%H:%M:%S")
        lines += [
            "",
            f"Written answers (as last saved at {saved}; save with Ctrl+S, then run this cell):",
        ]
        for question, state, words, limits in _written_answers(path):
            states[question] = state
            span = f" (asked: {limits[0]}-{limits[1]})" if limits else ""
            if state == _UNANSWERED:
                note = "not answered yet"
            else:
                note = f"{words} words{span}"
                if state == _FAILING:
                    note += ": outside the word limit"
            lines.append(f"  {_MARK[state]} Question {question}: {note}")
    counts = {s: sum(1 for v in states.values() if v == s) for s in (_OK, _FAILING, _UNANSWERED)}
    lines += [
        "",
        f"{counts[_OK]} answered and passing their checks, {counts[_FAILING]} failing, "
        f"{counts[_UNANSWERED]} not answered yet.",
    ]
    lines += ["", _saving_note(path)]
    print("\n".join(lines))
    _LAST_SUMMARY.clear()
    _LAST_SUMMARY.update(states)


_LAST_SUMMARY: dict[str, str] = {}


def saved_after_run(path: Path | None = None) -> bool | None:
    """Whether the saved notebook is newer than the last visible test run in this kernel.

    None when the file is unknown (``path`` None and the front end does not say) or no visible
    test has run. What is handed in is the saved file, so False means: save before handing in.
    """
    path = path or _notebook_path()
    if path is None or not _RUNS or not path.is_file():
        return None
    # file times come from the kernel's coarse clock, which may lag time.time() by a tick
    return path.stat().st_mtime >= max(_RUNS) - _CLOCK_TICK


def _saving_note(path: Path | None) -> str:
    import datetime

    def clock(stamp: float) -> str:
        return datetime.datetime.fromtimestamp(stamp).strftime("%H:%M:%S")

    state = saved_after_run(path)
    if path is None or state is None:
        return (
            "Before handing in: save (Ctrl+S). What you hand in or download is the file as last "
            "saved, not what is on the screen."
        )
    saved, ran = clock(path.stat().st_mtime), clock(max(_RUNS))
    if state:
        return (
            f"Saved at {saved}, after the checks of this run ({ran}): the file is ready to hand in."
        )
    return (
        f"⚠ NOT SAVED SINCE THIS RUN: the file was last saved at {saved}, before the checks of "
        f"this run ({ran}). What you hand in or download is the saved file, so your latest "
        "work is not in it yet. Save now (Ctrl+S), then run this cell again to confirm."
    )


def summary_states() -> dict[str, str]:
    """{question: state} as of the last :func:`summary` ("ok", "failing", "not answered")."""
    return dict(_LAST_SUMMARY)
