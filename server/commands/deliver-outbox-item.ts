import type { SendResult } from "../../channels/connector.js";
import { Message } from "../entities/message.entity.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { sqlTime, type Db } from "../lib/db.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";
import { applyEarlyDeliveryUpdates } from "./apply-delivery-update.js";

export const OUTBOX_POLICY = {
  /** A claim not completed within this time is considered lost (worker died) and may be retaken. */
  leaseMs: 2 * 60_000,
  /** Delay before retry n: base * 2^(n-1), capped. */
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 12,
};

export const retryDelayMs = (attempt: number) => Math.min(OUTBOX_POLICY.baseDelayMs * 2 ** Math.max(0, attempt - 1), OUTBOX_POLICY.maxDelayMs);

/**
 * Takes the row for sending: a compare-and-set from `pending` (due) — or from a `sending` whose lease
 * ran out — to `sending`. Exactly one of any number of concurrent claimers succeeds (the UPDATE's
 * WHERE is re-checked under the row lock), so one row is handed to connector.send() once per
 * attempt. Returns null when someone else has it, it is not due, or it is finished.
 */
export async function claimOutboxItem(db: Db, id: number, now: Date): Promise<OutboxItem | null> {
  return db.tx(async (m) => {
    const t = (d: Date) => sqlTime(m, d);
    const r = await m
      .createQueryBuilder()
      .update(OutboxItem)
      .set({ state: "sending", lockedUntil: () => ":lease", attempts: () => "attempts + 1", updatedAt: () => ":now" })
      .where("id = :id", { id })
      .andWhere("((state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND locked_until < :now))")
      .setParameters({ now: t(now), lease: t(new Date(now.getTime() + OUTBOX_POLICY.leaseMs)) })
      .execute();
    if (!r.affected) return null;
    return m.getRepository(OutboxItem).findOneBy({ id });
  });
}

/** Rows that are due (or whose claim was lost), oldest first. */
export async function dueOutboxIds(db: Db, now: Date, limit = 100): Promise<number[]> {
  const m = db.manager;
  const t = sqlTime(m, now);
  const rows = await m
    .getRepository(OutboxItem)
    .createQueryBuilder("o")
    .select("o.id", "id")
    .where("(o.state = 'pending' AND o.next_attempt_at <= :now) OR (o.state = 'sending' AND o.locked_until < :now)", { now: t })
    .orderBy("o.next_attempt_at", "ASC")
    .limit(limit)
    .getRawMany<{ id: number }>();
  return rows.map((r) => Number(r.id));
}

export type CompleteOutcome = { state: "sent" } | { state: "pending"; retryAt: Date } | { state: "failed" } | { state: "lost" };

/**
 * Records the result of one send attempt of a claimed row (only if the claim is still ours: same
 * attempt number, still `sending`), and mirrors it on the ticket message.
 */
export async function completeOutboxItem(db: Db, item: OutboxItem, result: SendResult, now: Date): Promise<CompleteOutcome> {
  return db.tx(async (m) => {
    const repo = m.getRepository(OutboxItem);
    let outcome: CompleteOutcome;
    let patch: Partial<OutboxItem>;
    if (result.status === "sent") {
      outcome = { state: "sent" };
      patch = { state: "sent", externalId: result.externalId.slice(0, 191), sentAt: now, lockedUntil: null, lastError: null };
    } else if (result.retryable && item.attempts < OUTBOX_POLICY.maxAttempts) {
      const retryAt = new Date(now.getTime() + retryDelayMs(item.attempts));
      outcome = { state: "pending", retryAt };
      patch = { state: "pending", nextAttemptAt: retryAt, lockedUntil: null, lastError: result.reason.slice(0, 1000) };
    } else {
      outcome = { state: "failed" };
      patch = { state: "failed", lockedUntil: null, lastError: result.reason.slice(0, 1000) };
    }
    const r = await repo.update({ id: item.id, state: "sending", attempts: item.attempts }, { ...patch, updatedAt: now });
    if (!r.affected) return { state: "lost" };
    if (item.messageId && outcome.state !== "pending") {
      const messages = m.getRepository(Message);
      if (outcome.state === "sent") {
        await messages.update({ id: item.messageId }, { deliveryStatus: "sent", externalId: patch.externalId!, sentAt: now, deliveryError: null });
      } else {
        await messages.update({ id: item.messageId }, { deliveryStatus: "failed", deliveryError: patch.lastError!.slice(0, 500) });
      }
    }
    if (outcome.state !== "pending") {
      await appendAuditEvent(m, {
        actor: SYSTEM_ACTOR,
        type: outcome.state === "sent" ? "message.sent" : "message.send_failed",
        entityType: "outbox",
        entityId: item.id,
        ticketId: item.ticketId,
        after: { outboxId: item.id, messageId: item.messageId, attempts: item.attempts, ...(outcome.state === "sent" ? { externalId: patch.externalId } : { error: patch.lastError }) },
        at: now,
      });
    }
    // Receipts the provider sent before this commit (they overtook our record of the send) apply now, after it.
    if (outcome.state === "sent" && item.messageId) {
      await applyEarlyDeliveryUpdates(m, { actor: { userId: null, label: "provider receipt (early)" }, at: now, secretKey: "" }, item.channelAccountId, patch.externalId!);
    }
    return outcome;
  });
}
