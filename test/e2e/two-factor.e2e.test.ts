import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { AuditEvent, RecoveryCode, User } from "../../server/entities/index.js";
import { secondFactorCheckCount, totpCode } from "../../server/lib/two-factor.js";

/**
 * Issue 15 point 4: TOTP second factor with recovery codes, per-role requirement, admin reset,
 * and the login throttle covering the second step. The browser side is console-two-factor.browser.test.ts.
 */
for (const target of await testTargets()) {
  describe(`two-factor authentication (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target, { login: { slowdownAfter: 2, lockAfter: 4, lockMinutes: 15 } });
    });
    after(() => t.close());

    const login = async (email: string, ip: string) => {
      // Every later request of this agent comes from the same address (the throttle counts per address too).
      const agent = supertest.agent(t.app).set("X-Forwarded-For", ip);
      const res = await agent.post("/api/auth/login").send({ email, password: DEMO_PASSWORD });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { agent, body: res.body as { secondFactor: string } };
    };
    /** The code an authenticator shows a little later (a code is accepted once; the next step is a new one). */
    const nextCode = (secret: string) => {
      t.clock.advance(30_000);
      return totpCode(secret, t.clock.now());
    };
    const enrol = async (agent: supertest.Agent, ip: string) => {
      const start = await agent.post("/api/auth/2fa/enrol").set("X-Forwarded-For", ip).send({});
      assert.equal(start.status, 200, JSON.stringify(start.body));
      const done = await agent.post("/api/auth/2fa/confirm").set("X-Forwarded-For", ip).send({ code: totpCode(start.body.secret, t.clock.now()) });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      return { secret: start.body.secret as string, recoveryCodes: done.body.recoveryCodes as string[], start: start.body };
    };

    let operatorSecret = "";
    let operatorCodes: string[] = [];

    it("enrols with a QR code and the secret in text; ten recovery codes shown once and stored only as keyed hashes", async () => {
      const { agent } = await login(DEMO.operator, "10.20.0.1");
      const start = await agent.post("/api/auth/2fa/enrol").send({});
      assert.equal(start.status, 200);
      assert.match(start.body.secret, /^[A-Z2-7]{32}$/);
      const uri = new URL(start.body.otpauthUri);
      assert.equal(uri.protocol, "otpauth:");
      assert.equal(uri.searchParams.get("secret"), start.body.secret);
      assert.match(start.body.qrSvg, /^<svg[^>]*>.*<path/s);
      const wrong = await agent.post("/api/auth/2fa/confirm").send({ code: "000000" });
      assert.equal(wrong.status, 422);
      assert.equal((await agent.get("/api/auth/2fa")).body.enabled, false, "a wrong code does not turn it on");
      const ok = await agent.post("/api/auth/2fa/confirm").send({ code: totpCode(start.body.secret, t.clock.now()) });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      operatorSecret = start.body.secret;
      operatorCodes = ok.body.recoveryCodes;
      assert.equal(operatorCodes.length, 10);
      assert.equal(new Set(operatorCodes).size, 10);
      const user = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.operator });
      assert.ok(user.totpEnabledAt);
      assert.ok(user.totpSecret && !user.totpSecret.includes(operatorSecret), "the secret is stored encrypted");
      const rows = await t.database.db.manager.getRepository(RecoveryCode).findBy({ userId: user.id });
      assert.equal(rows.length, 10);
      for (const r of rows) {
        assert.match(r.codeHash, /^[0-9a-f]{64}$/);
        assert.ok(operatorCodes.every((c) => !r.codeHash.includes(c.replace("-", ""))));
      }
      assert.equal((await agent.get("/api/tickets")).status, 200, "the enrolling session has passed the second factor");
      assert.equal((await agent.post("/api/auth/2fa/enrol").send({})).status, 409, "a second enrolment needs an admin reset");
      const events = await t.database.db.manager.getRepository(AuditEvent).findBy({ type: "user.two_factor_enrolled", entityId: String(user.id) });
      assert.equal(events.length, 1);
    });

    it("after the password, nothing but the second step answers; a TOTP opens the session, and the same code never works twice", async () => {
      const { agent, body } = await login(DEMO.operator, "10.20.0.2");
      assert.equal(body.secondFactor, "code");
      const tickets = await agent.get("/api/tickets");
      assert.equal(tickets.status, 403);
      assert.equal(tickets.body.error, "two_factor_required");
      assert.equal((await agent.get("/api/auth/me")).body.secondFactor, "code");
      const code = nextCode(operatorSecret);
      const passwordOnlyCookie = await agent.jar.getCookie("aduan_session", { domain: "127.0.0.1", path: "/", secure: false, script: false });
      assert.equal((await agent.post("/api/auth/2fa/verify").send({ code })).status, 200);
      assert.equal((await agent.get("/api/tickets")).status, 200);
      assert.equal((await agent.get("/api/auth/me")).body.secondFactor, "none");
      if (passwordOnlyCookie) {
        const old = await supertest(t.app).get("/api/auth/me").set("Cookie", `aduan_session=${passwordOnlyCookie.value}`);
        assert.equal(old.status, 401, "the password-only cookie is replaced");
      }
      const again = await login(DEMO.operator, "10.20.0.3");
      const replay = await again.agent.post("/api/auth/2fa/verify").send({ code });
      assert.equal(replay.status, 422, "a code already used is refused");
      assert.equal((await again.agent.post("/api/auth/2fa/verify").send({ code: nextCode(operatorSecret) })).status, 200);
    });

    it("a recovery code works once, then it is spent", async () => {
      const first = await login(DEMO.operator, "10.20.0.4");
      const used = await first.agent.post("/api/auth/2fa/verify").send({ code: operatorCodes[0].toUpperCase() });
      assert.equal(used.status, 200, JSON.stringify(used.body));
      assert.equal(used.body.method, "recovery");
      assert.equal(used.body.recoveryCodesLeft, 9);
      assert.equal((await first.agent.get("/api/tickets")).status, 200);
      const second = await login(DEMO.operator, "10.20.0.5");
      assert.equal((await second.agent.post("/api/auth/2fa/verify").send({ code: operatorCodes[0] })).status, 422);
      assert.equal((await second.agent.get("/api/tickets")).status, 403);
    });

    it("wrong codes are throttled by the login throttle: 429 after LOGIN_LOCK_AFTER, even for the right code, without checking it", async () => {
      t.clock.advance(16 * 60_000); // the earlier tests' wrong codes are out of the window
      const { agent } = await login(DEMO.operator, "10.20.0.6");
      for (let i = 0; i < 4; i++) assert.equal((await agent.post("/api/auth/2fa/verify").send({ code: "123456" })).status, 422);
      const checks = secondFactorCheckCount();
      const locked = await agent.post("/api/auth/2fa/verify").send({ code: nextCode(operatorSecret) });
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers["retry-after"]) > 0);
      assert.match(locked.body.message, /too many wrong codes/);
      assert.equal(secondFactorCheckCount(), checks, "a locked try checks no code");
      // Another address, same account: the second step stays locked (whoever is here knows the password).
      const other = await login(DEMO.operator, "10.20.0.7");
      assert.equal((await other.agent.post("/api/auth/2fa/verify").send({ code: nextCode(operatorSecret) })).status, 429);
      assert.equal((await other.agent.get("/api/tickets")).status, 403);
      t.clock.advance(16 * 60_000);
      assert.equal((await other.agent.post("/api/auth/2fa/verify").send({ code: nextCode(operatorSecret) })).status, 200, "the lock expires");
    });

    it("an admin can require a second factor per role: such a user is led to enrolment and reaches nothing else", async () => {
      const admin = await t.loginAs(DEMO.admin);
      assert.equal((await admin.get("/api/security/two-factor")).body.roles.admin, false, "outside production, no role requires it by default");
      const put = await admin.put("/api/security/two-factor").send({ roles: { supervisor: true } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.roles.supervisor, true);
      const { agent, body } = await login(DEMO.supervisor, "10.20.0.8");
      assert.equal(body.secondFactor, "enrol");
      const refused = await agent.get("/api/tickets");
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error, "two_factor_enrolment_required");
      assert.equal((await agent.get("/api/users")).status, 403);
      await enrol(agent, "10.20.0.8");
      assert.equal((await agent.get("/api/tickets")).status, 200);
      const audit = await t.database.db.manager.getRepository(AuditEvent).findBy({ type: "security.two_factor_roles" });
      assert.equal(audit.length, 1);
      assert.equal(JSON.parse(audit[0].afterJson!).supervisor, true);
      assert.equal((await admin.put("/api/security/two-factor").send({ roles: { auditor: true } })).status, 400);
      assert.equal((await agent.put("/api/security/two-factor").send({ roles: { supervisor: false } })).status, 403, "only admins decide");
    });

    it("another admin resets a user's second factor (audited, sessions end); nobody resets their own", async () => {
      const admin = await t.loginAs(DEMO.admin);
      const operator = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.operator });
      const me = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.admin });
      const { agent } = await login(DEMO.operator, "10.20.0.9");
      assert.equal((await agent.post("/api/auth/2fa/verify").send({ code: nextCode(operatorSecret) })).status, 200);
      const state = await admin.get(`/api/users/${operator.id}/two-factor`);
      assert.deepEqual({ enabled: state.body.enabled, left: state.body.recoveryCodesLeft }, { enabled: true, left: 9 });
      assert.equal((await admin.get(`/api/users/${operator.id}`)).body.twoFactorEnabled, true);
      const reset = await admin.post(`/api/users/${operator.id}/two-factor/reset`).send({});
      assert.equal(reset.status, 200);
      assert.equal(reset.body.enabled, false);
      assert.equal((await agent.get("/api/tickets")).status, 401, "the user's sessions ended");
      assert.equal((await t.database.db.manager.getRepository(RecoveryCode).countBy({ userId: operator.id })), 0);
      const again = await login(DEMO.operator, "10.20.0.10");
      assert.equal(again.body.secondFactor, "none", "operators are not required to use it");
      assert.equal((await admin.post(`/api/users/${me.id}/two-factor/reset`).send({})).status, 409);
      assert.equal((await agent.post(`/api/users/${me.id}/two-factor/reset`).send({})).status, 401);
      const events = await t.database.db.manager.getRepository(AuditEvent).findBy({ type: "user.two_factor_reset", entityId: String(operator.id) });
      assert.equal(events.length, 1);
      assert.equal(events[0].actorUserId, me.id);
    });
  });
}

const [sqlite] = await testTargets();
describe("two-factor authentication in production (sqlite)", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite, { nodeEnv: "production" });
  });
  after(() => t.close());

  it("admins must enrol by default; other roles need not", async () => {
    const admin = supertest.agent(t.app);
    const res = await admin.post("/api/auth/login").send({ email: DEMO.admin, password: DEMO_PASSWORD });
    assert.equal(res.body.secondFactor, "enrol");
    assert.equal((await admin.get("/api/users")).status, 403);
    const op = supertest.agent(t.app);
    assert.equal((await op.post("/api/auth/login").send({ email: DEMO.operator, password: DEMO_PASSWORD })).body.secondFactor, "none");
    assert.equal((await op.get("/api/tickets")).status, 200);
  });
});
