import type { EntityManager } from "typeorm";
import { notifyStaff } from "./notify-staff.js";
import { toDataRef } from "../../channels/connector.js";
import { Attachment } from "../entities/attachment.entity.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow } from "../entities/rows.js";
import { Ticket } from "../entities/ticket.entity.js";
import { afterCommit } from "../lib/db.js";
import { sanitizeFileName } from "../lib/attachment-files.js";
import { attachmentNameDigests, caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { transitionTicket } from "./transition-ticket.js";

export interface CitizenPhoto {
  fileName: string;
  mimeType: string;
  content: Buffer;
}

export interface AddCitizenInfoInput {
  ticketId: number;
  text: string;
  photos: CitizenPhoto[];
  /** The web form's channel account: photos are fetched through it like the form's own. */
  channelAccountId: number | null;
}

export type AddCitizenInfoOutcome = { kind: "added"; messageId: number } | { kind: "closed" } | { kind: "invalid"; reason: string };

/**
 * Information or photos the citizen adds from the tracking page: an inbound message on the ticket
 * (operators and the OPD see it in the conversation), photos queued for the attachment job, and a
 * ticket waiting on the citizen resumes its clocks.
 */
export async function addCitizenInfo(m: EntityManager, ctx: CommandContext, input: AddCitizenInfoInput): Promise<AddCitizenInfoOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: input.ticketId });
  if (!ticket) return { kind: "invalid", reason: "unknown ticket" };
  if (!ticket.isOpen) return { kind: "closed" };
  const text = input.text.replace(/\r\n?/g, "\n").trim();
  if (!text && input.photos.length === 0) return { kind: "invalid", reason: "empty" };
  if (input.photos.length && input.channelAccountId == null) return { kind: "invalid", reason: "photos need the web form account" };
  const body = text || `(${input.photos.length} foto)`;
  const inserted = await m.getRepository(Message).insert(
    newMessageRow({ ticketId: ticket.id, direction: "inbound", channel: "web", contactId: ticket.contactId, body, channelAccountId: input.channelAccountId, at: ctx.at }),
  );
  const messageId = Number(inserted.identifiers[0]?.id);
  const attachments = m.getRepository(Attachment);
  const files: Attachment[] = [];
  for (const p of input.photos) {
    const row = await attachments.save(
      attachments.create({
        ticketId: ticket.id,
        messageId,
        fileName: sanitizeFileName(p.fileName, "foto"),
        mimeType: p.mimeType,
        sizeBytes: p.content.length,
        storageKey: "",
        sha256: null,
        uploadedByUserId: null,
        sourceRef: toDataRef(p.content, p.mimeType),
        fetchState: "pending",
        fetchAttempts: 0,
        fetchError: null,
        createdAt: ctx.at,
      }),
    );
    afterCommit(m, { type: "attachment", attachmentId: row.id });
    files.push(row);
  }
  await m.getRepository(Ticket).update({ id: ticket.id }, { updatedAt: ctx.at });
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "message.received",
    entityType: "message",
    entityId: messageId,
    ticketId: ticket.id,
    after: { messageId, source: "tracking_page", length: body.length, attachments: input.photos.length, texts: { ...caseTextDigests("messages", messageId, { subject: null, body, bodyHtml: null }), ...attachmentNameDigests(files) } },
    at: ctx.at,
  });
  if (ticket.status === "waiting_on_citizen") await transitionTicket(m, ctx, ticket.id, { action: "citizen_replied" });
  await notifyStaff(m, ctx, ticket, { kind: "citizen_reply" });
  return { kind: "added", messageId };
}
