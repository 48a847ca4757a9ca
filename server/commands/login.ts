import type { Db } from "../lib/db.js";
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

/**
 * Password login with throttling per account and per address: after `slowdownAfter` failures the
 * answer is delayed, after `lockAfter` both are locked for `lockMinutes`. Unknown accounts take as
 * long as known ones and are throttled the same way, so neither timing nor locks reveal which exist.
 */
export async function login(db: Db, policy: LoginPolicy, input: LoginInput, now: () => Date): Promise<LoginOutcome> {
  const email = input.email.trim().toLowerCase();
  const keys = [`acct:${email}`.slice(0, 300), `ip:${input.ip}`.slice(0, 300)];
  const throttles = db.manager.getRepository(LoginThrottle);
  const rows = await throttles.findBy(keys.map((key) => ({ key })));
  const at = now();
  const windowMs = policy.lockMinutes * 60_000;
  let failures = 0;
  for (const r of rows) {
    if (r.lockedUntil && r.lockedUntil > at) {
      return { kind: "locked", retryAfterSeconds: Math.ceil((r.lockedUntil.getTime() - at.getTime()) / 1000) };
    }
    const fresh = at.getTime() - r.lastFailureAt.getTime() < windowMs && !r.lockedUntil;
    if (fresh) failures = Math.max(failures, r.failures);
  }
  if (failures >= policy.slowdownAfter) {
    await sleep(Math.min(8000, policy.slowdownBaseMs * 2 ** (failures - policy.slowdownAfter)));
  }

  const user = await db.manager.getRepository(User).findOneBy({ email });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !user.active || !passwordOk) {
    await db.tx(async (m) => {
      const repo = m.getRepository(LoginThrottle);
      for (const key of keys) {
        const row = await repo.findOneBy({ key });
        const stale = !row || at.getTime() - row.lastFailureAt.getTime() >= windowMs || (row.lockedUntil !== null && row.lockedUntil <= at);
        const count = stale ? 1 : row!.failures + 1;
        const lockedUntil = count >= policy.lockAfter ? new Date(at.getTime() + windowMs) : null;
        if (row) await repo.update({ key }, { failures: count, lastFailureAt: at, lockedUntil });
        else await repo.insert({ key, failures: count, lastFailureAt: at, lockedUntil });
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

  const token = randomToken(32);
  const session = await db.tx(async (m) => {
    await m.getRepository(LoginThrottle).delete({ key: keys[0] });
    const s = m.getRepository(Session).create({
      id: sessionId(policy.sessionSecret, token),
      userId: user.id,
      createdAt: at,
      lastSeenAt: at,
      idleExpiresAt: new Date(at.getTime() + policy.idleMinutes * 60_000),
      absoluteExpiresAt: new Date(at.getTime() + policy.maxHours * 3_600_000),
      ip: input.ip.slice(0, 64),
      userAgent: input.userAgent?.slice(0, 255) ?? null,
    });
    await m.getRepository(Session).insert(s);
    await m.getRepository(User).update({ id: user.id }, { lastLoginAt: at });
    await appendAuditEvent(m, { actor: { userId: user.id, label: user.email }, type: "auth.login", entityType: "user", entityId: user.id, after: { ip: input.ip }, at });
    return s;
  });
  return { kind: "ok", user, token, session };
}
