import type { ProviderRoute } from "../channels/connectors.js";
import { LessThan } from "typeorm";
import { backupKeyOf, type Config } from "../config/env.js";
import { runBackup } from "../backup/run.js";
import { createAuditAnchor } from "../commands/create-audit-anchor.js";
import { emailNotifications, type SendMail } from "../commands/email-notifications.js";
import { processDueClocks, type ProcessDueResult } from "../commands/process-due-clocks.js";
import { recomputeOpenClocks, type RecomputeScope } from "../commands/recompute-open-clocks.js";
import { Session } from "../entities/session.entity.js";
import type { Clock } from "../lib/clock.js";
import type { CommitEvent, Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { smtpMailer } from "../lib/mailer.js";
import type { Scheduler } from "./scheduler.js";
import { applyRetention } from "../commands/data-subject.js";
import { applyFileChanges } from "../commands/erase-personal-data.js";
import { runDeliverOutbound, runFetchAttachment, runOutboxSweep } from "./channel-jobs.js";

/**
 * The job modules of the worker role. Each is thin: it calls one command.
 *   sla-check      {ticketId}  one ticket's due warnings/breaches, at its next event (unique per ticket)
 *   sla-sweep                  every SLA_SWEEP_SECONDS: all due clocks (the safety net)
 *   sla-recompute  {scope}     a policy or calendar changed: open tickets' clocks follow it
 *   notify-email               e-mails notifications not e-mailed yet (when SMTP_URL is set)
 *   audit-anchor               every AUDIT_ANCHOR_MINUTES: a hash over every audit chain head
 *   session-sweep              every 10 minutes: removes expired console sessions
 *   deliver-outbound {outboxId} one outbox row: claim, connector.send(), record (retries with backoff)
 *   outbox-sweep               every 30 s: due and lost outbox rows, pending attachment fetches (safety net)
 *   fetch-attachment {attachmentId}  a channel attachment's bytes into DATA_DIR
 *   backup                     every BACKUP_EVERY_HOURS: an encrypted backup into BACKUP_DIR (server/backup/)
 *   retention                  daily: anonymises the personal data of cases past the retention period
 */
export const JOB = {
  slaCheck: "sla-check",
  slaSweep: "sla-sweep",
  slaRecompute: "sla-recompute",
  notifyEmail: "notify-email",
  auditAnchor: "audit-anchor",
  sessionSweep: "session-sweep",
  deliverOutbound: "deliver-outbound",
  outboxSweep: "outbox-sweep",
  fetchAttachment: "fetch-attachment",
  backup: "backup",
  retention: "retention",
} as const;

export interface JobDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Overrides the SMTP sender (tests). */
  sendMail?: SendMail;
  /** The demo sandbox, when it is on (see server/demo/sandbox/). */
  providerRoute?: ProviderRoute | undefined;
}

export const SWEEP_MAX_CLOCKS = 50_000;

export interface SlaRunResult extends ProcessDueResult {
  emailed: number;
}

/** What the sla-check and sla-sweep jobs do; exported so tests can drive it with their own clock. */
export async function runSlaCheck(deps: JobDeps, ticketId?: number): Promise<SlaRunResult> {
  // A sweep takes at most SWEEP_MAX_CLOCKS per run, so a huge backlog cannot outlive the job's
  // 10-minute lock (and be run twice); the next sweep goes on where this one stopped.
  const r = await processDueClocks(deps.db, deps.clock.now(), {
    ticketId,
    secretKey: deps.config.sessionSecret,
    kominfoAgencyCode: deps.config.kominfoAgencyCode,
    maxClocks: ticketId === undefined ? SWEEP_MAX_CLOCKS : undefined,
  });
  let emailed = 0;
  if (r.notifications > 0) emailed = (await runNotifyEmail(deps)).sent;
  if (r.events > 0) deps.logger.info({ ticketId, ...r }, "SLA events recorded");
  return { ...r, emailed };
}

export async function runNotifyEmail(deps: JobDeps): Promise<{ sent: number; failed: number }> {
  const send = deps.sendMail ?? (deps.config.smtp ? smtpMailer(deps.config.smtp.url, deps.config.smtp.from) : null);
  if (!send) return { sent: 0, failed: 0 };
  const r = await emailNotifications(deps.db, deps.clock.now(), send, { publicUrl: deps.config.publicUrl });
  if (r.failed) deps.logger.warn(r, "some notification e-mails failed; they are retried at the next run");
  return r;
}

/**
 * The retention job: the cases past the admin-set period (docs/data-subject-rights.md) are
 * anonymised, in batches until none is left; a dry run only lists them.
 */
export async function runRetention(deps: JobDeps, opts: { dryRun: boolean }) {
  const actor = { userId: null, label: "system (retensi)" };
  const first = await deps.db.tx((m) => applyRetention(m, { dryRun: opts.dryRun, actor, at: deps.clock.now(), limit: opts.dryRun ? 100_000 : 500 }));
  const cases = [...first.cases];
  let r = first;
  if (r.files) await applyFileChanges(deps.config.dataDir, r.files);
  while (!opts.dryRun && r.applied && r.cases.length >= 500) {
    r = await deps.db.tx((m) => applyRetention(m, { dryRun: false, actor, at: deps.clock.now() }));
    if (r.files) await applyFileChanges(deps.config.dataDir, r.files);
    cases.push(...r.cases);
  }
  if (cases.length && !opts.dryRun) deps.logger.info({ tickets: cases.length }, "retention: personal data of expired cases anonymised");
  return { policy: first.policy, cutoff: first.cutoff, cases, applied: !opts.dryRun && first.applied };
}

export function defineJobs(s: Scheduler, deps: JobDeps): void {
  const { db, clock, logger } = deps;
  s.define<{ ticketId: number }>(JOB.slaCheck, async (data) => void (await runSlaCheck(deps, data.ticketId)), { concurrency: 10, lockLifetime: 5 * 60_000 });
  s.define(
    JOB.backup,
    async () => {
      const r = await runBackup(deps);
      logger.info({ path: r.path, rows: r.rows, attachments: r.manifest.attachments.length, pruned: r.pruned.length }, "backup written");
    },
    { concurrency: 1, lockLifetime: 60 * 60_000 },
  );
  s.define(JOB.slaSweep, async () => void (await runSlaCheck(deps)), { concurrency: 1, lockLifetime: 10 * 60_000 });
  s.define<{ scope: RecomputeScope }>(
    JOB.slaRecompute,
    async (data, ctx) => {
      const n = await recomputeOpenClocks(db, clock.now(), data.scope ?? {}, 100, () => void ctx.touch());
      logger.info({ tickets: n, scope: data.scope }, "SLA clocks recomputed");
    },
    { concurrency: 1, lockLifetime: 10 * 60_000 },
  );
  s.define(JOB.notifyEmail, async () => void (await runNotifyEmail(deps)), { concurrency: 1 });
  s.define(JOB.auditAnchor, async () => {
    const a = await db.tx((m) => createAuditAnchor(m, clock.now()));
    logger.debug({ anchor: a.id, chains: a.chainCount }, "audit anchor written");
  });
  s.define(JOB.sessionSweep, async () => {
    await db.tx((m) => m.getRepository(Session).delete({ idleExpiresAt: LessThan(clock.now()) }));
  });
  const retryLater = (outboxId: number, at: Date) => {
    s.uniqueSchedule(`outbox:${outboxId}`, at, JOB.deliverOutbound, { outboxId }).catch((err: unknown) => logger.error({ err, outboxId }, "could not schedule a retry (the sweep will catch it)"));
  };
  s.define<{ outboxId: number }>(
    JOB.deliverOutbound,
    async (data) => {
      const r = await runDeliverOutbound(deps, data.outboxId);
      if (r.state === "pending") retryLater(data.outboxId, r.retryAt);
    },
    { concurrency: 10, lockLifetime: 2 * 60_000 },
  );
  s.define(JOB.outboxSweep, async () => void (await runOutboxSweep(deps, retryLater)), { concurrency: 1, lockLifetime: 10 * 60_000 });
  s.define(JOB.retention, async () => void (await runRetention(deps, { dryRun: false })), { concurrency: 1, lockLifetime: 30 * 60_000 });
  s.define<{ attachmentId: number }>(JOB.fetchAttachment, async (data) => void (await runFetchAttachment(deps, data.attachmentId)), { concurrency: 4, lockLifetime: 5 * 60_000 });
}

/** The periodic jobs (one row each, whatever the number of workers). */
export async function scheduleRecurring(s: Scheduler, config: Config): Promise<void> {
  await s.every(`${config.slaSweepSeconds} seconds`, JOB.slaSweep);
  await s.every(`${config.auditAnchorMinutes} minutes`, JOB.auditAnchor, undefined, { skipImmediate: true });
  await s.every("10 minutes", JOB.sessionSweep);
  if (config.smtp) await s.every("5 minutes", JOB.notifyEmail);
  await s.every("30 seconds", JOB.outboxSweep);
  // The first one a period after the first start (a restart does not move it: one row, one schedule).
  if (config.backup.everyHours > 0 && backupKeyOf(config)) await s.every(`${config.backup.everyHours} hours`, JOB.backup, undefined, { skipImmediate: true });
  await s.every("1 day", JOB.retention, undefined, { skipImmediate: true });
}

/**
 * Coalesces the commit events of one turn of the event loop (a transaction announces its events
 * together; a webhook batch announces dozens) into one uniqueScheduleMany: two statements for a
 * burst instead of five per job.
 */
function followCommits(db: Db, logger: Logger, toJobs: (e: CommitEvent) => { job?: Parameters<Scheduler["uniqueScheduleMany"]>[0][number]; other?: () => Promise<unknown>; drop?: string }, s: Scheduler, what: string): () => void {
  let pending: Parameters<Scheduler["uniqueScheduleMany"]>[0] = [];
  const flush = () => {
    const jobs = pending;
    pending = [];
    s.uniqueScheduleMany(jobs).catch((err: unknown) => logger.error({ err, jobs: jobs.length }, `could not schedule ${what} (the sweep will catch it)`));
  };
  const on = (e: CommitEvent) => {
    const r = toJobs(e);
    // A cancel after a schedule of the same key in this turn: the schedule must not land after it.
    if (r.drop) pending = pending.filter((j) => j.uniqueKey !== r.drop);
    if (r.other) r.other().catch((err: unknown) => logger.error({ err, event: e }, `could not schedule ${what} (the sweep will catch it)`));
    if (!r.job) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(r.job);
  };
  db.events.on("commit", on);
  return () => db.events.off("commit", on);
}

/**
 * Sends what the channels queued: each committed outbox row gets its deliver-outbound job at once,
 * each channel attachment its fetch-attachment job. Returns the unsubscribe function.
 */
export function followOutbox(db: Db, s: Scheduler, logger: Logger): () => void {
  return followCommits(
    db,
    logger,
    (e) => {
      if (e.type === "outbox") return { job: { uniqueKey: `outbox:${e.outboxId}`, when: e.at, name: JOB.deliverOutbound, data: { outboxId: e.outboxId } } };
      if (e.type === "attachment") return { job: { uniqueKey: `attachment:${e.attachmentId}`, when: new Date(), name: JOB.fetchAttachment, data: { attachmentId: e.attachmentId } } };
      return {};
    },
    s,
    "channel work",
  );
}

/**
 * Keeps each ticket's sla-check job at its next SLA event: every committed change that moves a
 * ticket's clocks announces it (CommitEvent "sla-next"), and the job is rescheduled (or removed
 * when no clock runs). Returns the unsubscribe function.
 */
export function followSlaDeadlines(db: Db, s: Scheduler, logger: Logger): () => void {
  return followCommits(
    db,
    logger,
    (e) => {
      if (e.type !== "sla-next") return {};
      const key = `ticket:${e.ticketId}`;
      if (e.at) return { job: { uniqueKey: key, when: e.at, name: JOB.slaCheck, data: { ticketId: e.ticketId } } };
      return { drop: key, other: () => s.cancel({ name: JOB.slaCheck, uniqueKey: key }) };
    },
    s,
    "the ticket's sla-check",
  );
}

/** Enqueues a recompute after a policy or calendar change (runs on a worker). */
export async function enqueueRecompute(s: Scheduler, scope: RecomputeScope): Promise<void> {
  await s.now(JOB.slaRecompute, { scope });
}
