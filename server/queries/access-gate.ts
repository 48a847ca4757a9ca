/**
 * THE ACCESS GATE: every staff-side read of ticket content passes here (docs/security.md, "The
 * access gate"). For a viewer and a ticket it applies
 *
 * - the row rule (scopeTickets: the command center sees every ticket, an OPD the tickets forwarded
 *   to it, admins none),
 * - the field rule (domain/privacy/staff-mask.ts: what each role sees of the reporter and of the
 *   free text, by privacy level),
 * - the rahasia audit: a `ticket.read_rahasia` event for each rahasia ticket read, once per
 *   viewer, ticket, purpose (route) and session,
 *
 * and returns an OpenedTicket whose `text()` is the only way a route or job turns a free text of
 * that ticket (its own, its messages', forwards', attachments' names, audit payloads) into output.
 * test/security/access-gate.security.test.ts enumerates the app's routes and fails for a route
 * returning ticket content that is not classified as going through here.
 */
import { In, type EntityManager } from "typeorm";
import { appendAuditEvents } from "../commands/append-audit-event.js";
import { mergedContactsOf } from "../commands/merge-contacts.js";
import { opdMaySeeReporterName, PRIVACY_LEVELS, type Privacy } from "../domain/privacy/levels.js";
import { classifyAddress, fieldRule, maskStaffText, NO_IDENTIFIERS, WITHHELD_NOTICE, type FieldRule, type ReporterIdentifiers } from "../domain/privacy/staff-mask.js";
import { Contact } from "../entities/contact.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import type { Db } from "../lib/db.js";
import { listTickets, scopeTickets, type ListParams, type TicketFilter, type TicketRow, type TicketSortField } from "./tickets.js";
import { seesContactDetails, type Viewer } from "./viewer.js";

/** Why a route reads a ticket; recorded in the rahasia audit (`after.what`). */
export type ReadPurpose =
  | "ticket"
  | "tickets"
  | "search"
  | "duplicates"
  | "cluster"
  | "routing-suggestions"
  | "messages"
  | "message"
  | "forwards"
  | "forward"
  | "attachments"
  | "attachment"
  | "clocks"
  | "citizen-feedback"
  | "reply-options"
  | "notifications"
  | "notification-email"
  | "audit-events"
  | "audit-event"
  | "data_subject_search"
  | "data_subject_request"
  | "data_subject_export"
  | "publication"
  | "publication-preview"
  | "webhook"
  | "write";

export interface GateDeps {
  db: Db;
  clock: { now(): Date };
}

/** What was hidden from the viewer and why (the console shows `notice` next to the text). */
export interface Withheld {
  reason: "anonim" | "rahasia" | "not_permitted";
  /** The reporter's identity (contact and name) is absent. */
  reporter: boolean;
  /** Free text went through the PII masker. */
  masked: boolean;
  notice: string;
}

export interface ReporterView {
  contactId?: number;
  name: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface OpenedTicket {
  /** The stored row: for commands and ids. Present its free text only through `text`. */
  ticket: Ticket;
  rule: FieldRule;
  /** The reporter as this viewer may know them (null: none, or withheld). */
  reporter: ReporterView | null;
  withheld: Withheld | null;
  /** A free text of this ticket as the viewer may read it. */
  text(s: string): string;
  textOrNull(s: string | null | undefined): string | null;
}

function withheldFor(viewer: Viewer, privacy: Privacy, rule: FieldRule): Withheld | null {
  if (rule === "none") return { reason: "not_permitted", reporter: true, masked: true, notice: WITHHELD_NOTICE.not_permitted };
  if (seesContactDetails(viewer)) return null;
  if (privacy === "publik") return null;
  return { reason: privacy, reporter: true, masked: rule === "masked", notice: WITHHELD_NOTICE[privacy] };
}

/** Names, phones, e-mails and handles of each contact (and of the contacts merged into it). */
async function identifiersOf(m: EntityManager, contactIds: number[], withIdentities: boolean): Promise<Map<number, { contact: Contact; ids: ReporterIdentifiers }>> {
  const out = new Map<number, { contact: Contact; ids: ReporterIdentifiers }>();
  const wanted = [...new Set(contactIds)];
  if (wanted.length === 0) return out;
  const contacts = await m.getRepository(Contact).findBy({ id: In(wanted) });
  const identities = withIdentities ? await m.getRepository(ContactIdentity).find({ where: { contactId: In(wanted) }, order: { id: "ASC" } }) : [];
  for (const c of contacts) {
    const ids: ReporterIdentifiers = { names: [], phones: [], emails: [], handles: [] };
    if (c.name) ids.names.push(c.name);
    if (c.phone) ids.phones.push(c.phone);
    if (c.email) ids.emails.push(c.email);
    out.set(c.id, { contact: c, ids });
  }
  for (const i of identities) {
    const e = out.get(i.contactId);
    if (!e) continue;
    if (i.displayName) e.ids.names.push(i.displayName);
    classifyAddress(i.address, e.ids);
  }
  // A linked citizen's other contacts name them too (their identities moved here with the merge).
  for (const [id, merged] of await mergedContactsOf(m, [...out.keys()])) {
    const e = out.get(id)!;
    for (const c of merged) {
      if (c.name) e.ids.names.push(c.name);
      if (c.phone) e.ids.phones.push(c.phone);
      if (c.email) e.ids.emails.push(c.email);
    }
  }
  return out;
}

function merge(a: ReporterIdentifiers, b: ReporterIdentifiers): ReporterIdentifiers {
  return { names: [...a.names, ...b.names], phones: [...a.phones, ...b.phones], emails: [...a.emails, ...b.emails], handles: [...a.handles, ...b.handles] };
}

/** `privacy`: the ticket's, or stricter when a ticket merged into it is stricter. */
function open(viewer: Viewer, t: Ticket, privacy: Privacy, contact: Contact | null, ids: ReporterIdentifiers): OpenedTicket {
  const rule = fieldRule(viewer.role, privacy);
  const memo = new Map<string, string>();
  const text = (s: string): string => {
    if (rule === "full") return s;
    if (rule === "none") return "";
    let v = memo.get(s);
    if (v === undefined) memo.set(s, (v = maskStaffText(s, ids)));
    return v;
  };
  let reporter: ReporterView | null = null;
  if (seesContactDetails(viewer)) reporter = contact ? { contactId: contact.id, name: contact.name, phone: contact.phone, email: contact.email } : null;
  else if (rule === "full" && contact && opdMaySeeReporterName(privacy)) reporter = { name: contact.name };
  return { ticket: t, rule, reporter, withheld: withheldFor(viewer, privacy, rule), text, textOrNull: (s) => (s == null ? null : text(s)) };
}

// --- The rahasia audit, once per viewer, ticket, purpose and session (per database).
const SEEN_MAX = 100_000;
const seenByDb = new WeakMap<Db, Map<string, true>>();

async function auditRahasiaReads(deps: GateDeps, viewer: Viewer, tickets: Ticket[], purpose: ReadPurpose, detail?: string): Promise<void> {
  const what = detail ? `${purpose} ${detail}` : purpose;
  const rahasia = tickets.filter((t) => t.privacy === "rahasia");
  if (rahasia.length === 0) return;
  let seen = seenByDb.get(deps.db);
  if (!seen) seenByDb.set(deps.db, (seen = new Map()));
  // Writes answer with the ticket rarely: each is recorded.
  const keyOf = (t: Ticket) => (viewer.sessionId != null && purpose !== "write" ? `${viewer.id}:${viewer.sessionId}:${t.id}:${what}` : null);
  const fresh = rahasia.filter((t) => {
    const k = keyOf(t);
    return k == null || !seen.has(k);
  });
  if (fresh.length === 0) return;
  const at = deps.clock.now();
  await deps.db.tx((m) =>
    appendAuditEvents(
      m,
      fresh.map((t) => ({ actor: { userId: viewer.id, label: viewer.email }, type: "ticket.read_rahasia", entityType: "ticket", entityId: t.id, ticketId: t.id, after: { what }, at })),
    ),
  );
  for (const t of fresh) {
    const k = keyOf(t);
    if (k == null) continue;
    if (seen.size >= SEEN_MAX) seen.delete(seen.keys().next().value as string);
    seen.set(k, true);
  }
}

/**
 * The whole database leaves through the admin's full export (server/backup/export.ts): the field
 * rule cannot apply to a database dump, so the gate records what it could not prevent, a
 * `ticket.read_rahasia` by that admin for every rahasia ticket in it.
 */
export async function recordWholeDatabaseRead(deps: GateDeps, viewer: Viewer, what: string): Promise<number> {
  gateCalls++;
  let last = 0;
  let n = 0;
  const at = deps.clock.now();
  for (;;) {
    const page: { id: number }[] = await deps.db.manager.query("SELECT id FROM tickets WHERE privacy = 'rahasia' AND id > ? ORDER BY id LIMIT 500", [last]);
    if (page.length === 0) return n;
    await deps.db.tx((m) =>
      appendAuditEvents(
        m,
        page.map((t) => ({ actor: { userId: viewer.id, label: viewer.email }, type: "ticket.read_rahasia", entityType: "ticket", entityId: Number(t.id), ticketId: Number(t.id), after: { what }, at })),
      ),
    );
    n += page.length;
    last = Number(page[page.length - 1].id);
  }
}

/**
 * How many times the gate was asked to open tickets in this process: the route test checks that
 * each route classified as returning ticket content really passes through it.
 */
let gateCalls = 0;
export const gateCallCount = () => gateCalls;

export interface OpenOptions {
  /** Also mask with the identifiers of the reporters of tickets merged into it (their messages are shown with it). */
  withMerged?: boolean;
  /** Which item was read, recorded with the purpose (e.g. the attachment's id). */
  detail?: string;
  /** Record no rahasia read (the text shown contains nothing of a rahasia ticket, e.g. e-mailed notifications). */
  noAudit?: boolean;
}

/**
 * The tickets among `tickets` (rows or ids) that the viewer may open, each with its field rule;
 * records the rahasia reads. The list form of openTicketFor.
 */
export async function openTicketsFor(deps: GateDeps, viewer: Viewer, tickets: (Ticket | number)[], purpose: ReadPurpose, opts: OpenOptions = {}): Promise<Map<number, OpenedTicket>> {
  gateCalls++;
  const out = new Map<number, OpenedTicket>();
  const ids = [...new Set(tickets.map((t) => (typeof t === "number" ? t : t.id)))];
  if (ids.length === 0) return out;
  const m = deps.db.manager;
  // The row rule, in SQL, for every ticket asked for (rows given by the caller are re-checked).
  const given = new Map(tickets.filter((t): t is Ticket => typeof t !== "number").map((t) => [t.id, t]));
  const qb = m.getRepository(Ticket).createQueryBuilder("t").where("t.id IN (:...gateIds)", { gateIds: ids });
  scopeTickets(qb, viewer);
  // Rows the caller already loaded are only re-checked (ids), not read again.
  const rows = given.size === ids.length ? (await qb.select("t.id", "id").getRawMany<{ id: number | string }>()).map((r) => given.get(Number(r.id))!) : await qb.getMany();
  if (rows.length === 0) return out;

  const merged = opts.withMerged ? await m.getRepository(Ticket).find({ select: { id: true, mergedIntoId: true, contactId: true, privacy: true }, where: { mergedIntoId: In(rows.map((t) => t.id)) } }) : [];
  const needIds = rows.some((t) => fieldRule(viewer.role, t.privacy) === "masked") || merged.some((t) => t.privacy !== "publik");
  const contactIds = [...rows, ...merged].map((t) => t.contactId).filter((x): x is number => x != null);
  const known = needIds || seesContactDetails(viewer) || rows.some((t) => opdMaySeeReporterName(t.privacy)) ? await identifiersOf(m, contactIds, needIds) : new Map();
  for (const t of rows) {
    let ids = t.contactId != null ? (known.get(t.contactId)?.ids ?? NO_IDENTIFIERS) : NO_IDENTIFIERS;
    const mine = merged.filter((x) => x.mergedIntoId === t.id);
    for (const x of mine) if (x.contactId != null && known.get(x.contactId)) ids = merge(ids, known.get(x.contactId)!.ids);
    const rank = (p: Privacy) => PRIVACY_LEVELS.indexOf(p);
    const strictest = [t.privacy, ...mine.map((x) => x.privacy)].reduce((a, b) => (rank(b) > rank(a) ? b : a));
    out.set(t.id, open(viewer, t, strictest, t.contactId != null ? (known.get(t.contactId)?.contact ?? null) : null, ids));
  }
  if (!opts.noAudit) await auditRahasiaReads(deps, viewer, rows, purpose, opts.detail);
  return out;
}

/** One ticket if the viewer may open it (null: the API answers 404 either way), with its field rule; audits rahasia reads. */
export async function openTicketFor(deps: GateDeps, viewer: Viewer, ticketId: number, purpose: ReadPurpose, opts: OpenOptions = {}): Promise<OpenedTicket | null> {
  return (await openTicketsFor(deps, viewer, [ticketId], purpose, opts)).get(ticketId) ?? null;
}

/** The ticket list (queue, inbox) through the gate: listTickets applies the row rule in SQL, the gate the field rule and the audit. */
export async function listTicketsFor(deps: GateDeps, viewer: Viewer, p: ListParams<TicketFilter, TicketSortField>): Promise<{ rows: (TicketRow & { opened: OpenedTicket })[]; total: number }> {
  const { rows, total } = await listTickets(deps.db.manager, viewer, p);
  // A search's hits are recorded as such: a rahasia ticket found by its text is a read of it.
  const opened = await openTicketsFor(deps, viewer, rows.map((r) => r.ticket), p.filter.q?.trim() ? "search" : "tickets");
  return { rows: rows.filter((r) => opened.has(r.ticket.id)).map((r) => ({ ...r, opened: opened.get(r.ticket.id)! })), total };
}

/**
 * What a notification (in-app or e-mailed) may say of a ticket's complaint: its subject by the
 * field rule, only when the recipient may open the ticket, never of a rahasia ticket.
 */
export function notificationSubject(o: OpenedTicket | null | undefined): string | null {
  if (!o || o.rule === "none" || o.ticket.privacy === "rahasia" || o.withheld?.reason === "rahasia") return null;
  return o.text(o.ticket.subject);
}

/** Every string inside a JSON value (audit payloads) through the ticket's field rule. */
export function gateJson(o: OpenedTicket, value: unknown): unknown {
  if (o.rule === "full") return value;
  if (typeof value === "string") return o.text(value);
  if (Array.isArray(value)) return value.map((v) => gateJson(o, v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, gateJson(o, v)]));
  return value;
}

export { WITHHELD_NOTICE };
