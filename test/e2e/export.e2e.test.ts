import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse/sync";
import yauzl from "yauzl";
import { freshSqliteFile, openMigrated, testTargets } from "../support/databases.js";
import { DEMO, startTestApp } from "../support/app.js";
import { listTables } from "../../server/backup/tables.js";
import { describeColumn, SCHEMA_DICTIONARY, SECRET_COLUMNS } from "../../server/backup/schema-dictionary.js";
import { seedDemo } from "../../server/demo/seed-demo.js";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import { Attachment } from "../../server/entities/attachment.entity.js";
import { Ticket } from "../../server/entities/ticket.entity.js";
import { attachmentStorageKey, writeAttachmentFile } from "../../server/lib/attachment-files.js";

/**
 * Issue 15 point 3 / acceptance 4: the full export in open formats. Every table as CSV and JSON
 * Lines with the same rows as the database, the schema described in both languages, secrets left
 * out, attachments by ticket; and 100,000 tickets exported with bounded memory, read back with
 * the same counts.
 */
const targets = await testTargets();
const tmp = mkdtempSync(join(tmpdir(), "aduan-export-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every entry of a zip: name -> bytes (small archives only). */
async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(buf, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((res, rej) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (e, s) => {
        if (e) return rej(e);
        const parts: Buffer[] = [];
        for await (const c of s as Readable) parts.push(c as Buffer);
        out.set(entry.fileName, Buffer.concat(parts));
        zip.readEntry();
      });
    });
    zip.on("end", () => res());
    zip.on("error", rej);
    zip.readEntry();
  });
  return out;
}

describe("the schema dictionary", () => {
  it("describes every table and every exported column in Bahasa Indonesia and English", async () => {
    const f = freshSqliteFile();
    const d = await openMigrated({ sqlitePath: f.path, dataDir: f.dir }, f.drop);
    try {
      const missing: string[] = [];
      for (const t of await listTables(d.db.manager)) {
        if (!SCHEMA_DICTIONARY[t.name]) missing.push(`table ${t.name}`);
        else if (!SCHEMA_DICTIONARY[t.name].omit)
          for (const c of t.columns) {
            if (SECRET_COLUMNS[t.name]?.includes(c.name)) continue;
            const d = describeColumn(t.name, c.name);
            if (!d?.id || !d?.en) missing.push(`${t.name}.${c.name}`);
          }
      }
      assert.deepEqual(missing, [], "describe these in server/backup/schema-dictionary.ts");
    } finally {
      await d.destroy();
    }
  });
});

for (const target of targets) {
  describe(`the admin's export download (${target.name})`, () => {
    it("holds every table as CSV and JSON Lines with the database's rows, the schema, the files by ticket, and no secret", async () => {
      const app = await startTestApp(target);
      try {
        const dataDir = mkdtempSync(join(tmp, "data-"));
        app.deps.config = { ...app.deps.config, dataDir };
        const ticket = (await app.database.db.manager.getRepository(Ticket).find({ order: { id: "ASC" }, take: 1 }))[0];
        const row = await app.database.db.manager.getRepository(Attachment).save({ ticketId: ticket.id, messageId: null, fileName: "foto.jpg", mimeType: "image/jpeg", sizeBytes: 4, storageKey: "x", createdAt: new Date() } as Partial<Attachment>);
        const key = attachmentStorageKey(ticket.id, row.id, "foto.jpg");
        await app.database.db.manager.getRepository(Attachment).update({ id: row.id }, { storageKey: key });
        await writeAttachmentFile(dataDir, key, Buffer.from("JPEG"));

        assert.equal((await (await app.loginAs(DEMO.supervisor)).get("/api/operations/export")).status, 403, "admins only");
        const admin = await app.loginAs(DEMO.admin);
        const res = await admin.get("/api/operations/export").buffer(true).parse((r, cb) => {
          const parts: Buffer[] = [];
          r.on("data", (c: Buffer) => parts.push(c));
          r.on("end", () => cb(null, Buffer.concat(parts)));
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers["content-type"], "application/zip");
        assert.match(res.headers["content-disposition"], /attachment; filename="aduan-ekspor-\d{8}T\d{6}Z\.zip"/);
        const files = await unzip(res.body as Buffer);

        const schema = JSON.parse(files.get("schema.json")!.toString("utf8"));
        for (const t of await listTables(app.database.db.manager)) {
          if (SCHEMA_DICTIONARY[t.name]?.omit) {
            assert.ok(!files.has(`tabel/${t.name}.csv`), `${t.name} is not exported`);
            continue;
          }
          const n = Number((await app.database.db.manager.query(`SELECT COUNT(*) AS n FROM ${t.name}`))[0].n);
          const jsonl = files.get(`tabel/${t.name}.jsonl`)!.toString("utf8").split("\n").filter(Boolean);
          const csv = parseCsv(files.get(`tabel/${t.name}.csv`)!.toString("utf8"), { bom: true, columns: true }) as Record<string, string>[];
          // The download records itself in the audit log before the snapshot is read.
          assert.equal(jsonl.length, n, `${t.name}.jsonl rows`);
          assert.equal(csv.length, n, `${t.name}.csv rows`);
          const described = schema.tables.find((x: { name: string }) => x.name === t.name);
          assert.equal(described.rows, n);
          for (const secret of SECRET_COLUMNS[t.name] ?? []) {
            assert.ok(!(n > 0 && secret in csv[0]), `${t.name}.${secret} is left out of the CSV`);
            assert.ok(!jsonl.some((l) => secret in JSON.parse(l)), `${t.name}.${secret} is left out of the JSON Lines`);
            assert.ok(described.omittedColumns.includes(secret));
          }
        }
        const everything = [...files.values()].map((b) => b.toString("latin1")).join("\n");
        assert.ok(!/scrypt\$/.test(everything), "no password hash anywhere in the archive");
        assert.deepEqual(files.get(`lampiran/${ticket.number}/${row.id}-foto.jpg`), Buffer.from("JPEG"));
        const md = files.get("SKEMA.md")!.toString("utf8");
        assert.match(md, /## tickets \(\d+\)/);
        assert.match(md, /\| number \| text \| nomor tiket untuk warga/);
      } finally {
        await app.close();
      }
    });
  });
}

describe("npm run export at 100,000 tickets", () => {
  it("streams them with bounded memory, and the archive reads back with the same counts", { timeout: 600_000 }, async (tc) => {
    const dataDir = mkdtempSync(join(tmp, "big-"));
    const d = await openMigrated({ sqlitePath: join(dataDir, "aduan.sqlite") }, () => undefined);
    const TICKETS = 100_000;
    try {
      await d.db.tx((m) => ensureSlaDefaults(m, new Date()));
      await seedDemo(d.db, "export-test-session-secret-0123456789abcdef", new Date());
      const m = d.db.manager;
      const have = Number((await m.query("SELECT COUNT(*) AS n FROM tickets"))[0].n);
      const [tpl] = await m.query("SELECT id FROM tickets ORDER BY id LIMIT 1");
      // Copies of a demo ticket, in SQL (a recursive counter), with numbers of their own.
      await m.query(
        `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
         INSERT INTO tickets (number, tracking_secret_hash, subject, description, channel, contact_id, category_id, privacy, status, previous_status, complaint_class, priority,
                              is_open, due_at, received_at, created_at, updated_at)
         SELECT 'ADU-EXP-' || printf('%06d', seq.n), t.tracking_secret_hash, t.subject || ' #' || seq.n, t.description, t.channel, t.contact_id, t.category_id, t.privacy, t.status,
                t.previous_status, t.complaint_class, t.priority, t.is_open, t.due_at, t.received_at, t.created_at, t.updated_at
           FROM seq JOIN tickets t ON t.id = ?`,
        [TICKETS - have, tpl.id],
      );
      assert.equal(Number((await m.query("SELECT COUNT(*) AS n FROM tickets"))[0].n), TICKETS);
    } finally {
      await d.destroy();
    }
    const out = join(tmp, "big-out");
    const t0 = Date.now();
    const run = spawnSync(process.execPath, ["--import", "tsx", "server/cli/export.ts", "--out", out], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", SESSION_SECRET: "export-test-session-secret-0123456789abcdef", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") },
      encoding: "utf8",
      timeout: 540_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const peak = Number(/peak memory \(RSS\): (\d+) MB/.exec(run.stdout)?.[1]);
    tc.diagnostic(`export of ${TICKETS.toLocaleString("en")} tickets: ${((Date.now() - t0) / 1000).toFixed(1)} s, peak RSS ${peak} MB`);
    assert.ok(peak > 0 && peak <= 300, `peak RSS ${peak} MB must stay within 300 MB`);

    // Read it back as a stream (the archive is larger than we want in memory): count lines per table.
    const file = join(out, readdirSync(out).find((n) => n.endsWith(".zip"))!);
    const counts = new Map<string, number>();
    const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(file, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
    await new Promise<void>((res, rej) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!/^tabel\/.*\.jsonl$/.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, async (e, s) => {
          if (e) return rej(e);
          let n = 0;
          for await (const c of s as Readable) for (const b of c as Buffer) if (b === 10) n++;
          counts.set(entry.fileName, n);
          zip.readEntry();
        });
      });
      zip.on("end", () => res());
      zip.on("error", rej);
      zip.readEntry();
    });
    zip.close();
    assert.equal(counts.get("tabel/tickets.jsonl"), TICKETS, "every ticket is in the archive");
    assert.ok((counts.get("tabel/users.jsonl") ?? 0) > 5);
  });
});
