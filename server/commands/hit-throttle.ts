import type { EntityManager } from "typeorm";
import { PublicThrottle } from "../entities/public-throttle.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";

export interface ThrottleRule {
  /** Hits allowed per window. */
  max: number;
  windowMs: number;
  /** How long the key stays blocked once over the limit. */
  blockMs: number;
}

export type ThrottleOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Whether the key is blocked now, without counting a hit. */
export async function throttleBlocked(m: EntityManager, key: string, at: Date): Promise<ThrottleOutcome> {
  const row = await m.getRepository(PublicThrottle).findOneBy({ key: key.slice(0, 191) });
  if (row?.blockedUntil && row.blockedUntil.getTime() > at.getTime()) {
    return { allowed: false, retryAfterSeconds: Math.ceil((row.blockedUntil.getTime() - at.getTime()) / 1000) };
  }
  return { allowed: true };
}

/**
 * Counts one hit of a public try (a wrong tracking secret, a code request…) in a fixed window
 * kept in the database, so every API process counts together. Over the limit, the key is blocked
 * for blockMs and the answer says for how long.
 */
export async function hitThrottle(m: EntityManager, rawKey: string, rule: ThrottleRule, at: Date): Promise<ThrottleOutcome> {
  const key = rawKey.slice(0, 191);
  const repo = m.getRepository(PublicThrottle);
  const mysql = m.connection.options.type === "mysql";
  const row = await repo.findOne({ where: { key }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  const now = at.getTime();
  if (!row) {
    // Now and then, forget keys whose window and block are long over (the table stays small).
    if (Math.random() < 0.01) {
      const dayAgo = new Date(now - 24 * 60 * 60_000);
      await repo.createQueryBuilder().delete().where("window_start < :dayAgo AND (blocked_until IS NULL OR blocked_until < :at)", { dayAgo, at }).execute();
    }
    try {
      await repo.insert({ key, hits: 1, windowStart: at, blockedUntil: 1 > rule.max ? new Date(now + rule.blockMs) : null });
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryableConflict(`throttle ${key} created concurrently`);
      throw err;
    }
    return 1 > rule.max ? { allowed: false, retryAfterSeconds: Math.ceil(rule.blockMs / 1000) } : { allowed: true };
  }
  if (row.blockedUntil && row.blockedUntil.getTime() > now) {
    return { allowed: false, retryAfterSeconds: Math.ceil((row.blockedUntil.getTime() - now) / 1000) };
  }
  const fresh = now - row.windowStart.getTime() >= rule.windowMs;
  const hits = fresh ? 1 : row.hits + 1;
  const blockedUntil = hits > rule.max ? new Date(now + rule.blockMs) : null;
  await repo.update({ key }, { hits, windowStart: fresh ? at : row.windowStart, blockedUntil });
  return blockedUntil ? { allowed: false, retryAfterSeconds: Math.ceil(rule.blockMs / 1000) } : { allowed: true };
}
