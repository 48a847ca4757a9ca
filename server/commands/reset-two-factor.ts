import type { EntityManager } from "typeorm";
import { RecoveryCode } from "../entities/two-factor.entity.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import type { SaveOutcome } from "./save-agency.js";

/**
 * An admin turns another user's second factor off (a lost phone and lost recovery codes): the
 * secret and recovery codes are deleted and the user's sessions end. If the role requires a
 * second factor, the user is led to enrol again at the next login. Never one's own: a stolen
 * admin password alone must not remove the admin's second factor.
 */
export async function resetTwoFactor(m: EntityManager, ctx: CommandContext, userId: number): Promise<SaveOutcome<{ user: User }>> {
  const repo = m.getRepository(User);
  const user = await repo.findOneBy({ id: userId });
  if (!user) return { kind: "not_found", what: `user ${userId}` };
  if (user.id === ctx.actor.userId) return { kind: "violation", reason: "another admin must reset your own two-factor authentication" };
  const wasEnrolled = Boolean(user.totpEnabledAt);
  Object.assign(user, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: ctx.at });
  await repo.update({ id: user.id }, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: ctx.at });
  await m.getRepository(RecoveryCode).delete({ userId: user.id });
  await m.getRepository(Session).delete({ userId: user.id });
  await appendAuditEvent(m, { actor: ctx.actor, type: "user.two_factor_reset", entityType: "user", entityId: user.id, before: { twoFactor: wasEnrolled }, after: { twoFactor: false }, at: ctx.at });
  return { kind: "ok", value: { user } };
}
