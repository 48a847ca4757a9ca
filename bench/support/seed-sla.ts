/**
 * SLA clocks for the SLA benchmark, on a database seeded by seed-bulk.ts: the clocks the server
 * keeps on open tickets (server/clocks/ticket-clocks.ts syncClocks), with schedules computed by the domain
 * (computeClock under the default policy and calendar), so that exactly `due` clocks have an event
 * due at `now` and every other one has its next event after `now`.
 *
 * Which clocks (one row per clock, as the server keeps them):
 *   received, verified, returned, reopened   verify_forward running (respond_citizen too, but not for reopened)
 *   forwarded, in_progress                   opd_followup running per open forward, respond_citizen running
 *   answered, resolved                       auto_close running
 *   waiting_on_citizen                       verify_forward and respond_citizen paused (open pause, no next event)
 * resolve_investigation is left out (the seeded categories are all of the "general" class).
 *
 * Times: with the seeded tickets' real start times nearly every clock of a 24-month backlog would be
 * long overdue, so clock starts are re-timed. Not-due clocks start at one of 96 instants spread over
 * the window [now - w, now] in which a clock of that kind has its first event (the warning) still
 * ahead; due clocks started 30 days ago (one of 16 instants), so their warning and all three breach
 * levels are due: 4 events each. Rows of a bucket share started_at, warn_at, due_at and next_event_at,
 * computed once in JS and joined in (INSERT … SELECT from tickets/forwards: 1M clocks in seconds).
 * The due ones are spread over the id range (one clock per ticket), and their tickets' and forwards'
 * due_at are set as the server would have them; other tickets keep seed-bulk's due_at (the sweep
 * does not read it).
 *
 * Production-like recipients: the OPDs have heads and there are supervisors (seed-bulk); a
 * Diskominfo OPD with a head is added here (the "kominfo_head" of escalation level 3).
 *
 * Re-running resets the SLA tables (clocks, events, notifications, the sweep's audit events), so a
 * kept database can be measured again with a new `now`.
 */
import type { DataSource, QueryRunner } from "typeorm";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import type { ClockKind } from "../../server/domain/sla/policy.js";
import type { Db } from "../../server/lib/db.js";
import { computeClock } from "../../server/clocks/ticket-clocks.js";
import { settingsForPolicyId, type SlaSettings } from "../../server/clocks/sla-settings.js";
import { sqlTime } from "./bulk-insert.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const NOT_DUE_BUCKETS = 96;
export const DUE_BUCKETS = 16;
export const DUE_AGE_DAYS = 30;
/** Kinds a due clock may have (the ones the brief names: the OPD's follow-up, and verify-and-forward). */
const DUE_KINDS: ClockKind[] = ["verify_forward", "opd_followup"];

export interface SeedSlaOptions {
  now: Date;
  /** Clocks due at `now` (one per ticket). */
  due: number;
  /** Code of the Diskominfo OPD (KOMINFO_AGENCY_CODE). Default "DISKOMINFO". */
  kominfoAgencyCode?: string;
  /** Tickets per INSERT … SELECT statement (progress granularity). Default 100,000. */
  chunk?: number;
  onProgress?: (p: { phase: "reset" | "clocks" | "due" | "done"; done: number; total: number }) => void;
}

export interface SeedSlaResult {
  ms: number;
  policyId: number;
  /** Clock rows by kind and state. */
  clocks: { kind: string; state: string; n: number }[];
  totalClocks: number;
  /** Running clocks with a next event (in the sweep's index). */
  scheduled: number;
  due: number;
  dueTickets: number;
  dueByKind: Record<string, number>;
  /** Events the sweep must record at `now`: every event of every due clock. */
  expectedEvents: number;
  expectedByKindLevel: Record<string, number>;
  /** The window of not-due starts per kind, for the report. */
  windows: Record<string, number>;
  kominfoHeadUserId: number;
}

interface Plan {
  kind: ClockKind;
  bucket: number;
  state: "running" | "paused";
  startedAt: number;
  pausesJson: string | null;
  warnAt: number | null;
  dueAt: number | null;
  nextEventAt: number | null;
}

type Q = <T = Record<string, unknown>[]>(sql: string, params?: unknown[]) => Promise<T>;

export async function seedSlaClocks(db: Db, o: SeedSlaOptions): Promise<SeedSlaResult> {
  const started = Date.now();
  const now = o.now.getTime();
  const progress = o.onProgress ?? (() => undefined);
  await db.tx((m) => ensureSlaDefaults(m, o.now));
  return db.serialized(async () => {
    const qr = db.ds.createQueryRunner("master");
    await qr.connect();
    try {
      return await seedWith(db.ds, qr, o, now, progress, started);
    } finally {
      await qr.release();
    }
  });
}

async function seedWith(ds: DataSource, qr: QueryRunner, o: SeedSlaOptions, now: number, progress: NonNullable<SeedSlaOptions["onProgress"]>, started: number): Promise<SeedSlaResult> {
  const mysql = ds.options.type === "mysql";
  const q: Q = async <T>(sql: string, params: unknown[] = []) => (await qr.query(sql, params)) as T;
  const one = async (sql: string, params: unknown[] = []) => Number(Object.values((await q<Record<string, unknown>[]>(sql, params))[0] ?? {})[0] ?? 0);

  const policyId = await one("SELECT MIN(id) AS id FROM sla_policies WHERE category_id IS NULL AND complaint_class IS NULL AND active = 1");
  if (!policyId) throw new Error("no default SLA policy (ensureSlaDefaults did not install one?)");
  const settings = await settingsForPolicyId(ds.manager, policyId);

  // ---- reset what an earlier run left ------------------------------------------------------------
  progress({ phase: "reset", done: 0, total: 1 });
  if (mysql) {
    await q("SET SESSION foreign_key_checks = 0");
    try {
      for (const t of ["notifications", "sla_events", "sla_clocks"]) await q(`TRUNCATE TABLE ${t}`);
    } finally {
      await q("SET SESSION foreign_key_checks = 1");
    }
  } else {
    await q("BEGIN");
    for (const t of ["notifications", "sla_events", "sla_clocks"]) await q(`DELETE FROM ${t}`);
    await q("COMMIT");
  }
  // The sweep's audit events are on ticket chains; seed-bulk writes none there.
  await q("DELETE FROM audit_events WHERE chain_key LIKE 'ticket:%'");
  await q("DELETE FROM audit_chain_heads WHERE chain_key LIKE 'ticket:%'");

  // ---- Diskominfo and its head (escalation level 3) ------------------------------------------------
  const code = o.kominfoAgencyCode ?? "DISKOMINFO";
  let kominfoHead = await one("SELECT COALESCE(MAX(head_user_id), 0) AS h FROM agencies WHERE code = ?", [code]);
  if (!kominfoHead) {
    const ref = sqlTime(now - 400 * DAY);
    const agencyId = (await one("SELECT COALESCE(MAX(id), 0) AS n FROM agencies")) + 1;
    kominfoHead = (await one("SELECT COALESCE(MAX(id), 0) AS n FROM users")) + 1;
    const hash = (await q<{ h: string }[]>("SELECT password_hash AS h FROM users ORDER BY id LIMIT 1"))[0]?.h;
    if (!hash) throw new Error("no users in the database: seed it with seed-bulk first");
    await q("INSERT INTO agencies (id, code, name, short_name, head_user_id, email, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)", [
      agencyId, code, "Dinas Komunikasi dan Informatika", "Diskominfo", kominfoHead, `${code.toLowerCase()}@bench.aduan.test`, ref, ref,
    ]);
    await q(
      "INSERT INTO users (id, email, name, password_hash, role, agency_id, phone, locale, active, last_login_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'opd_head', ?, NULL, 'id', 1, NULL, ?, ?)",
      [kominfoHead, `kepala.${code.toLowerCase()}@bench.aduan.test`, "Kepala Diskominfo", hash, agencyId, ref, ref],
    );
  }
  const supervisors = await one("SELECT COUNT(*) AS n FROM users WHERE role = 'supervisor' AND active = 1");
  const headless = await one("SELECT COUNT(*) AS n FROM agencies WHERE head_user_id IS NULL");
  if (supervisors === 0 || headless > 0) throw new Error(`recipients missing: ${supervisors} supervisors, ${headless} OPDs without a head`);

  // ---- the schedule buckets ------------------------------------------------------------------------
  const plans: Plan[] = [];
  const windows: Record<string, number> = {};
  for (const kind of ["verify_forward", "opd_followup", "respond_citizen", "auto_close"] as const) {
    const w = notDueWindow(settings, kind, now);
    windows[kind] = w;
    for (let b = 0; b < NOT_DUE_BUCKETS; b++) {
      // Strictly before now (so the sweep's updated_at = now marks only the clocks it processed).
      const start = now - Math.max(1, Math.floor(((b + 0.5) * w) / NOT_DUE_BUCKETS / 1000)) * 1000;
      const c = computeClock(settings, settings.policy.clocks[kind], new Date(start), []);
      const first = c.events[0]!.at.getTime();
      if (!(first > now)) throw new Error(`bucket ${kind}/${b}: first event ${new Date(first).toISOString()} is not after now`);
      plans.push({ kind, bucket: b, state: "running", startedAt: start, pausesJson: null, warnAt: c.warnAt!.getTime(), dueAt: c.dueAt!.getTime(), nextEventAt: first });
      // Paused (waiting on the citizen since a minute after the start): no schedule, no next event.
      if (!settings.policy.clocks[kind].pausesWhileWaitingOnCitizen) continue;
      const pauseFrom = new Date(start + MINUTE);
      const p = computeClock(settings, settings.policy.clocks[kind], new Date(start), [{ from: pauseFrom, to: null }]);
      if (p.state !== "paused") throw new Error(`bucket ${kind}/${b}: a clock with an open pause is ${p.state}`);
      plans.push({ kind, bucket: b, state: "paused", startedAt: start, pausesJson: JSON.stringify([{ from: pauseFrom.toISOString(), to: null }]), warnAt: null, dueAt: null, nextEventAt: null });
    }
  }
  const duePlans = new Map<string, Plan & { events: { kind: string; level: number }[] }>();
  for (const kind of DUE_KINDS) {
    for (let b = 0; b < DUE_BUCKETS; b++) {
      const start = now - DUE_AGE_DAYS * DAY - b * 17 * MINUTE;
      const c = computeClock(settings, settings.policy.clocks[kind], new Date(start), []);
      if (c.events.some((e) => e.at.getTime() > now)) throw new Error(`due bucket ${kind}/${b}: not every event is due after ${DUE_AGE_DAYS} days`);
      duePlans.set(`${kind}:${b}`, {
        kind, bucket: b, state: "running", startedAt: start, pausesJson: null, warnAt: c.warnAt!.getTime(), dueAt: c.dueAt!.getTime(), nextEventAt: c.events[0]!.at.getTime(),
        events: c.events.map((e) => ({ kind: e.kind, level: e.level })),
      });
    }
  }

  await q(mysql ? "DROP TEMPORARY TABLE IF EXISTS bench_sla_plan" : "DROP TABLE IF EXISTS temp.bench_sla_plan");
  await q(
    `CREATE TEMPORARY TABLE bench_sla_plan (kind VARCHAR(32) NOT NULL, bucket INT NOT NULL, state VARCHAR(12) NOT NULL, started_at ${mysql ? "DATETIME(3)" : "VARCHAR(23)"} NOT NULL,
      pauses_json TEXT NULL, warn_at ${mysql ? "DATETIME(3)" : "VARCHAR(23)"} NULL, due_at ${mysql ? "DATETIME(3)" : "VARCHAR(23)"} NULL, next_event_at ${mysql ? "DATETIME(3)" : "VARCHAR(23)"} NULL,
      PRIMARY KEY (kind, state, bucket))`,
  );
  const t = (ms: number | null) => (ms == null ? null : sqlTime(ms));
  for (let i = 0; i < plans.length; i += 100) {
    const part = plans.slice(i, i + 100);
    await q(`INSERT INTO bench_sla_plan (kind, bucket, state, started_at, pauses_json, warn_at, due_at, next_event_at) VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      part.flatMap((p) => [p.kind, p.bucket, p.state, t(p.startedAt), p.pausesJson, t(p.warnAt), t(p.dueAt), t(p.nextEventAt)]));
  }

  // ---- the clocks: INSERT … SELECT per kind, in ticket id ranges -----------------------------------
  const maxTicket = await one("SELECT COALESCE(MAX(id), 0) AS n FROM tickets");
  const chunk = o.chunk ?? 100_000;
  const cols = "ticket_id, forward_id, kind, policy_id, state, started_at, pauses_json, warn_at, due_at, stopped_at, breached_at, next_event_at, created_at, updated_at";
  const fromPlan = `p.kind, ${Number(policyId)}, p.state, p.started_at, p.pauses_json, p.warn_at, p.due_at, NULL, NULL, p.next_event_at, p.started_at, p.started_at`;
  const statusIn = (s: string[]) => `t.status IN (${s.map((x) => `'${x}'`).join(", ")})`;
  const perTicket: { kind: ClockKind; state: "running" | "paused"; statuses: string[] }[] = [
    { kind: "verify_forward", state: "running", statuses: ["received", "verified", "returned", "reopened"] },
    { kind: "respond_citizen", state: "running", statuses: ["received", "verified", "forwarded", "in_progress", "returned"] },
    { kind: "auto_close", state: "running", statuses: ["answered", "resolved"] },
    { kind: "verify_forward", state: "paused", statuses: ["waiting_on_citizen"] },
    { kind: "respond_citizen", state: "paused", statuses: ["waiting_on_citizen"] },
  ];
  progress({ phase: "clocks", done: 0, total: maxTicket });
  for (let lo = 1; lo <= maxTicket; lo += chunk) {
    const hi = Math.min(maxTicket, lo + chunk - 1);
    if (!mysql) await q("BEGIN");
    // Clock ids follow creation order roughly: forwards' clocks and tickets' clocks interleave by range.
    await q(
      `INSERT INTO sla_clocks (${cols}) SELECT f.ticket_id, f.id, ${fromPlan}
       FROM forwards f JOIN tickets t ON t.id = f.ticket_id JOIN bench_sla_plan p ON p.kind = 'opd_followup' AND p.state = 'running' AND p.bucket = f.id % ${NOT_DUE_BUCKETS}
       WHERE f.ticket_id BETWEEN ? AND ? AND f.is_open = 1 AND t.is_open = 1 AND ${statusIn(["forwarded", "in_progress"])} ORDER BY f.id`,
      [lo, hi],
    );
    for (const k of perTicket) {
      await q(
        `INSERT INTO sla_clocks (${cols}) SELECT t.id, NULL, ${fromPlan}
         FROM tickets t JOIN bench_sla_plan p ON p.kind = '${k.kind}' AND p.state = '${k.state}' AND p.bucket = t.id % ${NOT_DUE_BUCKETS}
         WHERE t.id BETWEEN ? AND ? AND t.is_open = 1 AND ${statusIn(k.statuses)} ORDER BY t.id`,
        [lo, hi],
      );
    }
    if (!mysql) await q("COMMIT");
    progress({ phase: "clocks", done: hi, total: maxTicket });
  }

  // ---- the due ones: `due` tickets spread over the id range, their first work clock ----------------
  progress({ phase: "due", done: 0, total: o.due });
  const picked = await q<{ id: number; ticket_id: number }[]>(
    `SELECT x.id AS id, x.ticket_id AS ticket_id FROM (
       SELECT MIN(id) AS id, ticket_id FROM sla_clocks WHERE state = 'running' AND kind IN (${DUE_KINDS.map((k) => `'${k}'`).join(", ")}) GROUP BY ticket_id
     ) x ORDER BY MOD(x.ticket_id * 7919, 1000003), x.ticket_id LIMIT ${Math.floor(o.due)}`,
  );
  if (picked.length < o.due) throw new Error(`only ${picked.length} tickets have a running verify/OPD clock, fewer than --due=${o.due}`);
  const dueRows: { id: number; ticketId: number; kind: ClockKind; forwardId: number | null }[] = [];
  for (let i = 0; i < picked.length; i += 1000) {
    const ids = picked.slice(i, i + 1000).map((r) => Number(r.id));
    const rows = await q<{ id: number; ticket_id: number; kind: ClockKind; forward_id: number | null }[]>(
      `SELECT id, ticket_id, kind, forward_id FROM sla_clocks WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
    for (const r of rows) dueRows.push({ id: Number(r.id), ticketId: Number(r.ticket_id), kind: r.kind, forwardId: r.forward_id == null ? null : Number(r.forward_id) });
  }
  const groups = new Map<string, typeof dueRows>();
  for (const r of dueRows) {
    const key = `${r.kind}:${r.ticketId % DUE_BUCKETS}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const dueByKind: Record<string, number> = {};
  const expectedByKindLevel: Record<string, number> = {};
  let expectedEvents = 0;
  let done = 0;
  if (!mysql) await q("BEGIN");
  for (const [key, rows] of groups) {
    const p = duePlans.get(key)!;
    dueByKind[p.kind] = (dueByKind[p.kind] ?? 0) + rows.length;
    for (const e of p.events) {
      const k = `${p.kind} ${e.kind} ${e.level}`;
      expectedByKindLevel[k] = (expectedByKindLevel[k] ?? 0) + rows.length;
    }
    expectedEvents += p.events.length * rows.length;
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const inList = part.map(() => "?").join(", ");
      await q(`UPDATE sla_clocks SET started_at = ?, warn_at = ?, due_at = ?, next_event_at = ?, created_at = ?, updated_at = ? WHERE id IN (${inList})`,
        [t(p.startedAt), t(p.warnAt), t(p.dueAt), t(p.nextEventAt), t(p.startedAt), t(p.startedAt), ...part.map((r) => r.id)]);
      // As the server keeps them: the ticket's due time is its nearest work clock's, the forward's its clock's.
      await q(`UPDATE tickets SET due_at = ? WHERE id IN (${inList})`, [t(p.dueAt), ...part.map((r) => r.ticketId)]);
      const fwd = part.filter((r) => r.forwardId != null);
      if (fwd.length) await q(`UPDATE forwards SET due_at = ? WHERE id IN (${fwd.map(() => "?").join(", ")})`, [t(p.dueAt), ...fwd.map((r) => r.forwardId)]);
      done += part.length;
      progress({ phase: "due", done, total: o.due });
    }
  }
  if (!mysql) await q("COMMIT");
  await q(mysql ? "DROP TEMPORARY TABLE IF EXISTS bench_sla_plan" : "DROP TABLE IF EXISTS temp.bench_sla_plan");

  const clocks = (await q<{ kind: string; state: string; n: number | string }[]>("SELECT kind, state, COUNT(*) AS n FROM sla_clocks GROUP BY kind, state ORDER BY kind, state")).map((r) => ({
    kind: r.kind, state: r.state, n: Number(r.n),
  }));
  const scheduled = await one("SELECT COUNT(*) AS n FROM sla_clocks WHERE next_event_at IS NOT NULL");
  const dueNow = await one("SELECT COUNT(*) AS n FROM sla_clocks WHERE next_event_at <= ?", [sqlTime(now)]);
  if (dueNow !== o.due) throw new Error(`seeded ${dueNow} due clocks, expected ${o.due}`);
  progress({ phase: "done", done: o.due, total: o.due });
  return {
    ms: Date.now() - started,
    policyId,
    clocks,
    totalClocks: clocks.reduce((a, c) => a + c.n, 0),
    scheduled,
    due: dueNow,
    dueTickets: new Set(dueRows.map((r) => r.ticketId)).size,
    dueByKind,
    expectedEvents,
    expectedByKindLevel,
    windows,
    kominfoHeadUserId: kominfoHead,
  };
}

/**
 * How long before `now` a clock of this kind may have started and still have its first event
 * (the warning) after `now`: the largest w (in 10-minute steps, at most 30 days) such that every
 * start in [now - w, now] qualifies.
 */
function notDueWindow(settings: SlaSettings, kind: ClockKind, now: number): number {
  const def = settings.policy.clocks[kind];
  const step = 10 * MINUTE;
  let w = 0;
  while (w + step <= 30 * DAY) {
    const c = computeClock(settings, def, new Date(now - (w + step)), []);
    if (!(c.events[0]!.at.getTime() > now)) break;
    w += step;
  }
  if (w === 0) throw new Error(`no window for ${kind}: a clock started now has its first event at once`);
  return w - MINUTE; // stay clear of the edge
}
