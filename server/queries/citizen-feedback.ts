import type { EntityManager } from "typeorm";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { TicketRating } from "../entities/ticket-rating.entity.js";

export interface CitizenFeedback {
  rating: { rating: number; comment: string | null; at: Date } | null;
  /** Each time the answer was disputed (reopened), newest last, with the reason given. */
  disputes: { at: Date; reason: string; byCitizen: boolean }[];
}

/**
 * The citizen's rating and comment and the reasons of their disputes, raw. Callers pass the texts
 * through the access gate's `text()` (server/queries/access-gate.ts) before showing them.
 */
export async function citizenFeedbackOf(m: EntityManager, ticketId: number): Promise<CitizenFeedback> {
  const rating = await m.getRepository(TicketRating).findOne({ where: { ticketId }, order: { id: "DESC" } });
  const events = await m.getRepository(AuditEvent).find({ select: { id: true, actorUserId: true, afterJson: true, createdAt: true }, where: { ticketId, type: "ticket.reopened" }, order: { id: "ASC" } });
  const disputes = events.map((e) => {
    let reason = "";
    try {
      reason = String((JSON.parse(e.afterJson ?? "{}") as { reason?: unknown }).reason ?? "");
    } catch {
      reason = "";
    }
    return { at: e.createdAt, reason, byCitizen: e.actorUserId == null };
  });
  return { rating: rating ? { rating: rating.rating, comment: rating.comment, at: rating.updatedAt ?? rating.createdAt } : null, disputes };
}
