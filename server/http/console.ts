import { existsSync, readdirSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";
import { acceptsGzip } from "./gzip.js";

/** Where scripts/build-console.mjs writes the built console. */
export const CONSOLE_DIST = resolve(fileURLToPath(new URL("../../console/dist", import.meta.url)));

/**
 * The operator console (react-admin, hash router) as static files at /console. The shell holds
 * no data: every read goes through /api, which checks the session, role and row. Hashed assets
 * are cached for good; index.html never, so a deploy takes effect on the next load.
 */
export function consoleRoutes(dist = CONSOLE_DIST, tileOrigin: string | null = null): Router {
  const router = express.Router();
  // The map's raster tiles (MAP_TILE_URL) are the one image source besides our own.
  const img = `img-src 'self' data: blob:${tileOrigin ? ` ${tileOrigin}` : ""}`;
  router.use((_req, res, next) => {
    res.setHeader(
      "Content-Security-Policy",
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; ${img}; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
    );
    next();
  });
  // The build writes a .gz beside each text file (scripts/build-console.mjs): a browser that takes
  // gzip gets it (the first screen's 660 kB of JavaScript is 218 kB so), others the file itself.
  const assets = join(dist, "assets");
  const gzipped = new Set(existsSync(assets) ? readdirSync(assets).filter((f) => f.endsWith(".gz")).map((f) => f.slice(0, -3)) : []);
  const cacheForGood = { immutable: true, maxAge: "365d" } as const;
  router.use("/assets", (req, res, next) => {
    const name = req.path.slice(1);
    if ((req.method !== "GET" && req.method !== "HEAD") || !gzipped.has(name)) return next();
    res.setHeader("Vary", "Accept-Encoding");
    if (!acceptsGzip(req)) return next();
    res.setHeader("Content-Encoding", "gzip");
    res.type(extname(name));
    res.sendFile(join(assets, `${name}.gz`), cacheForGood, (err) => err && next(err));
  });
  router.use("/assets", express.static(assets, { ...cacheForGood, index: false, fallthrough: false }));
  router.get("/{*splat}", (req, res) => {
    if (req.originalUrl.split("?")[0] === "/console") {
      res.redirect(301, "/console/");
      return;
    }
    const index = join(dist, "index.html");
    if (!existsSync(index)) {
      res.status(503).type("text/plain").send("The console is not built yet: run `npm run build:console` (npm start does it for you).");
      return;
    }
    if (req.path !== "/" && req.path !== "/index.html") {
      res.status(404).type("text/plain").send("not found");
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
