import type { Router } from "express";
import * as client from "openid-client";
import { z } from "zod";
import { signInWithOidc, type OidcClaims } from "../../commands/sign-in-with-oidc.js";
import { isLoopbackUrl, type OidcConfig } from "../../config/env.js";
import { hmacHex, safeEqualStrings } from "../../lib/crypto.js";
import { HttpError } from "../../lib/errors.js";
import { readCookie, sessionCookie } from "../middleware/authenticate.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

const FLOW_COOKIE = "aduan_oidc";
/** How long a sign-in at the provider may take before its state is forgotten. */
const FLOW_MINUTES = 10;

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
}

/** The provider's metadata, fetched once per app (again after a failure). */
const discovered = new WeakMap<AppDeps, Promise<client.Configuration>>();
function providerConfig(deps: AppDeps, oidc: OidcConfig): Promise<client.Configuration> {
  let p = discovered.get(deps);
  if (!p) {
    // Plain http only for a loopback issuer (config/env.ts refuses any other).
    const execute = oidc.issuer.startsWith("http:") && isLoopbackUrl(oidc.issuer) ? [client.allowInsecureRequests] : [];
    p = client.discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None(), { execute, timeout: 10 });
    p.catch(() => discovered.delete(deps));
    discovered.set(deps, p);
  }
  return p;
}

/** The flow's secrets travel in a cookie signed with SESSION_SECRET; nothing is stored before the sign-in ends. */
function sealFlow(secret: string, flow: Flow): string {
  const body = Buffer.from(JSON.stringify(flow)).toString("base64url");
  return `${body}.${hmacHex(secret, `oidc-flow:${body}`)}`;
}
function openFlow(secret: string, raw: string | undefined, now: Date): Flow | null {
  if (!raw || raw.length > 2000) return null;
  const [body, mac] = raw.split(".");
  if (!body || !mac || !safeEqualStrings(mac, hmacHex(secret, `oidc-flow:${body}`))) return null;
  try {
    const flow = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Flow;
    return flow.exp > now.getTime() ? flow : null;
  } catch {
    return null;
  }
}
function flowCookie(deps: AppDeps, value: string | null): string {
  const secure = deps.config.publicUrl.startsWith("https://") ? "; Secure" : "";
  // SameSite=Lax: the provider's redirect back is a top-level GET, which carries Lax cookies.
  return `${FLOW_COOKIE}=${value ?? ""}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${value ? FLOW_MINUTES * 60 : 0}${secure}`;
}

const loginPage = (reason: string) => `/console/#/login?sso=${encodeURIComponent(reason)}`;

/** Single sign-on with OpenID Connect (authorization code + PKCE); 404 when OIDC_ISSUER is unset. */
export function oidcRoutes(router: Router, deps: AppDeps) {
  const off = () => new HttpError(404, "single_sign_on_off", "single sign-on is not configured (SSO tidak diaktifkan)");
  addRoute(router, deps, {
    method: "get", path: "/auth/oidc/start", summary: "Redirects to the identity provider (authorization code + PKCE)", tag: "auth", roles: "public",
    async handler({ res, now }) {
      const oidc = deps.config.oidc;
      if (!oidc) throw off();
      let config: client.Configuration;
      try {
        config = await providerConfig(deps, oidc);
      } catch (err) {
        deps.logger.warn({ err }, "identity provider unreachable");
        return res.redirect(302, loginPage("unavailable"));
      }
      const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), exp: now.getTime() + FLOW_MINUTES * 60_000 };
      const params: Record<string, string> = {
        redirect_uri: oidc.redirectUrl,
        scope: oidc.scopes,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: "S256",
      };
      if (oidc.acrValues.length) params.acr_values = oidc.acrValues.join(" ");
      res.setHeader("Set-Cookie", flowCookie(deps, sealFlow(deps.config.sessionSecret, flow)));
      res.redirect(302, client.buildAuthorizationUrl(config, params).href);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/auth/oidc/callback", summary: "The identity provider's redirect back: signs the staff member in and opens the console", tag: "auth", roles: "public",
    query: z.record(z.string(), z.unknown()),
    async handler({ req, res, now }) {
      const oidc = deps.config.oidc;
      if (!oidc) throw off();
      const flow = openFlow(deps.config.sessionSecret, readCookie(req, FLOW_COOKIE), now);
      const cookies = [flowCookie(deps, null)];
      const done = (reason: string | null, token?: string) => {
        if (token) cookies.push(sessionCookie(deps, token));
        res.setHeader("Set-Cookie", cookies);
        res.redirect(302, reason ? loginPage(reason) : "/console/#/");
      };
      if (typeof req.query.error === "string") {
        deps.logger.info({ error: req.query.error }, "single sign-on refused by the identity provider");
        return done(req.query.error === "access_denied" ? "denied" : "failed");
      }
      if (!flow) return done("expired");
      let claims: OidcClaims;
      try {
        const config = await providerConfig(deps, oidc);
        const currentUrl = new URL(oidc.redirectUrl);
        currentUrl.search = new URL(req.originalUrl, "http://x").search;
        const tokens = await client.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
        const idClaims = tokens.claims()!;
        const info = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, idClaims.sub) : {};
        // The ID token's own assertions (sub, amr, acr) win over UserInfo.
        claims = { ...info, ...idClaims } as OidcClaims;
      } catch (err) {
        deps.logger.warn({ err }, "single sign-on failed");
        return done("failed");
      }
      const c = deps.config;
      const out = await deps.db.tx((m) =>
        signInWithOidc(m, oidc, { idleMinutes: c.sessionIdleMinutes, maxHours: c.sessionMaxHours, sessionSecret: c.sessionSecret }, { claims, ip: req.ip ?? "unknown", userAgent: req.get("user-agent") }, now),
      );
      if (out.kind === "ok") return done(null, out.token);
      return done(out.kind);
    },
  });
}
