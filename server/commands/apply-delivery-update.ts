import { LessThan, type EntityManager } from "typeorm";
import type { DeliveryUpdate } from "../../channels/connector.js";
import { EarlyDeliveryUpdate } from "../entities/early-delivery-update.entity.js";
import { Message, type DeliveryStatus } from "../entities/message.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2, read: 3 };

export function messageStatusOf(s: DeliveryUpdate["status"]): DeliveryStatus {
  if (s === "undelivered") return "failed";
  return s;
}

export type DeliveryOutcome = { kind: "updated"; message: Message } | { kind: "unchanged"; message: Message } | { kind: "early" };

/** Early receipts never matched by a send are forgotten after this long (another system's messages on a shared number). */
export const EARLY_RECEIPT_KEEP_MS = 2 * 24 * 3600_000;

/**
 * A provider's receipt for a message we sent: the message's status moves forward only (a late
 * "sent" never undoes "delivered"), so receipts may arrive twice or out of order. A receipt for
 * an id not recorded yet may have overtaken our record of the send: it is kept and applied when
 * the send is recorded (applyEarlyDeliveryUpdates), so an acknowledged receipt is never lost.
 */
export async function applyDeliveryUpdate(m: EntityManager, ctx: CommandContext, channelAccountId: number, update: DeliveryUpdate): Promise<DeliveryOutcome> {
  const repo = m.getRepository(Message);
  const msg = await repo.findOneBy({ channelAccountId, externalId: update.externalId.slice(0, 191), direction: "outbound" });
  if (!msg) {
    await m.getRepository(EarlyDeliveryUpdate).insert({
      channelAccountId,
      externalId: update.externalId.slice(0, 191),
      status: update.status,
      errorCode: update.errorCode?.slice(0, 64) ?? null,
      errorMessage: update.errorMessage?.slice(0, 500) ?? null,
      at: update.at,
      createdAt: ctx.at,
    });
    return { kind: "early" };
  }
  const next = messageStatusOf(update.status);
  const current = msg.deliveryStatus ?? "queued";
  if (RANK[next] <= RANK[current]) return { kind: "unchanged", message: msg };
  const patch: Partial<Message> = { deliveryStatus: next };
  if (next === "delivered" || (next === "read" && !msg.deliveredAt)) patch.deliveredAt = update.at;
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

/**
 * The receipts that arrived before this send was recorded, applied in arrival order and removed.
 * Called in the transaction that records the send's external id.
 */
export async function applyEarlyDeliveryUpdates(m: EntityManager, ctx: CommandContext, channelAccountId: number, externalId: string): Promise<number> {
  const repo = m.getRepository(EarlyDeliveryUpdate);
  const early = await repo.find({ where: { channelAccountId, externalId: externalId.slice(0, 191) }, order: { id: "ASC" } });
  for (const e of early) {
    const update: DeliveryUpdate = { externalId: e.externalId, status: e.status as DeliveryUpdate["status"], at: e.at, raw: {} };
    if (e.errorCode) update.errorCode = e.errorCode;
    if (e.errorMessage) update.errorMessage = e.errorMessage;
    await applyDeliveryUpdate(m, ctx, channelAccountId, update);
  }
  if (early.length) await repo.delete(early.map((e) => e.id));
  return early.length;
}

/** Forgets early receipts no send has claimed within EARLY_RECEIPT_KEEP_MS. */
export async function forgetStaleEarlyDeliveryUpdates(m: EntityManager, now: Date): Promise<number> {
  const r = await m.getRepository(EarlyDeliveryUpdate).delete({ createdAt: LessThan(new Date(now.getTime() - EARLY_RECEIPT_KEEP_MS)) });
  return r.affected ?? 0;
}
