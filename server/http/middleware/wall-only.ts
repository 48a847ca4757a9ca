import type { NextFunction, Request, Response } from "express";
import { isWallOnlyRole } from "../../domain/access/roles.js";
import { forbidden } from "../../lib/errors.js";

/**
 * The API paths (below /api) the kiosk role "layar" may call: its own session, the live stream and
 * the wall's aggregates (and the wall's map and photo panels). Everything else answers 403, whatever
 * a route's own role list says, so a route added later with roles "authenticated" stays closed to
 * a screen standing in a public hall.
 */
export const WALL_API_PATHS: readonly RegExp[] = [
  /^\/auth(\/|$)/,
  /^\/events\/?$/,
  /^\/wall(\/|$)/,
  /^\/map\/points\/?$/,
];

export const wallOnlyMayCall = (path: string) => WALL_API_PATHS.some((p) => p.test(path));

/** After authenticate(): a layar session reaches only WALL_API_PATHS. */
export function wallOnlyGuard(req: Request, _res: Response, next: NextFunction) {
  if (req.viewer && isWallOnlyRole(req.viewer.role) && !wallOnlyMayCall(req.path)) return next(forbidden());
  next();
}
