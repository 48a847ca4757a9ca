import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";

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
  router.use("/assets", express.static(join(dist, "assets"), { immutable: true, maxAge: "365d", index: false, fallthrough: false }));
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
