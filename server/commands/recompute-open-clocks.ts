import type { Db } from "../lib/db.js";
import { Ticket } from "../entities/ticket.entity.js";
import { recomputeClocks } from "../clocks/ticket-clocks.js";
import { clearSlaSettingsCache } from "../clocks/sla-settings.js";

export interface RecomputeScope {
  /** Only open tickets of this category. */
  categoryId?: number;
  /** Only open tickets of this complaint class. */
  complaintClass?: string;
  /** Also tickets with a clock under this policy (its category or class may have changed). */
  policyId?: number;
}

/**
 * A policy or calendar changed: the running and paused clocks of open tickets in scope follow it
 * (due times, warnings, next events), in batches of `batchSize` tickets per transaction.
 * Events already recorded stay recorded. Without a scope, every open ticket.
 */
export async function recomputeOpenClocks(db: Db, at: Date, scope: RecomputeScope = {}, batchSize = 100, onProgress?: (done: number) => void): Promise<number> {
  clearSlaSettingsCache();
  let lastId = 0;
  let done = 0;
  for (;;) {
    const where: string[] = ["t.is_open = ?", "t.id > ?"];
    const params: unknown[] = [1, lastId];
    const any: string[] = [];
    if (scope.categoryId !== undefined) {
      any.push("t.category_id = ?");
      params.push(scope.categoryId);
    }
    if (scope.complaintClass !== undefined) {
      any.push("t.complaint_class = ?");
      params.push(scope.complaintClass);
    }
    if (scope.policyId !== undefined) {
      any.push("EXISTS (SELECT 1 FROM sla_clocks c WHERE c.ticket_id = t.id AND c.policy_id = ? AND c.state <> 'stopped')");
      params.push(scope.policyId);
    }
    if (any.length) where.push(`(${any.join(" OR ")})`);
    const ids: { id: number }[] = await db.manager.query(`SELECT t.id FROM tickets t WHERE ${where.join(" AND ")} ORDER BY t.id LIMIT ${Number(batchSize)}`, params);
    if (ids.length === 0) return done;
    await db.tx(async (m) => {
      for (const { id } of ids) {
        const ticket = await m.getRepository(Ticket).findOneBy({ id });
        if (ticket?.isOpen) await recomputeClocks(m, ticket, at);
      }
    });
    done += ids.length;
    lastId = ids[ids.length - 1].id;
    onProgress?.(done);
  }
}
