"""The book's shared chart parts (scripts/book_figures.py) give back every chart exactly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import book_figures  # noqa: E402

LONG = "a hover text long enough to be shared between charts"
FIGS = [
    {
        "data": [{"x": [1, 2], "y": [3.5, 92.61000000000001], "text": [LONG, LONG]}],
        "layout": {
            "title": {"text": LONG},
            "font": {"size": 11, "family": "system-ui, sans-serif"},
        },
    },
    {
        "data": [{"x": [1, 2], "y": [3.5, 4], "text": [LONG, LONG], "marker": {"@x": 1}}],
        "layout": {"font": {"size": 11, "family": "system-ui, sans-serif"}},
    },
]


def test_parts_round_trip_in_python() -> None:
    parts = book_figures.Parts(FIGS)
    encoded = [parts.encode(f) for f in FIGS]
    assert parts.values, "nothing was shared"
    assert len(json.dumps(encoded)) + len(json.dumps(parts.values)) < len(json.dumps(FIGS))
    assert [book_figures.decode(e, parts.values) for e in encoded] == FIGS


def test_rounding_keeps_what_a_chart_shows() -> None:
    assert book_figures._short([92.61000000000001, 107.2076513, 2020.125, 1e-12, 3]) == [
        92.61,
        107.2077,
        2020.125,
        1e-12,
        3,
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_resolver_gives_back_each_chart_as_copies(tmp_path: Path) -> None:
    parts = book_figures.Parts(FIGS)
    encoded = [parts.encode(f) for f in FIGS]
    script = (
        "var window = {};\n"
        + book_figures.RESOLVER_JS % json.dumps(parts.values)
        + "var rapprochementFigure = window.rapprochementFigure;\n"
        + "".join(f'rapprochementFigure("k{i}", {json.dumps(e)});\n' for i, e in enumerate(encoded))
        + "var f = window.rapprochementFigures;\n"
        # plotly.js changes what it draws: one chart's objects must not be another's
        + "f.k0.layout.font.size = 99;\n"
        + "console.log(JSON.stringify([f.k0, f.k1, window.rapprochementParts.length]));\n"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    k0, k1, n = json.loads(out.stdout)
    assert k1 == FIGS[1] and n == len(parts.values)
    assert k0["layout"]["font"]["size"] == 99 and k0["data"] == FIGS[0]["data"]
