/**
 * The events an outgoing webhook may subscribe to (docs/webhooks.md), each with the audit event
 * types behind it: the audit log is the one list of what happens to a ticket (the lifecycle,
 * SLA events, ratings). The server queues from this map; the console offers its keys.
 */
export const WEBHOOK_EVENT_SOURCES = {
  "ticket.created": ["ticket.received"],
  "ticket.verified": ["ticket.verified"],
  "ticket.forwarded": ["ticket.forwarded"],
  "ticket.answered": ["forward.answered"],
  "ticket.resolved": ["ticket.resolved"],
  "ticket.closed": ["ticket.closed", "ticket.auto_closed"],
  "sla.warned": ["sla.warning"],
  "sla.breached": ["sla.breach"],
  "ticket.rated": ["ticket.rated"],
} as const satisfies Record<string, readonly string[]>;

export type WebhookEvent = keyof typeof WEBHOOK_EVENT_SOURCES;
export const WEBHOOK_EVENTS = Object.keys(WEBHOOK_EVENT_SOURCES) as WebhookEvent[];

/** What an endpoint may see of a ticket: "public" (public presenter only) or "opd" (as that OPD's head, through the access gate). */
export const WEBHOOK_SCOPES = ["public", "opd"] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];
