// npm run migrate [-- up|down|status]: runs the migrations against DATABASE_URL (or the embedded SQLite).
import { loadConfig, ConfigError } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { runMigrationsLocked } from "../lib/migration-lock.js";

const cmd = process.argv[2] ?? "up";
try {
  const config = loadConfig();
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  if (cmd === "up") {
    const ran = await runMigrationsLocked(ds, { onWait: (holder) => console.log(`waiting for another process's migrations (${holder})`) });
    console.log(ran.length ? `applied: ${ran.map((m) => m.name).join(", ")}` : "up to date");
  } else if (cmd === "down") {
    await ds.undoLastMigration({ transaction: "each" });
    console.log("reverted the last migration");
  } else if (cmd === "status") {
    console.log((await ds.showMigrations()) ? "pending migrations exist" : "up to date");
  } else {
    console.error("usage: npm run migrate -- up|down|status");
    process.exitCode = 2;
  }
  await ds.destroy();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
