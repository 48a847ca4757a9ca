import type { EntityManager } from "typeorm";
import { linkHash, ticketChain } from "../audit/chain.js";
import { AuditChainHead } from "../entities/audit-chain-head.entity.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";
import { canonicalJson } from "../lib/crypto.js";

export interface Actor {
  userId: number | null;
  /** Who, for people reading the log: an e-mail, "system", "warga via sms"… */
  label: string;
}
export const SYSTEM_ACTOR: Actor = { userId: null, label: "system" };

export interface AuditInput {
  actor: Actor;
  type: string;
  entityType: string;
  entityId?: string | number | null;
  ticketId?: number | null;
  before?: unknown;
  after?: unknown;
  at: Date;
}

/**
 * Appends one event to its chain (one chain per ticket, else per entity) inside the caller's
 * transaction. Only the head row of that chain is locked, so writers on other tickets never wait.
 */
export async function appendAuditEvent(m: EntityManager, input: AuditInput): Promise<AuditEvent> {
  const chainKey = input.ticketId ? ticketChain(input.ticketId) : `${input.entityType}:${input.entityId ?? "-"}`;
  const mysql = m.connection.options.type === "mysql";
  const heads = m.getRepository(AuditChainHead);
  const head = await heads.findOne({ where: { chainKey }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  const createdAt = new Date(Math.floor(input.at.getTime()));
  const link = {
    chainKey,
    seq: (head?.seq ?? 0) + 1,
    prevHash: head?.hash ?? null,
    ticketId: input.ticketId ?? null,
    actorUserId: input.actor.userId,
    actorLabel: input.actor.label.slice(0, 200),
    type: input.type,
    entityType: input.entityType,
    entityId: input.entityId == null ? null : String(input.entityId),
    beforeJson: input.before === undefined ? null : canonicalJson(input.before),
    afterJson: input.after === undefined ? null : canonicalJson(input.after),
    createdAt,
  };
  const hash = linkHash(link);
  try {
    const event = await m.getRepository(AuditEvent).save(m.getRepository(AuditEvent).create({ ...link, hash }));
    if (head) await heads.update({ chainKey, seq: head.seq }, { seq: link.seq, hash, updatedAt: createdAt });
    else await heads.insert({ chainKey, seq: link.seq, hash, updatedAt: createdAt });
    return event;
  } catch (err) {
    // Another writer extended the same chain first: the whole transaction is retried.
    if (isDuplicateKey(err)) throw new RetryableConflict(`audit chain ${chainKey} moved`);
    throw err;
  }
}
