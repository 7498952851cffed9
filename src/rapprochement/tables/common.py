"""What every table module shares: the error for impossible settings, labels and small helpers.

Pandas only (no plotly, no ipywidgets), like every module of :mod:`rapprochement.tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import data as D

Source = Literal["china_customs", "russia", "both"]
Dollars = Literal["nominal", "real"]

# Labels of the settlement data's codes. The data package will provide these
# (rapprochement.data.labels("currency") / labels("measure")); until then they live here only.
#: Codes and labels of the settlement table, from the data package (``datapackage.json``).
CURRENCY_LABELS: dict[str, str] = D.labels("currency")
MEASURE_LABELS: dict[str, str] = D.labels("measure")
MEASURE_SHORT = {
    "russian_export_receipts_from_china": "export receipts from China (CBR)",
    "russian_exports_to_china": "exports to China (CBR)",
    "total_trade_goods_and_services": "all trade incl. services (CBR)",
    "all_bilateral_settlements": "all settlements (Nikkei)",
    "official_statement": "officials' statements",
}
QUALIFIER_PREFIX = {"exact": "", "about": "~", "more_than": ">"}
#: Series of :func:`partner_share_frame`, in drawing order, with their labels.
SHARE_SERIES_LABELS = {
    "russia_in_china_trade_computed": "Russia's share of China's trade (computed)",
    "russia_in_china_trade": "Russia's share of China's trade (reported)",
    "china_in_russia_trade": "China's share of Russia's trade (reported)",
    "china_in_russia_exports": "China's share of Russia's exports (reported)",
    "china_in_russia_imports": "China's share of Russia's imports (reported)",
}


#: What kind of figure a trade row is (``kind`` in trade.csv): codes and labels.
KIND_LABELS: dict[str, str] = D.labels("kind", "trade")
#: The kind of figure that needs no mark: a customs service's own release.
CUSTOMS = "customs_release"


def trade_kinds(trade: pd.DataFrame, reporter: str, flow: str) -> dict[int, str]:
    """{year: kind of figure} of one reporter's rows for one flow (``kind`` in trade.csv).

    The rows are picked by :func:`rapprochement.data.trade_rows`, the one function that picks
    a reporter's flow out of trade.csv (the rows of :func:`rapprochement.data.trade_series`).
    """
    kinds = trade["kind"].to_numpy(dtype=object, na_value=pd.NA)
    unknown = set(kinds) - set(KIND_LABELS)
    if unknown:
        raise SettingError(f"Unknown kind of figure in trade.csv: {sorted(unknown, key=str)}.")
    rows = D.trade_rows(trade, reporter, flow)
    years = trade["year"].to_numpy()[rows]
    return {int(y): str(k) for y, k in zip(years, kinds[rows], strict=True)}


class SettingError(ValueError):
    """A combination of settings that cannot be drawn; the message is meant for students."""


# ----------------------------------------------------------------------------- helpers


def fmt_bn(value: float) -> str:
    """ "USD 1.5bn" below 100bn, "USD 240bn" above (never "$": see :func:`target_label`)."""
    return f"USD {value:,.1f}bn" if value < 100 else f"USD {value:,.0f}bn"


def cpi_series(cpi: pd.DataFrame) -> pd.Series:
    """US CPI-U annual averages from ``us_cpi.csv`` as a Series indexed by year."""
    years = cpi["year"].to_numpy()
    order = np.argsort(years, kind="stable")
    values = cpi["cpi_u_annual_avg"].to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(values[order], index=pd.Index(years[order], name="year"), name="cpi")


def target_label(row: pd.Series | dict) -> str:
    """Short label of a target row from ``targets.csv``: "USD 100bn by 2015 (set 2011)".

    Currency is written "USD", never "$": two dollar signs in one table cell or HTML widget
    are read by MathJax as the start and end of a formula.
    """
    low = float(row["target_usd_bn"])
    high: Any = row.get("target_high_usd_bn")
    amount = f"USD {low:g}bn" if pd.isna(high) else f"USD {low:g}-{float(high):g}bn"
    deadline: Any = row.get("deadline_year")
    when = "no official deadline" if pd.isna(deadline) else f"by {int(deadline)}"
    return f"{amount} {when} (set {int(row['year_set'])})"


def check_years(start: int, end: int) -> None:
    if start > end:
        raise SettingError(
            f"The start year ({start}) is after the end year ({end}). Move one of the year sliders."
        )


def check_choice(name: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise SettingError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")


def years_text(years: Iterable[int]) -> str:
    """Compress [2007, 2008, 2009, 2024] into "2007-2009, 2024"."""
    ordered = sorted(int(y) for y in years)
    runs: list[list[int]] = []
    for y in ordered:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts, as ``frame.to_dict("records")`` gives them (Python values,
    None for a missing value of a nullable column), but read as one array, which is many times
    faster on small tables (explorers read their tables' rows at every update)."""
    names = list(frame.columns)
    rows = frame.to_numpy(dtype=object).tolist()
    return [dict(zip(names, [None if v is pd.NA else v for v in row], strict=True)) for row in rows]


def _chosen(targets: pd.DataFrame, target_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """The chosen targets' rows (:func:`records`, in file order), each with its ``color_index``
    (see :func:`color_index`)."""
    rows = records(targets)
    ids = [str(row["target_id"]) for row in rows]
    for row, target_id in zip(rows, ids, strict=True):
        row["color_index"] = color_index(ids, target_id)
    if target_ids is None:
        return rows
    wanted = set(target_ids)
    return [row for row in rows if row["target_id"] in wanted]


def color_index(target_ids: Sequence[str], target_id: str) -> int:
    """A target's colour number: its row in ``targets.csv`` (``target_ids``, in file order).

    A function of the target's id alone, never of its place in a selection, so that one target
    has one colour in every chart and every selection (the charts take it modulo their palette).
    """
    try:
        return list(target_ids).index(target_id)
    except ValueError:
        raise SettingError(f"No target {target_id!r} in targets.csv.") from None


def _deadline(row: pd.Series | dict) -> int | None:
    return None if pd.isna(row["deadline_year"]) else int(row["deadline_year"])
