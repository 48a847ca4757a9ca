import type { EntityManager } from "typeorm";
import { suggestRouting, type RoutingModel } from "../domain/routing/category-suggest.js";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { transitionTicket } from "./transition-ticket.js";
import { updateTicket } from "./update-ticket.js";

export const ROUTING_ACTOR: Actor = { userId: null, label: "system (saran rute / routing suggestion)" };

export type AutoForwardOutcome =
  | { kind: "forwarded"; categoryCode: string; agencyId: number; confidence: number; threshold: number }
  | { kind: "skipped"; reason: "not_verified" | "no_suggestion" | "no_threshold" | "below_threshold" | "other_category" | "no_agency" };

/**
 * Right after an operator verifies a ticket: when the admin has set an auto-forward threshold on
 * the top suggested category and the suggestion's confidence reaches it, the system forwards the
 * ticket to the suggested OPD, recorded as the system's act with a `ticket.auto_forwarded` event
 * naming the category, confidence and threshold. Never when the operator put the ticket in another
 * category (a person disagreed), never without a threshold (the default).
 */
export async function autoForwardVerified(m: EntityManager, ctx: Pick<CommandContext, "at" | "secretKey">, ticketId: number, model: RoutingModel): Promise<AutoForwardOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: ticketId });
  if (!ticket || ticket.status !== "verified") return { kind: "skipped", reason: "not_verified" };
  const top = suggestRouting(model, [ticket.subject, ticket.description].join("\n"), { limit: 1 })[0];
  if (!top) return { kind: "skipped", reason: "no_suggestion" };
  const category = await m.getRepository(Category).findOneBy({ code: top.categoryCode, active: true });
  if (!category || category.autoForwardThreshold == null) return { kind: "skipped", reason: "no_threshold" };
  if (ticket.categoryId != null && ticket.categoryId !== category.id) return { kind: "skipped", reason: "other_category" };
  if (top.confidence < category.autoForwardThreshold) return { kind: "skipped", reason: "below_threshold" };
  const agencyId = (top.agencyId != null && (await m.getRepository(Agency).findOneBy({ id: top.agencyId, active: true })) ? top.agencyId : null) ?? category.defaultAgencyId;
  if (agencyId == null) return { kind: "skipped", reason: "no_agency" };

  const sys = { actor: ROUTING_ACTOR, at: ctx.at, secretKey: ctx.secretKey };
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (ticket.categoryId == null && (await updateTicket(m, sys, ticket.id, { categoryId: category.id })).kind !== "ok") return { kind: "skipped", reason: "not_verified" };
  const out = await transitionTicket(m, sys, ticket.id, {
    action: "forward",
    agencyIds: [agencyId],
    instruction: `Diteruskan otomatis oleh sistem: saran rute "${category.name}" dengan keyakinan ${pct(top.confidence)} (ambang ${pct(category.autoForwardThreshold)}). / Forwarded automatically by the system: routing suggestion "${category.nameEn ?? category.name}" at ${pct(top.confidence)} confidence (threshold ${pct(category.autoForwardThreshold)}).`,
  });
  if (out.kind !== "ok") return { kind: "skipped", reason: "not_verified" };
  await appendAuditEvent(m, {
    actor: ROUTING_ACTOR,
    type: "ticket.auto_forwarded",
    entityType: "ticket",
    entityId: ticket.id,
    ticketId: ticket.id,
    after: { categoryCode: category.code, categorySet: ticket.categoryId == null, agencyId, confidence: top.confidence, threshold: category.autoForwardThreshold },
    at: ctx.at,
  });
  return { kind: "forwarded", categoryCode: category.code, agencyId, confidence: top.confidence, threshold: category.autoForwardThreshold };
}
