import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { createDataSource, type DataSourceSettings } from "../config/data-source.js";
import { migrations as allMigrations } from "../../migrations/index.js";
import { verifyAudit, type AuditReport } from "../queries/verify-audit.js";
import { keysFile, type GeneratedKeys } from "../config/env.js";
import { digestTables, insertRows, listTables, type Row } from "./tables.js";
import { backupKeys, fileSha256, manifestSignatureValid, openSealed, sealedLines, type BackupKeys } from "./sealed-files.js";
import { BACKUP_FORMAT, BACKUP_VERSION, type Manifest } from "./backup.js";

/** A backup that cannot be restored, with the reason in words an administrator can act on. */
export class BackupRefused extends Error {}

export interface RestoreOptions {
  /** The backup folder. */
  path: string;
  key: Buffer;
  /** The empty target database. */
  database: DataSourceSettings;
  dataDir: string;
  /** The target's own keys; `generated`: they live in DATA_DIR/keys.json and may be replaced by the backup's. */
  appKeys: { sessionSecret: string; encryptionKey: Buffer; generated: boolean };
  onProgress?: (phase: "verify" | "tables" | "attachments", done: number, total: number, what: string) => void;
}

export interface RestoreResult {
  manifest: Manifest;
  rows: number;
  tables: number;
  attachments: number;
  /** Migrations newer than the backup that ran after the import. */
  migrated: string[];
  audit: AuditReport;
  /** Where the backup's keys were written (embedded default), when they were. */
  keysWritten: string | null;
}

const migrationName = (m: { name?: string }) => (m as { name?: string }).name ?? "";
const className = (cls: unknown) => (cls as { name: string }).name;

/** Reads and checks a backup folder: signature, version, every file's checksum. */
export async function verifyBackup(path: string, keys: BackupKeys, onProgress?: RestoreOptions["onProgress"]): Promise<Manifest> {
  const manifestPath = join(path, "manifest.json");
  if (!existsSync(manifestPath)) throw new BackupRefused(`${path} is not a backup folder (no manifest.json) / bukan folder cadangan`);
  const text = await readFile(manifestPath, "utf8");
  const sig = existsSync(join(path, "manifest.sig")) ? await readFile(join(path, "manifest.sig"), "utf8") : "";
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new BackupRefused(`manifest.json of ${path} is damaged (not JSON) / manifest rusak`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupRefused(`${path} is not an Aduan backup`);
  if (!manifestSignatureValid(keys, text, sig)) {
    throw new BackupRefused(
      manifest.keyId && manifest.keyId !== keys.id
        ? `this backup was made with another BACKUP_KEY (key id ${manifest.keyId}, this one is ${keys.id}) / cadangan ini dibuat dengan kunci lain`
        : `manifest.json of ${path} was changed or damaged (signature mismatch) / manifest telah berubah atau rusak`,
    );
  }
  if (manifest.version > BACKUP_VERSION) throw new BackupRefused(`backup format ${manifest.version} is newer than this version of Aduan reads (${BACKUP_VERSION}); upgrade first`);
  const files = [...manifest.tables.map((t) => ({ file: t.file, sha: t.fileSha256 })), ...manifest.attachments.map((a) => ({ file: a.file, sha: a.fileSha256 })), { file: manifest.keys.file, sha: manifest.keys.fileSha256 }];
  for (const [i, f] of files.entries()) {
    onProgress?.("verify", i, files.length, f.file);
    const full = join(path, f.file);
    if (!existsSync(full)) throw new BackupRefused(`backup file ${f.file} is missing / berkas cadangan hilang`);
    const got = await fileSha256(full);
    if (got.sha256 !== f.sha) throw new BackupRefused(`backup file ${f.file} is corrupted (checksum mismatch) / berkas cadangan rusak (checksum tidak cocok)`);
  }
  onProgress?.("verify", files.length, files.length, "");
  return manifest;
}

/** The tables that hold data entered by people: the target must have none of it. */
const DATA_TABLES = ["tickets", "contacts", "messages", "users"];

export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const keys = backupKeys(opts.key);
  const manifest = await verifyBackup(opts.path, keys, opts.onProgress);
  const codeNames = allMigrations.map(className);
  const backupNames = manifest.migrations.map((n) => n);
  // TypeORM records a migration's name as its class name; the backup must be this code's past.
  const known = backupNames.every((n, i) => codeNames[i] === n);
  if (!known) throw new BackupRefused(`the backup's schema (${backupNames.at(-1)}) is not one this version of Aduan knows; restore it with the version that made it`);
  const appKeys = JSON.parse(await streamText(await openSealed(keys, join(opts.path, manifest.keys.file)))) as { sessionSecret: string; encryptionKey: string };
  const sameKeys = appKeys.sessionSecret === opts.appKeys.sessionSecret && appKeys.encryptionKey === opts.appKeys.encryptionKey.toString("base64");
  if (!sameKeys && !opts.appKeys.generated) {
    throw new BackupRefused(
      "SESSION_SECRET/ENCRYPTION_KEY differ from the backup's: tracking links, sessions and channel secrets would not work. Set them to the backup's values (npm run restore -- <backup> --show-keys prints them) or unset both to let restore write DATA_DIR/keys.json / kunci berbeda dari kunci cadangan",
    );
  }

  // 1. The target, migrated exactly as far as the backup's schema.
  const upTo = allMigrations.slice(0, backupNames.length);
  const ds = createDataSource({ ...opts.database, poolSize: 2 }, { migrations: upTo });
  await ds.initialize();
  let rows = 0;
  try {
    const applied: string[] = (await ds.query("SELECT name FROM migrations ORDER BY id").catch(() => [])).map((r: { name: string }) => r.name);
    if (applied.length > backupNames.length || applied.some((n, i) => backupNames[i] !== n)) {
      throw new BackupRefused(`the target database is already at a newer schema (${applied.at(-1)}); restore into an empty database / basis data tujuan harus kosong`);
    }
    await ds.runMigrations({ transaction: "each" });
    const tables = await listTables(ds.manager);
    for (const t of DATA_TABLES) {
      const n = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
      if (n > 0) throw new BackupRefused(`the target database is not empty (${t}: ${n} rows); restore into an empty database / basis data tujuan tidak kosong`);
    }
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of manifest.tables) if (!byName.has(t.name)) throw new BackupRefused(`table ${t.name} of the backup does not exist in the target schema`);

    // 2. The rows, on one connection with foreign keys off (tables come in name order).
    const mysql = ds.options.type === "mysql";
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query(mysql ? "SET FOREIGN_KEY_CHECKS = 0" : "PRAGMA foreign_keys = OFF");
      // Rows the migrations seeded (defaults) come back from the backup itself.
      for (const t of tables) await qr.query(`DELETE FROM ${mysql ? `\`${t.name}\`` : `"${t.name}"`}`);
      for (const [i, entry] of manifest.tables.entries()) {
        opts.onProgress?.("tables", i, manifest.tables.length, entry.name);
        const table = byName.get(entry.name)!;
        let batch: Row[] = [];
        const flush = async () => {
          if (!batch.length) return;
          if (!mysql) await qr.query("BEGIN");
          await insertRows(qr.manager, table, batch);
          if (!mysql) await qr.query("COMMIT");
          rows += batch.length;
          batch = [];
        };
        for await (const line of sealedLines(keys, join(opts.path, entry.file))) {
          batch.push(JSON.parse(line));
          if (batch.length >= 2000) await flush();
        }
        await flush();
      }
      opts.onProgress?.("tables", manifest.tables.length, manifest.tables.length, "");
      await qr.query(mysql ? "SET FOREIGN_KEY_CHECKS = 1" : "PRAGMA foreign_keys = ON");
    } finally {
      await qr.release();
    }

    // 3. Every table as it was: row count and content hash.
    const now = await digestTables(ds.manager, tables.filter((t) => manifest.tables.some((e) => e.name === t.name)));
    for (const t of manifest.tables) {
      const got = now.get(t.name)!;
      if (got.rows !== t.rows || got.sha256 !== t.sha256) throw new BackupRefused(`table ${t.name} differs after restore (rows ${got.rows}/${t.rows}); the restore is incomplete`);
    }
  } finally {
    await ds.destroy();
  }

  // 4. The attachments, checked against their checksums.
  const root = resolve(opts.dataDir);
  for (const [i, a] of manifest.attachments.entries()) {
    opts.onProgress?.("attachments", i, manifest.attachments.length, a.path);
    const target = resolve(root, normalize(a.path));
    if (!target.startsWith(root + sep)) throw new BackupRefused(`attachment path ${a.path} leaves DATA_DIR`);
    await mkdir(dirname(target), { recursive: true });
    const hash = createHash("sha256");
    const tap = new Transform({
      transform(chunk, _e, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(await openSealed(keys, join(opts.path, a.file)), tap, createWriteStream(target));
    if (hash.digest("hex") !== a.sha256) throw new BackupRefused(`attachment ${a.path} does not match its checksum`);
  }
  opts.onProgress?.("attachments", manifest.attachments.length, manifest.attachments.length, "");

  // 5. The keys (embedded default: DATA_DIR/keys.json takes the backup's; the old file is kept).
  let keysWritten: string | null = null;
  if (!sameKeys) {
    const file = keysFile(opts.dataDir);
    let current: GeneratedKeys = { sessionSecret: "", encryptionKey: "" };
    if (existsSync(file)) {
      current = JSON.parse(await readFile(file, "utf8"));
      await copyFile(file, `${file}.before-restore`);
    }
    await mkdir(opts.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify({ ...current, sessionSecret: appKeys.sessionSecret, encryptionKey: appKeys.encryptionKey }, null, 2), { mode: 0o600 });
    keysWritten = file;
  }

  // 6. Migrations newer than the backup, then the audit log's own check.
  const full = createDataSource({ ...opts.database, poolSize: 2 });
  await full.initialize();
  try {
    const migrated = (await full.runMigrations({ transaction: "each" })).map(migrationName);
    const audit = await verifyAudit(full);
    return { manifest, rows, tables: manifest.tables.length, attachments: manifest.attachments.length, migrated, audit, keysWritten };
  } finally {
    await full.destroy();
  }
}

/** The app keys a backup holds, for an operator who sets them by environment. */
export async function backupAppKeys(path: string, key: Buffer): Promise<{ sessionSecret: string; encryptionKey: string }> {
  const keys = backupKeys(key);
  const manifest = await verifyBackup(path, keys);
  return JSON.parse(await streamText(await openSealed(keys, join(path, manifest.keys.file))));
}

async function streamText(s: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}
