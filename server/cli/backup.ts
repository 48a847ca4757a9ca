// npm run backup [-- --out <folder>]: an encrypted, checksummed backup of the database (one
// consistent snapshot), the attachments and the keys needed to read them, into <folder>
// (default BACKUP_DIR, itself DATA_DIR/backups by default). See docs/backup.md.
import { parseArgs } from "node:util";
import { createDataSource } from "../config/data-source.js";
import { ConfigError, loadConfig } from "../config/env.js";
import { Db } from "../lib/db.js";
import { runBackup } from "../backup/run.js";
import { phaseProgress } from "./progress.js";

try {
  const { values } = parseArgs({ options: { out: { type: "string" }, "no-prune": { type: "boolean" } } });
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  await ds.initialize();
  const progress = phaseProgress("backup");
  try {
    const pending = await ds.showMigrations();
    if (pending) throw new ConfigError("the database has pending migrations: run `npm run migrate` (or start the server) first");
    const r = await runBackup({ db: new Db(ds), config }, { outDir: values.out, prune: !values["no-prune"] && !values.out, actor: { userId: null, label: "npm run backup" }, onProgress: progress.update });
    progress.stop();
    console.log(`backup written: ${r.path}`);
    console.log(`  ${r.manifest.tables.length} tables, ${r.rows} rows, ${r.manifest.attachments.length} attachments, ${(r.bytes / 1e6).toFixed(1)} MB; key id ${r.manifest.keyId}`);
    if (r.pruned.length) console.log(`  removed ${r.pruned.length} older backup(s) (BACKUP_KEEP=${config.backup.keep})`);
  } finally {
    progress.stop();
    await ds.destroy();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `backup failed: ${(err as Error).message ?? err}`);
  process.exitCode = 1;
}
