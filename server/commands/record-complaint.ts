import type { EntityManager } from "typeorm";
import type { InboundAttachment } from "../../channels/connector.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import type { Privacy } from "../domain/privacy/levels.js";
import { trackingSecretHash } from "./tracking-secrets.js";
import { Category } from "../entities/category.entity.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow, newTicketRow, type InboundChannelFields } from "../entities/rows.js";
import { Ticket } from "../entities/ticket.entity.js";
import { randomToken } from "../lib/crypto.js";
import { attachmentNameDigests, caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { issueTicketNumber } from "./issue-ticket-number.js";
import { resolveContact, type ContactInput } from "./resolve-contact.js";
import { saveInboundAttachments } from "./save-inbound-attachments.js";
import { syncClocks } from "../clocks/ticket-clocks.js";

export interface RecordComplaintInput {
  channel: ChannelKind;
  subject?: string;
  description: string;
  categoryId?: number | null;
  privacy?: Privacy;
  contact?: ContactInput;
  locationText?: string | null;
  createdByUserId?: number | null;
  /** Already resolved by the caller (channel ingest); skips resolving `contact` again. */
  contactId?: number | null;
  /** Channel fields of the first message (ingest of a channel message). */
  inbound?: InboundChannelFields;
  /** Files of the first message (channel ingest), kept for the fetch job. */
  attachments?: InboundAttachment[];
}

export type RecordComplaintOutcome =
  | { kind: "created"; ticket: Ticket; trackingSecret: string; messageId: number }
  | { kind: "invalid"; reason: string };

/** The subject given, else the description's first twelve words. */
export const ticketSubject = (subject: string | null | undefined, description: string) =>
  (subject?.trim() || description.split(/\s+/).slice(0, 12).join(" ")).slice(0, 300);

export { trackingSecretHash } from "./tracking-secrets.js";

/** A new complaint in `received`: citizen resolved, number issued, first message kept, clock started. */
export async function recordComplaint(m: EntityManager, ctx: CommandContext, input: RecordComplaintInput): Promise<RecordComplaintOutcome> {
  let category: Category | null = null;
  if (input.categoryId != null) {
    category = await m.getRepository(Category).findOneBy({ id: input.categoryId });
    if (!category || !category.active) return { kind: "invalid", reason: `category ${input.categoryId} does not exist` };
  }
  const contact =
    input.contactId != null ? { id: input.contactId } : input.contact ? await resolveContact(m, input.contact, ctx.actor, ctx.at) : null;
  const number = await issueTicketNumber(m, ctx.at);
  const trackingSecret = randomToken(24);
  const description = input.description.trim();
  const subject = ticketSubject(input.subject, description);
  const tickets = m.getRepository(Ticket);
  const ticket = await tickets.save(
    tickets.create(
      newTicketRow({
        number,
        trackingSecretHash: trackingSecretHash(ctx.secretKey, trackingSecret),
        subject,
        description,
        channel: input.channel,
        contactId: contact?.id ?? null,
        categoryId: category?.id ?? null,
        complaintClass: category?.complaintClass ?? "general",
        privacy: input.privacy,
        createdByUserId: input.createdByUserId ?? null,
        locationText: input.locationText ?? null,
        at: ctx.at,
      }),
    ),
  );
  const first = newMessageRow({
    ticketId: ticket.id,
    direction: "inbound",
    channel: input.channel,
    contactId: contact?.id ?? null,
    authorUserId: input.createdByUserId ?? null,
    subject,
    body: description,
    ...input.inbound,
    at: ctx.at,
  });
  const inserted = await m.getRepository(Message).insert(first);
  const messageId = Number(inserted.identifiers[0]?.id);
  const files = input.attachments?.length ? await saveInboundAttachments(m, { ticketId: ticket.id, messageId, attachments: input.attachments, at: ctx.at }) : [];
  await syncClocks(m, { ticket, from: null, createdForwards: [], closedForwardIds: [], at: ctx.at });
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "ticket.received",
    entityType: "ticket",
    entityId: ticket.id,
    ticketId: ticket.id,
    after: {
      number,
      channel: ticket.channel,
      subject,
      categoryId: ticket.categoryId,
      privacy: ticket.privacy,
      contactId: ticket.contactId,
      texts: { ...caseTextDigests("tickets", ticket.id, ticket), ...caseTextDigests("messages", messageId, first), ...attachmentNameDigests(files) },
    },
    at: ctx.at,
  });
  return { kind: "created", ticket, trackingSecret, messageId };
}
