import { createHash } from "node:crypto";
import { inspect } from "node:util";
import type { JobId, JobParameters } from "agenda";
import { fromSqlTime, toSqlTime, type Param } from "./sql.js";

/** A row of the `jobs` table as the drivers return it (times: Date on MySQL, text on SQLite). */
export interface JobRow {
  id: number;
  name: string;
  priority: number;
  neg_priority: number;
  next_run_at: unknown;
  type: string;
  locked_at: unknown;
  lock_token: string | null;
  last_run_at: unknown;
  last_finished_at: unknown;
  failed_at: unknown;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  data: string | null;
  disabled: number | boolean;
  progress: number | null;
  fork: number | boolean;
  last_modified_by: string | null;
  debounce_started_at: unknown;
  start_date: unknown;
  end_date: unknown;
  skip_days: string | null;
  unique_key: string | null;
  schedule_rev: number;
}

/**
 * What a lock hands to agenda besides JobParameters. Agenda keeps unknown attributes on
 * job.attrs and passes them back to saveJobState, which is how a worker proves it still holds
 * the lock and which schedule it saw.
 */
export interface LockAttrs {
  lockToken?: string;
  scheduleRev?: number;
}

export type StoredJob = JobParameters & LockAttrs;

const bool = (v: unknown): boolean => v === true || v === 1 || v === "1";

/** JSON text, with SQL NULL standing for `undefined` (agenda's create(name) has no data). */
export function encodeData(data: unknown): string | null {
  return data === undefined ? null : JSON.stringify(data);
}

/** What the `fail_reason` and `job_logs.error` columns hold at most: MySQL's TEXT, 65,535 bytes of UTF-8. */
export const TEXT_COLUMN_BYTES = 65_535;
const CUT_MARK = " …[cut]";

/** `s` cut to at most `maxBytes` bytes of UTF-8, on a character boundary, marked when cut. */
export function capUtf8(s: string, maxBytes = TEXT_COLUMN_BYTES): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  const kept = Buffer.from(s).subarray(0, maxBytes - Buffer.byteLength(CUT_MARK)).toString("utf8");
  // A character split by the cut decodes to U+FFFD: drop it rather than store a wrong character.
  return kept.replace(/\uFFFD+$/, "") + CUT_MARK;
}

/**
 * A failure reason as readable text. agenda passes an Error's message, but a handler may throw
 * anything, and a forked child reports its error as an object: bound as a parameter, an object
 * makes better-sqlite3 fail the whole save ("Too few parameter values") and mysql2 store
 * "[object Object]". Strings stay as they are; an Error gives its message (its stack when the
 * message is empty); an object its JSON (util.inspect when JSON cannot show it: cycles, BigInt,
 * no own enumerable fields); anything else String(). Always within the column's size.
 */
export function failReasonText(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  let text: string;
  if (typeof reason === "string") text = reason;
  else if (reason instanceof Error) text = reason.message || reason.stack || reason.name;
  else if (typeof reason === "object") {
    let json: string | undefined;
    try {
      json = JSON.stringify(reason);
    } catch {
      json = undefined;
    }
    text = json && json !== "{}" && json !== "[]" ? json : inspect(reason, { depth: 4, breakLength: Infinity });
  } else text = String(reason);
  return capUtf8(text);
}

export function encodeInterval(v: string | number | undefined): string | null {
  return v === undefined || v === null || v === "" || v === 0 ? null : String(v);
}

export function rowToJob(row: JobRow, withLock = false): StoredJob {
  const interval = row.repeat_interval;
  const job: StoredJob = {
    _id: String(row.id) as JobId,
    name: row.name,
    priority: Number(row.priority),
    nextRunAt: fromSqlTime(row.next_run_at) ?? null,
    type: row.type === "single" ? "single" : "normal",
    lockedAt: fromSqlTime(row.locked_at),
    lastRunAt: fromSqlTime(row.last_run_at),
    lastFinishedAt: fromSqlTime(row.last_finished_at),
    failedAt: fromSqlTime(row.failed_at),
    failCount: row.fail_count ?? undefined,
    failReason: row.fail_reason ?? undefined,
    // agenda accepts a number of milliseconds; keep it a number on the way back.
    repeatInterval: interval === null ? undefined : /^\d+$/.test(interval) ? Number(interval) : interval,
    repeatTimezone: row.repeat_timezone ?? undefined,
    repeatAt: row.repeat_at ?? undefined,
    data: row.data === null ? undefined : JSON.parse(row.data),
    disabled: bool(row.disabled),
    progress: row.progress ?? undefined,
    fork: bool(row.fork),
    lastModifiedBy: row.last_modified_by ?? undefined,
    debounceStartedAt: fromSqlTime(row.debounce_started_at),
    startDate: fromSqlTime(row.start_date),
    endDate: fromSqlTime(row.end_date),
    skipDays: row.skip_days ? (JSON.parse(row.skip_days) as number[]) : undefined,
  };
  if (withLock) {
    job.lockToken = row.lock_token ?? undefined;
    job.scheduleRev = Number(row.schedule_rev);
  }
  return job;
}

/** Columns a save (user code, not the job processor) writes, in a fixed order. */
export const SAVED_COLUMNS = [
  "priority",
  "neg_priority",
  "type",
  "repeat_interval",
  "repeat_timezone",
  "repeat_at",
  "data",
  "fork",
  "last_modified_by",
  "start_date",
  "end_date",
  "skip_days",
] as const;

export function savedValues(job: JobParameters, lastModifiedBy: string | null): Param[] {
  const priority = Number(job.priority) || 0;
  return [
    priority,
    -priority,
    job.type === "single" ? "single" : "normal",
    encodeInterval(job.repeatInterval),
    job.repeatTimezone ?? null,
    job.repeatAt ?? null,
    encodeData(job.data),
    job.fork ? 1 : 0,
    lastModifiedBy,
    toSqlTime(job.startDate),
    toSqlTime(job.endDate),
    job.skipDays ? JSON.stringify(job.skipDays) : null,
  ];
}

/** Stable JSON: object keys sorted, so { a, b } and { b, a } make the same unique key. */
function canonical(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * The unique_key of a job. agenda's `unique` is a query object in the Mongo style
 * ({ "data.ticketId": 7 }); here it is an opaque key: a job matches only jobs saved with an
 * equal unique object under the same name. That is what lets a unique index (and not a scan
 * that would have to lock every job of that name) decide under concurrent saves.
 */
export function uniqueKeyOf(name: string, unique: Record<string, unknown>): string {
  return createHash("sha256").update(`unique\0${name}\0${canonical(unique)}`).digest("hex");
}

export function singleKeyOf(name: string): string {
  return createHash("sha256").update(`single\0${name}`).digest("hex");
}

/** JSON containment as PostgreSQL's `@>`: every key of the pattern present with a contained value; array elements each contained in some element. */
export function contains(value: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== "object") return value === pattern;
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return false;
    return pattern.every((p) => value.some((v) => contains(v, p)));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  return Object.entries(pattern as Record<string, unknown>).every(([k, p]) => k in obj && contains(obj[k], p));
}
