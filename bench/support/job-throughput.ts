/**
 * Job throughput on MariaDB (issue 3, acceptance 5): N trivial one-off jobs run by two worker
 * processes, each with its own agenda instance over our SQL backend (createScheduler), against a bare
 * claim loop in two worker processes doing one `SELECT … FOR UPDATE SKIP LOCKED` + `UPDATE` per
 * transaction on a plain table with the same number of rows. Both run in child processes
 * (job-worker.ts), as two worker processes of the app would; the clock starts when both have
 * connected and are told to go, and stops at the last completion.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DataSourceSettings } from "../../server/config/data-source.js";
import { createScheduler } from "../../server/jobs/scheduler.js";
import type { Db } from "../../server/lib/db.js";
import { BulkInserter, type SqlValue } from "./bulk-insert.js";
import { dbServerCpuMs } from "./cpu.js";
import type { WorkerConfig } from "./job-worker.js";

const WORKER = fileURLToPath(new URL("./job-worker.ts", import.meta.url));
export const BENCH_JOB = "bench-noop";

export interface AgendaKnobs {
  processEvery: number;
  maxConcurrency: number;
  concurrency: number;
  lockLimit: number;
}

export interface RunResult {
  mode: "agenda" | "bare";
  jobs: number;
  ms: number;
  perSecond: number;
  byWorker: number[];
  /** ms from "go" to the first completed job (agenda with lockLimit 0 locks every due job before it runs one). */
  firstMs: number;
  /** CPU time per job of the two workers, and of the database server (whole server: other clients count too). */
  workerCpuMsPerJob: number;
  dbCpuMsPerJob: number | null;
  /** Server-wide counters per job (other clients of the server count too): statements received, InnoDB fsyncs (redo log and data files). */
  statementsPerJob: number;
  fsyncsPerJob: number;
}

const COUNTERS = ["Questions", "Innodb_data_fsyncs"] as const;
async function serverCounters(db: Db): Promise<Record<(typeof COUNTERS)[number], number>> {
  const rows = (await db.ds.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${COUNTERS.map((c) => `'${c}'`).join(", ")})`)) as { Variable_name: string; Value: string }[];
  const out = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<(typeof COUNTERS)[number], number>;
  for (const r of rows) out[r.Variable_name as (typeof COUNTERS)[number]] = Number(r.Value);
  return out;
}

interface Child {
  proc: ChildProcess;
  done: number;
  lastAt: number;
  result: Promise<{ done: number; firstAt: number; lastAt: number; ids: number[]; cpuMs: number }>;
  ready: Promise<void>;
}

function spawnWorker(cfg: WorkerConfig, onProgress: () => void): Child {
  const proc = fork(WORKER, [], {
    // BENCH_WORKER_NODE_ARGS adds node flags to the workers (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them).
    execArgv: ["--import", "tsx", ...(process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean)],
    env: { ...process.env, BENCH_JOB_WORKER: JSON.stringify(cfg) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const child = { proc, done: 0, lastAt: 0 } as Child;
  let readyResolve!: () => void;
  child.ready = new Promise<void>((r) => (readyResolve = r));
  child.result = new Promise((resolve, reject) => {
    proc.on("message", (m: { type: string; done?: number; firstAt?: number; lastAt?: number; ids?: number[]; cpuMs?: number; message?: string }) => {
      if (m.type === "ready") readyResolve();
      else if (m.type === "progress" || m.type === "result") {
        child.done = m.done!;
        child.lastAt = m.lastAt!;
        onProgress();
        if (m.type === "result") resolve({ done: m.done!, firstAt: m.firstAt ?? 0, lastAt: m.lastAt!, ids: m.ids!, cpuMs: m.cpuMs ?? NaN });
      } else if (m.type === "error") reject(new Error(`${cfg.name}: ${m.message}`));
    });
    proc.on("exit", (code, signal) => reject(new Error(`${cfg.name} exited (${code ?? signal}) before its result`)));
  });
  child.result.catch(() => undefined);
  return child;
}

/** The bare loop's table and the jobs' template; call once on a migrated database. */
export async function prepareJobTables(db: Db): Promise<void> {
  await db.ds.query("DROP TABLE IF EXISTS bench_claims");
  await db.ds.query(
    "CREATE TABLE bench_claims (id INT NOT NULL PRIMARY KEY, done TINYINT NOT NULL DEFAULT 0, worker VARCHAR(40) NULL, done_at DATETIME(3) NULL, KEY ix_bench_claims_todo (done, id)) ENGINE=InnoDB",
  );
}

/** N rows to claim (bench_claims) and N due one-off jobs, as agenda's now() saves them. */
export async function resetQueue(db: Db, n: number): Promise<void> {
  await db.ds.query("TRUNCATE TABLE bench_claims");
  await db.ds.query("TRUNCATE TABLE jobs"); // not DELETE: no delete-marked index entries left for the next run to skip
  // One job through the real path, then N copies of its row (only the data differs).
  const s = createScheduler({ db });
  const id = await s.now(BENCH_JOB, { i: 0 });
  const [template] = (await db.ds.query("SELECT * FROM jobs WHERE id = ?", [Number(id)])) as Record<string, unknown>[];
  await db.ds.query("DELETE FROM jobs");
  const cols = Object.keys(template!).filter((c) => c !== "id");
  const value = (v: unknown): SqlValue => (v instanceof Date ? v.toISOString().slice(0, 23).replace("T", " ") : (v as SqlValue));
  const ins = await BulkInserter.open(db.ds, { rowsPerStatement: 1000 });
  try {
    const jobs: SqlValue[][] = [];
    const claims: SqlValue[][] = [];
    for (let i = 1; i <= n; i++) {
      jobs.push(cols.map((c) => (c === "data" ? JSON.stringify({ i }) : value(template![c]))));
      claims.push([i, 0]);
    }
    await ins.insert("jobs", cols, jobs);
    await ins.insert("bench_claims", ["id", "done"], claims);
    await ins.finish();
  } catch (err) {
    await ins.abort();
    throw err;
  }
  await db.ds.query("ANALYZE TABLE jobs, bench_claims");
}

/** One timed run: two workers of `mode` until all N are done; verifies each ran exactly once. */
export async function runWorkers(
  db: Db,
  settings: DataSourceSettings,
  mode: "agenda" | "bare",
  n: number,
  knobs: AgendaKnobs,
  handler: WorkerConfig["handler"],
  onProgress?: (done: number) => void,
): Promise<RunResult> {
  const children: Child[] = [];
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const progress = () => {
    const done = children.reduce((a, c) => a + c.done, 0);
    onProgress?.(done);
    if (done >= n) allDone();
  };
  try {
    for (const w of ["W1", "W2"]) {
      children.push(
        spawnWorker({ mode, name: `${mode}-${w}`, settings: { ...settings, poolSize: Math.max(4, knobs.maxConcurrency + 2) }, jobName: BENCH_JOB, handler, agenda: knobs }, progress),
      );
    }
    // A worker that fails (or exits) rejects its result: that ends the run at any point.
    const failed = Promise.race(children.map((c) => c.result.then(() => new Promise<never>(() => undefined))));
    failed.catch(() => undefined);
    await Promise.race([Promise.all(children.map((c) => c.ready)), failed]);
    const c0 = await serverCounters(db);
    const db0 = dbServerCpuMs();
    const t0 = Date.now();
    for (const c of children) c.proc.send({ type: "go" });
    onProgress?.(0); // progress rates count from "go"
    if (mode === "bare") await Promise.race([Promise.all(children.map((c) => c.result)), failed]);
    else await Promise.race([finished, failed]);
    const end = Math.max(...children.map((c) => c.lastAt));
    const db1 = dbServerCpuMs();
    const c1 = await serverCounters(db);
    if (mode === "agenda") for (const c of children) c.proc.send({ type: "stop" });
    const results = await Promise.all(children.map((c) => c.result));

    // Exactly once: every job (row) done once, none twice, and the database agrees.
    const seen = new Uint8Array(n + 1);
    let dupes = 0;
    for (const r of results) for (const i of r.ids) if (i >= 1 && i <= n && seen[i]++ > 0) dupes++;
    const missing = seen.reduce((a, v, i) => a + (i > 0 && v === 0 ? 1 : 0), 0);
    const [row] = (await db.ds.query(
      mode === "agenda" ? "SELECT COUNT(*) AS n FROM jobs WHERE last_finished_at IS NOT NULL AND locked_at IS NULL" : "SELECT COUNT(*) AS n FROM bench_claims WHERE done = 1",
    )) as { n: number | string }[];
    if (dupes || missing || Number(row?.n) !== n) {
      throw new Error(`${mode}: ${dupes} jobs ran twice, ${missing} never ran, ${row?.n} of ${n} marked done in the database`);
    }
    const ms = end - t0;
    return {
      mode,
      jobs: n,
      ms,
      perSecond: n / (ms / 1000),
      byWorker: results.map((r) => r.done),
      firstMs: Math.min(...results.map((r) => r.firstAt || Infinity)) - t0,
      workerCpuMsPerJob: results.reduce((a, r) => a + r.cpuMs, 0) / n,
      dbCpuMsPerJob: db0 == null || db1 == null ? null : (db1 - db0) / n,
      statementsPerJob: (c1.Questions - c0.Questions - 2) / n, // minus the two SHOW GLOBAL STATUS
      fsyncsPerJob: (c1.Innodb_data_fsyncs - c0.Innodb_data_fsyncs) / n,
    };
  } finally {
    // Each worker exits by itself after its result; a stuck one is killed after a while.
    await Promise.all(
      children.map(async (c) => {
        const alive = () => c.proc.exitCode === null && c.proc.signalCode === null;
        for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
        if (alive()) c.proc.kill("SIGKILL");
      }),
    );
  }
}
