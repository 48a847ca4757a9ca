// Accountability per OPD per month (/kinerja): the transparency the regulations ask for, as
// aggregates only — no ticket, text or person is named. The figures are the report
// computation's (queries/reports/), read from the month rows the worker keeps fresh.
import type { EntityManager } from "typeorm";
import { lookups } from "./public-reports.js";
import { DEFAULT_ROLLUP_MAX_AGE_MS, monthRows } from "./reports/month-rollups.js";

export { monthBounds } from "./reports/period.js";
export { workingDayMinutes } from "./reports/rules.js";

export interface AgencyMonth {
  agencyCode: string;
  agencyName: string;
  /** Forwards received in the month. */
  volume: number;
  /** Answered (followed up) so far. */
  followedUp: number;
  /** Of the follow-ups that are due (answered, or open past their clock): share answered within the clock; null when none is due. */
  onTimeShare: number | null;
  /** Median working days from forward to answer (paused time excluded); null without answers. */
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

const cache = new Map<string, { at: number; m: EntityManager; value: Promise<MonthReport> }>();
const TTL_MS = 60_000;
export function clearAccountabilityCache(): void {
  cache.clear();
}

/** The month's figures per OPD (every active OPD, also with zero volume), cached a minute in the process. */
export function accountabilityMonth(m: EntityManager, month: string, now: Date, maxAgeMs = DEFAULT_ROLLUP_MAX_AGE_MS): Promise<MonthReport> {
  const hit = cache.get(month);
  if (hit && Date.now() - hit.at < TTL_MS && hit.m === m) return hit.value;
  const value = compute(m, month, now, maxAgeMs);
  cache.set(month, { at: Date.now(), m, value });
  value.catch(() => cache.delete(month));
  return value;
}

const round1 = (x: number | null) => (x == null ? null : Math.round(x * 10) / 10);

async function compute(m: EntityManager, month: string, now: Date, maxAgeMs: number): Promise<MonthReport> {
  const lk = await lookups(m);
  const { rows: stored } = await monthRows(m, month, now, maxAgeMs);
  let decided = 0;
  let within = 0;
  const rows: AgencyMonth[] = stored.map(({ agencyId, figures: f }) => {
    const agency = lk.agencies.get(agencyId)!;
    decided += f.decided;
    within += f.within;
    return {
      agencyCode: agency.code,
      agencyName: agency.name,
      volume: f.volume,
      followedUp: f.followedUp,
      onTimeShare: f.decided ? f.within / f.decided : null,
      medianWorkingDays: round1(f.medianWorkingDays),
      returnedShare: f.followedUp + f.returned ? f.returned / (f.followedUp + f.returned) : null,
      averageRating: f.ratings ? round1(f.ratingSum / f.ratings) : null,
      ratings: f.ratings,
    };
  });
  rows.sort((a, b) => b.volume - a.volume || a.agencyName.localeCompare(b.agencyName));
  return { month, rows, totals: { volume: rows.reduce((s, r) => s + r.volume, 0), followedUp: rows.reduce((s, r) => s + r.followedUp, 0), onTimeShare: decided ? within / decided : null } };
}
