// Accountability per OPD per month (/kinerja): the transparency the regulations ask for, as
// aggregates only — no ticket, text or person is named. A month's forwards (disposisi) are read
// with their OPD follow-up clock, in the province's business calendar.
import type { EntityManager } from "typeorm";
import { elapsedWorkingMinutes, hhmmToMinutes, ISO_WEEKDAYS, type BusinessCalendar } from "../domain/sla/calendar.js";
import { settingsById } from "../sla/settings.js";
import { sqlTime } from "../lib/db.js";
import { lookups } from "./public-reports.js";

export interface AgencyMonth {
  agencyCode: string;
  agencyName: string;
  /** Forwards received in the month. */
  volume: number;
  /** Answered (followed up) so far. */
  followedUp: number;
  /** Of the follow-ups that are due (answered, or open past their clock): share answered within the clock; null when none is due. */
  onTimeShare: number | null;
  /** Median working days from forward to answer; null without answers. */
  medianWorkingDays: number | null;
  /** Share of closed forwards the OPD returned as not its authority; null when none is closed. */
  returnedShare: number | null;
  /** Average citizen rating (1–5) of answered tickets; null without ratings. */
  averageRating: number | null;
  ratings: number;
}

export interface MonthReport {
  month: string;
  rows: AgencyMonth[];
  totals: { volume: number; followedUp: number; onTimeShare: number | null };
}

interface ForwardFacts {
  agency_id: number;
  status: string;
  created_at: Date | string;
  answered_at: Date | string | null;
  due_at: Date | string | null;
}

const toDate = (v: Date | string | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(/[Zz+]/.test(v.slice(10)) ? v : `${v.replace(" ", "T")}Z`));

/** Minutes of an ordinary working day of the calendar (its most common non-empty weekday). */
export function workingDayMinutes(cal: BusinessCalendar): number {
  const days = ISO_WEEKDAYS.map((d) => cal.workingHours[d].reduce((s, x) => s + hhmmToMinutes(x.end) - hhmmToMinutes(x.start), 0)).filter((x) => x > 0);
  if (days.length === 0) return 8 * 60;
  const counts = new Map<number, number>();
  for (const d of days) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** "2026-11" -> the month's bounds in the calendar's time zone (offset taken at the month's start). */
export function monthBounds(month: string, timeZone: string): { from: Date; to: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const offsetAt = (d: Date) => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const mm = /GMT([+-])(\d{2}):?(\d{2})?/.exec(parts);
    return mm ? (mm[1] === "-" ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3] ?? 0)) * 60_000 : 0;
  };
  const fromUtc = Date.UTC(y, m - 1, 1);
  const toUtc = Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1);
  return { from: new Date(fromUtc - offsetAt(new Date(fromUtc))), to: new Date(toUtc - offsetAt(new Date(toUtc))) };
}

const cache = new Map<string, { at: number; value: Promise<MonthReport> }>();
const TTL_MS = 60_000;
export function clearAccountabilityCache(): void {
  cache.clear();
}

/** The month's figures per OPD (every active OPD, also with zero volume), cached a minute. */
export function accountabilityMonth(m: EntityManager, month: string, now: Date): Promise<MonthReport> {
  const key = `${month}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS && (hit as { m?: EntityManager }).m === m) return hit.value;
  const value = compute(m, month, now);
  cache.set(key, Object.assign({ at: Date.now(), value }, { m }));
  value.catch(() => cache.delete(key));
  return value;
}

async function compute(m: EntityManager, month: string, now: Date): Promise<MonthReport> {
  const lk = await lookups(m);
  const { calendar } = await settingsById(m, null);
  const dayMinutes = workingDayMinutes(calendar);
  const { from, to } = monthBounds(month, calendar.timeZone);
  const facts: ForwardFacts[] = await m
    .createQueryBuilder()
    .select(["f.agency_id AS agency_id", "f.status AS status", "f.created_at AS created_at", "f.answered_at AS answered_at", "c.due_at AS due_at"])
    .from("forwards", "f")
    .leftJoin("sla_clocks", "c", "c.forward_id = f.id AND c.kind = 'opd_followup'")
    .where("f.created_at >= :from AND f.created_at < :to", { from: sqlTime(m, from), to: sqlTime(m, to) })
    .andWhere("f.status <> 'withdrawn'")
    .getRawMany();
  const ratings: { agency_id: number; rating: number }[] = await m
    .createQueryBuilder()
    .select(["f.agency_id AS agency_id", "r.rating AS rating"])
    .from("ticket_ratings", "r")
    .innerJoin("forwards", "f", "f.ticket_id = r.ticket_id AND f.status = 'answered'")
    .where("f.created_at >= :from AND f.created_at < :to", { from: sqlTime(m, from), to: sqlTime(m, to) })
    .getRawMany();

  const byAgency = new Map<number, ForwardFacts[]>();
  for (const f of facts) byAgency.set(Number(f.agency_id), [...(byAgency.get(Number(f.agency_id)) ?? []), f]);
  const rows: AgencyMonth[] = [];
  let due = 0;
  let onTime = 0;
  for (const agency of lk.agencies.values()) {
    const fs = byAgency.get(agency.id) ?? [];
    if (!agency.active && fs.length === 0) continue;
    let agencyDue = 0;
    let agencyOnTime = 0;
    const days: number[] = [];
    let answered = 0;
    let returned = 0;
    for (const f of fs) {
      const created = toDate(f.created_at)!;
      const answeredAt = toDate(f.answered_at);
      const dueAt = toDate(f.due_at);
      if (f.status === "returned") returned++;
      if (f.status === "answered" && answeredAt) {
        answered++;
        days.push(elapsedWorkingMinutes(calendar, created, answeredAt) / dayMinutes);
        if (dueAt) {
          agencyDue++;
          if (answeredAt.getTime() <= dueAt.getTime()) agencyOnTime++;
        }
      } else if ((f.status === "pending" || f.status === "acknowledged") && dueAt && dueAt.getTime() < now.getTime()) {
        agencyDue++;
      }
    }
    const rs = ratings.filter((r) => Number(r.agency_id) === agency.id).map((r) => Number(r.rating));
    due += agencyDue;
    onTime += agencyOnTime;
    const med = median(days);
    rows.push({
      agencyCode: agency.code,
      agencyName: agency.name,
      volume: fs.length,
      followedUp: answered,
      onTimeShare: agencyDue ? agencyOnTime / agencyDue : null,
      medianWorkingDays: med == null ? null : Math.round(med * 10) / 10,
      returnedShare: answered + returned ? returned / (answered + returned) : null,
      averageRating: rs.length ? Math.round((rs.reduce((a, b) => a + b, 0) / rs.length) * 10) / 10 : null,
      ratings: rs.length,
    });
  }
  rows.sort((a, b) => b.volume - a.volume || a.agencyName.localeCompare(b.agencyName));
  return { month, rows, totals: { volume: facts.length, followedUp: rows.reduce((s, r) => s + r.followedUp, 0), onTimeShare: due ? onTime / due : null } };
}
