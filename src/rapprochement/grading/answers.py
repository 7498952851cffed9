"""Answers as plain data: which names a test cell reads, and how their values cross over.

Shared by the grader (:mod:`.runner`) and the student self-check (:mod:`rapprochement.selfcheck`);
it imports neither nbgrader nor IPython. Three pieces:

* :func:`answer_names` finds, by reading a test cell's code (``ast``), the names it takes from
  the student's notebook: names it reads without defining them, minus built-ins and the names
  the trusted setup cells define (``gacc``, ``checks``, ...). ``"x" in globals()`` and
  ``globals()[name]`` over a tuple of names count as reads of those names.
* :func:`to_plain` (run inside the sandbox, next to the student's code) turns a value into JSON
  data: None, bool, int, float, str, lists, tuples, dicts, numpy scalars and pandas
  Series/DataFrames/Index. Anything else (a class of the student's own, an int subclass, a
  function, a module) is refused with a reason in plain words. The student's process may lie
  here; that gains nothing, because the result is only data.
* :func:`from_plain` (run in the clean checking process) rebuilds the value from that data,
  checking its shape strictly and refusing anything it does not know.
"""

from __future__ import annotations

import ast
import builtins
import json
import math
from typing import Any

__all__ = [
    "AnswerError",
    "MAX_ANSWER_BYTES",
    "answer_names",
    "defined_names",
    "from_plain",
    "has_magics",
    "strip_magics",
    "to_plain",
]

MAX_ANSWER_BYTES = 1_000_000
"""Largest JSON text accepted for one answer."""
MAX_ITEMS = 100_000
"""Most items (list elements, dict entries, Series values) in one answer."""
MAX_DEPTH = 20

PLAIN = "answers must be plain data: a number, a string, a list, a dict or a pandas object"


class AnswerError(ValueError):
    """A value that cannot cross as plain data (the message says why, in plain words)."""


def _is_magic(line: str) -> bool:
    return line.lstrip().startswith(("%", "!"))


def strip_magics(source: str) -> str:
    """The cell's code with IPython magics and shell lines (``%...``, ``!...``) blanked."""
    return "\n".join("" if _is_magic(line) else line for line in source.splitlines())


def has_magics(source: str) -> bool:
    """Whether :func:`strip_magics` blanks any line of ``source``."""
    return any(_is_magic(line) for line in source.splitlines())


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(strip_magics(source))
    except SyntaxError:
        return None


def defined_names(source: str) -> set[str]:
    """Names a cell binds at top level or anywhere (assignments, imports, defs, loops)."""
    tree = _parse(source)
    if tree is None:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _is_globals_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"globals", "locals", "vars"}
        and not node.args
    )


def _string_reads(tree: ast.Module) -> set[str]:
    """Names read through ``"x" in globals()`` or ``globals()[v]`` with v from a tuple of names."""
    found: set[str] = set()
    loop_names: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and any(_is_globals_call(c) for c in node.comparators)
        ):
            found.add(node.left.value)
        elif isinstance(node, ast.Subscript) and _is_globals_call(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                found.add(key.value)
            elif isinstance(key, ast.Name):
                loop_names.setdefault(key.id, set())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Name)
            and node.target.id in loop_names
            and isinstance(node.iter, ast.Tuple | ast.List)
        ):
            for item in node.iter.elts:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    found.add(item.value)
    return {name for name in found if name.isidentifier()}


def answer_names(test_source: str, trusted: set[str]) -> list[str]:
    """The names a test cell reads from the student's notebook, sorted.

    ``trusted`` holds the names the setup cells define; those come from the trusted setup run
    in the checking process, never from the student.
    """
    tree = _parse(test_source)
    if tree is None:
        return []
    own = defined_names(test_source)
    reads = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    reads |= _string_reads(tree)
    skip = own | trusted | set(dir(builtins))
    return sorted(n for n in reads if n not in skip and not n.startswith("__"))


# --- to plain data (inside the sandbox) ---------------------------------------------------

_NUMPY_SCALARS = {
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "bool_",
    "bool",
    "str_",
}


def _float(value: float) -> Any:
    if math.isnan(value):
        return {"t": "float", "v": "nan"}
    if math.isinf(value):
        return {"t": "float", "v": "inf" if value > 0 else "-inf"}
    return value


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def take(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise AnswerError(f"the answer is too large (more than {MAX_ITEMS} items)")


def _kind(value: object) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "?")
    text = name if module in ("builtins", "") else f"{module}.{name}"
    return text[:80]


def _plain(value: Any, budget: _Budget, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise AnswerError("the answer is nested too deeply")
    budget.take()
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if abs(value) > 2**63:
            return {"t": "bigint", "v": str(value)}
        return value
    if kind is float:
        return _float(value)
    if kind is list or kind is tuple:
        budget.take(len(value))
        items = [_plain(v, budget, depth + 1) for v in list(value)]
        return items if kind is list else {"t": "tuple", "v": items}
    if kind is dict:
        budget.take(len(value))
        pairs = []
        for key, item in list(dict.items(value)):
            if type(key) not in (str, int, float, bool) and key is not None:
                raise AnswerError(f"dict keys must be strings or numbers, not {_kind(key)}")
            pairs.append([_plain(key, budget, depth + 1), _plain(item, budget, depth + 1)])
        return {"t": "dict", "v": pairs}
    module = getattr(kind, "__module__", "") or ""
    if module == "numpy" and kind.__name__ in _NUMPY_SCALARS:
        item = value.item()
        return {"t": "numpy", "dtype": kind.__name__, "v": _plain(item, budget, depth + 1)}
    if module.startswith("pandas"):
        return _pandas(value, budget, depth)
    if module == "numpy" and kind.__name__ == "ndarray":
        if value.dtype.kind not in "biuf":
            raise AnswerError("numpy arrays must hold numbers")
        budget.take(int(value.size))
        return {"t": "ndarray", "dtype": str(value.dtype), "v": _plain(value.tolist(), budget, 0)}
    if isinstance(value, int | float | str | list | dict | tuple):
        raise AnswerError(
            f"{PLAIN}; this is a {_kind(value)}, a subclass of "
            f"{type(value).__mro__[1].__name__} (use the plain type)"
        )
    raise AnswerError(f"{PLAIN}, not a {_kind(value)}")


def _pandas(value: Any, budget: _Budget, depth: int) -> Any:
    import pandas as pd

    kind = type(value)
    if kind is pd.Series:
        budget.take(len(value))
        return {
            "t": "series",
            "name": _plain(value.name, budget, depth + 1),
            "index": _plain(value.index, budget, depth + 1),
            "dtype": str(value.dtype),
            "v": [_plain(_scalar(v), budget, depth + 1) for v in value.tolist()],
        }
    if kind is pd.DataFrame:
        budget.take(value.size)
        return {
            "t": "frame",
            "index": _plain(value.index, budget, depth + 1),
            "columns": [_plain(_scalar(c), budget, depth + 1) for c in value.columns.tolist()],
            "dtypes": [str(d) for d in value.dtypes.tolist()],
            "v": [
                [_plain(_scalar(v), budget, depth + 1) for v in row]
                for row in value.itertuples(index=False, name=None)
            ],
        }
    if kind in (pd.Index, pd.RangeIndex) or (
        isinstance(value, pd.Index) and not isinstance(value, pd.MultiIndex)
    ):
        budget.take(len(value))
        return {
            "t": "index",
            "name": _plain(_scalar(value.name), budget, depth + 1),
            "dtype": str(value.dtype),
            "v": [_plain(_scalar(v), budget, depth + 1) for v in value.tolist()],
        }
    if kind is pd.Timestamp:
        return {"t": "timestamp", "v": value.isoformat()}
    raise AnswerError(f"{PLAIN}; this pandas {kind.__name__} is not supported")


def _scalar(value: Any) -> Any:
    """pandas' ``tolist`` gives Python scalars, except for timestamps and the like."""
    kind = type(value)
    if kind.__module__.startswith("pandas") and kind.__name__ == "Timestamp":
        return value.isoformat()
    return value


def to_plain(value: Any) -> str:
    """JSON text for ``value``; raises :class:`AnswerError` when it is not plain data."""
    try:
        data = _plain(value, _Budget(), 0)
    except AnswerError:
        raise
    except RecursionError:
        raise AnswerError("the answer is nested too deeply") from None
    except Exception as exc:  # a student's object can raise anything while being read
        raise AnswerError(f"{PLAIN}; reading it failed ({type(exc).__name__})") from None
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    if len(text.encode()) > MAX_ANSWER_BYTES:
        raise AnswerError(f"the answer is too large (over {MAX_ANSWER_BYTES // 1000} kB as data)")
    return text


# --- back from plain data (in the clean checking process) ---------------------------------

_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_DTYPES = {"int64", "float64", "object", "bool", "int32", "float32", "str", "string"}


def _back(data: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise AnswerError("the answer is nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [_back(v, depth + 1) for v in data]
    if kind is not dict or type(data.get("t")) is not str:
        raise AnswerError("malformed answer data")
    tag = data["t"]
    value = data.get("v")
    if tag == "float" and value in _FLOATS:
        return _FLOATS[value]
    if tag == "bigint" and type(value) is str and value.lstrip("-").isdigit():
        return int(value)
    if tag == "tuple" and type(value) is list:
        return tuple(_back(v, depth + 1) for v in value)
    if tag == "dict" and type(value) is list:
        out = {}
        for pair in value:
            if type(pair) is not list or len(pair) != 2:
                raise AnswerError("malformed answer data")
            key = _back(pair[0], depth + 1)
            if type(key) not in (str, int, float, bool) and key is not None:
                raise AnswerError("malformed answer data")
            out[key] = _back(pair[1], depth + 1)
        return out
    if tag == "numpy" and data.get("dtype") in _NUMPY_SCALARS:
        import numpy as np

        return getattr(np, data["dtype"])(_back(value, depth + 1))
    if tag == "ndarray" and data.get("dtype") in _DTYPES | {"int8", "int16", "uint8"}:
        import numpy as np

        return np.array(_back(value, depth + 1), dtype=data["dtype"])
    if tag in ("series", "index", "frame", "timestamp"):
        return _pandas_back(data, depth)
    raise AnswerError("malformed answer data")


def _dtype(name: Any) -> str | None:
    return name if name in _DTYPES else None


def _pandas_back(data: dict[str, Any], depth: int) -> Any:
    import pandas as pd

    tag, value = data["t"], data.get("v")
    if tag == "timestamp" and type(value) is str:
        return pd.Timestamp(value)
    if type(value) is not list:
        raise AnswerError("malformed answer data")
    if tag == "index":
        return pd.Index(
            _back(value, depth + 1),
            name=_back(data.get("name"), depth + 1),
            dtype=_dtype(data.get("dtype")),
        )
    if tag == "series":
        index = _back(data.get("index"), depth + 1)
        return pd.Series(
            _back(value, depth + 1),
            index=index,
            name=_back(data.get("name"), depth + 1),
            dtype=_dtype(data.get("dtype")),
        )
    index = _back(data.get("index"), depth + 1)
    columns = _back(data.get("columns"), depth + 1)
    frame = pd.DataFrame(_back(value, depth + 1), index=index, columns=columns)
    dtypes = data.get("dtypes")
    if type(dtypes) is list and len(dtypes) == len(frame.columns):
        for column, dtype in zip(list(frame.columns), dtypes, strict=True):
            if _dtype(dtype) and dtype != "object":
                frame[column] = frame[column].astype(dtype)
    return frame


def from_plain(text: str) -> Any:
    """The value that :func:`to_plain` wrote; :class:`AnswerError` for anything else."""
    if len(text.encode()) > MAX_ANSWER_BYTES:
        raise AnswerError("the answer is too large")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise AnswerError("malformed answer data") from None
    try:
        return _back(data, 0)
    except AnswerError:
        raise
    except (TypeError, ValueError, RecursionError) as exc:
        raise AnswerError(f"malformed answer data ({type(exc).__name__})") from None
