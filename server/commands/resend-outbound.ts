import type { EntityManager } from "typeorm";
import { Message } from "../entities/message.entity.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { afterCommit } from "../lib/db.js";
import { NO_ROUTE_REASON } from "./add-message.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { findReplyRoute, queueOutbound } from "./queue-outbound.js";

export type ResendOutcome =
  | { kind: "ok"; message: Message; outboxId: number }
  /** It is already queued or being sent: nothing is added, so it cannot go out twice. */
  | { kind: "already_pending"; message: Message; outboxId: number }
  | { kind: "not_found"; what: string }
  | { kind: "violation"; reason: string; code?: string };

/**
 * An operator's "Kirim ulang": a message to the citizen that failed (the provider refused it, or
 * reported it undeliverable) goes through the normal outbox again — the SAME outbox row, reset to
 * pending with a fresh attempt budget, so the deliver-outbound job sends it once more and the
 * console follows it as before. A message that is still queued or retrying is left alone (a double
 * click sends nothing twice); one that got through is refused. A failed reply that never had a row
 * (no channel reached the citizen then) is queued now if a channel reaches them.
 */
export async function resendOutbound(m: EntityManager, ctx: CommandContext, messageId: number): Promise<ResendOutcome> {
  const messages = m.getRepository(Message);
  const message = await messages.findOneBy({ id: messageId });
  if (!message || message.direction !== "outbound") return { kind: "not_found", what: `outbound message ${messageId}` };
  const outbox = m.getRepository(OutboxItem);
  const item = await outbox.findOne({ where: { messageId }, order: { id: "DESC" } });
  if (item && (item.state === "pending" || item.state === "sending")) return { kind: "already_pending", message, outboxId: item.id };
  const failed = item ? item.state === "failed" || message.deliveryStatus === "failed" : message.deliveryStatus === "failed";
  if (!failed) return { kind: "violation", code: "not_failed", reason: `message ${messageId} was not refused (${message.deliveryStatus ?? "queued"}); only a failed message is sent again` };

  const before = { deliveryStatus: message.deliveryStatus, deliveryError: message.deliveryError ?? null, outboxState: item?.state ?? null, attempts: item?.attempts ?? 0 };
  let outboxId: number;
  if (item) {
    // Compare-and-set on the state read above: of two concurrent resends, one resets the row.
    const r = await outbox.update(
      { id: item.id, state: item.state, attempts: item.attempts },
      { state: "pending", attempts: 0, nextAttemptAt: ctx.at, lockedUntil: null, externalId: null, sentAt: null, updatedAt: ctx.at },
    );
    if (!r.affected) return { kind: "already_pending", message, outboxId: item.id };
    // The old provider id goes, so a late receipt of the refused attempt cannot mark the new one.
    await messages.update({ id: message.id }, { deliveryStatus: "queued", deliveryError: null, externalId: null, sentAt: null, deliveredAt: null });
    Object.assign(message, { deliveryStatus: "queued", deliveryError: null, externalId: null, sentAt: null, deliveredAt: null });
    outboxId = item.id;
    afterCommit(m, { type: "outbox", outboxId, at: ctx.at });
  } else {
    const ticket = await m.getRepository(Ticket).findOneBy({ id: message.ticketId });
    if (!ticket) return { kind: "not_found", what: `ticket ${message.ticketId}` };
    const route = await findReplyRoute(m, ticket);
    if (!route) return { kind: "violation", code: "unreachable", reason: NO_ROUTE_REASON };
    const queued = await queueOutbound(m, ctx, { route, ticket, message, body: message.body, subject: message.subject ?? `Re: ${ticket.subject}`.slice(0, 300), automated: message.authorUserId == null, auditType: "message.reply_outbox" });
    await messages.update({ id: message.id }, { deliveryError: null });
    message.deliveryError = null;
    outboxId = queued.item.id;
  }
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "message.resend_requested",
    entityType: "message",
    entityId: message.id,
    ticketId: message.ticketId,
    before,
    after: { outboxId, deliveryStatus: "queued" },
    at: ctx.at,
  });
  return { kind: "ok", message, outboxId };
}
