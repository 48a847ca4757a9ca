import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { Attachment } from "../entities/attachment.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { Message } from "../entities/message.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { attachmentStorageKey, sanitizeFileName, writeAttachmentFile } from "../lib/attachment-files.js";
import { attachmentNameDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/** More files than this on one forward is a mistake, not an answer. */
export const MAX_ANSWER_FILES_PER_FORWARD = 10;

export interface AttachAnswerFileInput {
  forwardId: number;
  /** The caller's OPD: only its own forwards may receive files. */
  agencyId: number;
  fileName: string;
  mimeType: string;
  content: Buffer;
  /** DATA_DIR: the bytes go under attachments/<ticket>/ like fetched channel files. */
  dataDir: string;
}

export type AttachAnswerFileOutcome =
  | { kind: "ok"; attachment: Attachment }
  | { kind: "not_found"; what: string }
  | { kind: "violation"; reason: string; code: string };

/**
 * A file (PDF, photo) that an OPD attaches to its official answer (tanggapan) on one of its
 * forwards: before answering (it joins the answer when it is sent) or after (it joins the answer
 * already given). Kept on the ticket for the command center and that OPD; not sent to the citizen.
 */
export async function attachAnswerFile(m: EntityManager, ctx: CommandContext, input: AttachAnswerFileInput): Promise<AttachAnswerFileOutcome> {
  const f = await m.getRepository(Forward).findOneBy({ id: input.forwardId });
  // Another OPD's forward does not exist for this caller (no hint that it does).
  if (!f || f.agencyId !== input.agencyId) return { kind: "not_found", what: `forward ${input.forwardId}` };
  if (f.status === "returned" || f.status === "withdrawn") {
    return { kind: "violation", code: "forward_closed", reason: `the forward is ${f.status}; files belong to an answer (disposisi sudah ${f.status === "returned" ? "dikembalikan" : "ditarik"})` };
  }
  const ticket = await m.getRepository(Ticket).findOneBy({ id: f.ticketId });
  if (!ticket) return { kind: "not_found", what: `ticket ${f.ticketId}` };
  const repo = m.getRepository(Attachment);
  if ((await repo.countBy({ forwardId: f.id })) >= MAX_ANSWER_FILES_PER_FORWARD) {
    return { kind: "violation", code: "too_many_attachments", reason: `at most ${MAX_ANSWER_FILES_PER_FORWARD} files per answer (paling banyak ${MAX_ANSWER_FILES_PER_FORWARD} lampiran per tanggapan)` };
  }
  // Already answered: the file joins that answer in the conversation.
  const answer = f.status === "answered" ? await m.getRepository(Message).findOne({ where: { forwardId: f.id, direction: "answer" }, order: { id: "DESC" } }) : null;
  const sha256 = createHash("sha256").update(input.content).digest("hex");
  const row = await repo.save(
    repo.create({
      ticketId: f.ticketId,
      messageId: answer?.id ?? null,
      forwardId: f.id,
      fileName: sanitizeFileName(input.fileName),
      mimeType: input.mimeType,
      sizeBytes: input.content.length,
      storageKey: "",
      sha256,
      uploadedByUserId: ctx.actor.userId,
      sourceRef: null,
      fetchState: null,
      fetchAttempts: 0,
      fetchError: null,
      createdAt: ctx.at,
    }),
  );
  row.storageKey = attachmentStorageKey(f.ticketId, row.id, input.fileName);
  // Written inside the transaction: a failed write rolls the row back (a failed commit leaves only an unreferenced file).
  await writeAttachmentFile(input.dataDir, row.storageKey, input.content);
  await repo.update({ id: row.id }, { storageKey: row.storageKey });
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "attachment.added",
    entityType: "attachment",
    entityId: row.id,
    ticketId: f.ticketId,
    after: { attachmentId: row.id, forwardId: f.id, agencyId: f.agencyId, messageId: row.messageId, fileName: row.fileName, mimeType: row.mimeType, sizeBytes: row.sizeBytes, sha256, texts: attachmentNameDigests([row]) },
    at: ctx.at,
  });
  await m.getRepository(Ticket).update({ id: f.ticketId }, { updatedAt: ctx.at });
  return { kind: "ok", attachment: row };
}
