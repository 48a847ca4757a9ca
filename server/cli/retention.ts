// npm run retention -- --dry-run : lists the cases whose personal data the retention policy
// anonymises now (closed longer ago than the admin-set period), changing nothing.
// npm run retention -- --dry-run --at=2031-01-01T00:00:00Z : the same as of a later date (planning).
// npm run retention               : anonymises them (what the daily `retention` job does).
// Exit code 0; 2 on a configuration or database error or a bad argument.
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { Db } from "../lib/db.js";
import { systemClock, type Clock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { runRetention } from "../jobs/jobs.js";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const atArg = args.find((a) => a.startsWith("--at="))?.slice("--at=".length);
try {
  const unknown = args.filter((a) => a !== "--dry-run" && !a.startsWith("--at="));
  if (unknown.length) throw new ConfigError(`unknown argument(s) ${unknown.join(" ")}; use --dry-run [--at=<ISO time>]`);
  if (atArg !== undefined && !dryRun) throw new ConfigError("--at only with --dry-run: the policy is applied as of now");
  const at = atArg === undefined ? null : new Date(atArg);
  if (at && Number.isNaN(at.getTime())) throw new ConfigError(`--at=${atArg} is not a time (use ISO 8601, e.g. 2031-01-01T00:00:00Z)`);
  const clock: Clock = at ? { now: () => at } : systemClock;
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const db = new Db(ds);
  try {
    const r = await runRetention({ db, config, clock, logger: createLogger("warn") }, { dryRun });
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
