import "reflect-metadata";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DataSource, type DataSourceOptions } from "typeorm";
import { sqliteRegexp } from "../domain/search/terms.js";
import { entities } from "../entities/index.js";
import { migrations } from "../../migrations/index.js";

export interface DataSourceSettings {
  /** mysql://… ; absent = embedded SQLite */
  databaseUrl?: string;
  /** SQLite file (default DATA_DIR/aduan.sqlite); ":memory:" works for throwaway use. */
  sqlitePath?: string;
  dataDir?: string;
  logging?: boolean;
  /** MySQL pool size. */
  poolSize?: number;
}

export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: settings.logging ?? false } as const;
  if (settings.databaseUrl) {
    return {
      ...common,
      type: "mysql",
      url: settings.databaseUrl,
      // Times are stored in UTC; mysql2 converts JS Dates with this zone.
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      supportBigNumbers: true,
      bigNumberStrings: false,
      poolSize: settings.poolSize ?? 10,
      // trace: false — mysql2 otherwise captures a stack trace for every query (seen at about 3%
      // of the ingest benchmark's CPU); a failed query's error still carries its SQL and code.
      extra: { connectionLimit: settings.poolSize ?? 10, waitForConnections: true, trace: false },
    };
  }
  const path = settings.sqlitePath ?? join(settings.dataDir ?? "./data", "aduan.sqlite");
  if (path !== ":memory:") mkdirSync(join(path, ".."), { recursive: true });
  return {
    ...common,
    type: "better-sqlite3",
    database: path,
    enableWAL: true,
    // Prepared statements kept by SQL text (TypeORM's default: 100, first in first out). The
    // set-based writes have one text per row count (multi-row INSERTs, IN lists), several hundred
    // in all; with 100 the ingest path prepared most statements again (3.5% of its CPU).
    statementCacheSize: 2000,
    prepareDatabase: (db: { pragma(sql: string): unknown; function(name: string, options: { deterministic: boolean }, fn: (a: unknown, b: unknown) => number): unknown }) => {
      db.pragma("busy_timeout = 10000");
      db.pragma("foreign_keys = ON");
      db.pragma("synchronous = NORMAL");
      // `text REGEXP pattern`, for the newest-first scans of the full-text search (queries/ticket-search.ts).
      db.function("regexp", { deterministic: true }, sqliteRegexp);
    },
  };
}

/**
 * Galera: every statement on our connections sees what the cluster committed before it.
 * A node applies other nodes' commits asynchronously; `wsrep_sync_wait` bit 1 makes a SELECT wait
 * for that, bit 2 an UPDATE or DELETE. Without bit 2 a guarded UPDATE (`… WHERE lock_token = ?`,
 * a compare-and-set claim) that reaches a node not yet caught up matches nothing, writes nothing,
 * and so meets no certification conflict: it silently fails. The job backend then took a job
 * locked through another node for lost (the job stayed locked by no one) or, when the first of
 * its two guarded writes failed that way, put the finished job back in the queue (it ran twice).
 * So each new pooled connection raises its session's value to at least 3, whatever the nodes'
 * configuration. Harmless elsewhere: MariaDB without Galera ignores it; MySQL has no such
 * variable, and the failed SET is ignored.
 */
export const CAUSAL_SESSION_SQL = "SET SESSION wsrep_sync_wait = @@global.wsrep_sync_wait | 3";

interface MysqlPoolLike {
  on(event: "connection", fn: (conn: { query(sql: string, cb: (err: unknown) => void): void }) => void): void;
  getConnection(cb: (err: unknown, conn: { release(): void }) => void): void;
  end(cb: () => void): void;
}

/** `overrides`: options on top of dataSourceOptions (a restore's migration list, a read-only bench). */
export function createDataSource(settings: DataSourceSettings, overrides: Partial<DataSourceOptions> = {}): DataSource {
  const ds = new DataSource({ ...dataSourceOptions(settings), ...overrides } as DataSourceOptions);
  if (ds.options.type === "mysql") {
    // TypeORM's MysqlDriver.createPool, with the session setting attached before the first connection.
    const driver = ds.driver as unknown as { mysql: { createPool(o: unknown): MysqlPoolLike }; createPool(o: unknown): Promise<MysqlPoolLike> };
    driver.createPool = (options: unknown) => {
      const pool = driver.mysql.createPool(options);
      pool.on("connection", (conn) => conn.query(CAUSAL_SESSION_SQL, () => undefined));
      return new Promise((ok, fail) =>
        pool.getConnection((err, conn) => {
          if (err) return pool.end(() => fail(err));
          conn.release();
          ok(pool);
        }),
      );
    };
  }
  return ds;
}
