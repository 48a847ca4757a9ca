/**
 * Outgoing webhook events on the server: which audit event is which webhook event (the map is in
 * channels/rules/webhook-events.ts), and what of the event travels. Names follow the live
 * stream's where it has one (live/events.ts).
 */
import { WEBHOOK_EVENT_SOURCES, type WebhookEvent } from "../../channels/rules/webhook-events.js";
import { liveTypeOfAudit } from "../live/events.js";

export { WEBHOOK_EVENTS, type WebhookEvent } from "../../channels/rules/webhook-events.js";
const BY_AUDIT = new Map<string, WebhookEvent>(Object.entries(WEBHOOK_EVENT_SOURCES).flatMap(([event, types]) => types.map((t) => [t, event as WebhookEvent] as const)));

// The live stream's names for the same audit types must be these (one vocabulary for integrators).
for (const [audit, event] of BY_AUDIT) {
  const live = liveTypeOfAudit(audit);
  if (live !== "ticket.changed" && live !== event) throw new Error(`webhook event ${event} and live event ${live} name the same audit type ${audit}`);
}

/** The webhook event an audit event is, or null. */
export const webhookEventOfAudit = (auditType: string): WebhookEvent | null => BY_AUDIT.get(auditType) ?? null;

/**
 * What of an audit event's `after` travels with the webhook event: only fields without text
 * (clock kind, level, due time, rating score, statuses), whatever the endpoint's scope.
 */
export function eventDetails(event: WebhookEvent, auditType: string, after: unknown): Record<string, unknown> {
  const a = (after ?? {}) as Record<string, unknown>;
  if (event === "sla.warned" || event === "sla.breached") return { clock: a.clock ?? null, level: a.level ?? null, dueAt: a.dueAt ?? null };
  if (event === "ticket.rated") return { rating: typeof a.rating === "number" ? a.rating : null };
  if (event === "ticket.closed") return { automatic: auditType === "ticket.auto_closed" };
  return {};
}
