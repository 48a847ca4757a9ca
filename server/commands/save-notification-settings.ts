import type { EntityManager } from "typeorm";
import { User } from "../entities/user.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export interface NotificationSettings {
  /** One e-mail a day listing the notices, instead of one e-mail per notice. */
  digest: boolean;
}

/** A user's own choice of how notices reach them by e-mail (the in-app list is always live). */
export async function saveNotificationSettings(m: EntityManager, ctx: CommandContext, userId: number, input: NotificationSettings): Promise<{ kind: "ok"; value: NotificationSettings } | { kind: "not_found"; what: string }> {
  const user = await m.getRepository(User).findOneBy({ id: userId });
  if (!user) return { kind: "not_found", what: `user ${userId}` };
  if (user.notifyDigest !== input.digest) {
    await m.getRepository(User).update({ id: userId }, { notifyDigest: input.digest, updatedAt: ctx.at });
    await appendAuditEvent(m, { actor: ctx.actor, type: "user.notification_settings", entityType: "user", entityId: userId, before: { digest: user.notifyDigest }, after: { digest: input.digest }, at: ctx.at });
  }
  return { kind: "ok", value: { digest: input.digest } };
}
