import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addCalendarDays,
  addWorkingTime,
  businessCalendarSchema,
  elapsedWorkingMinutes,
  isWorkingDay,
  isWorkingInstant,
  localDateOf,
  nextWorkingInstant,
  type BusinessCalendar,
} from "./calendar.js";
import { DEFAULT_CALENDAR as WIB } from "./holidays-id.js";

// DEFAULT_CALENDAR: Asia/Jakarta, Mon-Thu 07:30-12:00 + 13:00-16:00, Fri 07:30-11:30 + 13:00-16:30,
// 2026 national holidays and cuti bersama. Idul Fitri week 2026: Wed 18 Mar cuti bersama, Thu 19
// Nyepi, Fri 20 cuti bersama, Sat-Sun 21-22 Idul Fitri, Mon 23 and Tue 24 cuti bersama.
const at = (s: string) => new Date(s);
/** Expected instants are written in local time; compare as UTC ISO strings. */
const same = (actual: Date, expected: string) => assert.equal(actual.toISOString(), new Date(expected).toISOString());

const WITA: BusinessCalendar = { ...WIB, timeZone: "Asia/Makassar" };
const WIT: BusinessCalendar = { ...WIB, timeZone: "Asia/Jayapura" };

describe("isWorkingDay", () => {
  it("knows weekends, national holidays and cuti bersama", () => {
    assert.equal(isWorkingDay(WIB, "2026-03-17"), true); // Tuesday
    assert.equal(isWorkingDay(WIB, "2026-03-18"), false); // cuti bersama Nyepi
    assert.equal(isWorkingDay(WIB, "2026-03-19"), false); // Nyepi
    assert.equal(isWorkingDay(WIB, "2026-03-21"), false); // Saturday (and Idul Fitri)
    assert.equal(isWorkingDay(WIB, "2026-03-24"), false); // cuti bersama Idul Fitri
    assert.equal(isWorkingDay(WIB, "2026-03-25"), true);
    assert.equal(isWorkingDay(WIB, "2026-06-01"), false); // Hari Lahir Pancasila
    assert.equal(isWorkingDay(WIB, "2026-06-02"), true);
  });

  it("counts 240 working days in 2026", () => {
    // 261 weekdays (52 weeks + Thursday 1 Jan) minus the 21 holidays that fall on weekdays.
    let n = 0;
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      if (isWorkingDay(WIB, new Date(t).toISOString().slice(0, 10))) n++;
    }
    assert.equal(n, 240);
  });

  it("rejects dates that do not exist", () => {
    assert.throws(() => isWorkingDay(WIB, "2026-02-30"), RangeError);
    assert.throws(() => isWorkingDay(WIB, "26-03-01"), RangeError);
  });
});

describe("isWorkingInstant", () => {
  it("treats spans as half-open and respects the lunch break", () => {
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T07:29:59+07:00")), false);
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T07:30:00+07:00")), true);
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T11:59:00+07:00")), true);
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T12:00:00+07:00")), false);
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T13:00:00+07:00")), true);
    assert.equal(isWorkingInstant(WIB, at("2026-03-16T16:00:00+07:00")), false);
  });

  it("uses Friday's own hours (longer break, open until 16:30)", () => {
    assert.equal(isWorkingInstant(WIB, at("2026-03-13T11:45:00+07:00")), false);
    assert.equal(isWorkingInstant(WIB, at("2026-03-13T16:15:00+07:00")), true);
  });

  it("is false on weekends and holidays", () => {
    assert.equal(isWorkingInstant(WIB, at("2026-03-14T10:00:00+07:00")), false); // Saturday
    assert.equal(isWorkingInstant(WIB, at("2026-03-23T10:00:00+07:00")), false); // cuti bersama
  });

  it("reads the instant in the calendar's own zone", () => {
    const instant = at("2026-03-16T08:30:00Z"); // 15:30 WIB, 16:30 WITA, 17:30 WIT
    assert.equal(isWorkingInstant(WIB, instant), true);
    assert.equal(isWorkingInstant(WITA, instant), false);
    assert.equal(isWorkingInstant(WIT, instant), false);
    // 23:30 UTC on Sunday is already Monday 06:30 WIB (before opening) and 08:30 WIT (open).
    assert.equal(isWorkingInstant(WIB, at("2026-03-15T23:30:00Z")), false);
    assert.equal(isWorkingInstant(WIT, at("2026-03-15T23:30:00Z")), true);
    assert.equal(localDateOf(WIT, at("2026-03-15T23:30:00Z")), "2026-03-16");
  });
});

describe("nextWorkingInstant", () => {
  it("returns the instant itself inside office hours", () => {
    same(nextWorkingInstant(WIB, at("2026-03-16T09:12:34.567+07:00")), "2026-03-16T09:12:34.567+07:00");
  });

  it("moves to the next span: before opening, lunch, after closing, weekend", () => {
    same(nextWorkingInstant(WIB, at("2026-03-16T06:00:00+07:00")), "2026-03-16T07:30:00+07:00");
    same(nextWorkingInstant(WIB, at("2026-03-16T12:15:00+07:00")), "2026-03-16T13:00:00+07:00");
    same(nextWorkingInstant(WIB, at("2026-03-16T16:00:00+07:00")), "2026-03-17T07:30:00+07:00");
    same(nextWorkingInstant(WIB, at("2026-03-14T10:00:00+07:00")), "2026-03-16T07:30:00+07:00");
  });

  it("skips the Idul Fitri holiday week (Tuesday evening -> next Wednesday)", () => {
    same(nextWorkingInstant(WIB, at("2026-03-17T16:30:00+07:00")), "2026-03-25T07:30:00+07:00");
  });

  it("opens at 07:30 local time in every zone", () => {
    assert.equal(nextWorkingInstant(WIT, at("2026-03-17T16:30:00+09:00")).toISOString(), "2026-03-24T22:30:00.000Z");
    assert.equal(nextWorkingInstant(WIB, at("2026-03-17T16:30:00+07:00")).toISOString(), "2026-03-25T00:30:00.000Z");
  });
});

describe("addWorkingTime in working days", () => {
  it("5 working days from the Friday before Idul Fitri end after the holidays, same time of day", () => {
    // Fri 13 Mar 10:00 -> Mon 16 (1), Tue 17 (2), [18-24 holidays, cuti bersama, weekend],
    // Wed 25 (3), Thu 26 (4), Fri 27 (5) at 10:00 WIB = 03:00 UTC.
    const due = addWorkingTime(WIB, at("2026-03-13T10:00:00+07:00"), { workingDays: 5 });
    assert.equal(due.toISOString(), "2026-03-27T03:00:00.000Z");
  });

  it("the same local start in WIT and WIB gives instants 2 hours apart", () => {
    const wib = addWorkingTime(WIB, at("2026-03-13T10:00:00+07:00"), { workingDays: 5 });
    const wita = addWorkingTime(WITA, at("2026-03-13T10:00:00+08:00"), { workingDays: 5 });
    const wit = addWorkingTime(WIT, at("2026-03-13T10:00:00+09:00"), { workingDays: 5 });
    assert.equal(wit.toISOString(), "2026-03-27T01:00:00.000Z");
    assert.equal(wita.toISOString(), "2026-03-27T02:00:00.000Z");
    assert.equal(wib.getTime() - wit.getTime(), 2 * 3_600_000);
  });

  it("a start on a weekend counts from Monday's opening", () => {
    // Sat 14 Mar -> Mon 16 07:30; +3: Tue 17, Wed 25, Thu 26.
    same(addWorkingTime(WIB, at("2026-03-14T10:00:00+07:00"), { workingDays: 3 }), "2026-03-26T07:30:00+07:00");
  });

  it("a start in the lunch break counts from 13:00", () => {
    same(addWorkingTime(WIB, at("2026-03-02T12:30:00+07:00"), { workingDays: 2 }), "2026-03-04T13:00:00+07:00");
  });

  it("clamps a time of day after closing to that day's closing time", () => {
    // Friday 16:15 is open; Monday closes at 16:00.
    same(addWorkingTime(WIB, at("2026-03-06T16:15:00+07:00"), { workingDays: 1 }), "2026-03-09T16:00:00+07:00");
  });

  it("clamps a time of day in that day's break to the end of the span before it", () => {
    // Thursday 11:45 is open; on Friday 11:30-13:00 is the break.
    same(addWorkingTime(WIB, at("2026-03-05T11:45:00+07:00"), { workingDays: 1 }), "2026-03-06T11:30:00+07:00");
  });

  it("clamps a time of day before opening to the opening", () => {
    const sat: BusinessCalendar = {
      ...WIB,
      workingHours: { ...WIB.workingHours, 6: [{ start: "07:00", end: "12:00" }] },
    };
    // Sat 7 Mar 07:10 is open; Mon 9 Mar opens 07:30.
    same(addWorkingTime(sat, at("2026-03-07T07:10:00+07:00"), { workingDays: 1 }), "2026-03-09T07:30:00+07:00");
  });

  it("60 working days across Isra Mikraj, Imlek, Nyepi, Idul Fitri and Good Friday", () => {
    // Counted by hand: Jan 18 days after Mon 5 Jan, Feb 18, Mar 15, Apr 6-10 the last 5 (Apr 3 is Good Friday).
    same(addWorkingTime(WIB, at("2026-01-05T09:00:00+07:00"), { workingDays: 60 }), "2026-04-10T09:00:00+07:00");
  });

  it("zero is the start itself; fractions and negatives are rejected", () => {
    same(addWorkingTime(WIB, at("2026-03-14T10:00:00+07:00"), { workingDays: 0 }), "2026-03-14T10:00:00+07:00");
    assert.throws(() => addWorkingTime(WIB, at("2026-03-13T10:00:00+07:00"), { workingDays: 1.5 }), RangeError);
    assert.throws(() => addWorkingTime(WIB, at("2026-03-13T10:00:00+07:00"), { workingDays: -1 }), RangeError);
    assert.throws(() => addWorkingTime(WIB, new Date(Number.NaN), { workingDays: 1 }), RangeError);
  });
});

describe("addWorkingTime in working hours and minutes", () => {
  it("skips the lunch break", () => {
    same(addWorkingTime(WIB, at("2026-03-16T10:00:00+07:00"), { workingHours: 3 }), "2026-03-16T14:00:00+07:00");
  });

  it("ends at closing time when the amount fits exactly", () => {
    same(addWorkingTime(WIB, at("2026-03-16T13:00:00+07:00"), { workingHours: 3 }), "2026-03-16T16:00:00+07:00");
  });

  it("carries over the Idul Fitri holiday week", () => {
    same(addWorkingTime(WIB, at("2026-03-17T15:00:00+07:00"), { workingHours: 2 }), "2026-03-25T08:30:00+07:00");
  });

  it("uses Friday's break in minutes", () => {
    // 11:00-11:30 = 30, then 13:00 + 60.
    same(addWorkingTime(WIB, at("2026-03-13T11:00:00+07:00"), { workingMinutes: 90 }), "2026-03-13T14:00:00+07:00");
  });

  it("counts a whole week as 37.5 hours", () => {
    same(addWorkingTime(WIB, at("2026-03-02T07:30:00+07:00"), { workingHours: 37.5 }), "2026-03-06T16:30:00+07:00");
  });

  it("rejects negative amounts", () => {
    assert.throws(() => addWorkingTime(WIB, at("2026-03-13T10:00:00+07:00"), { workingHours: -1 }), RangeError);
  });
});

describe("elapsedWorkingMinutes", () => {
  it("counts office time only across a holiday week", () => {
    // Mon 16 10:00-16:00 (300, less lunch), Tue 17 (450), 18-24 off, Wed 25 07:30-10:00 (150).
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-03-16T10:00:00+07:00"), at("2026-03-25T10:00:00+07:00")), 900);
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-03-25T10:00:00+07:00"), at("2026-03-16T10:00:00+07:00")), -900);
  });

  it("leaves out the lunch break within a day", () => {
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-03-16T11:00:00+07:00"), at("2026-03-16T14:00:00+07:00")), 120);
  });

  it("is zero over a weekend and fractional with seconds", () => {
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-03-13T16:30:00+07:00"), at("2026-03-16T07:30:00+07:00")), 0);
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-03-16T08:00:00+07:00"), at("2026-03-16T08:00:30+07:00")), 0.5);
  });

  it("counts the whole of 2026: 240 working days of 7.5 hours", () => {
    assert.equal(elapsedWorkingMinutes(WIB, at("2026-01-01T00:00:00+07:00"), at("2027-01-01T00:00:00+07:00")), 240 * 450);
  });

  it("is the inverse of addWorkingTime", () => {
    const from = at("2026-02-12T14:20:00+07:00");
    const to = addWorkingTime(WIB, from, { workingMinutes: 12_345 });
    assert.equal(elapsedWorkingMinutes(WIB, from, to), 12_345);
  });
});

describe("addCalendarDays", () => {
  it("keeps the local wall time, whatever the office hours", () => {
    same(addCalendarDays(WIB, at("2026-03-14T21:00:00+07:00"), 14), "2026-03-28T21:00:00+07:00");
  });
});

describe("zones with daylight saving time", () => {
  const NY: BusinessCalendar = { ...WIB, timeZone: "America/New_York", holidays: [] };

  it("keeps the local time of day across the DST change (8 Mar 2026)", () => {
    assert.equal(addWorkingTime(NY, at("2026-03-06T10:00:00-05:00"), { workingDays: 5 }).toISOString(), "2026-03-13T14:00:00.000Z");
  });

  it("maps a skipped wall time to the instant after the gap, a repeated one to the earlier", () => {
    const night: BusinessCalendar = { ...NY, workingHours: { ...NY.workingHours, 7: [{ start: "01:30", end: "04:00" }] } };
    const gap: BusinessCalendar = { ...NY, workingHours: { ...NY.workingHours, 7: [{ start: "02:30", end: "04:00" }] } };
    assert.equal(nextWorkingInstant(gap, at("2026-03-08T05:00:00Z")).toISOString(), "2026-03-08T07:30:00.000Z"); // 03:30 EDT
    assert.equal(nextWorkingInstant(night, at("2026-11-01T04:00:00Z")).toISOString(), "2026-11-01T05:30:00.000Z"); // 01:30 EDT
  });
});

describe("businessCalendarSchema", () => {
  const valid = () => structuredClone(WIB) as BusinessCalendar;
  const messages = (input: unknown) => {
    const r = businessCalendarSchema.safeParse(input);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts the default calendar", () => {
    assert.deepEqual(businessCalendarSchema.parse(valid()), valid());
  });

  it("rejects a span that ends before it starts, or at its start", () => {
    const cal = valid();
    cal.workingHours[1] = [{ start: "16:00", end: "07:30" }];
    cal.workingHours[2] = [{ start: "08:00", end: "08:00" }];
    assert.deepEqual(messages(cal), ["workingHours.1.0.end: end must be after start", "workingHours.2.0.end: end must be after start"]);
  });

  it("rejects overlapping or unordered spans and bad times", () => {
    const cal = valid();
    cal.workingHours[3] = [
      { start: "08:00", end: "12:00" },
      { start: "11:00", end: "16:00" },
    ];
    cal.workingHours[4] = [{ start: "24:00", end: "24:00" }];
    cal.workingHours[5] = [{ start: "7:30", end: "16:60" }];
    const m = messages(cal);
    assert.ok(m.includes("workingHours.3.1.start: spans must be in ascending order and must not overlap"), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("workingHours.4.0.start:")), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("workingHours.5.0.start:")), m.join("\n"));
    assert.ok(m.some((x) => x.startsWith("workingHours.5.0.end:")), m.join("\n"));
  });

  it("rejects unknown time zones and bare offsets", () => {
    for (const timeZone of ["Asia/Jakart", "WIB", "+07:00", "", "Asia/Jakarta; DROP TABLE"]) {
      assert.deepEqual(messages({ ...valid(), timeZone }), ["timeZone: unknown time zone (use an IANA name such as Asia/Jakarta)"], timeZone);
    }
    assert.equal(businessCalendarSchema.safeParse({ ...valid(), timeZone: "Asia/Jayapura" }).success, true);
  });

  it("rejects bad holiday dates, kinds and names", () => {
    const bad = (h: unknown) => messages({ ...valid(), holidays: [h] });
    assert.match(bad({ date: "2026-02-30", name: "x", kind: "national" })[0], /^holidays\.0\.date:/);
    assert.match(bad({ date: "2026-13-01", name: "x", kind: "national" })[0], /^holidays\.0\.date:/);
    assert.match(bad({ date: "17-08-2026", name: "x", kind: "national" })[0], /^holidays\.0\.date:/);
    assert.match(bad({ date: "2026-08-17", name: "x", kind: "libur" })[0], /^holidays\.0\.kind:/);
    assert.match(bad({ date: "2026-08-17", name: "  ", kind: "regional" })[0], /^holidays\.0\.name:/);
  });

  it("rejects a week without office hours and a missing weekday", () => {
    const empty = { ...valid(), workingHours: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } };
    assert.deepEqual(messages(empty), ["workingHours: at least one day needs office hours"]);
    const { 7: _sunday, ...sixDays } = valid().workingHours;
    assert.match(messages({ ...valid(), workingHours: sixDays })[0], /^workingHours\.7:/);
  });
});

describe("efficiency", () => {
  it("computes 60-working-day deadlines in microseconds, not milliseconds", () => {
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) addWorkingTime(WIB, new Date(Date.UTC(2026, 0, 1) + i * 977_000), { workingDays: 60 });
    const perCallMs = (performance.now() - t0) / n;
    // About 5 µs here; the bound leaves room for slow CI machines.
    assert.ok(perCallMs < 0.1, `${perCallMs} ms per call`);
  });
});
