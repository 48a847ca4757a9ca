import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import { mariadbTarget, openMigrated, sqliteTarget, testTargets, type TestDatabase, type TestTarget } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { createApp } from "../../server/http/app.js";
import { createLogger } from "../../server/lib/logger.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { Attachment } from "../../server/entities/attachment.entity.js";
import { Ticket } from "../../server/entities/ticket.entity.js";
import { attachmentStorageKey, writeAttachmentFile } from "../../server/lib/attachment-files.js";
import { backupStatus, runBackup } from "../../server/backup/run.js";
import { BackupRefused, restoreBackup } from "../../server/backup/restore.js";
import { digestTables } from "../../server/backup/tables.js";
import { seedDemo } from "../../server/demo/seed-demo.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";

/**
 * Issue 15, acceptance 3: backup → restore round trips on SQLite and MariaDB, and across them.
 * After a restore into an empty database every table's row count and content hash match the
 * source, the attachments match their checksums, the audit log verifies and the app serves the
 * restored tickets; a corrupted file, another key and a non-empty target are refused by name.
 */
const KEY = Buffer.alloc(32, 9);
// The Galera cluster too (CI): a backup of the cluster restores into it and into the embedded database.
const targets = await testTargets({ cluster: true });
const byName = (n: string): TestTarget => targets.find((t) => t.name === n) ?? (n === "sqlite" ? sqliteTarget : mariadbTarget);

const tmp = mkdtempSync(join(tmpdir(), "aduan-backup-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A source app with the demo data, one attachment file and a backup of it. */
async function sourceWithBackup(target: TestTarget) {
  const app = await startTestApp(target, {});
  const dataDir = mkdtempSync(join(tmp, `src-${target.name}-`));
  app.config = { ...app.config, dataDir, backup: { ...app.config.backup, key: KEY, keep: 2 } };
  const ticket = (await app.database.db.manager.getRepository(Ticket).find({ order: { id: "ASC" }, take: 1 }))[0];
  const bytes = Buffer.from("%PDF-1.4 foto jalan berlubang \u00e9\u00e8 ".repeat(500));
  const row = await app.database.db.manager.getRepository(Attachment).save({ ticketId: ticket.id, messageId: null, fileName: "foto jalan.pdf", mimeType: "application/pdf", sizeBytes: bytes.length, storageKey: "pending", createdAt: new Date() } as Partial<Attachment>);
  const storageKey = attachmentStorageKey(ticket.id, row.id, row.fileName);
  await app.database.db.manager.getRepository(Attachment).update({ id: row.id }, { storageKey });
  await writeAttachmentFile(dataDir, storageKey, bytes);
  const outDir = join(tmp, `out-${target.name}`);
  // As it was when backed up (the backup then records itself in the audit log).
  const digest = await digestTables(app.database.db.manager);
  const backup = await runBackup({ db: app.database.db, config: app.config }, { outDir });
  return { app, dataDir, backup, digest, storageKey, bytes };
}

async function restoreInto(target: TestTarget, path: string) {
  const database = await target.open();
  // An empty database as a new installation has it: migrated (seeded defaults included), no data.
  const dataDir = database.settings.dataDir ?? mkdtempSync(join(tmp, `dst-${target.name}-`));
  const result = await restoreBackup({
    path,
    key: KEY,
    database: database.settings,
    dataDir,
    appKeys: { sessionSecret: "test-session-secret-that-is-long-enough-0123456789", encryptionKey: Buffer.alloc(32, 7), generated: false },
  });
  return { database, dataDir, result };
}

async function servesTickets(database: TestDatabase, config: TestApp["config"], expected: { count: number; subject: string; number: string }) {
  const app = createApp({ db: database.db, config, clock: { now: () => new Date("2026-11-23T03:00:00.000Z") }, logger: createLogger("silent"), loginSlowdownBaseMs: 5, publicCacheMs: 0 });
  const agent = supertest.agent(app);
  const login = await agent.post("/api/auth/login").send({ email: DEMO.operator, password: DEMO_PASSWORD });
  assert.equal(login.status, 200, "the restored users can log in");
  const list = await agent.get("/api/tickets").query({ range: "[0,9]" });
  assert.equal(list.status, 200);
  const total = Number(String(list.headers["content-range"] ?? "").split("/")[1] ?? list.body.length);
  assert.equal(total, expected.count, "every ticket is served");
  const found = await agent.get("/api/tickets").query({ filter: JSON.stringify({ q: expected.number }) });
  assert.ok(JSON.stringify(found.body).includes(expected.subject), "a restored ticket shows its subject");
}

for (const [from, to] of [
  ["sqlite", "sqlite"],
  ["mariadb", "mariadb"],
  ["sqlite", "mariadb"],
  ["mariadb", "sqlite"],
  ["galera", "galera"],
  ["sqlite", "galera"],
] as const) {
  if (!targets.some((t) => t.name === from) || !targets.some((t) => t.name === to)) continue;
  describe(`backup on ${from}, restore into an empty ${to} database`, () => {
    let src: Awaited<ReturnType<typeof sourceWithBackup>>;
    let dst: Awaited<ReturnType<typeof restoreInto>>;
    before(async () => {
      src = await sourceWithBackup(byName(from));
      dst = await restoreInto(byName(to), src.backup.path);
    });
    after(async () => {
      await dst?.database.destroy();
      await src?.app.close();
    });

    it("restores every table with the same rows and content, and says so", async () => {
      assert.ok(src.backup.rows > 100, `the demo data is backed up (${src.backup.rows} rows)`);
      const now = await digestTables(dst.database.db.manager);
      for (const [table, d] of src.digest) assert.deepEqual(now.get(table), d, `table ${table}: same rows and content hash`);
      assert.equal(dst.result.rows, src.backup.rows);
    });

    it("restores the attachment files byte for byte", () => {
      assert.deepEqual(readFileSync(join(dst.dataDir, src.storageKey)), src.bytes);
    });

    it("passes the audit verification and serves the restored tickets", async () => {
      assert.equal(dst.result.audit.ok, true, JSON.stringify(dst.result.audit.problems.slice(0, 3)));
      assert.equal((await verifyAudit(dst.database.db.ds)).ok, true);
      const tickets = dst.database.db.manager.getRepository(Ticket);
      const first = (await tickets.find({ order: { id: "ASC" }, take: 1 }))[0];
      await servesTickets(dst.database, src.app.config, { count: await tickets.count(), subject: first.subject, number: first.number });
    });
  });
}

describe("a backup that must not be restored", () => {
  let src: Awaited<ReturnType<typeof sourceWithBackup>>;
  before(async () => {
    src = await sourceWithBackup(sqliteTarget);
  });
  after(async () => {
    await src?.app.close();
  });

  it("refuses a corrupted file by name, before writing anything", async () => {
    const copy = join(tmp, "corrupted");
    spawnSync("cp", ["-r", src.backup.path, copy]);
    const file = join(copy, "tables", "tickets.jsonl.sealed");
    const bytes = readFileSync(file);
    bytes[bytes.length - 40] ^= 0xff;
    writeFileSync(file, bytes);
    const database = await sqliteTarget.open();
    try {
      await assert.rejects(
        restoreBackup({ path: copy, key: KEY, database: database.settings, dataDir: database.settings.dataDir!, appKeys: { sessionSecret: "x".repeat(40), encryptionKey: Buffer.alloc(32, 7), generated: true } }),
        (e: Error) => e instanceof BackupRefused && /tables\/tickets\.jsonl\.sealed is corrupted/.test(e.message),
      );
      assert.equal(Number((await database.db.manager.query("SELECT COUNT(*) AS n FROM tickets"))[0].n), 0, "nothing was restored");
    } finally {
      await database.destroy();
    }
  });

  it("refuses another key and a database that is not empty", async () => {
    const database = await sqliteTarget.open();
    try {
      const opts = { path: src.backup.path, database: database.settings, dataDir: database.settings.dataDir!, appKeys: { sessionSecret: "test-session-secret-that-is-long-enough-0123456789", encryptionKey: Buffer.alloc(32, 7), generated: false } };
      await assert.rejects(restoreBackup({ ...opts, key: Buffer.alloc(32, 1) }), (e: Error) => e instanceof BackupRefused && /another BACKUP_KEY/.test(e.message));
      await restoreBackup({ ...opts, key: KEY });
      await assert.rejects(restoreBackup({ ...opts, key: KEY }), (e: Error) => e instanceof BackupRefused && /not empty/.test(e.message));
    } finally {
      await database.destroy();
    }
  });

  it("keeps BACKUP_KEEP backups, and the console's status shows the last one", async () => {
    const outDir = join(tmp, "keep");
    for (let i = 0; i < 3; i++) await runBackup({ db: src.app.database.db, config: src.app.config }, { outDir, now: new Date(Date.UTC(2026, 10, 20 + i, 1)) });
    assert.deepEqual(readdirSync(outDir).sort(), ["aduan-backup-20261121T010000Z", "aduan-backup-20261122T010000Z"]);
    const status = await backupStatus(src.app.database.db, src.app.config, new Date(Date.UTC(2026, 10, 22, 5)));
    assert.equal(status.lastOkPath, join(outDir, "aduan-backup-20261122T010000Z"));
    assert.equal(status.overdue, false);
    const late = await backupStatus(src.app.database.db, src.app.config, new Date(Date.UTC(2026, 10, 24, 5)));
    assert.equal(late.overdue, true, "two days without a backup is overdue for a daily one");
    // The console's alert reads it (supervisors and admins only).
    src.app.clock.set(new Date(Date.UTC(2026, 10, 24, 5)));
    const supervisor = await src.app.loginAs(DEMO.supervisor);
    const res = await supervisor.get("/api/operations/backup");
    assert.equal(res.status, 200);
    assert.equal(res.body.overdue, true);
    assert.equal(res.body.lastOkPath, join(outDir, "aduan-backup-20261122T010000Z"));
    assert.equal((await (await src.app.loginAs(DEMO.operator)).get("/api/operations/backup")).status, 403);
    // …and Prometheus: the age of the last successful backup and the overdue flag.
    const metrics = await supertest(src.app.app).get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^aduan_backup\{state="overdue"\} 1$/m);
    assert.match(metrics.text, new RegExp(`^aduan_backup\\{state="age_seconds"\\} ${(2 * 86400 + 4 * 3600).toString()}$`, "m"));
  });
});

describe("npm run backup and npm run restore (embedded database, generated keys)", () => {
  it("backs up with the key generated in DATA_DIR/keys.json and restores into a new DATA_DIR with the backup's keys", async () => {
    const srcDir = mkdtempSync(join(tmp, "cli-src-"));
    const dstDir = mkdtempSync(join(tmp, "cli-dst-"));
    const out = join(tmp, "cli-out");
    const env = { ...process.env, NODE_ENV: "development", DATA_DIR: srcDir, DATABASE_URL: "", DEMO_DATA: "1", SESSION_SECRET: "", ENCRYPTION_KEY: "", BACKUP_KEY: "", LOG_LEVEL: "warn" };
    const tsx = (args: string[], e: NodeJS.ProcessEnv) => spawnSync(process.execPath, ["--import", "tsx", ...args], { env: e, encoding: "utf8", timeout: 120_000 });
    const migrate = tsx(["server/cli/migrate.ts"], env);
    assert.equal(migrate.status, 0, migrate.stderr);
    const seeded = await openMigrated({ sqlitePath: join(srcDir, "aduan.sqlite") }, () => undefined);
    await seedDemo(seeded.db, JSON.parse(readFileSync(join(srcDir, "keys.json"), "utf8")).sessionSecret, new Date());
    await seeded.destroy();
    const backup = tsx(["server/cli/backup.ts", "--out", out], env);
    assert.equal(backup.status, 0, backup.stderr);
    assert.match(backup.stdout, /backup written: .*aduan-backup-/);
    const keys = JSON.parse(readFileSync(join(srcDir, "keys.json"), "utf8"));
    assert.ok(keys.backupKey, "a backup key was generated into keys.json");
    const path = join(out, readdirSync(out)[0]);

    const dstEnv = { ...env, DATA_DIR: dstDir, BACKUP_KEY: keys.backupKey };
    const restore = tsx(["server/cli/restore.ts", path], dstEnv);
    assert.equal(restore.status, 0, restore.stderr + restore.stdout);
    assert.match(restore.stdout, /checksums and row hashes match/);
    assert.match(restore.stdout, /audit log intact/);
    const restoredKeys = JSON.parse(readFileSync(join(dstDir, "keys.json"), "utf8"));
    assert.equal(restoredKeys.sessionSecret, keys.sessionSecret, "the backup's keys now serve the restored database");
    assert.equal(restoredKeys.encryptionKey, keys.encryptionKey);

    const again = tsx(["server/cli/restore.ts", path], dstEnv);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /restore refused: the target database is not empty/);
    assert.ok(existsSync(join(dstDir, "aduan.sqlite")));
  });
});
