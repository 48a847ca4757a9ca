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
  if (rootUrl === GALERA_ROOT_URL) await seenByEveryNode(name);
  return {
    url: `${rootUrl.replace(/\/+$/, "")}/${name}`,
    async drop() {
      const c = await mysql.createConnection({ uri: rootUrl });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/**
 * On the cluster a CREATE DATABASE returns once its own node has it; another node may apply it a
 * moment later, and a connection that HAProxy sends there fails with "Unknown database". A causal
 * read on each node (wsrep_sync_wait) returns only once that node has caught up.
 */
async function seenByEveryNode(name: string): Promise<void> {
  const { NODES, nodeUrl } = (await import("../../scripts/galera.mjs")) as { NODES: number; nodeUrl: (n: number) => string };
  for (let n = 1; n <= NODES; n++) {
    const c = await mysql.createConnection({ uri: nodeUrl(n) });
    try {
      await c.query("SET SESSION wsrep_sync_wait = 15");
      const [rows] = await c.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]);
      if ((rows as unknown[]).length !== 1) throw new Error(`database ${name} not on Galera node ${n}`);
    } finally {
      await c.end();
    }
  }
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
    await visibleOnEveryNode(m.url);
    return openMigrated({ databaseUrl: m.url, poolSize: 8 }, m.drop);
  },
};

/**
 * A CREATE DATABASE returns once the node that ran it has applied it; the other nodes apply it a
 * moment later. HAProxy may send the next connection to one of them ("Unknown database"), so wait
 * until every running node has the new database (a node that refuses connections is skipped).
 */
async function visibleOnEveryNode(url: string, timeoutMs = 15_000): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const { NODES, nodeUrl } = (await import("../../scripts/galera.mjs")) as { NODES: number; nodeUrl: (n: number) => string };
  const deadline = Date.now() + timeoutMs;
  for (let n = 1; n <= NODES; n++) {
    for (;;) {
      let conn: mysql.Connection | null = null;
      try {
        conn = await mysql.createConnection({ uri: nodeUrl(n), connectTimeout: 2000 });
      } catch {
        break; // a node that is down takes no connections from HAProxy either
      }
      try {
        const [rows] = await conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]);
        if ((rows as unknown[]).length) break;
      } finally {
        await conn.end();
      }
      if (Date.now() > deadline) throw new Error(`database ${name} did not reach Galera node ${n} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

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
