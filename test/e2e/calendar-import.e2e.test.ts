import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { CALENDAR_MISSING, checkNextYearCalendar } from "../../server/commands/check-next-year-calendar.js";
import { AuditEvent, Notification, User } from "../../server/entities/index.js";
import { In } from "typeorm";

/** Issue 19, item 11: next year's calendar — import from CSV/ICS, computed national holidays, and the warning from 1 November. */
for (const target of await testTargets()) {
  describe(`SLA: next year's holidays (${target.name})`, () => {
    let t: TestApp;
    let admin: supertest.Agent;
    let calendarId = 0;
    const m = () => t.database.db.manager;

    before(async () => {
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      const list = await admin.get("/api/calendars").expect(200);
      calendarId = list.body.find((c: { isDefault: boolean }) => c.isDefault).id;
    });
    after(() => t?.close());

    it("in October nobody is warned; from 1 November supervisors and admins are told once that 2027 is missing", async () => {
      assert.deepEqual(await t.database.db.tx((tx) => checkNextYearCalendar(tx, new Date("2026-10-31T16:59:00Z"))), { kind: "not_yet" });
      // 1 November 2026, 00:00 WIB.
      const first = await t.database.db.tx((tx) => checkNextYearCalendar(tx, new Date("2026-10-31T17:00:00Z")));
      assert.equal(first.kind, "missing");
      const staff = await m().getRepository(User).findBy({ role: In(["supervisor", "admin"]), active: true });
      const notes = await m().getRepository(Notification).findBy({ type: CALENDAR_MISSING });
      assert.equal(notes.length, staff.length);
      assert.deepEqual(new Set(notes.map((n) => n.userId)), new Set(staff.map((u) => u.id)));
      assert.match(notes[0]!.title, /Kalender hari libur 2027 belum diisi/);
      assert.ok(await m().getRepository(AuditEvent).findOneBy({ type: "calendar.next_year_missing" }));
      const again = await t.database.db.tx((tx) => checkNextYearCalendar(tx, new Date("2026-11-02T01:00:00Z")));
      assert.deepEqual(again, { kind: "missing", year: 2027, notified: 0 });
      assert.equal(await m().getRepository(Notification).countBy({ type: CALENDAR_MISSING }), staff.length);
      // The supervisor sees it among their notifications.
      const supervisor = await t.loginAs(DEMO.supervisor);
      const mine = await supervisor.get("/api/notifications").expect(200);
      assert.ok(JSON.stringify(mine.body).includes("Kalender hari libur 2027"), JSON.stringify(mine.body).slice(0, 300));
    });

    it("a CSV preview shows what would be added and the rows it cannot read, and stores nothing", async () => {
      const csv = "tanggal;nama;jenis\n01/01/2027;Tahun Baru 2027 Masehi;nasional\n08/02/2027;Cuti Bersama Imlek;cuti bersama\n31/02/2027;salah;nasional\n";
      const r = await admin.post(`/api/calendars/${calendarId}/holidays/import`).send({ format: "csv", content: csv });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.applied, false);
      assert.deepEqual(r.body.holidays.map((h: { date: string }) => h.date), ["2027-01-01", "2027-02-08"]);
      assert.equal(r.body.problems[0].at, "line 4");
      const cal = await admin.get(`/api/calendars/${calendarId}`).expect(200);
      assert.ok(!cal.body.holidays.some((h: { date: string }) => h.date.startsWith("2027")));
    });

    it("an ICS file is applied: its holidays join the calendar, and the warning stops", async () => {
      const ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SKB//2027//ID", "BEGIN:VEVENT", "UID:1@skb", "DTSTART;VALUE=DATE:20270101", "SUMMARY:Tahun Baru 2027 Masehi", "END:VEVENT", "BEGIN:VEVENT", "UID:2@skb", "DTSTART;VALUE=DATE:20271224", "SUMMARY:Cuti Bersama Natal", "END:VEVENT", "END:VCALENDAR", ""].join("\r\n");
      const r = await admin.post(`/api/calendars/${calendarId}/holidays/import`).send({ format: "ics", content: ics, apply: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.applied, true);
      const dates = r.body.calendar.holidays.map((h: { date: string; kind: string }) => `${h.date}:${h.kind}`);
      assert.ok(dates.includes("2027-01-01:national") && dates.includes("2027-12-24:cuti_bersama"), dates.join(" "));
      assert.ok(dates.includes("2026-12-25:national"), "nothing removed");
      assert.deepEqual(await t.database.db.tx((tx) => checkNextYearCalendar(tx, new Date("2026-11-20T03:00:00Z"))), { kind: "present", year: 2027, holidays: 2 });
    });

    it("the computed national holidays of a year list what the calendar still lacks", async () => {
      const r = await admin.get(`/api/calendars/${calendarId}/holidays/computed?year=2027`).expect(200);
      assert.ok(r.body.holidays.some((h: { date: string }) => h.date === "2027-08-17"));
      assert.ok(!r.body.missing.some((h: { date: string }) => h.date === "2027-01-01"), "already imported");
      assert.ok(r.body.missing.some((h: { date: string }) => h.date === "2027-08-17"));
    });

    it("bad input is refused with a message naming the problem; only admins import", async () => {
      const empty = await admin.post(`/api/calendars/${calendarId}/holidays/import`).send({ format: "ics", content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", apply: true });
      assert.equal(empty.status, 400);
      assert.match(empty.body.message, /no holiday that can be read/);
      const fmt = await admin.post(`/api/calendars/${calendarId}/holidays/import`).send({ format: "xls", content: "x" });
      assert.equal(fmt.status, 400);
      assert.match(JSON.stringify(fmt.body), /format/);
      const supervisor = await t.loginAs(DEMO.supervisor);
      assert.equal((await supervisor.post(`/api/calendars/${calendarId}/holidays/import`).send({ format: "csv", content: "tanggal,nama\n2027-01-01,x" })).status, 403);
      assert.equal((await admin.post("/api/calendars/999999/holidays/import").send({ format: "csv", content: "tanggal,nama\n2027-01-01,x" })).status, 404);
    });
  });
}
