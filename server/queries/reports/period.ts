// Report periods: a month, a quarter or a year, bounded in the calendar's time zone.
import { z } from "zod";

export const PERIOD_KINDS = ["month", "quarter", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface ReportPeriod {
  kind: PeriodKind;
  /** "2026-11", "2026-Q4" or "2026". */
  key: string;
  /** [from, to) in UTC. */
  from: Date;
  to: Date;
  /** "November 2026", "Triwulan IV 2026", "Tahun 2026" (and English). */
  label: { id: string; en: string };
  /** The months it spans ("YYYY-MM"), for trend buckets. */
  months: string[];
}

export const monthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11");

// One formatter per time zone: making an Intl formatter costs milliseconds.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** The UTC offset (ms) of a time zone at an instant. */
function offsetAt(timeZone: string, d: Date): number {
  let f = offsetFormats.get(timeZone);
  if (!f) offsetFormats.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })));
  const parts = f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const mm = /GMT([+-])(\d{2}):?(\d{2})?/.exec(parts);
  return mm ? (mm[1] === "-" ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3] ?? 0)) * 60_000 : 0;
}

/** Local midnight of the first of a month (monthIndex may overflow into the next years). */
function monthStart(year: number, monthIndex: number, timeZone: string): Date {
  const utc = Date.UTC(year, monthIndex, 1);
  return new Date(utc - offsetAt(timeZone, new Date(utc)));
}

/** "2026-11" -> the month's bounds in the time zone. */
export function monthBounds(month: string, timeZone: string): { from: Date; to: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: monthStart(y, m - 1, timeZone), to: monthStart(y, m, timeZone) };
}

const MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const ROMAN = ["I", "II", "III", "IV"];
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The period of kind `kind` that holds `month` ("YYYY-MM"): the month itself, its quarter or
 * its year.
 */
export function reportPeriod(kind: PeriodKind, month: string, timeZone: string): ReportPeriod {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const first = kind === "month" ? m : kind === "quarter" ? Math.floor((m - 1) / 3) * 3 + 1 : 1;
  const count = kind === "month" ? 1 : kind === "quarter" ? 3 : 12;
  const months = Array.from({ length: count }, (_, i) => `${y}-${pad(first + i)}`);
  const q = Math.floor((m - 1) / 3);
  return {
    kind,
    key: kind === "month" ? month : kind === "quarter" ? `${y}-Q${q + 1}` : String(y),
    from: monthStart(y, first - 1, timeZone),
    to: monthStart(y, first - 1 + count, timeZone),
    label:
      kind === "month"
        ? { id: `${MONTHS_ID[m - 1]} ${y}`, en: `${MONTHS_EN[m - 1]} ${y}` }
        : kind === "quarter"
          ? { id: `Triwulan ${ROMAN[q]} ${y}`, en: `Q${q + 1} ${y}` }
          : { id: `Tahun ${y}`, en: `Year ${y}` },
    months,
  };
}

/** The month ("YYYY-MM") an instant falls in, in the time zone. */
export function monthOf(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetAt(timeZone, at)).toISOString().slice(0, 7);
}

/** The month before/after ("YYYY-MM"). */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
}

/** Short month names for chart axes. */
export const monthShort = (month: string, lang: "id" | "en") => (lang === "id" ? MONTHS_ID : MONTHS_EN)[Number(month.slice(5, 7)) - 1]!.slice(0, 3);
