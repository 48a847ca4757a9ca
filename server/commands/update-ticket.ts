import type { EntityManager } from "typeorm";
import { canEdit } from "../domain/ticket/lifecycle.js";
import type { Privacy } from "../domain/privacy/levels.js";
import { Category } from "../entities/category.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { User } from "../entities/user.entity.js";
import { caseTextDigests, textColumnsIn } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { recomputeClocks } from "../clocks/ticket-clocks.js";

export interface TicketEdit {
  subject?: string;
  description?: string;
  categoryId?: number | null;
  privacy?: Privacy;
  priority?: "low" | "normal" | "high" | "urgent";
  complaintClass?: string;
  assigneeUserId?: number | null;
  locationText?: string | null;
}

export type UpdateTicketOutcome =
  | { kind: "ok"; ticket: Ticket }
  | { kind: "not_found"; what: string }
  | { kind: "violation"; reason: string };

/** Categorise, set privacy, assign, correct the text. Each changed field is in the audit event. */
export async function updateTicket(m: EntityManager, ctx: CommandContext, id: number, edit: TicketEdit): Promise<UpdateTicketOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id });
  if (!ticket) return { kind: "not_found", what: `ticket ${id}` };
  if (!canEdit(ticket.status)) return { kind: "violation", reason: `a ${ticket.status} ticket can no longer be edited` };
  const patch: Partial<Ticket> = {};
  if (edit.categoryId !== undefined && edit.categoryId !== ticket.categoryId) {
    if (edit.categoryId !== null) {
      const cat = await m.getRepository(Category).findOneBy({ id: edit.categoryId });
      if (!cat || !cat.active) return { kind: "not_found", what: `category ${edit.categoryId}` };
      if (edit.complaintClass === undefined) patch.complaintClass = cat.complaintClass;
    }
    patch.categoryId = edit.categoryId;
  }
  if (edit.assigneeUserId !== undefined && edit.assigneeUserId !== ticket.assigneeUserId) {
    if (edit.assigneeUserId !== null) {
      const u = await m.getRepository(User).findOneBy({ id: edit.assigneeUserId });
      if (!u || !u.active || !["operator", "supervisor"].includes(u.role)) return { kind: "not_found", what: `operator ${edit.assigneeUserId}` };
    }
    patch.assigneeUserId = edit.assigneeUserId;
  }
  for (const key of ["subject", "description", "privacy", "priority", "complaintClass", "locationText"] as const) {
    if (edit[key] !== undefined && edit[key] !== ticket[key]) (patch as Record<string, unknown>)[key] = edit[key];
  }
  if (Object.keys(patch).length === 0) return { kind: "ok", ticket };
  const before = Object.fromEntries(Object.keys(patch).map((k) => [k, ticket[k as keyof Ticket]]));
  await m.getRepository(Ticket).update({ id }, { ...patch, updatedAt: ctx.at });
  Object.assign(ticket, patch, { updatedAt: ctx.at });
  // The priority chooses the policy too (server/clocks/sla-settings.ts): running clocks follow it at once.
  if (patch.categoryId !== undefined || patch.complaintClass !== undefined || patch.priority !== undefined) await recomputeClocks(m, ticket, ctx.at);
  const changedTexts = textColumnsIn("tickets", patch);
  const after = changedTexts.length ? { ...patch, texts: caseTextDigests("tickets", id, ticket, changedTexts) } : patch;
  await appendAuditEvent(m, { actor: ctx.actor, type: "ticket.updated", entityType: "ticket", entityId: id, ticketId: id, before, after, at: ctx.at });
  return { kind: "ok", ticket };
}
