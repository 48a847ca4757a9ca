import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { DataSource, Migration } from "typeorm";
import { isDuplicateKey } from "./db.js";

/**
 * Runs the pending migrations under a cluster-safe lock, so that several processes started at
 * the same moment (API ×N + workers, or a rolling restart) apply each migration exactly once.
 *
 * The lock is a row (id = 1) in `migration_lock`, a table of its own created with IF NOT EXISTS
 * before any migration runs (it must exist before the migrations table does). Taking it is an
 * INSERT of that row: on MySQL/MariaDB a second inserter gets a duplicate key; on Galera two nodes
 * inserting at once conflict at certification and one gets a deadlock error; on SQLite the primary
 * key refuses the second. GET_LOCK and LOCK TABLES are not used: Galera does not replicate them.
 * The holder renews a lease while it works; a crashed holder's lease expires and the row may
 * then be taken over. Processes that wait take the lock in turn and find nothing left to run.
 * Without the lock, TypeORM's runMigrations on an empty MySQL database races on creating its
 * migrations table and on applying the same migration twice.
 */
export interface MigrationLockOptions {
  /** How long a lease lasts without renewal (default 120 s; renewed every leaseMs / 6). */
  leaseMs?: number;
  /** Give up waiting for another process after this long (default 15 min). */
  waitMs?: number;
  /** Called once when this process waits for another one's migration run. */
  onWait?: (holder: string) => void;
  /** Run after the migrations while still holding the lock (first-start data such as SLA defaults, so it is created once). */
  whileLocked?: () => Promise<void>;
}

const LOCK_ID = 1;

function isConflict(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? "";
  return isDuplicateKey(err) || code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT" || code.startsWith("SQLITE_BUSY");
}

export async function runMigrationsLocked(ds: DataSource, opts: MigrationLockOptions = {}): Promise<Migration[]> {
  const leaseMs = opts.leaseMs ?? 120_000;
  const waitMs = opts.waitMs ?? 15 * 60_000;
  const mysql = ds.options.type === "mysql";
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`.slice(0, 120);
  await ds.query(
    mysql
      ? "CREATE TABLE IF NOT EXISTS migration_lock (id INT NOT NULL PRIMARY KEY, owner VARCHAR(120) NOT NULL, expires_at BIGINT NOT NULL) ENGINE=InnoDB"
      : "CREATE TABLE IF NOT EXISTS migration_lock (id INTEGER NOT NULL PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)",
  );
  const deadline = Date.now() + waitMs;
  let told = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // A lease nobody renewed (its holder died) is removed; a live one is kept.
      await ds.query("DELETE FROM migration_lock WHERE id = ? AND expires_at < ?", [LOCK_ID, Date.now()]);
      await ds.query("INSERT INTO migration_lock (id, owner, expires_at) VALUES (?, ?, ?)", [LOCK_ID, owner, Date.now() + leaseMs]);
      break;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`migrations: another process has held the migration lock for over ${Math.round(waitMs / 1000)} s (table migration_lock)`);
    if (!told && opts.onWait) {
      told = true;
      const rows: { owner: string }[] = await ds.query("SELECT owner FROM migration_lock WHERE id = ?", [LOCK_ID]).catch(() => []);
      opts.onWait(rows[0]?.owner ?? "?");
    }
    await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1000) + Math.random() * 100));
  }
  const renew = setInterval(() => {
    ds.query("UPDATE migration_lock SET expires_at = ? WHERE id = ? AND owner = ?", [Date.now() + leaseMs, LOCK_ID, owner]).catch(() => undefined);
  }, Math.max(1000, Math.floor(leaseMs / 6)));
  renew.unref();
  try {
    const ran = await ds.runMigrations({ transaction: "each" });
    if (opts.whileLocked) await opts.whileLocked();
    return ran;
  } finally {
    clearInterval(renew);
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await ds.query("DELETE FROM migration_lock WHERE id = ? AND owner = ?", [LOCK_ID, owner]);
        break;
      } catch (err) {
        if (!isConflict(err) || attempt === 5) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }
}
