import type { Config } from "../config/env.js";
import type { Db } from "../lib/db.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Viewer } from "../queries/viewer.js";
import type { Session } from "../entities/session.entity.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { DemoSandbox } from "../demo/sandbox/sandbox.js";
import type { SecondFactorDue } from "../domain/access/two-factor.js";

/** Everything the HTTP layer needs; main.ts builds it, tests build their own. */
export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Enqueues background jobs (policy recomputes). Without it, such work runs in the request. */
  scheduler?: Scheduler;
  /** First delay of login slowdown (ms); tests shorten it. */
  loginSlowdownBaseMs?: number;
  /** How long a rendered public page (reports, accountability, Open311 reads) is reused (ms); default 5000, 0 = off. */
  publicCacheMs?: number;
  /** The demo's provider sandbox, when it is on: /demo/warga and demo accounts' deliveries. */
  sandbox?: DemoSandbox | undefined;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      viewer?: Viewer;
      authSession?: Session;
      /** What the session still owes before the API answers it (addRoute refuses the rest with 403). */
      secondFactorDue?: SecondFactorDue;
    }
  }
}
