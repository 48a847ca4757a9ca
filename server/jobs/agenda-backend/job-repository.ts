import { randomBytes } from "node:crypto";
import type {
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobState,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobsSort,
  JobWithState,
  RemoveJobsOptions,
} from "agenda";
import {
  SAVED_COLUMNS,
  contains,
  failReasonText,
  rowToJob,
  savedValues,
  singleKeyOf,
  uniqueKeyOf,
  type JobRow,
  type StoredJob,
} from "./job-row.js";
import { forUpdate, fromSqlTime, placeholders, skipLocked, toSqlTime, type Param, type Sql, type SqlRunner } from "./sql.js";

/** RemoveJobsOptions plus our key lookup: the jobs saved under this `unique` object (needs `name`). */
export interface SqlRemoveJobsOptions extends RemoveJobsOptions {
  unique?: Record<string, unknown>;
}

/**
 * agenda's computeJobState as one SQL expression (two `now` parameters), so state filters,
 * pagination and the overview run in the database. Keep in step with agenda's function; the
 * tests compare the two.
 */
const STATE_SQL = `CASE
  WHEN locked_at IS NOT NULL THEN 'running'
  WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
  WHEN repeat_interval IS NOT NULL THEN 'repeating'
  WHEN next_run_at > ? THEN 'scheduled'
  WHEN next_run_at <= ? THEN 'queued'
  ELSE 'completed' END`;

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: "next_run_at",
  lastRunAt: "last_run_at",
  lastFinishedAt: "last_finished_at",
  priority: "priority",
  name: "name",
  data: "data",
};

const CHUNK = 500;
/** How long a job locked ahead (see `prefetch`) waits for agenda to ask for it before it is let go for other workers. */
const PREFETCH_HOLD_MS = 1000;
/** LIMIT for "no limit" with an OFFSET; both dialects accept it. */
const NO_LIMIT = 9007199254740991;

const newToken = () => randomBytes(12).toString("hex");
const asId = (id: unknown): number | undefined => {
  const s = String(id ?? "");
  return /^\d{1,15}$/.test(s) ? Number(s) : undefined;
};
const sameTime = (col: string) => `(${col} = ? OR (${col} IS NULL AND ? IS NULL))`;

interface Filter {
  where: string[];
  params: Param[];
  data?: unknown;
}

/**
 * agenda's JobRepository over our SQL `jobs` table (SQLite, MySQL 8, MariaDB ≥ 10.6).
 *
 * Locking: getNextJobToRun takes the first job that is due and unlocked (or whose lock
 * expired) with `SELECT … FOR UPDATE SKIP LOCKED` and stamps it with `UPDATE` in the same
 * transaction; workers skip each other's rows instead of queueing on them. On SQLite the
 * same statements run in one `BEGIN IMMEDIATE` transaction under Db's mutex.
 * Each lock carries a token; saveJobState (run start, touch, finish) only writes while the
 * token still matches, so a worker whose lock expired and was taken over cannot unlock or
 * overwrite the new holder's run.
 * single/unique saves upsert on a unique index (retrying the transaction when a concurrent
 * insert wins), so concurrent saves never make two rows.
 */
export class SqlJobRepository implements JobRepository {
  /** Locks this instance holds and has not released (job id -> lock token): what a shutdown still owes. */
  readonly held = new Map<string, string>();
  private closing = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly lastExpiredCheck = new Map<string, number>();

  /**
   * Jobs locked ahead by getNextJobToRun and not handed to agenda yet, per job name, oldest lock
   * first. They are in `held` too (a shutdown releases them) and are let go after
   * PREFETCH_HOLD_MS if agenda has not asked for them.
   */
  private readonly prefetched = new Map<string, { row: JobRow; at: number }[]>();
  private prefetchTimer: NodeJS.Timeout | undefined;

  /**
   * @param expiredLockCheckMs how often (per job name) the lock path also looks for expired
   *   locks. Those jobs have waited lockLifetime already; probing on every call would add a
   *   query to every lock.
   * @param prefetch how many due jobs one lock transaction takes (1: one at a time). agenda
   *   asks for jobs one call at a time while it fills its queue; with more than one, the lock
   *   transaction (BEGIN, SELECT … SKIP LOCKED, UPDATE, COMMIT) is paid once per `prefetch` jobs.
   */
  constructor(
    private readonly sql: SqlRunner,
    private readonly expiredLockCheckMs = 1000,
    private readonly prefetch = 1,
  ) {}

  async connect(): Promise<void> {
    try {
      await this.sql.rows("SELECT id FROM jobs WHERE 1 = 0");
    } catch (err) {
      throw new Error(`the jobs table is missing: run the migrations first (${(err as Error).message})`);
    }
  }

  // ---------------------------------------------------------------- reads

  async getJobById(id: string): Promise<JobParameters | null> {
    const n = asId(id);
    if (n === undefined) return null;
    const [row] = await this.sql.rows<JobRow>("SELECT * FROM jobs WHERE id = ?", [n]);
    return row ? rowToJob(row) : null;
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = await this.sql.rows<{ name: string }>("SELECT DISTINCT name FROM jobs ORDER BY name");
    return rows.map((r) => r.name);
  }

  async getQueueSize(): Promise<number> {
    const [r] = await this.sql.rows<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE next_run_at < ?", [toSqlTime(new Date())]);
    return Number(r?.n ?? 0);
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { name, names, state, id, ids, search, data, includeDisabled = true, sort, skip = 0, limit = 0 } = options;
    const now = toSqlTime(new Date());
    const where: string[] = [];
    const params: Param[] = [];
    if (name) {
      where.push("name = ?");
      params.push(name);
    } else if (names && names.length > 0) {
      where.push(`name IN (${placeholders(names.length)})`);
      params.push(...names);
    }
    if (id) {
      const n = asId(id);
      where.push(n === undefined ? "1 = 0" : "id = ?");
      if (n !== undefined) params.push(n);
    } else if (ids && ids.length > 0) {
      const ns = ids.map(asId).filter((n): n is number => n !== undefined);
      where.push(ns.length ? `id IN (${placeholders(ns.length)})` : "1 = 0");
      params.push(...ns);
    }
    if (search) {
      where.push("name LIKE ? ESCAPE '!'");
      params.push(`%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`);
    }
    if (!includeDisabled) where.push("disabled = 0");
    if (state === "paused") where.push("disabled = 1");
    else if (state) {
      where.push(`(${STATE_SQL}) = ?`);
      params.push(now, now, state);
    }
    const whereSql = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    const select = `SELECT jobs.*, ${STATE_SQL} AS job_state FROM jobs${whereSql} ORDER BY ${this.orderBy(sort)}`;
    const toJob = (r: JobRow & { job_state: JobState }): JobWithState => ({ ...rowToJob(r), _id: String(r.id) as JobId, state: r.job_state });

    if (data === undefined) {
      const [{ n }] = await this.sql.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs${whereSql}`, params);
      const page = limit > 0 || skip > 0 ? ` LIMIT ${limit > 0 ? Math.floor(limit) : NO_LIMIT} OFFSET ${Math.max(0, Math.floor(skip))}` : "";
      const rows = await this.sql.rows<JobRow & { job_state: JobState }>(select + page, [now, now, ...params]);
      return { jobs: rows.map(toJob), total: Number(n) };
    }
    // JSON containment is not portable SQL (SQLite has no JSON_CONTAINS): filter those in JS.
    const pattern = JSON.parse(JSON.stringify(data)) as unknown;
    const all = (await this.sql.rows<JobRow & { job_state: JobState }>(select, [now, now, ...params])).filter((r) =>
      contains(r.data === null ? undefined : JSON.parse(r.data), pattern),
    );
    const page = limit > 0 ? all.slice(skip, skip + limit) : all.slice(skip);
    return { jobs: page.map(toJob), total: all.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = toSqlTime(new Date());
    const rows = await this.sql.rows<{ name: string; job_state: JobState; disabled: number; n: number }>(
      `SELECT name, ${STATE_SQL} AS job_state, disabled, COUNT(*) AS n FROM jobs GROUP BY name, job_state, disabled ORDER BY name`,
      [now, now],
    );
    const byName = new Map<string, JobsOverview>();
    for (const r of rows) {
      let o = byName.get(r.name);
      if (!o) {
        o = { name: r.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
        byName.set(r.name, o);
      }
      const n = Number(r.n);
      o.total += n;
      o[r.job_state] += n;
      if (Number(r.disabled) === 1) o.paused += n;
    }
    return [...byName.values()];
  }

  private orderBy(sort: JobsSort | undefined): string {
    const parts: string[] = [];
    for (const [key, dir] of Object.entries(sort ?? {})) {
      const column = SORT_COLUMNS[key as keyof JobsSort];
      if (!column || (dir !== "asc" && dir !== "desc")) continue;
      // NULLS LAST in both dialects (MySQL has no NULLS LAST).
      parts.push(`(${column} IS NULL), ${column} ${dir === "asc" ? "ASC" : "DESC"}`);
    }
    if (parts.length === 0) parts.push("(next_run_at IS NULL), next_run_at DESC", "(last_run_at IS NULL), last_run_at DESC");
    return [...parts, "id ASC"].join(", ");
  }

  // ---------------------------------------------------------------- bulk changes

  private filter(options: SqlRemoveJobsOptions): Filter | null {
    const where: string[] = [];
    const params: Param[] = [];
    if (options.id !== undefined && options.id !== null) {
      const n = asId(options.id);
      where.push(n === undefined ? "1 = 0" : "id = ?");
      if (n !== undefined) params.push(n);
    } else if (options.ids && options.ids.length > 0) {
      const ns = options.ids.map(asId).filter((n): n is number => n !== undefined);
      where.push(ns.length ? `id IN (${placeholders(ns.length)})` : "1 = 0");
      params.push(...ns);
    }
    if (options.name) {
      where.push("name = ?");
      params.push(options.name);
    } else if (options.names && options.names.length > 0) {
      where.push(`name IN (${placeholders(options.names.length)})`);
      params.push(...options.names);
    } else if (options.notNames && options.notNames.length > 0) {
      where.push(`name NOT IN (${placeholders(options.notNames.length)})`);
      params.push(...options.notNames);
    }
    if (options.unique) {
      if (!options.name) throw new Error("removing by unique key needs the job name");
      where.push("unique_key = ?");
      params.push(uniqueKeyOf(options.name, options.unique));
    }
    if (options.data !== undefined) {
      // Narrowed in SQL by the other criteria, then matched in JS (see queryJobs).
      return { where: where.length ? where : ["1 = 1"], params, data: JSON.parse(JSON.stringify(options.data)) as unknown };
    }
    return where.length ? { where, params } : null;
  }

  /** Runs `UPDATE/DELETE … WHERE <filter>`; with a data filter, on the matching ids in chunks. */
  private async bulk(statement: string, options: SqlRemoveJobsOptions): Promise<number> {
    const f = this.filter(options);
    if (!f) return 0; // no criteria: never touch every job by accident
    if (f.data === undefined) return (await this.sql.run(`${statement} WHERE ${f.where.join(" AND ")}`, f.params)).affected;
    const rows = await this.sql.rows<{ id: number; data: string | null }>(`SELECT id, data FROM jobs WHERE ${f.where.join(" AND ")}`, f.params);
    const ids = rows.filter((r) => contains(r.data === null ? undefined : JSON.parse(r.data), f.data)).map((r) => Number(r.id));
    let affected = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      affected += (await this.sql.run(`${statement} WHERE id IN (${placeholders(part.length)})`, part)).affected;
    }
    return affected;
  }

  removeJobs(options: SqlRemoveJobsOptions): Promise<number> {
    return this.bulk("DELETE FROM jobs", options);
  }

  disableJobs(options: SqlRemoveJobsOptions): Promise<number> {
    return this.bulk("UPDATE jobs SET disabled = 1", options);
  }

  enableJobs(options: SqlRemoveJobsOptions): Promise<number> {
    return this.bulk("UPDATE jobs SET disabled = 0", options);
  }

  async purgeAllJobs(): Promise<number> {
    return (await this.sql.run("DELETE FROM jobs")).affected;
  }

  // ---------------------------------------------------------------- saves (user code)

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts, ...props } = job;
    const by = options?.lastModifiedBy ?? null;
    let saved: StoredJob | undefined;
    if (_id !== undefined && _id !== null) {
      saved = await this.updateById(String(_id), props as JobParameters, by);
      if (!saved) return job; // removed meanwhile: agenda expects the job back unchanged
    } else if (props.type === "single") {
      saved = await this.upsertSingle(props as JobParameters, by);
    } else if (unique) {
      saved = await this.upsertUnique(props as JobParameters, unique, uniqueOpts ?? {}, by);
    } else {
      saved = await this.insert(this.sql, props as JobParameters, by, null, null);
    }
    return saved as JobParameters<DATA>;
  }

  private async updateById(id: string, props: JobParameters, by: string | null): Promise<StoredJob | undefined> {
    const n = asId(id);
    if (n === undefined) return undefined;
    const next = toSqlTime(props.nextRunAt);
    const now = toSqlTime(new Date());
    // schedule_rev first: MySQL evaluates SET left to right, and it must compare the old next_run_at.
    const res = await this.sql.run(
      `UPDATE jobs SET schedule_rev = CASE WHEN ${sameTime("next_run_at")} THEN schedule_rev ELSE schedule_rev + 1 END,
        next_run_at = ?, disabled = COALESCE(?, disabled), updated_at = ?, ${SAVED_COLUMNS.map((c) => `${c} = ?`).join(", ")}
        WHERE id = ? AND name = ?`,
      [next, next, next, props.disabled === undefined ? null : props.disabled ? 1 : 0, now, ...savedValues(props, by), n, props.name],
    );
    if (res.affected === 0) return undefined;
    return this.getJobById(String(n)) as Promise<StoredJob | undefined>;
  }

  /**
   * Many unique saves (no debounce, not insert-only) in one transaction: what saveJob does for
   * each, in two statements plus one UPDATE per job that already exists. For bursts of
   * after-commit work (a batch of new tickets each needing its sla-check and deliver-outbound).
   * A later job with the same key wins, as later saves would.
   */
  async saveUniqueJobs(jobs: JobParameters[], options: JobRepositoryOptions | undefined): Promise<void> {
    const by = options?.lastModifiedBy ?? null;
    const byKey = new Map<string, JobParameters>();
    for (const j of jobs) {
      if (!j.unique || j.uniqueOpts?.debounce || j.uniqueOpts?.insertOnly || j.type === "single") throw new Error("saveUniqueJobs takes plain unique jobs only");
      byKey.set(uniqueKeyOf(j.name, j.unique), j);
    }
    const keys = [...byKey.keys()];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      await this.sql.tx(
        async (q) => {
          const existing = await q.rows<JobRow>(`SELECT * FROM jobs WHERE unique_key IN (${placeholders(part.length)}) ORDER BY id${forUpdate(q.dialect)}`, part);
          const found = new Map(existing.map((r) => [r.unique_key!, r]));
          for (const [key, row] of found) {
            const p = byKey.get(key)!;
            const { unique: _u, uniqueOpts: _o, _id, ...props } = p;
            await this.overwrite(q, row, props as JobParameters, by, p.nextRunAt ?? null, "keep", false);
          }
          const fresh = part.filter((k) => !found.has(k));
          if (fresh.length === 0) return;
          const rows = fresh.map((k) => {
            const { unique: _u, uniqueOpts: _o, _id, ...props } = byKey.get(k)!;
            return this.newRow(props as JobParameters, by, k, null);
          });
          const columns = Object.keys(rows[0]!);
          await q.run(`INSERT INTO jobs (${columns.join(", ")}) VALUES ${rows.map(() => `(${placeholders(columns.length)})`).join(", ")}`, rows.flatMap((r) => Object.values(r) as Param[]));
        },
        { retryDuplicateKey: true },
      );
    }
  }

  private newRow(p: JobParameters, by: string | null, uniqueKey: string | null, debounceStartedAt: Date | null): Omit<JobRow, "id"> & { created_at: string; updated_at: string } {
    const now = toSqlTime(new Date())!;
    const row: Omit<JobRow, "id"> = {
      name: p.name,
      ...(Object.fromEntries(SAVED_COLUMNS.map((c, i) => [c, savedValues(p, by)[i]])) as Pick<JobRow, (typeof SAVED_COLUMNS)[number]>),
      next_run_at: toSqlTime(p.nextRunAt),
      disabled: p.disabled ? 1 : 0,
      unique_key: uniqueKey,
      debounce_started_at: toSqlTime(debounceStartedAt),
      // Processor fields are only ever set here by direct repository use (tests, imports).
      locked_at: toSqlTime(p.lockedAt),
      lock_token: null,
      last_run_at: toSqlTime(p.lastRunAt),
      last_finished_at: toSqlTime(p.lastFinishedAt),
      failed_at: toSqlTime(p.failedAt),
      fail_count: p.failCount ?? null,
      fail_reason: failReasonText(p.failReason),
      progress: p.progress ?? null,
      schedule_rev: 0,
    };
    return { ...row, created_at: now, updated_at: now };
  }

  private async insert(q: Sql, p: JobParameters, by: string | null, uniqueKey: string | null, debounceStartedAt: Date | null): Promise<StoredJob> {
    const row = this.newRow(p, by, uniqueKey, debounceStartedAt);
    const columns = Object.keys(row);
    const { insertId } = await q.run(`INSERT INTO jobs (${columns.join(", ")}) VALUES (${placeholders(columns.length)})`, Object.values(row) as Param[]);
    const { created_at: _c, updated_at: _u, ...job } = row;
    return rowToJob({ ...job, id: insertId });
  }

  /**
   * The upsert under both `single` and `unique`: in one transaction, find the row by key
   * (locking it), then let `plan` decide. Two first saves racing both insert; the loser hits
   * the unique index and its transaction is retried, now finding the winner's row.
   */
  private upsertByKey(
    key: string,
    plan: (existing: JobRow | undefined, now: Date, q: Sql) => Promise<StoredJob>,
  ): Promise<StoredJob> {
    return this.sql.tx(
      async (q) => {
        const [existing] = await q.rows<JobRow>(`SELECT * FROM jobs WHERE unique_key = ?${forUpdate(q.dialect)}`, [key]);
        return plan(existing, new Date(), q);
      },
      { retryDuplicateKey: true },
    );
  }

  /** Writes a save over an existing row; next_run_at only moves (and schedule_rev with it) when it changes. */
  private async overwrite(q: Sql, row: JobRow, p: JobParameters, by: string | null, nextRunAt: Date | null, debounceStartedAt: Date | null | "keep"): Promise<StoredJob>;
  private async overwrite(q: Sql, row: JobRow, p: JobParameters, by: string | null, nextRunAt: Date | null, debounceStartedAt: Date | null | "keep", readBack: false): Promise<void>;
  private async overwrite(q: Sql, row: JobRow, p: JobParameters, by: string | null, nextRunAt: Date | null, debounceStartedAt: Date | null | "keep", readBack = true): Promise<StoredJob | void> {
    const next = toSqlTime(nextRunAt);
    const moved = next !== toSqlTime(fromSqlTime(row.next_run_at));
    const sets = [`${SAVED_COLUMNS.map((c) => `${c} = ?`).join(", ")}`, "next_run_at = ?", "disabled = COALESCE(?, disabled)", "updated_at = ?"];
    const params: Param[] = [...savedValues(p, by), next, p.disabled === undefined ? null : p.disabled ? 1 : 0, toSqlTime(new Date())];
    if (moved) sets.push("schedule_rev = schedule_rev + 1");
    if (debounceStartedAt !== "keep") {
      sets.push("debounce_started_at = ?");
      params.push(toSqlTime(debounceStartedAt));
    }
    await q.run(`UPDATE jobs SET ${sets.join(", ")} WHERE id = ?`, [...params, row.id]);
    if (!readBack) return;
    const [fresh] = await q.rows<JobRow>("SELECT * FROM jobs WHERE id = ?", [row.id]);
    return rowToJob(fresh);
  }

  private upsertSingle(p: JobParameters, by: string | null): Promise<StoredJob> {
    return this.upsertByKey(singleKeyOf(p.name), async (existing, now, q) => {
      if (!existing) return this.insert(q, p, by, singleKeyOf(p.name), null);
      // every() at every boot must not make the job run now again: a nextRunAt of "now or
      // earlier" only fills a missing one (Mongo's $setOnInsert, Postgres' COALESCE).
      const current = fromSqlTime(existing.next_run_at) ?? null;
      const next = p.nextRunAt && p.nextRunAt.getTime() <= now.getTime() ? (current ?? p.nextRunAt) : p.nextRunAt;
      return this.overwrite(q, existing, p, by, next, "keep");
    });
  }

  private upsertUnique(
    p: JobParameters,
    unique: Record<string, unknown>,
    opts: NonNullable<JobParameters["uniqueOpts"]>,
    by: string | null,
  ): Promise<StoredJob> {
    const key = uniqueKeyOf(p.name, unique);
    const debounce = opts.debounce;
    return this.upsertByKey(key, async (e, now, q) => {
      const t = now.getTime();
      if (!e) {
        if (!debounce) return this.insert(q, p, by, key, null);
        const next = debounce.strategy === "leading" ? p.nextRunAt : new Date(t + debounce.delay);
        return this.insert(q, { ...p, nextRunAt: next }, by, key, now);
      }
      if (!debounce) {
        if (opts.insertOnly) return rowToJob(e);
        return this.overwrite(q, e, p, by, p.nextRunAt, "keep");
      }
      const started = fromSqlTime(e.debounce_started_at);
      const existingNext = fromSqlTime(e.next_run_at) ?? null;
      if (debounce.strategy === "leading") {
        // Within the window the first call's run stands (already done, or still pending); later calls only update data.
        const inWindow = started !== undefined && t - started.getTime() < debounce.delay;
        return inWindow ? this.overwrite(q, e, p, by, existingNext, "keep") : this.overwrite(q, e, p, by, p.nextRunAt, now);
      }
      // Trailing: a window is open while its run is still pending; once that run started, a save opens a new one.
      const lastRun = fromSqlTime(e.last_run_at);
      const open = started !== undefined && existingNext !== null && e.locked_at === null && !(lastRun && lastRun >= started);
      if (open && debounce.maxWait !== undefined && t >= started.getTime() + debounce.maxWait) {
        // maxWait is up: this save forces the run now and closes the window (agenda's own
        // backends clear debounceStartedAt here), so the next save opens a new window and
        // debounces again instead of being run at once under the old, expired one.
        return this.overwrite(q, e, p, by, now, null);
      }
      const windowStart = open ? started : now;
      let next = t + debounce.delay;
      if (debounce.maxWait !== undefined) next = Math.max(t, Math.min(next, windowStart.getTime() + debounce.maxWait));
      return this.overwrite(q, e, p, by, new Date(next), windowStart);
    });
  }

  // ---------------------------------------------------------------- locking (the job processor)

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    if (this.closing) return undefined;
    const ready = this.takePrefetched(jobName, nextScanAt);
    if (ready) return rowToJob(ready, true);
    const lockedAt = now ?? new Date();
    const token = newToken();
    const by = options?.lastModifiedBy ?? null;
    const last = this.lastExpiredCheck.get(jobName) ?? 0;
    const checkExpired = Date.now() - last >= this.expiredLockCheckMs;
    if (checkExpired) this.lastExpiredCheck.set(jobName, Date.now());

    const work = this.sql.tx(async (q) => {
      let rows: JobRow[] = [];
      if (checkExpired) {
        // A worker died (or stalled past lockLifetime) holding this job: take it over.
        rows = await q.rows<JobRow>(
          `SELECT * FROM jobs WHERE name = ? AND disabled = 0 AND locked_at <= ? ORDER BY locked_at LIMIT 1${skipLocked(q.dialect)}`,
          [jobName, toSqlTime(lockDeadline)],
        );
      }
      if (rows.length === 0) {
        rows = await q.rows<JobRow>(
          `SELECT * FROM jobs WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at <= ?
           ORDER BY next_run_at, neg_priority, id LIMIT ${Math.max(1, Math.floor(this.prefetch))}${skipLocked(q.dialect)}`,
          [jobName, toSqlTime(nextScanAt)],
        );
      } else {
        this.lastExpiredCheck.set(jobName, 0); // there may be more: keep looking on the next call
      }
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      await q.run(`UPDATE jobs SET locked_at = ?, lock_token = ?, last_modified_by = ? WHERE id IN (${placeholders(ids.length)})`, [
        toSqlTime(lockedAt),
        token,
        by,
        ...ids,
      ]);
      return rows.map((row) => ({ ...row, locked_at: toSqlTime(lockedAt), lock_token: token, last_modified_by: by }));
    });
    const rows = await this.track(work);
    if (rows.length === 0) return undefined;
    if (this.closing) {
      // Locked while shutting down: agenda will not run them any more, so let them go at once.
      await this.sql.run(`UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id IN (${placeholders(rows.length)}) AND lock_token = ?`, [
        ...rows.map((r) => r.id),
        token,
      ]);
      return undefined;
    }
    for (const r of rows) this.held.set(String(r.id), token);
    const [first, ...rest] = rows;
    if (rest.length) {
      const queue = this.prefetched.get(jobName) ?? [];
      const at = Date.now();
      queue.push(...rest.map((row) => ({ row, at })));
      this.prefetched.set(jobName, queue);
      this.armPrefetchTimer();
    }
    return rowToJob(first!, true);
  }

  /** The oldest job locked ahead for this name that is due by nextScanAt and still ours. */
  private takePrefetched(jobName: string, nextScanAt: Date): JobRow | undefined {
    const queue = this.prefetched.get(jobName);
    if (!queue?.length) return undefined;
    for (let i = 0; i < queue.length; i++) {
      const { row } = queue[i]!;
      // Released meanwhile (a shutdown, agenda's unlockJobs) or not due within this scan.
      if (this.held.get(String(row.id)) !== row.lock_token) {
        queue.splice(i--, 1);
        continue;
      }
      const due = fromSqlTime(row.next_run_at);
      if (due && due > nextScanAt) continue;
      queue.splice(i, 1);
      if (queue.length === 0) this.prefetched.delete(jobName);
      return row;
    }
    return undefined;
  }

  private armPrefetchTimer(): void {
    this.prefetchTimer ??= setTimeout(() => {
      this.prefetchTimer = undefined;
      void this.track(this.releasePrefetched(Date.now() - PREFETCH_HOLD_MS)).catch(() => undefined);
    }, PREFETCH_HOLD_MS).unref();
  }

  /** Lets go of jobs locked ahead before `before` (ms; all when omitted) that agenda did not ask for. */
  private async releasePrefetched(before = Infinity): Promise<void> {
    const ids: string[] = [];
    for (const [name, queue] of this.prefetched) {
      const keep = queue.filter((e) => e.at > before);
      for (const e of queue) if (e.at <= before && this.held.get(String(e.row.id)) === e.row.lock_token) ids.push(String(e.row.id));
      if (keep.length) this.prefetched.set(name, keep);
      else this.prefetched.delete(name);
    }
    if (this.prefetched.size && !this.closing) this.armPrefetchTimer();
    if (ids.length) await this.unlockJobs(ids);
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    const n = asId(job._id);
    if (n === undefined || this.closing) return undefined;
    const next = toSqlTime(job.nextRunAt);
    const token = newToken();
    const res = await this.sql.run(
      `UPDATE jobs SET locked_at = ?, lock_token = ?, last_modified_by = ?
       WHERE id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND ${sameTime("next_run_at")}`,
      [toSqlTime(new Date()), token, options?.lastModifiedBy ?? null, n, job.name, next, next],
    );
    if (res.affected !== 1) return undefined;
    const [row] = await this.sql.rows<JobRow>("SELECT * FROM jobs WHERE id = ?", [n]);
    if (!row) return undefined;
    this.held.set(String(n), token);
    return rowToJob(row, true);
  }

  /**
   * Releases a lock (agenda: a job locked but not run, e.g. over a lock limit or due too far
   * ahead). Only jobs not yet started (a started one-off has next_run_at NULL and is released by
   * its run), and only while the lock is still ours: if it expired and another worker took the
   * job over, that worker's lock stays.
   */
  async unlockJob(job: JobParameters): Promise<void> {
    const n = asId(job._id);
    if (n === undefined) return;
    const token = (job as StoredJob).lockToken ?? this.held.get(String(n));
    await this.sql.run(
      `UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id = ? AND next_run_at IS NOT NULL${token ? " AND lock_token = ?" : ""}`,
      token ? [n, token] : [n],
    );
    this.held.delete(String(n));
  }

  /**
   * Releases locks by id (agenda.stop(): jobs locked here and not started). Ids this instance
   * locked are released only while they still carry its token; other ids unconditionally, as
   * the contract says.
   */
  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    const ns = jobIds.map(asId).filter((n): n is number => n !== undefined);
    const ours = ns.filter((n) => this.held.has(String(n)));
    const others = ns.filter((n) => !this.held.has(String(n)));
    for (let i = 0; i < ours.length; i += CHUNK) {
      const part = ours.slice(i, i + CHUNK);
      const tokens = part.map((n) => this.held.get(String(n)) as string);
      // Tokens are random per lock, so "id IN … AND token IN …" pairs each id with its own token.
      await this.sql.run(
        `UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id IN (${placeholders(part.length)}) AND lock_token IN (${placeholders(part.length)})`,
        [...part, ...tokens],
      );
    }
    for (let i = 0; i < others.length; i += CHUNK) {
      const part = others.slice(i, i + CHUNK);
      await this.sql.run(`UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id IN (${placeholders(part.length)})`, part);
    }
    for (const n of ns) this.held.delete(String(n));
  }

  /**
   * The processor's writes: run start, touch() and finish. With the lock's token it only
   * writes while this worker still holds the lock; with the lock's schedule_rev it keeps a
   * next_run_at that a save changed during the run (the reschedule wins over the computed one,
   * and over a retry time). When that happens, job.nextRunAt (agenda's job.attrs) is set to the
   * stored schedule, so agenda sees a pending run: removeOnComplete does not delete the job.
   */
  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    const n = asId(job._id);
    if (n === undefined) throw new Error("Cannot save job state without job ID");
    const { lockToken, scheduleRev } = job as StoredJob;
    const sets = `locked_at = ?, lock_token = ${job.lockedAt ? "lock_token" : "NULL"}, last_run_at = ?, progress = ?,
         fail_reason = ?, fail_count = ?, failed_at = ?, last_finished_at = ?, last_modified_by = ?, updated_at = ?`;
    const values: Param[] = [
      toSqlTime(job.lockedAt),
      toSqlTime(job.lastRunAt),
      job.progress ?? null,
      failReasonText(job.failReason),
      job.failCount ?? null,
      toSqlTime(job.failedAt),
      toSqlTime(job.lastFinishedAt),
      options?.lastModifiedBy ?? null,
      toSqlTime(new Date()),
    ];
    const guard = lockToken ? " AND lock_token = ?" : "";
    const where: Param[] = lockToken ? [n, job.name, lockToken] : [n, job.name];
    const next = toSqlTime(job.nextRunAt);

    let affected: number;
    if (scheduleRev === undefined) {
      affected = (await this.sql.run(`UPDATE jobs SET ${sets}, next_run_at = ? WHERE id = ? AND name = ?${guard}`, [...values, next, ...where])).affected;
    } else {
      // The usual case, one statement: nobody rescheduled the job since it was locked.
      affected = (
        await this.sql.run(`UPDATE jobs SET ${sets}, next_run_at = ? WHERE id = ? AND name = ?${guard} AND schedule_rev = ?`, [
          ...values,
          next,
          ...where,
          scheduleRev,
        ])
      ).affected;
      if (affected !== 1) {
        // Rescheduled meanwhile (or lock lost / job gone, told apart below): keep its next_run_at.
        affected = (await this.sql.run(`UPDATE jobs SET ${sets} WHERE id = ? AND name = ?${guard}`, [...values, ...where])).affected;
        if (affected === 1) {
          const [row] = await this.sql.rows<{ next_run_at: unknown }>("SELECT next_run_at FROM jobs WHERE id = ?", [n]);
          if (row) job.nextRunAt = fromSqlTime(row.next_run_at) ?? null;
        }
      }
    }
    if (!job.lockedAt || affected !== 1) this.held.delete(String(n));
    if (affected !== 1) {
      const lost = lockToken !== undefined && (await this.getJobById(String(n))) !== null;
      throw new Error(
        lost
          ? `job ${n} (name: ${job.name}) lost its lock: it expired and another worker took the job over`
          : `job ${n} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`,
      );
    }
  }

  // ---------------------------------------------------------------- shutdown

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Stop taking locks; resolves when lock attempts already under way have finished. */
  async quiesce(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inflight]);
    clearTimeout(this.prefetchTimer);
    this.prefetchTimer = undefined;
    await this.releasePrefetched();
  }

  /** Take locks again (a scheduler started after a stop). */
  resume(): void {
    this.closing = false;
  }

  /** Releases the given held locks (jobs this instance locked but will not run). */
  async release(ids: Iterable<string>): Promise<void> {
    await this.unlockJobs([...ids]);
  }
}

