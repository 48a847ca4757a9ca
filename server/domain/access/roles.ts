export const ROLES = ["admin", "supervisor", "operator", "opd_head", "opd_staff"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that belong to an OPD and see only tickets forwarded to it. */
export const OPD_ROLES: readonly Role[] = ["opd_head", "opd_staff"];
/** Roles of the command center: see every ticket and the reporter's contact details. */
export const CENTER_ROLES: readonly Role[] = ["operator", "supervisor"];

export const isOpdRole = (r: Role) => OPD_ROLES.includes(r);
export const isCenterRole = (r: Role) => CENTER_ROLES.includes(r);
