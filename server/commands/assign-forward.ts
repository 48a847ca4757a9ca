import type { EntityManager } from "typeorm";
import { isOpenForward } from "../domain/ticket/lifecycle.js";
import { Forward } from "../entities/forward.entity.js";
import { User } from "../entities/user.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export type AssignForwardOutcome = { kind: "ok"; forward: Forward } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string };

/** The OPD head hands a forward to one of their staff. */
export async function assignForward(m: EntityManager, ctx: CommandContext, forwardId: number, agencyId: number, assigneeUserId: number | null): Promise<AssignForwardOutcome> {
  const f = await m.getRepository(Forward).findOneBy({ id: forwardId, agencyId });
  if (!f) return { kind: "not_found", what: `forward ${forwardId}` };
  if (!isOpenForward(f.status)) return { kind: "violation", reason: `the forward is ${f.status}; only open forwards can be assigned` };
  if (assigneeUserId !== null) {
    const u = await m.getRepository(User).findOneBy({ id: assigneeUserId });
    if (!u || !u.active || u.agencyId !== agencyId) return { kind: "not_found", what: `staff member ${assigneeUserId} of this OPD` };
  }
  const before = { assigneeUserId: f.assigneeUserId };
  await m.getRepository(Forward).update({ id: f.id }, { assigneeUserId, updatedAt: ctx.at });
  f.assigneeUserId = assigneeUserId;
  await appendAuditEvent(m, { actor: ctx.actor, type: "forward.assigned", entityType: "forward", entityId: f.id, ticketId: f.ticketId, before, after: { assigneeUserId }, at: ctx.at });
  return { kind: "ok", forward: f };
}
