import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { listen } from "../support/console.js";
import { loadConfig } from "../../server/config/env.js";
import { Agency, AuditEvent, Forward, User } from "../../server/entities/index.js";

/**
 * Issue 15 point 5 / acceptance 6: single sign-on against a real OpenID Connect provider
 * (oidc-provider) on 127.0.0.1, started and stopped here. Its login page is replaced by the test's
 * "who signs in next" (an account disabled at the provider is refused there, as a real IdP would).
 */
interface Account {
  email: string;
  name: string;
  role?: string;
  opd?: string;
  disabled?: boolean;
  amr?: string[];
}

const accounts: Record<string, Account> = {
  "ssohead-1": { email: "kepala.pu.sso@jabar.go.id", name: "Kepala PU (SSO)", role: "kepala-opd", opd: "DPU" },
  "ssonew-2": { email: "pegawai.baru@jabar.go.id", name: "Pegawai Baru" },
  "ssoadmin-3": { email: "admin.sso@jabar.go.id", name: "Admin SSO", role: "admin", amr: ["pwd", "otp"] },
};
let nextLogin = "";

async function startProvider(redirectUri: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: "aduan", client_secret: "aduan-client-secret-0123456789", redirect_uris: [redirectUri], response_types: ["code"], grant_types: ["authorization_code"] }],
    jwks: { keys: [{ ...jwk, kid: "test", use: "sig", alg: "RS256" }] },
    cookies: { keys: ["test-cookie-key-0123456789abcdef"] },
    claims: { acr: null, amr: null, auth_time: null, sid: null, iss: null, openid: ["sub", "amr", "acr"], email: ["email", "email_verified"], profile: ["name", "aduan_role", "aduan_opd"] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const a = accounts[id];
      if (!a || a.disabled) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: a.email, email_verified: true, name: a.name, aduan_role: a.role, aduan_opd: a.opd }) };
    },
  });
  const callback = provider.callback();
  server.on("request", async (req, res) => {
    try {
      if (!req.url?.startsWith("/interaction/")) return callback(req, res);
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        const a = accounts[nextLogin];
        const result = !a || a.disabled ? { error: "access_denied", error_description: "account disabled" } : { login: { accountId: nextLogin, amr: a.amr } };
        return await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A browser's redirects and cookies, by hand: cookies kept per host:port. */
async function browse(start: string, jar: Map<string, Map<string, string>>): Promise<{ url: URL; status: number }> {
  let url = new URL(start);
  for (let hops = 0; hops < 20; hops++) {
    const cookies = jar.get(url.host) ?? new Map<string, string>();
    jar.set(url.host, cookies);
    const res = await fetch(url, { redirect: "manual", headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || attrs.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()))) cookies.delete(name);
      else cookies.set(name, value);
    }
    await res.arrayBuffer();
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return { url, status: res.status };
    url = new URL(location, url);
    if (url.pathname.startsWith("/console/")) return { url, status: res.status };
  }
  throw new Error("too many redirects");
}

for (const target of await testTargets()) {
  describe(`single sign-on with OpenID Connect (${target.name})`, () => {
    let t: TestApp;
    let app: { url: string; close(): Promise<void> };
    let idp: { issuer: string; close(): Promise<void> };
    before(async () => {
      t = await startTestApp(target);
      app = await listen(t);
      const redirectUrl = `${app.url}/api/auth/oidc/callback`;
      idp = await startProvider(redirectUrl);
      // The app reads its configuration per request; the port is known only now.
      t.deps.config.oidc = {
        issuer: idp.issuer,
        clientId: "aduan",
        clientSecret: "aduan-client-secret-0123456789",
        redirectUrl,
        scopes: "openid email profile",
        roleClaim: "aduan_role",
        roleMap: { "kepala-opd": "opd_head" },
        opdClaim: "aduan_opd",
        trustAmr: true,
        acrValues: [],
        localLogin: "all",
        buttonLabel: "SSO Jabar",
      };
    });
    after(async () => {
      await app?.close();
      await idp?.close();
      await t?.close();
    });

    const signIn = async (account: string) => {
      nextLogin = account;
      const jar = new Map<string, Map<string, string>>();
      const end = await browse(`${app.url}/api/auth/oidc/start`, jar);
      const session = jar.get(new URL(app.url).host)?.get("aduan_session");
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${app.url}/api${path}`, { ...init, headers: { "content-type": "application/json", cookie: session ? `aduan_session=${session}` : "" } });
      return { end: end.url, session, api };
    };

    it("off by default; when configured, the login page offers the SSO button", async () => {
      assert.equal(loadConfig({ NODE_ENV: "test", SESSION_SECRET: "x".repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") }).oidc, null);
      const options = await (await fetch(`${app.url}/api/auth/options`)).json();
      assert.deepEqual(options.sso, { label: "SSO Jabar", url: "/api/auth/oidc/start" });
    });

    it("first login creates the user with the mapped role and OPD; the OPD head sees only that OPD's tickets", async () => {
      const { end, session, api } = await signIn("ssohead-1");
      assert.equal(end.pathname + end.hash, "/console/#/", `landed on ${end.href}`);
      assert.ok(session, "a session cookie was set");
      const me = await (await api("/auth/me")).json();
      const pu = await t.database.db.manager.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      assert.deepEqual({ email: me.email, role: me.role, agencyId: me.agencyId, secondFactor: me.secondFactor }, { email: accounts["ssohead-1"].email, role: "opd_head", agencyId: pu.id, secondFactor: "none" });
      const user = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: accounts["ssohead-1"].email });
      assert.ok(user.oidcSubject?.endsWith(":ssohead-1"));
      const created = await t.database.db.manager.getRepository(AuditEvent).findOneByOrFail({ type: "user.created", entityId: String(user.id) });
      assert.equal(JSON.parse(created.afterJson!).source, "sso");

      const list = await api("/tickets?range=[0,400]");
      assert.equal(list.status, 200);
      const ids: number[] = (await list.json()).map((r: { id: number }) => r.id);
      assert.ok(ids.length > 0, "the OPD has forwarded tickets");
      const forwarded = new Set((await t.database.db.manager.getRepository(Forward).findBy({ agencyId: pu.id })).map((f) => f.ticketId));
      assert.ok(ids.every((id) => forwarded.has(id)), "every ticket shown was forwarded to this OPD");
      const localHead = await t.loginAs(DEMO.headPU);
      const theirs: number[] = (await localHead.get("/api/tickets?range=[0,400]")).body.map((r: { id: number }) => r.id);
      assert.deepEqual([...ids].sort(), [...theirs].sort(), "the same tickets as the OPD's own head");
      const dinkes = await t.database.db.manager.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
      const other = (await t.database.db.manager.getRepository(Forward).findBy({ agencyId: dinkes.id })).find((f) => !forwarded.has(f.ticketId));
      if (other) assert.equal((await api(`/tickets/${other.ticketId}`)).status, 404, "another OPD's ticket is not there");
    });

    it("an unmapped first login waits for an admin to assign a role; SSO users have no usable password", async () => {
      const { end, session } = await signIn("ssonew-2");
      assert.equal(end.hash, "#/login?sso=pending");
      assert.equal(session, undefined);
      const user = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: accounts["ssonew-2"].email });
      assert.equal(user.active, false);
      const local = await fetch(`${app.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: user.email, password: "sso-only" }) });
      assert.equal(local.status, 401);
    });

    it("the provider's second factor (amr) counts; logout ends the local session", async () => {
      const admin = await t.loginAs(DEMO.admin);
      assert.equal((await admin.put("/api/security/two-factor").send({ roles: { admin: true } })).status, 200);
      const local = await t.loginAs(DEMO.admin);
      assert.equal((await local.get("/api/auth/me")).body.secondFactor, "enrol", "admins now need a second factor");
      const { api } = await signIn("ssoadmin-3");
      assert.equal((await (await api("/auth/me")).json()).secondFactor, "none", "no local TOTP asked: the IdP did a second factor");
      assert.equal((await api("/users")).status, 200);
      assert.equal((await api("/auth/logout", { method: "POST", body: "{}" })).status, 200);
      assert.equal((await api("/auth/me")).status, 401);
      assert.equal((await api("/users")).status, 401);
    });

    it("a user disabled at the provider cannot log in", async () => {
      accounts["ssohead-1"].disabled = true;
      const { end, session } = await signIn("ssohead-1");
      assert.equal(end.hash, "#/login?sso=denied");
      assert.equal(session, undefined);
      accounts["ssohead-1"].disabled = false;
    });
  });
}
