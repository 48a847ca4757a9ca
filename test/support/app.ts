import supertest from "supertest";
import type { Express } from "express";
import { loadConfig, type Config } from "../../server/config/env.js";
import { seedDemo } from "../../server/demo/seed-demo.js";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { createApp } from "../../server/http/app.js";
import { ManualClock } from "../../server/lib/clock.js";
import { createLogger, type Logger } from "../../server/lib/logger.js";
import { closeMailers } from "../../server/lib/mailer.js";
import type { AppDeps } from "../../server/http/types.js";
import type { TestDatabase, TestTarget } from "./databases.js";

export interface TestApp {
  app: Express;
  deps: AppDeps;
  clock: ManualClock;
  database: TestDatabase;
  config: Config;
  /** A supertest agent carrying the session cookie of a demo user. */
  loginAs(email: string): Promise<supertest.Agent>;
  close(): Promise<void>;
}

/** A real app on a fresh, migrated database of the target, with the demo data loaded. */
export async function startTestApp(target: TestTarget, overrides: Partial<Config> = {}, opts: { logger?: Logger } = {}): Promise<TestApp> {
  const database = await target.open();
  const base = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: database.settings.dataDir ?? "/tmp/aduan-test-keys",
    SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789",
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    PUBLIC_URL: "http://aduan.test",
  });
  const config = { ...base, ...overrides };
  const clock = new ManualClock(new Date("2026-11-23T03:00:00.000Z"));
  const deps: AppDeps = { db: database.db, config, clock, logger: opts.logger ?? createLogger("silent"), loginSlowdownBaseMs: 5, publicCacheMs: 0 };
  await database.db.tx((m) => ensureSlaDefaults(m, clock.now()));
  await seedDemo(database.db, config.sessionSecret, clock.now());
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    database,
    config,
    async loginAs(email: string) {
      const agent = supertest.agent(app);
      const res = await agent.post("/api/auth/login").send({ email, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return agent;
    },
    close: async () => {
      await (app.locals.live as { close(): Promise<void> } | undefined)?.close();
      // Pooled SMTP connections the app's mail (reports, notices, escalations) opened: left open,
      // a capture server's close waits out its 30 s timeout for them.
      closeMailers();
      await database.destroy();
    },
  };
}

export const DEMO = {
  admin: "admin@demo.aduan.id",
  supervisor: "supervisor@demo.aduan.id",
  operator: "operator@demo.aduan.id",
  headPU: "kepala.pu@demo.aduan.id",
  staffPU: "staf.pu@demo.aduan.id",
  headDinkes: "kepala.dinkes@demo.aduan.id",
} as const;
