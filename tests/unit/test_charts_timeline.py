"""The events timeline's chart (rapprochement.charts.timeline)."""

from __future__ import annotations

import pytest

from rapprochement.charts import timeline
from rapprochement_support.figs import points as _points


def _per_point(trace, value):
    """A marker property for each point: plotly applies one value to every point."""
    return [value] * len(trace.customdata) if isinstance(value, str | int | float) else value


def test_all_events_are_drawn_once(events):
    fig = timeline.timeline_figure(events)
    assert len(fig.data) == len(timeline.THEMES) + 1
    drawn = [d for t in fig.data for d in t.customdata]
    assert sorted(drawn) == sorted(events["date"].astype(str))
    assert fig.layout.xaxis.title.text == "Date"
    # each drawn lane is named inside the plot (not by tick labels, which cut a narrow chart)
    assert fig.layout.yaxis.showticklabels is False
    lanes = set(fig.layout.yaxis.categoryarray)
    # (where an annotation does not say, the chart's template does)
    default = fig.layout.template.layout.annotationdefaults
    assert lanes == {
        a.text
        for a in fig.layout.annotations
        if (a.xref or default.xref) == "paper" and a.x == 0 and a.yref == "y"
    }
    for a in fig.layout.annotations:
        if a.text in lanes:
            assert (a.xanchor or default.xanchor, a.yanchor or default.yanchor) == (
                "left",
                "bottom",
            )
            assert (a.yshift if a.yshift is not None else default.yshift) > 0
            assert not (a.showarrow if a.showarrow is not None else default.showarrow)
    assert any("Source: data/events.csv" in a.text for a in fig.layout.annotations)


def test_unverified_rows_are_hollow_and_labelled(events):
    fig = timeline.timeline_figure(events)
    for trace in fig.data:
        for date, symbol, text in zip(
            trace.customdata, _per_point(trace, trace.marker.symbol), trace.text, strict=True
        ):
            row = events[events["date"] == date].iloc[0]
            assert symbol.endswith("-open") == (not row["verified"])
            assert ("(unverified)" in text) == (not row["verified"])
            if row["verified"]:
                assert "Source: " + row["source_url"].split("/")[2] + "<br>" in text + "<br>"


def test_year_range_and_categories_filter(events):
    fig = timeline.timeline_figure(events, 2014, 2016, categories=["Sanctions and war", "energy"])
    pts = _points(fig)
    assert pts == {
        "Energy, finance, economy": ["2014-05-21", "2015-05-08"],
        "Sanctions and war": ["2014-03-17"],
    }
    assert list(fig.layout.yaxis.categoryarray) == ["Sanctions and war", "Energy, finance, economy"]
    assert "2014-2016" in fig.layout.meta["title"]


def test_highlight_enlarges_and_labels(events):
    fig = timeline.timeline_figure(events, highlight=["1997-04-23", "2021-03-23"])
    sizes = {
        d: s
        for t in fig.data
        for d, s in zip(t.customdata, _per_point(t, t.marker.size), strict=True)
    }
    assert sizes["1997-04-23"] > sizes["2001-07-16"]
    assert sizes["2021-03-23"] > sizes["2001-07-16"]
    labels = [a.text for a in fig.layout.annotations if a.showarrow]
    assert len(labels) == 2 and labels[0].startswith("1997-04-23")


def test_empty_selection_gives_a_labelled_empty_figure(events):
    fig = timeline.timeline_figure(events, 1996, 1999, categories=["Sanctions and war"])
    assert not _points(fig)
    assert any("No events match" in a.text for a in fig.layout.annotations)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_year": 2020, "end_year": 2010}, "after end year"),
        ({"categories": ["sanction"]}, "did you mean 'sanctions'"),
        ({"highlight": ["1997-04-24"]}, "did you mean '1997-04-23'"),
    ],
)
def test_impossible_arguments_raise(events, kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeline.timeline_figure(events, **kwargs)


def test_labels_sit_above_the_lanes_and_hide_no_marker(events):
    # 07 cell 9: the label of the 1997 declaration used to cover the 2001 treaty's marker
    fig = timeline.timeline_figure(events, 1996, 2022, highlight=["1997-04-23", "2021-03-23"])
    lanes = list(fig.layout.yaxis.categoryarray)
    labels = [a for a in fig.layout.annotations if a.showarrow]
    assert labels
    for a in labels:
        assert a.ayref == "y" and a.yanchor == "bottom"
        assert a.ay > len(lanes) - 0.5, "label box inside the lanes"
        assert a.ay < fig.layout.yaxis.range[1]
    close = timeline.timeline_figure(events, 1996, 2022, highlight=["2021-03-23", "2021-06-28"])
    rows = [a.ay for a in close.layout.annotations if a.showarrow]
    assert len(set(rows)) == 2, "labels of events three months apart share a row"


def test_markers_at_the_edge_of_the_range_are_drawn_whole(events) -> None:
    # events of the first and last months sit on the plot's edge: plotly would clip their
    # markers at the axis (half a marker on a narrow screen)
    fig = timeline.timeline_figure(events)
    assert fig.layout.template.data.scatter[0].cliponaxis is False
    assert all(t.cliponaxis is not True for t in fig.data)
