// The map's files, served from our own origin so that a map works on a closed network: the offline
// province basemap (server/lib/basemap.ts), the optional tile server's address, Leaflet itself
// (from the leaflet package) and /lapor's small map-pick script. Nothing here is fetched from
// anywhere at run time.
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { provinceBasemap } from "../../lib/basemap.js";
import type { AppDeps } from "../types.js";
import { PUBLIC_CSP } from "./layout.js";
import { sendStored, storedAsset, type StoredAsset } from "./stored-asset.js";

export const MAP_ASSETS = "/publik/peta";

const require = createRequire(import.meta.url);
const LEAFLET_DIST = dirname(require.resolve("leaflet/dist/leaflet.js"));
const HERE = dirname(fileURLToPath(import.meta.url));

const files = new Map<string, StoredAsset>();
function fileAsset(path: string, type: string): StoredAsset {
  let a = files.get(path);
  if (!a) files.set(path, (a = storedAsset(type, readFileSync(path))));
  return a;
}
let basemap: StoredAsset | undefined;

/**
 * The public pages' CSP with script for a page that offers the map (/lapor): our own scripts, our
 * own basemap by fetch, and images from us or the configured tile server; still no inline script,
 * no third party. Geolocation allowed for this origin ("use my location").
 */
export function mapPageHeaders(deps: Pick<AppDeps, "config">) {
  const tiles = deps.config.mapTiles?.origin;
  const csp = PUBLIC_CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self'; connect-src 'self';").replace("img-src 'self' data:", `img-src 'self' data:${tiles ? ` ${tiles}` : ""}`);
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), interest-cohort=()");
    next();
  };
}

export function mapAssetRoutes(deps: Pick<AppDeps, "config">): Router {
  const router = express.Router();
  const serve = (req: Request, res: Response, a: StoredAsset, maxAge = 86400) => sendStored(req, res, a, maxAge);
  router.get("/provinsi.json", (req, res) => {
    if (!basemap) {
      const { body, etag } = provinceBasemap();
      basemap = storedAsset("json", body, etag);
    }
    serve(req, res, basemap);
  });
  const tiles = deps.config.mapTiles;
  const configBody = JSON.stringify({ tileUrl: tiles?.url ?? null, attribution: tiles?.attribution ?? null, basemap: `${MAP_ASSETS}/provinsi.json` });
  const config = storedAsset("json", configBody);
  router.get("/config.json", (req, res) => serve(req, res, config, 300));
  router.get("/leaflet.js", (req, res) => serve(req, res, fileAsset(join(LEAFLET_DIST, "leaflet.js"), "js")));
  router.get("/leaflet.css", (req, res) => serve(req, res, fileAsset(join(LEAFLET_DIST, "leaflet.css"), "css")));
  router.get("/images/:name", (req, res, next) => {
    const name = req.params.name;
    if (!/^(layers|layers-2x|marker-icon|marker-icon-2x|marker-shadow)\.png$/.test(name)) return next();
    serve(req, res, fileAsset(join(LEAFLET_DIST, "images", name), "png"));
  });
  router.get("/lapor.js", (req, res) => serve(req, res, fileAsset(join(HERE, "report-form-map.client.js"), "js"), 3600));
  return router;
}
