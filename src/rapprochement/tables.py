"""Tables: what the charts draw and what notebooks show, as plain :class:`pandas.DataFrame`.

Data flows one way: :mod:`rapprochement.data` (load) -> :mod:`rapprochement.analysis` (pure
maths) -> this module (tables) -> :mod:`rapprochement.charts` (plotly figures drawn from these
tables) -> :mod:`rapprochement.widgets` (controls). Nothing here imports plotly or ipywidgets,
so notebooks and tests that only need a table stay light.

Settings that make no sense (a start year after the end year, a growth rate of -100% or less,
a source with no figure in the chosen years) raise :class:`SettingError`, a :class:`ValueError`
whose message is short enough to show to a student as it is.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pandas as pd

from . import analysis
from . import data as D
from .data import FLOW_LABELS, FLOWS, REPORTER_LABELS, REPORTERS, trade_series

__all__ = [
    "CURRENCY_LABELS",
    "MEASURE_LABELS",
    "MEASURE_SHORT",
    "OTHER_THEME",
    "QUALIFIER_PREFIX",
    "SHARE_SERIES_LABELS",
    "THEME_CATEGORIES",
    "SettingError",
    "cpi_series",
    "currency_frame",
    "events_table",
    "fact_check_table",
    "growth_frame",
    "growth_table",
    "missing_years",
    "mirror_gap_frame",
    "partner_share_frame",
    "period_position",
    "plain_tables",
    "reporter_rows",
    "shares_view",
    "target_label",
    "target_lines",
    "targets_table",
    "theme_of",
    "timeline_frame",
    "trade_frame",
    "trade_index",
    "years_text",
]

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


class SettingError(ValueError):
    """A combination of settings that cannot be drawn; the message is meant for students."""


# ----------------------------------------------------------------------------- helpers


def fmt_bn(value: float) -> str:
    """ "USD 1.5bn" below 100bn, "USD 240bn" above (never "$": see :func:`target_label`)."""
    return f"USD {value:,.1f}bn" if value < 100 else f"USD {value:,.0f}bn"


def cpi_series(cpi: pd.DataFrame) -> pd.Series:
    """US CPI-U annual averages from ``us_cpi.csv`` as a Series indexed by year."""
    series = cpi.set_index("year")["cpi_u_annual_avg"].astype(float).sort_index()
    series.name = "cpi"
    return series


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


def _chosen(targets: pd.DataFrame, target_ids: Sequence[str] | None) -> pd.DataFrame:
    return targets if target_ids is None else targets[targets["target_id"].isin(target_ids)]


def _deadline(row: pd.Series) -> int | None:
    return None if pd.isna(row["deadline_year"]) else int(row["deadline_year"])


# ------------------------------------------------------------------- trade against targets


ReporterRows = tuple[pd.Series, frozenset[int]]


def reporter_rows(trade: pd.DataFrame, reporter: str, flow: str) -> ReporterRows:
    """One reporter's values for one flow (from :func:`data.trade_series`) and the years whose
    value a source page confirmed."""
    series = trade_series(trade, reporter, flow)
    verified = frozenset(
        int(y) for y in trade_series(trade, reporter, flow, verified_only=True).index
    )
    return series, verified


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
    verified. ``index`` (from :func:`trade_index`) saves filtering ``trade`` again. Raises
    :class:`SettingError` for impossible settings or when a chosen source reports nothing for
    this flow in these years.
    """
    check_years(start, end)
    check_choice("flow", flow, FLOWS)
    check_choice("source", source, (*REPORTERS, "both"))
    check_choice("dollars", dollars, ("nominal", "real"))
    reporters = REPORTERS if source == "both" else (source,)
    columns: dict[str, list] = {"year": [], "reporter": [], "value": [], "verified": []}
    for reporter in reporters:
        if index is not None:
            series, verified = index[(reporter, flow)]
        else:
            series, verified = reporter_rows(trade, reporter, flow)
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
    frame = pd.DataFrame(columns)
    frame["nominal"] = frame["value"]
    if dollars == "real":
        cpi_s = cpi_series(cpi)
        if base_year not in cpi_s.index:
            raise SettingError(
                f"No CPI value for the base year {base_year} "
                f"(CPI covers {int(cpi_s.index.min())}-{int(cpi_s.index.max())})."
            )
        missing = sorted(set(frame["year"]) - set(cpi_s.index))
        if missing:
            raise SettingError(f"No CPI value for {years_text(missing)}: cannot convert.")
        frame["value"] = frame["nominal"] * cpi_s[base_year] / frame["year"].map(cpi_s)
    # REPORTERS and each series are already in (reporter, year) order
    return frame[["year", "reporter", "value", "nominal", "verified"]]


def missing_years(frame: pd.DataFrame, reporter: str, start: int, end: int) -> list[int]:
    """Years in ``start``..``end`` for which ``reporter`` has no row in a :func:`trade_frame`."""
    have = set(frame.loc[frame["reporter"] == reporter, "year"])
    return [y for y in range(start, end + 1) if y not in have]


def mirror_gap_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """China customs minus the Russian side in the years both report, from a :func:`trade_frame`
    with both sources. Columns china, russia, gap, gap_pct (empty when no year is shared)."""
    china = frame[frame["reporter"] == "china_customs"].set_index("year")["value"]
    russia = frame[frame["reporter"] == "russia"].set_index("year")["value"]
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
    has_deadline, set_by, status, order (position among the chosen targets, for colours).
    """
    check_years(start, end)
    cpi_s = None
    if dollars == "real":
        if cpi is None:
            raise SettingError("Real dollars need the CPI table (data/us_cpi.csv).")
        cpi_s = cpi_series(cpi)
    rows = []
    for order, row in enumerate(_chosen(targets, target_ids).to_dict("records")):
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
                "order": order,
            }
        )
    columns = ["target_id", "label", "value", "how", "x0", "x1", "has_deadline", "set_by"]
    return pd.DataFrame(rows, columns=[*columns, "status", "order"])


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


# ----------------------------------------------------------------------- growth projector


_HORIZON = 500  # years; beyond this "reached in year N" means nothing
GROWTH_COLUMNS = [
    "target",
    "deadline",
    "reached at this rate",
    "growth needed from base year",
    "note",
]


def growth_frame(
    series: pd.Series,
    targets: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """For each target: the year the projection reaches it, and the growth its deadline needed.

    ``series`` is one reporter's trade by year (see :func:`rapprochement.data.trade_series`),
    ``rate`` a fraction (0.05 = 5% a year). Columns: the five of :func:`growth_table` and, for
    the chart, goal (USD bn), deadline_year (None without one) and reached_year (None when
    not reached). Raises :class:`SettingError` for a base year without a figure or a rate of
    -100% or less.
    """
    try:
        base = analysis.value_in(series, base_year)
    except ValueError as exc:
        raise SettingError(
            f"No trade figure for the base year {base_year} in this series "
            f"(it has {years_text(series.dropna().index)}). Choose another base year."
        ) from exc
    if not math.isfinite(rate) or rate <= -1:
        raise SettingError(
            f"A growth rate of {rate:.0%} a year would wipe out trade in one year or less; "
            "choose a rate above -100%."
        )
    rows = []
    for _, t in _chosen(targets, target_ids).iterrows():
        goal = float(t["target_usd_bn"])
        deadline = _deadline(t)
        note = ""
        year: int | None = None
        if base >= goal:
            reached = "already met"
            note = f"already met in the base year {base_year} ({fmt_bn(base)})"
        elif rate > 0 and math.log(goal / base) / math.log1p(rate) > _HORIZON:
            # a tiny positive rate: analysis.year_growth_reaches would count for ever
            reached = f"not within {_HORIZON} years"
        else:
            year = analysis.year_growth_reaches(base, base_year, goal, rate)
            reached = "never at this rate" if year is None else str(year)
        if deadline is None:
            needed = math.nan
            note = note or "no official deadline"
        elif deadline <= base_year:
            needed = math.nan
            note = note or f"deadline {deadline} is not after the base year"
        else:
            needed = analysis.required_growth(base, base_year, goal, deadline)
        rows.append(
            {
                "target": target_label(t),
                "deadline": "none" if deadline is None else str(deadline),
                "reached at this rate": reached,
                "growth needed from base year": needed,
                "note": note,
                "goal": goal,
                "deadline_year": deadline,
                "reached_year": year,
            }
        )
    # the same columns when no target is chosen, so that callers can always index them
    return pd.DataFrame(rows, columns=[*GROWTH_COLUMNS, "goal", "deadline_year", "reached_year"])


def growth_table(
    series: pd.Series,
    targets: pd.DataFrame,
    *,
    base_year: int,
    rate: float,
    target_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The table students read: the five text columns of :func:`growth_frame`
    (target, deadline, reached at this rate, growth needed from base year as a fraction, note)."""
    frame = growth_frame(series, targets, base_year=base_year, rate=rate, target_ids=target_ids)
    return frame[GROWTH_COLUMNS]


# ------------------------------------------------------------- dependence and currencies


def partner_share_frame(
    trade: pd.DataFrame,
    totals: pd.DataFrame,
    partner_shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each partner's weight in the other's trade, as far as the data allow.

    Computed rows: Russia's share of China's total goods trade = GACC China-Russia total /
    China's total goods trade (``totals_context.csv``); ``verified`` is False when either input
    is unverified. Reported rows (from ``partner_shares.csv``, when given): shares as a source
    stated them, with their qualifier. Columns: year, period, series, share_pct, qualifier,
    verified, how.
    """
    china_total = totals[totals["economy"].str.startswith("China")].set_index("year")
    bilateral = trade_series(trade, "china_customs", "total")
    verified_years = set(trade_series(trade, "china_customs", "total", verified_only=True).index)
    pct = analysis.share(bilateral, china_total["total_goods_trade_usd_bn"].astype(float).dropna())
    rows = []
    for year, value in pct.items():
        verified = year in verified_years and bool(china_total.loc[year, "verified"])
        rows.append(
            {
                "year": int(year),
                "period": str(year),
                "series": "russia_in_china_trade_computed",
                "share_pct": float(value),
                "qualifier": "exact",
                "verified": verified,
                "how": (
                    f"computed: {bilateral.loc[year]:g} / "
                    f"{china_total.loc[year, 'total_goods_trade_usd_bn']:g}"
                    + ("" if verified else " (an input is unverified)")
                ),
            }
        )
    if partner_shares is not None:
        for _, r in partner_shares.iterrows():
            rows.append(
                {
                    "year": int(r["year"]),
                    "period": str(r["period"]),
                    "series": str(r["share_of"]),
                    "share_pct": float(r["share_pct"]),
                    "qualifier": str(r["qualifier"]),
                    "verified": bool(r["verified"]),
                    "how": f"reported: {r['as_stated']} ({r['stated_by']})",
                }
            )
    return pd.DataFrame(rows)


def shares_view(
    frame: pd.DataFrame,
    *,
    start: int = 2000,
    end: int = 2025,
    series: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of a :func:`partner_share_frame` in ``start``..``end`` and the chosen series."""
    check_years(start, end)
    view = frame[frame["year"].between(start, end)]
    if series is not None:
        view = view[view["series"].isin(series)]
    if view.empty:
        raise SettingError("Nothing to show for these years and series; widen the selection.")
    return view


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def period_position(period: str, year: int) -> float:
    """Where a settlement figure's ``period`` sits on a time axis, in fractional years.

    "2018-Q3" -> 2018.625 (mid-quarter), "2023-09" -> 2023.71 (mid-month), "2019" -> 2019.5,
    "2022 (beginning of year)" -> 2022.05, "2023 (early ...)" -> 2023.25; any other phrase
    -> the middle of ``year``.
    """
    period = period.strip()
    if m := _QUARTER.match(period):
        return int(m.group(1)) + (int(m.group(2)) - 0.5) / 4
    if m := _MONTH.match(period):
        day = int(m.group(3)) if m.group(3) else 15
        return int(m.group(1)) + (int(m.group(2)) - 1 + (day - 0.5) / 31) / 12
    if re.fullmatch(r"\d{4}", period):
        return int(period) + 0.5
    low = period.lower()
    if "beginning" in low:
        return year + 0.05
    if "early" in low:
        return year + 0.25
    return year + 0.5


def currency_frame(
    settlements: pd.DataFrame,
    *,
    currencies: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``settlement_currency.csv`` to draw, with an x position and a label."""
    view = settlements
    if currencies is not None:
        view = view[view["currency"].isin(currencies)]
    if measures is not None:
        view = view[view["measure"].isin(measures)]
    if view.empty:
        raise SettingError("No reported share for this choice of currencies and measures.")
    out = view[
        [
            "period",
            "year",
            "measure",
            "scope",
            "currency",
            "share_pct",
            "qualifier",
            "as_stated",
            "source_url",
            "verified",
        ]
    ].copy()
    out["x"] = [period_position(p, y) for p, y in zip(out["period"], out["year"], strict=True)]
    out["label"] = [
        f"{QUALIFIER_PREFIX[q]}{v:g}%"
        for v, q in zip(out["share_pct"], out["qualifier"], strict=True)
    ]
    out["granularity"] = [
        "quarter"
        if _QUARTER.match(p.strip())
        else "year"
        if re.fullmatch(r"\d{4}", p.strip())
        else "other"
        for p in out["period"]
    ]
    return out.sort_values(["measure", "currency", "granularity", "x"], ignore_index=True)


# ---------------------------------------------------------------------------- events


#: Themes of the timeline (one lane each) and the events.csv categories they gather.
THEME_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Partnership and treaties": ("partnership upgrade", "partnership", "treaty"),
    "Joint declarations": ("diplomatic declaration",),
    "Trade and targets": ("trade target", "trade milestone", "trade data", "border/trade"),
    "Energy, finance, economy": ("energy", "finance", "economic cooperation"),
    "China's economic policy": ("China economic policy",),
    "Sanctions and war": ("sanctions", "war"),
    "Security and multilateral": ("multilateral/security",),
    "Data and fact-checks": ("check of paper claim", "data availability"),
}
OTHER_THEME = "Other"
ALL_THEMES = (*THEME_CATEGORIES, OTHER_THEME)
_BY_CATEGORY = {c: name for name, cats in THEME_CATEGORIES.items() for c in cats}


def theme_of(category: str) -> str:
    """The theme of an events.csv category; compound ones ('a / b') go by their first part."""
    category = str(category).strip()
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category]
    first = category.split(" / ")[0].strip()
    return _BY_CATEGORY.get(first, OTHER_THEME)


def _category_parts(category: str) -> set[str]:
    return {category, *(p.strip() for p in category.split(" / "))}


def resolve_themes(events: pd.DataFrame, categories: Iterable[str] | str | None) -> list[str]:
    """Theme names selected by ``categories`` (theme names or raw events.csv categories)."""
    if categories is None:
        return list(ALL_THEMES)
    if isinstance(categories, str):
        categories = [categories]
    raw = sorted({p for c in events["category"].astype(str) for p in _category_parts(c)})
    chosen: set[str] = set()
    for name in categories:
        if name in ALL_THEMES:
            chosen.add(name)
        elif name in raw:
            chosen.add(theme_of(name))
        else:
            close = difflib.get_close_matches(str(name), [*ALL_THEMES, *raw], n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingError(f"unknown category {name!r}{hint} (themes: {', '.join(ALL_THEMES)})")
    return [n for n in ALL_THEMES if n in chosen]


def event_years(
    events: pd.DataFrame, start_year: int | None, end_year: int | None
) -> tuple[int, int]:
    """``start_year``..``end_year``, each defaulting to the first or last year of events.csv."""
    first, last = int(events["year"].min()), int(events["year"].max())
    start = first if start_year is None else int(start_year)
    end = last if end_year is None else int(end_year)
    if start > end:
        raise SettingError(f"start year ({start}) is after end year ({end})")
    return start, end


def check_dates(events: pd.DataFrame, dates: Sequence[str] | str | None) -> list[str]:
    """The event dates asked for, each checked against events.csv (close matches named)."""
    if dates is None:
        return []
    if isinstance(dates, str):
        dates = [dates]
    known = list(events["date"].astype(str))
    wanted = []
    for d in map(str, dates):
        if d not in known:
            close = difflib.get_close_matches(d, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise SettingError(f"no event dated {d!r} in events.csv{hint}")
        wanted.append(d)
    return wanted


def timeline_frame(
    events: pd.DataFrame,
    start_year: int | None = None,
    end_year: int | None = None,
    categories: Iterable[str] | str | None = None,
    highlight: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """The events a timeline draws: rows of events.csv in the years and themes chosen.

    Adds columns theme and highlighted; sorted by date. ``attrs`` keeps start, end and the
    themes chosen, which the chart needs even when no event matches. Raises
    :class:`SettingError` (a ValueError) for start after end, an unknown category or date.
    """
    start, end = event_years(events, start_year, end_year)
    chosen = resolve_themes(events, categories)
    marked = set(check_dates(events, highlight))
    frame = events.assign(
        theme=events["category"].astype(str).map(theme_of),
        highlighted=events["date"].astype(str).isin(marked),
    )
    keep = frame["year"].between(start, end) & frame["theme"].isin(chosen)
    frame = frame[keep].sort_values(["start", "date"], kind="stable")
    frame.attrs = {"start": start, "end": end, "themes": chosen}
    return frame


def events_table(
    events: pd.DataFrame,
    dates: Sequence[str],
    columns: Sequence[str] = ("date", "event", "verified", "source_url"),
) -> pd.DataFrame:
    """The events.csv rows with the given dates, in the order given (for date checks).

    Raises ValueError naming close matches for a date that is not in events.csv.
    """
    check_dates(events, dates)
    by_date = events.set_index(events["date"].astype(str))
    table = by_date.loc[list(dates), list(columns)].reset_index(drop=True)
    table.index = range(1, len(table) + 1)
    return table


# ------------------------------------------------------------------------ table display


def _table_html(frame: pd.DataFrame) -> str | None:
    inner = frame._repr_html_()
    if inner is None:
        return None
    return (
        '<div class="rapprochement-table" role="region" tabindex="0" '
        'aria-label="Table (scroll sideways with the arrow keys if it is wider than the page)" '
        'style="overflow-x:auto;max-width:100%">' + inner + "</div>"
    )


def plain_tables() -> None:
    """Show data frames in this notebook as plain, keyboard-scrollable tables.

    * ``display.html.use_mathjax`` off: pandas marks its tables ``tex2jax_ignore`` /
      ``mathjax_ignore``, so a cell with two "$" (a source note quoting dollar amounts) is
      never typeset as a formula;
    * each table sits in a box that scrolls sideways and can take the keyboard focus (a wide
      table on a narrow screen is otherwise out of reach for keyboard users; WCAG 2.1.1).

    Call it once at the top of a notebook; outside IPython only the pandas option is set.
    """
    pd.set_option("display.html.use_mathjax", False)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _table_html)
