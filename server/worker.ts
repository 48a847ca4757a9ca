import type { ProviderRoute } from "./ingest/connectors.js";
import type { Config } from "./config/env.js";
import type { Db } from "./lib/db.js";
import type { Clock } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";
import { createScheduler, type Scheduler } from "./jobs/scheduler.js";
import { closeMailers } from "./lib/mailer.js";
import { defineJobs, followOutbox, followSlaDeadlines, scheduleRecurring } from "./jobs/jobs.js";
import { defineReportJobs, scheduleReportJobs } from "./jobs/report-jobs.js";
import { defineTranscriptionJobs, scheduleTranscriptionJobs } from "./jobs/transcription-jobs.js";

/**
 * The job scheduler of one process. Every role enqueues (the api role schedules each ticket's
 * sla-check after a change); only the worker role defines and runs jobs.
 */
export function createJobScheduler(deps: { db: Db; config: Config; logger: Logger }): Scheduler {
  return createScheduler({ db: deps.db, processEvery: deps.config.jobPollMs, logger: deps.logger });
}

/** Starts the worker role: SLA checks and sweeps, notification e-mails, audit anchors, session sweeps, call transcription. */
export async function startWorker(deps: { db: Db; config: Config; logger: Logger; clock: Clock; scheduler: Scheduler; providerRoute?: ProviderRoute | undefined }): Promise<() => Promise<void>> {
  const { scheduler } = deps;
  defineJobs(scheduler, deps);
  defineReportJobs(scheduler, deps);
  const whisper = defineTranscriptionJobs(scheduler, deps);
  await scheduleRecurring(scheduler, deps.config);
  await scheduleReportJobs(scheduler, deps);
  await scheduleTranscriptionJobs(scheduler);
  await scheduler.start();
  deps.logger.info({ sweepSeconds: deps.config.slaSweepSeconds }, "worker started");
  return async () => {
    await scheduler.stop();
    await whisper.close();
    closeMailers();
  };
}

export { followOutbox, followSlaDeadlines };
