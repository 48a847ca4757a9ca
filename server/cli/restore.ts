// npm run restore -- <backup folder> [--show-keys]: restores a backup into the empty database that
// DATABASE_URL / DATA_DIR name (SQLite and MySQL/MariaDB either way), after checking its signature
// and every file's checksum; then checks every table's rows and the audit log. See docs/backup.md.
import { parseArgs } from "node:util";
import { backupKeyOf, ConfigError, loadConfig } from "../config/env.js";
import { backupAppKeys, BackupRefused, restoreBackup } from "../backup/restore.js";
import { phaseProgress } from "./progress.js";

try {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { "show-keys": { type: "boolean" } } });
  if (positionals.length !== 1) throw new ConfigError("usage: npm run restore -- <backup folder> [--show-keys]");
  const config = loadConfig();
  const k = backupKeyOf(config);
  if (!k) throw new ConfigError("BACKUP_KEY is not set: set it to the key the backup was made with");
  if (values["show-keys"]) {
    const keys = await backupAppKeys(positionals[0], k.key);
    console.log(`SESSION_SECRET=${keys.sessionSecret}\nENCRYPTION_KEY=${keys.encryptionKey}`);
  } else {
    const progress = phaseProgress("restore");
    const r = await restoreBackup({
      path: positionals[0],
      key: k.key,
      database: { databaseUrl: config.databaseUrl, dataDir: config.dataDir },
      dataDir: config.dataDir,
      appKeys: { sessionSecret: config.sessionSecret, encryptionKey: config.encryptionKey, generated: config.keysGenerated },
      onProgress: progress.update,
    }).finally(() => progress.stop());
    console.log(`restored backup of ${r.manifest.createdAt} (${r.manifest.engine}): ${r.tables} tables, ${r.rows} rows, ${r.attachments} attachments; checksums and row hashes match`);
    if (r.migrated.length) console.log(`  then migrated: ${r.migrated.join(", ")}`);
    if (r.keysWritten) console.log(`  the backup's SESSION_SECRET and ENCRYPTION_KEY were written to ${r.keysWritten} (the previous file is kept as .before-restore)`);
    if (r.audit.ok) console.log(`  audit log intact: ${r.audit.eventsChecked} events in ${r.audit.chains} chains`);
    else {
      console.error(`AUDIT LOG BROKEN after restore: ${r.audit.problems[0]?.problem}`);
      process.exitCode = 1;
    }
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof BackupRefused ? `restore refused: ${err.message}` : `restore failed: ${(err as Error).message ?? err}`);
  process.exitCode = 1;
}
