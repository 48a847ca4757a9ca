// Read models of the public side: the published reports (list, one, exports) and what masking
// needs (the reporter's names). Only rows that pass domain/privacy/publication are ever returned;
// the SQL below applies the same rule so rahasia tickets never even leave the database.
import { In, type EntityManager, type SelectQueryBuilder } from "typeorm";
import { maskPublicText } from "../domain/privacy/mask.js";
import { isPublishable, PUBLISHABLE_PRIVACY, UNPUBLISHED_STATUSES } from "../domain/privacy/publication.js";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { mergedContactsOf } from "../commands/merge-contacts.js";
import { Contact } from "../entities/contact.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { PublicPhoto, type PublicPhotoStage } from "../entities/map.entity.js";
import { TicketPublication } from "../entities/ticket-publication.entity.js";
import { applyRedactions } from "../domain/privacy/public-preview.js";
import { approvedAnswers, redactionsOf } from "./publication-preview.js";
import { matchesAllTerms, searchTerms } from "../domain/search/terms.js";
import { fullTextParam, ticketTextMatch } from "./ticket-search.js";

export interface PublicReportFilter {
  /** Words to find in the (masked) subject and description. */
  q?: string;
  categoryCode?: string;
  /** Any of these categories (Open311 service_code lists). */
  categoryCodes?: string[];
  agencyCode?: string;
  status?: TicketStatus;
  /** Received on or after (inclusive) / before (exclusive). */
  from?: Date;
  to?: Date;
  /** Ticket numbers (Open311 service_request_id). */
  numbers?: string[];
  /** Open311 status: open / closed. */
  open?: boolean;
}

export interface PublicAnswer {
  agencyName: string;
  agencyCode: string;
  at: Date;
  text: string;
}

/** Everything a public presenter may use of one report; still unmasked (the presenter masks). */
export interface PublicReportRow {
  id: number;
  number: string;
  subject: string;
  description: string;
  status: TicketStatus;
  privacy: "publik" | "anonim";
  category: { code: string; name: string; nameEn: string | null } | null;
  agencies: { code: string; name: string }[];
  answers: PublicAnswer[];
  locationText: string | null;
  /** Open311 address_id as the partner gave it. */
  addressId: string | null;
  latitude: string | null;
  longitude: string | null;
  receivedAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  /** The reporter's names, for masking only; presenters never print them. */
  reporterNames: string[];
  /** Photos an operator approved for the public page (their EXIF-free copies), oldest first. */
  photos: PublicPhotoRow[];
}

export interface PublicPhotoRow {
  id: number;
  stage: PublicPhotoStage;
  width: number;
  height: number;
  thumbWidth: number;
  thumbHeight: number;
}

/** Categories and OPDs change rarely; every public page reads them. */
const LOOKUP_TTL_MS = 5_000;
let lookupCache: { at: number; m: EntityManager; value: Promise<Lookups> } | null = null;
export interface Lookups {
  categories: Map<number, Category>;
  categoriesByCode: Map<string, Category>;
  agencies: Map<number, Agency>;
  agenciesByCode: Map<string, Agency>;
}
export function lookups(m: EntityManager, now = Date.now()): Promise<Lookups> {
  if (lookupCache && lookupCache.m === m && now - lookupCache.at < LOOKUP_TTL_MS) return lookupCache.value;
  const value = (async () => {
    const categories = await m.getRepository(Category).find({ order: { name: "ASC" } });
    const agencies = await m.getRepository(Agency).find({ order: { name: "ASC" } });
    return {
      categories: new Map(categories.map((c) => [c.id, c])),
      categoriesByCode: new Map(categories.map((c) => [c.code, c])),
      agencies: new Map(agencies.map((a) => [a.id, a])),
      agenciesByCode: new Map(agencies.map((a) => [a.code, a])),
    };
  })();
  lookupCache = { at: now, m, value };
  value.catch(() => (lookupCache = null));
  return value;
}
export function clearPublicLookups(): void {
  lookupCache = null;
}

/** The publication rule in SQL (see domain/privacy/publication.ts). */
export function publishedOnly(qb: SelectQueryBuilder<Ticket>, hiddenCategoryIds: number[]): SelectQueryBuilder<Ticket> {
  qb.andWhere("t.privacy IN (:...pubPrivacy)", { pubPrivacy: PUBLISHABLE_PRIVACY })
    .andWhere("t.verified_at IS NOT NULL")
    .andWhere("t.status NOT IN (:...pubHidden)", { pubHidden: UNPUBLISHED_STATUSES });
  if (hiddenCategoryIds.length) qb.andWhere("(t.category_id IS NULL OR t.category_id NOT IN (:...pubCats))", { pubCats: hiddenCategoryIds });
  return qb;
}

const CLOSED: TicketStatus[] = ["resolved", "closed"];

function filtered(m: EntityManager, lk: Lookups, f: PublicReportFilter): SelectQueryBuilder<Ticket> | null {
  const hidden = [...lk.categories.values()].filter((c) => !c.isPublic).map((c) => c.id);
  const qb = publishedOnly(m.getRepository(Ticket).createQueryBuilder("t"), hidden);
  if (f.categoryCode) {
    const c = lk.categoriesByCode.get(f.categoryCode);
    if (!c || !c.isPublic) return null;
    qb.andWhere("t.category_id = :cat", { cat: c.id });
  }
  if (f.categoryCodes) {
    const ids = f.categoryCodes.map((code) => lk.categoriesByCode.get(code)).filter((c): c is Category => !!c && c.isPublic).map((c) => c.id);
    if (ids.length === 0) return null;
    qb.andWhere("t.category_id IN (:...cats)", { cats: ids });
  }
  if (f.agencyCode) {
    const a = lk.agenciesByCode.get(f.agencyCode);
    if (!a) return null;
    qb.andWhere("EXISTS (SELECT 1 FROM forwards pf WHERE pf.ticket_id = t.id AND pf.agency_id = :ag AND pf.status <> 'withdrawn')", { ag: a.id });
  }
  if (f.status) qb.andWhere("t.status = :st", { st: f.status });
  if (f.open === true) qb.andWhere("t.status NOT IN (:...closedSt)", { closedSt: CLOSED });
  if (f.open === false) qb.andWhere("t.status IN (:...closedSt)", { closedSt: CLOSED });
  if (f.from) qb.andWhere("t.received_at >= :from", { from: f.from });
  if (f.to) qb.andWhere("t.received_at < :to", { to: f.to });
  if (f.numbers) {
    if (f.numbers.length === 0) return null;
    qb.andWhere("t.number IN (:...nums)", { nums: f.numbers });
  }
  // The full-text index proposes candidates from the stored text; listPublicReports keeps only
  // those whose published, masked text has every word (what masking hides is never found).
  const terms = searchTerms(f.q);
  if (terms.length) qb.andWhere(ticketTextMatch(m, "t"), { ftq: fullTextParam(m, terms) });
  else if (f.q?.trim()) return null;
  return qb;
}

const COLUMNS = [
  "t.id",
  "t.number",
  "t.subject",
  "t.description",
  "t.status",
  "t.privacy",
  "t.categoryId",
  "t.contactId",
  "t.locationText",
  "t.addressId",
  "t.latitude",
  "t.longitude",
  "t.receivedAt",
  "t.updatedAt",
  "t.dueAt",
  "t.verifiedAt",
];

/**
 * Answers, OPDs, reporter names and approved public versions of a page of tickets, in four queries.
 * A ticket with an approved public version (publication preview) shows exactly that version; an
 * answer that came after the approval gets the operator's redactions too.
 */
async function hydrate(m: EntityManager, lk: Lookups, tickets: Ticket[]): Promise<PublicReportRow[]> {
  if (tickets.length === 0) return [];
  const ids = tickets.map((t) => t.id);
  const forwards = await m.getRepository(Forward).find({
    select: { id: true, ticketId: true, agencyId: true, status: true, response: true, answeredAt: true, createdAt: true },
    where: { ticketId: In(ids) },
    order: { id: "ASC" },
  });
  const contactIds = [...new Set(tickets.map((t) => t.contactId).filter((x): x is number => x != null))];
  const names = new Map<number, string[]>();
  if (contactIds.length) {
    // One round trip for the names masking needs: the contact's and its channel display names.
    const rows: { id: number; name: string | null; display_name: string | null }[] = await m
      .createQueryBuilder()
      .select(["c.id AS id", "c.name AS name", "ci.display_name AS display_name"])
      .from(Contact, "c")
      .leftJoin(ContactIdentity, "ci", "ci.contact_id = c.id")
      .where("c.id IN (:...contactIds)", { contactIds })
      .getRawMany();
    for (const r of rows) {
      const list = names.get(Number(r.id)) ?? [];
      for (const n of [r.name, r.display_name]) if (n && !list.includes(n)) list.push(n);
      names.set(Number(r.id), list);
    }
    // A linked citizen's other contacts name them too.
    for (const [id, merged] of await mergedContactsOf(m, contactIds)) {
      const list = names.get(id) ?? [];
      for (const c of merged) if (c.name && !list.includes(c.name)) list.push(c.name);
      names.set(id, list);
    }
  }
  const approved = new Map((await m.getRepository(TicketPublication).find({ where: { ticketId: In(ids) } })).map((p) => [p.ticketId, p]));
  const photos = await m.getRepository(PublicPhoto).find({
    select: { id: true, ticketId: true, stage: true, width: true, height: true, thumbWidth: true, thumbHeight: true },
    where: { ticketId: In(ids) },
    order: { id: "ASC" },
  });
  return tickets.map((t) => {
    const own = forwards.filter((f) => f.ticketId === t.id && f.status !== "withdrawn");
    const pub = approved.get(t.id);
    const pubAnswers = pub ? approvedAnswers(pub) : null;
    const redactions = pub ? redactionsOf(pub) : [];
    const answerText = (f: Forward) => pubAnswers?.get(f.id) ?? applyRedactions(f.response!, redactions);
    const agencies = [...new Set(own.map((f) => f.agencyId))].map((id) => lk.agencies.get(id)).filter((a): a is Agency => !!a);
    const category = t.categoryId != null ? lk.categories.get(t.categoryId) ?? null : null;
    return {
      id: t.id,
      number: t.number,
      subject: pub ? pub.subject ?? "" : t.subject,
      description: pub ? pub.description ?? "" : t.description,
      status: t.status,
      privacy: t.privacy as "publik" | "anonim",
      category: category ? { code: category.code, name: category.name, nameEn: category.nameEn } : null,
      agencies: agencies.map((a) => ({ code: a.code, name: a.name })),
      answers: own
        .filter((f) => f.status === "answered" && f.response && f.answeredAt)
        .map((f) => ({ agencyName: lk.agencies.get(f.agencyId)?.name ?? "OPD", agencyCode: lk.agencies.get(f.agencyId)?.code ?? "", at: f.answeredAt!, text: answerText(f) })),
      locationText: pub ? pub.locationText : t.locationText,
      addressId: t.addressId,
      latitude: t.latitude,
      longitude: t.longitude,
      receivedAt: t.receivedAt,
      updatedAt: t.updatedAt,
      dueAt: t.dueAt,
      reporterNames: t.contactId != null ? names.get(t.contactId) ?? [] : [],
      photos: photos.filter((p) => p.ticketId === t.id).map((p) => ({ id: p.id, stage: p.stage, width: p.width, height: p.height, thumbWidth: p.thumbWidth, thumbHeight: p.thumbHeight })),
    };
  });
}

/** Whether the published, masked texts of a row still have every search word (searching must not find what masking hides). */
function matchesMasked(row: PublicReportRow, terms: string[]): boolean {
  if (terms.length === 0) return true;
  return matchesAllTerms(maskPublicText(`${row.subject}\n${row.description}`, { names: row.reporterNames }), terms);
}

export interface PublicReportPage {
  rows: PublicReportRow[];
  /** Cursor of the next (older) page, or null at the end. */
  nextBefore: number | null;
}

/**
 * Newest first, keyset-paged by id (no COUNT over a million rows). Searches match in SQL, then
 * again on the masked text, so a phone number or a reporter's name cannot be searched for.
 */
export async function listPublicReports(m: EntityManager, f: PublicReportFilter, page: { limit: number; before?: number }): Promise<PublicReportPage> {
  const lk = await lookups(m);
  const words = searchTerms(f.q);
  const rows: PublicReportRow[] = [];
  let before = page.before;
  const batch = words.length ? Math.max(page.limit * 3, 60) : page.limit + 1;
  for (let scanned = 0; scanned < 2000; ) {
    const qb = filtered(m, lk, f);
    if (!qb) return { rows: [], nextBefore: null };
    if (before) qb.andWhere("t.id < :before", { before });
    const tickets = await qb.select(COLUMNS).orderBy("t.id", "DESC").take(batch).getMany();
    scanned += tickets.length;
    const hydrated = await hydrate(m, lk, tickets);
    for (const r of hydrated) {
      if (!matchesMasked(r, words)) continue;
      rows.push(r);
      if (rows.length > page.limit) return { rows: rows.slice(0, page.limit), nextBefore: rows[page.limit - 1]!.id };
    }
    if (tickets.length < batch) break;
    before = tickets[tickets.length - 1]!.id;
  }
  return { rows, nextBefore: null };
}

/** One published report by number; null when it does not exist or is not public (the same to the caller). */
export async function getPublicReport(m: EntityManager, number: string): Promise<PublicReportRow | null> {
  const lk = await lookups(m);
  const qb = filtered(m, lk, { numbers: [number.toUpperCase()] });
  if (!qb) return null;
  const t = await qb.select(COLUMNS).getOne();
  if (!t) return null;
  const category = t.categoryId != null ? lk.categories.get(t.categoryId) : null;
  // Belt and braces: the domain rule once more on the loaded row.
  if (!isPublishable({ privacy: t.privacy, status: t.status, verified: t.verifiedAt != null, categoryIsPublic: category ? category.isPublic : null })) return null;
  return (await hydrate(m, lk, [t]))[0] ?? null;
}

/** Up to `limit` newest published reports matching f (open data, feeds, Open311 lists). */
export async function exportPublicReports(m: EntityManager, f: PublicReportFilter, limit: number): Promise<PublicReportRow[]> {
  const out: PublicReportRow[] = [];
  let before: number | undefined;
  while (out.length < limit) {
    const page = await listPublicReports(m, f, { limit: Math.min(500, limit - out.length), before });
    out.push(...page.rows);
    if (page.nextBefore == null) break;
    before = page.nextBefore;
  }
  return out;
}

/**
 * The copy of an approved photo the public side may serve: only while its report is published
 * (getPublicReport: never rahasia, never unverified, rejected or merged) and only a photo approved
 * for that very report. null otherwise (the same to the caller).
 */
export async function publicPhotoFile(m: EntityManager, number: string, photoId: number, small: boolean): Promise<string | null> {
  const r = await getPublicReport(m, number);
  if (!r || !r.photos.some((p) => p.id === photoId)) return null;
  const row = await m.getRepository(PublicPhoto).findOneBy({ id: photoId, ticketId: r.id });
  return row ? (small ? row.thumbKey : row.storageKey) : null;
}
