import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { Session } from "../../server/entities/session.entity.js";
import { User } from "../../server/entities/user.entity.js";

for (const target of await testTargets()) {
  describe(`authentication (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target, { login: { slowdownAfter: 2, lockAfter: 4, lockMinutes: 15 } });
    });
    after(() => t.close());

    it("sets an httpOnly SameSite session cookie stored server-side, and logout ends it", async () => {
      const agent = supertest.agent(t.app);
      const res = await agent.post("/api/auth/login").send({ email: "OPERATOR@demo.aduan.id", password: DEMO_PASSWORD });
      assert.equal(res.status, 200);
      const cookie = String(res.headers["set-cookie"]);
      assert.match(cookie, /aduan_session=[\w%-]{30,}/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      const token = decodeURIComponent(/aduan_session=([^;]+)/.exec(cookie)![1]);
      const sessions = await t.database.db.manager.getRepository(Session).find();
      assert.ok(sessions.length >= 1);
      assert.ok(sessions.every((s) => s.id !== token), "the database keeps an HMAC of the token, not the token");
      assert.equal((await agent.get("/api/auth/me")).body.email, DEMO.operator);
      assert.equal((await agent.post("/api/auth/logout").send({})).status, 200);
      assert.equal((await agent.get("/api/auth/me")).status, 401);
      assert.equal((await supertest(t.app).get("/api/tickets").set("Cookie", `aduan_session=${token}`)).status, 401);
    });

    it("ends a session after the idle timeout, but not while it is used", async () => {
      const agent = await t.loginAs(DEMO.supervisor);
      t.clock.advance(20 * 60_000);
      assert.equal((await agent.get("/api/auth/me")).status, 200);
      t.clock.advance(20 * 60_000); // 40 min since login, 20 since last use
      assert.equal((await agent.get("/api/auth/me")).status, 200);
      t.clock.advance(31 * 60_000);
      const expired = await agent.get("/api/auth/me");
      assert.equal(expired.status, 401);
      assert.match(expired.body.message, /session expired/);
      assert.equal((await agent.get("/api/tickets")).status, 401);
    });

    it("slows down and then locks repeated failures from an address, without revealing whether the account exists", async () => {
      const attempt = (email: string, password: string, ip = "10.1.1.1") =>
        supertest(t.app).post("/api/auth/login").set("X-Forwarded-For", ip).send({ email, password });
      const wrong = await attempt(DEMO.headDinkes, "salah-sekali");
      const unknown = await attempt("tidak.ada@demo.aduan.id", "salah-sekali", "10.9.9.9");
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, unknown.body, "same answer for unknown accounts");
      for (let i = 0; i < 3; i++) await attempt(DEMO.headDinkes, "salah-sekali");
      const locked = await attempt(DEMO.headDinkes, DEMO_PASSWORD);
      assert.equal(locked.status, 429, "even the right password is refused from the locked address");
      assert.match(locked.body.message, /too many failed logins/);
      assert.ok(Number(locked.headers["retry-after"]) > 0);
      assert.equal((await attempt(DEMO.headDinkes, DEMO_PASSWORD, "10.3.3.3")).status, 200, "the owner elsewhere is not locked out");
      t.clock.advance(16 * 60_000);
      assert.equal((await attempt(DEMO.headDinkes, DEMO_PASSWORD)).status, 200, "the lock expires");
    });

    it("deactivating a user ends their sessions", async () => {
      const staff = await t.loginAs(DEMO.staffPU);
      const admin = await t.loginAs(DEMO.admin);
      const u = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.staffPU });
      assert.equal((await admin.delete(`/api/users/${u.id}`)).status, 200);
      assert.equal((await staff.get("/api/tickets")).status, 401);
      assert.equal((await supertest(t.app).post("/api/auth/login").send({ email: DEMO.staffPU, password: DEMO_PASSWORD })).status, 401);
    });
  });
}
