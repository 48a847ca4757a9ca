import type { EntityManager } from "typeorm";
import type { DeliveryUpdate } from "../../channels/connector.js";
import { Message, type DeliveryStatus } from "../entities/message.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };

export function messageStatusOf(s: DeliveryUpdate["status"]): DeliveryStatus {
  if (s === "read") return "delivered";
  if (s === "undelivered") return "failed";
  return s;
}

export type DeliveryOutcome = { kind: "updated"; message: Message } | { kind: "unchanged"; message: Message } | { kind: "unknown" };

/**
 * A provider's receipt for a message we sent: the message's status moves forward only (a late
 * "sent" never undoes "delivered"), so receipts may arrive twice or out of order.
 */
export async function applyDeliveryUpdate(m: EntityManager, ctx: CommandContext, channelAccountId: number, update: DeliveryUpdate): Promise<DeliveryOutcome> {
  const repo = m.getRepository(Message);
  const msg = await repo.findOneBy({ channelAccountId, externalId: update.externalId.slice(0, 191), direction: "outbound" });
  if (!msg) return { kind: "unknown" };
  const next = messageStatusOf(update.status);
  const current = msg.deliveryStatus ?? "queued";
  if (RANK[next] <= RANK[current]) return { kind: "unchanged", message: msg };
  const patch: Partial<Message> = { deliveryStatus: next };
  if (next === "delivered") patch.deliveredAt = update.at;
  if (next === "failed") patch.deliveryError = [update.errorCode, update.errorMessage].filter(Boolean).join(": ").slice(0, 500) || "failed (provider receipt)";
  await repo.update({ id: msg.id }, patch);
  Object.assign(msg, patch);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "message.delivery_updated",
    entityType: "message",
    entityId: msg.id,
    ticketId: msg.ticketId,
    before: { deliveryStatus: current },
    after: { deliveryStatus: next, ...(update.errorCode ? { errorCode: update.errorCode } : {}) },
    at: ctx.at,
  });
  return { kind: "updated", message: msg };
}
