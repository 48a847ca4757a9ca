// /kinerja's month rows: one small precomputed row per OPD and month (report_month_rollups),
// computed by the same report computation (agency-report.ts) and kept fresh by the worker's
// report-rollups job. A page reads ~20 rows by a unique key; a missing or stale row is
// recomputed on the spot (one indexed range read of that OPD's month) and stored.
import type { EntityManager } from "typeorm";
import { saveReportRollup } from "../../commands/refresh-report-rollups.js";
import { ReportMonthRollup } from "../../entities/report-month-rollup.entity.js";
import { lookups } from "../public-reports.js";
import { computeAgencyReport, reportCalendar, type AgencyReport } from "./agency-report.js";
import { monthBounds, monthOf, shiftMonth } from "./period.js";

/** What /kinerja shows of one OPD's month (sums, so totals add up across OPDs). */
export interface KinerjaFigures {
  volume: number;
  followedUp: number;
  returned: number;
  decided: number;
  within: number;
  medianWorkingDays: number | null;
  ratings: number;
  ratingSum: number;
}

export function kinerjaFiguresOf(r: AgencyReport): KinerjaFigures {
  return {
    volume: r.volume.forwarded,
    followedUp: r.volume.answered,
    returned: r.volume.returned,
    decided: r.followUp.decided,
    within: r.followUp.within,
    medianWorkingDays: r.followUp.medianDays,
    ratings: r.ratings.count,
    ratingSum: r.ratings.distribution.reduce((s, n, i) => s + n * (i + 1), 0),
  };
}

/** A month's row stays valid this long; a month ended two months before its computation is final. */
export const DEFAULT_ROLLUP_MAX_AGE_MS = 15 * 60_000;
const FINAL_AFTER_MS = 62 * 86_400_000;

export interface MonthRows {
  month: string;
  rows: { agencyId: number; figures: KinerjaFigures; computedAt: Date }[];
}

/** Months older than this are computed when asked but not stored (a public URL must not grow a table without bound). */
export const STORED_MONTHS = 36;

/** Recomputes and stores one month's rows for the given OPDs (default: every OPD); returns them. */
export async function refreshMonthRollups(m: EntityManager, month: string, now: Date, agencyIds?: number[], store = true): Promise<Map<number, KinerjaFigures>> {
  const lk = await lookups(m);
  const ids = agencyIds ?? [...lk.agencies.keys()];
  const out = new Map<number, KinerjaFigures>();
  for (const agencyId of ids) {
    const figures = kinerjaFiguresOf(await computeAgencyReport(m, { agencyId, kind: "month", month, now }));
    if (store) await saveReportRollup(m, { month, agencyId, figures, at: now });
    out.set(agencyId, figures);
  }
  return out;
}

/** Every OPD's row of the month (active OPDs, and inactive ones with volume), fresh ones from the table. */
export async function monthRows(m: EntityManager, month: string, now: Date, maxAgeMs = DEFAULT_ROLLUP_MAX_AGE_MS): Promise<MonthRows> {
  const lk = await lookups(m);
  const { timeZone } = await reportCalendar(m);
  const monthEnd = monthBounds(month, timeZone).to.getTime();
  const stored = new Map((await m.getRepository(ReportMonthRollup).find({ where: { month } })).map((r) => [r.agencyId, r]));
  const fresh = (r: ReportMonthRollup | undefined) => !!r && (r.computedAt.getTime() >= now.getTime() - maxAgeMs || r.computedAt.getTime() >= monthEnd + FINAL_AFTER_MS);
  const stale = [...lk.agencies.keys()].filter((id) => !fresh(stored.get(id)));
  if (stale.length) {
    const store = month >= shiftMonth(monthOf(now, timeZone), -STORED_MONTHS);
    const computed = await refreshMonthRollups(m, month, now, stale, store);
    for (const [agencyId, figures] of computed) stored.set(agencyId, Object.assign(new ReportMonthRollup(), { month, agencyId, figures: JSON.stringify(figures), computedAt: now }));
  }
  const rows: MonthRows["rows"] = [];
  for (const agency of lk.agencies.values()) {
    const r = stored.get(agency.id);
    if (!r) continue;
    const figures = JSON.parse(r.figures) as KinerjaFigures;
    if (!agency.active && figures.volume === 0) continue;
    rows.push({ agencyId: agency.id, figures, computedAt: r.computedAt });
  }
  return { month, rows };
}
