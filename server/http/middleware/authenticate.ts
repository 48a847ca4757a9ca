import type { NextFunction, Request, Response } from "express";
import { authenticateSession } from "../../commands/authenticate-session.js";
import { sessionSecondFactorDue } from "../../queries/two-factor.js";
import type { AppDeps } from "../types.js";

export const SESSION_COOKIE = "aduan_session";

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(deps: AppDeps, token: string | null): string {
  const secure = deps.config.publicUrl.startsWith("https://") ? "; Secure" : "";
  if (token === null) return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax${secure}`;
}

/** Attaches req.viewer when the session cookie is valid; never rejects (routes decide). */
export function authenticate(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readCookie(req, SESSION_COOKIE);
      if (token && token.length <= 200) {
        const out = await authenticateSession(deps.db, deps.config.sessionSecret, deps.config.sessionIdleMinutes, token, deps.clock.now());
        if (out.kind === "ok") {
          const u = out.user;
          req.viewer = { id: u.id, email: u.email, name: u.name, role: u.role, agencyId: u.agencyId, sessionId: out.session.id };
          req.authSession = out.session;
          req.secondFactorDue = await sessionSecondFactorDue(deps.db.manager, u, out.session.secondFactor, deps.config.nodeEnv === "production");
        } else if (out.kind === "expired") {
          res.setHeader("Set-Cookie", sessionCookie(deps, null));
          res.setHeader("X-Session-Expired", "1");
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Cross-site form posts cannot send JSON without a CORS preflight: mutations must be JSON.
 * DELETE carries no body, and no HTML form can send it.
 */
export function requireJsonForMutations(req: Request, res: Response, next: NextFunction) {
  if (["GET", "HEAD", "OPTIONS", "DELETE"].includes(req.method)) return next();
  if (!req.is("application/json")) {
    res.status(415).json({ error: "unsupported_media_type", message: "send the request body as application/json" });
    return;
  }
  next();
}
