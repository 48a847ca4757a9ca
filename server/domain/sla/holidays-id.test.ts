import { describe, it } from "node:test";
import assert from "node:assert/strict";
import Holidays from "date-holidays";
import { businessCalendarSchema, hhmmToMinutes, ISO_WEEKDAYS } from "./calendar.js";
import { DEFAULT_CALENDAR, DEFAULT_WORKING_HOURS, HOLIDAYS_ID_2026 } from "./holidays-id.js";

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
const datesOf = (kind: string) => HOLIDAYS_ID_2026.filter((h) => h.kind === kind).map((h) => h.date);

describe("HOLIDAYS_ID_2026 (SKB 3 Menteri 1497/2025, 2/2025, 5/2025)", () => {
  it("has 17 national holidays and 8 days of cuti bersama, each date once", () => {
    assert.equal(datesOf("national").length, 17);
    assert.deepEqual(datesOf("cuti_bersama"), [
      "2026-02-16",
      "2026-03-18",
      "2026-03-20",
      "2026-03-23",
      "2026-03-24",
      "2026-05-15",
      "2026-05-28",
      "2026-12-24",
    ]);
    assert.equal(new Set(HOLIDAYS_ID_2026.map((h) => h.date)).size, 25);
  });

  it("puts cuti bersama on the weekdays the decree names", () => {
    // Senin 16 Feb, Rabu 18 Mar, Jumat 20 Mar, Senin 23 Mar, Selasa 24 Mar, Jumat 15 Mei, Kamis 28 Mei, Kamis 24 Des.
    assert.deepEqual(datesOf("cuti_bersama").map(weekday), [1, 3, 5, 1, 2, 5, 4, 4]);
  });

  it("puts Idul Fitri 1447 H on Saturday-Sunday 21-22 March", () => {
    const idulFitri = HOLIDAYS_ID_2026.filter((h) => h.name === "Idul Fitri 1447 Hijriah").map((h) => h.date);
    assert.deepEqual(idulFitri, ["2026-03-21", "2026-03-22"]);
    assert.deepEqual(idulFitri.map(weekday), [6, 0]);
  });

  it("agrees with the date-holidays package on national holidays, except where the SKB decides", () => {
    // date-holidays computes Islamic dates astronomically (Idul Fitri 20-21 March) and lacks
    // Easter Sunday; the government set Idul Fitri on 21-22 March (SKB, confirmed by the
    // sidang isbat of 19 March 2026), and 20 March is cuti bersama instead.
    const theirs = new Set(new Holidays("ID").getHolidays(2026).filter((h) => h.type === "public").map((h) => h.date.slice(0, 10)));
    const ours = new Set(datesOf("national"));
    assert.deepEqual([...ours].filter((d) => !theirs.has(d)), ["2026-03-22", "2026-04-05"]);
    assert.deepEqual([...theirs].filter((d) => !ours.has(d)), ["2026-03-20"]);
  });
});

describe("DEFAULT_CALENDAR", () => {
  it("is a valid calendar in WIB with the 2026 holidays", () => {
    assert.equal(businessCalendarSchema.safeParse(DEFAULT_CALENDAR).success, true);
    assert.equal(DEFAULT_CALENDAR.timeZone, "Asia/Jakarta");
    assert.equal(DEFAULT_CALENDAR.holidays.length, 25);
  });

  it("has 37.5 office hours a week from 07:30, breaks of 60 minutes and 90 on Friday (Perpres 21/2023)", () => {
    const minutes = (d: 1 | 2 | 3 | 4 | 5 | 6 | 7) =>
      DEFAULT_WORKING_HOURS[d].reduce((sum, s) => sum + hhmmToMinutes(s.end) - hhmmToMinutes(s.start), 0);
    assert.equal(ISO_WEEKDAYS.reduce((sum, d) => sum + minutes(d), 0), 37.5 * 60);
    for (const d of [1, 2, 3, 4, 5] as const) assert.equal(DEFAULT_WORKING_HOURS[d][0].start, "07:30");
    const breakOf = (d: 1 | 5) => hhmmToMinutes(DEFAULT_WORKING_HOURS[d][1].start) - hhmmToMinutes(DEFAULT_WORKING_HOURS[d][0].end);
    assert.equal(breakOf(1), 60);
    assert.equal(breakOf(5), 90);
    assert.deepEqual([DEFAULT_WORKING_HOURS[6], DEFAULT_WORKING_HOURS[7]], [[], []]);
  });

  it("is frozen, because calendars are cached per object", () => {
    assert.throws(() => (DEFAULT_CALENDAR.holidays as unknown[]).push({}), TypeError);
    assert.throws(() => {
      (DEFAULT_CALENDAR as { timeZone: string }).timeZone = "Asia/Jayapura";
    }, TypeError);
  });
});
