import type { JobLogEntry, JobLogger, JobLogQuery, JobLogQueryResult } from "agenda";
import { capUtf8, failReasonText } from "./job-row.js";
import { fromSqlTime, placeholders, toSqlTime, type Param, type SqlRunner } from "./sql.js";

interface LogRow {
  id: number;
  logged_at: unknown;
  level: JobLogEntry["level"];
  event: JobLogEntry["event"];
  job_id: string | null;
  job_name: string;
  message: string;
  duration: number | null;
  error: string | null;
  fail_count: number | null;
  retry_delay: number | null;
  retry_attempt: number | null;
  agenda_name: string | null;
  meta: string | null;
}

const int = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.round(v));

const COLUMNS = "logged_at, level, event, job_id, job_name, message, duration, error, fail_count, retry_delay, retry_attempt, agenda_name, meta";
const BATCH = 200;

function values(entry: Omit<JobLogEntry, "_id">): Param[] {
  return [
    toSqlTime(entry.timestamp ?? new Date()),
    entry.level,
    entry.event,
    entry.jobId ?? null,
    entry.jobName,
    // Both TEXT: a reason that would not fit (or is not a string) must not lose the entry.
    capUtf8(String(entry.message)),
    int(entry.duration),
    failReasonText(entry.error),
    int(entry.failCount),
    int(entry.retryDelay),
    int(entry.retryAttempt),
    entry.agendaName ?? null,
    entry.meta === undefined ? null : JSON.stringify(entry.meta),
  ];
}

/**
 * agenda's persistent job event log (`new Agenda({ logging: true })`, agenda.getLogs()) in the
 * `job_logs` table. agenda writes fire-and-forget; a failed write never fails a job.
 *
 * Entries are written in the order log() is called: one writer at a time, with what queued up
 * meanwhile as one multi-row INSERT. Events of one job often share a millisecond, so without
 * this a pool of connections would store "success" before "start" (getLogs orders by time, then id).
 */
export class SqlJobLogger implements JobLogger {
  private queue: { params: Param[]; done: (err?: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly sql: SqlRunner) {}

  log(entry: Omit<JobLogEntry, "_id">): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ params: values(entry), done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, BATCH);
        const row = `(${placeholders(13)})`;
        try {
          await this.sql.run(`INSERT INTO job_logs (${COLUMNS}) VALUES ${batch.map(() => row).join(", ")}`, batch.flatMap((b) => b.params));
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.done(err ?? new Error("job log write failed"));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private where(query: JobLogQuery = {}): { sql: string; params: Param[] } {
    const where: string[] = [];
    const params: Param[] = [];
    const oneOrMany = (column: string, v: string | string[] | undefined) => {
      if (v === undefined) return;
      const list = Array.isArray(v) ? v : [v];
      if (list.length === 0) return;
      where.push(`${column} IN (${placeholders(list.length)})`);
      params.push(...list);
    };
    if (query.jobId) {
      where.push("job_id = ?");
      params.push(query.jobId);
    }
    if (query.jobName) {
      where.push("job_name = ?");
      params.push(query.jobName);
    }
    oneOrMany("level", query.level);
    oneOrMany("event", query.event);
    if (query.from) {
      where.push("logged_at >= ?");
      params.push(toSqlTime(query.from));
    }
    if (query.to) {
      where.push("logged_at <= ?");
      params.push(toSqlTime(query.to));
    }
    return { sql: where.length ? ` WHERE ${where.join(" AND ")}` : "", params };
  }

  async getLogs(query: JobLogQuery = {}): Promise<JobLogQueryResult> {
    const { sql, params } = this.where(query);
    const limit = Math.max(0, Math.floor(query.limit ?? 50));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const dir = query.sort === "asc" ? "ASC" : "DESC";
    const [{ n }] = await this.sql.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM job_logs${sql}`, params);
    const rows = await this.sql.rows<LogRow>(
      `SELECT * FROM job_logs${sql} ORDER BY logged_at ${dir}, id ${dir} LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return {
      total: Number(n),
      entries: rows.map((r) => ({
        _id: String(r.id),
        timestamp: fromSqlTime(r.logged_at) ?? new Date(0),
        level: r.level,
        event: r.event,
        jobId: r.job_id ?? undefined,
        jobName: r.job_name,
        message: r.message,
        duration: r.duration ?? undefined,
        error: r.error ?? undefined,
        failCount: r.fail_count ?? undefined,
        retryDelay: r.retry_delay ?? undefined,
        retryAttempt: r.retry_attempt ?? undefined,
        agendaName: r.agenda_name ?? undefined,
        meta: r.meta === null ? undefined : (JSON.parse(r.meta) as Record<string, unknown>),
      })),
    };
  }

  async clearLogs(query?: JobLogQuery): Promise<number> {
    const { sql, params } = this.where(query);
    return (await this.sql.run(`DELETE FROM job_logs${sql}`, params)).affected;
  }
}
