import { inSnapshot } from "../backup/backup.js";
import { settingsOf } from "../backup/run.js";
import { recordAuditVerification } from "../commands/record-audit-verification.js";
import { createDataSource } from "../config/data-source.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { verifyAudit } from "../queries/verify-audit.js";

/** verifyAudit over one read snapshot, on a connection of its own (the application's stays free). */
export async function verifyAuditInSnapshot(db: Db, opts: Parameters<typeof verifyAudit>[1] = {}) {
  const ds = createDataSource({ ...settingsOf(db.ds), poolSize: 2 });
  await ds.initialize();
  try {
    return await inSnapshot(ds, (m) => verifyAudit(m, opts));
  } finally {
    await ds.destroy();
  }
}

/**
 * The scheduled audit verification (every AUDIT_VERIFY_SECONDS): the same full pass as
 * `npm run audit:verify` (every chain link recomputed, heads, anchors, case texts), its result
 * stored and, when it finds a new broken event, announced. A full pass, not an incremental one:
 * an edit to an old event of a quiet chain changes nothing an incremental pass would look at
 * (docs/audit.md has the measured cost). The walk reads one snapshot on a connection of its own,
 * as a backup does: the application keeps writing meanwhile, and what it appends during the walk
 * is neither seen half nor mistaken for tampering.
 */
export async function runAuditVerification(deps: { db: Db; clock: Clock; logger: Logger }, onProgress?: () => void) {
  const started = performance.now();
  const ranAt = deps.clock.now();
  const report = await verifyAuditInSnapshot(deps.db, { onProgress: onProgress ? () => onProgress() : undefined });
  const r = await deps.db.tx((m) => recordAuditVerification(m, { report, ranAt, durationMs: performance.now() - started }));
  if (!report.ok) deps.logger.error({ problems: report.problems.length, fresh: r.newProblems, first: report.problems[0] }, "AUDIT CHAIN BROKEN: the scheduled verification found changed or missing audit events");
  else deps.logger.debug({ events: report.eventsChecked, chains: report.chains, ms: r.verification.durationMs }, "audit chains verified");
  return r;
}
