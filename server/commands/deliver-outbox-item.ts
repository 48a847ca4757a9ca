import type { SendResult } from "../../channels/connector.js";
import { claimLeasedRow, dueLeasedIds } from "../lib/leased-rows.js";
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

/** Exponential backoff, capped: the outbox's and (with its own policy) the webhook outbox's. */
export const backoffDelayMs = (attempt: number, policy: { baseDelayMs: number; maxDelayMs: number }) => Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
export const retryDelayMs = (attempt: number) => backoffDelayMs(attempt, OUTBOX_POLICY);

/**
 * Takes the row for sending: a compare-and-set from `pending` (due) — or from a `sending` whose lease
 * ran out — to `sending`. Exactly one of any number of concurrent claimers succeeds (the UPDATE's
 * WHERE is re-checked under the row lock), so one row is handed to connector.send() once per
 * attempt. Returns null when someone else has it, it is not due, or it is finished.
 */
export const claimOutboxItem = (db: Db, id: number, now: Date): Promise<OutboxItem | null> => claimLeasedRow(db, OutboxItem, id, now, OUTBOX_POLICY.leaseMs);

/** Rows that are due (or whose claim was lost), oldest first. */
export const dueOutboxIds = (db: Db, now: Date, limit = 100): Promise<number[]> => dueLeasedIds(db, OutboxItem, now, limit);

export type CompleteOutcome = { state: "sent" } | { state: "pending"; retryAt: Date } | { state: "failed" } | { state: "lost" };

/**
 * Records the result of one send attempt of a claimed row (only if the claim is still ours: same
 * attempt number, still `sending`), and mirrors it on the ticket message. `retryBy`: a transient
 * failure is tried again no later than this (a WhatsApp fail-over becoming due).
 */
export async function completeOutboxItem(db: Db, item: OutboxItem, result: SendResult, now: Date, retryBy?: Date): Promise<CompleteOutcome> {
  return db.tx(async (m) => {
    const repo = m.getRepository(OutboxItem);
    let outcome: CompleteOutcome;
    let patch: Partial<OutboxItem>;
    if (result.status === "sent") {
      outcome = { state: "sent" };
      patch = { state: "sent", externalId: result.externalId.slice(0, 191), sentAt: now, lockedUntil: null, lastError: null };
    } else if (result.retryable && item.attempts < OUTBOX_POLICY.maxAttempts) {
      const backoff = now.getTime() + retryDelayMs(item.attempts);
      const retryAt = new Date(retryBy ? Math.max(now.getTime(), Math.min(backoff, retryBy.getTime())) : backoff);
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
