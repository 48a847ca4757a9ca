import type { DataSource } from "typeorm";
import type { DataSourceSettings } from "../config/data-source.js";
import { backupKeyOf, type Config } from "../config/env.js";
import { appendAuditEvent, SYSTEM_ACTOR, type Actor } from "../commands/append-audit-event.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import type { Db } from "../lib/db.js";
import { createBackup, pruneBackups, type BackupProgress, type BackupResult } from "./backup.js";

/** How to open the database a Db is connected to again (a backup reads on a connection of its own). */
export function settingsOf(ds: DataSource): DataSourceSettings {
  const o = ds.options as { type: string; url?: string; database?: string };
  return o.type === "mysql" ? { databaseUrl: o.url } : { sqlitePath: String(o.database) };
}

export const BACKUP_AUDIT = { ok: "backup.completed", failed: "backup.failed" } as const;

/**
 * One backup as the scheduled job and `npm run backup` make it: written to `outDir` (default
 * BACKUP_DIR), older ones pruned to BACKUP_KEEP, and the outcome recorded in the audit log, where
 * the console and /metrics read the time of the last successful backup.
 */
export async function runBackup(
  deps: { db: Db; config: Config },
  opts: { outDir?: string; prune?: boolean; actor?: Actor; onProgress?: BackupProgress; now?: Date } = {},
): Promise<BackupResult & { pruned: string[] }> {
  const { db, config } = deps;
  const outDir = opts.outDir ?? config.backup.dir;
  const at = () => opts.now ?? new Date();
  try {
    const k = backupKeyOf(config);
    if (!k) throw new Error("BACKUP_KEY is not set: backups of a MySQL/MariaDB database need it (32 bytes, base64 or hex) / BACKUP_KEY belum diatur");
    const result = await createBackup({
      database: settingsOf(db.ds),
      dataDir: config.dataDir,
      key: k.key,
      appKeys: { sessionSecret: config.sessionSecret, encryptionKey: config.encryptionKey },
      outDir,
      now: opts.now,
      onProgress: opts.onProgress,
    });
    const pruned = opts.prune === false ? [] : await pruneBackups(outDir, config.backup.keep);
    await db.tx((m) =>
      appendAuditEvent(m, {
        actor: opts.actor ?? SYSTEM_ACTOR,
        type: BACKUP_AUDIT.ok,
        entityType: "backup",
        entityId: "backups",
        after: { path: result.path, rows: result.rows, bytes: result.bytes, tables: result.manifest.tables.length, attachments: result.manifest.attachments.length, pruned: pruned.length },
        at: at(),
      }),
    );
    return { ...result, pruned };
  } catch (err) {
    await db
      .tx((m) => appendAuditEvent(m, { actor: opts.actor ?? SYSTEM_ACTOR, type: BACKUP_AUDIT.failed, entityType: "backup", entityId: "backups", after: { outDir, error: String((err as Error).message ?? err).slice(0, 500) }, at: at() }))
      .catch(() => undefined);
    throw err;
  }
}

export interface BackupStatus {
  /** Time of the last successful backup, or null when there was none. */
  lastOkAt: Date | null;
  lastOkPath: string | null;
  lastFailedAt: Date | null;
  lastError: string | null;
  /** Hours between scheduled backups (0: none scheduled). */
  everyHours: number;
  /** No successful backup within its period (and a grace of an hour): supervisors and admins are warned. */
  overdue: boolean;
}

/** The last backup outcomes, from the audit log. */
export async function backupStatus(db: Db, config: Config, now: Date): Promise<BackupStatus> {
  const repo = db.manager.getRepository(AuditEvent);
  const [ok] = await repo.find({ where: { type: BACKUP_AUDIT.ok }, order: { id: "DESC" }, take: 1 });
  const [failed] = await repo.find({ where: { type: BACKUP_AUDIT.failed }, order: { id: "DESC" }, take: 1 });
  const parse = (e: AuditEvent | undefined) => (e?.afterJson ? (JSON.parse(e.afterJson) as { path?: string; error?: string }) : {});
  const everyHours = config.backup.everyHours;
  const lastOkAt = ok ? ok.createdAt : null;
  const period = (everyHours + 1) * 3600_000;
  // Never backed up: overdue once the installation (its first audit event) is older than a period.
  const since = lastOkAt ?? (await repo.find({ order: { id: "ASC" }, take: 1 }))[0]?.createdAt ?? now;
  const overdue = everyHours > 0 && now.getTime() - since.getTime() > period;
  return {
    lastOkAt,
    lastOkPath: parse(ok).path ?? null,
    lastFailedAt: failed && (!ok || failed.id > ok.id) ? failed.createdAt : null,
    lastError: failed && (!ok || failed.id > ok.id) ? (parse(failed).error ?? null) : null,
    everyHours,
    overdue,
  };
}
