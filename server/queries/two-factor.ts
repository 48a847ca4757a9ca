import type { EntityManager } from "typeorm";
import type { Role } from "../domain/access/roles.js";
import { defaultRequiresTwoFactor, secondFactorDue, twoFactorRequirements, type SecondFactorDue } from "../domain/access/two-factor.js";
import { RoleSecurity } from "../entities/two-factor.entity.js";
import type { User } from "../entities/user.entity.js";
import { RecoveryCode } from "../entities/two-factor.entity.js";

/** Every role's second-factor requirement (admin's choices over the defaults). */
export async function twoFactorRoles(m: EntityManager, production: boolean): Promise<Record<Role, boolean>> {
  return twoFactorRequirements(await m.getRepository(RoleSecurity).find(), production);
}

/**
 * The admins' per-role choices, read at most every few seconds per process (every API request of a
 * user without 2FA asks): another process sees a change within ROLES_TTL_MS, this one at once.
 */
const ROLES_TTL_MS = 5000;
const storedRoles = new WeakMap<object, { until: number; rows: Promise<RoleSecurity[]> }>();
function storedRoleChoices(m: EntityManager): Promise<RoleSecurity[]> {
  const hit = storedRoles.get(m.connection);
  if (hit && hit.until > Date.now()) return hit.rows;
  const rows = m.getRepository(RoleSecurity).find();
  rows.catch(() => storedRoles.delete(m.connection));
  storedRoles.set(m.connection, { until: Date.now() + ROLES_TTL_MS, rows });
  return rows;
}
/** After an admin's change, this process reads the choices again. */
export const forgetTwoFactorRoles = (m: EntityManager) => storedRoles.delete(m.connection);

/** What a session of this user still owes; reads the role's rule only when it matters. */
export async function sessionSecondFactorDue(m: EntityManager, user: User, sessionFactor: string | null, production: boolean): Promise<SecondFactorDue> {
  const enrolled = Boolean(user.totpEnabledAt);
  if (sessionFactor || enrolled) return secondFactorDue({ enrolled, sessionFactor, roleRequires: false });
  const row = (await storedRoleChoices(m)).find((r) => r.role === user.role);
  return secondFactorDue({ enrolled, sessionFactor, roleRequires: row ? row.requireTwoFactor : defaultRequiresTwoFactor(user.role, production) });
}

/** A user's second-factor state, for the admin's user screen. */
export async function userTwoFactorState(m: EntityManager, user: User, production: boolean) {
  const required = (await twoFactorRoles(m, production))[user.role];
  const recoveryCodesLeft = user.totpEnabledAt ? await m.getRepository(RecoveryCode).createQueryBuilder("r").where("r.user_id = :id AND r.used_at IS NULL", { id: user.id }).getCount() : 0;
  return { enabled: Boolean(user.totpEnabledAt), enabledAt: user.totpEnabledAt, required, recoveryCodesLeft };
}
