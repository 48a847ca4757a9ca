import type { EntityManager } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import { TicketRating } from "../entities/ticket-rating.entity.js";
import { caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/** Statuses in which there is an answer to rate. */
export const RATABLE_STATUSES = ["answered", "resolved", "closed"] as const;

export type RateAnswerOutcome = { kind: "rated"; rating: TicketRating } | { kind: "not_answered" } | { kind: "invalid"; reason: string };

/** The citizen rates the answer (1–5, optional comment); rating again replaces the earlier one. */
export async function rateAnswer(m: EntityManager, ctx: CommandContext, input: { ticketId: number; rating: number; comment?: string | null }): Promise<RateAnswerOutcome> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) return { kind: "invalid", reason: "rating must be 1 to 5" };
  const ticket = await m.getRepository(Ticket).findOneBy({ id: input.ticketId });
  if (!ticket) return { kind: "invalid", reason: "unknown ticket" };
  if (!(RATABLE_STATUSES as readonly string[]).includes(ticket.status)) return { kind: "not_answered" };
  const comment = input.comment?.replace(/\r\n?/g, "\n").trim().slice(0, 2000) || null;
  const repo = m.getRepository(TicketRating);
  const existing = await repo.findOneBy({ ticketId: ticket.id });
  let rating: TicketRating;
  if (existing) {
    await repo.update({ id: existing.id }, { rating: input.rating, comment, updatedAt: ctx.at });
    rating = Object.assign(existing, { rating: input.rating, comment, updatedAt: ctx.at });
  } else {
    rating = await repo.save(repo.create({ ticketId: ticket.id, rating: input.rating, comment, createdAt: ctx.at, updatedAt: ctx.at }));
  }
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "ticket.rated",
    entityType: "ticket",
    entityId: ticket.id,
    ticketId: ticket.id,
    before: existing ? { rating: existing.rating } : null,
    after: { rating: input.rating, comment: comment !== null, texts: caseTextDigests("ticket_ratings", rating.id, { comment }) },
    at: ctx.at,
  });
  return { kind: "rated", rating };
}
