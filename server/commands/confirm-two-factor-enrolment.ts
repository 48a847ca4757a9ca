import type { Db } from "../lib/db.js";
import { RecoveryCode } from "../entities/two-factor.entity.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { decryptSecret } from "../lib/crypto.js";
import { insertMany } from "../lib/insert-many.js";
import { newRecoveryCodes, recoveryCodeHash } from "../lib/two-factor.js";
import { appendAuditEvent } from "./append-audit-event.js";
import { openSession } from "./login.js";
import { acceptTotp, throttledSecondFactor, type SecondFactorPolicy, type SecondFactorTry } from "./verify-second-factor.js";

export type EnrolmentOutcome =
  | { kind: "ok"; recoveryCodes: string[]; token: string; session: Session }
  | { kind: "invalid" }
  | { kind: "locked"; retryAfterSeconds: number }
  | { kind: "violation"; reason: string; code: string };

/**
 * Turns the second factor on once the user proves the app shows the right codes (a wrong code
 * counts against the same throttle as the login's second step). Ten recovery codes are made and
 * returned once; only their keyed hashes are kept. The session is replaced by one that has passed
 * the second factor.
 */
export async function confirmTwoFactorEnrolment(db: Db, policy: SecondFactorPolicy, oldSessionId: string, input: SecondFactorTry, at: Date): Promise<EnrolmentOutcome> {
  const { user } = input;
  if (user.totpEnabledAt) return { kind: "violation", code: "two_factor_already_enrolled", reason: "two-factor authentication is already on for this account" };
  if (!user.totpSecret) return { kind: "violation", code: "two_factor_not_started", reason: "start the enrolment first (POST /api/auth/2fa/enrol)" };
  const secret = decryptSecret(policy.encryptionKey, user.totpSecret);
  const codes = newRecoveryCodes();
  let opened: { token: string; session: Session } | undefined;
  const out = await throttledSecondFactor(db, policy, input, at, async (m) => {
    if (!(await acceptTotp(m, user.id, secret, input.code, at))) return false;
    await m.getRepository(User).update({ id: user.id }, { totpEnabledAt: at, updatedAt: at });
    await m.getRepository(RecoveryCode).delete({ userId: user.id });
    await insertMany(m, RecoveryCode, codes.map((c) => ({ userId: user.id, codeHash: recoveryCodeHash(policy.sessionSecret, c), usedAt: null, createdAt: at })));
    await m.getRepository(Session).delete({ userId: user.id });
    opened = await openSession(m, policy, { userId: user.id, ip: input.ip, userAgent: input.userAgent, secondFactor: "totp" }, at);
    await appendAuditEvent(m, { actor: { userId: user.id, label: user.email }, type: "user.two_factor_enrolled", entityType: "user", entityId: user.id, after: { method: "totp", recoveryCodes: codes.length }, at });
    return true;
  });
  if (out.kind !== "ok") return out;
  return { kind: "ok", recoveryCodes: codes, ...opened! };
}
