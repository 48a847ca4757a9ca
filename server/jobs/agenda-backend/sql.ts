import type { QueryRunner } from "typeorm";
import { watchTransaction, type Db, type Dialect } from "../../lib/db.js";

/**
 * The little SQL layer under the agenda backend: plain statements with `?` placeholders that
 * read the same on SQLite and MySQL/MariaDB, run through the app's TypeORM DataSource.
 *
 * SQLite: TypeORM shares ONE connection, so every statement (reads too, so they never land
 * inside someone else's open transaction) runs under Db's mutex, and transactions are
 * `BEGIN IMMEDIATE` (the write lock is taken up front, so another process on the same file
 * waits on busy_timeout instead of failing a lock upgrade).
 * MySQL/MariaDB: pooled connections; transactions run at READ COMMITTED (no gap locks, and a
 * locking read releases the rows it scanned but did not match) and are retried on deadlocks,
 * lock wait timeouts and, where the caller allows it, duplicate keys.
 */

export type Param = string | number | null;
export type Row = Record<string, unknown>;

export interface Sql {
  readonly dialect: Dialect;
  rows<T = Row>(sql: string, params?: Param[]): Promise<T[]>;
  run(sql: string, params?: Param[]): Promise<{ affected: number; insertId: number }>;
}

export interface TxOptions {
  /** Also retry the whole transaction on a duplicate key (an upsert that lost an insert race). */
  retryDuplicateKey?: boolean;
}

// ER_LOCK_DEADLOCK is also Galera's certification conflict (two nodes took the same job row: the
// loser fails at COMMIT, or an autocommit statement fails); ER_UNKNOWN_COM_ERROR is a Galera node
// that is not ready. Neither committed anything, so the statement or transaction runs again.
const RETRYABLE = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "ER_UNKNOWN_COM_ERROR", "SQLITE_BUSY"]);
const MAX_ATTEMPTS = 12;

function errorCode(err: unknown): string {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code ?? "";
}

export function isDuplicateKey(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** The lock clause for "take this row, skip rows another worker is taking" (SQLite: the write lock is already ours). */
export function skipLocked(dialect: Dialect): string {
  return dialect === "mysql" ? " FOR UPDATE SKIP LOCKED" : "";
}
export function forUpdate(dialect: Dialect): string {
  return dialect === "mysql" ? " FOR UPDATE" : "";
}

/** One definition of `?, ?, …` for the whole server (lib/select-entities.ts), re-exported for the backend's modules. */
export { placeholders } from "../../lib/select-entities.js";

// Times: UTC "YYYY-MM-DD HH:MM:SS.mmm" in both dialects. SQLite compares them as text, which
// orders correctly because the format is fixed; MySQL converts the literal once to datetime(3).
export function toSqlTime(d: Date | null | undefined): string | null {
  if (!d) return null;
  const t = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(t.getTime())) return null;
  return t.toISOString().slice(0, 23).replace("T", " ");
}

export function fromSqlTime(v: unknown): Date | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v;
  const s = String(v);
  return new Date(s.includes("T") ? s : `${s.replace(" ", "T")}Z`);
}

function bind(qr: QueryRunner, dialect: Dialect): Sql {
  return {
    dialect,
    async rows<T>(sql: string, params: Param[] = []) {
      const r = await qr.query(sql, params, true);
      return (r.records ?? []) as T[];
    },
    async run(sql: string, params: Param[] = []) {
      const r = await qr.query(sql, params, true);
      const insertId = dialect === "mysql" ? Number((r.raw as { insertId?: number })?.insertId ?? 0) : Number(r.raw ?? 0);
      return { affected: r.affected ?? 0, insertId };
    },
  };
}

export class SqlRunner implements Sql {
  readonly dialect: Dialect;

  constructor(readonly db: Db) {
    this.dialect = db.dialect;
  }

  /** One statement outside any transaction (autocommit). */
  rows<T = Row>(sql: string, params: Param[] = []): Promise<T[]> {
    return this.single((q) => q.rows<T>(sql, params));
  }

  run(sql: string, params: Param[] = []): Promise<{ affected: number; insertId: number }> {
    return this.single((q) => q.run(sql, params));
  }

  private async single<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    if (this.dialect === "sqlite") return this.db.serialized(() => fn(bind(this.db.ds.createQueryRunner(), "sqlite")));
    for (let attempt = 1; ; attempt++) {
      const qr = this.db.ds.createQueryRunner();
      try {
        return await fn(bind(qr, "mysql"));
      } catch (err) {
        if (!RETRYABLE.has(errorCode(err)) || attempt >= MAX_ATTEMPTS) throw err;
      } finally {
        await qr.release();
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }

  /** fn runs in one transaction; it may run more than once (retries), so it must not keep side effects outside the database. */
  async tx<T>(fn: (q: Sql) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.dialect === "sqlite" ? await this.sqliteTx(fn) : await this.mysqlTx(fn);
      } catch (err) {
        const code = errorCode(err);
        const retry = RETRYABLE.has(code) || code.startsWith("SQLITE_BUSY") || (opts.retryDuplicateKey === true && isDuplicateKey(err));
        if (!retry || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  private sqliteTx<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    return this.db.serialized(async () => {
      const qr = this.db.ds.createQueryRunner();
      await qr.query("BEGIN IMMEDIATE");
      try {
        const out = await fn(bind(qr, "sqlite"));
        await qr.query("COMMIT");
        return out;
      } catch (err) {
        await qr.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  private async mysqlTx<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    const qr = this.db.ds.createQueryRunner();
    const stopWatch = watchTransaction(qr);
    try {
      await qr.startTransaction("READ COMMITTED");
      const out = await fn(bind(qr, "mysql"));
      await qr.commitTransaction();
      return out;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      stopWatch();
      await qr.release();
    }
  }
}
