// Issue 16, point 1: the wall's numbers come from rollups kept incrementally from the audit log
// (commands/apply-rollups.ts), not from scans of the ticket table. A day's complaints, checks,
// forwards, answers and breaches are counted once each — also when two consumers run at once, and
// when an event with a smaller id commits after a larger one (ids are not commit-ordered on
// MySQL/MariaDB). The wall's endpoints answer the same figures, to a supervisor and to "layar".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { applyRollups, wibDay } from "../../server/commands/apply-rollups.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import { Agency } from "../../server/entities/agency.entity.js";

for (const target of await testTargets()) {
  describe(`the wall's rollups (${target.name})`, () => {
    let t: TestApp;
    let pu: Agency;
    const day = () => wibDay(t.clock.now());
    const sums = async () => {
      const [r] = await t.database.db.manager.query(
        "SELECT SUM(received) AS received, SUM(verified) AS verified, SUM(forwarded) AS forwarded, SUM(answered) AS answered, SUM(breached) AS breached FROM wall_rollup_days WHERE day = ?",
        [day()],
      );
      return Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, Number(v ?? 0)])) as Record<"received" | "verified" | "forwarded" | "answered" | "breached", number>;
    };
    before(async () => {
      t = await startTestApp(target);
      pu = await t.database.db.manager.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      await applyRollups(t.database.db, t.clock.now()); // the demo's history
    });
    after(() => t?.close());

    it("counts a day's complaints, checks, forwards, answers and breaches once, also with two consumers at once", async () => {
      const before = await sums();
      const operator = await t.loginAs(DEMO.operator);
      const head = await t.loginAs(DEMO.headPU);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await operator.post("/api/tickets").send({ channel: "voice", description: `Jalan rusak nomor ${i} di Jalan Kol. Atmo.`, privacy: "publik", caller: { name: `Warga ${i}`, phone: `08120000070${i}` } });
        assert.equal(r.status, 201);
        ids.push(r.body.id);
      }
      for (const id of ids.slice(0, 2)) {
        assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send({ action: "verify" })).status, 200);
        assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon ditangani." })).status, 200);
      }
      assert.equal((await head.post(`/api/tickets/${ids[0]}/transitions`).send({ action: "answer", response: "Sudah diperbaiki." })).status, 200);
      await processDueClocks(t.database.db, new Date(t.clock.now().getTime() + 40 * 86_400_000), { secretKey: t.config.sessionSecret });
      // Two consumers (two API processes, or one and the worker's job) at the same moment.
      const [a, b] = await Promise.all([applyRollups(t.database.db, t.clock.now()), applyRollups(t.database.db, t.clock.now())]);
      assert.ok(a.applied + b.applied > 0);
      const after1 = await sums();
      assert.equal(after1.received - before.received, 3);
      assert.equal(after1.verified - before.verified, 2);
      assert.equal(after1.forwarded - before.forwarded, 2);
      assert.equal(after1.answered - before.answered, 1);
      // The breaches recorded at "now + 40 days" count on that day, not today.
      assert.equal(after1.breached - before.breached, 0);
      // Nothing more on a second run.
      assert.equal((await applyRollups(t.database.db, t.clock.now())).applied, 0);
      assert.deepEqual(await sums(), after1);
    });

    it("an event whose smaller id commits after a larger one is still counted, once", async () => {
      const m = t.database.db.manager;
      const [{ max }] = await m.query("SELECT MAX(id) AS max FROM audit_events");
      const ticket = (await m.query("SELECT id FROM tickets ORDER BY id DESC LIMIT 1"))[0].id as number;
      const base = await sums();
      const row = (id: number) =>
        m.query(
          "INSERT INTO audit_events (id, chain_key, seq, ticket_id, actor_user_id, actor_label, type, entity_type, entity_id, before_json, after_json, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, NULL, 'test', 'ticket.verified', 'ticket', ?, NULL, NULL, ?, NULL, ?)",
          [id, `test:${id}`, 1, ticket, String(ticket), target.name === "sqlite" ? t.clock.now().toISOString().replace("T", " ").replace("Z", "") : t.clock.now(), "x".repeat(64)],
        );
      await row(Number(max) + 10); // committed first, larger id
      await applyRollups(t.database.db, t.clock.now());
      assert.equal((await sums()).verified - base.verified, 1);
      await row(Number(max) + 5); // its id was taken earlier; it commits only now
      await applyRollups(t.database.db, t.clock.now());
      assert.equal((await sums()).verified - base.verified, 2);
      await applyRollups(t.database.db, t.clock.now());
      assert.equal((await sums()).verified - base.verified, 2);
    });

    it("the wall's endpoints answer the rollups' figures, to a supervisor and to the wall role", async () => {
      const s = await sums();
      for (const email of [DEMO.supervisor, "layar@demo.aduan.id"]) {
        const agent = await t.loginAs(email);
        const summary = await agent.get("/api/wall/summary");
        assert.equal(summary.status, 200);
        assert.equal(summary.body.today.received, s.received);
        assert.equal(summary.body.today.answered, s.answered);
        assert.ok(summary.body.open > 0);
        const series = await agent.get("/api/wall/series");
        assert.equal(series.body.hours.reduce((n: number, h: { received: number }) => n + h.received, 0), s.received);
        const agencies = await agent.get("/api/wall/agencies");
        const dpu = agencies.body.agencies.find((a: { code: string }) => a.code === "DPU");
        assert.equal(dpu.light, "red", "the breaches recorded above");
        assert.ok(dpu.backlog >= 1 && dpu.oldestOpenAt);
        const esc = await agent.get("/api/wall/escalations");
        assert.ok(esc.body.items.length > 0);
        assert.doesNotMatch(JSON.stringify([summary.body, series.body, agencies.body, esc.body]), /Jalan rusak|Kol\. Atmo|Warga \d/);
      }
      // An operator is not a wall role.
      assert.equal((await (await t.loginAs(DEMO.operator)).get("/api/wall/summary")).status, 403);
    });
  });
}
