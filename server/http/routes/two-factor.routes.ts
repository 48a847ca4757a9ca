import type { Request, Router } from "express";
import { z } from "zod";
import { ROLES } from "../../domain/access/roles.js";
import { confirmTwoFactorEnrolment } from "../../commands/confirm-two-factor-enrolment.js";
import { resetTwoFactor } from "../../commands/reset-two-factor.js";
import { saveTwoFactorRoles } from "../../commands/save-two-factor-roles.js";
import { startTwoFactorEnrolment } from "../../commands/start-two-factor-enrolment.js";
import { verifySecondFactor, type SecondFactorPolicy } from "../../commands/verify-second-factor.js";
import { User } from "../../entities/user.entity.js";
import { HttpError, notFound, tooMany, unauthorized } from "../../lib/errors.js";
import { qrSvg } from "../../lib/two-factor.js";
import { forgetTwoFactorRoles, twoFactorRoles, userTwoFactorState } from "../../queries/two-factor.js";
import { commandContext, unwrap } from "../command-context.js";
import { sessionCookie } from "../middleware/authenticate.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const codeBody = z.object({ code: z.string().trim().min(6, "6 digits, or a recovery code").max(32) }).strict();
const rolesBody = z.object(Object.fromEntries(ROLES.map((r) => [r, z.boolean().optional()])) as Record<(typeof ROLES)[number], z.ZodOptional<z.ZodBoolean>>).strict();

export function secondFactorPolicy(deps: AppDeps): SecondFactorPolicy {
  const c = deps.config;
  return { lockAfter: c.login.lockAfter, lockMinutes: c.login.lockMinutes, idleMinutes: c.sessionIdleMinutes, maxHours: c.sessionMaxHours, sessionSecret: c.sessionSecret, encryptionKey: c.encryptionKey };
}

// 422, not 401: the session is fine, the code is not (the console treats 401 as "signed out").
const wrongCode = () => new HttpError(422, "invalid_two_factor_code", "wrong or already used code (kode salah atau sudah dipakai)");
const locked = (s: number) => tooMany(`too many wrong codes; try again in ${Math.ceil(s / 60)} minutes (terlalu banyak kode salah)`, s);

async function currentUser(deps: AppDeps, req: Request): Promise<User> {
  const user = req.viewer && (await deps.db.manager.getRepository(User).findOneBy({ id: req.viewer.id }));
  if (!user || !req.authSession) throw unauthorized();
  return user;
}

/** Staff two-factor authentication (TOTP + recovery codes); see docs/security.md. */
export function twoFactorRoutes(router: Router, deps: AppDeps) {
  const production = deps.config.nodeEnv === "production";
  addRoute(router, deps, {
    method: "post", path: "/auth/2fa/verify", summary: "The login's second step: a TOTP code or a recovery code (spent on use); throttled like the password", tag: "auth", roles: "authenticated", duringSecondFactor: true,
    body: codeBody,
    async handler({ req, res, body, now }) {
      const user = await currentUser(deps, req);
      const out = await verifySecondFactor(deps.db, secondFactorPolicy(deps), req.authSession!.id, { user, code: body.code, ip: req.ip ?? "unknown", userAgent: req.get("user-agent") }, now);
      if (out.kind === "not_enrolled") throw new HttpError(409, "two_factor_not_enrolled", "two-factor authentication is not on for this account (belum aktif)");
      if (out.kind === "locked") throw locked(out.retryAfterSeconds);
      if (out.kind === "invalid") throw wrongCode();
      res.setHeader("Set-Cookie", sessionCookie(deps, out.token));
      return { ok: true, method: out.method, recoveryCodesLeft: out.method === "recovery" ? out.recoveryCodesLeft : undefined };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/auth/2fa/enrol", summary: "Start enrolment: a new TOTP secret, its otpauth URI and QR code (SVG)", tag: "auth", roles: "authenticated", duringSecondFactor: true,
    async handler({ req }) {
      if (req.secondFactorDue === "code") throw new HttpError(403, "two_factor_required", "enter your current code first (masukkan kode terlebih dahulu)");
      const user = await currentUser(deps, req);
      const out = unwrap(await deps.db.tx((m) => startTwoFactorEnrolment(m, deps.config.encryptionKey, user.id, deps.config.twoFactorIssuer)));
      return { secret: out.secret, otpauthUri: out.otpauthUri, qrSvg: await qrSvg(out.otpauthUri) };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/auth/2fa/confirm", summary: "Finish enrolment with a code from the app; answers the ten recovery codes, once", tag: "auth", roles: "authenticated", duringSecondFactor: true,
    body: codeBody,
    async handler({ req, res, body, now }) {
      if (req.secondFactorDue === "code") throw new HttpError(403, "two_factor_required", "enter your current code first (masukkan kode terlebih dahulu)");
      const user = await currentUser(deps, req);
      const out = await confirmTwoFactorEnrolment(deps.db, secondFactorPolicy(deps), req.authSession!.id, { user, code: body.code, ip: req.ip ?? "unknown", userAgent: req.get("user-agent") }, now);
      if (out.kind === "violation") throw new HttpError(409, out.code, out.reason);
      if (out.kind === "locked") throw locked(out.retryAfterSeconds);
      if (out.kind === "invalid") throw wrongCode();
      res.setHeader("Set-Cookie", sessionCookie(deps, out.token));
      return { ok: true, recoveryCodes: out.recoveryCodes };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/auth/2fa", summary: "The caller's own second-factor state", tag: "auth", roles: "authenticated", duringSecondFactor: true,
    async handler({ req }) {
      return { ...(await userTwoFactorState(deps.db.manager, await currentUser(deps, req), production)), due: req.secondFactorDue ?? "none" };
    },
  });

  // --- Admins: per-user state and reset, per-role requirement.
  addRoute(router, deps, {
    method: "get", path: "/users/:id/two-factor", summary: "A user's second-factor state", tag: "users", roles: ["admin"], params: idParams,
    async handler({ params }) {
      const user = await deps.db.manager.getRepository(User).findOneBy({ id: params.id });
      if (!user) throw notFound(`user ${params.id}`);
      return userTwoFactorState(deps.db.manager, user, production);
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/users/:id/two-factor/reset", summary: "Turn another user's second factor off (lost phone); ends their sessions; audited", tag: "users", roles: ["admin"], params: idParams,
    async handler({ params, viewer, now }) {
      const { user } = unwrap(await deps.db.tx((m) => resetTwoFactor(m, commandContext(deps, viewer, now), params.id))).value;
      return userTwoFactorState(deps.db.manager, user, production);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/security/two-factor", summary: "Which roles must use a second factor", tag: "security", roles: ["admin"],
    async handler() {
      return { roles: await twoFactorRoles(deps.db.manager, production) };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/security/two-factor", summary: "Require (or not) a second factor per role; audited", tag: "security", roles: ["admin"],
    body: z.object({ roles: rolesBody }).strict(),
    async handler({ body, viewer, now }) {
      const roles = await deps.db.tx((m) => saveTwoFactorRoles(m, commandContext(deps, viewer, now), production, body.roles));
      forgetTwoFactorRoles(deps.db.manager);
      return { roles };
    },
  });
}
