import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join, relative, sep } from "node:path";
import type { DataSource, EntityManager } from "typeorm";
import { createDataSource, type DataSourceSettings } from "../config/data-source.js";
import { listTables, readRows, TableDigest, type TableInfo } from "./tables.js";
import { backupKeys, signManifest, writeSealed, type BackupKeys } from "./sealed-files.js";

/**
 * A backup is a folder `aduan-backup-<UTC time>/`:
 *   manifest.json   what is inside: tables (rows, content hash), attachment files, migrations, keys
 *   manifest.sig    HMAC of manifest.json under BACKUP_KEY
 *   tables/<table>.jsonl.sealed        every row, normalized (server/backup/tables.ts), gzip + AES-GCM
 *   attachments/<n>.sealed             each file under DATA_DIR/attachments
 *   keys.sealed     SESSION_SECRET and ENCRYPTION_KEY: without them channel secrets, tracking
 *                   links and sessions of the restored database cannot be read
 *
 * It is a logical dump read inside one snapshot (MySQL/MariaDB/Galera: START TRANSACTION WITH
 * CONSISTENT SNAPSHOT; SQLite: one read transaction on its own connection, which WAL keeps
 * consistent while the server goes on writing). One format for every engine, so a backup of the
 * embedded database restores into MariaDB and back. It is written under a ".partial" name and
 * renamed when complete, so a folder with that name pattern is always whole.
 */
export const BACKUP_FORMAT = "aduan-backup";
export const BACKUP_VERSION = 1;
export const BACKUP_PREFIX = "aduan-backup-";

export interface ManifestTable {
  name: string;
  rows: number;
  /** Content hash of the normalized rows (tables.ts TableDigest). */
  sha256: string;
  file: string;
  fileSha256: string;
  bytes: number;
}
export interface ManifestFile {
  /** Path under DATA_DIR, with "/" separators. */
  path: string;
  /** SHA-256 of the file's content. */
  sha256: string;
  size: number;
  file: string;
  fileSha256: string;
}
export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  engine: "sqlite" | "mysql";
  /** Names of the migrations the database had, in order. */
  migrations: string[];
  keyId: string;
  tables: ManifestTable[];
  attachments: ManifestFile[];
  keys: { file: string; fileSha256: string };
}

export interface BackupProgress {
  (phase: "tables" | "attachments", done: number, total: number, what: string): void;
}

export interface BackupOptions {
  /** Where the database is (a separate connection is opened for the snapshot). */
  database: DataSourceSettings;
  dataDir: string;
  key: Buffer;
  appKeys: { sessionSecret: string; encryptionKey: Buffer };
  /** The folder that receives the backup folder. */
  outDir: string;
  now?: Date;
  onProgress?: BackupProgress;
}

export interface BackupResult {
  path: string;
  manifest: Manifest;
  bytes: number;
  rows: number;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/** Files under DATA_DIR/attachments, relative to DATA_DIR, sorted. */
async function attachmentFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, "attachments");
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(dataDir, p).split(sep).join("/"));
    }
  };
  await walk(root);
  return out.sort();
}

/** Runs fn inside one read snapshot on a connection of its own. */
export async function inSnapshot<T>(ds: DataSource, fn: (m: EntityManager) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    if (ds.options.type === "mysql") {
      await qr.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      await qr.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    } else {
      await qr.query("BEGIN");
      await qr.query("SELECT COUNT(*) FROM migrations"); // the snapshot starts at the first read
    }
    try {
      return await fn(qr.manager);
    } finally {
      await qr.query("COMMIT").catch(() => undefined);
    }
  } finally {
    await qr.release();
  }
}

export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const keys = backupKeys(opts.key);
  const now = opts.now ?? new Date();
  const name = `${BACKUP_PREFIX}${stamp(now)}`;
  const partial = join(opts.outDir, `.${name}.partial`);
  await mkdir(join(partial, "tables"), { recursive: true });
  await mkdir(join(partial, "attachments"), { recursive: true });
  const ds = createDataSource({ ...opts.database, poolSize: 2 });
  await ds.initialize();
  try {
    const { manifest, rows } = await inSnapshot(ds, async (m) => {
      const migrations: string[] = (await m.query("SELECT name FROM migrations ORDER BY id")).map((r: { name: string }) => r.name);
      const tables = await listTables(m);
      const manifestTables: ManifestTable[] = [];
      let rows = 0;
      for (const [i, t] of tables.entries()) {
        opts.onProgress?.("tables", i, tables.length, t.name);
        const entry = await dumpTable(keys, m, t, partial);
        rows += entry.rows;
        manifestTables.push(entry);
      }
      opts.onProgress?.("tables", tables.length, tables.length, "");
      return {
        rows,
        manifest: {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: now.toISOString(),
          engine: ds.options.type === "mysql" ? "mysql" : "sqlite",
          migrations,
          keyId: keys.id,
          tables: manifestTables,
          attachments: [] as ManifestFile[],
          keys: { file: "keys.sealed", fileSha256: "" },
        } satisfies Manifest,
      };
    });
    const files = await attachmentFiles(opts.dataDir);
    for (const [i, path] of files.entries()) {
      opts.onProgress?.("attachments", i, files.length, path);
      const file = `attachments/${i + 1}.sealed`;
      const sealed = await writeSealed(keys, join(partial, file), createReadStream(join(opts.dataDir, path)));
      manifest.attachments.push({ path, sha256: sealed.plainSha256, size: (await stat(join(opts.dataDir, path))).size, file, fileSha256: sealed.sha256 });
    }
    opts.onProgress?.("attachments", files.length, files.length, "");
    const appKeys = JSON.stringify({ sessionSecret: opts.appKeys.sessionSecret, encryptionKey: opts.appKeys.encryptionKey.toString("base64") });
    manifest.keys.fileSha256 = (await writeSealed(keys, join(partial, manifest.keys.file), [appKeys])).sha256;
    const text = JSON.stringify(manifest, null, 2);
    await writeFile(join(partial, "manifest.json"), text);
    await writeFile(join(partial, "manifest.sig"), `${signManifest(keys, text)}\n`);
    const final = join(opts.outDir, name);
    await rename(partial, final);
    const bytes = manifest.tables.reduce((s, t) => s + t.bytes, 0) + manifest.attachments.reduce((s, a) => s + a.size, 0);
    return { path: final, manifest, bytes, rows };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await ds.destroy();
  }
}

async function dumpTable(keys: BackupKeys, m: EntityManager, t: TableInfo, dir: string): Promise<ManifestTable> {
  const digest = new TableDigest();
  async function* lines() {
    for await (const page of readRows(m, t)) yield page.map((r) => `${digest.add(r)}\n`).join("");
  }
  const file = `tables/${t.name}.jsonl.sealed`;
  const sealed = await writeSealed(keys, join(dir, file), lines());
  return { name: t.name, rows: digest.rows, sha256: digest.hex(), file, fileSha256: sealed.sha256, bytes: sealed.bytes };
}

/** Complete backups in a folder, newest first. */
export async function listBackups(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return names.filter((n) => n.startsWith(BACKUP_PREFIX)).sort().reverse().map((n) => join(dir, n));
}

/** Deletes all but the `keep` newest complete backups (and partial ones left by a crash). */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const removed: string[] = [];
  for (const old of (await listBackups(dir)).slice(keep)) {
    await rm(old, { recursive: true, force: true });
    removed.push(old);
  }
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (n.startsWith(`.${BACKUP_PREFIX}`) && n.endsWith(".partial")) {
      await rm(join(dir, n), { recursive: true, force: true });
      removed.push(join(dir, n));
    }
  }
  return removed;
}
