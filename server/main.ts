// Boot: env -> DataSource -> migrations -> demo data -> roles (--roles=api,worker,sessions; default all).
import type { Server } from "node:http";
import { backupKeyOf, ConfigError, keysFile, loadConfig } from "./config/env.js";
import { createDataSource } from "./config/data-source.js";
import { seedDemo } from "./demo/seed-demo.js";
import { seedDemoLocations } from "./demo/seed-demo-locations.js";
import { ensureSlaDefaults } from "./commands/ensure-sla-defaults.js";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo/demo-data.js";
import { createApp } from "./http/app.js";
import { Db } from "./lib/db.js";
import { runMigrationsLocked } from "./lib/migration-lock.js";
import { systemClock } from "./lib/clock.js";
import { createLogger } from "./lib/logger.js";
import { startSqliteCheckpointer } from "./lib/sqlite-checkpointer.js";
import { createJobScheduler, followOutbox, followSlaDeadlines, startWorker } from "./worker.js";
import { seedDemoChannels } from "./demo/seed-demo-channels.js";
import { startSessions } from "./sessions/supervisor.js";
import { decideSandbox } from "./demo/sandbox/mode.js";
import { DEMO_JOB_POLL_MS, DemoSandbox, localUrlOf } from "./demo/sandbox/sandbox.js";
import { apiWorkerCount, clusterMetricsSource, isApiWorker, startApiWorkers } from "./api-workers.js";
import type { AppMetrics } from "./http/metrics.js";

const ROLES = ["api", "worker", "sessions"] as const;
type ProcessRole = (typeof ROLES)[number];

function parseRoles(argv: string[]): ProcessRole[] {
  const arg = argv.find((a) => a.startsWith("--roles="));
  if (!arg) return [...ROLES];
  const roles = arg.slice("--roles=".length).split(",").map((r) => r.trim()).filter(Boolean);
  const bad = roles.filter((r) => !ROLES.includes(r as ProcessRole));
  if (bad.length) throw new ConfigError(`unknown role(s) ${bad.join(", ")}; use --roles=${ROLES.join(",")}`);
  return roles as ProcessRole[];
}

async function main() {
  let config = loadConfig();
  const roles = parseRoles(process.argv.slice(2));
  const logger = createLogger(config.logLevel);
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const db = new Db(ds);
  // An API worker of --api-workers: its primary has migrated, seeded and printed the demo logins.
  const apiWorker = isApiWorker();
  // Under a cluster-safe lock, so several processes starting at once (API ×N, workers) apply each
  // migration once and create the first-start data (SLA defaults, demo data) once.
  const applied = apiWorker ? [] : await runMigrationsLocked(ds, {
    onWait: (holder) => logger.info({ holder }, "waiting for another process's migrations"),
    whileLocked: async () => {
      await db.tx((m) => ensureSlaDefaults(m, systemClock.now()));
      if (config.demoData) {
        const { seeded } = await seedDemo(db, config.sessionSecret, systemClock.now());
        if (seeded) logger.info({ placedOnMap: await seedDemoLocations(db) }, "demo data loaded");
      }
    },
  });
  if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  if (roles.includes("worker") && config.backup.everyHours > 0) {
    const k = backupKeyOf(config);
    if (!k) logger.warn("BACKUP_KEY is not set: scheduled backups are off (set a 32-byte key, base64 or hex) / cadangan terjadwal mati");
    else if (k.generated) logger.warn({ keys: keysFile(config.dataDir), backups: config.backup.dir }, "BACKUP_KEY is not set: backups use the key in DATA_DIR/keys.json; keep a copy of that file apart from the backups, they cannot be restored without it / simpan salinan kunci cadangan di tempat lain");
  }
  // The provider sandbox: never on in production or on a database the demo did not seed, unless forced.
  const sandboxDecision = await decideSandbox(config, db);
  const stops: (() => Promise<void>)[] = [];
  // SQLite: checkpoints of the write-ahead log on a thread of their own, not in the requests' commits.
  const checkpointer = startSqliteCheckpointer(ds, logger);
  if (checkpointer) stops.push(() => checkpointer.stop());
  let sandbox: DemoSandbox | undefined;
  if (sandboxDecision.on) {
    // A newcomer sees the citizen's acknowledgement within a second: the demo's worker polls the
    // job table more often than a province's server would (unless JOB_POLL_MS says otherwise).
    if (config.jobPollMsDefault) config = { ...config, jobPollMs: DEMO_JOB_POLL_MS };
    sandbox = new DemoSandbox({ publicUrl: config.publicUrl, logger });
    await sandbox.start();
    const s = sandbox;
    stops.push(() => s.stop());
  }
  logger.info({ on: sandboxDecision.on, reason: sandboxDecision.reason, ...(sandbox ? { api: sandbox.apiBase, smtpPort: sandbox.smtpPort } : {}) }, `demo sandbox ${sandboxDecision.on ? "ON: demo channel accounts deliver to a local stand-in of each provider, nothing leaves this machine" : "off"}`);
  if (config.demoData && !apiWorker) {
    const channels = await seedDemoChannels(db, config, systemClock.now(), { sandbox: sandboxDecision.on });
    if (channels.created) logger.info({ accounts: channels.created }, "demo channel accounts created");
    console.log(
      [
        "",
        "  Aduan demo logins (password: " + DEMO_PASSWORD + ")",
        ...DEMO_USERS.map((u) => `    ${u.email.padEnd(30)} ${u.role}`),
        "",
        sandboxDecision.on
          ? `  Demo sandbox ON: messages to citizens stay on this machine. Citizen's phone: ${config.publicUrl}/demo/warga`
          : `  Demo sandbox off (${sandboxDecision.reason}): demo channel accounts try the real providers.`,
        "",
      ].join("\n"),
    );
  }

  const scheduler = createJobScheduler({ db, config, logger });
  const unfollow = followSlaDeadlines(db, scheduler, logger);
  stops.push(async () => unfollow());
  const unfollowOutbox = followOutbox(db, scheduler, logger);
  stops.push(async () => unfollowOutbox());
  if (roles.includes("worker")) stops.push(await startWorker({ db, config, logger, clock: systemClock, scheduler, providerRoute: sandbox }));
  if (roles.includes("sessions")) {
    const sessions = await startSessions({ db, config, logger, clock: systemClock, providerRoute: sandbox });
    stops.push(() => sessions.stop());
  }
  let server: Server | undefined;
  const apiWorkers = apiWorker ? 1 : apiWorkerCount(process.argv.slice(2), { configured: config.apiWorkers, production: config.nodeEnv === "production", mysql: db.dialect === "mysql", sandbox: !!sandbox });
  if (roles.includes("api") && apiWorkers > 1) {
    const workers = await startApiWorkers(apiWorkers, logger);
    stops.push(() => workers.stop());
    logger.info({ port: config.port, db: db.dialect, roles, apiWorkers }, `Aduan listening on ${config.publicUrl}`);
  } else if (roles.includes("api")) {
    const app = createApp({ db, config, clock: systemClock, logger, scheduler, sandbox });
    if (apiWorker) {
      const metrics = app.locals.metrics as AppMetrics;
      metrics.scrape = clusterMetricsSource(metrics.registry);
    }
    server = app.listen(config.port, config.host, () => {
      // The sandbox posts the providers' receipts to our own webhooks here.
      if (sandbox) sandbox.localUrl = localUrlOf(server!);
      logger.info({ port: config.port, db: db.dialect, roles }, `Aduan listening on ${config.publicUrl}`);
    });
    stops.push(() => new Promise<void>((resolve) => server!.close(() => resolve())));
    // Runs before server.close() (stops run in reverse): open live streams would hold it open.
    stops.push(() => (app.locals.live as { close(): Promise<void> }).close());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, "stop failed"));
    await db.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // An API worker whose primary is gone (killed without a chance to stop it) ends too.
  if (apiWorker) process.on("disconnect", () => void shutdown("primary gone"));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
