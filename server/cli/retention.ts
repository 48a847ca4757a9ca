// npm run retention -- --dry-run : lists the cases whose personal data the retention policy
// anonymises now (closed longer ago than the admin-set period), changing nothing.
// npm run retention               : anonymises them (what the daily `retention` job does).
// Exit code 0; 2 on a configuration or database error.
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { Db } from "../lib/db.js";
import { systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { runRetention } from "../jobs/jobs.js";

const dryRun = process.argv.slice(2).includes("--dry-run");
try {
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const db = new Db(ds);
  try {
    const r = await runRetention({ db, config, clock: systemClock, logger: createLogger("warn") }, { dryRun });
    const p = r.policy;
    console.log(`retention: ${p.enabled ? "on" : "OFF"}, personal data anonymised ${p.yearsAfterClosure} years after closure (cutoff ${r.cutoff.toISOString()})`);
    console.log(`basis: ${p.basis}`);
    console.log(`${dryRun ? "DRY RUN: would anonymise" : r.applied ? "anonymised" : "nothing anonymised; due"} ${r.cases.length} case(s)`);
    for (const c of r.cases) console.log(`  ${c.number}\t${c.status}\tclosed ${c.closedAt.toISOString()}`);
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 2;
}
