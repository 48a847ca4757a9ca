// Acceptance 3 of issue 14: login throttling is atomic under concurrency, per address and per
// account, and an attacker elsewhere cannot lock the owner out.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { LoginThrottle } from "../../server/entities/login-throttle.entity.js";
import { passwordCheckCount } from "../../server/lib/crypto.js";
import { createApp } from "../../server/http/app.js";

const LOCK_AFTER = 5;

for (const target of await testTargets()) {
  describe(`login throttling under concurrency (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target, { login: { slowdownAfter: 3, lockAfter: LOCK_AFTER, lockMinutes: 15 } });
    });
    after(() => t.close());

    const attempt = (email: string, password: string, ip: string) =>
      supertest(t.app).post("/api/auth/login").set("X-Forwarded-For", ip).send({ email, password });

    it("checks at most LOGIN_LOCK_AFTER of 20 parallel wrong passwords; the rest get 429 unchecked", async () => {
      const before = passwordCheckCount();
      const answers = await Promise.all(Array.from({ length: 20 }, () => attempt(DEMO.headPU, "tebakan-salah", "203.0.113.7")));
      const checks = passwordCheckCount() - before;
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(answers.filter((a) => a.status !== 401 && a.status !== 429).map((a) => a.body), []);
      assert.equal(checks, LOCK_AFTER, `password hash checked ${checks} times`);
      assert.equal(statuses.filter((s) => s === 401).length, LOCK_AFTER);
      assert.equal(statuses.filter((s) => s === 429).length, 20 - LOCK_AFTER);
      const refused = answers.find((a) => a.status === 429)!;
      assert.ok(Number(refused.headers["retry-after"]) > 0);

      // The attacking address stays locked, even with the right password, and is not checked.
      const again = passwordCheckCount();
      assert.equal((await attempt(DEMO.headPU, DEMO_PASSWORD, "203.0.113.7")).status, 429);
      assert.equal(passwordCheckCount(), again);

      // The owner, from another address, still gets in.
      const owner = await attempt(DEMO.headPU, DEMO_PASSWORD, "198.51.100.20");
      assert.equal(owner.status, 200, JSON.stringify(owner.body));
      const row = await t.database.db.manager.getRepository(LoginThrottle).findOneByOrFail({ key: "ip:203.0.113.7" });
      assert.equal(row.failures, LOCK_AFTER, "the address row counts exactly the checks it was allowed");
      assert.ok(row.lockedUntil && row.lockedUntil > t.clock.now());
    });

    it("20 parallel wrong passwords from 20 addresses: at most LOGIN_LOCK_AFTER are checked; the owner then logs in", async () => {
      // A slowdown long enough that every try still holds its slot when the last one arrives.
      const app = createApp({ ...t.deps, loginSlowdownBaseMs: 400, config: { ...t.config, login: { slowdownAfter: 2, lockAfter: 3, lockMinutes: 15 } } });
      const tryFrom = (password: string, ip: string) => supertest(app).post("/api/auth/login").set("X-Forwarded-For", ip).send({ email: DEMO.headDinkes, password });
      for (const ip of ["192.0.2.101", "192.0.2.102"]) assert.equal((await tryFrom("salah", ip)).status, 401);
      const before = passwordCheckCount();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => tryFrom("tebakan-salah", `198.18.0.${i + 1}`)));
      const checks = passwordCheckCount() - before;
      assert.ok(checks >= 1 && checks <= 3, `password hash checked ${checks} times`);
      assert.equal(answers.filter((a) => a.status === 401).length, checks);
      assert.equal(answers.filter((a) => a.status === 429).length, 20 - checks);
      const owner = await tryFrom(DEMO_PASSWORD, "198.18.1.1");
      assert.equal(owner.status, 200, "the account is not locked once the burst is over");
    });

    it("many addresses spraying one account only slow it down; the lock of an address expires", async () => {
      for (let i = 0; i < 6; i++) assert.equal((await attempt(DEMO.staffPU, "salah", `192.0.2.${i}`)).status, 401);
      assert.equal((await attempt(DEMO.staffPU, DEMO_PASSWORD, "192.0.2.200")).status, 200, "the owner is slowed, never locked out");
      t.clock.advance(16 * 60_000);
      assert.equal((await attempt(DEMO.headPU, DEMO_PASSWORD, "203.0.113.7")).status, 200, "the address lock expires");
    });
  });
}
