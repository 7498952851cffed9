"""Pure helpers for judging the paper's 2021 forecasts against later data (notebook 09).

They work on the frames that :mod:`rapprochement.data` loads and on year-indexed series from
:func:`rapprochement.data.trade_series`. Nothing here judges the paper: the functions return the
figures and the data rows they come from, and the notebook leaves the judgement to students.

:func:`target_outcome` is :func:`rapprochement.analysis.target_outcome`, the one rule for when a
target counts as met (the targets table of notebook 06 uses it too).
"""

from __future__ import annotations

import pandas as pd

from rapprochement.analysis import TargetOutcome, target_outcome, value_in

__all__ = [
    "TargetOutcome",
    "evidence_rows",
    "first_period_below",
    "measure_overview",
    "row_ref",
    "select_events",
    "settlement_rows",
    "settlement_series",
    "target_outcome",
]


_SETTLEMENT_COLUMNS = ("period", "year", "measure", "scope", "currency", "share_pct", "qualifier")


def _check_settlement(frame: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected the settlement DataFrame, got {type(frame).__name__}")
    missing = [c for c in _SETTLEMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the settlement frame lacks column(s): {', '.join(missing)}")


def settlement_rows(frame: pd.DataFrame, measure: str, currency: str) -> pd.DataFrame:
    """Rows of one currency under one measure, in time order, with the source's wording.

    Columns: share_pct, qualifier (exact / about / more_than), as_stated; indexed by period.
    Periods keep the file's order within a year and are sorted by year, so "2018", "2018-Q1"
    ... "2018-Q4" stay as the source lists them. Raises ValueError when no row matches, naming
    the measures or currencies that exist.
    """
    _check_settlement(frame)
    if measure not in set(frame["measure"]):
        known = ", ".join(sorted(set(frame["measure"])))
        raise ValueError(f"no measure {measure!r}; the data has: {known}")
    rows = frame[frame["measure"] == measure]
    rows = rows[rows["currency"] == currency]
    if rows.empty:
        known = ", ".join(sorted(set(frame.loc[frame["measure"] == measure, "currency"])))
        raise ValueError(f"no {currency!r} rows for measure {measure!r}; it has: {known}")
    rows = rows.assign(_order=range(len(rows))).sort_values(["year", "_order"], kind="stable")
    cols = [c for c in ("share_pct", "qualifier", "as_stated") if c in rows.columns]
    out = rows.set_index(rows["period"].astype(str))[cols].copy()
    out.index.name = "period"
    out["share_pct"] = out["share_pct"].astype(float)
    return out


def settlement_series(frame: pd.DataFrame, measure: str, currency: str) -> pd.Series:
    """Share (%) of one currency under one measure, indexed by period label (see
    :func:`settlement_rows` for the order and the errors)."""
    series = settlement_rows(frame, measure, currency)["share_pct"]
    series.name = f"{measure}:{currency}"
    return series


def first_period_below(series: pd.Series, threshold: float) -> str | None:
    """The first period (in the series' order) whose share is strictly below ``threshold``."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"expected a pandas Series, got {type(series).__name__}")
    below = series[series < threshold]
    return None if below.empty else str(below.index[0])


def measure_overview(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: what it covers, its first and last period, rows and currencies.

    The measures differ (export receipts, all settlements, officials' statements), which is why
    the notebook shows them side by side instead of as one line.
    """
    _check_settlement(frame)
    out = []
    for measure, rows in frame.groupby("measure", sort=False):
        ordered = rows.assign(_order=range(len(rows))).sort_values(
            ["year", "_order"], kind="stable"
        )
        out.append(
            {
                "measure": measure,
                "first_period": str(ordered["period"].iloc[0]),
                "last_period": str(ordered["period"].iloc[-1]),
                "rows": len(rows),
                "currencies": ", ".join(dict.fromkeys(ordered["currency"].astype(str))),
                "scope (first row)": str(ordered["scope"].iloc[0]),
            }
        )
    return pd.DataFrame(out).set_index("measure")


def row_ref(file: str, **key: object) -> str:
    """A short pointer to a data row, e.g. ``trade.csv [year=2023, flow=total]``."""
    if not key:
        raise ValueError("give at least one key column, e.g. year=2023")
    inner = ", ".join(f"{k}={v}" for k, v in key.items())
    return f"{file} [{inner}]"


def evidence_rows(
    series: pd.Series, years: list[int], file: str, *, decimals: int = 3, **key: object
) -> pd.DataFrame:
    """The values of ``series`` in ``years``, each with a pointer to its data row.

    ``key`` names the columns that, with the year, identify the row in ``file``
    (e.g. ``reporter="china_customs", flow="total"``). Raises ValueError for a missing year.
    """
    if not years:
        raise ValueError("give at least one year")
    out = [
        {
            "year": int(y),
            "value": round(value_in(series, int(y)), decimals),
            "data row": row_ref(file, year=int(y), **key),
        }
        for y in years
    ]
    return pd.DataFrame(out).set_index("year")


def select_events(
    events: pd.DataFrame,
    *,
    categories: tuple[str, ...] = (),
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Events whose category contains any of ``categories`` (all when empty), dated from
    ``start`` to ``end`` inclusive (ISO dates, "YYYY" or "YYYY-MM-DD"); columns date, event,
    category, in date order."""
    for col in ("date", "event", "category"):
        if col not in events.columns:
            raise ValueError(f"expected the frame from data.load_events (missing {col!r})")
    when = pd.to_datetime(events["date"].astype(str), format="mixed")
    keep = pd.Series(True, index=events.index)
    if categories:
        cat = events["category"].astype(str)
        keep &= cat.apply(lambda c: any(k in c for k in categories))
    if start is not None:
        keep &= when >= pd.Timestamp(start)
    if end is not None:
        # an end given as a year or month covers the whole of it
        stop = pd.Period(end).end_time if len(end) < 10 else pd.Timestamp(end)
        keep &= when <= stop
    out = events.loc[keep, ["date", "event", "category"]].copy()
    out["_when"] = when[keep]
    out = out.sort_values("_when", kind="stable").drop(columns="_when")
    return out.reset_index(drop=True)
