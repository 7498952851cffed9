"""An offline map of the China-Russia border region: the border, the Power of Siberia pipeline,
the Northern Sea Route and Central Asia (the C13 material of ¶9).

Everything is drawn with plain plotly ``Scatter`` traces from files in ``data/``, so the map
needs no tile server, no CDN and no map projection library: plotly's own geo subplots would
fetch their outlines from the internet at run time.

* Country outlines: ``data/geo/region.geojson`` (Natural Earth, public domain; see
  ``data/README.md``), read by :func:`load_region`.
* Places and routes: ``data/map_places.csv`` (:func:`rapprochement.data.load_map_places`).
  The route lines are schematic: straight segments between named places.

Coordinates are projected with a Lambert azimuthal equal-area projection centred on the region
(:func:`project`), so that areas compare fairly even near the Arctic.

For a file to hand out, ``region_map().write_html("map.html", include_plotlyjs=True)`` writes
a standalone page that opens without a network (plotly.js inline, about 5 MB).

>>> fig = region_map()                                     # every layer
>>> fig = region_map(layers=["border", "power_of_siberia"])  # a selection
"""

from __future__ import annotations

import difflib
import json
import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .charts.style import FONT, MODEBAR_PX, NOTE_WIDTH, PALETTE, ChartFigure
from .data import DataFileError, data_dir, load_map_places

__all__ = [
    "CENTER",
    "LAYERS",
    "GEOMETRY_FILE",
    "load_region",
    "project",
    "region_map",
    "route_table",
]

#: Centre of the projection (longitude, latitude in degrees).
CENTER = (100.0, 55.0)
EARTH_RADIUS_KM = 6371.0
GEOMETRY_FILE = Path("geo") / "region.geojson"

#: Layers a map can show, with the legend label of each.
LAYERS: dict[str, str] = {
    "border": "China-Russia border",
    "power_of_siberia": "Power of Siberia gas pipeline (schematic)",
    "northern_sea_route": "Northern Sea Route (schematic)",
    "central_asia": "Central Asia",
}
ROUTE_STYLE = {
    "power_of_siberia": {"color": PALETTE["brown"], "dash": "solid", "symbol": "circle"},
    "northern_sea_route": {"color": PALETTE["blue"], "dash": "dash", "symbol": "diamond"},
    "arctic_place": {"color": PALETTE["reddish_purple"], "dash": "solid", "symbol": "star"},
    "border_place": {"color": PALETTE["vermillion"], "dash": "solid", "symbol": "square"},
}
#: Legend names of the single places (points on no line).
PLACE_NAMES = {
    "arctic_place": "Arctic port",
    "border_place": "Border island divided 2004-2008",
}
# Fills: Russia and China in light tints of the colours the trade charts use for each side
# (charts.style.REPORTER_COLORS: China blue, Russia vermillion).
FILLS = {
    "russia": "rgba(213, 94, 0, 0.13)",
    "china": "rgba(0, 114, 178, 0.16)",
    "central_asia": "rgba(0, 158, 115, 0.22)",
    "other": "#F2F2F2",
}
OUTLINE = "#9A9A9A"
# Area shown by default, in degrees: west, east (east of 180 as 180-360), south, north.
VIEW = (50.0, 192.0, 20.0, 78.0)
# Where each place's name sits relative to its marker (default: above).
TEXT_POSITION = {
    "Sabetta": "bottom center",
    "Dikson": "bottom right",
    "Kara Gates": "top left",
    "Blagoveshchensk": "bottom left",
    "Zhigalovo": "middle left",
    "Lensk": "middle right",
    "Bering Strait": "middle left",
    "Pevek": "top left",
    # near the east edge of the view: a label on the right was cut off on a narrow screen
    "Bolshoy Ussuriysky Island": "bottom left",
}
# Countries labelled on the map (largest part of each), by Natural Earth name.
LABELS = {
    "Russia": "RUSSIA",
    "China": "CHINA",
    "Mongolia": "Mongolia",
    "Kazakhstan": "Kazakhstan",
    "Uzbekistan": "Uzb.",
    "Turkmenistan": "Turkm.",
    "Kyrgyzstan": "Kyrg.",
    "Tajikistan": "Taj.",
    "Japan": "Japan",
    "India": "India",
}
SOURCE_NOTE = (
    "Outlines: Natural Earth 1:50m (public domain), data/geo/region.geojson; de facto boundaries "
    "as Natural Earth draws them, no position on disputed territory.<br>Routes and places: "
    "data/map_places.csv. Lines are schematic (straight segments between named places); for "
    "the two gas fields the nearest named town stands in.<br>Lambert azimuthal equal-area "
    "projection centred on 100°E, 55°N. Hollow markers: coordinates not confirmed by a page."
)


def project(
    lon: Sequence[float] | np.ndarray | float,
    lat: Sequence[float] | np.ndarray | float,
    center: tuple[float, float] = CENTER,
) -> tuple[np.ndarray, np.ndarray]:
    """Lambert azimuthal equal-area projection: kilometres east and north of ``center``.

    Longitudes may run past 180 (east of the antimeridian); NaN passes through, so NaN can
    separate the parts of a line. Raises ValueError for latitudes outside [-90, 90], for inputs
    of different lengths, and for the point opposite the centre (which has no position).
    """
    lon_a = np.atleast_1d(np.asarray(lon, dtype=float))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=float))
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat differ in length ({lon_a.size} and {lat_a.size})")
    finite = lat_a[np.isfinite(lat_a)]
    if finite.size and (finite.min() < -90 or finite.max() > 90):
        raise ValueError("latitudes must lie between -90 and 90 degrees")
    lam0, phi1 = math.radians(center[0]), math.radians(center[1])
    lam, phi = np.radians(lon_a), np.radians(lat_a)
    cos_c = math.sin(phi1) * np.sin(phi) + math.cos(phi1) * np.cos(phi) * np.cos(lam - lam0)
    if np.any(np.isclose(cos_c, -1.0)):
        raise ValueError("the point opposite the centre of the projection cannot be drawn")
    k = np.sqrt(2.0 / (1.0 + cos_c))
    x = EARTH_RADIUS_KM * k * np.cos(phi) * np.sin(lam - lam0)
    y = (
        EARTH_RADIUS_KM
        * k
        * (math.cos(phi1) * np.sin(phi) - math.sin(phi1) * np.cos(phi) * np.cos(lam - lam0))
    )
    return x, y


def _east(lon: float) -> float:
    """Longitudes west of -100 (Chukotka's far side, the Bering Strait) as 260-360."""
    return lon + 360.0 if lon < -100.0 else lon


def load_region(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The GeoJSON of country outlines and the China-Russia border, checked for shape.

    Raises :class:`rapprochement.data.DataFileError` naming the file and the feature when the
    file is not a FeatureCollection of (Multi)Polygon countries and one MultiLineString border.
    """
    file = Path(path) if path is not None else data_dir() / GEOMETRY_FILE
    name = file.name
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(name, "file not found") from None
    except json.JSONDecodeError as err:
        raise DataFileError(name, f"not valid JSON ({err.msg}, line {err.lineno})") from None
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataFileError(name, "expected a GeoJSON FeatureCollection")
    borders = 0
    for i, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        kind, gtype = props.get("kind"), geometry.get("type")
        if kind == "country" and gtype in {"Polygon", "MultiPolygon"}:
            if props.get("group") not in FILLS:
                raise DataFileError(name, f"unknown group {props.get('group')!r}", row=i)
        elif kind == "border" and gtype == "MultiLineString":
            borders += 1
        else:
            raise DataFileError(name, f"unexpected feature ({kind!r}, {gtype!r})", row=i)
    if borders != 1:
        raise DataFileError(name, f"expected one China-Russia border line, found {borders}")
    return doc


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else coords


def _joined(lines: Iterable[Sequence[Sequence[float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Projected x, y of several lines (or rings) in one array, NaN between them."""
    lon: list[float] = []
    lat: list[float] = []
    for line in lines:
        if lon:
            lon.append(math.nan)
            lat.append(math.nan)
        lon.extend(_east(float(p[0])) for p in line)
        lat.extend(float(p[1]) for p in line)
    x, y = project(lon, lat)
    # whole kilometres are finer than a screen pixel here and keep the figure small
    return np.round(x).astype(np.float32), np.round(y).astype(np.float32)


def _area_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """Area and centroid of a ring in projected kilometres (shoelace formula)."""
    x, y = project([_east(float(p[0])) for p in ring], [float(p[1]) for p in ring])
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2.0
    if area == 0:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6.0 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6.0 * area)
    return abs(float(area)), float(cx), float(cy)


def _check_layers(layers: Iterable[str] | str | None) -> list[str]:
    if layers is None:
        return list(LAYERS)
    chosen = [layers] if isinstance(layers, str) else list(layers)
    for name in chosen:
        if name not in LAYERS:
            close = difflib.get_close_matches(str(name), list(LAYERS), n=2, cutoff=0.5)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"unknown layer {name!r}{hint} (layers: {', '.join(LAYERS)})")
    return [name for name in LAYERS if name in chosen]


def route_table(places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The places of each route in order, with where their coordinates come from."""
    frame = load_map_places() if places is None else places
    missing = {"route", "seq", "place", "role", "lat", "lon", "verified"} - set(frame.columns)
    if missing:
        raise ValueError(f"expected the frame from data.load_map_places (missing {missing})")
    cols = ["route", "seq", "place", "role", "lat", "lon", "verified", "coord_source_url"]
    return frame.sort_values(["route", "seq"])[[c for c in cols if c in frame]].reset_index(
        drop=True
    )


def _wrap(text: str, width: int = 40) -> str:
    """Break a legend label into lines of about ``width`` characters."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _country_traces(region: dict[str, Any], layers: list[str]) -> list[go.Scatter]:
    rings: dict[str, list[list[list[float]]]] = {g: [] for g in FILLS}
    names: dict[str, list[str]] = {g: [] for g in FILLS}
    for feature in region["features"]:
        props = feature["properties"]
        if props["kind"] != "country":
            continue
        group = props["group"]
        if group == "central_asia" and "central_asia" not in layers:
            group = "other"
        names[group].append(props["name"])
        rings[group].extend(poly[0] for poly in _polygons(feature["geometry"]))
    traces = []
    legend = {
        "russia": "Russia",
        "china": "China",
        "central_asia": _wrap(
            f"{LAYERS['central_asia']} ({', '.join(sorted(names['central_asia']))})"
        ),
        "other": "Other countries",
    }
    for group in ("other", "central_asia", "russia", "china"):
        if not rings[group]:
            continue
        x, y = _joined(rings[group])
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=FILLS[group],
                line={"color": OUTLINE, "width": 0.6},
                name=legend[group],
                legendgroup=group,
                showlegend=group in {"russia", "china", "central_asia"},
                hoverinfo="skip",
            )
        )
    return traces


def _label_trace(region: dict[str, Any]) -> go.Scatter:
    xs, ys, texts, sizes = [], [], [], []
    for feature in region["features"]:
        props = feature["properties"]
        if props["kind"] != "country" or props["name"] not in LABELS:
            continue
        best = max((_area_centroid(p[0]) for p in _polygons(feature["geometry"])), default=None)
        if best is None:
            continue
        xs.append(round(best[1]))
        ys.append(round(best[2]))
        texts.append(LABELS[props["name"]])
        sizes.append(15 if props["name"] in {"Russia", "China"} else 11)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="text",
        text=texts,
        textfont={"size": sizes, "color": "#555555"},
        hoverinfo="skip",
        showlegend=False,
    )


def _graticule() -> go.Scatter:
    lines: list[list[tuple[float, float]]] = []
    for lat in range(20, 81, 10):
        lines.append([(lon, lat) for lon in np.arange(40.0, 200.1, 8.0)])
    for lon in range(40, 201, 20):
        lines.append([(lon, lat) for lat in np.arange(10.0, 80.1, 10.0)])
    x, y = _joined(lines)
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"color": "#DDDDDD", "width": 0.5},
        hoverinfo="skip",
        showlegend=False,
    )


def _border_trace(region: dict[str, Any]) -> go.Scatter:
    border = next(f for f in region["features"] if f["properties"]["kind"] == "border")
    x, y = _joined(border["geometry"]["coordinates"])
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"color": PALETTE["black"], "width": 2.6},
        name=LAYERS["border"],
        hoverinfo="skip",
    )


def _route_traces(places: pd.DataFrame, route: str) -> list[go.Scatter]:
    rows = places[places["route"] == route].sort_values("seq")
    if rows.empty:
        return []
    style = ROUTE_STYLE[route]
    lon = [_east(float(v)) for v in rows["lon"]]
    x, y = project(lon, rows["lat"].astype(float).tolist())
    verified = rows["verified"].astype(bool).tolist()
    hover = [
        f"<b>{r.place}</b> ({r.lat:.2f}°N, {r.lon:.2f}°{'E' if r.lon >= 0 else 'W'})"
        + ("" if ok else " <i>(unverified)</i>")
        + f"<br>{r.role}"
        for r, ok in zip(rows.itertuples(), verified, strict=True)
    ]
    single = route in PLACE_NAMES
    name = PLACE_NAMES[route] if single else LAYERS[route]
    traces = []
    if not single:
        traces.append(
            go.Scatter(
                x=np.round(x),
                y=np.round(y),
                mode="lines",
                line={"color": style["color"], "width": 3, "dash": style["dash"]},
                name=name,
                legendgroup=route,
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Scatter(
            x=np.round(x),
            y=np.round(y),
            mode="markers+text",
            marker={
                "symbol": [style["symbol"] + ("" if ok else "-open") for ok in verified],
                "size": 15 if single else 11,
                "color": style["color"],
                "line": {"color": "white", "width": 1},
            },
            text=rows["label"].tolist() if "label" in rows else rows["place"].tolist(),
            textposition=[TEXT_POSITION.get(p, "top center") for p in rows["place"]],
            textfont={"size": 11, "color": "#333333"},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            name=name if single else name + " (places)",
            legendgroup=route,
            showlegend=single,
        )
    )
    return traces


_TEMPLATE = {"layout": {"plot_bgcolor": "#FBFDFF", "paper_bgcolor": "white"}}


def _view_ranges() -> tuple[list[float], list[float]]:
    west, east, south, north = VIEW
    lons = np.concatenate([np.linspace(west, east, 60)] * 2 + [[west] * 30, [east] * 30])
    lats = np.concatenate(
        [[south] * 60, [north] * 60, np.linspace(south, north, 30), np.linspace(south, north, 30)]
    )
    x, y = project(lons, lats)
    return [float(x.min()), float(x.max())], [float(y.min()), float(y.max())]


MAP_TITLE = "Russia, China and Central Asia: the border, a pipeline and an Arctic route"


def region_map(
    layers: Iterable[str] | str | None = None,
    *,
    places: pd.DataFrame | None = None,
    region: dict[str, Any] | None = None,
    height: int = 720,
) -> go.Figure:
    """A map of Russia, China and Central Asia with the chosen ``layers`` (see :data:`LAYERS`).

    ``places`` defaults to :func:`rapprochement.data.load_map_places`, ``region`` to
    :func:`load_region`. Raises ValueError for an unknown layer name (naming close matches).
    """
    chosen = _check_layers(layers)
    region = load_region() if region is None else region
    places = load_map_places() if places is None else places
    traces: list[go.Scatter] = [_graticule(), *_country_traces(region, chosen)]
    if "border" in chosen:
        traces.append(_border_trace(region))
        traces.extend(_route_traces(places, "border_place"))
    for route in ("power_of_siberia", "northern_sea_route"):
        if route in chosen:
            traces.extend(_route_traces(places, route))
    if "northern_sea_route" in chosen:
        traces.extend(_route_traces(places, "arctic_place"))
    traces.append(_label_trace(region))
    xr, yr = _view_ranges()
    # constrain="domain": keep both ranges whole and shrink the plot area to the map's shape
    axis = {"visible": False, "showgrid": False, "zeroline": False, "constrain": "domain"}
    # a template given up front keeps plotly's large default template out of the figure;
    # a ChartFigure is shown with the charts' config (no plotly logo or online buttons)
    fig = ChartFigure(data=traces, layout={"template": _TEMPLATE})
    # The caption is wrapped into short lines (charts.style.source_note) and kept under the plot
    # by a pixel offset; the legend is one or more rows at the top (plotly keeps the plot below
    # it however many rows it takes), where it covers no land
    # whatever the width. The title is kept in meta (the notebook's heading names the map), as for
    # every chart: a title and a legend both above the plot overlap.
    note = [
        line
        for part in SOURCE_NOTE.split("<br>")
        for line in (textwrap.wrap(part, NOTE_WIDTH, break_long_words=False) or [""])
    ]
    fig.update_layout(
        title={"text": ""},
        meta={"title": MAP_TITLE},
        font=FONT,
        height=height,
        autosize=True,
        margin={"l": 10, "r": 10, "t": 20, "b": 14 * len(note) + 20},
        xaxis={**axis, "range": xr},
        yaxis={**axis, "range": yr, "scaleanchor": "x", "scaleratio": 1},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - MODEBAR_PX / height,  # below the mode bar, shown on hover
            "yanchor": "top",
            "font": {"size": 11},
        },
        hovermode="closest",
        annotations=[
            {
                "text": "<br>".join(note),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -8,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 10, "color": "#444444"},
            }
        ],
    )
    return fig
