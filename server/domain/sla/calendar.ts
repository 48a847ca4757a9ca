/**
 * Business calendars: office hours in a province's time zone, minus national holidays, cuti
 * bersama and holidays admins add. SLA clocks count working time of such a calendar.
 *
 * Semantics (every function here follows them; the tests pin them with real 2026 dates):
 *
 * - Office hours are wall-clock spans of the calendar's zone, half-open [start, end): at
 *   16:00 an office that closes at 16:00 is closed. Working time is counted on that wall
 *   clock. Indonesian zones (WIB, WITA, WIT) have no daylight saving time; for zones that do,
 *   a DST jump inside office hours is not corrected for, and a wall time that does not exist
 *   (spring-forward gap) maps to the instant after the gap, an ambiguous one to the earlier
 *   instant (Temporal's "compatible").
 * - A clock started outside office hours starts at the start of the next working period
 *   (the next span; after lunch, next morning, or after the weekend/holidays).
 * - Hour and minute amounts count office time only. When an amount ends exactly at the end
 *   of a span, the result is that span's end (16:00), not the next morning.
 * - N working days from a start (normalized as above) end on the N-th following working day
 *   at the start's local time of day. If that time of day is not inside a span of that day
 *   (days can have different hours: Friday closes at 16:30, Monday at 16:00), it is moved to
 *   the same working position on that day: into the end of the span before it (a lunch gap
 *   or after closing: the last preceding span's end), or to the day's first span start if
 *   it is before opening. The deadline thus always lies on the N-th working day and never
 *   later than the nominal time of day unless that is before the office opens.
 * - Amounts of zero return the given instant unchanged (a zero delay is "at once").
 *
 * Efficiency: all arithmetic runs on integer "wall milliseconds" per local day; days are
 * visited one by one (a 60-working-day deadline visits about 90 days, no per-minute loops),
 * elapsed time over long ranges skips whole weeks. A calendar's parsed form is cached per
 * object (WeakMap), so treat a BusinessCalendar as an immutable value: build a new object to
 * change one. Zone offsets come from Intl and are cached per zone and UTC day.
 */
import { z } from "zod";

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const ISO_WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

/** A span of office hours, local wall time "HH:MM"; end may be "24:00". */
export interface WorkingSpan {
  start: string;
  end: string;
}

export const HOLIDAY_KINDS = ["national", "cuti_bersama", "regional"] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

export interface Holiday {
  /** Local date "YYYY-MM-DD" in the calendar's zone. */
  date: string;
  /** Name in Bahasa Indonesia. */
  name: string;
  kind: HolidayKind;
}

export interface BusinessCalendar {
  /** IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT). */
  timeZone: string;
  /** Per ISO weekday (1 = Monday), spans in ascending order; an empty array is a day off. */
  workingHours: Record<IsoWeekday, WorkingSpan[]>;
  holidays: Holiday[];
}

export type WorkingAmount = { workingDays: number } | { workingHours: number } | { workingMinutes: number };

// ---------------------------------------------------------------------------------------------
// Validation (admins edit calendars through the API)

const START_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_RE = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** "HH:MM" -> minutes after local midnight. */
export function hhmmToMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** True for zone names Intl knows (IANA names such as Asia/Jakarta, and UTC). */
const knownTimeZones = new Map<string, boolean>();

export function isValidTimeZone(tz: string): boolean {
  // Intl would also take offsets like "+07:00" on newer engines; admins must pick a region
  // name so that a future rule change of the zone is followed.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  // Building a formatter is costly and calendars are read on every ingest batch: remember answers.
  const known = knownTimeZones.get(tz);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    ok = true;
  } catch {
    ok = false;
  }
  if (knownTimeZones.size < 1000) knownTimeZones.set(tz, ok);
  return ok;
}

const workingSpanSchema = z
  .object({
    start: z.string().regex(START_RE, "expected HH:MM (00:00-23:59)"),
    end: z.string().regex(END_RE, "expected HH:MM (00:01-24:00)"),
  })
  .superRefine((span, ctx) => {
    if (START_RE.test(span.start) && END_RE.test(span.end) && hhmmToMinutes(span.end) <= hhmmToMinutes(span.start)) {
      ctx.addIssue({ code: "custom", message: "end must be after start", path: ["end"] });
    }
  });

const daySpansSchema = z.array(workingSpanSchema).superRefine((spans, ctx) => {
  for (let i = 1; i < spans.length; i++) {
    if (hhmmToMinutes(spans[i].start) < hhmmToMinutes(spans[i - 1].end)) {
      ctx.addIssue({ code: "custom", message: "spans must be in ascending order and must not overlap", path: [i, "start"] });
    }
  }
});

export const holidaySchema = z.object({
  date: z.iso.date(),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(HOLIDAY_KINDS),
});

export const businessCalendarSchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, "unknown time zone (use an IANA name such as Asia/Jakarta)"),
    workingHours: z.object({
      1: daySpansSchema,
      2: daySpansSchema,
      3: daySpansSchema,
      4: daySpansSchema,
      5: daySpansSchema,
      6: daySpansSchema,
      7: daySpansSchema,
    }),
    holidays: z.array(holidaySchema).max(5000),
  })
  .superRefine((cal, ctx) => {
    if (ISO_WEEKDAYS.every((d) => cal.workingHours[d].length === 0)) {
      ctx.addIssue({ code: "custom", message: "at least one day needs office hours", path: ["workingHours"] });
    }
  }) satisfies z.ZodType<BusinessCalendar>;

// ---------------------------------------------------------------------------------------------
// Time zones: UTC instant <-> wall milliseconds ("the local date and time, read as if UTC")

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Give up when a calendar yields no working time for this long (misconfiguration). */
const MAX_IDLE_DAYS = 3660;

interface UtcDayOffsets {
  /** Offset (ms, local minus UTC) from the start of the UTC day... */
  before: number;
  /** ...until this instant (Infinity: no change during the day)... */
  switchAt: number;
  /** ...and from then on. */
  after: number;
}

class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly days = new Map<number, UtcDayOffsets>();

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Offset at an instant, from Intl: a few microseconds, hence the per-day cache. */
  private exact(utc: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(utc)) if (part.type !== "literal") p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(utc / 1000) * 1000;
  }

  offsetAt(utc: number): number {
    const day = Math.floor(utc / DAY);
    let info = this.days.get(day);
    if (info === undefined) {
      info = this.computeDay(day);
      if (this.days.size > 200_000) this.days.clear(); // bound memory for pathological inputs
      this.days.set(day, info);
    }
    return utc < info.switchAt ? info.before : info.after;
  }

  /** One transition per UTC day at most (true of every real zone). */
  private computeDay(day: number): UtcDayOffsets {
    const start = day * DAY;
    const before = this.exact(start);
    const after = this.exact(start + DAY);
    if (before === after) return { before, switchAt: Infinity, after };
    let lo = start; // offset here is `before`
    let hi = start + DAY; // offset here is `after`
    while (hi - lo > MINUTE) {
      const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / MINUTE)) * MINUTE;
      if (this.exact(mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, switchAt: hi, after };
  }

  toWall(utc: number): number {
    return utc + this.offsetAt(utc);
  }

  toUtc(wall: number): number {
    // Any instant with this wall time lies within ±15 h of it; assume at most one
    // transition in that window and try the offsets at both ends.
    const oA = this.offsetAt(wall - 15 * HOUR);
    const oB = this.offsetAt(wall + 15 * HOUR);
    const tA = wall - oA;
    if (oA === oB) return tA;
    const tB = wall - oB;
    const validA = this.offsetAt(tA) === oA;
    const validB = this.offsetAt(tB) === oB;
    if (validA && validB) return Math.min(tA, tB); // repeated wall time: the earlier instant
    if (validA) return tA;
    if (validB) return tB;
    return Math.max(tA, tB); // skipped wall time: the instant after the gap
  }
}

const zoneCache = new Map<string, ZoneOffsets>();
function zoneOffsets(timeZone: string): ZoneOffsets {
  let z = zoneCache.get(timeZone);
  if (z === undefined) {
    if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
    z = new ZoneOffsets(timeZone);
    zoneCache.set(timeZone, z);
  }
  return z;
}

// ---------------------------------------------------------------------------------------------
// Compiled calendar

/** A span in ms after local midnight. */
interface MsSpan {
  s: number;
  e: number;
}

interface Compiled {
  zone: ZoneOffsets;
  /** Index 1..7 = ISO weekday. */
  week: MsSpan[][];
  weekdayTotal: number[];
  weekTotal: number;
  holidays: Set<number>;
  /** Holidays on days that have office hours, ascending, as local day numbers. */
  holidayDays: number[];
}

const NO_SPANS: MsSpan[] = [];
const compiledCache = new WeakMap<BusinessCalendar, Compiled>();

/** "YYYY-MM-DD" -> days since 1970-01-01. */
function dayNumber(localDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!m) throw new RangeError(`expected YYYY-MM-DD, got ${localDate}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) {
    throw new RangeError(`no such date: ${localDate}`);
  }
  return ms / DAY;
}

/** 1970-01-01 was a Thursday (ISO 4). */
function isoWeekday(day: number): IsoWeekday {
  return ((((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday);
}

function compile(cal: BusinessCalendar): Compiled {
  let c = compiledCache.get(cal);
  if (c !== undefined) return c;
  const week: MsSpan[][] = [NO_SPANS];
  const weekdayTotal = [0];
  for (const d of ISO_WEEKDAYS) {
    const spans = (cal.workingHours[d] ?? []).map((sp) => ({ s: hhmmToMinutes(sp.start) * MINUTE, e: hhmmToMinutes(sp.end) * MINUTE }));
    for (let i = 0; i < spans.length; i++) {
      if (!(spans[i].e > spans[i].s) || (i > 0 && spans[i].s < spans[i - 1].e)) {
        throw new RangeError(`invalid office hours on ISO weekday ${d}; validate with businessCalendarSchema`);
      }
    }
    week.push(spans);
    weekdayTotal.push(spans.reduce((sum, sp) => sum + sp.e - sp.s, 0));
  }
  const holidays = new Set(cal.holidays.map((h) => dayNumber(h.date)));
  c = {
    zone: zoneOffsets(cal.timeZone),
    week,
    weekdayTotal,
    weekTotal: weekdayTotal.reduce((a, b) => a + b, 0),
    holidays,
    holidayDays: [...holidays].filter((d) => weekdayTotal[isoWeekday(d)] > 0).sort((a, b) => a - b),
  };
  compiledCache.set(cal, c);
  return c;
}

function spansOf(c: Compiled, day: number): MsSpan[] {
  return c.holidays.has(day) ? NO_SPANS : c.week[isoWeekday(day)];
}

function dayTotal(c: Compiled, day: number): number {
  return c.holidays.has(day) ? 0 : c.weekdayTotal[isoWeekday(day)];
}

function instant(at: Date, what: string): number {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${what} is not a valid date`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Wall-time arithmetic

/** The wall time itself when inside office hours, else the start of the next span. */
function nextWorkingWall(c: Compiled, wall: number): number {
  const first = Math.floor(wall / DAY);
  for (let day = first; day <= first + MAX_IDLE_DAYS; day++) {
    const tod = day === first ? wall - day * DAY : 0;
    for (const sp of spansOf(c, day)) {
      if (tod < sp.e) return tod >= sp.s ? wall : day * DAY + sp.s;
    }
  }
  throw new RangeError(`calendar has no office hours within ${MAX_IDLE_DAYS} days`);
}

function addWorkingMs(c: Compiled, wall: number, amount: number): number {
  let remaining = amount;
  let day = Math.floor(wall / DAY);
  let tod = wall - day * DAY;
  for (let idle = 0; idle <= MAX_IDLE_DAYS; day++, tod = 0) {
    const total = dayTotal(c, day);
    idle = total === 0 ? idle + 1 : 0;
    if (tod === 0 && total < remaining) {
      remaining -= total;
      continue;
    }
    for (const sp of spansOf(c, day)) {
      if (tod >= sp.e) continue;
      const from = Math.max(tod, sp.s);
      const avail = sp.e - from;
      if (remaining <= avail) return day * DAY + from + remaining;
      remaining -= avail;
    }
  }
  throw new RangeError(`calendar has no office hours within ${MAX_IDLE_DAYS} days`);
}

/** Moves a time of day into the day's office hours without changing its working position. */
function clampIntoDay(spans: MsSpan[], tod: number): number {
  let result = spans[0].s;
  for (const sp of spans) {
    if (tod < sp.s) break;
    if (tod < sp.e) return tod;
    result = sp.e;
  }
  return result;
}

function addWorkingDays(c: Compiled, wall: number, n: number): number {
  const start = nextWorkingWall(c, wall);
  let day = Math.floor(start / DAY);
  const tod = start - day * DAY;
  for (let k = 0, idle = 0; k < n; ) {
    day++;
    if (dayTotal(c, day) > 0) {
      k++;
      idle = 0;
    } else if (++idle > MAX_IDLE_DAYS) {
      throw new RangeError(`calendar has no office hours within ${MAX_IDLE_DAYS} days`);
    }
  }
  return day * DAY + clampIntoDay(spansOf(c, day), tod);
}

function overlap(spans: MsSpan[], from: number, to: number): number {
  let sum = 0;
  for (const sp of spans) {
    const a = Math.max(from, sp.s);
    const b = Math.min(to, sp.e);
    if (b > a) sum += b - a;
  }
  return sum;
}

/** Index of the first element >= x in an ascending array. */
function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Office time of the whole days [a, b). */
function fullDaysMs(c: Compiled, a: number, b: number): number {
  if (b <= a) return 0;
  const weeks = Math.floor((b - a) / 7);
  const weeksEnd = a + weeks * 7;
  let sum = weeks * c.weekTotal;
  for (let i = lowerBound(c.holidayDays, a); i < c.holidayDays.length && c.holidayDays[i] < weeksEnd; i++) {
    sum -= c.weekdayTotal[isoWeekday(c.holidayDays[i])];
  }
  for (let day = weeksEnd; day < b; day++) sum += dayTotal(c, day);
  return sum;
}

function elapsedWorkingMs(c: Compiled, wallFrom: number, wallTo: number): number {
  if (wallTo <= wallFrom) return 0;
  const dF = Math.floor(wallFrom / DAY);
  const dT = Math.floor(wallTo / DAY);
  const todF = wallFrom - dF * DAY;
  const todT = wallTo - dT * DAY;
  if (dF === dT) return overlap(spansOf(c, dF), todF, todT);
  return overlap(spansOf(c, dF), todF, DAY) + fullDaysMs(c, dF + 1, dT) + overlap(spansOf(c, dT), 0, todT);
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Whether a local date ("YYYY-MM-DD") has office hours: not a day off, not a holiday. */
export function isWorkingDay(cal: BusinessCalendar, localDate: string): boolean {
  return dayTotal(compile(cal), dayNumber(localDate)) > 0;
}

/** Whether the office is open at this instant (spans are half-open). */
export function isWorkingInstant(cal: BusinessCalendar, at: Date): boolean {
  const c = compile(cal);
  const wall = c.zone.toWall(instant(at, "at"));
  const day = Math.floor(wall / DAY);
  const tod = wall - day * DAY;
  return spansOf(c, day).some((sp) => tod >= sp.s && tod < sp.e);
}

/** `at` itself when the office is open then, else the start of the next working period. */
export function nextWorkingInstant(cal: BusinessCalendar, at: Date): Date {
  const c = compile(cal);
  const t = instant(at, "at");
  const wall = c.zone.toWall(t);
  const next = nextWorkingWall(c, wall);
  return next === wall ? new Date(t) : new Date(c.zone.toUtc(next));
}

/** Adds working days, hours or minutes; see the semantics at the top of this file. */
export function addWorkingTime(cal: BusinessCalendar, from: Date, amount: WorkingAmount): Date {
  const c = compile(cal);
  const t = instant(from, "from");
  if ("workingDays" in amount) {
    const n = amount.workingDays;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`workingDays must be a whole number >= 0, got ${n}`);
    if (n === 0) return new Date(t);
    return new Date(c.zone.toUtc(addWorkingDays(c, c.zone.toWall(t), n)));
  }
  const ms = "workingHours" in amount ? amount.workingHours * HOUR : amount.workingMinutes * MINUTE;
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("working hours and minutes must be finite and >= 0");
  if (ms === 0) return new Date(t);
  return new Date(c.zone.toUtc(addWorkingMs(c, c.zone.toWall(t), Math.round(ms))));
}

/**
 * Office time between two instants, in minutes (fractional when the instants have seconds).
 * Negative when `to` is before `from`.
 */
export function elapsedWorkingMinutes(cal: BusinessCalendar, from: Date, to: Date): number {
  const c = compile(cal);
  const a = instant(from, "from");
  const b = instant(to, "to");
  if (b < a) return -elapsedWorkingMinutes(cal, to, from);
  return elapsedWorkingMs(c, c.zone.toWall(a), c.zone.toWall(b)) / MINUTE;
}

/** The same local wall time `days` calendar days later (for clocks counted in calendar days). */
export function addCalendarDays(cal: BusinessCalendar, from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0, got ${days}`);
  const zone = zoneOffsets(cal.timeZone);
  const t = instant(from, "from");
  if (days === 0) return new Date(t);
  return new Date(zone.toUtc(zone.toWall(t) + days * DAY));
}

/** The local date ("YYYY-MM-DD") of an instant in the calendar's zone. */
export function localDateOf(cal: BusinessCalendar, at: Date): string {
  const wall = zoneOffsets(cal.timeZone).toWall(instant(at, "at"));
  return new Date(Math.floor(wall / DAY) * DAY).toISOString().slice(0, 10);
}
