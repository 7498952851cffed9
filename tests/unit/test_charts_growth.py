"""The growth projector's chart (rapprochement.charts.growth), checked against values read by
hand from data/*.csv."""

from __future__ import annotations

import pytest

from rapprochement import charts
from rapprochement_support.figs import trace as _trace


def test_projection_starts_at_the_actual_base_value(frames):
    fig = charts.growth.projection_figure(
        frames["trade"], frames["targets"], base_year=2019, rate=0.05, end_year=2030
    )
    proj = _trace(fig, "Projected")
    assert proj.x[0] == 2019 and proj.y[0] == 110.75
    assert proj.y[5] == pytest.approx(110.75 * 1.05**5)
    assert proj.x[-1] == 2030
