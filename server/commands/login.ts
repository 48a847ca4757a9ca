import type { EntityManager } from "typeorm";
import { isDuplicateKey, RetryableConflict, sqlTime, type Db } from "../lib/db.js";
import { LoginThrottle } from "../entities/login-throttle.entity.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { DUMMY_PASSWORD_HASH, hmacHex, randomToken, verifyPassword } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";

export interface LoginPolicy {
  slowdownAfter: number;
  lockAfter: number;
  lockMinutes: number;
  /** First delay once slowing down; doubles per further failure (max 8 s). */
  slowdownBaseMs: number;
  idleMinutes: number;
  maxHours: number;
  sessionSecret: string;
}

export interface LoginInput {
  email: string;
  password: string;
  ip: string;
  userAgent?: string;
}

export type LoginOutcome =
  | { kind: "ok"; user: User; token: string; session: Session }
  | { kind: "invalid" }
  | { kind: "locked"; retryAfterSeconds: number };

export const sessionId = (secret: string, token: string) => hmacHex(secret, `session:${token}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Reservation = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Reserves one password check on a throttle key, atomically: the row is created if absent, an
 * expired lock or window is forgotten, then one conditional UPDATE takes a slot only while fewer
 * than `limit` are taken. The UPDATE's row lock (InnoDB, also Galera's certification) and
 * SQLite's single writer make concurrent tries queue on the row, so 20 parallel tries get exactly
 * `limit` slots. No GET_LOCK / LOCK TABLES (not cluster-wide on Galera). Password checks and
 * second-factor checks (verify-second-factor.ts) are both reserved here.
 */
export async function reserveCheck(db: Db, key: string, limit: number, at: Date, windowMs: number, lock = true): Promise<Reservation> {
  return db.tx(async (m) => {
    const repo = m.getRepository(LoginThrottle);
    const q = (c: string) => m.connection.driver.escape(c);
    const t = (d: Date) => sqlTime(m, d);
    // UPDATE first (an exclusive row lock from the start; INSERT IGNORE on an existing row would
    // take a shared lock and deadlock concurrent upgraders), INSERT only when the row is new.
    await repo
      .createQueryBuilder()
      .update()
      .set({ failures: 0, lockedUntil: null })
      .where(`${q("key")} = :key`, { key })
      .andWhere(`((${q("locked_until")} IS NOT NULL AND ${q("locked_until")} <= :at) OR (${q("locked_until")} IS NULL AND ${q("last_failure_at")} < :windowStart))`, {
        at: t(at),
        windowStart: t(new Date(at.getTime() - windowMs)),
      })
      .execute();
    const taken = await repo
      .createQueryBuilder()
      .update()
      .set({ failures: () => `${q("failures")} + 1`, lastFailureAt: at })
      .where(`${q("key")} = :key AND ${q("failures")} < :limit`, { key, limit })
      .execute();
    // The last slot locks the key: later tries are refused without a password check.
    if (lock) await repo
      .createQueryBuilder()
      .update()
      .set({ lockedUntil: new Date(at.getTime() + windowMs) })
      .where(`${q("key")} = :key AND ${q("failures")} >= :limit AND ${q("locked_until")} IS NULL`, { key, limit })
      .execute();
    if (taken.affected) return { ok: true as const };
    const row = await repo.findOneBy({ key });
    if (!row) {
      try {
        await repo.insert({ key, failures: 1, lastFailureAt: at, lockedUntil: lock && limit <= 1 ? new Date(at.getTime() + windowMs) : null });
      } catch (err) {
        if (isDuplicateKey(err)) throw new RetryableConflict(`login throttle ${key} created concurrently`);
        throw err;
      }
      return { ok: true as const };
    }
    const until = row.lockedUntil?.getTime() ?? (lock ? at.getTime() + windowMs : at.getTime() + 1000);
    return { ok: false as const, retryAfterSeconds: Math.max(1, Math.ceil((until - at.getTime()) / 1000)) };
  });
}

/**
 * Password login with throttling per address and per account.
 *
 * - Per address ("ip:<addr>"): each password check first reserves a slot (reserveCheck); after
 *   `lockAfter` tries in the window the address is locked for `lockMinutes` and further tries get
 *   429 without touching the password hash, however many arrive at once.
 * - Per account ("acct:<email>"): failures from anywhere slow every later try of that account
 *   down (from `slowdownAfter` on, doubling, at most 8 s) but never lock it: an attacker
 *   elsewhere cannot lock the owner out, who still logs in (a little slower) from another address.
 * - Per account, at once ("busy:<email>"): at most `lockAfter` tries of one account are being
 *   checked (or waiting out their delay) at the same time, from whatever addresses; the others get
 *   429 at once, without a check. The slots are given back when each try ends (and forgotten after
 *   a minute if a process died holding one), so a burst from many addresses is cut to `lockAfter`
 *   checks and the owner can log in as soon as it is over.
 *
 * Unknown accounts take as long as known ones and are throttled the same way, so neither timing
 * nor locks reveal which exist. A successful login frees its slot and clears the account's count.
 */
export async function login(db: Db, policy: LoginPolicy, input: LoginInput, now: () => Date): Promise<LoginOutcome> {
  const email = input.email.trim().toLowerCase();
  const at = now();

  const busyKey = `busy:${email}`.slice(0, 300);
  const busy = await reserveCheck(db, busyKey, policy.lockAfter, at, BUSY_STALE_MS, false);
  if (!busy.ok) return { kind: "locked", retryAfterSeconds: busy.retryAfterSeconds };
  try {
    return await checkPassword(db, policy, input, email, at);
  } finally {
    await db.tx((m) => giveBackCheck(m, busyKey));
  }
}

/** Gives back one reserved slot of a key (a try that succeeded, or that ended), unlocking it. */
export async function giveBackCheck(m: EntityManager, key: string): Promise<void> {
  const q = (c: string) => m.connection.driver.escape(c);
  await m
    .getRepository(LoginThrottle)
    .createQueryBuilder()
    .update()
    .set({ failures: () => `${q("failures")} - 1`, lockedUntil: null })
    .where(`${q("key")} = :key AND ${q("failures")} > 0`, { key })
    .execute();
}

/** A slot of an account's concurrent tries older than this was held by a process that died. */
const BUSY_STALE_MS = 60_000;

async function checkPassword(db: Db, policy: LoginPolicy, input: LoginInput, email: string, at: Date): Promise<LoginOutcome> {
  const acctKey = `acct:${email}`.slice(0, 300);
  const ipKey = `ip:${input.ip}`.slice(0, 300);
  const windowMs = policy.lockMinutes * 60_000;
  const reserved = await reserveCheck(db, ipKey, policy.lockAfter, at, windowMs);
  if (!reserved.ok) return { kind: "locked", retryAfterSeconds: reserved.retryAfterSeconds };

  const rows = await db.manager.getRepository(LoginThrottle).findBy([{ key: acctKey }, { key: ipKey }]);
  let failures = 0;
  for (const r of rows) {
    const fresh = at.getTime() - r.lastFailureAt.getTime() < windowMs;
    // The address row already counts this try's own reservation.
    if (fresh) failures = Math.max(failures, r.key === ipKey ? r.failures - 1 : r.failures);
  }
  if (failures >= policy.slowdownAfter) {
    await sleep(Math.min(8000, policy.slowdownBaseMs * 2 ** (failures - policy.slowdownAfter)));
  }

  const user = await db.manager.getRepository(User).findOneBy({ email });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !user.active || !passwordOk) {
    await db.tx(async (m) => {
      const repo = m.getRepository(LoginThrottle);
      const q = (c: string) => m.connection.driver.escape(c);
      const counted = await repo
        .createQueryBuilder()
        .update()
        .set({ failures: () => `CASE WHEN ${q("last_failure_at")} < :windowStart THEN 1 ELSE ${q("failures")} + 1 END`, lastFailureAt: at })
        .where(`${q("key")} = :key`, { key: acctKey })
        .setParameter("windowStart", sqlTime(m, new Date(at.getTime() - windowMs)))
        .execute();
      if (!counted.affected) {
        try {
          await repo.insert({ key: acctKey, failures: 1, lastFailureAt: at, lockedUntil: null });
        } catch (err) {
          if (isDuplicateKey(err)) throw new RetryableConflict(`login throttle ${acctKey} created concurrently`);
          throw err;
        }
      }
      await appendAuditEvent(m, {
        actor: { userId: null, label: `login ${email.slice(0, 150)} from ${input.ip}` },
        type: "auth.login_failed",
        entityType: "auth",
        entityId: email.slice(0, 64),
        after: { ip: input.ip },
        at,
      });
    });
    return { kind: "invalid" };
  }

  const { token, session } = await db.tx(async (m) => {
    await m.getRepository(LoginThrottle).delete({ key: acctKey });
    await giveBackCheck(m, ipKey);
    const opened = await openSession(m, policy, { userId: user.id, ip: input.ip, userAgent: input.userAgent, secondFactor: null }, at);
    await m.getRepository(User).update({ id: user.id }, { lastLoginAt: at });
    await appendAuditEvent(m, { actor: { userId: user.id, label: user.email }, type: "auth.login", entityType: "user", entityId: user.id, after: { ip: input.ip }, at });
    return opened;
  });
  return { kind: "ok", user, token, session };
}

/**
 * Stores a new session and returns its cookie token (only its HMAC is stored). Password logins
 * open it without a second factor; verify-second-factor.ts replaces it by one that has it (a new
 * token, so a cookie seen before the second factor is worth nothing after it); single sign-on
 * opens it with "idp" when the identity provider asserted one.
 */
export async function openSession(
  m: EntityManager,
  policy: Pick<LoginPolicy, "idleMinutes" | "maxHours" | "sessionSecret">,
  input: { userId: number; ip: string; userAgent?: string | null; secondFactor: string | null },
  at: Date,
): Promise<{ token: string; session: Session }> {
  const token = randomToken(32);
  const session = m.getRepository(Session).create({
    id: sessionId(policy.sessionSecret, token),
    userId: input.userId,
    createdAt: at,
    lastSeenAt: at,
    idleExpiresAt: new Date(at.getTime() + policy.idleMinutes * 60_000),
    absoluteExpiresAt: new Date(at.getTime() + policy.maxHours * 3_600_000),
    ip: input.ip.slice(0, 64),
    userAgent: input.userAgent?.slice(0, 255) ?? null,
    secondFactor: input.secondFactor,
  });
  await m.getRepository(Session).insert(session);
  return { token, session };
}
