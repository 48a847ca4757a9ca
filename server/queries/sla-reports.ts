import { In, type EntityManager } from "typeorm";
import { sqlTime } from "../lib/db.js";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { settingsForPolicyId, type SlaSettings } from "../clocks/sla-settings.js";
import { parsePauses, TimingAccumulator, toDate, workingDayMinutes } from "./reports/rules.js";

export { percentile } from "./reports/rules.js";

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
  const groups = new Map<number | null, Row[]>();
  for (const r of rows) {
    const k = keyOf(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }

  const out: SlaReportRow[] = [];
  for (const [k, g] of groups) {
    // The shared rules (queries/reports/rules.ts): a returned forward has no follow-up verdict.
    const acc = new TimingAccumulator();
    let answered = 0;
    let returned = 0;
    for (const r of g) {
      const answeredAt = toDate(r.answered_at);
      if (r.returned_at) {
        returned++;
        continue;
      }
      if (answeredAt) answered++;
      const s = await settingsOf(r.policy_id);
      const run = { start: toDate(r.clock_started_at) ?? toDate(r.f_created_at)!, end: answeredAt, due: toDate(r.clock_due_at), pauses: parsePauses(r.pauses_json), running: true };
      acc.add(run, s.calendar, workingDayMinutes(s.calendar), input.now);
    }
    const f = acc.figures();
    out.push({
      id: k,
      name: "",
      forwards: g.length,
      answered,
      answeredWithinClock: f.within,
      decided: f.decided,
      withinClockShare: f.withinShare,
      medianWorkingHours: f.medianHours,
      p90WorkingHours: f.p90Hours,
      medianWorkingDays: f.medianDays,
      p90WorkingDays: f.p90Days,
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
