import type { EntityManager } from "typeorm";
import type { InboundAttachment } from "../../channels/connector.js";
import { Attachment } from "../entities/attachment.entity.js";
import { afterCommit } from "../lib/db.js";
import { sanitizeFileName } from "../lib/attachment-files.js";

/**
 * A citizen's files on an inbound message, recorded for the fetch-attachment job (queued once the
 * transaction commits). Called before the message's audit event is written, so the event records
 * the files' names with the message's texts.
 */
export async function saveInboundAttachments(m: EntityManager, input: { ticketId: number; messageId: number; attachments: InboundAttachment[]; at: Date }): Promise<Attachment[]> {
  const repo = m.getRepository(Attachment);
  const rows: Attachment[] = [];
  for (const [i, a] of input.attachments.entries()) {
    const row = await repo.save(
      repo.create({
        ticketId: input.ticketId,
        messageId: input.messageId,
        fileName: sanitizeFileName(a.fileName, `${a.kind}-${i + 1}`),
        mimeType: (a.mimeType ?? "application/octet-stream").slice(0, 127),
        sizeBytes: a.sizeBytes ?? 0,
        storageKey: "",
        sha256: null,
        uploadedByUserId: null,
        sourceRef: a.ref,
        fetchState: "pending",
        fetchAttempts: 0,
        fetchError: null,
        createdAt: input.at,
      }),
    );
    afterCommit(m, { type: "attachment", attachmentId: row.id });
    rows.push(row);
  }
  return rows;
}
