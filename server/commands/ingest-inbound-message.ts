import { In, type EntityManager } from "typeorm";
import { notifyStaff } from "./notify-staff.js";
import type { InboundMessage } from "../../channels/connector.js";
import { normalizeEmail, normalizePhone } from "../domain/contacts/identity.js";
import { STATUS_LABELS } from "../domain/ticket/lifecycle.js";
import { Category } from "../entities/category.entity.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { InboundReceipt, type InboundOutcome } from "../entities/inbound-receipt.entity.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow, type InboundChannelFields } from "../entities/rows.js";
import { Ticket } from "../entities/ticket.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";
import { attachmentNameDigests, caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { setTicketLocation } from "./set-ticket-location.js";
import { TRACKING_LINK_SENT } from "./tracking-secrets.js";
import { DEFAULT_LOCALE, queueOutbound, queueTicketNotice, renderTemplate, type ReplyRoute } from "./queue-outbound.js";
import { recordComplaint } from "./record-complaint.js";
import { citizenLinkIdentity, mayBeIdentityLink, type IdentityLinkResult } from "./citizen-link-identity.js";
import { canonicalContactId, contactsWithLinks } from "./merge-contacts.js";
import { resolveContact, type ContactInput } from "./resolve-contact.js";
import { saveInboundAttachments } from "./save-inbound-attachments.js";
import { transitionTicket } from "./transition-ticket.js";
import { followMerged, parseStatusRequest, STATUS_QUESTION_CHANNELS } from "../../channels/rules/index.js";
import { ownTicketByNumber } from "../queries/own-ticket.js";

export interface IngestInput {
  account: ChannelAccount;
  message: InboundMessage;
  /** PUBLIC_URL, for the tracking link in the acknowledgement. */
  publicUrl: string;
}

export type IngestOutcome =
  | { kind: "duplicate"; receipt: InboundReceipt }
  | { kind: "created"; ticket: Ticket; messageId: number; trackingSecret: string; acknowledgementId: number | null }
  | { kind: "appended"; ticket: Ticket; messageId: number }
  | { kind: "status_query"; ticketId: number | null; replyId: number }
  | { kind: "greeting"; replyId: number | null }
  | { kind: "identity_link"; result: IdentityLinkResult; replyId: number };


/** The ticket number a "STATUS ADU-…" message asks about, or null when it is not such a question. */
function statusQueryNumber(msg: InboundMessage): string | null {
  if (!STATUS_QUESTION_CHANNELS.includes(msg.channelKind)) return null;
  const asked = parseStatusRequest(msg.text);
  if (asked) return asked;
  return msg.command?.name === "status" && msg.ticketNumberHint ? msg.ticketNumberHint.toUpperCase() : null;
}
export const isStatusQuery = (msg: InboundMessage) => statusQueryNumber(msg) !== null;

/**
 * Where a reply to this sender goes on this account: the chat for Telegram, else the sender's
 * address — a phone number in E.164 (+62…), as providers' send APIs want it, however it arrived.
 */
export function senderAddress(msg: InboundMessage): string {
  if (msg.replyAddress) return msg.replyAddress;
  if (msg.channelKind === "telegram") return msg.externalThreadId;
  if (msg.sender.email) return msg.sender.email;
  if (msg.sender.phone) return normalizePhone(msg.sender.phone) ?? msg.sender.phone;
  return msg.sender.externalId;
}

/** The channel fields of an inbound message's row (the same in every ingest path). */
export function inboundFields(account: ChannelAccount, msg: InboundMessage, externalId: string): InboundChannelFields {
  return {
    channelAccountId: account.id,
    externalId,
    externalThreadId: msg.externalThreadId.slice(0, 191),
    externalAddress: senderAddress(msg).slice(0, 254),
    bodyHtml: msg.html ?? null,
    sentAt: msg.sentAt,
  };
}

export function contactInputOf(msg: InboundMessage): ContactInput {
  const input: ContactInput = { name: msg.sender.displayName ?? null, phone: msg.sender.phone ?? null, email: msg.sender.email ?? null };
  if (msg.channelKind !== "sms" && msg.channelKind !== "email" && msg.channelKind !== "web") {
    input.channelIdentity = { channel: msg.channelKind, address: msg.sender.externalId.slice(0, 254), displayName: msg.sender.username ?? msg.sender.displayName ?? null };
  }
  return input;
}

/** The contact already known for this sender, without creating one. */
async function knownContactId(m: EntityManager, msg: InboundMessage): Promise<number | null> {
  const keys: { channel: string; address: string }[] = [];
  const phone = msg.sender.phone ? normalizePhone(msg.sender.phone) : null;
  const email = msg.sender.email ? normalizeEmail(msg.sender.email) : null;
  if (phone) keys.push({ channel: "sms", address: phone });
  if (email) keys.push({ channel: "email", address: email });
  keys.push({ channel: msg.channelKind, address: msg.sender.externalId });
  for (const k of keys) {
    const found = await m.getRepository(ContactIdentity).findOneBy({ channel: k.channel as ContactIdentity["channel"], address: k.address });
    if (found) return canonicalContactId(m, found.contactId);
  }
  return null;
}

const followMerges = (m: EntityManager, ticket: Ticket | null) => followMerged(ticket, (id) => m.getRepository(Ticket).findOneBy({ id }));

/**
 * The ticket this message continues: the thread it replies to (In-Reply-To / References of our own
 * or the citizen's earlier messages, or a ticket number the citizen quoted — only their own), else
 * their open ticket on this channel. Null: the message opens a new ticket.
 */
async function threadTicket(m: EntityManager, account: ChannelAccount, msg: InboundMessage, contactId: number | null): Promise<Ticket | null> {
  const tickets = m.getRepository(Ticket);
  const refs = [...new Set([msg.inReplyToExternalId, ...(msg.references ?? [])].filter((x): x is string => !!x))].map((x) => x.slice(0, 191));
  let ticket: Ticket | null = null;
  if (refs.length) {
    const earlier = await m.getRepository(Message).findOne({ where: { channelAccountId: account.id, externalId: In(refs) }, order: { id: "DESC" } });
    const own = earlier ? await tickets.findOneBy({ id: earlier.ticketId }) : null;
    ticket = await followMerges(m, own);
    // Someone else's thread is not theirs to continue; their own report that joined a case continues the case.
    if (ticket && contactId !== null && ticket.contactId !== null && ticket.contactId !== contactId && own?.contactId !== contactId) ticket = null;
  }
  if (!ticket && msg.ticketNumberHint && contactId !== null) {
    const named = await tickets.findOneBy({ number: msg.ticketNumberHint.toUpperCase() });
    const hinted = await followMerges(m, named);
    if (hinted && (hinted.contactId === contactId || named?.contactId === contactId)) ticket = hinted;
  }
  if (ticket && ticket.isOpen) return ticket;
  // Each web-form submission is a complaint of its own: it never joins the citizen's open ticket.
  if (contactId === null || msg.channelKind === "web") return null;
  const onChannel = await tickets.findOne({ where: { contactId, channel: msg.channelKind, isOpen: true }, order: { id: "DESC" } });
  if (onChannel) return onChannel;
  // Their report on this channel joined a case (a case cluster) that is still open: the case
  // (the same order as the set-based path in ingest-batch.ts).
  const joined = await followMerges(m, await tickets.findOne({ where: { contactId, channel: msg.channelKind, status: "merged" }, order: { id: "DESC" } }));
  if (joined?.isOpen) return joined;
  // A citizen who linked identities is one person: their open ticket on any channel.
  if (!(await contactsWithLinks(m, [contactId])).has(contactId)) return null;
  return tickets.findOne({ where: { contactId, isOpen: true }, order: { id: "DESC" } });
}

export function describe(msg: InboundMessage): string {
  const parts = [msg.text.trim()];
  // The web form's point is kept in the ticket's coordinates only (its text may become public).
  if (msg.location && msg.channelKind !== "web") parts.push(`Lokasi: ${msg.location.latitude}, ${msg.location.longitude}${msg.location.title ? ` (${msg.location.title})` : ""}${msg.location.address ? `, ${msg.location.address}` : ""}`);
  if (msg.call?.transcript) parts.push(msg.call.transcript.trim());
  const text = parts.filter(Boolean).join("\n\n");
  if (text) return text;
  return msg.attachments.length ? `(${msg.attachments.length} lampiran)` : "(pesan kosong)";
}

/**
 * Takes one normalized inbound message in, in one transaction: idempotent on (account, externalId)
 * (a redelivery returns the first outcome's receipt and writes nothing), citizen resolved by phone
 * (E.164) / e-mail (case-folded) / channel id, threaded onto their ticket or a new one in
 * `received` (clocks start), attachments recorded for the fetch job, acknowledgement queued.
 * "STATUS ADU-…" by SMS/Telegram answers the ticket's state instead; Telegram /start greets.
 */
export async function ingestInboundMessage(m: EntityManager, ctx: CommandContext, input: IngestInput): Promise<IngestOutcome> {
  const { account, message: msg } = input;
  const receipts = m.getRepository(InboundReceipt);
  const externalId = msg.externalId.slice(0, 191);
  const existing = await receipts.findOneBy({ channelAccountId: account.id, externalId });
  if (existing) return { kind: "duplicate", receipt: existing };
  let receipt: InboundReceipt;
  try {
    receipt = await receipts.save(receipts.create({ channelAccountId: account.id, externalId, outcome: "message", ticketId: null, messageId: null, createdAt: ctx.at }));
  } catch (err) {
    // The same delivery is being ingested concurrently: retry, and find its receipt then.
    if (isDuplicateKey(err)) throw new RetryableConflict(`inbound ${account.id}/${externalId} ingested concurrently`);
    throw err;
  }
  const done = async (outcome: InboundOutcome, ticketId: number | null, messageId: number | null) => {
    await receipts.update({ id: receipt.id }, { outcome, ticketId, messageId });
  };
  const actor: Actor = { userId: null, label: `warga via ${msg.channelKind}` };
  const cctx: CommandContext = { ...ctx, actor };
  const address = senderAddress(msg).slice(0, 254);
  // Answers go back where the citizen wrote from; e-mail answers thread under their message.
  const email = msg.channelKind === "email";
  const directRoute: ReplyRoute = {
    account,
    to: address,
    inReplyTo: email ? externalId : null,
    references: email ? [...new Set([...(msg.references ?? []), externalId].map((x) => x.slice(0, 191)))] : [],
  };

  // Commands that are not complaints.
  // "/start" (also a deep link "/start ADU-…") is the bot being opened: greet, open nothing.
  if (msg.command?.name === "start") {
    const text = await renderTemplate(m, "greeting", DEFAULT_LOCALE, {});
    const queued = text ? await queueOutbound(m, cctx, { route: directRoute, body: text.body, automated: true, auditType: "message.greeting_queued" }) : null;
    await done("greeting", null, null);
    return { kind: "greeting", replyId: queued?.item.id ?? null };
  }
  const number = statusQueryNumber(msg);
  if (number) {
    // Only the reporter learns the state by message; anyone else gets "not found" (no enumeration).
    const own = await ownTicketByNumber(m, number, await knownContactId(m, msg));
    const text = own
      ? await renderTemplate(m, "status_reply", DEFAULT_LOCALE, {
          number: own.number,
          status: STATUS_LABELS[own.status].id,
          updated: own.updatedAt.toISOString().slice(0, 10),
        })
      : await renderTemplate(m, "status_unknown", DEFAULT_LOCALE, { number });
    const queued = await queueOutbound(m, cctx, {
      route: directRoute,
      ticket: null,
      body: text?.body ?? `${number}: ${own ? STATUS_LABELS[own.status].id : "-"}`,
      automated: true,
      auditType: "message.status_reply_queued",
    });
    if (own) await m.getRepository(InboundReceipt).update({ id: receipt.id }, { ticketId: own.id });
    await done("status_query", own?.id ?? null, null);
    return { kind: "status_query", ticketId: own?.id ?? null, replyId: queued.item.id };
  }

  // "HUBUNGKAN 0812…" / "LINK …" and the code sent back: linking another identity, not a complaint.
  const link = mayBeIdentityLink(msg) && (await citizenLinkIdentity(m, cctx, { msg, senderContact: contactInputOf(msg), knownContactId: await knownContactId(m, msg), route: directRoute }));
  if (link) {
    await done("identity_link", null, null);
    return { kind: "identity_link", result: link.result, replyId: link.replyId };
  }

  const contact = await resolveContact(m, contactInputOf(msg), actor, ctx.at);
  if (contact && m.connection.options.type === "mysql") {
    // Two messages of one citizen at once must not open two tickets.
    await m.getRepository(Contact).findOne({ where: { id: contact.id }, lock: { mode: "pessimistic_write" } });
  }
  const inbound = inboundFields(account, msg, externalId);
  const body = describe(msg);
  const ticket = await threadTicket(m, account, msg, contact?.id ?? null);
  let outcome: IngestOutcome;
  if (ticket) {
    const row = newMessageRow({
      ticketId: ticket.id,
      direction: "inbound",
      channel: msg.channelKind,
      contactId: contact?.id ?? null,
      subject: msg.subject?.slice(0, 300) ?? null,
      body,
      ...inbound,
      at: ctx.at,
    });
    const saved = await m.getRepository(Message).insert(row);
    const messageId = Number(saved.identifiers[0]?.id);
    const files = await saveInboundAttachments(m, { ticketId: ticket.id, messageId, attachments: msg.attachments, at: ctx.at });
    await m.getRepository(Ticket).update({ id: ticket.id }, { updatedAt: ctx.at });
    // A location sent after the complaint (the usual order on Telegram and WhatsApp) places the ticket.
    await setTicketLocation(m, ticket, msg.location);
    await appendAuditEvent(m, {
      actor,
      type: "message.received",
      entityType: "message",
      entityId: messageId,
      ticketId: ticket.id,
      after: { messageId, channelAccountId: account.id, externalId, length: body.length, attachments: msg.attachments.length, texts: { ...caseTextDigests("messages", messageId, row), ...attachmentNameDigests(files) } },
      at: ctx.at,
    });
    if (ticket.status === "waiting_on_citizen") await transitionTicket(m, cctx, ticket.id, { action: "citizen_replied" });
    await notifyStaff(m, cctx, ticket, { kind: "citizen_reply" });
    outcome = { kind: "appended", ticket, messageId };
  } else {
    // The web form's choices: a category by code (unknown codes are left for the operator), privacy.
    const category = msg.form?.category ? await m.getRepository(Category).findOneBy({ code: msg.form.category, active: true }) : null;
    const created = await recordComplaint(m, cctx, {
      channel: msg.channelKind,
      subject: msg.subject,
      description: body,
      contactId: contact?.id ?? null,
      categoryId: category?.id ?? null,
      privacy: msg.form?.privacy,
      locationText: (msg.form?.locationText ?? msg.location?.address ?? msg.location?.title ?? null)?.slice(0, 300) ?? null,
      inbound,
      attachments: msg.attachments,
    });
    if (created.kind !== "created") throw new Error(`recordComplaint refused a channel message: ${created.reason}`);
    const t = created.ticket;
    await setTicketLocation(m, t, msg.location);
    // Where the citizen just wrote from (the web form has no way back: findReplyRoute picks one).
    // The link itself is minted when the acknowledgement is handed to the provider.
    const ack = await queueTicketNotice(m, cctx, t, "acknowledgement", { link: TRACKING_LINK_SENT }, DEFAULT_LOCALE, account.kind === "web" ? undefined : directRoute);
    outcome = { kind: "created", ticket: t, messageId: created.messageId, trackingSecret: created.trackingSecret, acknowledgementId: ack?.id ?? null };
  }

  await done("message", outcome.ticket.id, outcome.messageId);
  return outcome;
}
