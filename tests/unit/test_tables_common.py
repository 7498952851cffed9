"""Helpers shared by the tables (rapprochement.tables.common)."""

from __future__ import annotations

from rapprochement import tables


def test_years_text_compresses_runs():
    assert tables.years_text([2024, 2007, 2008, 2009]) == "2007-2009, 2024"
