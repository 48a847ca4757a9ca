export const ROLES = ["admin", "supervisor", "operator", "opd_head", "opd_staff", "layar"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that belong to an OPD and see only tickets forwarded to it. */
export const OPD_ROLES: readonly Role[] = ["opd_head", "opd_staff"];
/** Roles of the command center: see every ticket and the reporter's contact details. */
export const CENTER_ROLES: readonly Role[] = ["operator", "supervisor"];
/**
 * Roles that may open the command center's wall (/console/#/pusat-kendali). "layar" (screen) is
 * the read-only kiosk role: it logs in on a wall or TV, sees the wall's aggregates and nothing
 * else (every other API route answers 403, see server/http/middleware/wall-only.ts).
 */
export const WALL_ROLES: readonly Role[] = ["admin", "supervisor", "layar"];

export const isOpdRole = (r: Role) => OPD_ROLES.includes(r);
export const isCenterRole = (r: Role) => CENTER_ROLES.includes(r);
/** The kiosk role: the wall only, never ticket content. */
export const isWallOnlyRole = (r: Role) => r === "layar";
