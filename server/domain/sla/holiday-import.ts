/**
 * Next year's holidays, for admins: a list imported from a CSV or an iCalendar (ICS) file (the SKB's
 * national holidays and cuti bersama, or a province's own), and the national holidays that the
 * maintained `date-holidays` package computes for a year (no cuti bersama: those are set by decree
 * every year and must be imported). Pure: text in, holidays and the problems found out.
 */
import { parse as parseCsv } from "csv-parse/sync";
import Holidays from "date-holidays";
import ICAL from "ical.js";
import { holidaySchema, type Holiday, type HolidayKind } from "./calendar.js";

export interface HolidayImport {
  holidays: Holiday[];
  /** Rows or events that could not be read, with where they are (1-based line or event number). */
  problems: { at: string; message: string }[];
}

export const HOLIDAY_IMPORT_FORMATS = ["csv", "ics"] as const;
export type HolidayImportFormat = (typeof HOLIDAY_IMPORT_FORMATS)[number];

const KIND_WORDS: [RegExp, HolidayKind][] = [
  [/^(cuti[\s_-]*bersama|cb|collective[\s_-]*leave)$/i, "cuti_bersama"],
  [/^(regional|daerah|lokal|provinsi|local)$/i, "regional"],
  [/^(national|nasional|libur[\s_-]*nasional|public)$/i, "national"],
];
const kindOf = (word: string | undefined, name: string): HolidayKind | null => {
  const w = (word ?? "").trim();
  if (!w) return /cuti\s*bersama/i.test(name) ? "cuti_bersama" : "national";
  return KIND_WORDS.find(([re]) => re.test(w))?.[1] ?? null;
};

/** "2027-01-01", "01/01/2027" or "1-1-2027" → "2027-01-01"; null when not a real date. */
export function isoDateOf(s: string): string | null {
  const t = s.trim();
  let y: number, m: number, d: number;
  let x = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (x) [y, m, d] = [Number(x[1]), Number(x[2]), Number(x[3])];
  else if ((x = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t))) [d, m, y] = [Number(x[1]), Number(x[2]), Number(x[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function finish(found: { at: string; holiday: { date: string; name: string; kind: HolidayKind } }[], problems: HolidayImport["problems"]): HolidayImport {
  const byDate = new Map<string, Holiday>();
  for (const { at, holiday } of found) {
    const ok = holidaySchema.safeParse(holiday);
    if (!ok.success) {
      problems.push({ at, message: ok.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ") });
      continue;
    }
    const prev = byDate.get(ok.data.date);
    // One date, two entries (a holiday and its cuti bersama): the holiday wins, names joined.
    if (prev) byDate.set(ok.data.date, { ...prev, name: `${prev.name}; ${ok.data.name}`.slice(0, 200), kind: prev.kind === "national" || ok.data.kind === "national" ? "national" : prev.kind });
    else byDate.set(ok.data.date, ok.data);
  }
  return { holidays: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)), problems };
}

const HEADER = { date: ["date", "tanggal", "tgl"], name: ["name", "nama", "keterangan", "libur", "holiday"], kind: ["kind", "jenis", "type", "tipe"] };

/** A CSV with a header row: date/tanggal, name/nama/keterangan, and optionally kind/jenis. */
export function parseHolidayCsv(text: string): HolidayImport {
  const problems: HolidayImport["problems"] = [];
  let rows: string[][];
  try {
    const delimiter = (text.split(/\r?\n/, 1)[0] ?? "").includes(";") ? ";" : ",";
    rows = parseCsv(text.replace(/^\uFEFF/, ""), { delimiter, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    return { holidays: [], problems: [{ at: "file", message: `not a CSV file: ${(err as Error).message}` }] };
  }
  const head = (rows[0] ?? []).map((h) => h.toLowerCase());
  const col = (names: string[]) => head.findIndex((h) => names.includes(h));
  const [di, ni, ki] = [col(HEADER.date), col(HEADER.name), col(HEADER.kind)];
  if (di < 0 || ni < 0) return { holidays: [], problems: [{ at: "line 1", message: "the first row must name the columns: tanggal (date), nama (name) and optionally jenis (kind)" }] };
  const found: Parameters<typeof finish>[0] = [];
  rows.slice(1).forEach((r, i) => {
    const at = `line ${i + 2}`;
    const date = isoDateOf(r[di] ?? "");
    const name = (r[ni] ?? "").trim();
    const kind = kindOf(ki >= 0 ? r[ki] : undefined, name);
    if (!date) return void problems.push({ at, message: `"${r[di] ?? ""}" is not a date (YYYY-MM-DD or DD/MM/YYYY)` });
    if (!kind) return void problems.push({ at, message: `"${r[ki] ?? ""}" is not a kind: nasional, cuti bersama or daerah` });
    found.push({ at, holiday: { date, name, kind } });
  });
  return finish(found, problems);
}

/**
 * An iCalendar file (a government or office calendar export): every all-day event is a holiday on
 * each of its days (DTEND is exclusive); "cuti bersama" in the summary or a category makes it
 * cuti bersama, "daerah"/"regional" a regional holiday, anything else national.
 */
export function parseHolidayIcs(text: string): HolidayImport {
  const problems: HolidayImport["problems"] = [];
  let events: ICAL.Component[];
  try {
    events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
  } catch (err) {
    return { holidays: [], problems: [{ at: "file", message: `not an iCalendar file: ${(err as Error).message}` }] };
  }
  const found: Parameters<typeof finish>[0] = [];
  events.forEach((e, i) => {
    const at = `event ${i + 1}`;
    const ev = new ICAL.Event(e);
    const name = (ev.summary ?? "").trim();
    const start = ev.startDate;
    if (!start) return void problems.push({ at, message: "no DTSTART" });
    if (e.hasProperty("rrule")) problems.push({ at, message: `"${name}" repeats (RRULE): only its first day is taken` });
    const categories = e.getAllProperties("categories").flatMap((p) => p.getValues().map(String));
    const kind: HolidayKind = [name, ...categories].some((s) => /cuti\s*bersama/i.test(s)) ? "cuti_bersama" : categories.some((s) => /^(daerah|regional)$/i.test(s.trim())) ? "regional" : "national";
    const first = new Date(Date.UTC(start.year, start.month - 1, start.day));
    const end = ev.endDate && start.isDate && !e.hasProperty("rrule") ? new Date(Date.UTC(ev.endDate.year, ev.endDate.month - 1, ev.endDate.day)) : new Date(first.getTime() + 86_400_000);
    const days = Math.min(Math.max(1, Math.round((end.getTime() - first.getTime()) / 86_400_000)), 31);
    for (let d = 0; d < days; d++) found.push({ at, holiday: { date: new Date(first.getTime() + d * 86_400_000).toISOString().slice(0, 10), name, kind } });
  });
  return finish(found, problems);
}

export function parseHolidayFile(format: HolidayImportFormat, text: string): HolidayImport {
  return format === "csv" ? parseHolidayCsv(text) : parseHolidayIcs(text);
}

/**
 * Indonesia's national holidays of a year as the `date-holidays` package computes them. Islamic
 * dates are astronomical estimates (the government fixes them after the sidang isbat) and cuti
 * bersama are missing: a starting point for admins, who import or correct the SKB's list.
 */
export function computedNationalHolidays(year: number): Holiday[] {
  const byDate = new Map<string, Holiday>();
  for (const h of new Holidays("ID").getHolidays(year, "id")) {
    if (h.type !== "public") continue;
    const date = h.date.slice(0, 10);
    if (!byDate.has(date)) byDate.set(date, { date, name: h.name.slice(0, 200), kind: "national" });
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}
