"""Charts (rapprochement.charts) and the tables behind them, checked against values read by
hand from data/*.csv."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from rapprochement import charts, data, tables
from rapprochement.tables.common import MEASURE_SHORT, SettingError

# Values typed by hand from data/sources/ (rapprochement_support.expected), not computed
from rapprochement_support.expected import CPI, GACC_TOTAL, RUSSIA_TOTAL

CHINA_TOTAL_2022 = 6300  # totals_context.csv, verified
# The chart palette, written by hand (tests/unit/test_charts_style.py checks its contrast).
PALETTE = {
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#8C5A2B",
    "#332288",
    "#882255",
    "#6B6B6B",
    "white",
    "black",
}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


def _explorer(frames, **kw) -> go.Figure:
    return charts.targets.target_explorer_figure(
        frames["trade"], frames["targets"], frames["cpi"], **kw
    )


def _trace(fig: go.Figure, name_part: str, mode: str | None = None):
    found = [
        t for t in fig.data if t.name and name_part in t.name and (mode is None or t.mode == mode)
    ]
    assert found, f"no trace named like {name_part!r}: {[t.name for t in fig.data]}"
    return found[0]


# --- trade frame and target explorer -------------------------------------------------------


def test_year_range_selects_exactly_those_years(frames):
    frame = tables.trade_frame(frames["trade"], frames["cpi"], start=2010, end=2015)
    assert frame["year"].tolist() == list(range(2010, 2016))
    assert frame.set_index("year").loc[2015, "value"] == GACC_TOTAL[2015]


def test_real_dollars_use_cpi_of_each_year(frames):
    frame = tables.trade_frame(frames["trade"], frames["cpi"], dollars="real", base_year=2025)
    value = frame.set_index("year").loc[2018, "value"]
    assert value == pytest.approx(GACC_TOTAL[2018] * CPI[2025] / CPI[2018])
    assert value == pytest.approx(137.26, abs=0.01)  # 107.06 x 321.943 / 251.107, by hand
    # nominal value kept beside the real one
    assert frame.set_index("year").loc[2018, "nominal"] == GACC_TOTAL[2018]


def test_explorer_markers_show_the_chosen_years(frames):
    fig = _explorer(frames, start=2010, end=2015)
    # one marker trace per kind of figure (2012 is an official's statement in trade.csv)
    markers = [
        t for t in fig.data if t.mode == "markers" and t.name.startswith("China customs (GACC)")
    ]
    assert sorted(x for t in markers for x in t.x) == list(range(2010, 2016))
    assert markers[0].y[0] == GACC_TOTAL[2010]


def test_unverified_values_are_hollow_and_say_so(frames):
    # trade.csv: China's exports to Russia are unverified for 2011-2015 and 2021, verified 2016
    fig = _explorer(frames, start=2010, end=2022, flow="china_to_russia")
    hollow = _trace(fig, "unverified value (hollow)")
    assert list(hollow.x) == [2011, 2012, 2013, 2014, 2015, 2021]
    assert hollow.marker.symbol == "circle-open"
    assert all("unverified" in t for t in hollow.text)
    solid = _trace(fig, "China customs (GACC)", mode="markers")
    assert 2016 in solid.x and 2011 not in solid.x
    assert all(t.endswith("verified") and "unverified" not in t for t in solid.text)


def test_targets_with_and_without_deadline(frames):
    fig = _explorer(frames, start=2000, end=2025, target_ids=["100bn-by-2015", "250bn-by-unstated"])
    hundred = _trace(fig, "USD 100bn by 2015")
    assert list(hundred.x) == [2011, 2015] and list(hundred.y) == [100, 100]
    assert hundred.marker.symbol[-1] == "diamond" and hundred.line.dash == "dash"
    open_ended = _trace(fig, "USD 250bn no official deadline")
    assert open_ended.line.dash == "dot" and open_ended.mode == "lines"
    assert list(open_ended.x) == [2022, 2025]


def test_axis_stretches_to_a_later_deadline(frames):
    fig = _explorer(frames, start=2000, end=2025, target_ids=["300bn-by-2030"])
    assert fig.layout.xaxis.range[1] == 2030.5


def test_real_dollar_targets_are_converted_at_their_deadline(frames):
    fig = _explorer(frames, dollars="real", base_year=2025, target_ids=["200bn-by-2020"])
    target = _trace(fig, "USD 200bn by 2020")
    assert target.y[0] == pytest.approx(200 * CPI[2025] / CPI[2020])


def test_both_sources_show_the_mirror_gap(frames):
    fig = _explorer(frames, source="both", start=2006, end=2025)
    gap = _trace(fig, "Gap")
    by_year = dict(zip(gap.x, gap.y, strict=True))
    assert by_year[2010] == pytest.approx(GACC_TOTAL[2010] - RUSSIA_TOTAL[2010])
    assert by_year[2018] == pytest.approx(GACC_TOTAL[2018] - RUSSIA_TOTAL[2018])
    assert 2024 not in by_year  # no Russian-side total for 2024
    assert gap.xaxis == "x2" and fig.layout.yaxis2.title.text == "gap, US$ bn"


def test_russian_gaps_are_left_blank(frames):
    frame = tables.trade_frame(
        frames["trade"], frames["cpi"], source="russia", start=2006, end=2025
    )
    assert tables.missing_years(frame, "russia", 2006, 2025) == [2007, 2008, 2009, 2024, 2025]
    fig = _explorer(frames, source="russia", start=2006, end=2025)
    line = fig.data[0]
    y = dict(zip(line.x, line.y, strict=True))
    assert y[2006] == 28.64
    assert y[2008] is None or math.isnan(y[2008])


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"start": 2020, "end": 2010}, "after the end year"),
        (
            {"source": "russia", "flow": "china_to_russia", "start": 2000, "end": 2020},
            "reports no figure",
        ),
        ({"dollars": "real", "base_year": 1980}, "No CPI value for the base year 1980"),
        ({"flow": "imports"}, "flow must be one of"),
    ],
)
def test_impossible_settings_raise_a_plain_setting_error(frames, kwargs, fragment):
    with pytest.raises(SettingError, match=fragment):
        _explorer(frames, **kwargs)


def test_years_text_compresses_runs():
    assert tables.years_text([2024, 2007, 2008, 2009]) == "2007-2009, 2024"


# --- tables ---------------------------------------------------------------------------------


def test_targets_table_against_the_csv(frames):
    table = tables.targets_table(frames["trade"], frames["targets"]).set_index("target")
    row = table.loc["USD 100bn by 2015 (set 2011)"]
    assert row["GACC total in deadline year (US$ bn)"] == GACC_TOTAL[2015]
    assert row["first year above target"] == "2018"
    assert row["outcome (from the data)"] == "missed"
    row = table.loc["USD 200bn by 2024 (set 2019)"]
    assert row["GACC total in deadline year (US$ bn)"] == GACC_TOTAL[2024]
    assert (row["first year above target"], row["outcome (from the data)"]) == ("2023", "met early")
    row = table.loc["USD 250bn no official deadline (set 2022)"]
    assert row["deadline"] == "none stated" and row["outcome (from the data)"] == (
        "not reached by 2025"
    )


def test_recomputed_outcomes_agree_with_recorded_status(frames):
    table = tables.targets_table(frames["trade"], frames["targets"])
    expected = {
        "missed": "missed",
        "reached early": "met early",
        "reached": "met",
        "not reached": "not reached",
        "pending": "pending",
    }
    for outcome, status in zip(
        table["outcome (from the data)"], table["status in targets.csv"], strict=True
    ):
        assert outcome.startswith(expected[status]), (outcome, status)


def test_fact_check_table(frames):
    table = tables.fact_check_table(frames["trade"]).set_index("check")
    gacc = table["China customs (GACC)"]
    assert gacc["first year above USD 100bn"] == "2018 (USD 107.06bn)"
    assert gacc["first year above USD 200bn"] == "2023 (USD 240.11bn)"
    # 228.105 / 244.81 - 1 = -6.82% (GACC announced -6.9% against its revised 2024 base)
    assert gacc["latest year-on-year change"] == "2024 to 2025: -6.8%"
    assert table.loc["first year above USD 100bn", "Russian side"] == "2018 (USD 108.3bn)"


# --- growth projector -----------------------------------------------------------------------


def test_growth_table_by_hand(frames):
    series = data.trade_series(frames["trade"])
    table = tables.growth_table(
        series, frames["targets"], base_year=2019, rate=0.05, target_ids=["200bn-by-2024"]
    ).iloc[0]
    # 110.75 x 1.05^12 = 198.9 < 200 <= 110.75 x 1.05^13 = 208.8
    assert table["reached at this rate"] == "2032"
    assert table["growth needed from base year"] == pytest.approx((200 / 110.75) ** 0.2 - 1)


def test_growth_table_target_already_met(frames):
    series = data.trade_series(frames["trade"])
    row = tables.growth_table(
        series, frames["targets"], base_year=2023, rate=0.05, target_ids=["200bn-by-2024"]
    ).iloc[0]
    assert row["reached at this rate"] == "already met"
    assert "already met in the base year 2023" in row["note"]


@pytest.mark.parametrize("rate", [-1.0, -1.5, float("nan")])
def test_growth_of_minus_100_percent_or_less_is_refused(frames, rate):
    series = data.trade_series(frames["trade"])
    with pytest.raises(SettingError, match="above -100%"):
        tables.growth_table(series, frames["targets"], base_year=2020, rate=rate)


def test_missing_base_year_is_refused(frames):
    series = data.trade_series(frames["trade"], "russia")
    with pytest.raises(SettingError, match="No trade figure for the base year 2024"):
        tables.growth_table(series, frames["targets"], base_year=2024, rate=0.05)


def test_projection_starts_at_the_actual_base_value(frames):
    fig = charts.growth.projection_figure(
        frames["trade"], frames["targets"], base_year=2019, rate=0.05, end_year=2030
    )
    proj = _trace(fig, "Projected")
    assert proj.x[0] == 2019 and proj.y[0] == 110.75
    assert proj.y[5] == pytest.approx(110.75 * 1.05**5)
    assert proj.x[-1] == 2030


# --- dependence and currencies --------------------------------------------------------------


def test_russia_share_of_china_trade(frames):
    frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    computed = frame[frame["series"] == "russia_in_china_trade_computed"].set_index("year")
    assert computed.loc[2022, "share_pct"] == pytest.approx(
        100 * GACC_TOTAL[2022] / CHINA_TOTAL_2022
    )
    assert bool(computed.loc[2022, "verified"]) is True
    assert bool(computed.loc[2024, "verified"]) is False  # China's 2024 total is unverified
    reported = frame[frame["series"] == "russia_in_china_trade"]
    assert reported["share_pct"].tolist() == [3.0]  # GACC spokesman, 2022


def test_partner_shares_figure_marks_qualifiers_and_unverified(frames):
    frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    fig = charts.shares.partner_shares_figure(frame)
    exports = _trace(fig, "China's share of Russia's exports")
    assert "~27%" in exports.text  # Gaidar Institute, 'about 27%'
    hollow = _trace(fig, "unverified (hollow)")
    assert hollow.marker.symbol.endswith("-open") and 2024 in hollow.x


@pytest.mark.parametrize(
    ("period", "year", "x"),
    [
        ("2018-Q3", 2018, 2018.625),
        ("2019", 2019, 2019.5),
        ("2022 (beginning of year)", 2022, 2022.05),
        ("2023 (early; ~March-April)", 2023, 2023.25),
    ],
)
def test_period_position(period, year, x):
    assert tables.period_position(period, year) == pytest.approx(x)


def test_settlement_traces_never_mix_measures(frames):
    fig = charts.settlements.settlement_figure(frames["settlements"], currencies=None)
    frame = tables.currency_frame(frames["settlements"])
    for trace in fig.data:
        measure = next(m for m, label in MEASURE_SHORT.items() if label in trace.name)
        rows = frame[frame["measure"] == measure]
        assert set(trace.y) <= set(rows["share_pct"])
        if measure == "official_statement":
            assert "lines" not in trace.mode  # statements are never joined into a line
    usd = _trace(fig, "US dollar: all settlements (Nikkei), annual")
    assert usd.text[0] == "~90%"  # 2015: 'about 90%'
    euro = _trace(fig, "euro: exports to China (CBR)")
    assert euro.text[0] == ">75%"  # 2020-Q4: 'more than 75%'


def test_settlement_empty_choice_is_refused(frames):
    with pytest.raises(SettingError):
        tables.currency_frame(frames["settlements"], currencies=["usd"], measures=[])


# --- conventions shared by every chart ------------------------------------------------------


def _all_figures(frames) -> list[go.Figure]:
    share_frame = tables.partner_share_frame(frames["trade"], frames["totals"], frames["shares"])
    return [
        _explorer(frames),
        _explorer(frames, source="both", dollars="real", base_year=2020),
        charts.growth.projection_figure(frames["trade"], frames["targets"]),
        charts.shares.partner_shares_figure(share_frame),
        charts.settlements.settlement_figure(frames["settlements"], currencies=None),
    ]


def test_every_chart_has_units_a_source_line_and_safe_colours(frames):
    for fig in _all_figures(frames):
        assert fig.layout.yaxis.title.text
        assert fig.layout.xaxis.title.text or fig.layout.xaxis2.title.text
        notes = [a.text for a in fig.layout.annotations if a.y <= 0 and a.yanchor == "top"]
        assert notes and any("data/" in n for n in notes), "no source line under the chart"
        colours = set()
        for t in fig.data:
            if t.marker and isinstance(t.marker.color, str):
                colours.add(t.marker.color)
            if getattr(t, "line", None) is not None and t.line.color:
                colours.add(t.line.color)
        assert colours <= PALETTE, colours - PALETTE


def test_unit_in_axis_titles(frames):
    assert "US$ bn" in _explorer(frames).layout.yaxis.title.text
    real = _explorer(frames, dollars="real", base_year=2020)
    assert "2020 prices" in real.layout.yaxis.title.text


def test_charts_display_without_online_buttons(frames, monkeypatch):
    import plotly.io as pio

    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")
    for fig in _all_figures(frames):
        config = fig._repr_mimebundle_()["application/vnd.plotly.v1+json"]["config"]
        assert config["displaylogo"] is False and config["showSendToCloud"] is False
        assert "sendDataToCloud" in config["modeBarButtonsToRemove"]
        assert fig.layout.width is None and fig.layout.legend.orientation == "h"
