"""The target explorer's chart (rapprochement.charts.targets), checked against values read by
hand from data/*.csv."""

from __future__ import annotations

import math

import pytest

from rapprochement import tables
from rapprochement.tables.common import SettingError
from rapprochement_support import figs
from rapprochement_support.expected import CPI, GACC_TOTAL, RUSSIA_TOTAL
from rapprochement_support.figs import target_explorer as _explorer
from rapprochement_support.figs import trace as _trace


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
    assert all("unverified" in t for t in figs.hovers(hollow))
    solid = _trace(fig, "China customs (GACC)", mode="markers")
    assert 2016 in solid.x and 2011 not in solid.x
    assert all(t.endswith("verified") and "unverified" not in t for t in figs.hovers(solid))


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


def test_unit_in_axis_titles(frames):
    assert "US$ bn" in _explorer(frames).layout.yaxis.title.text
    real = _explorer(frames, dollars="real", base_year=2020)
    assert "2020 prices" in real.layout.yaxis.title.text
