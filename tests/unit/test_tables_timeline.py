"""The events table and its themes (rapprochement.tables.timeline)."""

from __future__ import annotations

import pytest

from rapprochement import tables


def test_every_category_has_a_theme(events):
    themes = {tables.theme_of(c) for c in events["category"]}
    assert "Other" not in themes
    assert tables.theme_of("partnership upgrade / trade target") == "Partnership and treaties"
    assert tables.theme_of("something new") == "Other"


def test_events_table_keeps_the_order_given(events):
    table = tables.events_table(events, ["2015", "2019-06-05"], columns=("date", "verified"))
    assert table["date"].tolist() == ["2015", "2019-06-05"]
    assert table["verified"].tolist() == [False, True]
    assert list(table.index) == [1, 2]
    with pytest.raises(ValueError, match="did you mean"):
        tables.events_table(events, ["2019-06-06"])


def test_an_empty_selection_keeps_the_columns_types(events):
    from rapprochement.tables import timeline_frame

    full = timeline_frame(events, highlight=["2021-03-23"])
    empty = timeline_frame(events, 2030, 2040)
    assert empty.empty and list(empty.columns) == list(full.columns)
    assert empty["highlighted"].dtype == bool and full["highlighted"].dtype == bool
    assert empty["theme"].dtype == full["theme"].dtype
    assert full["highlighted"].sum() == 1
    dates = list(zip(full["start"], full["date"], strict=True))
    assert dates == sorted(dates)
