import type { Router } from "express";
import { z } from "zod";
import { login } from "../../commands/login.js";
import { logout } from "../../commands/logout.js";
import { HttpError, tooMany, unauthorized } from "../../lib/errors.js";
import { sessionCookie } from "../middleware/authenticate.js";
import { presentViewer, viewerSchema } from "../presenters/user.presenter.js";
import { addRoute } from "../route.js";
import { sessionSecondFactorDue } from "../../queries/two-factor.js";
import type { AppDeps } from "../types.js";

const loginBody = z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) }).strict();

export function authRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "post",
    path: "/auth/login",
    summary: "Log in with e-mail and password; sets the httpOnly session cookie",
    tag: "auth",
    roles: "public",
    body: loginBody,
    response: viewerSchema,
    async handler({ body, req, res }) {
      const c = deps.config;
      const out = await login(
        deps.db,
        {
          slowdownAfter: c.login.slowdownAfter,
          lockAfter: c.login.lockAfter,
          lockMinutes: c.login.lockMinutes,
          slowdownBaseMs: deps.loginSlowdownBaseMs ?? 500,
          idleMinutes: c.sessionIdleMinutes,
          maxHours: c.sessionMaxHours,
          sessionSecret: c.sessionSecret,
        },
        { email: body.email, password: body.password, ip: req.ip ?? "unknown", userAgent: req.get("user-agent") },
        () => deps.clock.now(),
      );
      if (out.kind === "locked") throw tooMany(`too many failed logins; try again in ${Math.ceil(out.retryAfterSeconds / 60)} minutes (terlalu banyak percobaan gagal)`, out.retryAfterSeconds);
      if (out.kind === "invalid") throw new HttpError(401, "invalid_credentials", "wrong e-mail or password (email atau kata sandi salah)");
      const u = out.user;
      if (c.oidc?.localLogin === "admins" && u.role !== "admin") {
        // Single sign-on is the way in; local passwords are kept for break-glass admins only.
        await logout(deps.db, out.session.id, { userId: u.id, label: u.email }, deps.clock.now());
        throw new HttpError(403, "use_single_sign_on", "sign in with the province's single sign-on (masuk melalui SSO)");
      }
      res.setHeader("Set-Cookie", sessionCookie(deps, out.token));
      const due = await sessionSecondFactorDue(deps.db.manager, u, null, c.nodeEnv === "production");
      return presentViewer({ id: u.id, email: u.email, name: u.name, role: u.role, agencyId: u.agencyId }, due);
    },
  });
  addRoute(router, deps, {
    method: "post",
    path: "/auth/logout",
    summary: "End the current session",
    tag: "auth",
    roles: "authenticated",
    duringSecondFactor: true,
    async handler({ req, res, viewer, now }) {
      if (req.authSession) await logout(deps.db, req.authSession.id, { userId: viewer.id, label: viewer.email }, now);
      res.setHeader("Set-Cookie", sessionCookie(deps, null));
      return { ok: true };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/auth/me",
    summary: "The logged-in user (401 when the session is missing or expired)",
    tag: "auth",
    roles: "public",
    response: viewerSchema,
    async handler({ req, res }) {
      if (!req.viewer) throw unauthorized(res.getHeader("X-Session-Expired") ? "session expired (sesi berakhir)" : undefined);
      return presentViewer(req.viewer, req.secondFactorDue);
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/auth/options",
    summary: "How staff can sign in (the login page's single sign-on button)",
    tag: "auth",
    roles: "public",
    async handler() {
      const o = deps.config.oidc;
      return { sso: o ? { label: o.buttonLabel, url: "/api/auth/oidc/start" } : null, localLogin: o?.localLogin ?? "all" };
    },
  });
}
