import { In, type EntityManager } from "typeorm";
import { elapsedWorkingMinutes, type BusinessCalendar } from "../domain/sla/calendar.js";
import { sqlTime } from "../lib/db.js";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { settingsForPolicyId, type SlaSettings } from "../sla/settings.js";

export interface SlaReportInput {
  groupBy: "agency" | "category";
  /** Forwards made in [from, to). */
  from: Date;
  to: Date;
  now: Date;
  /** Only this OPD (OPD users see their own). */
  agencyId?: number;
}

export interface SlaReportRow {
  id: number | null;
  name: string;
  /** Forwards made in the period. */
  forwards: number;
  /** Answered (tanggapan) so far. */
  answered: number;
  /** Answered within the clock. */
  answeredWithinClock: number;
  /** Forwards whose clock has ended (answered, or past due unanswered). */
  decided: number;
  /** answeredWithinClock / decided (null when nothing is decided yet). */
  withinClockShare: number | null;
  /** Working time from forward to answer, pauses excluded. */
  medianWorkingHours: number | null;
  p90WorkingHours: number | null;
  /** The same in working days of the calendar's ordinary length. */
  medianWorkingDays: number | null;
  p90WorkingDays: number | null;
  /** Returned as not their authority (bukan wewenang). */
  returned: number;
  /** Open forwards (of any period) whose clock is breached now. */
  openBreaches: number;
}

interface Row {
  forward_id: number;
  agency_id: number;
  category_id: number | null;
  f_created_at: Date | string;
  answered_at: Date | string | null;
  returned_at: Date | string | null;
  status: string;
  clock_due_at: Date | string | null;
  clock_started_at: Date | string | null;
  pauses_json: string | null;
  policy_id: number | null;
}

const toDate = (v: Date | string | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(/Z$|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`));

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Minutes of an ordinary working day (Monday to Friday average) of a calendar. */
function dayMinutes(cal: BusinessCalendar): number {
  const days = [1, 2, 3, 4, 5] as const;
  const total = days.reduce((s, d) => s + cal.workingHours[d].reduce((x, sp) => x + toMin(sp.end) - toMin(sp.start), 0), 0);
  return total / days.length || 480;
}
const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * SLA performance of OPD follow-ups, per OPD or per category: the share of forwards answered
 * within their clock, median and 90th percentile working time to follow-up, returns and open
 * breaches. For the supervisor dashboard and the public accountability page.
 */
export async function slaReport(m: EntityManager, input: SlaReportInput): Promise<SlaReportRow[]> {
  const params: unknown[] = [sqlTime(m, input.from), sqlTime(m, input.to)];
  let scope = "";
  if (input.agencyId !== undefined) {
    scope = " AND f.agency_id = ?";
    params.push(input.agencyId);
  }
  const rows: Row[] = await m.query(
    `SELECT f.id AS forward_id, f.agency_id, t.category_id, f.created_at AS f_created_at, f.answered_at, f.returned_at, f.status,
            c.due_at AS clock_due_at, c.started_at AS clock_started_at, c.pauses_json, c.policy_id
       FROM forwards f
       JOIN tickets t ON t.id = f.ticket_id
       LEFT JOIN sla_clocks c ON c.forward_id = f.id AND c.kind = 'opd_followup'
      WHERE f.created_at >= ? AND f.created_at < ?${scope}`,
    params,
  );
  const breachParams: unknown[] = [sqlTime(m, input.now)];
  if (input.agencyId !== undefined) breachParams.push(input.agencyId);
  const breaches: { agency_id: number; category_id: number | null; n: number | string }[] = await m.query(
    `SELECT f.agency_id, t.category_id, COUNT(*) AS n
       FROM sla_clocks c JOIN forwards f ON f.id = c.forward_id JOIN tickets t ON t.id = f.ticket_id
      WHERE c.kind = 'opd_followup' AND c.state = 'running' AND c.due_at < ?${input.agencyId !== undefined ? " AND f.agency_id = ?" : ""}
      GROUP BY f.agency_id, t.category_id`,
    breachParams,
  );

  const settings = new Map<string, Promise<SlaSettings>>();
  const settingsOf = (policyId: number | null) => {
    const k = String(policyId);
    if (!settings.has(k)) settings.set(k, settingsForPolicyId(m, policyId));
    return settings.get(k)!;
  };
  const keyOf = (r: { agency_id: number; category_id: number | null }) => (input.groupBy === "agency" ? r.agency_id : r.category_id);
  const groups = new Map<number | null, { rows: Row[]; minutes: number[]; dayMinutes: number[] }>();
  const groupOf = (k: number | null) => groups.get(k) ?? groups.set(k, { rows: [], minutes: [], dayMinutes: [] }).get(k)!;
  for (const r of rows) groupOf(keyOf(r)).rows.push(r);

  const out: SlaReportRow[] = [];
  for (const [k, g] of groups) {
    let answered = 0;
    let within = 0;
    let decided = 0;
    let returned = 0;
    const hours: number[] = [];
    const days: number[] = [];
    for (const r of g.rows) {
      const answeredAt = toDate(r.answered_at);
      const due = toDate(r.clock_due_at);
      if (r.returned_at) returned++;
      if (answeredAt) {
        answered++;
        decided++;
        if (!due || answeredAt.getTime() <= due.getTime()) within++;
        const s = await settingsOf(r.policy_id);
        const start = toDate(r.clock_started_at) ?? toDate(r.f_created_at)!;
        let minutes = elapsedWorkingMinutes(s.calendar, start, answeredAt);
        for (const p of r.pauses_json ? (JSON.parse(r.pauses_json) as { from: string; to: string | null }[]) : []) {
          const a = new Date(Math.max(new Date(p.from).getTime(), start.getTime()));
          const b = new Date(Math.min(p.to ? new Date(p.to).getTime() : answeredAt.getTime(), answeredAt.getTime()));
          if (b > a) minutes -= elapsedWorkingMinutes(s.calendar, a, b);
        }
        minutes = Math.max(0, minutes);
        hours.push(minutes / 60);
        days.push(minutes / dayMinutes(s.calendar));
      } else if (!r.returned_at && due && due.getTime() < input.now.getTime()) decided++;
    }
    hours.sort((a, b) => a - b);
    days.sort((a, b) => a - b);
    const round = (x: number | null) => (x == null ? null : Math.round(x * 100) / 100);
    out.push({
      id: k,
      name: "",
      forwards: g.rows.length,
      answered,
      answeredWithinClock: within,
      decided,
      withinClockShare: decided ? round(within / decided) : null,
      medianWorkingHours: round(percentile(hours, 50)),
      p90WorkingHours: round(percentile(hours, 90)),
      medianWorkingDays: round(percentile(days, 50)),
      p90WorkingDays: round(percentile(days, 90)),
      returned,
      openBreaches: 0,
    });
  }
  for (const b of breaches) {
    const k = keyOf(b);
    let row = out.find((r) => r.id === k);
    if (!row) {
      row = { id: k, name: "", forwards: 0, answered: 0, answeredWithinClock: 0, decided: 0, withinClockShare: null, medianWorkingHours: null, p90WorkingHours: null, medianWorkingDays: null, p90WorkingDays: null, returned: 0, openBreaches: 0 };
      out.push(row);
    }
    row.openBreaches += Number(b.n);
  }
  const ids = out.map((r) => r.id).filter((x): x is number => x != null);
  const names = new Map<number, string>(
    input.groupBy === "agency"
      ? (ids.length ? await m.getRepository(Agency).findBy({ id: In(ids) }) : []).map((a) => [a.id, a.name])
      : (ids.length ? await m.getRepository(Category).findBy({ id: In(ids) }) : []).map((c) => [c.id, c.name]),
  );
  for (const r of out) r.name = r.id == null ? "Tanpa kategori / uncategorised" : (names.get(r.id) ?? `#${r.id}`);
  return out.sort((a, b) => a.name.localeCompare(b.name, "id"));
}
