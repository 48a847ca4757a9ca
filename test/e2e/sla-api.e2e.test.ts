import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { DEFAULT_CALENDAR } from "../../server/domain/sla/holidays-id.js";
import { DEFAULT_POLICY, type SlaPolicy } from "../../server/domain/sla/policy.js";

/** Calendars, SLA policies, deadline preview and SLA reports through /api (issue 3). */
for (const target of await testTargets()) {
  describe(`SLA configuration API (${target.name})`, () => {
    let t: TestApp;
    let admin: supertest.Agent, operator: supertest.Agent, headPU: supertest.Agent;
    before(async () => {
      t = await startTestApp(target, { sessionIdleMinutes: 60 * 24 * 7, sessionMaxHours: 24 * 7 });
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      headPU = await t.loginAs(DEMO.headPU);
    });
    after(() => t.close());

    it("previews deadlines across the 2026 Nyepi and Idul Fitri holidays, in WIB and in WIT", async () => {
      // Friday 13 March 2026, 09:00 WIB: 16 and 17 March work, 18-24 March are Nyepi, Idul Fitri
      // and their cuti bersama, so the 5th working day is Friday 27 March, 09:00 WIB.
      const wib = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+07:00", workingDays: 5 });
      assert.equal(wib.status, 200, JSON.stringify(wib.body));
      assert.equal(wib.body.due, "2026-03-27T02:00:00.000Z");
      assert.equal(wib.body.calendar.timeZone, "Asia/Jakarta");
      // 8 office hours: 6 left on Friday (09:00-11:30, 13:00-16:30), then 2 on Monday from 07:30.
      const hours = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+07:00", workingHours: 8 });
      assert.equal(hours.body.due, "2026-03-16T02:30:00.000Z");

      // A province in WIT: the same local deadline is a different instant.
      const created = await admin.post("/api/calendars").send({ name: "Kalender Papua (WIT)", timeZone: "Asia/Jayapura", workingHours: DEFAULT_CALENDAR.workingHours, holidays: DEFAULT_CALENDAR.holidays });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.holidays.length, DEFAULT_CALENDAR.holidays.length);
      const wit = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+09:00", workingDays: 5, calendar: created.body.id });
      assert.equal(wit.body.due, "2026-03-27T00:00:00.000Z", "Friday 27 March 09:00 WIT");
      assert.equal(new Date(wib.body.due).getTime() - new Date(wit.body.due).getTime(), 2 * 3_600_000);

      // A regional holiday added by the admin moves the deadline by a working day; removing it moves it back.
      const added = await admin.post(`/api/calendars/${created.body.id}/holidays`).send({ upsert: [{ date: "2026-03-16", name: "Libur daerah (uji)", kind: "regional" }] });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.ok(added.body.holidays.some((h: { date: string }) => h.date === "2026-03-16"));
      const moved = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+09:00", workingDays: 5, calendar: created.body.id });
      assert.equal(moved.body.due, "2026-03-30T00:00:00.000Z");
      await admin.post(`/api/calendars/${created.body.id}/holidays`).send({ remove: ["2026-03-16"] });
      const back = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+09:00", workingDays: 5, calendar: created.body.id });
      assert.equal(back.body.due, "2026-03-27T00:00:00.000Z");
      const audit = await admin.get("/api/calendars/" + created.body.id);
      assert.equal(audit.body.name, "Kalender Papua (WIT)");
    });

    it("refuses bad calendars and previews with a message that names the problem", async () => {
      const badZone = await admin.post("/api/calendars").send({ name: "Salah", timeZone: "Asia/Atlantis", workingHours: DEFAULT_CALENDAR.workingHours });
      assert.equal(badZone.status, 400);
      assert.match(badZone.body.message, /timeZone: unknown time zone/);
      const noDays = await admin.post("/api/calendars").send({ name: "Libur terus", timeZone: "Asia/Jakarta", workingHours: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } });
      assert.equal(noDays.status, 400);
      assert.match(noDays.body.message, /at least one day needs office hours/);
      const both = await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+07:00", workingDays: 5, workingHours: 3 });
      assert.equal(both.status, 400);
      assert.match(both.body.message, /exactly one of workingDays and workingHours/);
      const notInstant = await admin.get("/api/sla/preview").query({ from: "besok pagi", workingDays: 5 });
      assert.equal(notInstant.status, 400);
      assert.match(notInstant.body.message, /from: must be an ISO 8601 instant/);
      assert.equal((await admin.get("/api/sla/preview").query({ from: "2026-03-13T09:00:00+07:00", workingDays: 5, calendar: 999999 })).status, 404);
      const dup = await admin.post("/api/calendars/1/holidays").send({ upsert: [{ date: "2026-12-30", name: "a", kind: "regional" }, { date: "2026-12-30", name: "b", kind: "regional" }] });
      assert.equal(dup.status, 409);
      assert.match(dup.body.message, /a date appears twice/);
      const badPolicy = await admin.post("/api/sla-policies").send({ name: "Tanpa jam", definition: { clocks: { ...DEFAULT_POLICY.clocks, opd_followup: { ...DEFAULT_POLICY.clocks.opd_followup, target: { amount: 0, unit: "working_days" } } } } });
      assert.equal(badPolicy.status, 400);
      assert.match(badPolicy.body.message, /target must be more than zero/);
      assert.equal((await operator.post("/api/sla-policies").send({ name: "x", definition: DEFAULT_POLICY })).status, 403);
    });

    it("a category's policy sets its forwards' clocks, and editing it moves open deadlines", async () => {
      const pu = (await operator.get("/api/agencies").query({ filter: JSON.stringify({ q: "Pekerjaan Umum" }) })).body[0];
      const roads = (await operator.get("/api/categories").query({ filter: JSON.stringify({ q: "Jalan" }) })).body[0];
      const withFollowup = (days: number): SlaPolicy => ({ clocks: { ...DEFAULT_POLICY.clocks, opd_followup: { ...DEFAULT_POLICY.clocks.opd_followup, target: { amount: days, unit: "working_days" } } } });
      const policy = await admin.post("/api/sla-policies").send({ name: "Jalan rusak: tindak lanjut 2 hari kerja", categoryId: roads.id, definition: withFollowup(2) });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      const clash = await admin.post("/api/sla-policies").send({ name: "Kedua", categoryId: roads.id, definition: withFollowup(3) });
      assert.equal(clash.status, 409);
      assert.match(clash.body.message, /already applies to the same category/);

      // Monday 23 November 2026, 10:00 WIB (the test clock).
      const ticket = (await operator.post("/api/tickets").send({ channel: "voice", categoryId: roads.id, description: "Jalan berlubang besar di depan pasar, sudah dua motor jatuh.", caller: { name: "Pak Budi", phone: "081311122233" } })).body;
      await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "verify" });
      const fwd = await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon segera ditambal." });
      assert.equal(fwd.body.forwards[0].dueAt, "2026-11-25T03:00:00.000Z", "2 working days under the category's policy");

      const edited = await admin.put(`/api/sla-policies/${policy.body.id}`).send({ definition: withFollowup(4) });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      const after = (await operator.get(`/api/tickets/${ticket.id}`)).body;
      assert.equal(after.forwards[0].dueAt, "2026-11-27T03:00:00.000Z", "the open forward follows the edited policy");
      const clocks = (await operator.get(`/api/tickets/${ticket.id}/clocks`)).body;
      assert.equal(clocks.find((c: { kind: string }) => c.kind === "opd_followup").dueAt, "2026-11-27T03:00:00.000Z");

      // Moving the ticket to a complaint class needing investigation starts the 60-day clock.
      await operator.put(`/api/tickets/${ticket.id}`).send({ complaintClass: "investigation" });
      const inv = (await operator.get(`/api/tickets/${ticket.id}/clocks`)).body.find((c: { kind: string }) => c.kind === "resolve_investigation");
      assert.equal(inv?.state, "running");
      assert.equal(inv.dueAt, "2027-01-22T03:00:00.000Z", "60 calendar days after receipt");

      // The OPD answers on Wednesday 12:00 WIB: the report counts it within the clock.
      t.clock.set(new Date("2026-11-25T05:00:00.000Z"));
      await headPU.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "answer", response: "Lubang telah ditambal sementara." });
      const report = await operator.get("/api/sla/reports").query({ groupBy: "agency", from: "2026-11-23T00:00:00Z", to: "2026-11-26T00:00:00Z" });
      assert.equal(report.status, 200, JSON.stringify(report.body));
      const row = report.body.rows.find((r: { id: number }) => r.id === pu.id);
      assert.equal(row.name, pu.name);
      assert.ok(row.forwards >= 1 && row.answered >= 1 && row.answeredWithinClock >= 1, JSON.stringify(row));
      const own = await headPU.get("/api/sla/reports").query({ groupBy: "category", from: "2026-11-23T00:00:00Z", to: "2026-11-26T00:00:00Z" });
      const roadsRow = own.body.rows.find((r: { id: number }) => r.id === roads.id);
      assert.equal(roadsRow.answered, 1, JSON.stringify(own.body));
      // Monday 10:00 to Wednesday 12:00 WIB: 5 + 7.5 + 4.5 office hours; days of 7.5 office hours.
      assert.equal(roadsRow.medianWorkingHours, 17);
      assert.equal(roadsRow.medianWorkingDays, 2.27);
      assert.equal(roadsRow.withinClockShare, 1);
    });
  });
}
