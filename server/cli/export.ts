// npm run export -- --out <folder>: every table as CSV and JSON Lines with a schema description in
// Bahasa Indonesia and English, and the attachment files by ticket, in one zip (streamed: memory
// stays flat at any size). See docs/backup.md#open-format-export.
import { createWriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/env.js";
import { writeExport } from "../backup/export.js";
import { phaseProgress } from "./progress.js";

try {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  if (!values.out) throw new ConfigError("usage: npm run export -- --out <folder>");
  const config = loadConfig();
  await mkdir(values.out, { recursive: true });
  const now = new Date();
  const name = `aduan-ekspor-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}.zip`;
  const partial = join(values.out, `.${name}.partial`);
  const progress = phaseProgress("export");
  const s = await writeExport({ database: { databaseUrl: config.databaseUrl, dataDir: config.dataDir }, dataDir: config.dataDir, out: createWriteStream(partial), now, onProgress: progress.update }).finally(() => progress.stop());
  await rename(partial, join(values.out, name));
  console.log(`export written: ${join(values.out, name)}`);
  console.log(`  ${s.tables.length} tables, ${s.rows} rows, ${s.attachments} attachment files${s.missingFiles ? ` (${s.missingFiles} missing on disk)` : ""}`);
  console.log(`  peak memory (RSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `export failed: ${(err as Error).message ?? err}`);
  process.exitCode = 1;
}
