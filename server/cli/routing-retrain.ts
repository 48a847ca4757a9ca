// npm run routing:retrain : trains the routing-suggestion model now (what the daily
// `routing-retrain` job does) and prints where it learned from and its held-out accuracy.
// Exit code 0; 2 on a configuration or database error.
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { Db } from "../lib/db.js";
import { systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { runRoutingRetrain } from "../jobs/jobs.js";

try {
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const db = new Db(ds);
  try {
    const r = await runRoutingRetrain({ db, clock: systemClock, logger: createLogger("warn") });
    console.log(`routing model ${r.model.id}: learned from ${r.source === "tickets" ? `${r.tickets} verified tickets and the corpus` : "the shipped corpus (too few verified tickets yet)"}, ${r.model.examples} examples`);
    if (r.evaluation) console.log(`held-out tickets: ${r.evaluation.examples}, top-1 ${(r.evaluation.top1 * 100).toFixed(1)}%, top-3 ${(r.evaluation.top3 * 100).toFixed(1)}%`);
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 2;
}
