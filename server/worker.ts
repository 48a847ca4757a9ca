import type { Config } from "./config/env.js";
import type { Db } from "./lib/db.js";
import type { Clock } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";
import { createAuditAnchor } from "./commands/create-audit-anchor.js";
import { Session } from "./entities/session.entity.js";
import { LessThan } from "typeorm";

/**
 * Periodic work of the worker role: audit anchors and removal of expired sessions.
 * (Moves onto the agenda scheduler with the SLA jobs.)
 */
export async function startWorker(deps: { db: Db; config: Config; logger: Logger; clock: Clock }): Promise<() => Promise<void>> {
  const { db, config, logger, clock } = deps;
  const anchor = async () => {
    try {
      const a = await db.tx((m) => createAuditAnchor(m, clock.now()));
      logger.debug({ anchor: a.id, chains: a.chainCount }, "audit anchor written");
    } catch (err) {
      logger.error({ err }, "audit anchor failed");
    }
  };
  const sweepSessions = async () => {
    try {
      await db.tx((m) => m.getRepository(Session).delete({ idleExpiresAt: LessThan(clock.now()) }));
    } catch (err) {
      logger.error({ err }, "session sweep failed");
    }
  };
  const timers = [setInterval(anchor, config.auditAnchorMinutes * 60_000), setInterval(sweepSessions, 10 * 60_000)];
  for (const t of timers) t.unref();
  return async () => {
    for (const t of timers) clearInterval(t);
  };
}
