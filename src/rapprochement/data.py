"""Load the tables in ``data/``, each validated against ``data/datapackage.json``.

``datapackage.json`` is the one description of the data's shape: each table's columns, types,
constraints and keys, and, for coded columns, the codes with their labels (the Table Schema
``categories`` property, read by :func:`labels`). One generic loader, :func:`load`, validates a
table against it and returns a typed :class:`pandas.DataFrame`; the ``load_*`` functions are thin
wrappers that add a sort order or a derived column. A malformed file raises
:class:`DataFileError`, which names the file, the row and the column of the first problem.
Validation uses the Frictionless Data framework, the reference implementation of the
Data Package standard that ``datapackage.json`` follows. A file whose SHA-256 is the ``hash``
recorded for its table (by ``scripts/build_data.py``, after validating it) is not validated again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "DataFileError",
    "data_dir",
    "file_hash",
    "labels",
    "load",
    "load_all",
    "load_events",
    "load_map_places",
    "load_partner_shares",
    "load_primary_sources",
    "load_settlement_currency",
    "load_targets",
    "load_totals_context",
    "load_trade",
    "load_us_cpi",
    "resources",
    "trade_rows",
    "trade_series",
    "validate_table",
]

#: Names kept for existing callers, each derived from :func:`labels` on first use:
#: REPORTERS and FLOWS (the codes, in package order), REPORTER_LABELS and FLOW_LABELS.
_DERIVED = {
    "REPORTERS": ("reporter", tuple),
    "FLOWS": ("flow", tuple),
    "REPORTER_LABELS": ("reporter", dict),
    "FLOW_LABELS": ("flow", dict),
}


def __getattr__(name: str) -> Any:
    if name in _DERIVED:
        field, kind = _DERIVED[name]
        return kind(labels(field))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class DataFileError(ValueError):
    """A data file does not match its schema in ``datapackage.json``."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = [f"file {file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


def data_dir() -> Path:
    """The folder holding ``datapackage.json``: $RAPPROCHEMENT_DATA, else the repository's data/."""
    env = os.environ.get("RAPPROCHEMENT_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "data")
    for folder in candidates:
        if (folder / "datapackage.json").is_file():
            return folder
    raise FileNotFoundError(
        "cannot find data/datapackage.json; set RAPPROCHEMENT_DATA to the data folder "
        f"(looked in: {', '.join(str(c) for c in candidates)})"
    )


@cache
def _descriptor() -> dict[str, Any]:
    return json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))


def _resource(name: str) -> dict[str, Any]:
    for res in _descriptor()["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(resources())
    raise KeyError(f"no table named {name!r} in datapackage.json (tables: {known})")


def resources() -> list[str]:
    """The names of the package's tables (resources with a schema), in package order."""
    return [res["name"] for res in _descriptor()["resources"] if "schema" in res]


def labels(field: str, resource: str | None = None) -> dict[str, str]:
    """The codes of a coded column and their labels, in package order, from ``datapackage.json``.

    >>> labels("reporter")["china_customs"]
    'China customs (GACC)'

    ``resource`` picks the table when several tables have a coded column of that name with
    different codes; a column without ``categories`` raises :class:`KeyError`.
    """
    found: dict[str, dict[str, str]] = {}
    for res in _descriptor()["resources"]:
        if resource is not None and res["name"] != resource:
            continue
        for f in res.get("schema", {}).get("fields", []):
            if f["name"] == field and "categories" in f:
                found[res["name"]] = {c["value"]: c["label"] for c in f["categories"]}
    if not found:
        where = f" of table {resource!r}" if resource else ""
        raise KeyError(f"no coded column {field!r}{where} in datapackage.json")
    distinct = {tuple(codes.items()) for codes in found.values()}
    if len(distinct) > 1:
        raise ValueError(
            f"column {field!r} has different codes in tables {sorted(found)}; pass resource="
        )
    return dict(next(iter(found.values())))


def import_jsonschema_quickly() -> None:
    """Import jsonschema without its optional rfc3987-syntax grammars (idempotent).

    jsonschema (imported by frictionless, nbformat and nbgrader) builds ~40 grammars at import
    when the optional rfc3987-syntax package is present, which costs over a second per process.
    Those grammars only check the "iri" string format, which no schema here uses, so in a
    process that has not imported jsonschema yet we let that optional import fail.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]


def _import_frictionless() -> Any:
    import_jsonschema_quickly()
    import frictionless

    return frictionless


def _check_header(path: Path, expected: list[str]) -> None:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), f"not UTF-8 text ({exc.reason})", row=1) from None
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(repr(c) for c in missing))
        if extra:
            parts.append("unexpected column(s) " + ", ".join(repr(c) for c in extra))
        message = "; ".join(parts) + f" (expected columns: {', '.join(expected)})"
        raise DataFileError(str(path), message, row=1, column=(missing or extra)[0])
    if header != expected:
        raise DataFileError(
            str(path), f"columns out of order: expected {', '.join(expected)}", row=1
        )


def file_hash(path: Path) -> str:
    """The file's SHA-256 in the form a Data Package resource's ``hash`` property takes."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _validate(name: str, path: Path) -> None:
    spec = _resource(name)
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    if spec.get("hash") == file_hash(path):
        # Byte for byte the file that was validated when its hash was recorded
        # (scripts/build_data.py records a hash only for a valid file, and the package's own
        # validation, tests/unit/test_data_package.py, fails on a stale one): no need to validate it
        # again in every kernel and every grading sandbox, at 0.3 s of CPU each.
        return
    validate_table(path, spec)


def validate_table(path: Path, spec: dict[str, Any]) -> None:
    """Check ``path`` against the table resource ``spec`` (a resource of datapackage.json) with
    Frictionless; raise :class:`DataFileError` naming the row and column of the first problem."""
    fl = _import_frictionless()
    Resource, Schema = fl.Resource, fl.Schema
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    _check_header(path, [f["name"] for f in spec["schema"]["fields"]])
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(spec["schema"], allow_invalid=True),
        format="csv",
        encoding="utf-8",
    )
    report = resource.validate()
    if report.valid:
        return
    errors = report.flatten(["type", "message", "rowNumber", "fieldName"])
    kind, message, row, field = errors[0]
    if kind in {
        "missing-label",
        "incorrect-label",
        "extra-label",
        "blank-label",
        "duplicate-label",
    }:
        expected = [f["name"] for f in spec["schema"]["fields"]]
        message = f"{message} (expected columns: {', '.join(expected)})"
    more = f" ({len(errors) - 1} more problem(s) in this file)" if len(errors) > 1 else ""
    raise DataFileError(str(path), f"{kind}: {message}{more}", row=row, column=field or None)


_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


def load(name: str, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Any table of the package by resource name (see :func:`resources`), validated and typed.

    ``path`` reads another file against the same table's schema (for example a student's copy).
    """
    spec = _resource(name)
    file = Path(path) if path is not None else data_dir() / spec["path"]
    if not file.is_file():
        raise DataFileError(str(file), "file not found")
    stat = file.stat()
    # Validated frames are kept per file version (path, size, modification time): a notebook
    # that loads the same table in several cells validates it once; an edited file is re-read.
    return _load_version(name, str(file.resolve()), stat.st_size, stat.st_mtime_ns).copy()


@lru_cache(maxsize=32)
def _load_version(name: str, file_name: str, size: int, mtime_ns: int) -> pd.DataFrame:
    spec = _resource(name)
    file = Path(file_name)
    _validate(name, file)
    fields = spec["schema"]["fields"]
    frame = pd.read_csv(
        file,
        dtype={f["name"]: "string" for f in fields if f["type"] in {"string", "boolean"}},
        keep_default_na=False,
        na_values={f["name"]: [""] for f in fields if f["type"] != "string"},
    )
    for f in fields:
        col = f["name"]
        if f["type"] == "boolean":
            frame[col] = frame[col].map({"true": True, "false": False}).astype("boolean")
        elif frame[col].dtype != _DTYPES[f["type"]]:  # (read_csv gave most already)
            frame[col] = frame[col].astype(_DTYPES[f["type"]])
    required_ints = [
        f["name"]
        for f in fields
        if f["type"] == "integer" and f.get("constraints", {}).get("required")
    ]
    for col in required_ints:
        frame[col] = frame[col].astype("int64")
    return frame


def load_trade(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Annual goods trade in USD bn: one row per year, reporter and flow (``trade.csv``)."""
    frame = load("trade", path)
    return frame.sort_values(["reporter", "flow", "year"], ignore_index=True)


def load_targets(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Official trade targets with year set, deadline and outcome (``targets.csv``)."""
    return load("targets", path)


def load_events(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Timeline of events (``events.csv``), with a ``start`` timestamp for plotting."""
    frame = load("events", path)
    frame["start"] = pd.to_datetime(frame["date"].astype(str), format="mixed")
    return frame


def load_settlement_currency(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Reported currency shares in Russia-China settlements, long format."""
    return load("settlement_currency", path)


def load_us_cpi(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """US CPI-U annual averages (1982-84 = 100)."""
    return load("us_cpi", path)


def load_totals_context(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """China's total goods trade by year, plus rows of share information for Russia."""
    return load("totals_context", path)


def load_partner_shares(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Each partner's share in the other's trade as sources stated it (``partner_shares.csv``)."""
    return load("partner_shares", path)


def load_primary_sources(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Links to the texts of the main treaty and joint statements (``primary_sources.csv``)."""
    return load("primary_sources", path)


def load_map_places(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Named places with coordinates for the maps, in route order (``map_places.csv``)."""
    frame = load("map_places", path)
    return frame.sort_values(["route", "seq"], ignore_index=True)


def load_all() -> dict[str, pd.DataFrame]:
    """Every table the explorers use, by short name (one validated load each)."""
    return {
        "trade": load_trade(),
        "targets": load_targets(),
        "cpi": load_us_cpi(),
        "totals": load_totals_context(),
        "shares": load_partner_shares(),
        "settlements": load_settlement_currency(),
    }


def trade_rows(
    trade: pd.DataFrame,
    reporter: str = "china_customs",
    flow: str = "total",
    *,
    verified_only: bool = False,
) -> np.ndarray:
    """Positions (``iloc``) of one reporter's rows for one flow in ``trade``, in year order.

    The one rule that picks a reporter's flow out of trade.csv (:func:`trade_series` reads the
    values at these rows, ``tables.common.trade_kinds`` the kinds). Written with numpy arrays
    rather than pandas filters: an explorer picks rows at every update, and this is about ten
    times faster on a table of this size.
    """
    reporters, flows = tuple(labels("reporter")), tuple(labels("flow"))
    if reporter not in reporters:
        raise ValueError(f"reporter must be one of {reporters}, got {reporter!r}")
    if flow not in flows:
        raise ValueError(f"flow must be one of {flows}, got {flow!r}")
    mask = (trade["reporter"].to_numpy(dtype=object, na_value=None) == reporter) & (
        trade["flow"].to_numpy(dtype=object, na_value=None) == flow
    )
    if verified_only:
        mask &= trade["verified"].to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(mask)
    return rows[np.argsort(trade["year"].to_numpy()[rows], kind="stable")]


def trade_series(
    trade: pd.DataFrame,
    reporter: str = "china_customs",
    flow: str = "total",
    *,
    verified_only: bool = False,
) -> pd.Series:
    """One reporter's values for one flow, indexed by year (USD bn)."""
    rows = trade_rows(trade, reporter, flow, verified_only=verified_only)
    return pd.Series(
        trade["value_usd_bn"].to_numpy(dtype=float, na_value=np.nan)[rows],
        index=pd.Index(trade["year"].to_numpy()[rows], name="year"),
        name=f"{reporter}:{flow}",
    )
