import type { EntityManager } from "typeorm";
import { caseTextDigests } from "../audit/case-texts.js";
import { TicketPublication } from "../entities/ticket-publication.entity.js";
import { publicationDraft, type PublicationDraft } from "../queries/publication-preview.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export type ApprovePublicationOutcome = { kind: "ok"; draft: PublicationDraft } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string };

/**
 * Stores the public version the operator saw in the preview (masking plus their redactions) as the
 * one the public side shows. The audit event records how many phrases were redacted (not the
 * phrases: they are personal data) and the digests of the stored public texts, so the approved
 * version is inside the ticket's hash chain.
 */
export async function approvePublication(m: EntityManager, ctx: CommandContext, ticketId: number, redactions: readonly string[]): Promise<ApprovePublicationOutcome> {
  const draft = await publicationDraft(m, ticketId, redactions);
  if (!draft) return { kind: "not_found", what: `ticket ${ticketId}` };
  if (!draft.publishable) return { kind: "violation", reason: "this report is never published (rahasia, rejected or merged)" };
  const text = (key: string) => draft.texts.find((t) => t.key === key)?.text ?? null;
  const repo = m.getRepository(TicketPublication);
  const existing = await repo.findOneBy({ ticketId });
  const row = existing ?? repo.create({ ticketId });
  const before = existing ? { approvedAt: existing.approvedAt.toISOString(), texts: caseTextDigests("ticket_publications", existing.id, existing) } : null;
  Object.assign(row, {
    subject: text("subject"),
    description: text("description"),
    locationText: text("location"),
    answers: JSON.stringify(draft.texts.filter((t) => t.forwardId != null).map((t) => ({ forwardId: t.forwardId, text: t.text }))),
    redactions: JSON.stringify(draft.redactions),
    approvedByUserId: ctx.actor.userId,
    approvedAt: ctx.at,
  });
  const saved = await repo.save(row);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "ticket.publication_approved",
    entityType: "ticket",
    entityId: ticketId,
    ticketId,
    before,
    after: { redactions: draft.redactions.length, texts: caseTextDigests("ticket_publications", saved.id, saved) },
    at: ctx.at,
  });
  const out = await publicationDraft(m, ticketId);
  return { kind: "ok", draft: out! };
}
