// npm run audit:verify: checks every audit hash chain, the chain heads and the anchors.
// Exit code 0 when intact; 1 naming the first broken event otherwise.
import cliProgress from "cli-progress";
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { verifyAudit } from "../queries/verify-audit.js";

try {
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: "audit {bar} {value}/{total} events", stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let started = false;
  const report = await verifyAudit(ds, {
    onProgress: (checked, total) => {
      if (!bar) return;
      if (!started) bar.start(total, 0), (started = true);
      bar.update(checked);
    },
  });
  bar?.stop();
  await ds.destroy();
  if (report.ok) {
    console.log(`audit log intact: ${report.eventsChecked} events in ${report.chains} chains, ${report.anchorsChecked} anchors verified`);
  } else {
    const first = report.problems[0];
    console.error(`AUDIT LOG BROKEN: first broken event ${first.eventId ?? "(none)"} (chain ${first.chainKey}, seq ${first.seq ?? "-"}): ${first.problem}`);
    for (const p of report.problems.slice(1, 20)) console.error(`  also: event ${p.eventId ?? "-"} (chain ${p.chainKey}, seq ${p.seq ?? "-"}): ${p.problem}`);
    if (report.problems.length > 20) console.error(`  … and ${report.problems.length - 20} more`);
    process.exitCode = 1;
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 2;
}
