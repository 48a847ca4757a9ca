import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { clearAccountabilityCache } from "../../server/queries/accountability.js";
import { answerAsHeadPU, recordTicket, verifyAndForward } from "../support/public.js";
import { TicketRating } from "../../server/entities/index.js";
import { brandOf } from "../../server/http/public/brand.js";

/** Issue 6: /kinerja — per OPD per month: volume, on-time share, median working days, returned share, rating; SVG chart without JS. */
for (const target of await testTargets()) {
  describe(`public: accountability per OPD /kinerja (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    let baseline: { volume: number; followedUp: number };

    before(async () => {
      t = await startTestApp(target, { trustProxy: "true" });
      const operator = await t.loginAs(DEMO.operator);
      baseline = (await http().get("/kinerja/data.json?bulan=2026-11")).body.rows.find((r: { agencyCode: string }) => r.agencyCode === "DPU");
      clearAccountabilityCache();
      const pu = [];
      for (let i = 0; i < 3; i++) {
        const tk = await recordTicket(operator, { description: `Jalan rusak ruas ${i} perlu perbaikan.` });
        await verifyAndForward(t, operator, tk.id, "DPU");
        pu.push(tk);
      }
      const dinkes = await recordTicket(operator, { description: "Bukan urusan Dinas Kesehatan sebenarnya." });
      await verifyAndForward(t, operator, dinkes.id, "DINKES");
      const headDinkes = await t.loginAs(DEMO.headDinkes);
      await headDinkes.post(`/api/tickets/${dinkes.id}/transitions`).send({ action: "return", reason: "Ini wewenang Dinas PU." }).expect(200);

      t.clock.advance(2 * 60 * 60_000); // two office hours later
      await answerAsHeadPU(t, pu[0]!.id, "Sudah diperbaiki.");
      await t.database.db.manager.getRepository(TicketRating).insert({ ticketId: pu[0]!.id, rating: 4, comment: null, createdAt: t.clock.now(), updatedAt: t.clock.now() });
      t.clock.advance(9 * 24 * 60 * 60_000); // well past the 5-working-day clock
      await answerAsHeadPU(t, pu[1]!.id, "Sudah diperbaiki, terlambat.");
    });
    after(() => t.close());

    it("computes the month's figures per OPD", async () => {
      const res = await http().get("/kinerja/data.json?bulan=2026-11");
      assert.equal(res.status, 200);
      const dpu = res.body.rows.find((r: { agencyCode: string }) => r.agencyCode === "DPU");
      const dinkes = res.body.rows.find((r: { agencyCode: string }) => r.agencyCode === "DINKES");
      const demoDpu = (await http().get("/kinerja/data.json?bulan=2026-10")).body; // other months are unaffected
      assert.ok(demoDpu.rows);
      assert.equal(dpu.volume, baseline.volume + 3);
      assert.equal(dpu.followedUp, baseline.followedUp + 2);
      assert.ok(dpu.onTimeShare > 0 && dpu.onTimeShare < 1, "one on time, one late");
      assert.ok(dpu.medianWorkingDays > 0);
      assert.equal(dpu.returnedShare === null || dpu.returnedShare < 1, true);
      assert.ok(dinkes.returnedShare > 0, "Dinas Kesehatan returned one as not its authority");
      assert.equal(typeof dpu.averageRating, "number");
      assert.ok(dpu.averageRating >= 1 && dpu.averageRating <= 5);
    });

    it("renders a page with an SVG chart and a table, without scripts, in both languages", async () => {
      const res = await http().get("/kinerja?bulan=2026-11");
      assert.equal(res.status, 200);
      assert.match(res.text, /<svg role="img" aria-labelledby="chart-title"/);
      assert.match(res.text, new RegExp(`<rect [^>]*fill="${brandOf(t.config).color}"`), "bars in the province's colour");
      assert.match(res.text, /<table class="cards"><caption>Angka per OPD<\/caption>/);
      assert.match(res.text, /Dinas Pekerjaan Umum dan Penataan Ruang/);
      assert.ok(!/<script/i.test(res.text));
      assert.match(res.headers["cache-control"], /public/);
      const en = await http().get("/kinerja?bulan=2026-11&lang=en");
      assert.match(en.text, /Agency performance — November 2026/);
      assert.equal((await http().get("/kinerja?bulan=2026-13")).status, 400);
      assert.equal((await http().get("/kinerja?bulan=x")).status, 400);
    });
  });
}
