import type { EntityManager } from "typeorm";
import { User } from "../entities/user.entity.js";
import { encryptSecret } from "../lib/crypto.js";
import { newTotpSecret, totpUri } from "../lib/two-factor.js";

export type EnrolmentStart = { kind: "ok"; secret: string; otpauthUri: string } | { kind: "violation"; reason: string; code: string };

/**
 * Gives the user a new TOTP secret to put in an authenticator app. It is stored (encrypted) but
 * not in use until a code from it is confirmed (confirm-two-factor-enrolment.ts); starting again
 * replaces it. A user who already has a second factor must have it reset by an admin first.
 */
export async function startTwoFactorEnrolment(m: EntityManager, encryptionKey: Buffer, userId: number, issuer: string): Promise<EnrolmentStart> {
  const user = await m.getRepository(User).findOneByOrFail({ id: userId });
  if (user.totpEnabledAt) return { kind: "violation", code: "two_factor_already_enrolled", reason: "two-factor authentication is already on for this account; an admin can reset it" };
  const secret = newTotpSecret();
  await m.getRepository(User).update({ id: userId }, { totpSecret: encryptSecret(encryptionKey, secret), totpLastStep: null });
  return { kind: "ok", secret, otpauthUri: totpUri(secret, user.email, issuer) };
}
