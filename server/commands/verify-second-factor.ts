import type { EntityManager } from "typeorm";
import type { Db } from "../lib/db.js";
import { LoginThrottle } from "../entities/login-throttle.entity.js";
import { RecoveryCode } from "../entities/two-factor.entity.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { decryptSecret } from "../lib/crypto.js";
import { recoveryCodeHash, totpStep } from "../lib/two-factor.js";
import { appendAuditEvent } from "./append-audit-event.js";
import { giveBackCheck, openSession, reserveCheck, type LoginPolicy } from "./login.js";

export interface SecondFactorPolicy extends Pick<LoginPolicy, "lockAfter" | "lockMinutes" | "idleMinutes" | "maxHours" | "sessionSecret"> {
  encryptionKey: Buffer;
}

export interface SecondFactorTry {
  user: User;
  ip: string;
  userAgent?: string;
  code: string;
}

type Checked = { kind: "ok" } | { kind: "invalid" } | { kind: "locked"; retryAfterSeconds: number };

/**
 * One second-factor check under the login throttle (login.ts reserveCheck), never a second
 * throttle: each try reserves a slot on the address ("ip:<addr>", shared with password tries)
 * and on the account ("2fa:<user id>"); after LOGIN_LOCK_AFTER wrong codes the account's second
 * step is locked for LOGIN_LOCK_MINUTES and further tries get 429 without a code check. Unlike
 * the password step, the account key locks: whoever is here already knows the password.
 * `check` runs inside the transaction that keeps its effect (code spent, enrolment confirmed).
 */
export async function throttledSecondFactor(db: Db, policy: SecondFactorPolicy, input: Omit<SecondFactorTry, "code">, at: Date, check: (m: EntityManager) => Promise<boolean>): Promise<Checked> {
  const windowMs = policy.lockMinutes * 60_000;
  const userKey = `2fa:${input.user.id}`;
  const ipKey = `ip:${input.ip}`.slice(0, 300);
  const account = await reserveCheck(db, userKey, policy.lockAfter, at, windowMs);
  if (!account.ok) return { kind: "locked", retryAfterSeconds: account.retryAfterSeconds };
  const address = await reserveCheck(db, ipKey, policy.lockAfter, at, windowMs);
  if (!address.ok) return { kind: "locked", retryAfterSeconds: address.retryAfterSeconds };
  const ok = await db.tx(async (m) => {
    if (!(await check(m))) return false;
    await m.getRepository(LoginThrottle).delete({ key: userKey });
    await giveBackCheck(m, ipKey);
    return true;
  });
  if (ok) return { kind: "ok" };
  await db.tx((m) =>
    appendAuditEvent(m, { actor: { userId: input.user.id, label: input.user.email }, type: "auth.second_factor_failed", entityType: "user", entityId: input.user.id, after: { ip: input.ip }, at }),
  );
  return { kind: "invalid" };
}

/**
 * Accepts a TOTP code at most once: the step is stored only if it is later than the last one
 * accepted (one conditional UPDATE, so two concurrent uses of one code cannot both pass).
 */
export async function acceptTotp(m: EntityManager, userId: number, secretBase32: string, code: string, at: Date): Promise<boolean> {
  const step = totpStep(secretBase32, code.trim(), at);
  if (step === null) return false;
  const q = (c: string) => m.connection.driver.escape(c);
  const r = await m
    .getRepository(User)
    .createQueryBuilder()
    .update()
    .set({ totpLastStep: step })
    .where(`${q("id")} = :id AND (${q("totp_last_step")} IS NULL OR ${q("totp_last_step")} < :step)`, { id: userId, step })
    .execute();
  return Boolean(r.affected);
}

export type SecondFactorOutcome =
  | { kind: "ok"; token: string; session: Session; method: "totp" | "recovery"; recoveryCodesLeft: number }
  | { kind: "invalid" }
  | { kind: "locked"; retryAfterSeconds: number }
  | { kind: "not_enrolled" };

/**
 * The login's second step: a TOTP code or one of the recovery codes (spent on use). On success
 * the password-only session is replaced by a new one that has passed the second factor.
 */
export async function verifySecondFactor(db: Db, policy: SecondFactorPolicy, oldSessionId: string, input: SecondFactorTry, at: Date): Promise<SecondFactorOutcome> {
  const { user } = input;
  if (!user.totpEnabledAt || !user.totpSecret) return { kind: "not_enrolled" };
  const secret = decryptSecret(policy.encryptionKey, user.totpSecret);
  // Six digits are a TOTP; anything else is tried as a recovery code (a keyed-hash lookup).
  const recovery = !/^\d{6}$/.test(input.code.trim());
  let opened: { token: string; session: Session } | undefined;
  let left = 0;
  const out = await throttledSecondFactor(db, policy, input, at, async (m) => {
    if (recovery) {
      const q = (c: string) => m.connection.driver.escape(c);
      const spent = await m
        .getRepository(RecoveryCode)
        .createQueryBuilder()
        .update()
        .set({ usedAt: at })
        .where(`${q("user_id")} = :userId AND ${q("code_hash")} = :hash AND ${q("used_at")} IS NULL`, { userId: user.id, hash: recoveryCodeHash(policy.sessionSecret, input.code) })
        .execute();
      if (!spent.affected) return false;
      left = await m.getRepository(RecoveryCode).createQueryBuilder("r").where("r.user_id = :id AND r.used_at IS NULL", { id: user.id }).getCount();
    } else if (!(await acceptTotp(m, user.id, secret, input.code, at))) {
      return false;
    }
    const method = recovery ? "recovery" : "totp";
    await m.getRepository(Session).delete({ id: oldSessionId });
    opened = await openSession(m, policy, { userId: user.id, ip: input.ip, userAgent: input.userAgent, secondFactor: method }, at);
    await appendAuditEvent(m, { actor: { userId: user.id, label: user.email }, type: "auth.second_factor", entityType: "user", entityId: user.id, after: { ip: input.ip, method, ...(recovery ? { recoveryCodesLeft: left } : {}) }, at });
    return true;
  });
  if (out.kind !== "ok") return out;
  return { kind: "ok", ...opened!, method: recovery ? "recovery" : "totp", recoveryCodesLeft: left };
}
