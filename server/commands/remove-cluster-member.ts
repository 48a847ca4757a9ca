import type { EntityManager } from "typeorm";
import { isOpenStatus, type TicketStatus } from "../domain/ticket/lifecycle.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { syncClocks } from "../clocks/ticket-clocks.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export type RemoveClusterMemberOutcome = { kind: "ok"; ticket: Ticket } | { kind: "violation"; reason: string } | { kind: "not_found"; what: string };

/** Statuses a ticket may be merged from (lifecycle.ts "merge") that it returns to; waiting ends with the merge. */
const RESTORABLE: readonly TicketStatus[] = ["received", "verified", "returned", "reopened"];

/**
 * Takes a member out of a case cluster (the operator grouped it by mistake): it is a ticket of its
 * own again, in the status it was merged from, with fresh clocks from now (its own were stopped
 * when it joined), and no longer hears the case's notices. The primary keeps its disposisi.
 */
export async function removeClusterMember(m: EntityManager, ctx: CommandContext, primaryId: number, memberId: number): Promise<RemoveClusterMemberOutcome> {
  const repo = m.getRepository(Ticket);
  const mysql = m.connection.options.type === "mysql";
  const member = await repo.findOne({ where: { id: memberId }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  if (!member) return { kind: "not_found", what: `ticket ${memberId}` };
  if (member.status !== "merged" || member.mergedIntoId !== primaryId) return { kind: "violation", reason: `ticket ${member.number} is not a member of this cluster` };
  const merged = await m.getRepository(AuditEvent).findOne({ select: { id: true, beforeJson: true }, where: { ticketId: member.id, type: "ticket.merged" }, order: { id: "DESC" } });
  let was: TicketStatus | null = null;
  try {
    was = merged?.beforeJson ? (JSON.parse(merged.beforeJson).status as TicketStatus) : null;
  } catch {
    was = null;
  }
  const status: TicketStatus = was && RESTORABLE.includes(was) ? was : member.verifiedAt ? "verified" : "received";
  const patch: Partial<Ticket> = { status, previousStatus: null, mergedIntoId: null, waitingSince: null, isOpen: isOpenStatus(status) };
  await repo.update({ id: member.id }, { ...patch, updatedAt: ctx.at });
  Object.assign(member, patch);
  await syncClocks(m, { ticket: member, from: null, createdForwards: [], closedForwardIds: [], at: ctx.at });
  for (const [ticketId, type] of [[member.id, "ticket.cluster_left"], [primaryId, "ticket.cluster_member_removed"]] as const) {
    await appendAuditEvent(m, {
      actor: ctx.actor,
      type,
      entityType: "ticket",
      entityId: ticketId,
      ticketId,
      before: ticketId === member.id ? { status: "merged", mergedIntoId: primaryId } : undefined,
      after: ticketId === member.id ? { status } : { memberId: member.id, memberNumber: member.number },
      at: ctx.at,
    });
  }
  await repo.update({ id: primaryId }, { updatedAt: ctx.at });
  return { kind: "ok", ticket: member };
}
