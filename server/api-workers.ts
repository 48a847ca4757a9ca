/**
 * Several API processes on one port (`--api-workers=N`, node:cluster): one Node thread is the ceiling
 * of a single API process, so on MySQL/MariaDB the API role runs in N worker processes that share
 * the listening socket. The primary process keeps the other roles (worker, sessions), applies the
 * migrations before any API worker starts, restarts an API worker that dies, and aggregates
 * /metrics across the API workers (prom-client's AggregatorRegistry), so a scrape that lands on any
 * worker reports the whole server.
 *
 * SQLite keeps one API process: one writer per database file, and the process's one connection is
 * already its ceiling. The demo's provider sandbox also keeps one: it lives in the process that
 * serves its routes.
 *
 * The kernel spreads the connections (SCHED_NONE: every worker accepts on the one shared socket), not
 * the primary: in Node's round-robin mode the primary accepts each connection and hands it over a
 * worker's IPC channel, and a connection handed to a worker that was just killed is never answered
 * nor closed (the handoff's reply never comes). With a shared socket, what a dead worker had not
 * accepted waits in the socket's queue for the others, and the primary does no work per connection.
 *
 * What each API worker keeps for itself: its ingest batcher (group commit per process), its public
 * micro-cache and its login-throttle memory where that is in memory; everything shared lives in the
 * database, as for API ×N behind a proxy (docs/scaling.md).
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { AggregatorRegistry, type Registry } from "prom-client";
import { ConfigError } from "./config/env.js";
import type { Logger } from "./lib/logger.js";

/** Set in the environment of the processes this module forks. */
export const API_WORKER_ENV = "ADUAN_API_WORKER";
/** At most this many API workers by default (more rarely helps: the database becomes the limit). */
const DEFAULT_MAX = 4;
const METRICS_REQ = "aduan:cluster-metrics-req";
const METRICS_RES = "aduan:cluster-metrics-res";

/** True in a process started by startApiWorkers. */
export function isApiWorker(): boolean {
  return cluster.isWorker && process.env[API_WORKER_ENV] === "1";
}

/**
 * How many API processes: `--api-workers=N`, else API_WORKERS (`configured`), else, in production on
 * MySQL/MariaDB, one less than the CPU count (at least 1, at most 4): the worker role and, on one
 * box, the database need a core too. Measured on 2 cores with MariaDB on the same box, two API
 * processes took 0.6x the throughput of one (each group-commits half the batch, so statements
 * per message doubled). Otherwise 1 (SQLite; development and tests keep one process to debug).
 * 1 means this process serves the API itself, as before.
 */
export function apiWorkerCount(argv: string[], o: { configured?: number; production: boolean; mysql: boolean; sandbox: boolean }): number {
  const arg = argv.find((a) => a.startsWith("--api-workers="))?.slice("--api-workers=".length);
  if (arg !== undefined && (!/^\d{1,2}$/.test(arg) || Number(arg) < 1)) throw new ConfigError(`--api-workers must be a number from 1 to 99, not "${arg}" / jumlah proses API tidak valid`);
  const n = arg !== undefined ? Number(arg) : o.configured;
  if (n !== undefined) {
    if (n > 1 && !o.mysql) throw new ConfigError("--api-workers (API_WORKERS) above 1 needs MySQL/MariaDB (DATABASE_URL): SQLite has one writer / SQLite hanya satu penulis");
    if (n > 1 && o.sandbox) throw new ConfigError("--api-workers (API_WORKERS) above 1 cannot run with the demo sandbox (set DEMO_SANDBOX=0) / sandbox demo hanya satu proses");
    return n;
  }
  if (!o.mysql || o.sandbox || !o.production) return 1;
  return Math.max(1, Math.min(DEFAULT_MAX, availableParallelism() - 1));
}

export interface ApiWorkers {
  /** Ends every API worker (SIGTERM: each finishes its requests and closes), then resolves. */
  stop(): Promise<void>;
}

/**
 * Forks `count` API workers running this same entry with `--roles=api`. A worker that exits on its
 * own is started again (after a pause that grows while they keep dying, so a broken configuration
 * does not spin). Resolves once every worker listens.
 */
export async function startApiWorkers(count: number, logger: Logger): Promise<ApiWorkers> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let restarts = 0;
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ args: ["--roles=api", "--api-workers=1"], silent: false });
  cluster.on("message", (worker: Worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== METRICS_REQ) return;
    aggregator.clusterMetrics().then(
      (body) => worker.isConnected() && worker.send({ type: METRICS_RES, id: msg.id, body }),
      (err: Error) => worker.isConnected() && worker.send({ type: METRICS_RES, id: msg.id, error: err.message }),
    );
  });

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork({ [API_WORKER_ENV]: "1" });
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`API worker ${w.process.pid} exited (${code ?? signal}) before listening`));
      w.once("listening", () => {
        w.off("exit", onExit);
        w.once("exit", (code, signal) => {
          if (stopping) return;
          restarts++;
          const pause = Math.min(30_000, 250 * 2 ** Math.min(restarts, 7));
          logger.error({ pid: w.process.pid, code, signal, restartInMs: pause }, "API worker died; starting another / proses API berhenti, dijalankan ulang");
          setTimeout(() => {
            if (!stopping) fork().then(() => (restarts = Math.max(0, restarts - 1)), (err) => logger.error({ err }, "API worker failed to start"));
          }, pause).unref();
        });
        resolve(w);
      });
      w.once("exit", onExit);
    });

  await Promise.all(Array.from({ length: count }, fork));
  logger.info({ apiWorkers: count }, `${count} API processes share the port`);
  return {
    async stop() {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => w.process.kill("SIGKILL"), 10_000);
              w.once("exit", () => (clearTimeout(kill), resolve()));
              w.process.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

let pending = 0;
const waiting = new Map<number, { resolve(body: string): void; reject(err: Error): void }>();

/**
 * In an API worker: answers the primary's collection requests with this process's metrics, and
 * returns the function /metrics uses to get the whole server's (every API worker's, aggregated).
 */
export function clusterMetricsSource(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // installs the worker's answer to the primary's requests
  AggregatorRegistry.setRegistries([registry]);
  process.on("message", (msg: { type?: string; id: number; body?: string; error?: string }) => {
    if (msg?.type !== METRICS_RES) return;
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error !== undefined) w.reject(new Error(msg.error));
    else w.resolve(msg.body ?? "");
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++pending;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error("the primary process did not answer with the cluster's metrics"));
      }, 8000);
      waiting.set(id, {
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      process.send!({ type: METRICS_REQ, id });
    });
}
