// Read models of the public side: the published reports (list, one, exports). Pages read the
// precomputed, masked rows of `public_reports` (one read by number, or one index range per list
// page); `buildPublicRows` computes those rows, the one definition of what the public sees of a
// ticket, for the writers (commands/refresh-public-reports.ts) and for the reads while the table is
// not filled yet (the backfill of an existing database). Only rows that pass
// domain/privacy/publication are ever returned; the SQL below applies the same rule so rahasia
// tickets never even leave the database.
import { In, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from "typeorm";
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
import { PublicReport, PublicReportBackfill } from "../entities/public-report.entity.js";
import { applyRedactions } from "../domain/privacy/public-preview.js";
import { approvedAnswers, redactionsOf } from "./publication-preview.js";
import { matchesAllTerms, searchTerms } from "../domain/search/terms.js";
import { fullTextParam, isMariaDb, regexpAllTerms, SCAN_SAMPLE_ROWS, ticketText, ticketTextMatch, withRowsExamined } from "./ticket-search.js";
import { forwardedToAgencySql } from "./tickets.js";

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
  /** Masked. */
  text: string;
}

/**
 * Everything a public presenter may use of one report. Its free texts (subject, description,
 * answers, location) are already masked (maskPublicText with the reporter's names, Indonesian
 * tokens): the reporter's names never leave this module.
 */
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
  /** Photos an operator approved for the public page (their EXIF-free copies), oldest first. */
  photos: PublicPhotoRow[];
}

/**
 * A public row as `public_reports.report` stores it (JSON): masked at write time, categories and
 * OPDs by id (their names and the category's isPublic are applied at read time, from lookups()).
 * It holds nothing the mask hides: no reporter name, phone, NIK or e-mail address.
 */
export interface StoredPublicReport {
  number: string;
  subject: string;
  description: string;
  status: TicketStatus;
  privacy: "publik" | "anonim";
  categoryId: number | null;
  agencyIds: number[];
  answers: { agencyId: number; at: string; text: string }[];
  locationText: string | null;
  addressId: string | null;
  latitude: string | null;
  longitude: string | null;
  receivedAt: string;
  updatedAt: string;
  dueAt: string | null;
  verifiedAt: string | null;
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
  /** Every publishable ticket has its row in public_reports (the backfill is done): pages read only that table. */
  rowsComplete: boolean;
}
export function lookups(m: EntityManager, now = Date.now()): Promise<Lookups> {
  if (lookupCache && lookupCache.m === m && now - lookupCache.at < LOOKUP_TTL_MS) return lookupCache.value;
  const value = (async () => {
    const categories = await m.getRepository(Category).find({ order: { name: "ASC" } });
    const agencies = await m.getRepository(Agency).find({ order: { name: "ASC" } });
    const backfill = await m.getRepository(PublicReportBackfill).findOneBy({ id: 1 });
    return {
      rowsComplete: backfill != null && backfill.belowTicketId == null,
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

/**
 * The filters of a public list on either read model: `a` is the alias whose category_id, status,
 * received_at and number are filtered, `ticketId` the column holding the ticket's id. null when
 * nothing can match. `text`: the search words through the full-text index, or (MariaDB's
 * newest-first scan, batchOf) as regular expressions.
 */
function withFilters<T extends ObjectLiteral>(
  m: EntityManager,
  lk: Lookups,
  qb: SelectQueryBuilder<T>,
  a: string,
  ticketId: string,
  f: PublicReportFilter,
  text: "index" | "scan" = "index",
): SelectQueryBuilder<T> | null {
  if (f.categoryCode) {
    const c = lk.categoriesByCode.get(f.categoryCode);
    if (!c || !c.isPublic) return null;
    qb.andWhere(`${a}.category_id = :cat`, { cat: c.id });
  }
  if (f.categoryCodes) {
    const ids = f.categoryCodes.map((code) => lk.categoriesByCode.get(code)).filter((c): c is Category => !!c && c.isPublic).map((c) => c.id);
    if (ids.length === 0) return null;
    qb.andWhere(`${a}.category_id IN (:...cats)`, { cats: ids });
  }
  if (f.agencyCode) {
    const ag = lk.agenciesByCode.get(f.agencyCode);
    if (!ag) return null;
    qb.andWhere(forwardedToAgencySql(ticketId, ":ag", "pf"), { ag: ag.id });
  }
  if (f.status) qb.andWhere(`${a}.status = :st`, { st: f.status });
  if (f.open === true) qb.andWhere(`${a}.status NOT IN (:...closedSt)`, { closedSt: CLOSED });
  if (f.open === false) qb.andWhere(`${a}.status IN (:...closedSt)`, { closedSt: CLOSED });
  if (f.from) qb.andWhere(`${a}.received_at >= :from`, { from: f.from });
  if (f.to) qb.andWhere(`${a}.received_at < :to`, { to: f.to });
  if (f.numbers) {
    if (f.numbers.length === 0) return null;
    qb.andWhere(`${a}.number IN (:...nums)`, { nums: f.numbers });
  }
  // The full-text index on the tickets proposes candidates from the stored text; listPublicReports
  // keeps only those whose published, masked text has every word (what masking hides is never found).
  const terms = searchTerms(f.q);
  if (terms.length) {
    if (a !== "t") qb.innerJoin(Ticket, "t", `t.id = ${ticketId}`);
    if (text === "scan") {
      const rx = regexpAllTerms(m, ticketText("t"), terms);
      qb.andWhere(rx.where, rx.params);
    } else qb.andWhere(ticketTextMatch(m, "t"), { ftq: fullTextParam(m, terms) });
  } else if (f.q?.trim()) return null;
  return qb;
}

const hiddenCategoryIds = (lk: Lookups) => [...lk.categories.values()].filter((c) => !c.isPublic).map((c) => c.id);

/** Published tickets matching f, computed from the tickets (while public_reports is being filled). */
function filtered(m: EntityManager, lk: Lookups, f: PublicReportFilter): SelectQueryBuilder<Ticket> | null {
  return withFilters(m, lk, publishedOnly(m.getRepository(Ticket).createQueryBuilder("t"), hiddenCategoryIds(lk)), "t", "t.id", f);
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
 * The masked public rows of these tickets (loaded with COLUMNS): answers, OPDs, reporter names,
 * approved public versions and photos in five queries for the lot. A ticket with an approved
 * public version (publication preview) shows exactly that version; an answer that came after the
 * approval gets the operator's redactions too. Every text is masked with the reporter's names
 * here, the one place that knows them; the names are not returned.
 */
async function storedRows(m: EntityManager, tickets: Ticket[]): Promise<Map<number, StoredPublicReport>> {
  const out = new Map<number, StoredPublicReport>();
  if (tickets.length === 0) return out;
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
  for (const t of tickets) {
    const reporterNames = t.contactId != null ? names.get(t.contactId) ?? [] : [];
    const mask = (text: string) => maskPublicText(text, { names: reporterNames });
    const own = forwards.filter((f) => f.ticketId === t.id && f.status !== "withdrawn");
    const pub = approved.get(t.id);
    const pubAnswers = pub ? approvedAnswers(pub) : null;
    const redactions = pub ? redactionsOf(pub) : [];
    const answerText = (f: Forward) => pubAnswers?.get(f.id) ?? applyRedactions(f.response!, redactions);
    const locationText = pub ? pub.locationText : t.locationText;
    out.set(t.id, {
      number: t.number,
      subject: mask(pub ? pub.subject ?? "" : t.subject),
      description: mask(pub ? pub.description ?? "" : t.description),
      status: t.status,
      privacy: t.privacy as "publik" | "anonim",
      categoryId: t.categoryId,
      agencyIds: [...new Set(own.map((f) => f.agencyId))],
      answers: own
        .filter((f) => f.status === "answered" && f.response && f.answeredAt)
        .map((f) => ({ agencyId: f.agencyId, at: f.answeredAt!.toISOString(), text: mask(answerText(f)) })),
      locationText: locationText ? mask(locationText) : null,
      addressId: t.addressId,
      latitude: t.latitude,
      longitude: t.longitude,
      receivedAt: t.receivedAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
      dueAt: t.dueAt ? t.dueAt.toISOString() : null,
      verifiedAt: t.verifiedAt ? t.verifiedAt.toISOString() : null,
      photos: photos.filter((p) => p.ticketId === t.id).map((p) => ({ id: p.id, stage: p.stage, width: p.width, height: p.height, thumbWidth: p.thumbWidth, thumbHeight: p.thumbHeight })),
    });
  }
  return out;
}

/**
 * The masked public rows of these tickets, for public_reports: only the publishable ones
 * (domain/privacy/publication.ts; the category's isPublic is left to the read, so hiding a
 * category or showing it again rewrites nothing). A ticket missing from the map has no row.
 */
export async function buildPublicRows(m: EntityManager, ticketIds: readonly number[]): Promise<Map<number, StoredPublicReport>> {
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return new Map();
  const qb = publishedOnly(m.getRepository(Ticket).createQueryBuilder("t"), []).andWhere("t.id IN (:...ids)", { ids });
  return storedRows(m, await qb.select(COLUMNS).getMany());
}

/** A stored row as presenters take it: category and OPD names from the lookups. */
function rowOf(id: number, s: StoredPublicReport, lk: Lookups): PublicReportRow {
  const category = s.categoryId != null ? lk.categories.get(s.categoryId) ?? null : null;
  const agencies = s.agencyIds.map((a) => lk.agencies.get(a)).filter((a): a is Agency => !!a);
  return {
    id,
    number: s.number,
    subject: s.subject,
    description: s.description,
    status: s.status,
    privacy: s.privacy,
    category: category ? { code: category.code, name: category.name, nameEn: category.nameEn } : null,
    agencies: agencies.map((a) => ({ code: a.code, name: a.name })),
    answers: s.answers.map((a) => ({ agencyName: lk.agencies.get(a.agencyId)?.name ?? "OPD", agencyCode: lk.agencies.get(a.agencyId)?.code ?? "", at: new Date(a.at), text: a.text })),
    locationText: s.locationText,
    addressId: s.addressId,
    latitude: s.latitude,
    longitude: s.longitude,
    receivedAt: new Date(s.receivedAt),
    updatedAt: new Date(s.updatedAt),
    dueAt: s.dueAt ? new Date(s.dueAt) : null,
    photos: s.photos,
  };
}

/** The domain rule once more on a stored row, with the category's current isPublic (belt and braces). */
function stillPublishable(s: StoredPublicReport, lk: Lookups): boolean {
  const category = s.categoryId != null ? lk.categories.get(s.categoryId) : null;
  return isPublishable({ privacy: s.privacy, status: s.status, verified: s.verifiedAt != null, categoryIsPublic: category ? category.isPublic : null });
}

/** Whether the published, masked texts of a row still have every search word (searching must not find what masking hides). */
function matchesMasked(row: PublicReportRow, terms: string[]): boolean {
  if (terms.length === 0) return true;
  return matchesAllTerms(`${row.subject}\n${row.description}`, terms);
}

/** The list's conditions on public_reports (alias pr); null when nothing can match. */
function filteredRows(m: EntityManager, lk: Lookups, f: PublicReportFilter, text: "index" | "scan" = "index"): SelectQueryBuilder<PublicReport> | null {
  const hidden = hiddenCategoryIds(lk);
  const qb = m.getRepository(PublicReport).createQueryBuilder("pr").where("pr.status NOT IN (:...pubHidden)", { pubHidden: UNPUBLISHED_STATUSES });
  if (hidden.length) qb.andWhere("(pr.category_id IS NULL OR pr.category_id NOT IN (:...pubCats))", { pubCats: hidden });
  return withFilters(m, lk, qb, "pr", "pr.ticket_id", f, text);
}

/** One batch of a list, newest first: from public_reports, or (table not filled yet) computed as before. */
async function batchOf(m: EntityManager, lk: Lookups, f: PublicReportFilter, before: number | undefined, take: number): Promise<{ rows: PublicReportRow[]; scanned: number; last: number | null } | null> {
  if (lk.rowsComplete) {
    const query = (text: "index" | "scan") => {
      const qb = filteredRows(m, lk, f, text);
      if (before) qb?.andWhere("pr.ticket_id < :before", { before });
      return qb?.select(["pr.ticket_id AS id", "pr.report AS report"]).orderBy("pr.ticket_id", "DESC").limit(take) ?? null;
    };
    let raw: { id: unknown; report: string }[] | null = null;
    // A search on MariaDB: first the newest rows in id order with the words as regular expressions
    // (InnoDB's FULLTEXT search has no early stop: a common word costs every match). A full batch
    // is certainly the newest matches; otherwise (a rarer word) the index answers.
    if (searchTerms(f.q).length && (await isMariaDb(m))) {
      const scan = query("scan");
      if (!scan) return null;
      const scanned = await withRowsExamined<{ id: unknown; report: string }>(m, scan, SCAN_SAMPLE_ROWS);
      if (scanned.length >= take) raw = scanned;
    }
    if (!raw) {
      const qb = query("index");
      if (!qb) return null;
      raw = await qb.getRawMany();
    }
    const rows: PublicReportRow[] = [];
    for (const r of raw) {
      const s = JSON.parse(r.report) as StoredPublicReport;
      if (stillPublishable(s, lk)) rows.push(rowOf(Number(r.id), s, lk));
    }
    return { rows, scanned: raw.length, last: raw.length ? Number(raw[raw.length - 1]!.id) : null };
  }
  const qb = filtered(m, lk, f);
  if (!qb) return null;
  if (before) qb.andWhere("t.id < :before", { before });
  const tickets = await qb.select(COLUMNS).orderBy("t.id", "DESC").take(take).getMany();
  const stored = await storedRows(m, tickets);
  return { rows: tickets.map((t) => rowOf(t.id, stored.get(t.id)!, lk)), scanned: tickets.length, last: tickets.length ? tickets[tickets.length - 1]!.id : null };
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
    const got = await batchOf(m, lk, f, before, batch);
    if (!got) return { rows: [], nextBefore: null };
    scanned += got.scanned;
    for (const r of got.rows) {
      if (!matchesMasked(r, words)) continue;
      rows.push(r);
      if (rows.length > page.limit) return { rows: rows.slice(0, page.limit), nextBefore: rows[page.limit - 1]!.id };
    }
    if (got.scanned < batch || got.last == null) break;
    before = got.last;
  }
  return { rows, nextBefore: null };
}

/** One published report by number; null when it does not exist or is not public (the same to the caller). */
export async function getPublicReport(m: EntityManager, number: string): Promise<PublicReportRow | null> {
  const lk = await lookups(m);
  if (lk.rowsComplete) {
    // The page's one read: the stored row by its unique number.
    const raw: { id: unknown; report: string }[] = await m.query(`SELECT ticket_id AS id, report FROM public_reports WHERE number = ?`, [number.toUpperCase()]);
    if (raw.length === 0) return null;
    const s = JSON.parse(raw[0]!.report) as StoredPublicReport;
    // Belt and braces: the domain rule once more on the loaded row (with the category as it is now).
    return stillPublishable(s, lk) ? rowOf(Number(raw[0]!.id), s, lk) : null;
  }
  const qb = filtered(m, lk, { numbers: [number.toUpperCase()] });
  if (!qb) return null;
  const t = await qb.select(COLUMNS).getOne();
  if (!t) return null;
  const s = (await storedRows(m, [t])).get(t.id)!;
  return stillPublishable(s, lk) ? rowOf(t.id, s, lk) : null;
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
