import { mkdir, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { In, type EntityManager } from "typeorm";
import { caseTextDigests, type TextDigests } from "../audit/case-texts.js";
import { ticketChain } from "../audit/chain.js";
import { AUDIT_REDACTED } from "../audit/redactions.js";
import { normalizePhone } from "../domain/contacts/identity.js";
import { ContactLinkRequest, ContactMerge } from "../entities/contact-merge.entity.js";
import { contactMergeGroup, withMergedContacts } from "./merge-contacts.js";
import { compileIdentifiers, eraseJson, eraseText, type SubjectIdentifiers } from "../domain/privacy/erasure.js";
import { Attachment, AuditEvent, Call, Contact, ContactIdentity, Forward, Message, Notification, OutboxItem, Ticket, TicketRating, Transcription } from "../entities/index.js";
import { attachmentStorageKey } from "../lib/attachment-files.js";
import { likeContaining } from "../lib/db.js";
import { PublicPhoto, WallPhoto } from "../entities/map.entity.js";
import { clearTicketLocation } from "./set-ticket-location.js";
import { appendAuditEvents, type Actor, type AuditInput } from "./append-audit-event.js";
import { insideDataDir } from "../lib/attachment-files.js";

export interface ErasureInput {
  /** Contacts to remove (with their identities); their tickets are anonymised too. */
  contactIds: number[];
  /** Further tickets to anonymise (e.g. found by NIK, or past the retention period). */
  ticketIds: number[];
  /** Identifiers the citizen gave that no contact field holds (NIK, other names). Used, never stored. */
  extra?: { names?: string[]; numbers?: string[]; literals?: string[] };
  /** Why: the request (its id) or the retention policy. Recorded in the audit log. */
  reason: { kind: "request"; requestId: number } | { kind: "retention" };
  actor: Actor;
  at: Date;
}

export interface ErasureOutcome {
  contacts: number;
  identities: number;
  tickets: number;
  messages: number;
  forwards: number;
  attachmentsDeleted: number;
  auditEventsRedacted: number;
  /** Files (relative to DATA_DIR) to delete, and to rename, once the transaction has committed: see applyFileChanges. */
  files: { remove: string[]; rename: [string, string][] };
}

/** The chain where an erasure records the audit events it redacted. */
export const redactionChainOf = (reason: ErasureInput["reason"], at: Date) =>
  reason.kind === "request" ? { entityType: "data_subject_request", entityId: String(reason.requestId) } : { entityType: "retention", entityId: at.toISOString().slice(0, 10) };


/**
 * Erases one citizen's personal data (or, for retention, the personal data of expired cases):
 * contacts and channel identities deleted; tickets, messages, forwards, ratings, outbox rows,
 * notifications and calls keep their case but lose the identity (texts through the erasure
 * masker, addresses dropped); the citizen's own files deleted (after commit) and their rows kept
 * as "berkas dihapus"; earlier audit payloads that held the data redacted, each listed with its
 * hash in one `audit.redacted` event so `npm run audit:verify` still passes; every rewritten case
 * text's new digest recorded in its ticket's chain. The events say what was done, never the data.
 */
export async function erasePersonalData(m: EntityManager, input: ErasureInput): Promise<ErasureOutcome> {
  const { at, actor } = input;
  // A linked citizen is one person: every contact merged with the named ones goes too.
  const group = input.contactIds.length ? await contactMergeGroup(m, input.contactIds) : [];
  const contacts = group.length ? await m.getRepository(Contact).findBy({ id: In(group) }) : [];
  const contactIds = contacts.map((c) => c.id);
  const identities = contactIds.length ? await m.getRepository(ContactIdentity).findBy({ contactId: In(contactIds) }) : [];
  const ticketsOfContacts = contactIds.length ? await m.getRepository(Ticket).findBy({ contactId: In(contactIds) }) : [];
  const moreTickets = input.ticketIds.length ? await m.getRepository(Ticket).findBy({ id: In(input.ticketIds) }) : [];
  const tickets = [...new Map([...ticketsOfContacts, ...moreTickets].map((t) => [t.id, t])).values()];
  const ticketIds = tickets.map((t) => t.id);

  // Retention erases cases: their reporters' identities go too. A citizen's request erases that
  // citizen only: a further ticket reported by someone else keeps its reporter.
  const retention = input.reason.kind === "retention";
  const reporterIds = retention ? (await withMergedContacts(m, [...new Set(tickets.map((t) => t.contactId).filter((id): id is number => id != null))])).filter((id) => !contactIds.includes(id)) : [];
  const reporters = reporterIds.length ? await m.getRepository(Contact).findBy({ id: In(reporterIds) }) : [];
  const reporterIdentities = reporterIds.length ? await m.getRepository(ContactIdentity).findBy({ contactId: In(reporterIds) }) : [];

  const ids: SubjectIdentifiers = { names: [...(input.extra?.names ?? [])], phones: [], numbers: [...(input.extra?.numbers ?? [])], literals: [...(input.extra?.literals ?? [])] };
  for (const c of [...contacts, ...reporters]) {
    if (c.name) ids.names.push(c.name);
    if (c.phone) ids.phones.push(c.phone);
    if (c.email) ids.literals.push(c.email);
  }
  for (const i of [...identities, ...reporterIdentities]) {
    if (i.displayName) ids.names.push(i.displayName);
    const phone = /^\+?[\d\s().-]{7,}$/.test(i.address) ? normalizePhone(i.address) : null;
    if (phone) ids.phones.push(phone);
    else ids.literals.push(i.address);
    if (/^\d{5,}$/.test(i.address)) ids.numbers.push(i.address);
  }
  const c = compileIdentifiers(ids);
  const erasedContacts = new Set([...contactIds, ...reporterIds]);
  /** Tickets whose reporter is the erased person (or unknown): their addresses go with the identity. */
  const own = new Set(tickets.filter((t) => t.contactId == null || erasedContacts.has(t.contactId)).map((t) => t.id));
  const texts: Map<number, TextDigests> = new Map(ticketIds.map((id) => [id, {}]));
  const note = (ticketId: number, d: TextDigests) => Object.assign(texts.get(ticketId) ?? texts.set(ticketId, {}).get(ticketId)!, d);

  // 1. Earlier audit payloads holding the data: the tickets' and contacts' chains, and any event naming it.
  const chainKeys = [...ticketIds.map(ticketChain), ...[...contactIds, ...reporterIds].map((id) => `contact:${id}`)];
  const candidates = new Map<number, AuditEvent>();
  for (let i = 0; i < chainKeys.length; i += 500) {
    for (const e of await m.getRepository(AuditEvent).findBy({ chainKey: In(chainKeys.slice(i, i + 500)) })) candidates.set(e.id, e);
  }
  const needles = [...ids.names, ...ids.literals, ...ids.phones, ...ids.phones.map((p) => `0${p.replace(/\D/g, "").replace(/^62/, "")}`), ...ids.numbers].filter((s) => s.trim().length >= 4);
  // A request also searches the whole log for the citizen's identifiers (a full scan per identifier:
  // fine for one citizen; the retention job, which erases cases by the hundred, keeps to their chains).
  for (const n of input.reason.kind === "request" ? new Set(needles) : []) {
    const like = likeContaining(n);
    const found = await m
      .getRepository(AuditEvent)
      .createQueryBuilder("e")
      .where("(e.before_json LIKE :like ESCAPE '!' OR e.after_json LIKE :like ESCAPE '!' OR e.actor_label LIKE :like ESCAPE '!')", { like })
      .getMany();
    for (const e of found) candidates.set(e.id, e);
  }
  const redacted: [number, string][] = [];
  for (const e of [...candidates.values()].sort((a, b) => a.id - b.id)) {
    if (e.type === AUDIT_REDACTED) continue;
    const patch = { beforeJson: eraseJson(e.beforeJson, c), afterJson: eraseJson(e.afterJson, c), actorLabel: e.actorLabel == null ? null : eraseText(e.actorLabel, c).slice(0, 200) };
    // eraseJson re-serializes: compare on content so an untouched payload is not rewritten.
    const same = (a: string | null, b: string | null) => a === b || (a != null && b != null && JSON.stringify(safeParse(a)) === b);
    if (same(e.beforeJson, patch.beforeJson) && same(e.afterJson, patch.afterJson) && e.actorLabel === patch.actorLabel) continue;
    await m.getRepository(AuditEvent).update({ id: e.id }, patch);
    redacted.push([e.id, e.hash]);
  }

  // 2. Tickets and everything of their case.
  for (const t of tickets) {
    const patch = { subject: eraseText(t.subject, c).slice(0, 300), description: eraseText(t.description, c), locationText: eraseText(t.locationText, c)?.slice(0, 300) ?? null, updatedAt: at, ...(own.has(t.id) ? { contactId: null, latitude: null, longitude: null } : {}) };
    await m.getRepository(Ticket).update({ id: t.id }, patch);
    note(t.id, caseTextDigests("tickets", t.id, patch));
  }
  await clearTicketLocation(m, tickets.filter((t) => own.has(t.id)).map((t) => t.id));
  const messages = ticketIds.length ? await m.getRepository(Message).findBy({ ticketId: In(ticketIds) }) : [];
  for (const msg of messages) {
    const theirs = own.has(msg.ticketId) || (msg.contactId != null && erasedContacts.has(msg.contactId));
    const patch = { subject: eraseText(msg.subject, c)?.slice(0, 300) ?? null, body: eraseText(msg.body, c), bodyHtml: eraseText(msg.bodyHtml, c), ...(theirs ? { externalAddress: null, externalThreadId: null, contactId: null } : {}) };
    await m.getRepository(Message).update({ id: msg.id }, patch);
    note(msg.ticketId, caseTextDigests("messages", msg.id, patch));
  }
  // Transcripts of recorded calls are what the caller said: erased like the messages' texts.
  const transcripts = ticketIds.length ? await m.getRepository(Transcription).findBy({ ticketId: In(ticketIds) }) : [];
  for (const tr of transcripts) if (tr.text) await m.getRepository(Transcription).update({ id: tr.id }, { text: eraseText(tr.text, c) });
  const forwards = ticketIds.length ? await m.getRepository(Forward).findBy({ ticketId: In(ticketIds) }) : [];
  for (const f of forwards) {
    const patch = { instruction: eraseText(f.instruction, c), response: eraseText(f.response, c), returnReason: eraseText(f.returnReason, c) };
    await m.getRepository(Forward).update({ id: f.id }, patch);
    note(f.ticketId, caseTextDigests("forwards", f.id, patch));
  }
  const ratings = ticketIds.length ? await m.getRepository(TicketRating).findBy({ ticketId: In(ticketIds) }) : [];
  for (const r of ratings) {
    const patch = { comment: eraseText(r.comment, c) };
    await m.getRepository(TicketRating).update({ id: r.id }, patch);
    note(r.ticketId, caseTextDigests("ticket_ratings", r.id, patch));
  }
  const files: ErasureOutcome["files"] = { remove: [], rename: [] };
  let attachmentsDeleted = 0;
  const attachments = ticketIds.length ? await m.getRepository(Attachment).findBy({ ticketId: In(ticketIds) }) : [];
  for (const a of attachments) {
    // The citizen's own files (not uploaded by staff, not an OPD's answer file) are deleted.
    const citizens = a.uploadedByUserId == null && a.forwardId == null;
    const fileName = citizens ? "berkas-dihapus" : eraseText(a.fileName, c).slice(0, 255);
    const storageKey = citizens ? `erased/${a.id}` : attachmentStorageKey(a.ticketId, a.id, fileName);
    const patch = citizens
      ? { fileName, storageKey, sizeBytes: 0, sha256: null, sourceRef: null, fetchError: null, fetchState: a.fetchState == null ? null : ("failed" as const) }
      : { fileName, storageKey, sourceRef: null };
    if (citizens) {
      attachmentsDeleted++;
      files.remove.push(a.storageKey);
      // Its copy for the wall goes with it.
      const shown = await m.getRepository(WallPhoto).findOneBy({ attachmentId: a.id });
      if (shown) {
        files.remove.push(shown.storageKey);
        await m.getRepository(WallPhoto).delete({ id: shown.id });
      }
      // And its copies on the public report page.
      const published = await m.getRepository(PublicPhoto).findOneBy({ attachmentId: a.id });
      if (published) {
        files.remove.push(published.storageKey, published.thumbKey);
        await m.getRepository(PublicPhoto).delete({ id: published.id });
      }
    } else if (storageKey !== a.storageKey) files.rename.push([a.storageKey, storageKey]);
    await m.getRepository(Attachment).update({ id: a.id }, patch);
    note(a.ticketId, caseTextDigests("attachments", a.id, { fileName }));
  }
  const outbox = ticketIds.length ? await m.getRepository(OutboxItem).findBy({ ticketId: In(ticketIds) }) : [];
  for (const o of outbox) {
    await m.getRepository(OutboxItem).update(
      { id: o.id },
      { toAddress: own.has(o.ticketId!) ? "-" : eraseText(o.toAddress, c).slice(0, 254), subject: eraseText(o.subject, c)?.slice(0, 300) ?? null, body: eraseText(o.body, c), templateJson: eraseJson(o.templateJson ?? null, c, new Set()), referencesJson: null, inReplyTo: null, lastError: eraseText(o.lastError, c)?.slice(0, 1000) ?? null },
    );
  }
  const notifications = ticketIds.length ? await m.getRepository(Notification).findBy({ ticketId: In(ticketIds) }) : [];
  for (const n of notifications) await m.getRepository(Notification).update({ id: n.id }, { title: eraseText(n.title, c).slice(0, 300), body: eraseText(n.body, c) });
  const allContactIds = [...contactIds, ...reporterIds];
  const calls = [
    ...(own.size ? await m.getRepository(Call).findBy({ ticketId: In([...own]) }) : []),
    ...(allContactIds.length ? await m.getRepository(Call).findBy({ contactId: In(allContactIds) }) : []),
  ];
  for (const call of new Map(calls.map((x) => [x.id, x])).values()) {
    await m.getRepository(Call).update({ id: call.id }, { fromAddress: call.direction === "inbound" ? "-" : call.fromAddress, toAddress: call.direction === "inbound" ? call.toAddress : "-", contactId: null, recordingRef: null });
  }

  // 3. Contacts: removed with their identities (a reporter of a retained case is kept while other cases still need it).
  const keepReporter = new Set<number>();
  for (const id of reporterIds) {
    const other = await m.getRepository(Ticket).createQueryBuilder("t").where("t.contact_id = :id", { id }).getCount();
    if (other > 0) keepReporter.add(id);
  }
  // A contact merged into a kept reporter is kept with it (its identities and tickets live there).
  for (let hop = 0; hop < 10; hop++) {
    const more = reporters.filter((r) => !keepReporter.has(r.id) && r.mergedIntoId != null && keepReporter.has(r.mergedIntoId));
    if (!more.length) break;
    for (const r of more) keepReporter.add(r.id);
  }
  const removed = [...contactIds, ...reporterIds.filter((id) => !keepReporter.has(id))];
  const removedIdentities = [...identities, ...reporterIdentities].filter((i) => removed.includes(i.contactId)).length;
  if (removed.length) {
    await m.getRepository(ContactIdentity).delete({ contactId: In(removed) });
    await m.getRepository(Message).update({ contactId: In(removed) }, { contactId: null });
    await m.getRepository(Contact).update({ mergedIntoId: In(removed) }, { mergedIntoId: null });
    await m.getRepository(ContactMerge).delete({ contactId: In(removed) });
    await m.getRepository(ContactMerge).delete({ mergedContactId: In(removed) });
    await m.getRepository(ContactLinkRequest).delete({ contactId: In(removed) });
    await m.getRepository(Contact).delete({ id: In(removed) });
  }

  // 4. The audit log: what was done, no data. Redactions first (they name the events as they were).
  const why = input.reason.kind === "request" ? { request: input.reason.requestId } : { retention: true };
  const events: AuditInput[] = [];
  if (redacted.length) events.push({ actor, type: AUDIT_REDACTED, ...redactionChainOf(input.reason, at), after: { ...why, events: redacted }, at });
  for (const id of removed) events.push({ actor, type: "contact.erased", entityType: "contact", entityId: id, after: { ...why }, at });
  for (const t of tickets) {
    events.push({ actor, type: "ticket.personal_data_erased", entityType: "ticket", entityId: t.id, ticketId: t.id, after: { ...why, texts: texts.get(t.id) ?? {} }, at });
  }
  await appendAuditEvents(m, events);
  return {
    contacts: removed.length,
    identities: removedIdentities,
    tickets: tickets.length,
    messages: messages.length,
    forwards: forwards.length,
    attachmentsDeleted,
    auditEventsRedacted: redacted.length,
    files,
  };
}

const safeParse = (json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
};

/**
 * After the erasure committed: the citizen's files are deleted, renamed ones moved. A file already
 * gone is fine; paths outside DATA_DIR are never touched.
 */
export async function applyFileChanges(dataDir: string, files: ErasureOutcome["files"]): Promise<void> {
  const inside = (key: string) => insideDataDir(dataDir, key);
  for (const key of files.remove) {
    const p = inside(key);
    if (p) await unlink(p).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? undefined : Promise.reject(err)));
  }
  for (const [from, to] of files.rename) {
    const a = inside(from);
    const b = inside(to);
    if (!a || !b) continue;
    await mkdir(dirname(b), { recursive: true });
    await rename(a, b).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? undefined : Promise.reject(err)));
  }
}
