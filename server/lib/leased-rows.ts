/**
 * Rows that workers take one attempt at a time (the outbox to citizens, outgoing webhooks): a row
 * is due when `pending` with `next_attempt_at` passed, or `sending` with its lease
 * (`locked_until`) run out. Claiming is a compare-and-set to `sending` with a new lease and one
 * more attempt: exactly one of any number of concurrent claimers succeeds (the UPDATE's WHERE is
 * re-checked under the row lock), so each attempt is sent once.
 */
import type { EntityTarget, ObjectLiteral } from "typeorm";
import { sqlTime, type Db } from "./db.js";

const DUE = "((state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND locked_until < :now))";

/** Takes the row for one attempt; null when someone else has it, it is not due, or it is finished. */
export function claimLeasedRow<E extends ObjectLiteral>(db: Db, entity: EntityTarget<E>, id: number, now: Date, leaseMs: number): Promise<E | null> {
  return db.tx(async (m) => {
    const t = (d: Date) => sqlTime(m, d);
    const r = await m
      .createQueryBuilder()
      .update(entity)
      .set({ state: "sending", lockedUntil: () => ":lease", attempts: () => "attempts + 1", updatedAt: () => ":now" } as never)
      .where("id = :id", { id })
      .andWhere(DUE)
      .setParameters({ now: t(now), lease: t(new Date(now.getTime() + leaseMs)) })
      .execute();
    if (!r.affected) return null;
    return m.getRepository(entity).findOneBy({ id } as never);
  });
}

/** The ids of rows that are due (or whose claim was lost), oldest first. */
export async function dueLeasedIds<E extends ObjectLiteral>(db: Db, entity: EntityTarget<E>, now: Date, limit: number): Promise<number[]> {
  const rows = await db.manager
    .getRepository(entity)
    .createQueryBuilder("r")
    .select("r.id", "id")
    .where(DUE.replace(/\b(state|next_attempt_at|locked_until)\b/g, "r.$1"), { now: sqlTime(db.manager, now) })
    .orderBy("r.next_attempt_at", "ASC")
    .addOrderBy("r.id", "ASC")
    .limit(limit)
    .getRawMany<{ id: number }>();
  return rows.map((r) => Number(r.id));
}
