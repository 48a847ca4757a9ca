import type { EntityManager } from "typeorm";
import type { TemplateMessage } from "../../channels/connector.js";
import { isOpenStatus } from "../domain/ticket/lifecycle.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow } from "../entities/rows.js";
import { Ticket } from "../entities/ticket.entity.js";
import { caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { findReplyRoute, queueOutbound } from "./queue-outbound.js";

export interface AddMessageInput {
  ticketId: number;
  direction: "note" | "outbound";
  body: string;
  /** Outbound only: send this approved template (body is its rendered text). The caller checked it is allowed. */
  template?: TemplateMessage;
}
/** Why a reply to a citizen no channel reaches is failed at once (also refused by a resend). */
export const NO_ROUTE_REASON = "no channel account reaches this citizen (no channel message, no phone/e-mail account)";

export type AddMessageOutcome = { kind: "ok"; message: Message } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string };

/**
 * An internal note, or a reply to the citizen on the channel they wrote on. A reply is stored
 * queued with its outbox row; the deliver-outbound job sends it. When the citizen cannot be reached
 * (no channel account, no address) the reply is kept and marked failed with the reason.
 */
export async function addMessage(m: EntityManager, ctx: CommandContext, input: AddMessageInput): Promise<AddMessageOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: input.ticketId });
  if (!ticket) return { kind: "not_found", what: `ticket ${input.ticketId}` };
  if (input.direction === "outbound" && !isOpenStatus(ticket.status) && ticket.status !== "closed") {
    return { kind: "violation", reason: `cannot reply on a ${ticket.status} ticket` };
  }
  const repo = m.getRepository(Message);
  const message = await repo.save(
    repo.create(
      newMessageRow({
        ticketId: ticket.id,
        direction: input.direction,
        channel: ticket.channel,
        contactId: input.direction === "outbound" ? ticket.contactId : null,
        authorUserId: ctx.actor.userId,
        body: input.body.trim(),
        at: ctx.at,
      }),
    ),
  );
  if (input.direction === "outbound") {
    const route = await findReplyRoute(m, ticket);
    if (route) await queueOutbound(m, ctx, { route, ticket, message, body: message.body, subject: `Re: ${ticket.subject}`.slice(0, 300), automated: false, auditType: "message.reply_outbox", template: input.template ?? null });
    else {
      const reason = NO_ROUTE_REASON;
      await repo.update({ id: message.id }, { deliveryStatus: "failed", deliveryError: reason });
      Object.assign(message, { deliveryStatus: "failed", deliveryError: reason });
    }
  }
  if (input.direction === "outbound" && !ticket.firstResponseAt) {
    await m.getRepository(Ticket).update({ id: ticket.id }, { firstResponseAt: ctx.at, updatedAt: ctx.at });
  }
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: input.direction === "note" ? "message.note_added" : "message.reply_queued",
    entityType: "message",
    entityId: message.id,
    ticketId: ticket.id,
    after: {
      messageId: message.id,
      direction: message.direction,
      length: message.body.length,
      ...(input.template ? { template: input.template.name } : {}),
      texts: caseTextDigests("messages", message.id, message),
    },
    at: ctx.at,
  });
  return { kind: "ok", message };
}
