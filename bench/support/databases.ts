import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import type { DataSourceOptions } from "typeorm";
import { createDataSource, type DataSourceSettings } from "../../server/config/data-source.js";
import { Db } from "../../server/lib/db.js";
import { freshMysqlDatabase, freshSqliteFile, MYSQL_ROOT_URL } from "../../test/support/databases.js";

export type BenchEngine = "mariadb" | "sqlite";

export interface BenchDatabaseOptions {
  /**
   * Without a name: a fresh database, deleted by drop(). With a name: a fixed database
   * (MariaDB `aduan_bench_<name>`, SQLite `<tmp>/aduan-bench/<name>/aduan.sqlite`, the file a server on that DATA_DIR opens) that survives the run;
   * `reuse` keeps its contents if it has any, otherwise it is recreated empty.
   */
  name?: string;
  reuse?: boolean;
  /** Extra DataSource options (e.g. a query-capturing logger). */
  extra?: Partial<DataSourceOptions>;
  poolSize?: number;
}

export interface BenchDatabase {
  engine: BenchEngine;
  db: Db;
  /** Database name or file path, for the report. */
  location: string;
  /** True when an existing, already seeded database was opened. */
  reused: boolean;
  /** Server or library version. */
  version: string;
  /** How to open another connection to the same database (a second worker, a child process). */
  settings: DataSourceSettings;
  size(): Promise<{ total: number; data?: number; index?: number }>;
  /** Closes the DataSource; deletes the database unless it is a named (kept) one. */
  close(): Promise<void>;
}

const KEEP_DIR = join(tmpdir(), "aduan-bench");

/** A migrated benchmark database on MariaDB/MySQL (TEST_MYSQL_URL) or SQLite. */
export async function openBenchDatabase(engine: BenchEngine, o: BenchDatabaseOptions = {}): Promise<BenchDatabase> {
  let settings: DataSourceSettings;
  let location: string;
  let drop: () => Promise<void> | void = () => undefined;
  if (engine === "mariadb") {
    if (o.name) {
      const name = `aduan_bench_${o.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
      const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL });
      if (!o.reuse) await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await root.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await root.end();
      settings = { databaseUrl: `${MYSQL_ROOT_URL.replace(/\/+$/, "")}/${name}`, poolSize: o.poolSize ?? 4 };
      location = `${MYSQL_ROOT_URL.replace(/\/\/[^@/]*@/, "//")}/${name}`;
    } else {
      const m = await freshMysqlDatabase("aduan_bench");
      settings = { databaseUrl: m.url, poolSize: o.poolSize ?? 4 };
      location = m.url.replace(/\/\/[^@/]*@/, "//");
      drop = () => m.drop();
    }
  } else if (o.name) {
    // A folder per kept database, its file named as the server names it (DATA_DIR/aduan.sqlite), so a
    // server started on DATA_DIR=dataDir opens this database and not another one beside it.
    const dir = join(KEEP_DIR, o.name.replace(/[^A-Za-z0-9_.-]/g, "_"));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "aduan.sqlite");
    if (!o.reuse) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    settings = { sqlitePath: path, dataDir: dir };
    location = path;
  } else {
    const f = freshSqliteFile();
    settings = { sqlitePath: f.path, dataDir: f.dir };
    location = f.path;
    drop = () => f.drop();
  }

  const ds = createDataSource(settings, (o.extra ?? {}) as Partial<DataSourceOptions>);
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  const db = new Db(ds);
  const ticketRows = (await ds.query("SELECT COUNT(*) AS n FROM tickets")) as { n: number | string }[];
  const reused = Boolean(o.name && o.reuse && Number(ticketRows[0]?.n) > 0);
  const versionRows = (await ds.query(engine === "mariadb" ? "SELECT VERSION() AS v" : "SELECT sqlite_version() AS v")) as { v: string }[];
  const version = `${engine === "mariadb" ? "" : "SQLite "}${versionRows[0]?.v ?? "?"}`;

  return {
    engine,
    db,
    location,
    reused,
    version,
    settings,
    async size() {
      if (engine === "mariadb") {
        const rows = (await ds.query(
          "SELECT SUM(data_length) AS d, SUM(index_length) AS i FROM information_schema.tables WHERE table_schema = DATABASE()",
        )) as { d: number | string; i: number | string }[];
        const data = Number(rows[0]?.d ?? 0);
        const index = Number(rows[0]?.i ?? 0);
        return { total: data + index, data, index };
      }
      await ds.query("PRAGMA wal_checkpoint(TRUNCATE)");
      const file = settings.sqlitePath!;
      const total = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
      try {
        const rows = (await ds.query(
          "SELECT SUM(CASE WHEN m.type = 'index' THEN s.pgsize ELSE 0 END) AS i FROM dbstat s JOIN sqlite_master m ON m.name = s.name",
        )) as { i: number }[];
        const index = Number(rows[0]?.i ?? 0);
        return { total, data: total - index, index };
      } catch {
        return { total }; // no dbstat in this build
      }
    },
    async close() {
      await db.close();
      await drop();
    },
  };
}
