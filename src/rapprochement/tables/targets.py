"""Tables of the target explorer: trade by year and source, the targets as segments, and the
checks of the paper's trade statements (¶9)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from .. import analysis
from ..data import FLOW_LABELS, FLOWS, REPORTER_LABELS, REPORTERS, trade_series
from .common import (
    CUSTOMS,
    Dollars,
    SettingError,
    Source,
    _chosen,
    _deadline,
    check_choice,
    check_years,
    cpi_series,
    target_label,
    trade_kinds,
    years_text,
)

ReporterRows = tuple[pd.Series, frozenset[int], dict[int, str]]


def reporter_rows(trade: pd.DataFrame, reporter: str, flow: str) -> ReporterRows:
    """One reporter's values for one flow (from :func:`data.trade_series`), the years whose
    value a source page confirmed, and the kind of figure of each year (:func:`trade_kinds`)."""
    series = trade_series(trade, reporter, flow)
    verified = frozenset(
        int(y) for y in trade_series(trade, reporter, flow, verified_only=True).index
    )
    return series, verified, trade_kinds(trade, reporter, flow)


def trade_index(trade: pd.DataFrame) -> dict[tuple[str, str], ReporterRows]:
    """:func:`reporter_rows` for every reporter and flow, for callers that draw many settings
    from one table (an explorer computes it once instead of filtering trade.csv at each update)."""
    return {(r, f): reporter_rows(trade, r, f) for r in REPORTERS for f in FLOWS}


def trade_frame(
    trade: pd.DataFrame,
    cpi: pd.DataFrame,
    *,
    flow: str = "total",
    source: Source = "china_customs",
    start: int = 1992,
    end: int = 2025,
    dollars: Dollars = "nominal",
    base_year: int = 2025,
    index: Mapping[tuple[str, str], ReporterRows] | None = None,
) -> pd.DataFrame:
    """Rows of ``trade.csv`` that the target explorer draws, in the chosen dollars.

    Columns: year, reporter, value (USD bn, nominal or in ``base_year`` dollars), nominal,
    verified, kind (what kind of figure the row is: ``kind`` in trade.csv). ``index`` (from
    :func:`trade_index`) saves filtering ``trade`` again. Raises :class:`SettingError` for
    impossible settings or when a chosen source reports nothing for this flow in these years.
    """
    check_years(start, end)
    check_choice("flow", flow, FLOWS)
    check_choice("source", source, (*REPORTERS, "both"))
    check_choice("dollars", dollars, ("nominal", "real"))
    reporters = REPORTERS if source == "both" else (source,)
    columns: dict[str, list] = {"year": [], "reporter": [], "value": [], "verified": [], "kind": []}
    # built as plain lists and made a DataFrame once: an explorer calls this at every update
    for reporter in reporters:
        if index is not None:
            series, verified, kinds = index[(reporter, flow)]
        else:
            series, verified, kinds = reporter_rows(trade, reporter, flow)
        pairs = [(int(y), float(v)) for y, v in series.items() if start <= y <= end]
        if not pairs:
            raise SettingError(
                f"{REPORTER_LABELS[reporter]} reports no figure for "
                f"{FLOW_LABELS[flow].split(' (')[0]} in {start}-{end}. "
                "Choose another source, flow or year range."
            )
        columns["year"] += [y for y, _ in pairs]
        columns["reporter"] += [reporter] * len(pairs)
        columns["value"] += [v for _, v in pairs]
        columns["verified"] += [y in verified for y, _ in pairs]
        columns["kind"] += [kinds.get(y, CUSTOMS) for y, _ in pairs]
    columns["nominal"] = columns["value"]
    if dollars == "real":
        cpi_s = cpi_series(cpi)
        cpi_of = dict(zip(cpi_s.index.tolist(), cpi_s.tolist(), strict=True))
        if base_year not in cpi_of:
            raise SettingError(
                f"No CPI value for the base year {base_year} "
                f"(CPI covers {int(cpi_s.index.min())}-{int(cpi_s.index.max())})."
            )
        missing = sorted(set(columns["year"]) - set(cpi_of))
        if missing:
            raise SettingError(f"No CPI value for {years_text(missing)}: cannot convert.")
        base = cpi_of[base_year]
        columns["value"] = [
            n * base / cpi_of[y] for n, y in zip(columns["nominal"], columns["year"], strict=True)
        ]
    # REPORTERS and each series are already in (reporter, year) order
    names = ["year", "reporter", "value", "nominal", "verified", "kind"]
    return pd.DataFrame({name: columns[name] for name in names})


def missing_years(frame: pd.DataFrame, reporter: str, start: int, end: int) -> list[int]:
    """Years in ``start``..``end`` for which ``reporter`` has no row in a :func:`trade_frame`."""
    pairs = zip(frame["reporter"].tolist(), frame["year"].tolist(), strict=True)
    have = {y for r, y in pairs if r == reporter}
    return [y for y in range(start, end + 1) if y not in have]


def mirror_gap_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """China customs minus the Russian side in the years both report, from a :func:`trade_frame`
    with both sources. Columns china, russia, gap, gap_pct (empty when no year is shared)."""
    columns = (frame["reporter"].tolist(), frame["year"].tolist(), frame["value"].tolist())
    rows = list(zip(*columns, strict=True))

    def side(reporter: str) -> pd.Series:
        picked = [(y, v) for r, y, v in rows if r == reporter]
        years = pd.Index([y for y, _ in picked], name="year", dtype=frame["year"].dtype)
        return pd.Series([v for _, v in picked], index=years, name="value", dtype=float)

    china, russia = side("china_customs"), side("russia")
    try:
        return analysis.mirror_gap(china, russia)
    except ValueError:
        return pd.DataFrame(columns=["china", "russia", "gap", "gap_pct"])


def target_lines(
    targets: pd.DataFrame,
    *,
    start: int,
    end: int,
    cpi: pd.DataFrame | None = None,
    dollars: Dollars = "nominal",
    base_year: int = 2025,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The chosen targets as segments on the target explorer's year axis, in its dollars.

    Each target runs from the year it was set (or ``start``) to its deadline; one with no
    official deadline runs to ``end``. In real dollars a target is converted at the CPI of its
    deadline (or of the year it was set), capped at the last CPI year. Targets entirely outside
    ``start``..``end`` are left out. Columns: target_id, label, value, how, x0, x1,
    has_deadline, set_by, status, color_index (:func:`common.color_index`: the target's row in
    ``targets.csv``, so its colour does not depend on which other targets are chosen).
    """
    check_years(start, end)
    cpi_s = None
    if dollars == "real":
        if cpi is None:
            raise SettingError("Real dollars need the CPI table (data/us_cpi.csv).")
        cpi_s = cpi_series(cpi)
    rows = []
    for row in _chosen(targets, target_ids):
        deadline = None if pd.isna(row["deadline_year"]) else int(row["deadline_year"])
        value = float(row["target_usd_bn"])
        how = "as stated (current dollars)"
        if cpi_s is not None:
            ref = min(
                deadline if deadline is not None else int(row["year_set"]), int(cpi_s.index.max())
            )
            why = "deadline" if deadline is not None else "year set"
            value = value * float(cpi_s[base_year]) / float(cpi_s[ref])
            how = f"converted at the CPI of {ref} ({why}) to {base_year} dollars"
        x0 = max(int(row["year_set"]), start)
        x1 = deadline if deadline is not None else end
        if x1 < start or int(row["year_set"]) > end:
            continue  # entirely outside the chosen years
        rows.append(
            {
                "target_id": str(row["target_id"]),
                "label": target_label(row),
                "value": value,
                "how": how,
                "x0": x0,
                "x1": x1,
                "has_deadline": deadline is not None,
                "set_by": str(row["set_by"]),
                "status": str(row["status"]).replace("_", " "),
                "color_index": int(row["color_index"]),
            }
        )
    columns = ["target_id", "label", "value", "how", "x0", "x1", "has_deadline", "set_by"]
    return pd.DataFrame(rows, columns=[*columns, "status", "color_index"])


def _outcome_text(out: analysis.TargetOutcome, last: int) -> str:
    """Words for :func:`targets_table`; the decision itself is :func:`analysis.target_outcome`."""
    first = out.first_year_above
    if out.deadline_year is None:
        return f"reached in {first}" if first else f"not reached by {last}"
    if out.met_by_deadline:
        return "met early" if (out.years_early or 0) > 0 else "met"
    if out.deadline_year > last:
        return f"pending: data end in {last}"
    return "missed"


def targets_table(trade: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Each official target against China customs (GACC) annual totals.

    Columns: target, set in, set by, deadline, GACC total in the deadline year, first year
    above the target, outcome (judged from the data by :func:`analysis.target_outcome`, the
    same rule as notebook 09) and status as recorded in ``targets.csv``. "First year above"
    uses annual totals, so it cannot show that a mark was passed in the course of a year
    (e.g. January-November 2023).
    """
    series = trade_series(trade, "china_customs", "total")
    last = int(series.index.max())
    rows = []
    for _, t in targets.iterrows():
        out = analysis.target_outcome(series, float(t["target_usd_bn"]), _deadline(t))
        rows.append(
            {
                "target": target_label(t),
                "set in": int(t["year_set"]),
                "set by": str(t["set_by"]),
                "deadline": "none stated" if out.deadline_year is None else str(out.deadline_year),
                # "-" where there is no deadline or no figure yet (rather than a bare NaN)
                "GACC total in deadline year (US$ bn)": "-"
                if out.value_at_deadline is None
                else out.value_at_deadline,
                "first year above target": "-"
                if out.first_year_above is None
                else str(out.first_year_above),
                "outcome (from the data)": _outcome_text(out, last),
                "status in targets.csv": str(t["status"]).replace("_", " "),
            }
        )
    return pd.DataFrame(rows)


def fact_check_table(trade: pd.DataFrame) -> pd.DataFrame:
    """The paper's trade statements in ¶9 beside what each reporter's annual totals show.

    Rows: first year above USD 100bn, first year above USD 200bn, the latest year-on-year change.
    Columns: check, China customs (GACC), Russian side. Values are computed from
    ``trade.csv`` with :mod:`rapprochement.analysis`; a reporter without the needed years says
    so instead of guessing.
    """
    rows: dict[str, dict[str, str]] = {}
    for reporter in REPORTERS:
        series = trade_series(trade, reporter, "total")
        col = REPORTER_LABELS[reporter]
        for threshold in (100, 200):
            year = analysis.first_year_above(series, threshold)
            key = f"first year above USD {threshold}bn"
            rows.setdefault(key, {})[col] = (
                "not in the data" if year is None else f"{year} (USD {series[year]:g}bn)"
            )
        last = int(series.index.max())
        growth = analysis.yoy_growth(series).get(last, math.nan)
        rows.setdefault("latest year-on-year change", {})[col] = (
            f"{last}: no figure for {last - 1}"
            if pd.isna(growth)
            else f"{last - 1} to {last}: {growth:+.1%}"
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "check"
    return frame.reset_index()
