import { queuePublicReportRefresh } from "./queue-public-report-refresh.js";
import type { EntityManager } from "typeorm";
import { notifyStaff } from "./notify-staff.js";
import type { InboundMessage } from "../../channels/connector.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { InboundReceipt } from "../entities/inbound-receipt.entity.js";
import { Message } from "../entities/message.entity.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { SlaClock } from "../entities/sla.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { afterCommit, isDuplicateKey, RetryableConflict, sqlTime } from "../lib/db.js";
import { randomToken } from "../lib/crypto.js";
import { insertMany } from "../lib/insert-many.js";
import { placeholders, selectEntities, unindexed } from "../lib/select-entities.js";
import { newTicketClocks, type NewTicketClocks } from "../clocks/ticket-clocks.js";
import { slaSettingsFor } from "../clocks/sla-settings.js";
import { caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvents, type Actor, type AuditInput } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { contactInputOf, describe, inboundFields, ingestInboundMessage, isStatusQuery, senderAddress, type IngestInput, type IngestOutcome } from "./ingest-inbound-message.js";
import { newMessageRow, newTicketRow } from "../entities/rows.js";
import { issueTicketNumbers } from "./issue-ticket-number.js";
import { DEFAULT_LOCALE, loadTemplate } from "./queue-outbound.js";
import { ticketSubject, trackingSecretHash } from "./record-complaint.js";
import { TRACKING_LINK_SENT } from "./tracking-secrets.js";
import { identityKeys, type IdentityKey } from "./resolve-contact.js";
import { transitionTicket } from "./transition-ticket.js";
import { mayBeIdentityLink } from "./citizen-link-identity.js";
import { canonicalContactIds, contactsWithLinks } from "./merge-contacts.js";

/**
 * Whether a message can take the set-based path: a plain text message from an identified sender
 * on a conversational channel. Commands, status queries, e-mail threading, ticket-number hints,
 * web-form choices, locations and attachments take the one-by-one path (ingestInboundMessage).
 */
export function isPlainMessage(msg: InboundMessage): boolean {
  if (msg.channelKind === "email" || msg.channelKind === "web") return false;
  if (msg.command || msg.form || msg.location || msg.call) return false;
  if (msg.inReplyToExternalId || msg.references?.length || msg.ticketNumberHint) return false;
  if (msg.attachments.length) return false;
  if (isStatusQuery(msg)) return false;
  if (mayBeIdentityLink(msg)) return false;
  return keysOfMessage(msg).keys.length > 0;
}

/** A sender's identities, normalized once per message (phone parsing showed in the ingest profile). */
const senderKeys = new WeakMap<InboundMessage, ReturnType<typeof identityKeys>>();
function keysOfMessage(msg: InboundMessage): ReturnType<typeof identityKeys> {
  let k = senderKeys.get(msg);
  if (!k) senderKeys.set(msg, (k = identityKeys(contactInputOf(msg))));
  return k;
}

const key = (accountId: number, externalId: string) => `${accountId}\u0000${externalId}`;
const idKey = (k: { channel: string; address: string }) => `${k.channel}\u0000${k.address}`;

/**
 * Takes many inbound messages in, in the caller's transaction, with the same outcome per message
 * as ingestInboundMessage one by one in arrival order — but plain messages in a constant number of
 * statements per run (a few dozen per batch instead of 17 to 40 per message). This is what lets a
 * webhook burst commit as one group (see IngestBatcher).
 */
export async function ingestInboundBatch(m: EntityManager, ctx: CommandContext, items: IngestInput[]): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array(items.length);
  let run: number[] = [];
  const flush = async () => {
    if (run.length) await ingestPlainRun(m, ctx, run.map((i) => items[i]!), run, outcomes);
    run = [];
  };
  for (let i = 0; i < items.length; i++) {
    if (isPlainMessage(items[i]!.message)) {
      run.push(i);
      continue;
    }
    await flush();
    outcomes[i] = await ingestInboundMessage(m, ctx, items[i]!);
  }
  await flush();
  return outcomes;
}

interface Planned {
  /** Index into the caller's outcomes. */
  slot: number;
  input: IngestInput;
  externalId: string;
  contact: number | Pending;
  ticket?: Ticket | PendingTicket;
  body: string;
  messageId?: number;
  /** The first item with the same (account, external id) in this run: this one is its redelivery. */
  duplicateOf?: Planned;
}
interface Pending {
  row: Pick<Contact, "name" | "phone" | "email" | "mergedIntoId" | "createdAt" | "updatedAt">;
  id?: number;
}
interface PendingTicket {
  row: Omit<Ticket, "id">;
  trackingSecret: string;
  first: Planned;
  id?: number;
}
const contactId = (c: number | Pending) => (typeof c === "number" ? c : c.id!);

async function ingestPlainRun(m: EntityManager, ctx: CommandContext, inputs: IngestInput[], slots: number[], outcomes: IngestOutcome[]): Promise<void> {
  const at = ctx.at;
  const mysql = m.connection.options.type === "mysql";

  // 1. Redeliveries: a receipt already stored, or the same id earlier in this run.
  const plans: Planned[] = inputs.map((input, i) => ({ slot: slots[i]!, input, externalId: input.message.externalId.slice(0, 191), contact: 0, body: describe(input.message) }));
  const byAccount = new Map<number, string[]>();
  for (const p of plans) byAccount.set(p.input.account.id, [...(byAccount.get(p.input.account.id) ?? []), p.externalId]);
  const stored = new Map<string, InboundReceipt>();
  for (const [accountId, list] of byAccount) {
    const ids = [...new Set(list)];
    const found = await selectEntities(m, InboundReceipt, `channel_account_id = ? AND external_id IN (${placeholders(ids.length)})`, [accountId, ...ids]);
    for (const r of found) stored.set(key(accountId, r.externalId), r);
  }
  const firstOf = new Map<string, Planned>();
  const live: Planned[] = [];
  for (const p of plans) {
    const k = key(p.input.account.id, p.externalId);
    const receipt = stored.get(k);
    if (receipt) outcomes[p.slot] = { kind: "duplicate", receipt };
    else if (firstOf.has(k)) p.duplicateOf = firstOf.get(k);
    else {
      firstOf.set(k, p);
      live.push(p);
    }
  }
  if (live.length === 0) return;

  // 2. Citizens: every identity looked up at once; unknown senders become new contacts.
  const keysOf = new Map<Planned, ReturnType<typeof identityKeys>>();
  const byChannel = new Map<string, Set<string>>();
  for (const p of live) {
    const k = keysOfMessage(p.input.message);
    keysOf.set(p, k);
    for (const x of k.keys) byChannel.set(x.channel, (byChannel.get(x.channel) ?? new Set()).add(x.address));
  }
  const known = new Map<string, number>();
  const clauses = [...byChannel].map(([, addresses]) => `(ci.channel = ? AND ci.address IN (${placeholders(addresses.size)}))`);
  const identityRowsFound = (await m.query(
    `SELECT ci.contact_id AS contactId, ci.channel AS channel, ci.address AS address, c.merged_into_id AS mergedIntoId
       FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id WHERE ${clauses.join(" OR ")}`,
    [...byChannel].flatMap(([channel, addresses]) => [channel, ...addresses]),
  )) as { contactId: number | string; channel: string; address: string; mergedIntoId: number | string | null }[];
  // A merged contact's identities moved with it; one written concurrently may still name it
  // (followed only for those: the join already says which contacts were merged away).
  const canonical = await canonicalContactIds(m, identityRowsFound.filter((row) => row.mergedIntoId != null).map((row) => Number(row.contactId)));
  for (const row of identityRowsFound) known.set(idKey(row), canonical.get(Number(row.contactId)) ?? Number(row.contactId));
  const fresh = new Map<string, Pending>();
  const newContacts: Pending[] = [];
  const audit: AuditInput[] = [];
  const actorOf = (msg: InboundMessage): Actor => ({ userId: null, label: `warga via ${msg.channelKind}` });
  for (const p of live) {
    const { keys, phone, email } = keysOf.get(p)!;
    const found = keys.map((k) => known.get(idKey(k)) ?? fresh.get(idKey(k))).find((x) => x !== undefined);
    if (found !== undefined) p.contact = found;
    else {
      const pending: Pending = { row: { name: p.input.message.sender.displayName?.trim() || null, phone, email, mergedIntoId: null, createdAt: at, updatedAt: at } };
      newContacts.push(pending);
      p.contact = pending;
    }
    for (const k of keys) if (!known.has(idKey(k)) && !fresh.has(idKey(k))) fresh.set(idKey(k), p.contact as Pending);
  }
  const contactIds = await insertMany(m, Contact, newContacts.map((c) => c.row));
  newContacts.forEach((c, i) => (c.id = contactIds[i]));
  for (const c of newContacts) {
    const actor = actorOf(live.find((p) => p.contact === c)!.input.message);
    audit.push({ actor, type: "contact.created", entityType: "contact", entityId: c.id!, after: { name: c.row.name, phone: c.row.phone, email: c.row.email }, at });
  }
  // Identities not stored yet (new citizens', and new ones of known citizens).
  const identityRows: Omit<ContactIdentity, "id">[] = [];
  const renamed = new Set<number>();
  const seen = new Set<string>();
  for (const p of live) {
    for (const k of keysOf.get(p)!.keys as IdentityKey[]) {
      const id = idKey(k);
      if (known.has(id) || seen.has(id)) continue;
      seen.add(id);
      const owner = fresh.get(id);
      identityRows.push({ contactId: owner ? contactId(owner) : contactId(p.contact), channel: k.channel, address: k.address, displayName: k.displayName ?? null, createdAt: at });
      // A known citizen's new display name masks their published reports too.
      const target: unknown = owner ?? p.contact;
      if (k.displayName && typeof target === "number") renamed.add(target);
    }
  }
  try {
    await insertMany(m, ContactIdentity, identityRows);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RetryableConflict("identity created concurrently");
    throw err;
  }

  // 3. Known citizens: locked (two processes must not open two tickets for one citizen), names,
  //    phones and e-mails they lacked filled in.
  const knownIds = [...new Set(live.map((p) => p.contact).filter((c): c is number => typeof c === "number"))].sort((a, b) => a - b);
  if (knownIds.length) {
    const rows = await selectEntities(m, Contact, `id IN (${placeholders(knownIds.length)})`, knownIds, `ORDER BY id${mysql ? " FOR UPDATE" : ""}`);
    const byId = new Map(rows.map((c) => [c.id, c]));
    for (const p of live) {
      const c = typeof p.contact === "number" ? byId.get(p.contact) : undefined;
      if (!c) continue;
      const { phone, email } = keysOf.get(p)!;
      const name = p.input.message.sender.displayName?.trim();
      const patch: Partial<Contact> = {};
      if (!c.name && name) patch.name = name;
      if (!c.phone && phone) patch.phone = phone;
      if (!c.email && email) patch.email = email;
      if (patch.name) renamed.add(c.id);
      if (Object.keys(patch).length) {
        await m.getRepository(Contact).update({ id: c.id }, { ...patch, updatedAt: at });
        Object.assign(c, patch);
      }
    }
  }

  if (renamed.size) await queuePublicReportRefresh(m, { contactIds: [...renamed], at });

  // 4. Threading: the citizen's open ticket on this channel (any channel once they linked identities), else a new one (the first message
  //    of a new citizen in this run opens it; the next ones join it).
  const open = new Map<string, Ticket | PendingTicket>();
  const threadKey = (p: Planned) => `${contactId(p.contact)}\u0000${p.input.message.channelKind}`;
  const channels = [...new Set(live.map((p) => p.input.message.channelKind))];
  for (const channel of channels) {
    const ids = [...new Set(live.filter((p) => p.input.message.channelKind === channel).map((p) => contactId(p.contact)))];
    const tickets = await selectEntities(m, Ticket, `contact_id IN (${placeholders(ids.length)}) AND channel = ? AND ${unindexed("is_open")} = 1`, [...ids, channel], "ORDER BY id DESC");
    for (const t of tickets) if (!open.has(`${t.contactId}\u0000${channel}`)) open.set(`${t.contactId}\u0000${channel}`, t);
    // A citizen whose report on this channel joined a case (a case cluster) still open continues the case.
    const missing = ids.filter((id) => id != null && !open.has(`${id}\u0000${channel}`));
    if (missing.length) {
      const joined: { contactId: unknown; id: unknown }[] = await m.query(
        `SELECT c.contact_id AS contactId, p.id AS id FROM tickets c JOIN tickets p ON p.id = c.merged_into_id
          WHERE c.contact_id IN (${placeholders(missing.length)}) AND c.channel = ? AND ${unindexed("c.status")} = 'merged' AND ${unindexed("p.is_open")} = 1 ORDER BY c.id DESC`,
        [...missing, channel],
      );
      const cases = joined.length ? await selectEntities(m, Ticket, `id IN (${placeholders(joined.length)})`, joined.map((r) => Number(r.id))) : [];
      for (const r of joined) {
        const t = cases.find((x) => x.id === Number(r.id));
        if (t && !open.has(`${Number(r.contactId)}\u0000${channel}`)) open.set(`${Number(r.contactId)}\u0000${channel}`, t);
      }
    }
  }
  // A citizen who linked identities is one person: their open ticket on any channel.
  const lacking = live.filter((p) => typeof p.contact === "number" && !open.has(threadKey(p)));
  const linked = await contactsWithLinks(m, lacking.map((p) => contactId(p.contact)));
  if (linked.size) {
    const anyChannel = await selectEntities(m, Ticket, `contact_id IN (${placeholders(linked.size)}) AND ${unindexed("is_open")} = 1`, [...linked], "ORDER BY id DESC");
    for (const p of lacking) {
      const t = anyChannel.find((x) => x.contactId === contactId(p.contact));
      if (t && !open.has(threadKey(p))) open.set(threadKey(p), t);
    }
  }
  const newTickets: PendingTicket[] = [];
  let clocks: NewTicketClocks | null = null;
  for (const p of live) {
    const k = threadKey(p);
    const existing = open.get(k);
    if (existing) {
      p.ticket = existing;
      continue;
    }
    if (!clocks) clocks = newTicketClocks(await slaSettingsFor(m, { categoryId: null, complaintClass: "general" }), "general", at);
    const msg = p.input.message;
    const description = p.body.trim();
    const trackingSecret = randomToken(24);
    const pending: PendingTicket = {
      trackingSecret,
      first: p,
      row: newTicketRow({
        number: "",
        trackingSecretHash: trackingSecretHash(ctx.secretKey, trackingSecret),
        subject: ticketSubject(msg.subject, description),
        description,
        channel: msg.channelKind,
        contactId: contactId(p.contact),
        dueAt: clocks.dueAt,
        at,
      }),
    };
    newTickets.push(pending);
    open.set(k, pending);
    p.ticket = pending;
  }
  const numbers = await issueTicketNumbers(m, at, newTickets.length);
  newTickets.forEach((t, i) => (t.row.number = numbers[i]!));
  const ticketIds = await insertMany(m, Ticket, newTickets.map((t) => t.row));
  newTickets.forEach((t, i) => (t.id = ticketIds[i]));
  const ticketIdOf = (t: Ticket | PendingTicket) => t.id!;

  // 5. The messages, in arrival order.
  const messageRows = live.map((p) => {
    const msg = p.input.message;
    const opens = !(p.ticket instanceof Ticket) && (p.ticket as PendingTicket).first === p;
    return newMessageRow({
      ticketId: ticketIdOf(p.ticket!),
      direction: "inbound",
      channel: msg.channelKind,
      contactId: contactId(p.contact),
      subject: opens ? (p.ticket as PendingTicket).row.subject : (msg.subject?.slice(0, 300) ?? null),
      body: opens ? (p.ticket as PendingTicket).row.description : p.body,
      ...inboundFields(p.input.account, msg, p.externalId),
      at,
    });
  });
  let messageIds: number[];
  try {
    messageIds = await insertMany(m, Message, messageRows);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RetryableConflict("inbound message ingested concurrently");
    throw err;
  }
  live.forEach((p, i) => (p.messageId = messageIds[i]));

  // 6. New tickets: clocks, the acknowledgement on the channel the citizen wrote from.
  if (newTickets.length && clocks) {
    const clockRows = newTickets.flatMap((t) => clocks!.rows.map((r) => ({ ...r, ticketId: t.id! })));
    await insertMany(m, SlaClock, clockRows);
  }
  const ack = newTickets.length ? await loadTemplate(m, "acknowledgement", DEFAULT_LOCALE) : null;
  const acks: { t: PendingTicket; subject: string | null; body: string }[] = [];
  for (const t of newTickets) {
    // The link is minted when the acknowledgement is handed to the provider (tracking-secrets.ts).
    const text = ack?.({ number: t.row.number, subject: t.row.subject, link: TRACKING_LINK_SENT });
    if (text) acks.push({ t, ...text });
  }
  const ackMessageIds = await insertMany(
    m,
    Message,
    acks.map(({ t, subject, body }) =>
      newMessageRow({
        ticketId: t.id!,
        direction: "outbound",
        channel: t.first.input.account.kind,
        contactId: t.row.contactId,
        authorUserId: ctx.actor.userId,
        subject,
        body,
        channelAccountId: t.first.input.account.id,
        externalAddress: senderAddress(t.first.input.message).slice(0, 254),
        at,
      }),
    ),
  );
  const outboxIds = await insertMany(
    m,
    OutboxItem,
    acks.map(({ t, subject, body }, i) => ({
      channelAccountId: t.first.input.account.id,
      messageId: ackMessageIds[i]!,
      ticketId: t.id!,
      toAddress: senderAddress(t.first.input.message).slice(0, 254),
      subject,
      body,
      ticketNumber: t.row.number,
      secretKind: body.includes(TRACKING_LINK_SENT) || subject?.includes(TRACKING_LINK_SENT) ? ("link" as const) : null,
      secretTicketId: t.id!,
      inReplyTo: null,
      referencesJson: null,
      automated: true,
      state: "pending" as const,
      attempts: 0,
      nextAttemptAt: at,
      lockedUntil: null,
      lastError: null,
      externalId: null,
      sentAt: null,
      createdAt: at,
      updatedAt: at,
    })),
  );

  // 7. Audit, in each chain's order: the ticket received, then its acknowledgement queued; a
  //    message joining a ticket, received.
  const ackOf = new Map(acks.map((a, i) => [a.t, { outboxId: outboxIds[i]!, messageId: ackMessageIds[i]!, length: a.body.length, subject: a.subject, body: a.body }]));
  // Each text's digest from the row as built above: one hash per text, no extra reads.
  const messageTexts = (p: Planned, i: number) => caseTextDigests("messages", p.messageId!, messageRows[i]!);
  for (const [i, p] of live.entries()) {
    const actor = actorOf(p.input.message);
    const ticketId = ticketIdOf(p.ticket!);
    const t = p.ticket instanceof Ticket ? null : (p.ticket as PendingTicket);
    if (t && t.first === p) {
      const r = t.row;
      const texts = { ...caseTextDigests("tickets", ticketId, r), ...messageTexts(p, i) };
      audit.push({ actor, type: "ticket.received", entityType: "ticket", entityId: ticketId, ticketId, after: { number: r.number, channel: r.channel, subject: r.subject, categoryId: null, privacy: r.privacy, contactId: r.contactId, texts }, at });
      const a = ackOf.get(t);
      if (a) {
        const ackTexts = caseTextDigests("messages", a.messageId, { subject: a.subject, body: a.body, bodyHtml: null });
        audit.push({ actor, type: "message.acknowledgement_queued", entityType: "outbox", entityId: a.outboxId, ticketId, after: { outboxId: a.outboxId, messageId: a.messageId, channelAccountId: p.input.account.id, automated: true, length: a.length, texts: ackTexts }, at });
      }
    } else {
      audit.push({
        actor,
        type: "message.received",
        entityType: "message",
        entityId: p.messageId!,
        ticketId,
        after: { messageId: p.messageId!, channelAccountId: p.input.account.id, externalId: p.externalId, length: p.body.length, attachments: 0, texts: messageTexts(p, i) },
        at,
      });
    }
  }
  await appendAuditEvents(m, audit);

  // 8. Tickets that were joined move on: updated now, and a citizen's reply ends waiting on them.
  const joined = [...new Set(live.map((p) => p.ticket).filter((t): t is Ticket => t instanceof Ticket))];
  if (joined.length) {
    await m.query(`UPDATE tickets SET updated_at = ? WHERE id IN (${placeholders(joined.length)})`, [sqlTime(m, at), ...joined.map((t) => t.id)]);
  }
  // Who would hear of it: tickets with an open forward (one read for the run) or an operator holding them.
  const forwarded = new Set<number>();
  const everForwarded = joined.filter((t) => t.forwardedAt != null);
  if (everForwarded.length) {
    const rows = (await m.query(`SELECT DISTINCT ticket_id AS id FROM forwards WHERE is_open = 1 AND ticket_id IN (${placeholders(everForwarded.length)})`, everForwarded.map((t) => t.id))) as { id: number | string }[];
    for (const r of rows) forwarded.add(Number(r.id));
  }
  for (const t of joined) {
    t.updatedAt = at;
    const actor = actorOf(live.find((p) => p.ticket === t)!.input.message);
    if (t.status === "waiting_on_citizen") {
      await transitionTicket(m, { ...ctx, actor }, t.id, { action: "citizen_replied" });
    }
    // The OPD working on it (or the operator holding it) hears of the citizen's new message.
    if (forwarded.has(t.id) || t.assigneeUserId != null) await notifyStaff(m, { ...ctx, actor }, t, { kind: "citizen_reply" });
  }

  // 9. Receipts last, with their outcome: a concurrent ingest of the same delivery fails here
  //    (unique key) and is retried, finding this one's receipt.
  const receiptRows = live.map((p) => ({ channelAccountId: p.input.account.id, externalId: p.externalId, outcome: "message" as const, ticketId: ticketIdOf(p.ticket!), messageId: p.messageId!, createdAt: at }));
  let receiptIds: number[];
  try {
    receiptIds = await insertMany(m, InboundReceipt, receiptRows);
  } catch (err) {
    if (isDuplicateKey(err)) throw new RetryableConflict("inbound receipt written concurrently");
    throw err;
  }

  for (const t of newTickets) afterCommit(m, { type: "sla-next", ticketId: t.id!, at: clocks?.nextEventAt ?? null });
  for (const id of outboxIds) afterCommit(m, { type: "outbox", outboxId: id, at });

  const ticketEntity = (t: Ticket | PendingTicket): Ticket => (t instanceof Ticket ? t : Object.assign(new Ticket(), t.row, { id: t.id! }));
  const entities = new Map<Ticket | PendingTicket, Ticket>();
  const entityOf = (t: Ticket | PendingTicket) => entities.get(t) ?? entities.set(t, ticketEntity(t)).get(t)!;
  live.forEach((p) => {
    const t = p.ticket!;
    if (!(t instanceof Ticket) && t.first === p) {
      outcomes[p.slot] = { kind: "created", ticket: entityOf(t), messageId: p.messageId!, trackingSecret: t.trackingSecret, acknowledgementId: ackOf.get(t)?.outboxId ?? null };
    } else outcomes[p.slot] = { kind: "appended", ticket: entityOf(t), messageId: p.messageId! };
  });
  for (const p of plans) {
    if (!p.duplicateOf) continue;
    const first = p.duplicateOf;
    const i = live.indexOf(first);
    const receipt = Object.assign(new InboundReceipt(), receiptRows[i]!, { id: receiptIds[i]! });
    outcomes[p.slot] = { kind: "duplicate", receipt };
  }
}
