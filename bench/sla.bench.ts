/**
 * npm run bench -- sla [--sizes=100k,1m] [--due=10000] [--db=mariadb|sqlite|both] [--sqlite-sizes=100k,1m]
 *                      [--slice=1000] [--batch=200] [--empty-rounds=30]
 *                      [--jobs=20000] [--job-rounds=3] [--job-handler=noop|update]
 *                      [--process-every=2000] [--max-concurrency=20] [--concurrency=20] [--lock-limit=0]
 *                      [--seed=20260101] [--keep] [--reuse]
 *
 * Issue 3, acceptance 5. Two parts:
 *
 * 1. The SLA sweep (processDueClocks, what the sla-sweep job runs) on databases of 100k and 1M open
 *    tickets (seed-bulk.ts with every ticket open, then seed-sla.ts: ~1.9 clocks per open ticket, of
 *    which `--due` have an event due now, 4 each: the warning and three breach levels). Figures:
 *      - the full sweep that records every due event: time, clocks/s, events, notifications, SQL
 *        statements and this process's CPU per clock; the sizes' sweeps run interleaved in slices of
 *        `--slice` clocks (processDueClocks with maxClocks: the same batches and transactions as one
 *        call) so that the machine's load hits both sizes alike; --slice=0 runs each in one call;
 *      - the sweep with nothing due (index seek only), beside a primary-key read of a ticket (the
 *        baseline), interleaved round by round;
 *      - the ratio 1M / 100k of both: the target is that the cost follows the due clocks, not the
 *        open ones (≈ 1× while the open tickets grow 10×);
 *      - the plan of the lock query at each size.
 *    Each sweep is verified: events recorded == events due (by clock kind, kind and level), no clock
 *    left due, only the due clocks touched, one audit event per SLA event, every event notified.
 *
 * 2. Job throughput on MariaDB: `--jobs` one-off jobs run by two worker processes (each an agenda
 *    instance over our SQL backend, createScheduler), beside a bare loop in two worker processes that
 *    claims one row per transaction (SELECT … FOR UPDATE SKIP LOCKED + UPDATE) from a plain table of
 *    the same size; jobs/s from "go" to the last completion, rounds interleaved; target: agenda ≥ 75%
 *    of the bare loop. See support/job-throughput.ts and support/job-worker.ts.
 *
 * Default: fresh databases, dropped at the end. --keep keeps the seeded ones (MariaDB
 * aduan_bench_sla_<N>, SQLite <tmp>/aduan-bench/sla_<N>/aduan.sqlite); --reuse measures kept ones without
 * seeding tickets again (the SLA clocks are always seeded afresh for this run's `now`).
 */
import type { Logger } from "typeorm";
import { processDueClocks, type ProcessDueResult } from "../server/commands/process-due-clocks.js";
import { sqlTime } from "./support/bulk-insert.js";
import { dbServerCpuMs, machineLoad, ownCpuMs } from "./support/cpu.js";
import { openBenchDatabase, type BenchDatabase, type BenchEngine } from "./support/databases.js";
import { prepareJobTables, resetQueue, runWorkers, type AgendaKnobs, type RunResult } from "./support/job-throughput.js";
import { Rng } from "./support/prng.js";
import { phaseProgressBar, seedProgressBar } from "./support/progress.js";
import { seedBulk } from "./support/seed-bulk.js";
import { DUE_AGE_DAYS, seedSlaClocks, type SeedSlaResult } from "./support/seed-sla.js";
import { fmtBytes, fmtDuration, fmtInt, fmtMs, fmtRatio, summarize, table, timed, type Summary } from "./support/stats.js";
import { parseCount, parseCountList } from "./support/args.js";

const SECRET_KEY = "bench-secret-key";
/** The sweep's cost "follows the due clocks": at most this ratio between the largest and smallest size. */
const SWEEP_RATIO_TARGET = 1.5;
const JOB_RATIO_TARGET = 0.75; // issue 18, acceptance 7 (issue 3 asked 50%)

interface Args {
  sizes: number[];
  sqliteSizes: number[] | null;
  due: number;
  engines: BenchEngine[];
  slice: number;
  batch: number;
  emptyRounds: number;
  jobs: number;
  jobRounds: number;
  jobHandler: "noop" | "update";
  knobs: AgendaKnobs;
  seed: number;
  keep: boolean;
  reuse: boolean;
}

const parseList = parseCountList;

function parseArgs(argv: string[]): Args {
  const a: Args = {
    sizes: [100_000, 1_000_000],
    sqliteSizes: null,
    due: 10_000,
    engines: ["mariadb", "sqlite"],
    slice: 1000,
    batch: 200,
    emptyRounds: 30,
    jobs: 20_000,
    jobRounds: 3,
    jobHandler: "noop",
    // The worker's own defaults (JOB_POLL_MS 2000, agenda's maxConcurrency 20, no lock limit), with the
    // job's concurrency at the worker's maxConcurrency. See bench/README.md for what the knobs do here.
    knobs: { processEvery: 2000, maxConcurrency: 20, concurrency: 20, lockLimit: 0 },
    seed: 20260101,
    keep: false,
    reuse: false,
  };
  for (const arg of argv) {
    const [k, v = ""] = arg.replace(/^--/, "").split("=", 2) as [string, string?];
    switch (k) {
      case "sizes": a.sizes = parseList(v); break;
      case "sqlite-sizes": a.sqliteSizes = parseList(v); break;
      case "due": a.due = parseCount(v); break;
      case "db":
        if (v === "both") a.engines = ["mariadb", "sqlite"];
        else if (v === "mariadb" || v === "mysql") a.engines = ["mariadb"];
        else if (v === "sqlite") a.engines = ["sqlite"];
        else throw new Error(`--db=mariadb|sqlite|both, not ${v}`);
        break;
      case "slice": a.slice = parseCount(v); break;
      case "batch": a.batch = parseCount(v); break;
      case "empty-rounds": a.emptyRounds = parseCount(v); break;
      case "jobs": a.jobs = parseCount(v); break;
      case "job-rounds": a.jobRounds = Math.max(1, parseCount(v)); break;
      case "job-handler":
        if (v !== "noop" && v !== "update") throw new Error(`--job-handler=noop|update, not ${v}`);
        a.jobHandler = v;
        break;
      case "process-every": a.knobs.processEvery = parseCount(v); break;
      case "max-concurrency": a.knobs.maxConcurrency = parseCount(v); break;
      case "concurrency": a.knobs.concurrency = parseCount(v); break;
      case "lock-limit": a.knobs.lockLimit = parseCount(v); break;
      case "seed": a.seed = parseCount(v); break;
      case "keep": a.keep = true; break;
      case "reuse": a.reuse = a.keep = true; break;
      default:
        throw new Error(
          `unknown option ${arg} (--sizes=100k,1m --due=N --db=mariadb|sqlite|both --sqlite-sizes=… --slice=N --batch=N --empty-rounds=N ` +
            "--jobs=N --job-rounds=N --job-handler=noop|update --process-every=MS --max-concurrency=N --concurrency=N --lock-limit=N --seed=N --keep --reuse)",
        );
    }
  }
  if (a.sizes.length === 0) throw new Error("--sizes needs at least one size");
  return a;
}

const fmtCount = (n: number) => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 100 === 0 ? `${n / 1e3}k` : String(n));

/** Counts the SQL statements TypeORM sends (the sweep's statements per clock). */
class CountingLogger implements Logger {
  count = 0;
  logQuery() {
    this.count++;
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

interface Sweep {
  ms: number;
  cpuMs: number;
  dbCpuMs: number | null;
  queries: number;
  calls: number;
  res: ProcessDueResult;
  slices: number[];
}

interface SizeRun {
  engine: BenchEngine;
  size: number;
  bdb: BenchDatabase;
  logger: CountingLogger;
  seedMs: number | null;
  sla: SeedSlaResult;
  sweep: Sweep;
  empty: Summary;
  emptyQueries: number;
  pk: Summary;
  planBefore: string;
  planAfter: string;
  checks: string[];
}

interface JobReport {
  rounds: { bare: RunResult; agenda: RunResult }[];
  /** jobs/s over all rounds */
  bare: number;
  agenda: number;
  /** Median over the rounds of agenda/bare, each round's two runs side by side: what the target is read on. */
  ratio: number;
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

export default async function slaBench(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const load = await machineLoad();
  console.log(
    `SLA benchmark: sweep at ${args.sizes.map(fmtCount).join(" and ")} open tickets with ${fmtInt(args.due)} due on ${args.engines.join(" and ")}` +
      `${args.engines.includes("sqlite") && args.sqliteSizes ? ` (SQLite at ${args.sqliteSizes.map(fmtCount).join(" and ")})` : ""}; ` +
      `${args.jobs > 0 && args.engines.includes("mariadb") ? `job throughput with ${fmtInt(args.jobs)} jobs × ${args.jobRounds} rounds on MariaDB` : "no job throughput run"}`,
  );
  console.log(`now ${now.toISOString()} · machine: ${load.cpus} CPUs, load average ${load.load1.toFixed(2)} (other work on the machine slows every figure; ratios are measured side by side)`);

  const sweeps: SizeRun[][] = [];
  for (const engine of args.engines) {
    const sizes = engine === "sqlite" && args.sqliteSizes ? args.sqliteSizes : args.sizes;
    sweeps.push(await runSweeps(engine, sizes, now, args));
  }
  let jobs: JobReport | null = null;
  if (args.jobs > 0 && args.engines.includes("mariadb")) jobs = await runJobs(args);

  // ---- summary -----------------------------------------------------------------------------------
  console.log(`\n== summary ==`);
  const rows = [["", "open", "clocks", "due", "sweep", "clocks/s", "events", "notif.", "SQL/clock", "CPU/clock", "empty p50", "PK p50", "empty/PK"]];
  for (const runs of sweeps) {
    for (const r of runs) {
      rows.push([
        `${r.bdb.version} ${fmtCount(r.size)}`,
        fmtInt(r.size),
        fmtInt(r.sla.totalClocks),
        fmtInt(r.sla.due),
        fmtDuration(r.sweep.ms),
        fmtInt(r.sweep.res.clocks / (r.sweep.ms / 1000)),
        fmtInt(r.sweep.res.events),
        fmtInt(r.sweep.res.notifications),
        (r.sweep.queries / r.sweep.res.clocks).toFixed(1),
        fmtMs(r.sweep.cpuMs / r.sweep.res.clocks),
        fmtMs(r.empty.p50),
        fmtMs(r.pk.p50),
        fmtRatio(r.empty.p50 / r.pk.p50),
      ]);
    }
  }
  console.log(table(rows));
  for (const runs of sweeps) {
    if (runs.length < 2) continue;
    const small = runs[0]!;
    const large = runs[runs.length - 1]!;
    const ratio = large.sweep.ms / small.sweep.ms;
    const emptyRatio = large.empty.p50 / small.empty.p50;
    console.log(
      `${small.engine}: sweep ${fmtCount(large.size)} / ${fmtCount(small.size)} open = ${fmtRatio(ratio)} in time (${fmtRatio(large.sweep.cpuMs / small.sweep.cpuMs)} in this process's CPU) ` +
        `for ${fmtRatio(large.size / small.size)} the open tickets and the same ${fmtInt(small.sla.due)} due; empty sweep ${fmtRatio(emptyRatio)}. ` +
        `Target: ≤ ${SWEEP_RATIO_TARGET}× (cost follows the due clocks): ${ratio <= SWEEP_RATIO_TARGET ? "met" : "MISSED"}`,
    );
  }
  if (jobs) {
    console.log(
      `MariaDB jobs: agenda (2 workers) ${fmtInt(jobs.agenda)} jobs/s vs bare SKIP LOCKED loop (2 workers) ${fmtInt(jobs.bare)} jobs/s over all rounds = ${pct(jobs.agenda / jobs.bare)}; ` +
        `per round ${jobs.rounds.map((r) => pct(r.agenda.perSecond / r.bare.perSecond)).join(", ")}, median ${pct(jobs.ratio)}. ` +
        `Target: ≥ ${JOB_RATIO_TARGET * 100}%: ${jobs.ratio >= JOB_RATIO_TARGET ? "met" : "MISSED"}`,
    );
  }
  const end = await machineLoad();
  console.log(`load average at the end ${end.load1.toFixed(2)}`);
}

// ================================================================================================
// The sweep

async function runSweeps(engine: BenchEngine, sizes: number[], now: Date, args: Args): Promise<SizeRun[]> {
  const mysql = engine === "mariadb";
  const runs: SizeRun[] = [];
  try {
    for (const size of sizes) runs.push(await prepareSize(engine, size, now, args));

    // ---- the full sweep, sizes interleaved slice by slice ---------------------------------------
    console.log(
      `\n== ${runs[0]!.bdb.version}: full sweep at ${sizes.map(fmtCount).join(" and ")} open, ${fmtInt(args.due)} due, batches of ${args.batch}` +
        `${args.slice > 0 && runs.length > 1 ? `, interleaved in slices of ${fmtInt(args.slice)} clocks` : ", one call per size"} ==`,
    );
    const totalDue = runs.reduce((a, r) => a + r.sla.due, 0);
    const bar = phaseProgressBar(engine.padEnd(7));
    let swept = 0;
    const pending = new Set(runs);
    for (let round = 0; pending.size > 0; round++) {
      const order = round % 2 === 0 ? runs : [...runs].reverse(); // no size always goes first
      for (const r of order) {
        if (!pending.has(r)) continue;
        const slice = args.slice > 0 && runs.length > 1 ? args.slice : 0;
        r.logger.count = 0;
        const cpu0 = ownCpuMs();
        const db0 = mysql ? dbServerCpuMs() : null;
        let res!: ProcessDueResult;
        const ms = await timed(async () => {
          res = await processDueClocks(r.bdb.db, now, { secretKey: SECRET_KEY, batchSize: args.batch, maxClocks: slice || undefined });
        });
        const db1 = mysql ? dbServerCpuMs() : null;
        const s = r.sweep;
        s.ms += ms;
        s.cpuMs += ownCpuMs() - cpu0;
        s.dbCpuMs = db0 == null || db1 == null || s.dbCpuMs == null ? null : s.dbCpuMs + (db1 - db0);
        s.queries += r.logger.count;
        s.calls++;
        s.slices.push(ms);
        for (const k of ["clocks", "events", "notifications", "autoClosed"] as const) s.res[k] += res[k];
        swept += res.clocks;
        bar.onProgress({ phase: "sweep", done: swept, total: totalDue });
        if (!slice || res.clocks < slice) pending.delete(r);
      }
    }
    bar.stop();
    for (const r of runs) {
      r.checks = await verifySweep(r, now);
      r.planAfter = await lockPlan(r.bdb, now, args.batch);
    }
    const rows = [["", "open", "due", "sweep", "clocks/s", "events/s", "events", "notif.", "SQL", "SQL/clock", "CPU/clock", ...(mysql ? ["DB CPU/clock"] : []), "calls", "slice p50", "slice max"]];
    for (const r of runs) {
      const s = r.sweep;
      const sl = summarize(s.slices);
      rows.push([
        fmtCount(r.size),
        fmtInt(r.size),
        fmtInt(r.sla.due),
        fmtDuration(s.ms),
        fmtInt(s.res.clocks / (s.ms / 1000)),
        fmtInt(s.res.events / (s.ms / 1000)),
        fmtInt(s.res.events),
        fmtInt(s.res.notifications),
        fmtInt(s.queries),
        (s.queries / s.res.clocks).toFixed(1),
        fmtMs(s.cpuMs / s.res.clocks),
        ...(mysql ? [s.dbCpuMs == null ? "?" : fmtMs(s.dbCpuMs / s.res.clocks)] : []),
        String(s.calls),
        fmtMs(sl.p50),
        fmtMs(sl.max),
      ]);
    }
    console.log(table(rows));
    if (mysql) console.log("(DB CPU: the whole MariaDB server's CPU time during the sweep; other clients of the server count too)");
    for (const r of runs) console.log(`checks ${fmtCount(r.size)}: ${r.checks.join(" · ")}`);
    if (runs.length > 1) {
      const a = runs[0]!;
      const b = runs[runs.length - 1]!;
      const pairs = a.sweep.slices.slice(0, Math.min(a.sweep.slices.length, b.sweep.slices.length) - 1).map((x, i) => b.sweep.slices[i]! / x);
      console.log(
        `ratio ${fmtCount(b.size)} / ${fmtCount(a.size)}: sweep time ${fmtRatio(b.sweep.ms / a.sweep.ms)}, CPU ${fmtRatio(b.sweep.cpuMs / a.sweep.cpuMs)}` +
          `${pairs.length ? `, median of paired slices ${fmtRatio(summarize(pairs).p50)}` : ""} (open tickets ${fmtRatio(b.size / a.size)}, due clocks ${fmtRatio(b.sla.due / a.sla.due)})`,
      );
    }

    // ---- nothing due: the sweep's fixed cost, beside a primary-key read ---------------------------
    const warmup = 5;
    const rng = new Rng(args.seed + 7);
    const samples = new Map<SizeRun, { empty: number[]; pk: number[]; queries: number }>(runs.map((r) => [r, { empty: [], pk: [], queries: 0 }]));
    for (let round = 0; round < warmup + args.emptyRounds; round++) {
      const order = round % 2 === 0 ? runs : [...runs].reverse();
      for (const r of order) {
        const id = 1 + rng.int(r.size);
        const s = samples.get(r)!;
        const ops: [string, () => Promise<unknown>][] = [
          ["pk", () => r.bdb.db.manager.query("SELECT * FROM tickets WHERE id = ?", [id])],
          ["empty", async () => {
            r.logger.count = 0;
            const res = await processDueClocks(r.bdb.db, now, { secretKey: SECRET_KEY, batchSize: args.batch });
            if (res.clocks !== 0) throw new Error(`the empty sweep at ${fmtCount(r.size)} found ${res.clocks} due clocks`);
            s.queries = r.logger.count;
          }],
        ];
        if (round % 2 === 1) ops.reverse();
        for (const [name, fn] of ops) {
          const ms = await timed(fn);
          if (round >= warmup) (name === "pk" ? s.pk : s.empty).push(ms);
        }
      }
    }
    for (const r of runs) {
      const s = samples.get(r)!;
      r.empty = summarize(s.empty);
      r.pk = summarize(s.pk);
      r.emptyQueries = s.queries;
    }
    console.log(`\nsweep with nothing due (${args.emptyRounds} rounds after ${warmup} warm-up, sizes and order alternating), beside a primary-key read of a ticket:`);
    const erows = [["", "empty p50", "empty p95", "PK p50", "PK p95", "empty p50/PK", "SQL per empty sweep"]];
    for (const r of runs) erows.push([fmtCount(r.size), fmtMs(r.empty.p50), fmtMs(r.empty.p95), fmtMs(r.pk.p50), fmtMs(r.pk.p95), fmtRatio(r.empty.p50 / r.pk.p50), String(r.emptyQueries)]);
    console.log(table(erows));
    if (runs.length > 1) {
      const a = runs[0]!;
      const b = runs[runs.length - 1]!;
      console.log(`ratio ${fmtCount(b.size)} / ${fmtCount(a.size)}: empty sweep p50 ${fmtRatio(b.empty.p50 / a.empty.p50)}, PK read p50 ${fmtRatio(b.pk.p50 / a.pk.p50)}`);
    }
    console.log(`\nthe lock query SELECT id FROM sla_clocks WHERE next_event_at <= ? ORDER BY next_event_at LIMIT ${args.batch}${mysql ? " (FOR UPDATE SKIP LOCKED)" : ""}, ${mysql ? "MariaDB ANALYZE" : "SQLite EXPLAIN QUERY PLAN"}:`);
    for (const r of runs) {
      console.log(`  ${fmtCount(r.size)} before the sweep: ${r.planBefore}`);
      console.log(`  ${fmtCount(r.size)} after the sweep:  ${r.planAfter}`);
    }
    return runs;
  } finally {
    for (const r of runs) {
      await r.bdb.close();
      if (args.keep) console.log(`kept: ${r.bdb.location} (measure again with --reuse)`);
    }
  }
}

async function prepareSize(engine: BenchEngine, size: number, now: Date, args: Args): Promise<SizeRun> {
  const logger = new CountingLogger();
  const bdb = await openBenchDatabase(engine, { name: args.keep ? `sla_${size}` : undefined, reuse: args.reuse, extra: { logger } });
  const run = { engine, size, bdb, logger, seedMs: null, checks: [], planBefore: "", planAfter: "" } as unknown as SizeRun;
  try {
    const ds = bdb.db.ds;
    const count = async (sql: string, params: unknown[] = []) => Number(((await ds.query(sql, params)) as { n: number | string }[])[0]?.n ?? 0);
    console.log(`\n== ${bdb.version} · ${fmtInt(size)} open tickets ==`);
    console.log(`database     ${bdb.location} (${bdb.reused ? "reused" : "fresh"}${args.keep ? ", kept" : ", dropped at the end"})`);
    if (!bdb.reused) {
      const bar = seedProgressBar(engine.padEnd(7));
      try {
        // Every ticket open (a backlog of `size` open tickets); one message per ticket (the sweep reads none).
        const res = await seedBulk(bdb.db, { tickets: size, openShare: 1, messagesPerTicket: [1, 1], seed: args.seed, now, onProgress: bar.onProgress });
        run.seedMs = res.ms;
      } finally {
        bar.stop();
      }
      console.log(`seed         tickets ${fmtDuration(run.seedMs!)} (${fmtInt(size / (run.seedMs! / 1000))} tickets/s)`);
    } else {
      const [n, open] = [await count("SELECT COUNT(*) AS n FROM tickets"), await count("SELECT COUNT(*) AS n FROM tickets WHERE is_open = 1")];
      if (n !== size || open !== size) throw new Error(`--reuse: the kept database has ${n} tickets (${open} open), not ${size} open`);
      console.log("seed         tickets reused");
    }
    const bar = phaseProgressBar(engine.padEnd(7), ["reset"]);
    try {
      run.sla = await seedSlaClocks(bdb.db, { now, due: args.due, onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }
    const s = run.sla;
    console.log(
      `seed         SLA clocks ${fmtDuration(s.ms)}: ${fmtInt(s.totalClocks)} clocks (${s.clocks.map((c) => `${c.kind} ${c.state} ${fmtInt(c.n)}`).join(", ")})`,
    );
    console.log(
      `             ${fmtInt(s.scheduled)} with a next event, ${fmtInt(s.due)} due now on ${fmtInt(s.dueTickets)} tickets (${Object.entries(s.dueByKind).map(([k, n]) => `${k} ${fmtInt(n)}`).join(", ")}; ` +
        `started ${DUE_AGE_DAYS} days ago), expecting ${fmtInt(s.expectedEvents)} events; not-due clocks started within the last ` +
        `${Object.entries(s.windows).map(([k, w]) => `${k} ${(w / 3_600_000).toFixed(0)} h`).join(", ")}`,
    );
    if (engine === "mariadb") {
      const ms = await timed(() => ds.query("ANALYZE TABLE agencies, users, tickets, forwards, sla_clocks, sla_events, notifications, audit_events, audit_chain_heads"));
      console.log(`analyze      ANALYZE TABLE ${fmtDuration(ms)}`);
    }
    const size_ = await bdb.size();
    console.log(
      `rows         tickets ${fmtInt(await count("SELECT COUNT(*) AS n FROM tickets"))} (open ${fmtInt(await count("SELECT COUNT(*) AS n FROM tickets WHERE is_open = 1"))}) · ` +
        `open forwards ${fmtInt(await count("SELECT COUNT(*) AS n FROM forwards WHERE is_open = 1"))} · OPDs ${fmtInt(await count("SELECT COUNT(*) AS n FROM agencies"))} (all with a head) · ` +
        `supervisors ${fmtInt(await count("SELECT COUNT(*) AS n FROM users WHERE role = 'supervisor'"))} · size ${fmtBytes(size_.total)}`,
    );
    run.planBefore = await lockPlan(bdb, now, args.batch);
    run.sweep = { ms: 0, cpuMs: 0, dbCpuMs: 0, queries: 0, calls: 0, res: { clocks: 0, events: 0, notifications: 0, autoClosed: 0 }, slices: [] };
    return run;
  } catch (err) {
    await bdb.close();
    throw err;
  }
}

/** What the sweep must have done; throws on any mismatch (the bench cannot pass silently). */
async function verifySweep(r: SizeRun, now: Date): Promise<string[]> {
  const ds = r.bdb.db.ds;
  const t = sqlTime(now.getTime());
  const count = async (sql: string, params: unknown[] = []) => Number(((await ds.query(sql, params)) as { n: number | string }[])[0]?.n ?? 0);
  const s = r.sla;
  const res = r.sweep.res;
  const problems: string[] = [];
  const checks: string[] = [];
  const expect = (label: string, got: number, want: number) => {
    if (got !== want) problems.push(`${label}: ${fmtInt(got)}, expected ${fmtInt(want)}`);
    else checks.push(`${label} ${fmtInt(got)}`);
  };
  expect("clocks processed", res.clocks, s.due);
  expect("events recorded", res.events, s.expectedEvents);
  expect("sla_events rows", await count("SELECT COUNT(*) AS n FROM sla_events"), s.expectedEvents);
  const byKind = (await ds.query("SELECT clock_kind AS ck, kind AS k, level AS l, COUNT(*) AS n FROM sla_events GROUP BY clock_kind, kind, level")) as { ck: string; k: string; l: number; n: number | string }[];
  const got = Object.fromEntries(byKind.map((x) => [`${x.ck} ${x.k} ${x.l}`, Number(x.n)]));
  const same = Object.keys({ ...got, ...s.expectedByKindLevel }).every((k) => got[k] === s.expectedByKindLevel[k]);
  if (!same) problems.push(`events by clock kind/kind/level ${JSON.stringify(got)}, expected ${JSON.stringify(s.expectedByKindLevel)}`);
  else checks.push("by kind and level as expected");
  expect("clocks still due", await count("SELECT COUNT(*) AS n FROM sla_clocks WHERE next_event_at <= ?", [t]), 0);
  expect("clocks touched", await count("SELECT COUNT(*) AS n FROM sla_clocks WHERE updated_at = ?", [t]), s.due);
  expect("breached", await count("SELECT COUNT(*) AS n FROM sla_clocks WHERE breached_at IS NOT NULL"), s.due);
  expect("audit events", await count("SELECT COUNT(*) AS n FROM audit_events WHERE chain_key LIKE 'ticket:%' AND type LIKE 'sla.%'"), s.expectedEvents);
  expect("notifications", await count("SELECT COUNT(*) AS n FROM notifications"), res.notifications);
  expect("events without a notification", await count("SELECT COUNT(*) AS n FROM sla_events e WHERE NOT EXISTS (SELECT 1 FROM notifications x WHERE x.sla_event_id = e.id)"), 0);
  const kominfo = await count("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?", [s.kominfoHeadUserId]);
  if (kominfo === 0) problems.push("the Diskominfo head got no notification (level 3)");
  if (problems.length) throw new Error(`sweep at ${fmtCount(r.size)} on ${r.engine} is wrong: ${problems.join("; ")}`);
  return checks;
}

async function lockPlan(bdb: BenchDatabase, now: Date, limit: number): Promise<string> {
  const ds = bdb.db.ds;
  const sql = `SELECT id FROM sla_clocks WHERE next_event_at <= ? ORDER BY next_event_at LIMIT ${limit}`;
  const t = sqlTime(now.getTime());
  if (bdb.engine === "mariadb") {
    const rows = (await ds.query(`ANALYZE ${sql} FOR UPDATE SKIP LOCKED`, [t])) as Record<string, unknown>[];
    return rows.map((x) => `${x.table}: ${x.type} on ${x.key ?? "-"}, rows ${x.rows}, r_rows ${x.r_rows}, ${x.Extra ?? ""}`.trim()).join("; ");
  }
  const rows = (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, [t])) as { detail: string }[];
  return rows.map((x) => x.detail).join("; ");
}

// ================================================================================================
// Job throughput

async function runJobs(args: Args): Promise<JobReport> {
  const k = args.knobs;
  console.log(
    `\n== MariaDB: job throughput, ${fmtInt(args.jobs)} one-off jobs, 2 worker processes, ${args.jobRounds} round${args.jobRounds > 1 ? "s" : ""} (order alternating) ==`,
  );
  console.log(
    `agenda: createScheduler per worker (own DataSource), processEvery ${k.processEvery} ms, maxConcurrency ${k.maxConcurrency}, concurrency ${k.concurrency}, ` +
      `lockLimit ${k.lockLimit || "none"}; handler ${args.jobHandler === "noop" ? "does nothing" : "UPDATE bench_claims SET done = 1 for its row"}`,
  );
  console.log("bare:   per transaction (READ COMMITTED) SELECT id FROM bench_claims WHERE done = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED; UPDATE … SET done = 1");
  const bdb = await openBenchDatabase("mariadb", { poolSize: 4 });
  const rounds: JobReport["rounds"] = [];
  try {
    await prepareJobTables(bdb.db);
    const rows = [["round", "run", "jobs/s", "time", "1st done at", "per worker", "worker CPU/job", "DB CPU/job", "SQL/job", "fsyncs/job"]];
    for (let round = 0; round < args.jobRounds; round++) {
      const order: ("bare" | "agenda")[] = round % 2 === 0 ? ["bare", "agenda"] : ["agenda", "bare"];
      const got: Partial<Record<"bare" | "agenda", RunResult>> = {};
      for (const mode of order) {
        await resetQueue(bdb.db, args.jobs);
        const bar = phaseProgressBar(`round ${round + 1}`);
        try {
          got[mode] = await runWorkers(bdb.db, bdb.settings, mode, args.jobs, k, args.jobHandler, (done) => bar.onProgress({ phase: mode, done, total: args.jobs }));
        } finally {
          bar.stop();
        }
        const r = got[mode]!;
        rows.push([String(round + 1), mode, fmtInt(r.perSecond), fmtDuration(r.ms), fmtDuration(r.firstMs), r.byWorker.map(fmtInt).join(" + "), fmtMs(r.workerCpuMsPerJob), r.dbCpuMsPerJob == null ? "?" : fmtMs(r.dbCpuMsPerJob),
          r.statementsPerJob.toFixed(1), r.fsyncsPerJob.toFixed(2)]);
      }
      rounds.push({ bare: got.bare!, agenda: got.agenda! });
    }
    console.log(table(rows));
    console.log("(DB CPU, SQL and fsyncs: MariaDB server-wide during the run; other clients of the server count too. 1st done at: agenda locks a worker's whole share before running any, see README)");
    const rate = (mode: "bare" | "agenda") => (rounds.length * args.jobs) / (rounds.reduce((a, r) => a + r[mode].ms, 0) / 1000);
    const report = { rounds, bare: rate("bare"), agenda: rate("agenda"), ratio: summarize(rounds.map((r) => r.agenda.perSecond / r.bare.perSecond)).p50 };
    console.log(
      `agenda/bare: per round ${rounds.map((r) => pct(r.agenda.perSecond / r.bare.perSecond)).join(", ")}, median ${pct(report.ratio)}; over all rounds ` +
        `bare ${fmtInt(report.bare)} jobs/s, agenda ${fmtInt(report.agenda)} jobs/s (${pct(report.agenda / report.bare)}). ` +
        `Target ≥ ${JOB_RATIO_TARGET * 100}% (median): ${report.ratio >= JOB_RATIO_TARGET ? "met" : "MISSED"}. Every job ran exactly once.`,
    );
    return report;
  } finally {
    await bdb.close();
  }
}
