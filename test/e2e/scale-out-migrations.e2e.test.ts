// Several processes starting at the same moment on an empty database (API ×N + workers after a
// deploy): each migration is applied exactly once, the first-start data is created once, and every
// process starts serving. On MariaDB and on the 3-node Galera cluster (through HAProxy, so the
// processes land on different nodes); also that every table has a primary key (Galera needs one).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDataSource } from "../../server/config/data-source.js";
import { runMigrationsLocked } from "../../server/lib/migration-lock.js";
import { migrations } from "../../migrations/index.js";
import { freshMysqlDatabase, GALERA_ROOT_URL, MYSQL_ROOT_URL, testTargets } from "../support/databases.js";
import { freePort } from "../support/demo-server.js";

const PROCESSES = 4;

async function appliedCounts(url: string): Promise<{ names: Map<string, number>; calendars: number; policies: number; noPk: string[] }> {
  const ds = createDataSource({ databaseUrl: url, poolSize: 1 });
  await ds.initialize();
  try {
    const rows: { name: string; n: number | string }[] = await ds.query("SELECT name, COUNT(*) AS n FROM migrations GROUP BY name");
    const [{ c }]: { c: number | string }[] = await ds.query("SELECT COUNT(*) AS c FROM calendars");
    const [{ p }]: { p: number | string }[] = await ds.query("SELECT COUNT(*) AS p FROM sla_policies");
    const noPk: { t: string }[] = await ds.query(
      `SELECT t.table_name AS t FROM information_schema.tables t
        WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'
          AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints k
                           WHERE k.table_schema = t.table_schema AND k.table_name = t.table_name AND k.constraint_type = 'PRIMARY KEY')`,
    );
    return { names: new Map(rows.map((r) => [r.name, Number(r.n)])), calendars: Number(c), policies: Number(p), noPk: noPk.map((r) => r.t) };
  } finally {
    await ds.destroy();
  }
}

function assertOnce(got: Awaited<ReturnType<typeof appliedCounts>>) {
  assert.equal(got.names.size, migrations.length, "every migration recorded");
  for (const [name, n] of got.names) assert.equal(n, 1, `${name} applied once`);
  assert.equal(got.calendars, 1, "one default calendar");
  assert.equal(got.policies, 1, "one default SLA policy");
  assert.deepEqual(got.noPk, [], "every table has a primary key");
}

for (const target of (await testTargets({ cluster: true })).filter((t) => t.name !== "sqlite")) {
  const rootUrl = target.name === "galera" ? GALERA_ROOT_URL : MYSQL_ROOT_URL;
  describe(`migrations when ${PROCESSES} processes start at once on an empty database (${target.name})`, () => {
    const drops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const d of drops) await d().catch(() => undefined);
    });

    it(`${PROCESSES} data sources migrating at the same instant apply each migration once`, async () => {
      const m = await freshMysqlDatabase("aduan_mig", rootUrl);
      drops.push(m.drop);
      const sources = Array.from({ length: PROCESSES }, () => createDataSource({ databaseUrl: m.url, poolSize: 2 }));
      // All settled, so a failure closes the ones that did connect (and its error is reported).
      const opened = await Promise.allSettled(sources.map((ds) => ds.initialize()));
      const failed = opened.find((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failed) {
        await Promise.all(sources.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
        throw failed.reason;
      }
      const { ensureSlaDefaults } = await import("../../server/commands/ensure-sla-defaults.js");
      const { Db } = await import("../../server/lib/db.js");
      try {
        const ran = await Promise.all(
          sources.map((ds) => {
            const db = new Db(ds);
            return runMigrationsLocked(ds, { whileLocked: async () => void (await db.tx((em) => ensureSlaDefaults(em, new Date()))) });
          }),
        );
        // One of them applied everything, the others found nothing left.
        assert.deepEqual(ran.map((r) => r.length).sort((a, b) => a - b), [...Array(PROCESSES - 1).fill(0), migrations.length]);
      } finally {
        await Promise.all(sources.map((ds) => ds.destroy()));
      }
      assertOnce(await appliedCounts(m.url));
    });

    it(`${PROCESSES} server processes started together all serve, with each migration applied once`, async () => {
      const m = await freshMysqlDatabase("aduan_mig", rootUrl);
      drops.push(m.drop);
      const dataDir = mkdtempSync(join(tmpdir(), "aduan-mig-"));
      const ports = await Promise.all(Array.from({ length: PROCESSES }, freePort));
      const children: ChildProcess[] = [];
      const outputs: string[] = [];
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          NODE_ENV: "test",
          LOG_LEVEL: "info",
          DATABASE_URL: m.url,
          DATA_DIR: dataDir,
          DEMO_DATA: "0",
          SESSION_SECRET: "s".repeat(40),
          ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
        };
        for (const [i, port] of ports.entries()) {
          const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--roles=api"], { env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
          outputs[i] = "";
          child.stdout!.on("data", (d) => (outputs[i] += d));
          child.stderr!.on("data", (d) => (outputs[i] += d));
          children.push(child);
        }
        const deadline = Date.now() + 120_000;
        await Promise.all(
          ports.map(async (port, i) => {
            for (;;) {
              assert.equal(children[i]!.exitCode, null, `process ${i + 1} exited:\n${outputs[i]}`);
              try {
                const r = await fetch(`http://127.0.0.1:${port}/readyz`);
                if (r.status === 200) return;
              } catch {
                /* not listening yet */
              }
              if (Date.now() > deadline) throw new Error(`process ${i + 1} did not become ready:\n${outputs[i]}`);
              await new Promise((r) => setTimeout(r, 300));
            }
          }),
        );
        const appliedBy = outputs.filter((o) => /migrations applied/.test(o)).length;
        assert.equal(appliedBy, 1, "exactly one process applied the migrations");
      } finally {
        for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
        await Promise.all(children.map((c) => (c.exitCode === null ? once(c, "exit") : undefined)));
        rmSync(dataDir, { recursive: true, force: true });
      }
      assertOnce(await appliedCounts(m.url));
    });
  });
}
