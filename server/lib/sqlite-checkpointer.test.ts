import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { sqliteTarget, type TestDatabase } from "../../test/support/databases.js";
import { createLogger } from "./logger.js";
import { BACKSTOP_PAGES, startSqliteCheckpointer, type SqliteCheckpointer } from "./sqlite-checkpointer.js";

const Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string, o?: { readonly?: boolean }) => {
  prepare(sql: string): { get(): unknown };
  close(): void;
};

/**
 * The write-ahead log is copied into the database file by the checkpoint thread, while the main
 * connection keeps committing: the main connection's own automatic checkpoint is raised to a
 * backstop it never reaches here, so the data in the database file can only have come from the
 * thread. Nothing committed is lost across the thread's stop and the connection's close.
 */
describe("SQLite checkpoint thread", () => {
  let d: TestDatabase;
  let cp: SqliteCheckpointer | null = null;
  before(async () => {
    d = await sqliteTarget.open();
  });
  after(async () => {
    await cp?.stop();
    await d.destroy();
  });

  it("copies the log into the database file off the main connection, and loses nothing", async () => {
    cp = startSqliteCheckpointer(d.db.ds, createLogger("silent"), 10);
    assert.ok(cp, "a file database gets a checkpoint thread");
    const [auto] = (await d.db.ds.query("PRAGMA wal_autocheckpoint")) as { wal_autocheckpoint: number }[];
    assert.equal(auto?.wal_autocheckpoint, BACKSTOP_PAGES);

    const file = d.settings.sqlitePath!;
    const sizeBefore = statSync(file).size;
    await d.db.ds.query("CREATE TABLE checkpoint_probe (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    // About 2,500 pages of 4 kB in 50 commits: more than SQLite's default threshold (1,000 pages),
    // well under the backstop.
    const rows = 50 * 50;
    for (let t = 0; t < 50; t++) {
      await d.db.tx(async (m) => {
        for (let i = 0; i < 50; i++) await m.query("INSERT INTO checkpoint_probe (body) VALUES (randomblob(4000))");
      });
    }
    // The thread reports each checkpoint by message, after the file has grown: wait for both.
    const grown = () => statSync(file).size - sizeBefore >= rows * 4000;
    const deadline = Date.now() + 10_000;
    while (!(grown() && cp.stats.runs > 0 && cp.stats.lastCheckpointed > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(statSync(file).size - sizeBefore >= rows * 4000, `the database file grew by ${statSync(file).size - sizeBefore} bytes, expected at least ${rows * 4000}`);
    assert.ok(cp.stats.runs > 0 && cp.stats.lastCheckpointed > 0, `checkpoints run: ${JSON.stringify(cp.stats)}`);
    assert.equal(cp.stats.errors, 0);

    await cp.stop();
    cp = null;
    // Written after the thread stopped: still committed, still read back after the close.
    await d.db.ds.query("INSERT INTO checkpoint_probe (body) VALUES (randomblob(10))");
    await d.db.close();
    const check = new Database(file, { readonly: true });
    try {
      assert.deepEqual(check.prepare("SELECT COUNT(*) AS n FROM checkpoint_probe").get(), { n: rows + 1 });
    } finally {
      check.close();
    }
  });
});
