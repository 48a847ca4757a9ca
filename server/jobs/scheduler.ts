import { hostname } from "node:os";
import { Agenda, type Job } from "agenda";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { SqlBackend } from "./agenda-backend/sql-backend.js";

/**
 * The job scheduler: agenda v6 on our own database (agenda-backend/), behind a small interface.
 * This is the only module that imports agenda; job modules get plain JSON data and a context.
 *
 * Semantics worth knowing:
 * - At least once: a job whose worker dies is run again by another worker once its lock is
 *   older than `lockLifetime` (long jobs call ctx.touch() to keep it). Handlers must be
 *   idempotent. (A repeating every() job interrupted that way is not re-run at once: it runs
 *   at its next scheduled time, as in agenda's own backends.)
 * - Times are Dates or agenda's human strings ("in 5 minutes"); intervals are agenda's
 *   ("5 minutes", a cron expression, or milliseconds). processEvery/lockLifetime are ms.
 * - every() keeps ONE job per name (agenda's `single` type): calling it at every boot updates
 *   that job and does not make it run at once again; an operator's disable() survives.
 * - uniqueSchedule() keeps ONE job per (name, key): a new call reschedules it (new time and
 *   data), also while it runs - that run's end does not overwrite the new schedule.
 * - On SQLite, do not call the scheduler inside db.tx(): both wait on Db's one mutex.
 */

export type JobData = unknown;

export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first run; n after n-1 failures (reset by a success). */
  readonly attempt: number;
  /** Extends the lock (and records progress 0-100): call it in long jobs, more often than lockLifetime. */
  touch(progress?: number): Promise<void>;
}

export type JobHandler<D = JobData> = (data: D, ctx: JobContext) => Promise<void>;

export interface DefineOptions {
  /** Runs of this job at once in this worker (default: defaultConcurrency). */
  concurrency?: number;
  /** Jobs of this name this worker may hold locked at once (default twice its concurrency), 0 = no limit. */
  lockLimit?: number;
  /** ms without touch() after which another worker may take the job over. */
  lockLifetime?: number;
  priority?: number | "lowest" | "low" | "normal" | "high" | "highest";
  /** Retry policy: delay in ms before retry `attempt` (1-based), or null to give up. */
  retry?: (attempt: number, error: Error) => number | null;
  /** Delete the row after a successful one-off run (default: the scheduler's removeOnComplete). */
  removeOnComplete?: boolean;
}

export interface SchedulerOptions {
  db: Db;
  /** This worker's name in last_modified_by and job logs (default host:pid). */
  name?: string;
  /** Poll interval in ms (default 5000). */
  processEvery?: number;
  /** Jobs running at once in this worker (default 20). */
  maxConcurrency?: number;
  /** Default per-job-name concurrency (default 5). */
  defaultConcurrency?: number;
  /** Jobs this worker may hold locked at once, 0 = no limit (default; each job name has its own limit, see define()). */
  lockLimit?: number;
  defaultLockLimit?: number;
  /** Default lock lifetime in ms (default 10 minutes). */
  lockLifetime?: number;
  removeOnComplete?: boolean;
  /** Record job events in job_logs (agenda.getLogs()). */
  logging?: boolean;
  logger?: Logger;
  /**
   * Due jobs one lock transaction takes (default 8). The rest wait, locked by this worker, for
   * agenda's next ask (at most 1 s, then they are let go for other workers).
   */
  prefetch?: number;
}

export interface CancelQuery {
  id?: string;
  name?: string;
  /** With name: the job of uniqueSchedule(uniqueKey, …, name). */
  uniqueKey?: string;
  /** Jobs whose data contains this (JSON containment). */
  data?: unknown;
}

export interface Scheduler {
  define<D = JobData>(name: string, handler: JobHandler<D>, opts?: DefineOptions): void;
  /** Starts polling and running defined jobs. Enqueueing works without start(). */
  start(): Promise<void>;
  /**
   * Stops taking jobs, releases the ones taken but not started, then waits up to graceMs
   * (default 30 s) for running jobs to finish. Jobs still running after that keep their lock
   * until it expires, and another worker runs them again. The Db stays open.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
  /** Returns the job id. */
  now<D = JobData>(name: string, data?: D): Promise<string>;
  schedule<D = JobData>(when: Date | string, name: string, data?: D): Promise<string>;
  every<D = JobData>(interval: string | number, name: string, data?: D, opts?: { timezone?: string; skipImmediate?: boolean }): Promise<string>;
  /** One job per (name, uniqueKey); insertOnly keeps an existing one untouched. */
  uniqueSchedule<D = JobData>(uniqueKey: string, when: Date | string, name: string, data?: D, opts?: { insertOnly?: boolean }): Promise<string>;
  /** Many uniqueSchedule() calls in one transaction per 500 (a later one with the same key wins). */
  uniqueScheduleMany(jobs: { uniqueKey: string; when: Date | string; name: string; data?: JobData }[]): Promise<void>;
  /** Deletes matching jobs (a running one finishes its current run); returns how many. */
  cancel(query: CancelQuery): Promise<number>;
  /** The agenda instance, for tests and tools (queryJobs, getJobsOverview, disable/enable, …). */
  readonly agenda: Agenda;
  readonly backend: SqlBackend;
}

const uniqueOf = (uniqueKey: string) => ({ uniqueKey });
const DEFAULT_PREFETCH = 8;

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const backend = new SqlBackend(opts.db, { prefetch: opts.prefetch ?? DEFAULT_PREFETCH });
  const repo = backend.repository;
  const agenda = new Agenda({
    backend,
    name: opts.name ?? `${hostname()}:${process.pid}`,
    processEvery: opts.processEvery,
    maxConcurrency: opts.maxConcurrency,
    defaultConcurrency: opts.defaultConcurrency,
    lockLimit: opts.lockLimit,
    defaultLockLimit: opts.defaultLockLimit,
    defaultLockLifetime: opts.lockLifetime,
    removeOnComplete: opts.removeOnComplete,
    logging: opts.logging ?? false,
  });
  agenda.on("error", (err: Error) => opts.logger?.error({ err }, "job scheduler error"));
  agenda.on("fail", (err: Error, job: Job) => opts.logger?.warn({ err, job: job.attrs.name, id: String(job.attrs._id) }, "job failed"));
  let started = false;
  const id = (job: Job) => String(job.attrs._id);

  return {
    agenda,
    backend,

    define(name, handler, o = {}) {
      const retry = o.retry;
      agenda.define(
        name,
        async (job: Job) => {
          // Touches still under way when the handler returns are waited for, so none lands after
          // the run's end is saved; a touch that fails (the lock was lost) is logged, and never
          // rejects: handlers call it without waiting (`void ctx.touch()`), and an unhandled
          // rejection would end the process.
          const touches = new Set<Promise<void>>();
          const ctx: JobContext = {
            id: id(job),
            name,
            attempt: (job.attrs.failCount ?? 0) + 1,
            touch: (progress) => {
              const p = job.touch(progress).catch((err: unknown) => {
                opts.logger?.warn({ err, job: name, id: id(job) }, "job touch failed");
              });
              touches.add(p);
              void p.finally(() => touches.delete(p));
              return p;
            },
          };
          try {
            await handler(job.attrs.data as Parameters<typeof handler>[0], ctx);
          } finally {
            await Promise.allSettled([...touches]);
          }
        },
        {
          concurrency: o.concurrency,
          // A worker holds at most twice the runs it can make at once: without a limit agenda locks
          // every due job of a name into its own queue (10,000 sla-checks after an outage), where
          // the other workers cannot take them until their lock expires.
          lockLimit: o.lockLimit ?? 2 * (o.concurrency ?? opts.defaultConcurrency ?? 5),
          lockLifetime: o.lockLifetime,
          priority: o.priority,
          removeOnComplete: o.removeOnComplete,
          backoff: retry ? (c) => retry(c.attempt, c.error) : undefined,
        },
      );
    },

    async start() {
      if (started) return;
      repo.resume();
      await agenda.start();
      started = true;
    },

    async stop({ graceMs = 30_000 } = {}) {
      if (!started) return;
      started = false;
      // No new locks; a lock already on its way to agenda reaches it before agenda stops
      // (setImmediate runs after those promise continuations), so agenda releases it below.
      const settled = repo.quiesce();
      await new Promise((r) => setImmediate(r));
      await agenda.stop();
      await settled;
      // What is still held now is running here; it releases itself when it ends.
      const deadline = Date.now() + graceMs;
      while (repo.held.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    },

    async now(name, data) {
      return id(await agenda.now(name, data));
    },

    async schedule(when, name, data) {
      return id(await agenda.schedule(when, name, data));
    },

    async every(interval, name, data, o = {}) {
      return id(await agenda.every(interval, name, data, { timezone: o.timezone, skipImmediate: o.skipImmediate }));
    },

    async uniqueSchedule(uniqueKey, when, name, data, o = {}) {
      const job = agenda.create(name, data).schedule(when).unique(uniqueOf(uniqueKey), o.insertOnly ? { insertOnly: true } : undefined);
      return id(await job.save());
    },

    async uniqueScheduleMany(jobs) {
      if (jobs.length === 0) return;
      await agenda.ready;
      const params = jobs.map((j) => agenda.create(j.name, j.data).schedule(j.when).unique(uniqueOf(j.uniqueKey)).toJson(true));
      await repo.saveUniqueJobs(params, { lastModifiedBy: agenda.attrs.name || undefined });
    },

    cancel(query) {
      if (query.uniqueKey !== undefined && !query.name) throw new Error("cancel by uniqueKey needs the job name");
      if (query.id === undefined && query.name === undefined && query.data === undefined) throw new Error("cancel needs a query");
      return repo.removeJobs({
        id: query.id,
        name: query.name,
        data: query.data,
        unique: query.uniqueKey === undefined ? undefined : uniqueOf(query.uniqueKey),
      });
    },
  };
}
