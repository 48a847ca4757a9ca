import type { ProviderRoute } from "../ingest/connectors.js";
import { LessThan } from "typeorm";
import { backupKeyOf, type Config } from "../config/env.js";
import { runBackup } from "../backup/run.js";
import { createAuditAnchor } from "../commands/create-audit-anchor.js";
import { emailDigests, emailNotifications, type SendMail } from "../commands/email-notifications.js";
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
import { retrainRoutingModel } from "../commands/retrain-routing-model.js";
import { runDeliverOutbound, runFetchAttachment, runOutboxSweep } from "./channel-jobs.js";
import { checkNextYearCalendar } from "../commands/check-next-year-calendar.js";
import { applyRollups } from "../commands/apply-rollups.js";
import { runAuditVerification } from "./audit-verify.job.js";
import { runWebhookSweep } from "./webhook-jobs.js";
import { backfillPublicReports } from "../commands/backfill-public-reports.js";

/**
 * The job modules of the worker role. Each is thin: it calls one command.
 *   sla-check      {ticketId}  one ticket's due warnings/breaches, at its next event (unique per ticket)
 *   sla-sweep                  every SLA_SWEEP_SECONDS: all due clocks (the safety net)
 *   sla-recompute  {scope}     a policy or calendar changed: open tickets' clocks follow it
 *   notify-email               e-mails notifications not e-mailed yet (when SMTP_URL is set); also at once
 *                              after a commit that wrote notices (followOutbox)
 *   notify-digest              daily: one e-mail per user who chose the digest (docs/notifications.md)
 *   audit-anchor               every AUDIT_ANCHOR_MINUTES: a hash over every audit chain head
 *   session-sweep              every 10 minutes: removes expired console sessions
 *   deliver-outbound {outboxId} one outbox row: claim, connector.send(), record (retries with backoff)
 *   outbox-sweep               every 30 s: due and lost outbox rows, pending attachment fetches (safety net)
 *   fetch-attachment {attachmentId}  a channel attachment's bytes into DATA_DIR
 *   backup                     every BACKUP_EVERY_HOURS: an encrypted backup into BACKUP_DIR (server/backup/)
 *   retention                  daily: anonymises the personal data of cases past the retention period
 *   wall-rollups               every minute: the wall's rollups catch up with the audit log (commands/apply-rollups.ts)
 *   routing-retrain            at start and daily: the routing-suggestion model from verified tickets (docs/routing.md)
 *   transcribe-sweep, transcribe {transcriptionId}   in transcription-jobs.ts: recorded calls through whisper.cpp
 *   report-rollups, monthly-reports   in report-jobs.ts: /kinerja's month rows; the monthly report e-mails
 *   audit-verify               every AUDIT_VERIFY_SECONDS: verifies every audit chain, stores and alerts the result
 *   deliver-webhooks           every 30 s and at once after a commit that queued some: due outgoing
 *                              webhook deliveries (retries with backoff for 25 hours; docs/webhooks.md)
 *   public-reports-backfill    every minute until done: public_reports rows for tickets older than the
 *                              table (an existing or restored database; docs/public.md)
 */
export const JOB = {
  slaCheck: "sla-check",
  slaSweep: "sla-sweep",
  slaRecompute: "sla-recompute",
  notifyEmail: "notify-email",
  notifyDigest: "notify-digest",
  auditAnchor: "audit-anchor",
  sessionSweep: "session-sweep",
  deliverOutbound: "deliver-outbound",
  outboxSweep: "outbox-sweep",
  fetchAttachment: "fetch-attachment",
  backup: "backup",
  retention: "retention",
  calendarCheck: "calendar-check",
  wallRollups: "wall-rollups",
  routingRetrain: "routing-retrain",
  auditVerify: "audit-verify",
  deliverWebhooks: "deliver-webhooks",
  publicReportsBackfill: "public-reports-backfill",
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

const mailerOf = (deps: JobDeps): SendMail | null => deps.sendMail ?? (deps.config.smtp ? smtpMailer(deps.config.smtp.url, deps.config.smtp.from) : null);

/** The daily digest of notices for the users who chose it. */
export async function runNotifyDigest(deps: JobDeps): Promise<{ sent: number; failed: number }> {
  const send = mailerOf(deps);
  if (!send) return { sent: 0, failed: 0 };
  const r = await emailDigests(deps.db, deps.clock.now(), send, { publicUrl: deps.config.publicUrl });
  if (r.failed) deps.logger.warn(r, "some digest e-mails failed; they are retried at the next run");
  return r;
}

export async function runNotifyEmail(deps: JobDeps): Promise<{ sent: number; failed: number }> {
  const send = mailerOf(deps);
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

/** The routing-retrain job: a new routing model from the province's verified tickets (or the shipped corpus). */
export async function runRoutingRetrain(deps: Pick<JobDeps, "db" | "clock" | "logger">) {
  const r = await deps.db.tx((m) => retrainRoutingModel(m, { actor: { userId: null, label: "system (latih rute / routing retrain)" }, at: deps.clock.now() }));
  deps.logger.info({ model: r.model.id, source: r.source, examples: r.model.examples, tickets: r.tickets, top1: r.evaluation?.top1, top3: r.evaluation?.top3 }, "routing model trained");
  return r;
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
  s.define(JOB.notifyDigest, async () => void (await runNotifyDigest(deps)), { concurrency: 1, lockLifetime: 10 * 60_000 });
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
  s.define(JOB.calendarCheck, async () => void (await deps.db.tx((m) => checkNextYearCalendar(m, deps.clock.now()))), { concurrency: 1 });
  s.define(JOB.retention, async () => void (await runRetention(deps, { dryRun: false })), { concurrency: 1, lockLifetime: 30 * 60_000 });
  s.define(JOB.wallRollups, async () => void (await applyRollups(db, clock.now())), { concurrency: 1, lockLifetime: 10 * 60_000 });
  s.define(JOB.routingRetrain, async () => void (await runRoutingRetrain(deps)), { concurrency: 1, lockLifetime: 30 * 60_000 });
  s.define(
    JOB.auditVerify,
    async (_data, ctx) => {
      const r = await runAuditVerification(deps, () => void ctx.touch());
      // A broken chain is e-mailed at once (when SMTP is set), not at the next notify-email run.
      if (r.notified > 0) await runNotifyEmail(deps);
    },
    { concurrency: 1, lockLifetime: 10 * 60_000 },
  );
  s.define(JOB.deliverWebhooks, async () => void (await runWebhookSweep(deps)), { concurrency: 1, lockLifetime: 10 * 60_000 });
  s.define(
    JOB.publicReportsBackfill,
    async (_data, ctx) => {
      const r = await backfillPublicReports(db, { at: clock.now(), onBatch: () => void ctx.touch() });
      if (r.tickets) logger.info({ tickets: r.tickets, written: r.written, done: r.done }, "public report rows backfilled");
    },
    { concurrency: 1, lockLifetime: 10 * 60_000 },
  );
  s.define<{ attachmentId: number }>(JOB.fetchAttachment, async (data) => void (await runFetchAttachment(deps, data.attachmentId)), { concurrency: 4, lockLifetime: 5 * 60_000 });
}

/** The periodic jobs (one row each, whatever the number of workers). */
export async function scheduleRecurring(s: Scheduler, config: Config): Promise<void> {
  await s.every(`${config.slaSweepSeconds} seconds`, JOB.slaSweep);
  await s.every(`${config.auditAnchorMinutes} minutes`, JOB.auditAnchor, undefined, { skipImmediate: true });
  await s.every("10 minutes", JOB.sessionSweep);
  if (config.smtp) await s.every("5 minutes", JOB.notifyEmail);
  // 00:00 UTC: 07:00 WIB, 08:00 WITA, 09:00 WIT, at the start of the working day.
  if (config.smtp) await s.every("0 0 * * *", JOB.notifyDigest, undefined, { timezone: "UTC", skipImmediate: true });
  await s.every("30 seconds", JOB.outboxSweep);
  await s.every("30 seconds", JOB.deliverWebhooks);
  // The first one a period after the first start (a restart does not move it: one row, one schedule).
  if (config.backup.everyHours > 0 && backupKeyOf(config)) await s.every(`${config.backup.everyHours} hours`, JOB.backup, undefined, { skipImmediate: true });
  await s.every("1 day", JOB.retention, undefined, { skipImmediate: true });
  // From 1 November: is next year's holiday calendar there? (also once at start)
  await s.every("1 day", JOB.calendarCheck);
  await s.every("1 minute", JOB.wallRollups);
  await s.every("1 minute", JOB.publicReportsBackfill);
  // Right away too: a new install answers from the corpus-trained model, a restart picks up new tickets.
  await s.every("1 day", JOB.routingRetrain);
  if (config.auditVerifySeconds > 0) await s.every(`${config.auditVerifySeconds} seconds`, JOB.auditVerify);
  else await s.cancel({ name: JOB.auditVerify });
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
      // Notices of new work are e-mailed at once (one run covers every notice committed so far).
      if (e.type === "notification") return { job: { uniqueKey: "notify-email:now", when: new Date(), name: JOB.notifyEmail, data: {} } };
      // Queued webhook deliveries go out at once (one sweep covers every delivery committed so far).
      if (e.type === "webhook") return { job: { uniqueKey: "deliver-webhooks:now", when: new Date(), name: JOB.deliverWebhooks, data: {} } };
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
