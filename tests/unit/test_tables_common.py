"""Helpers shared by the tables (rapprochement.tables.common)."""

from __future__ import annotations

from rapprochement import data, tables


def test_years_text_compresses_runs():
    assert tables.years_text([2024, 2007, 2008, 2009]) == "2007-2009, 2024"


def test_records_are_the_rows_as_pandas_gives_them(frames):
    import pandas as pd

    from rapprochement.tables.common import records

    def same(rows):  # each value with its type; NaN is not equal to itself: a marker
        return [
            {k: "NaN" if v != v else (type(v).__name__, v) for k, v in row.items()} for row in rows
        ]

    for name in ("targets", "trade", "settlements", "events", "totals"):
        frame = frames[name].iloc[::3] if name in frames else data.load_events()
        assert same(records(frame)) == same(frame.to_dict("records"))
    assert records(pd.DataFrame({"a": []})) == []


def test_cpi_series_is_sorted_by_year():
    import pandas as pd

    cpi = pd.DataFrame({"year": [2021, 2019, 2020], "cpi_u_annual_avg": [270.97, 255.657, 258.811]})
    series = tables.cpi_series(cpi)
    assert series.index.tolist() == [2019, 2020, 2021] and series.index.name == "year"
    assert series.tolist() == [255.657, 258.811, 270.97] and series.name == "cpi"
