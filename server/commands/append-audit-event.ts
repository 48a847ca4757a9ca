import type { EntityManager } from "typeorm";
import { linkHash, ticketChain } from "../audit/chain.js";
import { AuditChainHead } from "../entities/audit-chain-head.entity.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { isDuplicateKey, RetryableConflict, sqlTime } from "../lib/db.js";
import { canonicalJson } from "../lib/crypto.js";
import { insertMany } from "../lib/insert-many.js";
import { placeholders, selectEntities } from "../lib/select-entities.js";
import { queuePublicReportRefresh } from "./queue-public-report-refresh.js";
import { queueWebhookEvents } from "./queue-webhook-events.js";

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
export function appendAuditEvent(m: EntityManager, input: AuditInput): Promise<void> {
  return appendAuditEvents(m, [input]);
}

/**
 * Chain keys whose head row this process has seen (bounded; the oldest are forgotten first). A key
 * here is only a hint: a head found missing is made to exist as before.
 */
const seenHeads = new Set<string>();
const SEEN_HEADS_MAX = 50_000;
function rememberHead(key: string): void {
  seenHeads.delete(key);
  seenHeads.add(key);
  if (seenHeads.size > SEEN_HEADS_MAX) seenHeads.delete(seenHeads.values().next().value!);
}

const chainKeyOf = (input: AuditInput) => (input.ticketId ? ticketChain(input.ticketId) : `${input.entityType}:${input.entityId ?? "-"}`);

/**
 * Appends several events (in order; any chains) with a constant number of statements plus one
 * head update per chain: the SLA sweep records thousands of events per batch this way.
 */
export async function appendAuditEvents(m: EntityManager, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const mysql = m.connection.options.type === "mysql";
  const keys = [...new Set(inputs.map(chainKeyOf))].sort();
  const at0 = new Date(Math.floor(inputs[0].at.getTime()));
  // InnoDB: locking a head row that does not exist yet takes a gap lock, and two writers starting
  // chains in the same gap then deadlock on their inserts (seen with three SLA workers). So head
  // rows are made to exist first (seq 0, in this transaction) and only those rows are locked, in
  // key order.
  // Heads this process has already seen are not inserted again (a message joining a ticket
  // extends a chain that exists: the INSERT IGNORE was one statement of every ingest batch).
  const ensureHeads = (list: string[]) =>
    m.query(`INSERT IGNORE INTO audit_chain_heads (chain_key, seq, hash, updated_at) VALUES ${list.map(() => "(?, 0, '', ?)").join(", ")}`, list.flatMap((k) => [k, at0]));
  const lockHeads = (list: string[]) => selectEntities(m, AuditChainHead, `chain_key IN (${placeholders(list.length)})`, list, `ORDER BY chain_key${mysql ? " FOR UPDATE" : ""}`);
  const unseen = mysql ? keys.filter((k) => !seenHeads.has(k)) : [];
  if (unseen.length) await ensureHeads(unseen);
  let found = await lockHeads(keys);
  if (mysql && found.length < keys.length) {
    // A head seen before is gone (its chain's first transaction rolled back, or the database was
    // restored): made to exist and locked as a new one is.
    const have = new Set(found.map((h) => h.chainKey));
    const missing = keys.filter((k) => !have.has(k));
    for (const k of missing) seenHeads.delete(k);
    await ensureHeads(missing);
    found = [...found, ...(await lockHeads(missing))];
  }
  if (mysql) for (const k of keys) rememberHead(k);
  const byKey = new Map(found.map((h) => [h.chainKey, h]));
  const state = new Map(keys.map((k) => [k, { row: byKey.get(k) ?? null, seq: 0, hash: null as string | null, at: at0 }]));
  for (const st of state.values()) if (st.row && st.row.seq > 0) Object.assign(st, { seq: st.row.seq, hash: st.row.hash });
  const events = inputs.map((input) => {
    const chainKey = chainKeyOf(input);
    const st = state.get(chainKey)!;
    const link = {
      chainKey,
      seq: st.seq + 1,
      prevHash: st.hash,
      ticketId: input.ticketId ?? null,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label.slice(0, 200),
      type: input.type,
      entityType: input.entityType,
      entityId: input.entityId == null ? null : String(input.entityId),
      beforeJson: input.before === undefined ? null : canonicalJson(input.before),
      afterJson: input.after === undefined ? null : canonicalJson(input.after),
      createdAt: new Date(Math.floor(input.at.getTime())),
    };
    const hash = linkHash(link);
    Object.assign(st, { seq: link.seq, hash, at: link.createdAt });
    return { ...link, hash };
  });
  try {
    await insertMany(m, AuditEvent, events);
    // Every head in one statement: on MySQL the rows exist and are locked (above); SQLite has one writer.
    const moved = [...state.entries()];
    const upsert = mysql
      ? "ON DUPLICATE KEY UPDATE seq = VALUES(seq), hash = VALUES(hash), updated_at = VALUES(updated_at)"
      : "ON CONFLICT (chain_key) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, updated_at = excluded.updated_at";
    for (let i = 0; i < moved.length; i += 500) {
      const part = moved.slice(i, i + 500);
      await m.query(
        `INSERT INTO audit_chain_heads (chain_key, seq, hash, updated_at) VALUES ${part.map(() => "(?, ?, ?, ?)").join(", ")} ${upsert}`,
        part.flatMap(([chainKey, st]) => [chainKey, st.seq, st.hash!, sqlTime(m, st.at)]),
      );
    }
  } catch (err) {
    // Another writer extended the same chain first: the whole transaction is retried.
    if (isDuplicateKey(err)) throw new RetryableConflict(`audit chain moved (${keys.length} chains)`);
    throw err;
  }
  // Events that integrations subscribed to leave through the webhook outbox, with this transaction.
  await queueWebhookEvents(m, inputs);
  // The public rows of the tickets these events changed are rewritten before this transaction commits.
  await queuePublicReportRefresh(m, { events: inputs, at: inputs[inputs.length - 1]!.at });
}
