"""The offline region map: projection, geometry file, places and the figure."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from rapprochement import data, maps


@pytest.fixture(scope="module")
def region():
    return maps.load_region()


@pytest.fixture(scope="module")
def places():
    return data.load_map_places()


def _country(region, name):
    return next(f for f in region["features"] if f["properties"].get("name") == name)


def _great_circle(lon1, lat1, lon2, lat2) -> float:
    """Angular distance in radians (haversine), written independently of the projection."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * math.asin(math.sqrt(h))


# ------------------------------------------------------------------------------ projection


def test_projection_centre_and_directions() -> None:
    x, y = maps.project([100.0, 100.0, 110.0], [55.0, 65.0, 55.0])
    assert (round(x[0], 9), round(y[0], 9)) == (0.0, 0.0)
    assert abs(x[1]) < 1e-6 and y[1] > 0  # due north of the centre: straight up
    assert x[2] > 0  # east of the centre: to the right


@pytest.mark.parametrize(
    ("lon", "lat"), [(127.533, 50.25), (58.0, 70.5), (191.0, 65.7), (75.0, 20.0)]
)
def test_projection_keeps_the_azimuthal_equal_area_radius(lon: float, lat: float) -> None:
    # In a Lambert azimuthal equal-area projection a point at angular distance c from the
    # centre lies 2 R sin(c / 2) from the origin.
    x, y = maps.project([lon], [lat])
    c = _great_circle(*maps.CENTER, lon, lat)
    assert math.hypot(x[0], y[0]) == pytest.approx(2 * maps.EARTH_RADIUS_KM * math.sin(c / 2))


def test_projection_preserves_area() -> None:
    # A 1°x1° cell near the centre and one far away have the areas the sphere gives them.
    def cell_area(lon, lat):
        ring_lon = [lon, lon + 1, lon + 1, lon, lon]
        ring_lat = [lat, lat, lat + 1, lat + 1, lat]
        # densify the edges so that the projected outline follows the curved cell
        lons = np.concatenate(
            [np.linspace(a, b, 50) for a, b in zip(ring_lon[:-1], ring_lon[1:], strict=True)]
        )
        lats = np.concatenate(
            [np.linspace(a, b, 50) for a, b in zip(ring_lat[:-1], ring_lat[1:], strict=True)]
        )
        x, y = maps.project(lons, lats)
        return abs(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) / 2)

    for lon, lat in [(100, 55), (170, 70), (60, 25)]:
        r = maps.EARTH_RADIUS_KM
        sphere = (
            r
            * r
            * math.radians(1)
            * (math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat)))
        )
        assert cell_area(lon, lat) == pytest.approx(sphere, rel=2e-3)


def test_projection_rejects_impossible_input() -> None:
    with pytest.raises(ValueError, match="between -90 and 90"):
        maps.project([100.0], [95.0])
    with pytest.raises(ValueError, match="differ in length"):
        maps.project([100.0, 101.0], [55.0])
    with pytest.raises(ValueError, match="opposite the centre"):
        maps.project([maps.CENTER[0] - 180], [-maps.CENTER[1]])


def test_projection_passes_gaps_through() -> None:
    x, y = maps.project([100.0, math.nan, 101.0], [55.0, math.nan, 56.0])
    assert math.isnan(x[1]) and math.isnan(y[1]) and not math.isnan(x[2])


# ------------------------------------------------------------------------------ geometry


def test_geometry_file_is_small_documented_and_declared() -> None:
    path = data.data_dir() / maps.GEOMETRY_FILE
    assert path.stat().st_size < 300_000
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert "Natural Earth" in meta["source"] and "public domain" in meta["source"]
    descriptor = json.loads((data.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    assert maps.GEOMETRY_FILE.as_posix() in {r["path"] for r in descriptor["resources"]}


def test_region_holds_the_countries_the_map_colours(region) -> None:
    groups = {f["properties"]["name"]: f["properties"]["group"] for f in region["features"]}
    assert groups["Russia"] == "russia" and groups["China"] == "china"
    central = {n for n, g in groups.items() if g == "central_asia"}
    assert central == {"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}
    assert "Mongolia" in groups


def test_border_line_is_shared_by_russia_and_china(region) -> None:
    border = next(f for f in region["features"] if f["properties"]["kind"] == "border")
    points = {tuple(p) for line in border["geometry"]["coordinates"] for p in line}
    assert len(points) > 20

    def vertices(name):
        geom = _country(region, name)["geometry"]
        return {tuple(p) for poly in geom["coordinates"] for ring in poly for p in ring}

    assert points <= vertices("Russia")
    assert points <= vertices("China")
    # and it runs where the China-Russia border runs: east of Mongolia, mostly along the Amur
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    assert 115 < float(np.median(lons)) < 135 and min(lats) > 42 and max(lats) < 54


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"type": "Feature"}', "FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"kind": "river"},'
            ' "geometry": {"type": "LineString"}}]}',
            "unexpected feature",
        ),
        ('{"type": "FeatureCollection", "features": []}', "one China-Russia border"),
    ],
)
def test_bad_geometry_files_are_rejected(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "region.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(data.DataFileError, match=message):
        maps.load_region(path)


def test_missing_geometry_file_is_named(tmp_path) -> None:
    with pytest.raises(data.DataFileError, match="region.geojson: file not found"):
        maps.load_region(tmp_path / "region.geojson")


# ------------------------------------------------------------------------------ places


def test_places_form_the_routes_in_order(places) -> None:
    table = maps.route_table(places)
    pos = table[table["route"] == "power_of_siberia"]["place"].tolist()
    assert pos[-1] == "Blagoveshchensk"
    nsr = table[table["route"] == "northern_sea_route"]["place"].tolist()
    assert nsr[0] == "Kara Gates" and nsr[-1] == "Bering Strait"
    assert places["coord_source_url"].str.startswith("http").all()
    assert places["route_source_url"].str.startswith("http").all()


@pytest.mark.parametrize("place", ["Blagoveshchensk", "Bolshoy Ussuriysky Island"])
def test_border_places_lie_on_the_border(region, places, place: str) -> None:
    # Two independent sources (a page's coordinates, Natural Earth's border) must agree: the
    # city stands on the Amur, and the island at the Amur-Ussuri confluence, which is the
    # border there.
    row = places[places["place"] == place].iloc[0]
    px, py = maps.project([row["lon"]], [row["lat"]])
    border = next(f for f in region["features"] if f["properties"]["kind"] == "border")
    nearest = math.inf
    for line in border["geometry"]["coordinates"]:
        pts = np.array(line)
        bx, by = maps.project(pts[:, 0], pts[:, 1])
        for x0, y0, x1, y1 in zip(bx[:-1], by[:-1], bx[1:], by[1:], strict=True):
            dx, dy = x1 - x0, y1 - y0
            t = max(0.0, min(1.0, ((px[0] - x0) * dx + (py[0] - y0) * dy) / (dx * dx + dy * dy)))
            nearest = min(nearest, math.hypot(px[0] - x0 - t * dx, py[0] - y0 - t * dy))
    assert nearest < 40  # km: the outlines are simplified, but not by more than that


def test_arctic_route_lies_north_and_east_of_the_pipeline(places) -> None:
    nsr = places[places["route"] == "northern_sea_route"]
    assert (nsr["lat"] > 65).all()
    pos = places[places["route"] == "power_of_siberia"]
    assert (pos["lat"] < 61).all()


def test_route_table_rejects_other_frames() -> None:
    with pytest.raises(ValueError, match="load_map_places"):
        maps.route_table(pd.DataFrame({"place": ["x"]}))


# ------------------------------------------------------------------------------ figure


def test_map_draws_every_layer_offline(places) -> None:
    fig = maps.region_map()
    assert {t.type for t in fig.data} == {"scatter"}  # no geo subplot: nothing to download
    names = {t.name for t in fig.data}
    for label in maps.LAYERS.values():
        assert any(n and n.startswith(label) for n in names), label
    texts = [s for t in fig.data if t.mode and "text" in t.mode for s in (t.text or ())]
    for label in places["label"]:
        assert label in texts
    note = fig.layout.annotations[0].text
    assert "Natural Earth" in note and "data/map_places.csv" in note and "schematic" in note


def test_layers_select_what_is_drawn() -> None:
    fig = maps.region_map(layers=["border"])
    names = {t.name for t in fig.data if t.name}
    assert maps.LAYERS["border"] in names
    assert not any("Power of Siberia" in n or "Northern Sea Route" in n for n in names)
    # without the Central Asia layer the five countries are drawn like the other neighbours
    assert not any(n.startswith("Central Asia") for n in names)


def test_unknown_layer_names_a_close_match() -> None:
    with pytest.raises(ValueError, match="did you mean 'border'"):
        maps.region_map(layers=["borders"])


def test_unverified_places_are_hollow_and_labelled(places) -> None:
    changed = places.copy()
    changed.loc[changed["place"] == "Lensk", "verified"] = False
    fig = maps.region_map(places=changed, layers=["power_of_siberia"])
    marks = next(t for t in fig.data if t.name and t.name.endswith("(places)"))
    i = list(marks.text).index("Chayanda field (Lensky District)")
    assert marks.marker.symbol[i].endswith("-open")
    assert "(unverified)" in marks.hovertext[i]
    assert all(not s.endswith("-open") for j, s in enumerate(marks.marker.symbol) if j != i)


def test_figure_stays_small_for_notebooks() -> None:
    assert len(pio.to_json(maps.region_map())) < 40_000


def test_html_export_needs_no_network(tmp_path) -> None:
    # A standalone HTML file with plotly.js inline opens offline (checked in headless
    # Chromium without a network): it loads no script from elsewhere, and the figure has no
    # geo subplot, the one part of plotly.js that would fetch outlines (from cdn.plot.ly).
    path = tmp_path / "map.html"
    fig = maps.region_map()
    fig.write_html(path, include_plotlyjs=True)
    html = path.read_text(encoding="utf-8")
    assert "<script src=" not in html.replace('<script src="data:', "")
    assert not any(k.startswith("geo") for k in fig.layout.to_plotly_json())
