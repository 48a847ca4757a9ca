// Prometheus metrics of one app instance (docs/operations.md lists them). One Registry per
// createApp(), never prom-client's global one, so several apps in one process (tests) do not
// collide; only the process metrics are shared. Request paths are counted cheaply as they happen; everything read from the database is
// queried when Prometheus scrapes (collect()), with the bounded queries of queries/operations.ts.
import type { NextFunction, Request, Response } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { withDeadline } from "../lib/deadline.js";
import { backupStatus } from "../backup/run.js";
import { lastAuditVerification } from "../queries/audit-verification.js";
import type { IngestBatcher } from "../ingest/ingest-batcher.js";
import { outboxGauges } from "../queries/outbound-delivery.js";
import { failingJobs, galeraState, jobLags, slaGauges } from "../queries/operations.js";
import type { AppDeps } from "./types.js";

export interface AppMetrics {
  registry: Registry;
  /**
   * The text /metrics answers: this registry's, or, in an API worker of `--api-workers`
   * (server/api-workers.ts), every API worker's aggregated through the primary process.
   */
  scrape: () => Promise<string>;
  /** Times every request; labels it by its route pattern once it is answered. */
  httpMiddleware(req: Request, res: Response, next: NextFunction): void;
}

/** A database-derived metric not read within this is left out of the scrape. */
export const COLLECT_TIMEOUT_MS = 2000;
/** Requests that matched no route (404s, static files, middleware answers) share one label. */
const UNMATCHED = "unmatched";
const STATUS_CLASS = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/**
 * The route pattern of an answered request ("/webhooks/:connector/:account"), never its raw URL,
 * so the label set stays as small as the route table.
 */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (!route || typeof route.path !== "string") return UNMATCHED;
  return req.baseUrl + route.path;
}

/**
 * One database read shared by the gauges of one scrape: prom-client starts every metric's collect()
 * in the same pass, so the gauges built from one query await the same promise while it runs.
 */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    if (running) return running;
    const p = read();
    running = p;
    const done = () => {
      if (running === p) running = undefined;
    };
    p.then(done, done);
    return p;
  };
}

/**
 * prom-client's process metrics (CPU, memory, event-loop lag, GC) describe the process, not an app:
 * one registry of them per process, merged into each app's (several apps in one process would
 * otherwise each start their own event-loop monitor and GC observer).
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: "aduan_" });
  }
  return processRegistry;
}

export function createMetrics(deps: AppDeps, ingest: IngestBatcher): AppMetrics {
  const { db, clock, logger } = deps;
  const registry = new Registry();

  const http = new Histogram({
    name: "aduan_http_request_duration_seconds",
    help: "HTTP request latency by route pattern, method and status class",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const collectFailures = new Counter({
    name: "aduan_metrics_collect_failures_total",
    help: "Scrapes in which a database-derived metric could not be read (the metric is then absent; a scrape shows the failures of the scrapes before it)",
    labelNames: ["collector"] as const,
    registers: [registry],
  });
  /** Runs a scrape-time query; on failure the gauge stays empty and the failure is counted. */
  const guarded = async <T extends string>(gauge: Gauge<T>, fn: () => Promise<void>) => {
    gauge.reset();
    try {
      // A hanging database must not hang the scrape (and lose the process metrics with it).
      await withDeadline(fn(), COLLECT_TIMEOUT_MS);
    } catch (err) {
      const collector = (gauge as unknown as { name: string }).name;
      collectFailures.inc({ collector });
      logger.debug({ err, collector }, "metrics collector failed");
    }
  };

  // Ingest: the webhooks' group-commit queue keeps plain counters; they are read at scrape time.
  void new Counter({
    name: "aduan_ingest_messages_total",
    help: "Inbound messages committed by this process's ingest queue (retries of a stored message included)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ingest.stats.messages + ingest.stats.singles);
    },
  });
  void new Counter({
    name: "aduan_ingest_batch_fallbacks_total",
    help: "Ingest batches that failed and were written one message at a time",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ingest.stats.fallbacks);
    },
  });
  const batchSizes = new Histogram({
    name: "aduan_ingest_batch_size",
    help: "Messages per committed ingest batch",
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  ingest.onBatch = (size) => batchSizes.observe(size);

  const outbox = perScrape(() => outboxGauges(db.manager, clock.now()));
  const outboxDepth: Gauge<"account" | "kind"> = new Gauge({
    name: "aduan_outbox_depth",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Outbound messages waiting or being sent, per channel account",
    labelNames: ["account", "kind"] as const,
    registers: [registry],
    collect: () =>
      guarded(outboxDepth, async () => {
        for (const a of await outbox()) outboxDepth.set({ account: String(a.channelAccountId), kind: a.kind }, a.depth);
      }),
  });
  const outboxProblems: Gauge<"account" | "kind" | "problem"> = new Gauge({
    name: "aduan_outbox_problems",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Outbound messages failed (given up in the last 7 days), retrying, or stuck, per channel account",
    labelNames: ["account", "kind", "problem"] as const,
    registers: [registry],
    collect: () =>
      guarded(outboxProblems, async () => {
        for (const a of await outbox()) {
          const labels = { account: String(a.channelAccountId), kind: a.kind };
          outboxProblems.set({ ...labels, problem: "failed" }, a.failed);
          outboxProblems.set({ ...labels, problem: "retrying" }, a.retrying);
          outboxProblems.set({ ...labels, problem: "stuck" }, a.stuck);
        }
      }),
  });

  const sla: Gauge<"state"> = new Gauge({
    name: "aduan_sla_clocks",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "SLA: clocks whose warning or breach is due but not recorded yet (due); warnings (warned) and breaches (breached) recorded in the last 24 h",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: () =>
      guarded(sla, async () => {
        const g = await slaGauges(db.manager, clock.now());
        sla.set({ state: "due" }, g.due);
        sla.set({ state: "warned" }, g.warned);
        sla.set({ state: "breached" }, g.breached);
      }),
  });

  const jobs = perScrape(() => jobLags(db.manager, clock.now()));
  const jobLag: Gauge<"job"> = new Gauge({
    name: "aduan_job_lag_seconds",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "How long the oldest due job not yet taken by a worker has waited, per job name",
    labelNames: ["job"] as const,
    registers: [registry],
    collect: () =>
      guarded(jobLag, async () => {
        for (const j of await jobs()) jobLag.set({ job: j.name }, j.lagSeconds);
      }),
  });
  const jobsDue: Gauge<"job"> = new Gauge({
    name: "aduan_jobs_due",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Due jobs not yet taken by a worker, per job name",
    labelNames: ["job"] as const,
    registers: [registry],
    collect: () =>
      guarded(jobsDue, async () => {
        for (const j of await jobs()) jobsDue.set({ job: j.name }, j.due);
      }),
  });
  const jobsFailing: Gauge<"job"> = new Gauge({
    name: "aduan_jobs_failing",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Jobs whose last run failed, per job name",
    labelNames: ["job"] as const,
    registers: [registry],
    collect: () =>
      guarded(jobsFailing, async () => {
        for (const j of await failingJobs(db.manager)) jobsFailing.set({ job: j.name }, j.failing);
      }),
  });

  void new Gauge({
    name: "aduan_db_pool_connections",
    help: "Database connections: the pool's limit (size), open, busy, and callers waiting for one (SQLite: writers queued)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const s = db.poolStats();
      this.set({ state: "size" }, s.size);
      this.set({ state: "open" }, s.open);
      this.set({ state: "busy" }, s.busy);
      this.set({ state: "waiting" }, s.waiting);
    },
  });

  // Galera: present only when the database is a Galera node.
  const galera: Gauge<"variable"> = new Gauge({
    name: "aduan_galera_node",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "MariaDB Galera: wsrep_ready (1/0), wsrep_cluster_size and wsrep_local_state (4 = synced) of the node this process uses",
    labelNames: ["variable"] as const,
    registers: [registry],
    collect: () =>
      guarded(galera, async () => {
        const g = await galeraState(db);
        if (!g) return;
        galera.set({ variable: "wsrep_ready" }, g.ready ? 1 : 0);
        galera.set({ variable: "wsrep_cluster_size" }, g.clusterSize);
        galera.set({ variable: "wsrep_local_state" }, g.localState);
      }),
  });

  const backup: Gauge<"state"> = new Gauge({
    name: "aduan_backup",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Backups: age_seconds of the last successful one (absent when there was none), overdue (1 when none within BACKUP_EVERY_HOURS + 1 h), every_hours",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: () =>
      guarded(backup, async () => {
        const now = clock.now();
        const b = await backupStatus(db, deps.config, now);
        if (b.lastOkAt) backup.set({ state: "age_seconds" }, Math.max(0, Math.round((now.getTime() - b.lastOkAt.getTime()) / 1000)));
        backup.set({ state: "overdue" }, b.overdue ? 1 : 0);
        backup.set({ state: "every_hours" }, b.everyHours);
      }),
  });

  // The scheduled audit verification (docs/audit.md): alert on aduan_audit_chain_broken > 0.
  const lastVerification = perScrape(() => lastAuditVerification(db));
  const auditBroken: Gauge = new Gauge({
    name: "aduan_audit_chain_broken",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Broken audit events (changed, missing or out of order) found by the last scheduled verification; 0 when intact (absent before the first run)",
    registers: [registry],
    collect: () =>
      guarded(auditBroken, async () => {
        const v = await lastVerification();
        if (v) auditBroken.set(v.problemCount);
      }),
  });
  const auditVerified: Gauge = new Gauge({
    name: "aduan_audit_verification_age_seconds",
    aggregator: "max", // read from the database: the same in every API worker, not a sum
    help: "Seconds since the last scheduled audit verification ran (absent before the first run)",
    registers: [registry],
    collect: () =>
      guarded(auditVerified, async () => {
        const v = await lastVerification();
        if (v) auditVerified.set(Math.max(0, Math.round((clock.now().getTime() - new Date(v.ranAt).getTime()) / 1000)));
      }),
  });

  const merged = Registry.merge([processMetrics(), registry]);
  return {
    registry: merged,
    scrape: () => merged.metrics(),
    httpMiddleware(req, res, next) {
      const start = process.hrtime.bigint();
      res.once("finish", () => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        http.labels(req.method, routeOf(req), STATUS_CLASS[Math.floor(res.statusCode / 100) - 1] ?? "other").observe(seconds);
      });
      next();
    },
  };
}
