// On-premise transcription of recorded calls (docs/transcription.md).
//   transcribe-sweep   every 30 s: a transcription row for each fetched call recording that has none,
//                      and a transcribe job for each pending row (the safety net; also run after a fetch)
//   transcribe {transcriptionId}   whisper.cpp over the stored audio file; at most
//                      TRANSCRIBE_CONCURRENCY at once per worker (agenda's concurrency and the engine's pool)
// With no model installed a recording's row says "no-model": the provider's transcript (Twilio's,
// a message of the ticket) is what the ticket has, and the console says so.
import { join } from "node:path";
import { appendAuditEvent } from "../commands/append-audit-event.js";
import { Transcription } from "../entities/transcription.entity.js";
import type { Config } from "../config/env.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import type { Scheduler } from "./scheduler.js";
import { WhisperEngine } from "../transcription/whisper.js";

export interface TranscriptionDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  engine: WhisperEngine;
}

export const MAX_TRANSCRIBE_ATTEMPTS = 3;
const SWEEP_BATCH = 100;

/** The worker's engine, from the config (one per process). */
export const engineFor = (config: Config, logger?: Logger) => new WhisperEngine(config.transcription, logger);

/**
 * Rows for call recordings not seen yet: inbound voice messages whose audio attachment has been
 * fetched. Returns the ids of the new rows.
 */
export async function addPendingTranscriptions(db: Db, at: Date): Promise<number[]> {
  const found: Array<{ attachment_id: number; message_id: number; ticket_id: number }> = await db.manager.query(
    `SELECT a.id AS attachment_id, m.id AS message_id, m.ticket_id AS ticket_id
       FROM attachments a
       JOIN messages m ON m.id = a.message_id
       LEFT JOIN transcriptions t ON t.message_id = m.id
      WHERE m.channel = 'voice' AND m.direction = 'inbound' AND a.fetch_state = 'fetched' AND a.mime_type LIKE 'audio/%' AND t.id IS NULL
      ORDER BY a.id
      LIMIT ${SWEEP_BATCH}`,
  );
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const f of found) {
    const messageId = Number(f.message_id);
    if (seen.has(messageId)) continue;
    seen.add(messageId);
    const row = await db.tx(async (m) => {
      const repo = m.getRepository(Transcription);
      if (await repo.findOneBy({ messageId })) return null;
      return repo.save(repo.create({ messageId, ticketId: Number(f.ticket_id), attachmentId: Number(f.attachment_id), state: "pending", attempts: 0, createdAt: at, updatedAt: at }));
    }).catch(() => null); // another worker added it first (unique message_id)
    if (row) ids.push(row.id);
  }
  return ids;
}

let noModelLogged = false;

/** transcribe {transcriptionId}: whisper over the recording; idempotent (only a pending row is worked on). */
export async function runTranscription(deps: TranscriptionDeps, transcriptionId: number): Promise<{ state: Transcription["state"] | "skipped" }> {
  const repo = deps.db.manager.getRepository(Transcription);
  const row = await repo.findOneBy({ id: transcriptionId });
  if (!row || row.state !== "pending") return { state: "skipped" };
  const status = deps.engine.status();
  if (!status.available) {
    if (!noModelLogged) deps.logger.warn({ reason: status.reason }, "call recordings are not transcribed on the server: the provider's transcript is kept");
    noModelLogged = true;
    await deps.db.tx((m) => m.getRepository(Transcription).update({ id: row.id, state: "pending" }, { state: "no-model", error: status.reason.slice(0, 500), updatedAt: deps.clock.now() }));
    return { state: "no-model" };
  }
  const att = await deps.db.manager.query(`SELECT storage_key FROM attachments WHERE id = ?`, [row.attachmentId]);
  const storageKey: string | undefined = att[0]?.storage_key;
  try {
    if (!storageKey) throw new Error("the recording's file is gone");
    const out = await deps.engine.transcribeFile(join(deps.config.dataDir, storageKey));
    const at = deps.clock.now();
    await deps.db.tx(async (m) => {
      await m.getRepository(Transcription).update(
        { id: row.id, state: "pending" },
        { state: "done", text: out.text, language: out.language?.slice(0, 8) ?? null, engine: out.engine.slice(0, 120), error: null, attempts: row.attempts + 1, audioMs: out.audioMs, tookMs: out.tookMs, transcribedAt: at, updatedAt: at },
      );
      await appendAuditEvent(m, {
        actor: { userId: null, label: "system (transkripsi / transcription)" },
        type: "message.transcribed",
        entityType: "message",
        entityId: row.messageId,
        ticketId: row.ticketId,
        after: { transcriptionId: row.id, engine: out.engine, language: out.language, chars: out.text.length, tookMs: out.tookMs },
        at,
      });
    });
    deps.logger.info({ transcriptionId: row.id, ticketId: row.ticketId, tookMs: out.tookMs, audioMs: out.audioMs }, "call recording transcribed");
    return { state: "done" };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const attempts = row.attempts + 1;
    const state = attempts < MAX_TRANSCRIBE_ATTEMPTS ? "pending" : "failed";
    await deps.db.tx((m) => m.getRepository(Transcription).update({ id: row.id, state: "pending" }, { state, attempts, error: reason.slice(0, 500), updatedAt: deps.clock.now() }));
    deps.logger.warn({ transcriptionId: row.id, reason, state }, "call recording not transcribed");
    return { state };
  }
}

/**
 * transcribe-sweep: new rows for new recordings; each pending row is handed to `schedule` (the
 * worker's transcribe job) or, without a scheduler (tests, CLI), transcribed here one by one.
 */
export async function runTranscribeSweep(deps: TranscriptionDeps, schedule?: (transcriptionId: number) => void): Promise<{ added: number; pending: number; done: number; noModel: number; failed: number }> {
  const added = await addPendingTranscriptions(deps.db, deps.clock.now());
  // A model installed since: the recordings that found none are transcribed now.
  if (deps.engine.status().available) await deps.db.tx((m) => m.getRepository(Transcription).update({ state: "no-model" }, { state: "pending", error: null, updatedAt: deps.clock.now() }));
  const pending = await deps.db.manager.getRepository(Transcription).find({ select: { id: true }, where: { state: "pending" }, order: { id: "ASC" }, take: SWEEP_BATCH });
  const counts = { added: added.length, pending: pending.length, done: 0, noModel: 0, failed: 0 };
  for (const p of pending) {
    if (schedule) {
      schedule(p.id);
      continue;
    }
    const r = await runTranscription(deps, p.id);
    if (r.state === "done") counts.done++;
    else if (r.state === "no-model") counts.noModel++;
    else if (r.state === "failed") counts.failed++;
  }
  return counts;
}

export const TRANSCRIBE_JOB = { sweep: "transcribe-sweep", one: "transcribe" } as const;

/** The transcription jobs of the worker role; returns the engine, to be closed when the worker stops. */
export function defineTranscriptionJobs(s: Scheduler, deps: Omit<TranscriptionDeps, "engine">): WhisperEngine {
  const engine = engineFor(deps.config, deps.logger);
  const d: TranscriptionDeps = { ...deps, engine };
  const status = engine.status();
  if (status.available) {
    deps.logger.info({ engine: status.engine, concurrency: deps.config.transcription.concurrency }, "call recordings are transcribed on the server");
    engine.warmUp().catch((err: unknown) => deps.logger.error({ err, model: deps.config.transcription.modelPath }, "the whisper model could not be loaded: recordings will fail to transcribe"));
  }
  else deps.logger.warn({ reason: status.reason }, "call recordings are not transcribed on the server: the provider's transcript is kept");
  const schedule = (transcriptionId: number) => {
    s.uniqueSchedule(`transcribe:${transcriptionId}`, new Date(), TRANSCRIBE_JOB.one, { transcriptionId }).catch((err: unknown) => deps.logger.error({ err, transcriptionId }, "could not schedule a transcription (the sweep will catch it)"));
  };
  s.define<{ transcriptionId: number }>(TRANSCRIBE_JOB.one, async (data) => void (await runTranscription(d, data.transcriptionId)), {
    concurrency: deps.config.transcription.concurrency,
    // A 3-minute recording takes whisper-base well under a minute on 2 cores; the lock covers a slow machine.
    lockLifetime: 15 * 60_000,
  });
  s.define(TRANSCRIBE_JOB.sweep, async () => void (await runTranscribeSweep(d, schedule)), { concurrency: 1, lockLifetime: 5 * 60_000 });
  return engine;
}

export async function scheduleTranscriptionJobs(s: Scheduler): Promise<void> {
  await s.every("30 seconds", TRANSCRIBE_JOB.sweep);
}
