import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { WebhookDelivery, WebhookEndpoint } from "../entities/webhook.entity.js";
import { afterCommit } from "../lib/db.js";
import { insertMany } from "../lib/insert-many.js";
import { agencyIdsOfTickets } from "../queries/tickets.js";
import { eventDetails, webhookEventOfAudit, type WebhookEvent } from "../webhooks/events.js";
import type { AuditInput } from "./append-audit-event.js";

/** Retries of one delivery: exponential backoff from 30 s, capped at an hour, for 25 hours. */
export const WEBHOOK_POLICY = {
  leaseMs: 2 * 60_000,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
  /** Retries stop this long after the event (or a manual redelivery): more than the promised 24 hours. */
  retryForMs: 25 * 60 * 60_000,
  /** One attempt's HTTP timeout. */
  timeoutMs: 10_000,
};

export const endpointEvents = (e: Pick<WebhookEndpoint, "eventsJson">): WebhookEvent[] => JSON.parse(e.eventsJson) as WebhookEvent[];

/**
 * The webhook outbox: for each audit event that is a webhook event (webhooks/events.ts), a
 * delivery row per active endpoint subscribed to it — in the transaction that records the event,
 * so an event is sent if and only if it happened. Called by appendAuditEvents. An "opd" endpoint
 * gets only events of tickets forwarded to its OPD (the access gate's row rule, checked again
 * when the payload is built).
 */
export async function queueWebhookEvents(m: EntityManager, inputs: AuditInput[]): Promise<void> {
  const relevant = inputs.flatMap((input) => {
    const event = input.ticketId ? webhookEventOfAudit(input.type) : null;
    return event ? [{ input, event, ticketId: input.ticketId! }] : [];
  });
  if (relevant.length === 0) return;
  const endpoints = (await m.getRepository(WebhookEndpoint).findBy({ active: true })).map((e) => ({ e, events: new Set(endpointEvents(e)) }));
  if (endpoints.length === 0) return;
  const opd = endpoints.some(({ e }) => e.scope === "opd");
  const agencies = opd ? await agencyIdsOfTickets(m, [...new Set(relevant.map((r) => r.ticketId))]) : new Map<number, number[]>();
  const rows: Partial<WebhookDelivery>[] = [];
  for (const { input, event, ticketId } of relevant) {
    const eventId = `evt_${randomUUID().replace(/-/g, "")}`;
    const details = JSON.stringify(eventDetails(event, input.type, input.after));
    for (const { e, events } of endpoints) {
      if (!events.has(event)) continue;
      if (e.scope === "opd" && !(agencies.get(ticketId) ?? []).includes(e.agencyId ?? -1)) continue;
      rows.push({
        endpointId: e.id,
        eventId,
        eventType: event,
        ticketId,
        detailsJson: details,
        occurredAt: input.at,
        state: "pending",
        attempts: 0,
        nextAttemptAt: input.at,
        giveUpAt: new Date(input.at.getTime() + WEBHOOK_POLICY.retryForMs),
        lockedUntil: null,
        lastStatus: null,
        lastError: null,
        deliveredAt: null,
        createdAt: input.at,
        updatedAt: input.at,
      });
    }
  }
  if (rows.length === 0) return;
  await insertMany(m, WebhookDelivery, rows);
  afterCommit(m, { type: "webhook", at: relevant[0]!.input.at });
}
