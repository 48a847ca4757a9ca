import type { EntityManager } from "typeorm";
import { Open311Key } from "../entities/open311-key.entity.js";
import { randomToken, sha256Hex } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/** Keys are long random tokens, so a plain SHA-256 is enough to keep them unusable at rest. */
export const open311KeyHash = (key: string) => sha256Hex(`open311:${key}`);

export type CreateOpen311KeyOutcome = { kind: "created"; key: Open311Key; secret: string };

/** A new API key for Open311 POST; the secret is returned once and never stored. */
export async function createOpen311Key(m: EntityManager, ctx: CommandContext, input: { name: string }): Promise<CreateOpen311KeyOutcome> {
  const secret = `a311_${randomToken(24)}`;
  const repo = m.getRepository(Open311Key);
  const key = await repo.save(
    repo.create({ name: input.name.trim(), keyPrefix: secret.slice(0, 12), keyHash: open311KeyHash(secret), active: true, createdByUserId: ctx.actor.userId, lastUsedAt: null, createdAt: ctx.at, updatedAt: ctx.at }),
  );
  await appendAuditEvent(m, { actor: ctx.actor, type: "open311_key.created", entityType: "open311_key", entityId: key.id, after: { name: key.name, keyPrefix: key.keyPrefix }, at: ctx.at });
  return { kind: "created", key, secret };
}

export type RevokeOpen311KeyOutcome = { kind: "ok"; key: Open311Key } | { kind: "not_found"; what: string };

export async function revokeOpen311Key(m: EntityManager, ctx: CommandContext, id: number): Promise<RevokeOpen311KeyOutcome> {
  const repo = m.getRepository(Open311Key);
  const key = await repo.findOneBy({ id });
  if (!key) return { kind: "not_found", what: `Open311 key ${id}` };
  if (key.active) {
    await repo.update({ id }, { active: false, updatedAt: ctx.at });
    Object.assign(key, { active: false, updatedAt: ctx.at });
    await appendAuditEvent(m, { actor: ctx.actor, type: "open311_key.revoked", entityType: "open311_key", entityId: key.id, before: { active: true }, after: { active: false }, at: ctx.at });
  }
  return { kind: "ok", key };
}
