import type { EntityManager } from "typeorm";
import { type Role } from "../domain/access/roles.js";
import { twoFactorRequirements } from "../domain/access/two-factor.js";
import { RoleSecurity } from "../entities/two-factor.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/** An admin decides which roles must use a second factor; the change applies at each user's next request. */
export async function saveTwoFactorRoles(m: EntityManager, ctx: CommandContext, production: boolean, input: Partial<Record<Role, boolean>>): Promise<Record<Role, boolean>> {
  const repo = m.getRepository(RoleSecurity);
  const before = twoFactorRequirements(await repo.find(), production);
  for (const [role, requireTwoFactor] of Object.entries(input) as [Role, boolean][]) {
    await repo.save({ role, requireTwoFactor, updatedAt: ctx.at });
  }
  const after = twoFactorRequirements(await repo.find(), production);
  await appendAuditEvent(m, { actor: ctx.actor, type: "security.two_factor_roles", entityType: "security", entityId: "two_factor_roles", before, after, at: ctx.at });
  return after;
}
