import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { createDataSource, type DataSourceSettings } from "../../server/config/data-source.js";
import { Db } from "../../server/lib/db.js";

/**
 * The databases every DB-touching test runs on: SQLite always; MariaDB/MySQL at TEST_MYSQL_URL
 * (default mysql://root@127.0.0.1:3306) when reachable, and always with CI=true, where an
 * unreachable server fails the run instead of skipping it.
 * A file that opts in with `testTargets({ cluster: true })` also runs on the 3-node MariaDB
 * Galera Cluster behind HAProxy (scripts/galera.mjs) with CI=true or TEST_GALERA=1: the test
 * runner (scripts/test.mjs) starts the cluster once before the first such file and stops it at the
 * end of the run; TEST_GALERA_URL names it (default mysql://root@127.0.0.1:3320).
 */
export interface TestTarget {
  name: "sqlite" | "mariadb" | "galera";
  /** A fresh, migrated database. */
  open(): Promise<TestDatabase>;
}
export interface TestDatabase {
  db: Db;
  settings: DataSourceSettings;
  /** Closes and deletes the database. */
  destroy(): Promise<void>;
}

export const MYSQL_ROOT_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const GALERA_ROOT_URL = process.env.TEST_GALERA_URL ?? "mysql://root@127.0.0.1:3320";
const strict = process.env.CI === "true" || process.env.CI === "1";
/** Whether files that opt in (`testTargets({ cluster: true })`) run on the Galera cluster too. */
export const galeraWanted = strict || process.env.TEST_GALERA === "1";

async function mysqlReachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_ROOT_URL, connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch (err) {
    if (strict) throw new Error(`CI=true but MariaDB/MySQL at ${MYSQL_ROOT_URL} is unreachable: ${(err as Error).message}`);
    return false;
  }
}

/** Creates an empty database on the MySQL server and returns its URL plus a dropper. */
export async function freshMysqlDatabase(prefix = "aduan_t", rootUrl = MYSQL_ROOT_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const root = await mysql.createConnection({ uri: rootUrl });
  await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await root.end();
  return {
    url: `${rootUrl.replace(/\/+$/, "")}/${name}`,
    async drop() {
      const c = await mysql.createConnection({ uri: rootUrl });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export function freshSqliteFile(): { path: string; dir: string; drop(): void } {
  const dir = mkdtempSync(join(tmpdir(), "aduan-test-"));
  return { path: join(dir, "aduan.sqlite"), dir, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens and migrates a database; destroy() closes it and runs `drop`. */
export async function openMigrated(settings: DataSourceSettings, drop: () => Promise<void> | void): Promise<TestDatabase> {
  const ds = createDataSource(settings);
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  const db = new Db(ds);
  return {
    db,
    settings,
    async destroy() {
      await db.close();
      await drop();
    },
  };
}

export const sqliteTarget: TestTarget = {
  name: "sqlite",
  async open() {
    const f = freshSqliteFile();
    return openMigrated({ sqlitePath: f.path, dataDir: f.dir }, f.drop);
  },
};

export const mariadbTarget: TestTarget = {
  name: "mariadb",
  async open() {
    const m = await freshMysqlDatabase();
    return openMigrated({ databaseUrl: m.url, poolSize: 8 }, m.drop);
  },
};

/** The 3-node Galera cluster through HAProxy: connections (and so writes) go to every node. */
export const galeraTarget: TestTarget = {
  name: "galera",
  async open() {
    const m = await freshMysqlDatabase("aduan_g", GALERA_ROOT_URL);
    return openMigrated({ databaseUrl: m.url, poolSize: 8 }, m.drop);
  },
};

async function galeraReachable(): Promise<void> {
  try {
    const conn = await mysql.createConnection({ uri: GALERA_ROOT_URL, connectTimeout: 3000 });
    const [rows] = await conn.query("SHOW STATUS LIKE 'wsrep_ready'");
    await conn.end();
    if ((rows as { Value: string }[])[0]?.Value !== "ON") throw new Error(`${GALERA_ROOT_URL} is not a ready Galera node (wsrep_ready is not ON)`);
  } catch (err) {
    throw new Error(
      `the Galera cluster at ${GALERA_ROOT_URL} is unreachable: ${(err as Error).message}. ` +
        "The test runner starts it for files that opt in (node scripts/test.mjs …); by hand: npm run galera -- start",
    );
  }
}

/**
 * Use with top-level await: `for (const target of await testTargets()) describe(...)`.
 * `{ cluster: true }`: the file also runs on the Galera cluster when CI=true or TEST_GALERA=1
 * (only an explicit subset does: the cluster makes every test slower).
 */
export async function testTargets(opts: { cluster?: boolean } = {}): Promise<TestTarget[]> {
  const targets: TestTarget[] = [sqliteTarget];
  if (process.env.TEST_MYSQL !== "0" || strict) {
    if (await mysqlReachable()) targets.push(mariadbTarget);
    else console.warn(`# MariaDB at ${MYSQL_ROOT_URL} unreachable: running on SQLite only (CI=true would fail)`);
  }
  if (opts.cluster && galeraWanted) {
    await galeraReachable();
    targets.push(galeraTarget);
  }
  return targets;
}
