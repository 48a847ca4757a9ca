import type { DataSource, EntityManager } from "typeorm";

export type Dialect = "sqlite" | "mysql";

/** Errors worth retrying the whole transaction for (MySQL/MariaDB deadlock, lock wait, a lost race on a unique key we handle). */
export class RetryableConflict extends Error {}

const RETRYABLE_MYSQL = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "ER_CHECKREAD"]);

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableConflict) return true;
  const e = err as { code?: string; driverError?: { code?: string } };
  return RETRYABLE_MYSQL.has(e?.code ?? "") || RETRYABLE_MYSQL.has(e?.driverError?.code ?? "");
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code ?? "";
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    /UNIQUE constraint failed|Duplicate entry/.test(e?.message ?? "");
}

/**
 * The one way to write. TypeORM's SQLite drivers share a single connection, so concurrent
 * transactions would silently nest; here they queue behind a mutex. On MySQL each transaction
 * gets its own pooled connection and is retried on deadlocks.
 */
export class Db {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly ds: DataSource) {
    this.dialect = ds.options.type === "mysql" ? "mysql" : "sqlite";
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.ds.manager;
  }

  async tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === "sqlite") return this.serialized(() => this.ds.transaction(fn));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ds.transaction(fn);
      } catch (err) {
        if (attempt >= 8 || !isRetryable(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  /** Runs fn alone on SQLite (nothing else writes meanwhile); directly on MySQL. */
  serialized<T>(fn: () => Promise<T>): Promise<T> {
    if (this.dialect !== "sqlite") return fn();
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
