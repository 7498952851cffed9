"""Fixtures the unit tests share: the data frames and explorers built from data/; and two
helpers (``from conftest import ...``): a CSV file's rows as text, and scripts/build_data.py."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from rapprochement import data, explorers


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as the file has them (text, no type conversion)."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build_data() -> ModuleType:
    """scripts/build_data.py (on the path through pyproject's pytest ``pythonpath``)."""
    import build_data as module

    return module


@pytest.fixture(scope="module")
def ipython_shell() -> InteractiveShell:
    """An IPython shell for the module: display() only publishes rich outputs inside one."""
    return InteractiveShell.instance()


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
