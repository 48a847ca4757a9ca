import { EventEmitter } from "node:events";
import type { DataSource, EntityManager } from "typeorm";

export type Dialect = "sqlite" | "mysql";

/** Errors worth retrying the whole transaction for (MySQL/MariaDB deadlock, lock wait, a lost race on a unique key we handle). */
/**
 * A LIKE pattern for "contains s", escaped with '!': use it as `LIKE :p ESCAPE '!'` (SQLite has no
 * default escape character, MySQL's is the backslash; an explicit one means the same on both).
 */
export const likeContaining = (s: string): string => `%${s.replace(/[!%_]/g, (x) => `!${x}`)}%`;

export class RetryableConflict extends Error {}

/**
 * Errors after which the transaction certainly did not commit: deadlocks and lock waits, and on
 * Galera a certification conflict (two nodes wrote the same row; the loser gets ER_LOCK_DEADLOCK,
 * also at COMMIT) and a node that is not ready (1047 ER_UNKNOWN_COM_ERROR: "WSREP has not yet
 * prepared node for application use", e.g. a node that lost quorum).
 */
const RETRYABLE_MYSQL = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "ER_CHECKREAD", "ER_UNKNOWN_COM_ERROR"]);
/** The connection (or the node behind the proxy) went away. */
const CONNECTION_LOST = new Set(["PROTOCOL_CONNECTION_LOST", "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_CONNECTION_KILLED", "ER_SERVER_SHUTDOWN", "ER_QUERY_INTERRUPTED"]);

function codeOf(err: unknown): string {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code ?? "";
}

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableConflict) return true;
  const e = err as { code?: string; driverError?: { code?: string } };
  return RETRYABLE_MYSQL.has(e?.code ?? "") || RETRYABLE_MYSQL.has(e?.driverError?.code ?? "");
}

/** A lost connection: retryable when COMMIT was never sent, or when the transaction is idempotent. */
export function isConnectionLost(err: unknown): boolean {
  const e = err as { fatal?: boolean; driverError?: { fatal?: boolean } };
  return CONNECTION_LOST.has(codeOf(err)) || (e?.fatal ?? e?.driverError?.fatal) === true;
}

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code ?? "";
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    /UNIQUE constraint failed|Duplicate entry/.test(e?.message ?? "");
}

/**
 * A Date as a parameter of a raw SQL query: TypeORM stores datetimes on SQLite as UTC text
 * "YYYY-MM-DD HH:MM:SS.mmm" (better-sqlite3 cannot bind Dates); mysql2 takes the Date itself.
 */
export function sqlTime(m: EntityManager | DataSource, d: Date): Date | string {
  const type = "connection" in m ? m.connection.options.type : m.options.type;
  return type === "mysql" ? d : d.toISOString().replace("T", " ").replace("Z", "");
}

interface MysqlPoolInternals {
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** Something that happened in a transaction, announced only once it committed. */
export type CommitEvent =
  | { type: "sla-next"; ticketId: number; at: Date | null }
  /** An outbox row is ready to send (at `at`). */
  | { type: "outbox"; outboxId: number; at: Date }
  /** Outgoing webhook deliveries were queued (commands/queue-webhook-events.ts). */
  | { type: "webhook"; at: Date }
  /** A channel attachment waits to be fetched. */
  | { type: "attachment"; attachmentId: number }
  /** Notices were written for these staff users (the worker e-mails them at once). */
  | { type: "notification"; userIds: number[] }
  /** A channel account was created, edited or deactivated (caches of it are stale). */
  | { type: "channel-account"; accountId: number };
const pendingEvents = new WeakMap<EntityManager, CommitEvent[]>();

/**
 * ADUAN_TX_WATCHDOG_MS (diagnostics): a transaction still open after that long is reported on
 * stderr with where it began and its last statement (sent, answered or not), then every period.
 */
export const TX_WATCHDOG_MS = Number(process.env.ADUAN_TX_WATCHDOG_MS ?? 0);
export function watchTransaction(queryRunner: unknown): () => void {
  if (!(TX_WATCHDOG_MS > 0)) return () => undefined;
  const began = new Error("transaction began here").stack;
  const t0 = Date.now();
  const qr = queryRunner as { query: (...a: unknown[]) => Promise<unknown> } | undefined;
  let last = { sql: "(none)", at: 0, settled: true, n: 0 };
  if (qr) {
    const original = qr.query.bind(qr);
    qr.query = (...a: unknown[]) => {
      last = { sql: String(a[0]).slice(0, 300), at: Date.now(), settled: false, n: last.n + 1 };
      const mine = last;
      return original(...a).finally(() => (mine.settled = true));
    };
  }
  const timer = setInterval(() => {
    process.stderr.write(
      `[tx-watchdog pid ${process.pid}] transaction open ${Date.now() - t0} ms; statement #${last.n} ${last.settled ? "answered" : "NOT answered"}, sent ${Date.now() - last.at} ms ago: ${last.sql}\n${began}\n`,
    );
  }, TX_WATCHDOG_MS);
  timer.unref();
  return () => clearInterval(timer);
}
/** Watchdog mode: every pool connection checked out longer than the period is reported with who took it. */
function watchCheckouts(ds: DataSource): void {
  const driver = ds.driver as unknown as { obtainMasterConnection(): Promise<{ release(): void }> };
  const original = driver.obtainMasterConnection.bind(driver);
  const out = new Map<object, { at: number; stack: string | undefined }>();
  driver.obtainMasterConnection = async () => {
    const stack = new Error("connection taken here").stack;
    const conn = await original();
    const entry = { at: Date.now(), stack };
    out.set(conn, entry);
    const release = conn.release.bind(conn);
    conn.release = () => {
      out.delete(conn);
      conn.release = release;
      release();
    };
    return conn;
  };
  setInterval(() => {
    for (const e of out.values())
      if (Date.now() - e.at > TX_WATCHDOG_MS) process.stderr.write(`[tx-watchdog pid ${process.pid}] connection held ${Date.now() - e.at} ms\n${e.stack}\n`);
  }, TX_WATCHDOG_MS).unref();
}

async function watched<T>(m: EntityManager, fn: (m: EntityManager) => Promise<T>): Promise<T> {
  const stop = watchTransaction(m.queryRunner);
  try {
    return await fn(m);
  } finally {
    stop();
  }
}

/**
 * Work a transaction must do at its end, after everything else it wrote and before COMMIT (inside
 * it, on every engine): per transaction attempt, a state per key and the hook that consumes it.
 */
const pendingBeforeCommit = new WeakMap<EntityManager, Map<unknown, { state: unknown; hook: (m: EntityManager, state: never) => Promise<void> }>>();

/**
 * The state of `key` in the caller's transaction, created (with `create`) and its hook registered
 * the first time: `hook(m, state)` runs once, after the transaction's function returned and before
 * its COMMIT, with everything collected in the state meanwhile (a retried transaction starts
 * afresh). null when m is not the manager of a Db.tx transaction (the caller then does its work at
 * once).
 */
export function beforeCommit<S>(m: EntityManager, key: unknown, create: () => S, hook: (m: EntityManager, state: S) => Promise<void>): S | null {
  const pending = pendingBeforeCommit.get(m);
  if (!pending) return null;
  const found = pending.get(key);
  if (found) return found.state as S;
  const state = create();
  pending.set(key, { state, hook: hook as (m: EntityManager, state: never) => Promise<void> });
  return state;
}

/** Runs the transaction's before-commit hooks; a hook may register more (they run too). */
async function runBeforeCommit(m: EntityManager): Promise<void> {
  const pending = pendingBeforeCommit.get(m);
  if (!pending) return;
  while (pending.size) {
    const [key, { state, hook }] = pending.entries().next().value!;
    pending.delete(key);
    await hook(m, state as never);
  }
}

/** Queues an event to be emitted on db.events ("commit") after the caller's transaction commits. */
export function afterCommit(m: EntityManager, event: CommitEvent): void {
  pendingEvents.get(m)?.push(event);
}

/**
 * The one way to write. TypeORM's SQLite drivers share a single connection, so concurrent
 * transactions would silently nest; here they queue behind a mutex. On MySQL each transaction
 * gets its own pooled connection and is retried on deadlocks.
 */
export class Db {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();
  /** SQLite: callers queued behind the write mutex (including the one running), for /metrics. */
  private queued = 0;
  /** Emits "commit" with each CommitEvent queued by afterCommit(), after its transaction committed. */
  readonly events = new EventEmitter();

  constructor(readonly ds: DataSource) {
    this.dialect = ds.options.type === "mysql" ? "mysql" : "sqlite";
    if (TX_WATCHDOG_MS > 0 && this.dialect === "mysql") watchCheckouts(ds);
  }

  /** For reads outside a transaction. */
  get manager(): EntityManager {
    return this.ds.manager;
  }

  /**
   * Runs fn in a transaction (retried on MySQL deadlocks and lock timeouts, Galera certification
   * conflicts, also at COMMIT, and a node that is not ready; and on a lost connection when COMMIT
   * was not sent yet, or at any point when `idempotent`: running it twice stores it once, e.g. an
   * ingest keyed on (account, externalId)). fn may run more than once. `readCommitted`: on
   * MySQL/MariaDB, READ COMMITTED instead of REPEATABLE READ, for queue-style work that claims rows
   * with SELECT … FOR UPDATE SKIP LOCKED and then updates their indexed columns: without gap locks
   * concurrent claimers do not deadlock on each other's index gaps.
   */
  async tx<T>(fn: (m: EntityManager) => Promise<T>, opts: { readCommitted?: boolean; idempotent?: boolean } = {}): Promise<T> {
    let events: CommitEvent[] = [];
    // Whether fn finished, so COMMIT may have been sent: a connection lost after that leaves the
    // outcome unknown (committed or not), and only an idempotent transaction may run again.
    let commitSent = false;
    const run = async (m: EntityManager) => {
      events = [];
      commitSent = false;
      pendingEvents.set(m, events);
      pendingBeforeCommit.set(m, new Map());
      const work = async (tm: EntityManager) => {
        const value = await fn(tm);
        await runBeforeCommit(tm);
        return value;
      };
      let out: T;
      try {
        out = await (TX_WATCHDOG_MS > 0 ? watched(m, work) : work(m));
      } finally {
        pendingBeforeCommit.delete(m);
      }
      commitSent = true;
      return out;
    };
    let result: T;
    if (this.dialect === "sqlite") result = await this.serialized(() => this.ds.transaction(run));
    else {
      for (let attempt = 1; ; attempt++) {
        try {
          result = opts.readCommitted ? await this.ds.transaction("READ COMMITTED", run) : await this.ds.transaction(run);
          break;
        } catch (err) {
          // A lost node (Galera failover behind the proxy) takes longer to route around than a deadlock.
          const lost = isConnectionLost(err) && (!commitSent || opts.idempotent === true);
          if (attempt >= 8 || !(isRetryable(err) || lost)) throw err;
          await new Promise((r) => setTimeout(r, lost ? 250 * attempt : Math.random() * 10 * attempt));
        }
      }
    }
    for (const e of events) this.events.emit("commit", e);
    return result;
  }

  /** Runs fn alone on SQLite (nothing else writes meanwhile); directly on MySQL. */
  serialized<T>(fn: () => Promise<T>): Promise<T> {
    if (this.dialect !== "sqlite") return fn();
    this.queued++;
    const run = this.queue.then(fn, fn).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * How the connections are used, for /metrics: MySQL/MariaDB from mysql2's pool (`size` = its
   * connection limit); SQLite has one connection, and `waiting` counts writers queued on the mutex.
   */
  poolStats(): { size: number; open: number; busy: number; waiting: number } {
    if (this.dialect === "sqlite") {
      const open = this.ds.isInitialized ? 1 : 0;
      return { size: 1, open, busy: Math.min(this.queued, open), waiting: Math.max(this.queued - 1, 0) };
    }
    // mysql2's pool keeps these as Denque queues (not in its typings).
    const pool = (this.ds.driver as unknown as { pool?: MysqlPoolInternals }).pool;
    if (!pool) return { size: 0, open: 0, busy: 0, waiting: 0 };
    const open = pool._allConnections?.length ?? 0;
    const idle = pool._freeConnections?.length ?? 0;
    return { size: pool.config?.connectionLimit ?? 0, open, busy: open - idle, waiting: pool._connectionQueue?.length ?? 0 };
  }

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
