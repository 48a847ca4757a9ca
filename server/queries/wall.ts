/**
 * The wall's numbers (/api/wall/*). Counts over time come from the rollups kept by
 * commands/apply-rollups.ts (a few hundred rows, never the ticket table); the state of the OPDs
 * (backlog, oldest open disposisi, running clocks warned or breached) from indexed reads of
 * forwards and sla_clocks. Nothing here is ticket content: counts, OPD and category names, ticket
 * numbers of escalations.
 */
import type { EntityManager } from "typeorm";
import { CHANNEL_KINDS } from "../../channels/rules/channel-kinds.js";
import { ROLLUP_COUNTERS, wibDay, wibHour, type Counter } from "../commands/apply-rollups.js";
import { clusterDuplicates, type DuplicateCandidate } from "../domain/routing/duplicates.js";
import { sqlTime } from "../lib/db.js";
import { placeholders } from "../lib/select-entities.js";

const DAY = 86_400_000;
const toDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(`${String(v).replace(" ", "T")}Z`));
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** Monday of the WIB week of `day`. */
const monday = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

export type Totals = Record<Counter, number> & { byChannel: Record<string, number> };

async function totals(m: EntityManager, from: string, to: string): Promise<Totals> {
  const rows: Record<string, unknown>[] = await m.query(
    `SELECT channel, ${ROLLUP_COUNTERS.map((c) => `SUM(${c}) AS ${c}`).join(", ")} FROM wall_rollup_days WHERE day >= ? AND day <= ? GROUP BY channel`,
    [from, to],
  );
  const out = Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as unknown as Totals;
  out.byChannel = Object.fromEntries(CHANNEL_KINDS.map((c) => [c, 0]));
  for (const r of rows) {
    for (const c of ROLLUP_COUNTERS) out[c] += Number(r[c] ?? 0);
    out.byChannel[String(r.channel)] = (out.byChannel[String(r.channel)] ?? 0) + Number(r.received ?? 0);
  }
  return out;
}

/** Open tickets now (an index-only count on ix_tickets_open_due; the wall keeps it per process, see LiveHub.derivedValue). */
export async function openTickets(m: EntityManager): Promise<number> {
  const [r] = await m.query("SELECT COUNT(*) AS n FROM tickets WHERE is_open = ?", [true]);
  return Number(r?.n ?? 0);
}

/** Today and this week (Monday to today, WIB) beside the same span a week earlier, from the rollups; `open` from openTickets. */
export async function wallSummary(m: EntityManager, now: Date, open: number) {
  const today = wibDay(now);
  const weekStart = monday(today);
  const [t, lt, w, lw] = await Promise.all([
    totals(m, today, today),
    totals(m, addDays(today, -7), addDays(today, -7)),
    totals(m, weekStart, today),
    totals(m, addDays(weekStart, -7), addDays(today, -7)),
  ]);
  return { at: now.toISOString(), today: { day: today, ...t }, sameDayLastWeek: lt, week: { from: weekStart, to: today, ...w }, lastWeek: lw, open };
}

export type Light = "green" | "yellow" | "red";

/** Per OPD: the SLA light (red: a running clock breached; yellow: one past its warning), backlog, oldest open. */
export async function wallAgencies(m: EntityManager, now: Date) {
  const agencies: { id: number; code: string; name: string; shortName: string }[] = await m.query("SELECT id, code, name, short_name AS shortName FROM agencies WHERE active = ? ORDER BY name", [true]);
  const clocks: { agencyId: number; breached: number; warned: number }[] = await m.query(
    `SELECT f.agency_id AS agencyId,
            SUM(CASE WHEN c.breached_at IS NOT NULL THEN 1 ELSE 0 END) AS breached,
            SUM(CASE WHEN c.breached_at IS NULL THEN 1 ELSE 0 END) AS warned
       FROM sla_clocks c JOIN forwards f ON f.id = c.forward_id
      WHERE c.state = 'running' AND (c.breached_at IS NOT NULL OR (c.breached_at IS NULL AND c.warn_at <= ?)) AND f.is_open = ?
      GROUP BY f.agency_id`,
    [sqlTime(m, now), true],
  );
  const byAgency = new Map(clocks.map((c) => [Number(c.agencyId), c]));
  const out = [];
  for (const a of agencies) {
    // One index range per OPD (agency_id, is_open, created_at): its open disposisi and the oldest.
    const [b] = await m.query("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM forwards WHERE agency_id = ? AND is_open = ?", [a.id, true]);
    const c = byAgency.get(Number(a.id));
    const breached = Number(c?.breached ?? 0);
    const warned = Number(c?.warned ?? 0);
    const light: Light = breached > 0 ? "red" : warned > 0 ? "yellow" : "green";
    out.push({ agencyId: Number(a.id), code: a.code, name: a.name, shortName: a.shortName, light, breached, warned, backlog: Number(b?.n ?? 0), oldestOpenAt: toDate(b?.oldest)?.toISOString() ?? null });
  }
  return { at: now.toISOString(), agencies: out };
}

/** Complaints per hour (today, WIB), per day (last 14 days) and per category (this week). */
export async function wallSeries(m: EntityManager, now: Date) {
  const today = wibDay(now);
  const hour0 = `${today}T00`;
  const from = addDays(today, -13);
  // Three independent reads of the rollups, side by side (a pool on MySQL/MariaDB).
  const [hourRows, dayRows, catRows] = (await Promise.all([
    m.query("SELECT hour, SUM(received) AS n FROM wall_rollup_hours WHERE hour >= ? AND hour <= ? GROUP BY hour", [hour0, wibHour(now)]),
    m.query("SELECT day, SUM(received) AS received, SUM(answered) AS answered, SUM(breached) AS breached FROM wall_rollup_days WHERE day >= ? AND day <= ? GROUP BY day", [from, today]),
    m.query("SELECT category_id AS categoryId, SUM(received) AS received FROM wall_rollup_days WHERE day >= ? AND day <= ? GROUP BY category_id", [monday(today), today]),
  ])) as [{ hour: string; n: number }[], { day: string; received: number; answered: number; breached: number }[], { categoryId: number; received: number }[]];
  const byHour = new Map(hourRows.map((r) => [r.hour, Number(r.n)]));
  const currentHour = Number(wibHour(now).slice(11, 13));
  const hours = Array.from({ length: currentHour + 1 }, (_, h) => {
    const key = `${today}T${String(h).padStart(2, "0")}`;
    return { hour: h, received: byHour.get(key) ?? 0 };
  });
  const byDay = new Map(dayRows.map((r) => [r.day, r]));
  const days = Array.from({ length: 14 }, (_, i) => {
    const day = addDays(from, i);
    const r = byDay.get(day);
    return { day, received: Number(r?.received ?? 0), answered: Number(r?.answered ?? 0), breached: Number(r?.breached ?? 0) };
  });
  const ids = catRows.map((r) => Number(r.categoryId)).filter((x) => x > 0);
  const names = new Map<number, { name: string; nameEn: string | null }>();
  if (ids.length) for (const c of (await m.query(`SELECT id, name, name_en AS nameEn FROM categories WHERE id IN (${placeholders(ids.length)})`, ids)) as { id: number; name: string; nameEn: string | null }[]) names.set(Number(c.id), c);
  const categories = catRows
    .map((r) => ({ categoryId: Number(r.categoryId) || null, name: names.get(Number(r.categoryId))?.name ?? null, nameEn: names.get(Number(r.categoryId))?.nameEn ?? null, received: Number(r.received) }))
    .filter((r) => r.received > 0)
    .sort((a, b) => b.received - a.received);
  return { at: now.toISOString(), hours, days, categories };
}

/** The latest warnings and breaches (the escalation ticker): ticket number, OPD, category, level. */
export async function wallEscalations(m: EntityManager, now: Date, limit = 12) {
  const rows: { id: number; ticketId: number; forwardId: number | null; kind: string; level: number; recordedAt: unknown; number: string; categoryId: number | null; agencyId: number | null }[] = await m.query(
    `SELECT e.id, e.ticket_id AS ticketId, e.forward_id AS forwardId, e.kind, e.level, e.recorded_at AS recordedAt, t.number, t.category_id AS categoryId, f.agency_id AS agencyId
       FROM sla_events e JOIN tickets t ON t.id = e.ticket_id LEFT JOIN forwards f ON f.id = e.forward_id
      ORDER BY e.id DESC LIMIT ${Math.min(50, limit)}`,
  );
  const names = await namesOf(m, rows.map((r) => r.agencyId), rows.map((r) => r.categoryId));
  return {
    at: now.toISOString(),
    items: rows.map((r) => ({
      id: Number(r.id),
      at: toDate(r.recordedAt)!.toISOString(),
      ticketNumber: r.number,
      kind: r.kind as "warning" | "breach",
      level: Number(r.level),
      agency: r.agencyId != null ? names.agencies.get(Number(r.agencyId)) ?? null : null,
      category: r.categoryId != null ? names.categories.get(Number(r.categoryId)) ?? null : null,
    })),
  };
}

async function namesOf(m: EntityManager, agencyIds: (number | null)[], categoryIds: (number | null)[]) {
  const a = [...new Set(agencyIds.filter((x): x is number => x != null).map(Number))];
  const c = [...new Set(categoryIds.filter((x): x is number => x != null).map(Number))];
  const agencies = new Map<number, string>();
  const categories = new Map<number, { name: string; nameEn: string | null }>();
  if (a.length) for (const r of (await m.query(`SELECT id, short_name AS name FROM agencies WHERE id IN (${placeholders(a.length)})`, a)) as { id: number; name: string }[]) agencies.set(Number(r.id), r.name);
  if (c.length) for (const r of (await m.query(`SELECT id, name, name_en AS nameEn FROM categories WHERE id IN (${placeholders(c.length)})`, c)) as { id: number; name: string; nameEn: string | null }[]) categories.set(Number(r.id), { name: r.name, nameEn: r.nameEn });
  return { agencies, categories };
}

export const TRENDING = { hours: 24, maxTickets: 120, minSize: 2, minScore: 0.35, maxCases: 6 };

/**
 * Clusters of similar complaints received in the last 24 hours (at most the latest 120), by the
 * duplicate detector (domain/routing/duplicates.ts clusterDuplicates: the pairs it would suggest). The texts are compared here and never leave the server: a cluster is
 * a size, a category and its latest time. Next to them, the open case clusters operators formed.
 */
export async function wallTrending(m: EntityManager, now: Date) {
  const rows: { id: number; contactId: number | null; categoryId: number | null; subject: string; description: string; receivedAt: unknown; locationText: string | null; latitude: unknown; longitude: unknown }[] = await m.query(
    `SELECT id, contact_id AS contactId, category_id AS categoryId, subject, description, received_at AS receivedAt, location_text AS locationText, latitude, longitude
       FROM tickets WHERE received_at >= ? AND merged_into_id IS NULL ORDER BY received_at DESC LIMIT ${TRENDING.maxTickets}`,
    [sqlTime(m, new Date(now.getTime() - TRENDING.hours * 3600_000))],
  );
  const cands: DuplicateCandidate[] = rows.map((r) => ({ id: Number(r.id), contactId: r.contactId, categoryId: r.categoryId, subject: r.subject, description: r.description, receivedAt: toDate(r.receivedAt)!, locationText: r.locationText, latitude: r.latitude == null ? null : String(r.latitude), longitude: r.longitude == null ? null : String(r.longitude) }));
  const clusters = clusterDuplicates(cands, { minScore: TRENDING.minScore, minSize: TRENDING.minSize });
  const cases = await openCases(m);
  const names = await namesOf(m, [], [...clusters.flatMap((g) => g.map((c) => (c.categoryId as number | null) ?? null)), ...cases.map((c) => c.categoryId)]);
  return {
    at: now.toISOString(),
    /** Case clusters the operators formed (queries/case-cluster.ts) that are still open: reporters, category, status, the primary's number. */
    cases: cases.map((c) => ({ number: c.number, reporters: c.members + 1, category: c.categoryId != null ? names.categories.get(c.categoryId) ?? null : null, status: c.status })),
    clusters: clusters
      .map((g) => {
        const cats = new Map<number, number>();
        for (const c of g) if (c.categoryId != null) cats.set(Number(c.categoryId), (cats.get(Number(c.categoryId)) ?? 0) + 1);
        const top = [...cats.entries()].sort((a, b) => b[1] - a[1])[0];
        const last = Math.max(...g.map((c) => new Date(c.receivedAt).getTime()));
        return { size: g.length, category: top ? names.categories.get(top[0]) ?? null : null, lastAt: new Date(last).toISOString() };
      })
      .sort((a, b) => b.size - a.size || b.lastAt.localeCompare(a.lastAt))
      .slice(0, 8),
  };
}

/** The largest open case clusters (primaries with members), by the merged_into_id index. */
async function openCases(m: EntityManager): Promise<{ number: string; categoryId: number | null; status: string; members: number }[]> {
  const rows: { number: string; categoryId: number | null; status: string; members: unknown }[] = await m.query(
    `SELECT p.number AS number, p.category_id AS categoryId, p.status AS status, COUNT(*) AS members
       FROM tickets c JOIN tickets p ON p.id = c.merged_into_id
      WHERE c.merged_into_id IS NOT NULL AND c.status = 'merged' AND p.is_open = ?
      GROUP BY p.id, p.number, p.category_id, p.status
      ORDER BY members DESC, p.id DESC LIMIT ${TRENDING.maxCases}`,
    [true],
  );
  return rows.map((r) => ({ number: r.number, categoryId: r.categoryId == null ? null : Number(r.categoryId), status: r.status, members: Number(r.members) }));
}
