import type { EntityManager } from "typeorm";
import { WebhookAttempt, WebhookDelivery } from "../entities/webhook.entity.js";
import { claimLeasedRow, dueLeasedIds } from "../lib/leased-rows.js";
import { afterCommit, sqlTime, type Db } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { backoffDelayMs } from "./deliver-outbox-item.js";
import { WEBHOOK_POLICY } from "./queue-webhook-events.js";

/**
 * Takes a due delivery for one attempt: a compare-and-set from `pending` (due) or a `sending`
 * whose lease ran out, so any number of workers send each attempt once (as claimOutboxItem).
 */
export const claimWebhookDelivery = (db: Db, id: number, now: Date): Promise<WebhookDelivery | null> => claimLeasedRow(db, WebhookDelivery, id, now, WEBHOOK_POLICY.leaseMs);

/** Deliveries due (or whose claim was lost), oldest first. */
export const dueWebhookDeliveryIds = (db: Db, now: Date, limit = 100): Promise<number[]> => dueLeasedIds(db, WebhookDelivery, now, limit);

/** What one attempt got: a 2xx, another status, or no answer (refused, timed out: statusCode null). */
export interface WebhookAttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** False when retrying cannot help (the ticket left the endpoint's scope). */
  retryable?: boolean;
}

export type WebhookCompleteOutcome = { state: "delivered" } | { state: "pending"; retryAt: Date } | { state: "failed" } | { state: "lost" };

/** Records one attempt in the delivery log and moves the delivery on (only if the claim is still ours). */
export async function completeWebhookDelivery(db: Db, d: WebhookDelivery, result: WebhookAttemptResult, now: Date): Promise<WebhookCompleteOutcome> {
  return db.tx(async (m) => {
    const ok = result.statusCode != null && result.statusCode >= 200 && result.statusCode < 300;
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`).slice(0, 1000);
    let outcome: WebhookCompleteOutcome;
    let patch: Partial<WebhookDelivery>;
    const retryAt = new Date(now.getTime() + backoffDelayMs(d.attempts, WEBHOOK_POLICY));
    if (ok) {
      outcome = { state: "delivered" };
      patch = { state: "delivered", deliveredAt: now };
    } else if (result.retryable !== false && retryAt.getTime() <= d.giveUpAt.getTime()) {
      outcome = { state: "pending", retryAt };
      patch = { state: "pending", nextAttemptAt: retryAt };
    } else {
      outcome = { state: "failed" };
      patch = { state: "failed" };
    }
    const r = await m
      .getRepository(WebhookDelivery)
      .update({ id: d.id, state: "sending", attempts: d.attempts }, { ...patch, lockedUntil: null, lastStatus: result.statusCode, lastError: error, updatedAt: now });
    if (!r.affected) return { state: "lost" };
    await m.getRepository(WebhookAttempt).insert({ deliveryId: d.id, attempt: d.attempts, statusCode: result.statusCode, error, durationMs: Math.round(result.durationMs), attemptedAt: now });
    return outcome;
  });
}

export type RedeliverOutcome = { kind: "ok"; delivery: WebhookDelivery } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string };

/**
 * An admin sends a delivery again (after it failed, or to replay a delivered one): the same event
 * id, at once, with a new retry window.
 */
export async function redeliverWebhook(m: EntityManager, ctx: CommandContext, id: number): Promise<RedeliverOutcome> {
  const repo = m.getRepository(WebhookDelivery);
  const d = await repo.findOneBy({ id });
  if (!d) return { kind: "not_found", what: `webhook delivery ${id}` };
  if (d.state === "sending") return { kind: "violation", reason: "an attempt is in progress (sedang dikirim)" };
  const patch: Partial<WebhookDelivery> = { state: "pending", nextAttemptAt: ctx.at, giveUpAt: new Date(ctx.at.getTime() + WEBHOOK_POLICY.retryForMs), lockedUntil: null, updatedAt: ctx.at };
  const r = await repo.update({ id, state: d.state, attempts: d.attempts }, patch);
  if (!r.affected) return { kind: "violation", reason: "the delivery changed meanwhile; try again (coba lagi)" };
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "webhook.redelivery_requested",
    entityType: "webhook_endpoint",
    entityId: d.endpointId,
    after: { deliveryId: d.id, eventId: d.eventId, eventType: d.eventType, previousState: d.state },
    at: ctx.at,
  });
  afterCommit(m, { type: "webhook", at: ctx.at });
  return { kind: "ok", delivery: Object.assign(d, patch) };
}
