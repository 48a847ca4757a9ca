import { z } from "zod";
import { ROLES } from "../../domain/access/roles.js";
import type { User } from "../../entities/user.entity.js";
import type { Viewer } from "../../queries/viewer.js";
import type { SecondFactorDue } from "../../domain/access/two-factor.js";

export const viewerSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  agencyId: z.number().nullable(),
  /** What the session still owes: "code" (login's second step), "enrol" (role requires 2FA), "none". */
  secondFactor: z.enum(["none", "code", "enrol"]),
});

export function presentViewer(v: Viewer, secondFactor: SecondFactorDue = "none") {
  return { id: v.id, email: v.email, name: v.name, role: v.role, agencyId: v.agencyId, secondFactor };
}

/** Never includes the password hash. */
export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    agencyId: u.agencyId,
    phone: u.phone,
    locale: u.locale,
    active: u.active,
    lastLoginAt: u.lastLoginAt,
    twoFactorEnabled: Boolean(u.totpEnabledAt),
    singleSignOn: Boolean(u.oidcSubject),
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/** What OPD heads see of colleagues when assigning work. */
export function presentColleague(u: User) {
  return { id: u.id, name: u.name, role: u.role, agencyId: u.agencyId, active: u.active };
}
