import type { EntityManager } from "typeorm";
import { isOpdRole, ROLES, type Role } from "../domain/access/roles.js";
import { idpAssertsSecondFactor } from "../domain/access/two-factor.js";
import { Agency } from "../entities/agency.entity.js";
import type { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import type { OidcConfig } from "../config/env.js";
import { sha256Hex } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import { openSession, type LoginPolicy } from "./login.js";

/** The claims Aduan reads (ID token merged with UserInfo). */
export interface OidcClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  amr?: unknown;
  acr?: unknown;
  [claim: string]: unknown;
}

export type OidcSignIn =
  | { kind: "ok"; user: User; token: string; session: Session; created: boolean }
  /** Created or known, but waiting for an admin to assign a role/OPD and activate it. */
  | { kind: "pending"; user: User }
  | { kind: "inactive" }
  /** The e-mail belongs to a local account and the provider does not vouch for it. */
  | { kind: "email_taken" }
  | { kind: "no_email" };

/** A stable, short key for the provider's subject (the issuer URL can be long). */
export const oidcSubjectKey = (issuer: string, sub: string) => `${sha256Hex(issuer).slice(0, 12)}:${sub}`.slice(0, 191);

/** Role and OPD from the claims, or null when they do not name a usable pair. */
async function mappedAssignment(m: EntityManager, oidc: OidcConfig, claims: OidcClaims): Promise<{ role: Role; agencyId: number | null } | null> {
  const raw = claims[oidc.roleClaim];
  const value = Array.isArray(raw) ? raw.map(String).find((v) => oidc.roleMap[v] || (ROLES as readonly string[]).includes(v)) : typeof raw === "string" ? raw : undefined;
  if (!value) return null;
  const role = oidc.roleMap[value] ?? ((ROLES as readonly string[]).includes(value) ? (value as Role) : null);
  if (!role) return null;
  if (!isOpdRole(role)) return { role, agencyId: null };
  const code = claims[oidc.opdClaim];
  if (typeof code !== "string" || !code.trim()) return null;
  const agency = await m.getRepository(Agency).findOneBy({ code: code.trim() });
  return agency && agency.active !== false ? { role, agencyId: agency.id } : null;
}

/**
 * A staff member signed in at the identity provider. The first time, a user is created with the
 * role and OPD the claims map to, or (unmapped) inactive, waiting for an admin to assign them.
 * Later sign-ins follow the provider's role/OPD when the claims map to one (a role taken away at
 * the provider is taken away here). The session has passed the second factor when the provider
 * asserts one (amr/acr, see OIDC_TRUST_AMR, OIDC_ACR_VALUES); otherwise Aduan's own rule applies.
 * SSO users get no usable password: local passwords stay for break-glass accounts.
 */
export async function signInWithOidc(
  m: EntityManager,
  oidc: OidcConfig,
  policy: Pick<LoginPolicy, "idleMinutes" | "maxHours" | "sessionSecret">,
  input: { claims: OidcClaims; ip: string; userAgent?: string },
  at: Date,
): Promise<OidcSignIn> {
  const { claims } = input;
  const subject = oidcSubjectKey(oidc.issuer, claims.sub);
  const repo = m.getRepository(User);
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  const assignment = await mappedAssignment(m, oidc, claims);
  const actor = { userId: null, label: `sso ${email || claims.sub}`.slice(0, 200) };
  let user = await repo.findOneBy({ oidcSubject: subject });
  let created = false;
  if (!user) {
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return { kind: "no_email" };
    const local = await repo.findOneBy({ email });
    if (local) {
      if (local.oidcSubject || claims.email_verified !== true) return { kind: "email_taken" };
      await repo.update({ id: local.id }, { oidcSubject: subject, updatedAt: at });
      await appendAuditEvent(m, { actor, type: "user.sso_linked", entityType: "user", entityId: local.id, after: { issuer: oidc.issuer }, at });
      user = { ...local, oidcSubject: subject };
    } else {
      const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : email;
      const row = repo.create({
        email: email.slice(0, 254),
        name,
        // Not a scrypt hash: no password ever matches it.
        passwordHash: "sso-only",
        role: assignment?.role ?? "operator",
        agencyId: assignment?.agencyId ?? null,
        phone: null,
        locale: "id",
        active: Boolean(assignment),
        lastLoginAt: null,
        totpSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        oidcSubject: subject,
        createdAt: at,
        updatedAt: at,
      });
      user = await repo.save(row);
      created = true;
      await appendAuditEvent(m, {
        actor,
        type: "user.created",
        entityType: "user",
        entityId: user.id,
        after: { email: user.email, name: user.name, role: user.role, agencyId: user.agencyId, active: user.active, source: "sso", waitingForAdmin: !assignment },
        at,
      });
      if (!assignment) return { kind: "pending", user };
    }
  } else if (assignment && (assignment.role !== user.role || assignment.agencyId !== user.agencyId)) {
    const before = { role: user.role, agencyId: user.agencyId };
    await repo.update({ id: user.id }, { role: assignment.role, agencyId: assignment.agencyId, updatedAt: at });
    Object.assign(user, assignment);
    await appendAuditEvent(m, { actor, type: "user.updated", entityType: "user", entityId: user.id, before, after: { ...assignment, source: "sso" }, at });
  }
  if (!user.active) return user.lastLoginAt ? { kind: "inactive" } : { kind: "pending", user };
  const secondFactor = idpAssertsSecondFactor(claims, { trustAmr: oidc.trustAmr, acrValues: oidc.acrValues }) ? "idp" : null;
  const { token, session } = await openSession(m, policy, { userId: user.id, ip: input.ip, userAgent: input.userAgent, secondFactor }, at);
  await repo.update({ id: user.id }, { lastLoginAt: at });
  await appendAuditEvent(m, { actor: { userId: user.id, label: user.email }, type: "auth.login", entityType: "user", entityId: user.id, after: { ip: input.ip, method: "sso", secondFactorAtProvider: Boolean(secondFactor) }, at });
  return { kind: "ok", user, token, session, created };
}
