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
