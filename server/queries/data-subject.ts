import { In, type EntityManager } from "typeorm";
import { normalizeEmail, normalizePhone } from "../domain/contacts/identity.js";
import { findPii } from "../domain/privacy/mask.js";
import { likeContaining, sqlTime } from "../lib/db.js";
import { contactMergeGroup } from "../commands/merge-contacts.js";
import { Attachment, Call, Contact, ContactIdentity, DataSubjectRequest, Forward, Message, RetentionErasure, RetentionSetting, Ticket, TicketRating } from "../entities/index.js";

/** One citizen found by a data subject search: the contact, its identities and its tickets. */
export interface SubjectMatch {
  contact: Contact | null;
  identities: ContactIdentity[];
  tickets: Pick<Ticket, "id" | "number" | "subject" | "status" | "privacy" | "receivedAt" | "closedAt">[];
  /** How the search found it: "phone", "email", "name", "identity", "nik". */
  matchedBy: string[];
}

const like = likeContaining;
const digitsOf = (s: string) => s.replace(/\D/g, "");

/**
 * Finds a citizen by any identity: a phone number in any format (normalized as ingest does), an
 * e-mail address, a name (contacts and channel display names), a channel address as stored (a
 * Telegram id, a username) or a NIK, which no contact field holds: tickets and messages whose
 * text contains that NIK in any spelling ("3201 0123.4567-0001").
 */
export async function searchSubjects(m: EntityManager, raw: string): Promise<SubjectMatch[]> {
  const q = raw.trim();
  const byContact = new Map<number, Set<string>>();
  const orphanTickets = new Map<number, Set<string>>();
  const hit = (map: Map<number, Set<string>>, id: number, how: string) => (map.get(id) ?? map.set(id, new Set()).get(id)!).add(how);
  const contacts = m.getRepository(Contact);
  const idents = m.getRepository(ContactIdentity);

  const digits = digitsOf(q);
  const phone = digits.length >= 8 && /^[+\d\s().-]+$/.test(q) ? normalizePhone(q) : null;
  if (phone) {
    for (const c of await contacts.findBy({ phone })) hit(byContact, c.id, "phone");
    const forms = [phone, phone.slice(1), `0${phone.slice(3)}`];
    for (const i of await idents.findBy({ address: In(forms) })) hit(byContact, i.contactId, "phone");
  }
  const email = normalizeEmail(q);
  if (email) {
    for (const c of await contacts.createQueryBuilder("c").where("LOWER(c.email) = :email", { email }).getMany()) hit(byContact, c.id, "email");
    for (const i of await idents.createQueryBuilder("i").where("LOWER(i.address) = :email", { email }).getMany()) hit(byContact, i.contactId, "email");
  }
  if (!email && q.length >= 2) {
    for (const i of await idents.findBy({ address: q })) hit(byContact, i.contactId, "identity");
  }
  if (!phone && !email && /\p{L}/u.test(q) && q.length >= 3) {
    for (const c of await contacts.createQueryBuilder("c").where("c.name LIKE :q ESCAPE '!'", { q: like(q) }).take(200).getMany()) hit(byContact, c.id, "name");
    for (const i of await idents.createQueryBuilder("i").where("i.display_name LIKE :q ESCAPE '!'", { q: like(q) }).take(200).getMany()) hit(byContact, i.contactId, "name");
  }
  if (digits.length === 16 && /^[\d\s.\-]+$/.test(q)) {
    // A NIK is in free text only: narrow by its first four digits (every grouping keeps them together), then compare findings.
    const isNik = (text: string | null) => !!text && findPii(text).some((s) => s.kind === "nik" && digitsOf(text.slice(s.start, s.end)) === digits);
    const head = like(digits.slice(0, 4));
    const tickets = await m
      .getRepository(Ticket)
      .createQueryBuilder("t")
      .where("(t.description LIKE :h ESCAPE '!' OR t.subject LIKE :h ESCAPE '!' OR t.location_text LIKE :h ESCAPE '!')", { h: head })
      .getMany();
    const messages = await m.getRepository(Message).createQueryBuilder("x").where("x.body LIKE :h ESCAPE '!'", { h: head }).andWhere("x.direction = 'inbound'").getMany();
    const ticketIds = new Set([...tickets.filter((t) => isNik(t.subject) || isNik(t.description) || isNik(t.locationText)).map((t) => t.id), ...messages.filter((x) => isNik(x.body)).map((x) => x.ticketId)]);
    for (const t of ticketIds.size ? await m.getRepository(Ticket).findBy({ id: In([...ticketIds]) }) : []) {
      if (t.contactId != null) hit(byContact, t.contactId, "nik");
      else hit(orphanTickets, t.id, "nik");
    }
  }

  const ids = [...byContact.keys()];
  const found = ids.length ? await contacts.findBy({ id: In(ids) }) : [];
  const identities = ids.length ? await idents.find({ where: { contactId: In(ids) }, order: { id: "ASC" } }) : [];
  const tickets = ids.length ? await m.getRepository(Ticket).find({ where: { contactId: In(ids) }, order: { id: "ASC" } }) : [];
  const pick = (t: Ticket) => ({ id: t.id, number: t.number, subject: t.subject, status: t.status, privacy: t.privacy, receivedAt: t.receivedAt, closedAt: t.closedAt });
  const out: SubjectMatch[] = found
    .sort((a, b) => a.id - b.id)
    .map((c) => ({ contact: c, identities: identities.filter((i) => i.contactId === c.id), tickets: tickets.filter((t) => t.contactId === c.id).map(pick), matchedBy: [...byContact.get(c.id)!] }));
  if (orphanTickets.size) {
    const rows = await m.getRepository(Ticket).findBy({ id: In([...orphanTickets.keys()]) });
    out.push({ contact: null, identities: [], tickets: rows.map(pick), matchedBy: ["nik"] });
  }
  return out;
}

/** Everything held about the citizen of a request: their contacts, identities, tickets and each ticket's case. */
export interface SubjectData {
  contacts: Contact[];
  identities: ContactIdentity[];
  tickets: Ticket[];
  messages: Message[];
  forwards: Forward[];
  ratings: TicketRating[];
  attachments: Attachment[];
  calls: Call[];
}

export async function collectSubjectData(m: EntityManager, contactIds: number[], extraTicketIds: number[]): Promise<SubjectData> {
  // A linked citizen is one person: their merged contacts come along.
  const group = contactIds.length ? await contactMergeGroup(m, contactIds) : [];
  const contacts = group.length ? await m.getRepository(Contact).find({ where: { id: In(group) }, order: { id: "ASC" } }) : [];
  const cids = contacts.map((c) => c.id);
  const identities = cids.length ? await m.getRepository(ContactIdentity).find({ where: { contactId: In(cids) }, order: { id: "ASC" } }) : [];
  const byContact = cids.length ? await m.getRepository(Ticket).findBy({ contactId: In(cids) }) : [];
  const extra = extraTicketIds.length ? await m.getRepository(Ticket).findBy({ id: In(extraTicketIds) }) : [];
  const tickets = [...new Map([...byContact, ...extra].map((t) => [t.id, t])).values()].sort((a, b) => a.id - b.id);
  const tids = tickets.map((t) => t.id);
  const of = async <E extends { id: number }>(entity: new () => E, where: object) => (tids.length ? ((await m.getRepository(entity).find({ where, order: { id: "ASC" } as never })) as E[]) : []);
  const calls = [...(tids.length ? await m.getRepository(Call).findBy({ ticketId: In(tids) }) : []), ...(cids.length ? await m.getRepository(Call).findBy({ contactId: In(cids) }) : [])];
  return {
    contacts,
    identities,
    tickets,
    messages: await of(Message, { ticketId: In(tids) }),
    forwards: await of(Forward, { ticketId: In(tids) }),
    ratings: await of(TicketRating, { ticketId: In(tids) }),
    attachments: await of(Attachment, { ticketId: In(tids) }),
    calls: [...new Map(calls.map((x) => [x.id, x])).values()],
  };
}

/** 3×24 hours (UU PDP 27/2022): the time a controller has to act on a data subject's request. */
export const DATA_SUBJECT_DEADLINE_HOURS = 72;

export function presentRequest(r: DataSubjectRequest, now: Date) {
  const msLeft = r.dueAt.getTime() - now.getTime();
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    contactIds: JSON.parse(r.contactIdsJson) as number[],
    ticketIds: JSON.parse(r.ticketIdsJson) as number[],
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    completedAt: r.completedAt,
    overdue: r.status === "open" ? msLeft < 0 : r.completedAt != null && r.completedAt > r.dueAt,
    hoursLeft: r.status === "open" ? Math.round(msLeft / 36e5) : null,
    createdByUserId: r.createdByUserId,
    completedByUserId: r.completedByUserId,
    outcome: r.outcomeJson ? (JSON.parse(r.outcomeJson) as unknown) : null,
  };
}

// ---- retention --------------------------------------------------------------------------

/**
 * The default retention: personal data of a case anonymised 5 years after it was closed. The
 * period follows the province's records retention schedule (Jadwal Retensi Arsip, under UU 43/2009
 * on archives and PP 28/2012): complaint files are commonly kept active 2 years and inactive 3
 * years before they are assessed. Each province sets its own schedule by Pergub: admins change the
 * period and the basis text in the console.
 */
export const DEFAULT_RETENTION = {
  enabled: true,
  yearsAfterClosure: 5,
  basis: "Jadwal Retensi Arsip pemerintah provinsi (UU 43/2009 tentang Kearsipan, PP 28/2012): berkas pengaduan aktif 2 tahun + inaktif 3 tahun setelah ditutup; data pribadi dianonimkan sesudahnya (UU PDP 27/2022 Pasal 43). / Province records retention schedule: complaint files active 2 years + inactive 3 years after closure; personal data anonymised afterwards.",
} as const;

export interface RetentionPolicy {
  enabled: boolean;
  yearsAfterClosure: number;
  basis: string;
  updatedAt: Date | null;
}

export async function retentionPolicy(m: EntityManager): Promise<RetentionPolicy> {
  const row = await m.getRepository(RetentionSetting).findOne({ where: {}, order: { id: "ASC" } });
  if (!row) return { ...DEFAULT_RETENTION, updatedAt: null };
  return { enabled: row.enabled, yearsAfterClosure: row.yearsAfterClosure, basis: row.basis ?? DEFAULT_RETENTION.basis, updatedAt: row.updatedAt };
}

export const retentionCutoff = (now: Date, years: number) => {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
};

export interface RetentionCandidate {
  id: number;
  number: string;
  status: string;
  closedAt: Date;
}

/**
 * The cases whose personal data the retention job anonymises now: no longer open, closed (or
 * rejected/merged, then last changed) before the cutoff, and not anonymised already. The dry run
 * lists exactly these.
 */
export async function retentionCandidates(m: EntityManager, now: Date, policy: Pick<RetentionPolicy, "yearsAfterClosure">, limit = 10_000): Promise<{ cutoff: Date; cases: RetentionCandidate[] }> {
  const cutoff = retentionCutoff(now, policy.yearsAfterClosure);
  const rows = await m
    .getRepository(Ticket)
    .createQueryBuilder("t")
    .where("t.is_open = :open", { open: false })
    .andWhere("COALESCE(t.closed_at, t.resolved_at, t.updated_at) <= :cutoff", { cutoff: sqlTime(m, cutoff) })
    .andWhere(`NOT EXISTS (SELECT 1 FROM retention_erasures r WHERE r.ticket_id = t.id)`)
    .orderBy("t.id", "ASC")
    .take(limit)
    .getMany();
  return { cutoff, cases: rows.map((t) => ({ id: t.id, number: t.number, status: t.status, closedAt: t.closedAt ?? t.resolvedAt ?? t.updatedAt })) };
}

export { RetentionErasure };
