import { ROLES, type Role } from "./roles.js";

/**
 * What a session still owes before it may use the API:
 * - "none": nothing (no second factor needed, or it was given in this session or at the IdP);
 * - "code": the user has a second factor: a TOTP or recovery code is due;
 * - "enrol": the user's role requires a second factor and the user has none yet.
 */
export type SecondFactorDue = "none" | "code" | "enrol";

export function secondFactorDue(input: { enrolled: boolean; sessionFactor: string | null; roleRequires: boolean }): SecondFactorDue {
  if (input.sessionFactor) return "none";
  if (input.enrolled) return "code";
  return input.roleRequires ? "enrol" : "none";
}

/** Without an admin's choice: admins must use a second factor in production, nobody else. */
export const defaultRequiresTwoFactor = (role: Role, production: boolean) => production && role === "admin";

/** Every role's requirement: the admin's stored choices over the defaults. */
export function twoFactorRequirements(stored: readonly { role: Role; requireTwoFactor: boolean }[], production: boolean): Record<Role, boolean> {
  const out = Object.fromEntries(ROLES.map((r) => [r, defaultRequiresTwoFactor(r, production)])) as Record<Role, boolean>;
  for (const s of stored) if (ROLES.includes(s.role)) out[s.role] = s.requireTwoFactor;
  return out;
}

/** Identity provider assertions that count as a second factor (RFC 8176 method references). */
export const MFA_AMR = ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "retina", "vbm"] as const;

export function idpAssertsSecondFactor(claims: { amr?: unknown; acr?: unknown }, opts: { trustAmr: boolean; acrValues: readonly string[] }): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
  if (opts.trustAmr && amr.some((m) => (MFA_AMR as readonly string[]).includes(m))) return true;
  return opts.acrValues.length > 0 && typeof claims.acr === "string" && opts.acrValues.includes(claims.acr);
}
