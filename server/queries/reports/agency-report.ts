// The one report computation (issue 16, item 4): one OPD's (or the province's) figures for a
// month, a quarter or a year — volumes, verification, forwards, each clock's share within time,
// median and 90th percentile in working time, open breaches, returns, reopenings, citizens'
// ratings with their (masked) comments, top topics, and the same per category and channel.
// The staff API, its CSV/XLSX/PDF, the monthly e-mail and /kinerja's month rows all come from
// here. One OPD's period is an indexed range read of its forwards (ix_forwards_agency_created).
import type { EntityManager } from "typeorm";
import { localDateOf, type BusinessCalendar } from "../../domain/sla/calendar.js";
import type { ClockKind } from "../../domain/sla/policy.js";
import type { ChannelKind } from "../../../channels/rules/channel-kinds.js";
import { maskPublicText } from "../../domain/privacy/mask.js";
import { sqlTime } from "../../lib/db.js";
import { settingsById, settingsForPolicyId, type SlaSettings } from "../../clocks/sla-settings.js";
import { lookups } from "../public-reports.js";
import { reportPeriod, type PeriodKind, type ReportPeriod } from "./period.js";
import { parsePauses, TimingAccumulator, toDate, workingDayMinutes, type TimingFigures } from "./rules.js";

export interface ReportInput {
  /** One OPD; null: the whole province. */
  agencyId: number | null;
  kind: PeriodKind;
  /** A month of the period ("YYYY-MM"). */
  month: string;
  categoryId?: number;
  channel?: ChannelKind;
  now: Date;
}

export interface BreakdownRow {
  key: string;
  name: string;
  /** Tickets (received in the period, or for an OPD: forwarded to it in the period). */
  tickets: number;
  forwarded: number;
  answered: number;
  returned: number;
  withinShare: number | null;
  medianDays: number | null;
}

export interface RatingComment {
  ticketNumber: string;
  rating: number;
  /** Masked (no NIK, phone, e-mail or the reporter's names); comments of rahasia tickets are left out. */
  comment: string;
  at: string;
}

export interface ClockRow extends TimingFigures {
  kind: ClockKind;
  /** Clocks of the period's tickets (forwards for opd_followup). */
  clocks: number;
}

export interface AgencyReport {
  scope: { agencyId: number | null; agencyCode: string | null; agencyName: string };
  period: { kind: PeriodKind; key: string; from: string; to: string; label: { id: string; en: string } };
  filters: { categoryId: number | null; categoryName: string | null; channel: ChannelKind | null };
  generatedAt: string;
  volume: {
    /** Tickets: received in the period (province) or forwarded to the OPD in the period (distinct). */
    tickets: number;
    verified: number;
    rejected: number;
    /** Forwards (disposisi) made in the period. */
    forwarded: number;
    answered: number;
    /** Returned as not the OPD's authority (bukan wewenang). */
    returned: number;
    /** Forwards still pending or acknowledged. */
    open: number;
    /** Tickets reopened after an answer (the citizen disputed it). */
    reopened: number;
  };
  /** The OPD follow-up clock over the period's forwards (the OPD's own clock). */
  followUp: TimingFigures;
  /** Every clock: for an OPD its follow-up clock; for the province also the ticket-wide clocks. */
  clocks: ClockRow[];
  /** Clocks of the period still running past their due instant now. */
  openBreaches: number;
  ratings: { count: number; average: number | null; distribution: [number, number, number, number, number]; comments: RatingComment[] };
  /** Categories with the most tickets. */
  topTopics: { name: string; tickets: number }[];
  byCategory: BreakdownRow[];
  byChannel: BreakdownRow[];
  /** Per day (a month) or per month (quarter, year): forwards made and answers given. */
  trend: { bucket: string; forwarded: number; answered: number }[];
}

interface ForwardFact {
  ticket_id: number;
  agency_id: number;
  f_status: string;
  f_created_at: Date | string;
  f_answered_at: Date | string | null;
  channel: string;
  category_id: number | null;
  t_status: string;
  verified_at: Date | string | null;
  reopened_at: Date | string | null;
  received_at: Date | string;
  privacy: string;
  number: string;
  contact_id: number | null;
  c_started_at: Date | string | null;
  c_stopped_at: Date | string | null;
  c_due_at: Date | string | null;
  c_state: string | null;
  pauses_json: string | null;
  policy_id: number | null;
  rating: number | null;
  r_comment: string | null;
  r_at: Date | string | null;
}

interface TicketFact {
  id: number;
  channel: string;
  category_id: number | null;
  status: string;
  verified_at: Date | string | null;
  reopened_at: Date | string | null;
  privacy: string;
  number: string;
  contact_id: number | null;
  rating: number | null;
  r_comment: string | null;
  r_at: Date | string | null;
}

interface ClockFact {
  kind: ClockKind;
  started_at: Date | string;
  stopped_at: Date | string | null;
  due_at: Date | string | null;
  state: string;
  pauses_json: string | null;
  policy_id: number | null;
}

/** Clocks shown in the reports (auto_close is the system's, not a service promise). */
export const REPORT_CLOCKS: readonly ClockKind[] = ["verify_forward", "opd_followup", "respond_citizen", "resolve_investigation"];
const MAX_COMMENTS = 50;
const TOP_TOPICS = 5;

/** The default policy's calendar bounds the periods (the province's working week and time zone). */
export async function reportCalendar(m: EntityManager): Promise<BusinessCalendar> {
  return (await settingsById(m, null)).calendar;
}

/** The period of an input in the province's calendar. */
export async function periodOf(m: EntityManager, kind: PeriodKind, month: string): Promise<ReportPeriod> {
  return reportPeriod(kind, month, (await reportCalendar(m)).timeZone);
}

export async function computeAgencyReport(m: EntityManager, input: ReportInput): Promise<AgencyReport> {
  const lk = await lookups(m);
  const calendar = await reportCalendar(m);
  const period = reportPeriod(input.kind, input.month, calendar.timeZone);
  const from = sqlTime(m, period.from);
  const to = sqlTime(m, period.to);
  const filterSql = `${input.categoryId !== undefined ? " AND t.category_id = ?" : ""}${input.channel ? " AND t.channel = ?" : ""}`;
  const filterParams: unknown[] = [...(input.categoryId !== undefined ? [input.categoryId] : []), ...(input.channel ? [input.channel] : [])];

  const forwards: ForwardFact[] = await m.query(
    `SELECT f.ticket_id, f.agency_id, f.status AS f_status, f.created_at AS f_created_at, f.answered_at AS f_answered_at,
            t.channel, t.category_id, t.status AS t_status, t.verified_at, t.reopened_at, t.received_at, t.privacy, t.number, t.contact_id,
            c.started_at AS c_started_at, c.stopped_at AS c_stopped_at, c.due_at AS c_due_at, c.state AS c_state, c.pauses_json, c.policy_id,
            r.rating, r.comment AS r_comment, r.updated_at AS r_at
       FROM forwards f
       JOIN tickets t ON t.id = f.ticket_id
       LEFT JOIN sla_clocks c ON c.forward_id = f.id AND c.kind = 'opd_followup'
       LEFT JOIN ticket_ratings r ON r.ticket_id = f.ticket_id
      WHERE ${input.agencyId != null ? "f.agency_id = ? AND " : ""}f.created_at >= ? AND f.created_at < ? AND f.status <> 'withdrawn'${filterSql}`,
    [...(input.agencyId != null ? [input.agencyId] : []), from, to, ...filterParams],
  );

  // The period's tickets: an OPD's are those forwarded to it; the province's those received.
  let tickets: TicketFact[];
  let ticketClocks: ClockFact[] = [];
  if (input.agencyId != null) {
    const seen = new Map<number, TicketFact>();
    for (const f of forwards) {
      const id = Number(f.ticket_id);
      // A ticket's rating counts for the OPD only when the OPD answered it.
      const prev = seen.get(id);
      const rated = f.f_status === "answered" ? f.rating : null;
      if (!prev) seen.set(id, { id, channel: f.channel, category_id: f.category_id, status: f.t_status, verified_at: f.verified_at, reopened_at: f.reopened_at, privacy: f.privacy, number: f.number, contact_id: f.contact_id, rating: rated, r_comment: rated != null ? f.r_comment : null, r_at: f.r_at });
      else if (prev.rating == null && rated != null) Object.assign(prev, { rating: rated, r_comment: f.r_comment, r_at: f.r_at });
    }
    tickets = [...seen.values()];
  } else {
    tickets = await m.query(
      `SELECT t.id, t.channel, t.category_id, t.status, t.verified_at, t.reopened_at, t.privacy, t.number, t.contact_id,
              r.rating, r.comment AS r_comment, r.updated_at AS r_at
         FROM tickets t LEFT JOIN ticket_ratings r ON r.ticket_id = t.id
        WHERE t.received_at >= ? AND t.received_at < ? AND t.status <> 'merged'${filterSql}`,
      [from, to, ...filterParams],
    );
    ticketClocks = await m.query(
      `SELECT c.kind, c.started_at, c.stopped_at, c.due_at, c.state, c.pauses_json, c.policy_id
         FROM tickets t JOIN sla_clocks c ON c.ticket_id = t.id
        WHERE t.received_at >= ? AND t.received_at < ? AND t.status <> 'merged' AND c.forward_id IS NULL AND c.kind <> 'auto_close'${filterSql}`,
      [from, to, ...filterParams],
    );
  }

  // Each clock in its own policy's calendar (as its deadline was computed).
  const settings = new Map<string, Promise<SlaSettings>>();
  const settingsOf = (policyId: number | null) => {
    const k = String(policyId);
    if (!settings.has(k)) settings.set(k, settingsForPolicyId(m, policyId));
    return settings.get(k)!;
  };
  const calendarOf = async (policyId: number | null) => {
    const s = await settingsOf(policyId == null ? null : Number(policyId));
    return { cal: s.calendar, day: workingDayMinutes(s.calendar) };
  };

  const followUp = new TimingAccumulator();
  const perCategory = new Map<string, { tickets: number; forwarded: number; answered: number; returned: number; acc: TimingAccumulator }>();
  const perChannel = new Map<string, { tickets: number; forwarded: number; answered: number; returned: number; acc: TimingAccumulator }>();
  const bucketOf = <K>(map: Map<K, { tickets: number; forwarded: number; answered: number; returned: number; acc: TimingAccumulator }>, k: K) =>
    map.get(k) ?? map.set(k, { tickets: 0, forwarded: 0, answered: 0, returned: 0, acc: new TimingAccumulator() }).get(k)!;
  // localDateOf is the calendar's own (precompiled) zone arithmetic: an Intl formatter per row would cost more than the SQL.
  const trendKeyOf = (d: Date) => (period.kind === "month" ? localDateOf(calendar, d) : localDateOf(calendar, d).slice(0, 7));
  const trend = new Map<string, { forwarded: number; answered: number }>();
  for (const b of trendBuckets(period)) trend.set(b, { forwarded: 0, answered: 0 });

  let answered = 0;
  let returned = 0;
  let open = 0;
  for (const f of forwards) {
    const created = toDate(f.f_created_at)!;
    const answeredAt = f.f_status === "answered" ? toDate(f.f_answered_at) : null;
    const cat = bucketOf(perCategory, String(f.category_id ?? ""));
    const ch = bucketOf(perChannel, f.channel);
    cat.forwarded++;
    ch.forwarded++;
    trend.get(trendKeyOf(created)) && trend.get(trendKeyOf(created))!.forwarded++;
    if (answeredAt) {
      answered++;
      cat.answered++;
      ch.answered++;
      if (answeredAt.getTime() < period.to.getTime()) trend.get(trendKeyOf(answeredAt)) && trend.get(trendKeyOf(answeredAt))!.answered++;
    }
    if (f.f_status === "returned") {
      returned++;
      cat.returned++;
      ch.returned++;
      continue; // not the OPD's to follow up: no follow-up verdict
    }
    if (f.f_status === "pending" || f.f_status === "acknowledged") open++;
    const { cal, day } = await calendarOf(f.policy_id);
    const run = {
      start: toDate(f.c_started_at) ?? created,
      end: answeredAt,
      due: toDate(f.c_due_at),
      pauses: parsePauses(f.pauses_json),
      running: f.c_state === "running" || (f.c_state == null && !answeredAt),
    };
    followUp.add(run, cal, day, input.now);
    cat.acc.add(run, cal, day, input.now);
    ch.acc.add(run, cal, day, input.now);
  }

  const clockAcc = new Map<ClockKind, { clocks: number; acc: TimingAccumulator }>();
  for (const c of ticketClocks) {
    const entry = clockAcc.get(c.kind) ?? clockAcc.set(c.kind, { clocks: 0, acc: new TimingAccumulator() }).get(c.kind)!;
    entry.clocks++;
    const { cal, day } = await calendarOf(c.policy_id);
    entry.acc.add({ start: toDate(c.started_at)!, end: c.state === "stopped" ? toDate(c.stopped_at) : null, due: toDate(c.due_at), pauses: parsePauses(c.pauses_json), running: c.state === "running" }, cal, day, input.now);
  }
  const followUpFigures = followUp.figures();
  const clocks: ClockRow[] = REPORT_CLOCKS.flatMap((kind): ClockRow[] => {
    if (kind === "opd_followup") return [{ kind, clocks: forwards.length - returned, ...followUpFigures }];
    const e = clockAcc.get(kind);
    return input.agencyId == null ? [{ kind, clocks: e?.clocks ?? 0, ...(e?.acc ?? new TimingAccumulator()).figures() }] : [];
  });

  let verified = 0;
  let rejected = 0;
  let reopened = 0;
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  let ratingSum = 0;
  const commented: TicketFact[] = [];
  for (const t of tickets) {
    if (t.verified_at) verified++;
    if (t.status === "rejected") rejected++;
    if (t.reopened_at) reopened++;
    bucketOf(perCategory, String(t.category_id ?? "")).tickets++;
    bucketOf(perChannel, t.channel).tickets++;
    if (t.rating != null) {
      const r = Number(t.rating);
      distribution[r - 1]!++;
      ratingSum += r;
      if (t.r_comment && t.privacy !== "rahasia") commented.push(t);
    }
  }
  const ratingCount = distribution.reduce((a, b) => a + b, 0);
  commented.sort((a, b) => (toDate(b.r_at)?.getTime() ?? 0) - (toDate(a.r_at)?.getTime() ?? 0));
  const shown = commented.slice(0, MAX_COMMENTS);
  const names = await reporterNames(m, shown.map((t) => t.contact_id).filter((x): x is number => x != null));

  const categoryName = (key: string) => (key === "" ? "Tanpa kategori" : (lk.categories.get(Number(key))?.name ?? `#${key}`));
  const rowsOf = (map: Map<string, { tickets: number; forwarded: number; answered: number; returned: number; acc: TimingAccumulator }>, nameOf: (k: string) => string): BreakdownRow[] =>
    [...map.entries()]
      .map(([key, v]) => {
        const fig = v.acc.figures();
        return { key, name: nameOf(key), tickets: v.tickets, forwarded: v.forwarded, answered: v.answered, returned: v.returned, withinShare: fig.withinShare, medianDays: fig.medianDays };
      })
      .sort((a, b) => b.tickets - a.tickets || b.forwarded - a.forwarded || a.name.localeCompare(b.name, "id"));
  const byCategory = rowsOf(perCategory, categoryName);
  const agency = input.agencyId != null ? lk.agencies.get(input.agencyId) : undefined;
  const category = input.categoryId !== undefined ? lk.categories.get(input.categoryId) : undefined;

  return {
    scope: { agencyId: input.agencyId, agencyCode: agency?.code ?? null, agencyName: input.agencyId == null ? "Seluruh OPD (provinsi)" : (agency?.name ?? `OPD #${input.agencyId}`) },
    period: { kind: period.kind, key: period.key, from: period.from.toISOString(), to: period.to.toISOString(), label: period.label },
    filters: { categoryId: input.categoryId ?? null, categoryName: category?.name ?? null, channel: input.channel ?? null },
    generatedAt: input.now.toISOString(),
    volume: { tickets: tickets.length, verified, rejected, forwarded: forwards.length, answered, returned, open, reopened },
    followUp: followUpFigures,
    clocks,
    openBreaches: followUpFigures.openBreaches + (input.agencyId == null ? [...clockAcc.values()].reduce((s, e) => s + e.acc.openBreaches, 0) : 0),
    ratings: {
      count: ratingCount,
      average: ratingCount ? Math.round((ratingSum / ratingCount) * 100) / 100 : null,
      distribution,
      comments: shown.map((t) => ({
        ticketNumber: t.number,
        rating: Number(t.rating),
        comment: maskPublicText(t.r_comment!, { names: t.contact_id != null ? (names.get(Number(t.contact_id)) ?? []) : [] }),
        at: toDate(t.r_at)!.toISOString(),
      })),
    },
    topTopics: byCategory
      .filter((r) => r.key !== "" && r.tickets > 0)
      .slice(0, TOP_TOPICS)
      .map((r) => ({ name: r.name, tickets: r.tickets })),
    byCategory,
    byChannel: rowsOf(perChannel, (k) => k),
    trend: [...trend.entries()].map(([bucket, v]) => ({ bucket, ...v })),
  };
}

function trendBuckets(p: ReportPeriod): string[] {
  if (p.kind !== "month") return p.months;
  const [y, m] = p.key.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: days }, (_, i) => `${p.key}-${String(i + 1).padStart(2, "0")}`);
}

/** The names masking needs for the shown comments: contacts' names and channel display names. */
async function reporterNames(m: EntityManager, contactIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const ids = [...new Set(contactIds.map(Number))];
  if (ids.length === 0) return out;
  const rows: { id: number; name: string | null; display_name: string | null }[] = await m.query(
    `SELECT c.id, c.name, ci.display_name FROM contacts c LEFT JOIN contact_identities ci ON ci.contact_id = c.id WHERE c.id IN (${ids.map(() => "?").join(",")})`,
    ids,
  );
  for (const r of rows) {
    const list = out.get(Number(r.id)) ?? [];
    for (const n of [r.name, r.display_name]) if (n && !list.includes(n)) list.push(n);
    out.set(Number(r.id), list);
  }
  return out;
}
