import type { EntityManager } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { transitionTicket, type TransitionOutcome } from "./transition-ticket.js";

export type FormClusterOutcome =
  | { kind: "ok"; primary: Ticket; members: Ticket[] }
  | Extract<TransitionOutcome, { kind: "violation" | "not_found" }>;

/**
 * Groups tickets about one problem into a case cluster around `primaryId` (docs/routing.md, "Case
 * clusters"): each member is merged into the primary (its open disposisi withdrawn, its clocks
 * stopped), keeps its number, reporter and tracking page, and from now on hears the case's
 * status notices and answer on its own channel. The operator decides; `source` records whether
 * the grouping was a suggestion they accepted. A violation leaves the caller to roll back.
 */
export async function formCluster(
  m: EntityManager,
  ctx: CommandContext,
  primaryId: number,
  memberIds: readonly number[],
  source: "suggestion" | "manual",
): Promise<FormClusterOutcome> {
  const ids = [...new Set(memberIds)];
  if (ids.includes(primaryId)) return { kind: "violation", reason: "the primary ticket cannot also be a member of its cluster" };
  const primary = await m.getRepository(Ticket).findOneBy({ id: primaryId });
  if (!primary) return { kind: "not_found", what: `ticket ${primaryId}` };
  if (primary.status === "merged") return { kind: "violation", reason: `ticket ${primary.number} is itself a member of a cluster; group around its primary` };
  const members: Ticket[] = [];
  for (const id of ids) {
    const out = await transitionTicket(m, ctx, id, { action: "merge", intoTicketId: primaryId });
    if (out.kind !== "ok") return out.kind === "violation" ? { kind: "violation", reason: `ticket ${id}: ${out.reason}` } : out;
    members.push(out.ticket);
  }
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "ticket.cluster_formed",
    entityType: "ticket",
    entityId: primary.id,
    ticketId: primary.id,
    after: { source, memberIds: members.map((t) => t.id), memberNumbers: members.map((t) => t.number) },
    at: ctx.at,
  });
  return { kind: "ok", primary, members };
}
