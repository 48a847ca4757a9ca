import { Entity, Index } from "typeorm";
import type { WebhookScope } from "../../channels/rules/webhook-events.js";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";

/** "public": the public presenter's masked fields only; "opd": as that OPD's head sees it through the access gate. */
export { WEBHOOK_SCOPES, type WebhookScope } from "../../channels/rules/webhook-events.js";

/** An integration's receiver, registered by an admin. The signing secret is kept encrypted (we need it to sign). */
@Entity("webhook_endpoints")
export class WebhookEndpoint {
  @IdColumn() id: number;
  @StrColumn("name", 200) name: string;
  @StrColumn("url", 1000) url: string;
  /** JSON array of webhook event types (server/webhooks/events.ts). */
  @TextColumn("events_json") eventsJson: string;
  @StrColumn("scope", 12) scope: WebhookScope;
  /** The OPD of an "opd" endpoint. */
  @IntColumn("agency_id", { nullable: true }) agencyId: number | null;
  /** encryptSecret(ENCRYPTION_KEY, secret): shown once at creation, never again. */
  @TextColumn("secret_encrypted") secretEncrypted: string;
  /** The first characters of the secret, so admins can tell secrets apart. */
  @StrColumn("secret_prefix", 16) secretPrefix: string;
  @BoolColumn("active", { default: true }) active: boolean;
  @IntColumn("created_by_user_id", { nullable: true }) createdByUserId: number | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

/** pending -> sending -> delivered | failed (gave up); a failed attempt goes back to pending with a later next_attempt_at. */
export type WebhookDeliveryState = "pending" | "sending" | "delivered" | "failed";

/** One event for one endpoint: a row of the webhook outbox, written in the transaction that recorded the event. */
@Entity("webhook_deliveries")
@Index("ix_webhook_deliveries_due", ["state", "nextAttemptAt"])
@Index("ix_webhook_deliveries_endpoint", ["endpointId", "id"])
@Index("ux_webhook_deliveries_event", ["endpointId", "eventId"], { unique: true })
export class WebhookDelivery {
  @IdColumn() id: number;
  @IntColumn("endpoint_id") endpointId: number;
  /** The event's id, the same on every attempt and redelivery (receivers de-duplicate on it). */
  @StrColumn("event_id", 40) eventId: string;
  @StrColumn("event_type", 40) eventType: string;
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  /** Details of the event that hold no text (SLA clock and level, rating score): JSON. */
  @TextColumn("details_json", { nullable: true }) detailsJson: string | null;
  @TimeColumn("occurred_at") occurredAt: Date;
  @StrColumn("state", 12) state: WebhookDeliveryState;
  @IntColumn("attempts", { default: 0 }) attempts: number;
  @TimeColumn("next_attempt_at") nextAttemptAt: Date;
  /** Retries stop after this (at least 24 hours after the event or a manual redelivery). */
  @TimeColumn("give_up_at") giveUpAt: Date;
  @TimeColumn("locked_until", { nullable: true }) lockedUntil: Date | null;
  @IntColumn("last_status", { nullable: true }) lastStatus: number | null;
  @StrColumn("last_error", 1000, { nullable: true }) lastError: string | null;
  @TimeColumn("delivered_at", { nullable: true }) deliveredAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

/** The delivery log: one row per HTTP attempt, with the receiver's response code. */
@Entity("webhook_attempts")
@Index("ix_webhook_attempts_delivery", ["deliveryId", "id"])
export class WebhookAttempt {
  @IdColumn() id: number;
  @IntColumn("delivery_id") deliveryId: number;
  @IntColumn("attempt") attempt: number;
  /** The HTTP status the receiver answered (null: no answer: refused, timed out). */
  @IntColumn("status_code", { nullable: true }) statusCode: number | null;
  @StrColumn("error", 1000, { nullable: true }) error: string | null;
  @IntColumn("duration_ms") durationMs: number;
  @TimeColumn("attempted_at") attemptedAt: Date;
}
