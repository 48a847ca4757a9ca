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

/** What a session of this user still owes; reads the role's rule only when it matters. */
export async function sessionSecondFactorDue(m: EntityManager, user: User, sessionFactor: string | null, production: boolean): Promise<SecondFactorDue> {
  const enrolled = Boolean(user.totpEnabledAt);
  if (sessionFactor || enrolled) return secondFactorDue({ enrolled, sessionFactor, roleRequires: false });
  const row = await m.getRepository(RoleSecurity).findOneBy({ role: user.role });
  return secondFactorDue({ enrolled, sessionFactor, roleRequires: row ? row.requireTwoFactor : defaultRequiresTwoFactor(user.role, production) });
}

/** A user's second-factor state, for the admin's user screen. */
export async function userTwoFactorState(m: EntityManager, user: User, production: boolean) {
  const required = (await twoFactorRoles(m, production))[user.role];
  const recoveryCodesLeft = user.totpEnabledAt ? await m.getRepository(RecoveryCode).createQueryBuilder("r").where("r.user_id = :id AND r.used_at IS NULL", { id: user.id }).getCount() : 0;
  return { enabled: Boolean(user.totpEnabledAt), enabledAt: user.totpEnabledAt, required, recoveryCodesLeft };
}
