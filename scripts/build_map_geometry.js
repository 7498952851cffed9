// Build data/geo/region.geojson, the country outlines the maps draw (run by maintainers only;
// the notebooks read the GeoJSON and never run this).
//
// Source: Natural Earth 1:50m Admin 0 countries (public domain), as the TopoJSON in the npm
// package world-atlas 2.0.2 (ISC licence). Steps: simplify the shared topology (so that
// neighbouring countries keep one common border line), convert to GeoJSON, keep the countries
// and parts that reach into the map's box, move the parts east of 180° (Chukotka, Alaska) to
// longitudes above 180, round to 0.01°, and add the China-Russia border as its own line (the
// arcs the two countries share).
//
//   npm install --no-save --prefix /tmp/mapbuild world-atlas@2.0.2 topojson-client@3.1.0 \
//       topojson-simplify@3.0.3
//   NODE_PATH=/tmp/mapbuild/node_modules node scripts/build_map_geometry.js
"use strict";

const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");
const simplify = require("topojson-simplify");

const world = require("world-atlas/countries-50m.json");
const OUT = path.join(__dirname, "..", "data", "geo", "region.geojson");

// The map's box in degrees (longitudes east of 180 written as 180-360).
const BOX = { west: 45, east: 195, south: 15, north: 83 };
// ... but not the Middle East and North Africa (parts wholly west of 60°E and south of 37°N).
const SOUTHWEST = { east: 60, north: 37 };
// Keep this share of the arc points (by spherical triangle area, largest first).
const KEEP = 0.03;
const RUSSIA = "643";
const CHINA = "156";
const CENTRAL_ASIA = new Set(["398", "417", "762", "795", "860"]); // KAZ KGZ TJK TKM UZB
const SKIP = new Set(["010"]); // Antarctica never reaches the box; listed for clarity

const pre = simplify.presimplify(world, simplify.sphericalTriangleArea);
const minWeight = simplify.quantile(pre, KEEP);

// The China-Russia border is what the map is about: give the arcs the two countries share a
// higher weight, so that more of their points survive the simplification.
const BORDER_BOOST = 10;
function arcIds(geometry) {
  const ids = new Set();
  const walk = (a) => (Array.isArray(a) ? a.forEach(walk) : ids.add(a < 0 ? ~a : a));
  walk(geometry.arcs);
  return ids;
}
const byId = Object.fromEntries(pre.objects.countries.geometries.map((g) => [g.id, g]));
const chinaArcs = arcIds(byId[CHINA]);
for (const i of arcIds(byId[RUSSIA])) {
  if (!chinaArcs.has(i)) continue;
  for (const point of pre.arcs[i]) if (point[2] !== Infinity) point[2] *= BORDER_BOOST;
}
const topo = simplify.simplify(pre, minWeight);

const round = (v) => Math.round(v * 100) / 100;

function shiftRing(ring) {
  // Parts lying wholly west of -100° sit across the antimeridian from Russia: move them east.
  const west = ring.every(([lon]) => lon < -100);
  const out = [];
  for (const [lon, lat] of ring) {
    const p = [round(west ? lon + 360 : lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

function inBox(ring) {
  let w = Infinity, e = -Infinity, s = Infinity, n = -Infinity;
  for (const [lon, lat] of ring) {
    w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat);
  }
  if (e < SOUTHWEST.east && n < SOUTHWEST.north) return false;
  return e >= BOX.west && w <= BOX.east && n >= BOX.south && s <= BOX.north;
}

function polygons(geometry) {
  if (!geometry) return [];
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

function group(id) {
  if (id === RUSSIA) return "russia";
  if (id === CHINA) return "china";
  if (CENTRAL_ASIA.has(id)) return "central_asia";
  return "other";
}

const features = [];
for (const country of topo.objects.countries.geometries) {
  if (SKIP.has(country.id)) continue;
  const f = topojson.feature(topo, country);
  const kept = [];
  for (const poly of polygons(f.geometry)) {
    const rings = poly.map(shiftRing).filter((r) => r.length >= 4);
    if (rings.length && inBox(rings[0])) kept.push(rings);
  }
  if (!kept.length) continue;
  features.push({
    type: "Feature",
    properties: { kind: "country", iso_n3: country.id, name: country.properties.name, group: group(country.id) },
    geometry: { type: "MultiPolygon", coordinates: kept },
  });
}

const border = topojson.mesh(
  topo,
  topo.objects.countries,
  (a, b) => (a.id === RUSSIA && b.id === CHINA) || (a.id === CHINA && b.id === RUSSIA),
);
features.push({
  type: "Feature",
  properties: { kind: "border", name: "China-Russia border", group: "border" },
  geometry: { type: "MultiLineString", coordinates: border.coordinates.map(shiftRing) },
});

features.sort((a, b) => (a.properties.iso_n3 || "999").localeCompare(b.properties.iso_n3 || "999"));
const collection = {
  type: "FeatureCollection",
  // Provenance travels with the file.
  metadata: {
    source: "Natural Earth 1:50m Admin 0 countries, version 4.1.0 (public domain), via the npm package world-atlas 2.0.2 (ISC licence)",
    source_url: "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/",
    package_url: "https://www.npmjs.com/package/world-atlas/v/2.0.2",
    processing: `topojson-simplify (spherical triangle area, ${KEEP * 100}% of points kept; China-Russia border arcs weighted x${BORDER_BOOST}), box ${JSON.stringify(BOX)}, coordinates rounded to 0.01 degree; built by scripts/build_map_geometry.js`,
    boundaries: "Natural Earth draws de facto boundaries; the map takes no position on disputed territory.",
  },
  features,
};
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, JSON.stringify(collection) + "\n");
const points = features.reduce((n, f) => n + JSON.stringify(f.geometry.coordinates).split("],[").length, 0);
console.log(`wrote ${OUT}: ${features.length} features, about ${points} points, ${fs.statSync(OUT).size} bytes`);
