// Read models for operations: readiness (/readyz) and the database-derived gauges of /metrics.
// Every query here runs on each probe or scrape, so each one is an index range or bounded by a
// small set (job names, migrations, channel accounts); counts that could grow without bound are
// capped (COUNT_CAP) rather than scanned.
import type { DataSource, EntityManager } from "typeorm";
import { fromSqlTime } from "../jobs/agenda-backend/sql.js";
import { sqlTime, type Db } from "../lib/db.js";

/** Counts above this are reported as this (a backlog that large is an alarm either way). */
export const COUNT_CAP = 100_000;
/** The SLA events window of the warned/breached gauges. */
export const SLA_EVENTS_WINDOW_MS = 24 * 3600_000;

/** Migrations this code knows that the database has not applied (typeorm's `migrations` table). */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await ds.query("SELECT name FROM migrations");
  const applied = new Set(rows.map((r) => r.name));
  return ds.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
}

/**
 * Proves the database takes writes: a write statement that changes no row, committed. It still
 * takes the write lock (SQLite: fails on a read-only file; MySQL: fails with read_only on, or on a
 * Galera node that is not ready) — without touching data or growing the audit log.
 */
export async function checkWritable(db: Db): Promise<void> {
  await db.tx((m) => m.query("UPDATE migrations SET timestamp = timestamp WHERE id < 0"));
}

export interface JobLag {
  name: string;
  /** Due, enabled, unlocked jobs of this name (capped at COUNT_CAP). */
  due: number;
  /** Seconds the oldest of them has waited past its run time (0 when none is due). */
  lagSeconds: number;
}

/** The job names in the table: a skip scan of the (name, next_run_at) index, one seek per name. */
async function jobNames(m: EntityManager): Promise<string[]> {
  const rows: { name: string | null }[] = await m.query(
    `WITH RECURSIVE n(name) AS (
       SELECT MIN(name) FROM jobs
       UNION ALL
       SELECT (SELECT MIN(j.name) FROM jobs j WHERE j.name > n.name) FROM n WHERE n.name IS NOT NULL
     ) SELECT name FROM n WHERE name IS NOT NULL LIMIT 200`,
  );
  return rows.map((r) => r.name!);
}

/**
 * How far behind the workers are, per job name: due jobs nobody has taken yet. Each name is one
 * range of the lock index (name, disabled, locked_at, next_run_at).
 */
export async function jobLags(m: EntityManager, now: Date): Promise<JobLag[]> {
  const at = sqlTime(m, now);
  const out: JobLag[] = [];
  for (const name of await jobNames(m)) {
    const where = "name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ?";
    const [first] = await m.query(`SELECT MIN(next_run_at) AS oldest FROM jobs WHERE ${where}`, [name, at]);
    const [count] = await m.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM jobs WHERE ${where} LIMIT ${COUNT_CAP}) d`, [name, at]);
    const oldest = fromSqlTime(first?.oldest);
    out.push({ name, due: Number(count?.n ?? 0), lagSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0 });
  }
  return out;
}

/**
 * Jobs whose last run failed (agenda resets fail_count on success), per name. Not indexed: a scan
 * of the job table, whose rows are scheduled work (about one per open ticket), not history.
 */
export async function failingJobs(m: EntityManager): Promise<{ name: string; failing: number }[]> {
  const rows: { name: string; n: number | string }[] = await m.query("SELECT name, COUNT(*) AS n FROM jobs WHERE fail_count > 0 GROUP BY name LIMIT 200");
  return rows.map((r) => ({ name: r.name, failing: Number(r.n) }));
}

export interface SlaGauges {
  /** Running clocks whose next warning or breach instant has passed but is not recorded yet (the SLA check's backlog). */
  due: number;
  /** Warnings and breaches recorded in the last SLA_EVENTS_WINDOW_MS. */
  warned: number;
  breached: number;
}

export async function slaGauges(m: EntityManager, now: Date): Promise<SlaGauges> {
  const [due] = await m.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM sla_clocks WHERE next_event_at <= ? AND state = 'running' LIMIT ${COUNT_CAP}) d`, [sqlTime(m, now)]);
  const events: { kind: string; n: number | string }[] = await m.query("SELECT kind, COUNT(*) AS n FROM sla_events WHERE recorded_at >= ? GROUP BY kind", [
    sqlTime(m, new Date(now.getTime() - SLA_EVENTS_WINDOW_MS)),
  ]);
  const of = (kind: string) => Number(events.find((e) => e.kind === kind)?.n ?? 0);
  return { due: Number(due?.n ?? 0), warned: of("warning"), breached: of("breach") };
}

/**
 * Galera node state (MariaDB Galera Cluster): wsrep_ready, cluster size, local state. Null when
 * the server is not a Galera node (SQLite, MySQL, or MariaDB with wsrep_on off: Debian's MariaDB
 * shows wsrep_* status variables even then).
 */
export async function galeraState(db: Db): Promise<{ ready: boolean; clusterSize: number; localState: number } | null> {
  if (db.dialect !== "mysql") return null;
  const on: { Value: string }[] = await db.manager.query("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'");
  if (on[0]?.Value !== "ON") return null;
  const rows: { Variable_name: string; Value: string }[] = await db.manager.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_size', 'wsrep_local_state')",
  );
  const v = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
  if (!v.has("wsrep_ready") || !v.has("wsrep_cluster_size")) return null;
  return { ready: v.get("wsrep_ready") === "ON", clusterSize: Number(v.get("wsrep_cluster_size")), localState: Number(v.get("wsrep_local_state") ?? 0) };
}
