"""Fixtures the unit tests share: the data frames and explorers built from data/."""

from __future__ import annotations

import pandas as pd
import pytest

from rapprochement import data, explorers


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return data.load_all()


@pytest.fixture(scope="module")
def tables() -> dict:
    return {
        "trade": data.load_trade(),
        "targets": data.load_targets(),
        "us_cpi": data.load_us_cpi(),
        "settlement_currency": data.load_settlement_currency(),
        "events": data.load_events(),
    }


@pytest.fixture(scope="module")
def events():
    return data.load_events()


@pytest.fixture(scope="module")
def sources():
    return data.load_primary_sources()


@pytest.fixture
def projector(frames) -> explorers.growth.GrowthProjector:
    return explorers.growth.GrowthProjector(frames["trade"], frames["targets"])


@pytest.fixture
def explorer(frames) -> explorers.targets.TargetExplorer:
    return explorers.targets.TargetExplorer(frames["trade"], frames["targets"], frames["cpi"])
