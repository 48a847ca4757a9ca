import type { EntityManager } from "typeorm";
import { ReportMonthRollup } from "../entities/report-month-rollup.entity.js";
import { isDuplicateKey } from "../lib/db.js";

/**
 * Stores one OPD's month figures (derived data: every number can be recomputed from the
 * tickets, so no audit event). Two workers computing the same row race harmlessly: the unique
 * key keeps one, the later update wins.
 */
export async function saveReportRollup(m: EntityManager, input: { month: string; agencyId: number; figures: object; at: Date }): Promise<void> {
  const repo = m.getRepository(ReportMonthRollup);
  const figures = JSON.stringify(input.figures);
  const r = await repo.update({ month: input.month, agencyId: input.agencyId }, { figures, computedAt: input.at });
  if (r.affected) return;
  try {
    await repo.insert({ month: input.month, agencyId: input.agencyId, figures, computedAt: input.at });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await repo.update({ month: input.month, agencyId: input.agencyId }, { figures, computedAt: input.at });
  }
}
