import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "../../entities/webhook.entity.js";

/** What admins see of an endpoint: never its secret (only the prefix); the secret itself only in the answer that created it. */
export const presentWebhookEndpoint = (e: WebhookEndpoint) => ({
  id: e.id,
  name: e.name,
  url: e.url,
  events: JSON.parse(e.eventsJson) as string[],
  scope: e.scope,
  agencyId: e.agencyId,
  secretPrefix: e.secretPrefix,
  active: e.active,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

/** A delivery of the log: ids, states and response codes; never the payload (it is built per attempt). */
export const presentWebhookDelivery = (d: WebhookDelivery, attempts?: WebhookAttempt[]) => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.eventType,
  ticketId: d.ticketId,
  occurredAt: d.occurredAt,
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.state === "pending" ? d.nextAttemptAt : null,
  giveUpAt: d.giveUpAt,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt,
  createdAt: d.createdAt,
  ...(attempts ? { log: attempts.map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, error: a.error, durationMs: a.durationMs, at: a.attemptedAt })) } : {}),
});
