// npm run audit:verify: checks every audit hash chain, the chain heads and the anchors, and every
// case text (ticket subject/description/location, message subject/body, forward instruction/
// answer/return reason, rating comment, attachment file name) against the digest its audit event
// recorded.
// Exit code 0 when intact; 1 naming the first broken event and every changed text otherwise.
import cliProgress from "cli-progress";
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { verifyAudit } from "../queries/verify-audit.js";
import { inSnapshot } from "../backup/backup.js";

try {
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: "audit {bar} {value}/{total} events", stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let started = false;
  // One read snapshot: the application may keep writing while this runs (see AuditReader).
  const report = await inSnapshot(ds, (m) =>
    verifyAudit(m, {
      onProgress: (checked, total) => {
        if (!bar) return;
        if (!started) bar.start(total, 0), (started = true);
        bar.update(checked);
      },
    }),
  );
  bar?.stop();
  await ds.destroy();
  const textLine = `case texts: ${report.textsVerified} verified, ${report.textsNotCovered} not covered (written before texts were recorded in the audit log)`;
  if (report.ok) {
    console.log(`audit log intact: ${report.eventsChecked} events in ${report.chains} chains, ${report.anchorsChecked} anchors verified`);
    console.log(textLine);
  } else {
    const first = report.problems[0];
    console.error(`AUDIT LOG BROKEN: first broken event ${first.eventId ?? "(none)"} (chain ${first.chainKey}, seq ${first.seq ?? "-"}): ${first.problem}`);
    for (const p of report.problems.slice(1, 20)) console.error(`  also: event ${p.eventId ?? "-"} (chain ${p.chainKey}, seq ${p.seq ?? "-"}): ${p.problem}`);
    if (report.problems.length > 20) console.error(`  … and ${report.problems.length - 20} more`);
    // Every changed text by name (they may be many events apart): table#row.column.
    const changed = report.problems.filter((p) => p.text);
    if (changed.length) console.error(`CASE TEXTS CHANGED (${changed.length}): ${changed.slice(0, 50).map((p) => p.text).join(", ")}${changed.length > 50 ? ", …" : ""}`);
    console.error(textLine);
    process.exitCode = 1;
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 2;
}
