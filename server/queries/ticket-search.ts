/**
 * Full-text search of tickets (docs/search.md): the SQL over the full-text indexes of
 * migrations/1765030000000-full-text-search.ts, and the highlighted snippet of each hit, built from
 * the text the access gate lets the viewer read.
 *
 * The staff search finds a ticket by its number, its subject and description, any message body
 * (citizen, operator, internal note, OPD answer) and its reporter's name. Which of these may match
 * follows the access gate's field rule: the command center searches everything; an OPD searches
 * the text of publik tickets only (on anonim and rahasia tickets it reads masked text, and a match
 * on the stored text would tell it what the mask hides, e.g. the reporter's name), the notes of its
 * own OPD only (as GET /api/messages shows it), and tickets of any privacy by number.
 */
import { In, type EntityManager, type SelectQueryBuilder } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import { booleanModeQuery, fts5Query, matchesAllTerms, snippet, searchTerms, type SnippetPart } from "../domain/search/terms.js";
import { Message, type MessageDirection } from "../entities/message.entity.js";
import { likeContaining } from "../lib/db.js";
import type { OpenedTicket } from "./access-gate.js";
import { isOpdViewer, seesAllTickets, type Viewer } from "./viewer.js";

const isMysql = (m: EntityManager) => m.connection.options.type === "mysql";

/** A search word that looks like part of a ticket number ("2611-00042", "00042"): matched against numbers too. */
const NUMBER_FRAGMENT = /^(?:[a-z]{1,3}-?)?\d[\d-]{2,}$/i;

/** "The ticket's subject and description have every word" on the tickets alias, with the `ftq` parameter of fullTextParam. */
export function ticketTextMatch(m: EntityManager, alias: string): string {
  return isMysql(m) ? `MATCH (${alias}.subject, ${alias}.description) AGAINST (:ftq IN BOOLEAN MODE)` : `${alias}.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH :ftq)`;
}

/** The full-text query of the terms in the engine's language. */
export function fullTextParam(m: EntityManager, terms: string[]): string {
  return isMysql(m) ? booleanModeQuery(terms) : fts5Query(terms);
}

/**
 * Each kind of text (ticket number, ticket text, messages, reporter names) yields at most this many
 * tickets, the newest first: a word found in half a million tickets costs the same as one found in
 * a thousand, and the list (total included) is then computed over these. docs/search.md.
 */
export const SEARCH_CAP_PER_SOURCE = 1000;

/**
 * The ids of the tickets a search finds for the viewer among the tickets `base` selects (the list's
 * query with its row rule and filters, alias `t`), at most SEARCH_CAP_PER_SOURCE per kind of text,
 * newest first; null when the search has nothing to look for (every word under three letters).
 * Each kind is one query driven by its full-text index (SQLite: the FTS5 table in descending rowid
 * order, stopping at the cap; MariaDB: the FULLTEXT index, then the join), filtered by the list's
 * conditions, so the cap applies to what the viewer would see.
 */
export async function searchTicketIds(m: EntityManager, viewer: Viewer, q: string, base: SelectQueryBuilder<Ticket>): Promise<{ ids: number[]; capped: boolean } | null> {
  const terms = searchTerms(q);
  const trimmed = q.trim();
  const number = NUMBER_FRAGMENT.test(trimmed) ? trimmed : null;
  if (terms.length === 0 && !number) return null;
  const mysql = isMysql(m);
  const limit = SEARCH_CAP_PER_SOURCE + 1;
  const queries: SelectQueryBuilder<Ticket>[] = [];
  const from = () => base.clone().select("t.id", "id").offset(undefined).limit(limit);
  if (number) queries.push(from().andWhere("t.number LIKE :ftNumber ESCAPE '!'", { ftNumber: likeContaining(trimmed.toUpperCase()) }).orderBy("t.id", "DESC"));
  if (terms.length && (seesAllTickets(viewer) || isOpdViewer(viewer))) {
    const ftq = fullTextParam(m, terms);
    const opd = !seesAllTickets(viewer);
    // For an OPD: publik tickets only, and none with a stricter ticket merged into it (the gate
    // masks such a ticket's text with the merged reporters' identifiers).
    const publik = (qb: SelectQueryBuilder<Ticket>) =>
      opd ? qb.andWhere("t.privacy = 'publik' AND NOT EXISTS (SELECT 1 FROM tickets sx WHERE sx.merged_into_id = t.id AND sx.privacy <> 'publik')") : qb;
    // The ticket's own text.
    const own = from();
    if (mysql) own.andWhere("MATCH (t.subject, t.description) AGAINST (:ftq IN BOOLEAN MODE)", { ftq }).orderBy("t.id", "DESC");
    else own.innerJoin("tickets_fts", "fts", "fts.rowid = t.id").andWhere("fts.tickets_fts MATCH :ftq", { ftq }).orderBy("fts.rowid", "DESC");
    queries.push(publik(own));
    // Any message of the ticket the viewer may read (an OPD: not other OPDs' or the center's notes).
    const msg = from().innerJoin(Message, "sm", "sm.ticket_id = t.id");
    if (mysql) msg.andWhere("MATCH (sm.body) AGAINST (:ftq IN BOOLEAN MODE)", { ftq }).orderBy("sm.id", "DESC");
    else msg.innerJoin("messages_fts", "mf", "mf.rowid = sm.id").andWhere("mf.messages_fts MATCH :ftq", { ftq }).orderBy("mf.rowid", "DESC");
    if (opd) msg.andWhere("(sm.direction <> 'note' OR EXISTS (SELECT 1 FROM users nu WHERE nu.id = sm.author_user_id AND nu.agency_id = :ftAgency))", { ftAgency: viewer.agencyId ?? -1 });
    queries.push(publik(msg));
    // The reporter's name (an OPD knows it on publik tickets only).
    const name = from().orderBy("t.id", "DESC");
    if (mysql) name.innerJoin("contacts", "sc", "sc.id = t.contact_id").andWhere("MATCH (sc.name) AGAINST (:ftq IN BOOLEAN MODE)", { ftq });
    else name.innerJoin("contacts_fts", "cf", "cf.rowid = t.contact_id").andWhere("cf.contacts_fts MATCH :ftq", { ftq });
    queries.push(publik(name));
  }
  const ids = new Set<number>();
  let capped = false;
  for (const qb of queries) {
    const rows = await qb.getRawMany<{ id: number | string }>();
    if (rows.length >= limit) capped = true;
    for (const r of rows.slice(0, SEARCH_CAP_PER_SOURCE)) ids.add(Number(r.id));
  }
  return { ids: [...ids], capped };
}

/** Where a hit's snippet comes from. */
export type SearchHitSource = "number" | "subject" | "description" | "reporter" | "message";

export interface SearchHit {
  source: SearchHitSource;
  /** For a message: its direction (citizen, operator, internal note, OPD answer). */
  direction?: MessageDirection;
  messageId?: number;
  /** The excerpt with the matched words marked; text the viewer may read (through the gate). */
  parts: SnippetPart[];
}

/** A hit by ticket number: the number with the part searched for marked. */
function numberHit(number: string, q: string): SearchHit | null {
  const s = q.trim().toUpperCase();
  const at = NUMBER_FRAGMENT.test(s) ? number.indexOf(s) : -1;
  if (at < 0) return null;
  const parts: SnippetPart[] = [{ text: number.slice(0, at) }, { text: s, mark: true }, { text: number.slice(at + s.length) }];
  return { source: "number", parts: parts.filter((p) => p.text) };
}

/** Messages read per page of hits to find each hit's snippet. */
const SNIPPET_MESSAGES = 400;

/**
 * For each ticket of a page of hits, the excerpt that shows why it matched: the first of subject,
 * description, reporter's name (as the viewer knows it) and messages the viewer may read whose
 * text, as the gate gives it, contains every word; else the first that contains any.
 */
export async function searchHits(m: EntityManager, viewer: Viewer, rows: OpenedTicket[], q: string): Promise<Map<number, SearchHit | null>> {
  const out = new Map<number, SearchHit | null>();
  const terms = searchTerms(q);
  const ids = rows.map((o) => o.ticket.id);
  let messages: Message[] = [];
  if (terms.length && ids.length) {
    const qb = m
      .getRepository(Message)
      .createQueryBuilder("x")
      .select(["x.id", "x.ticketId", "x.direction", "x.body", "x.authorUserId"])
      .where({ ticketId: In(ids) });
    if (!seesAllTickets(viewer)) qb.andWhere("(x.direction <> 'note' OR EXISTS (SELECT 1 FROM users nu WHERE nu.id = x.author_user_id AND nu.agency_id = :noteAgency))", { noteAgency: viewer.agencyId ?? -1 });
    messages = await qb.orderBy("x.id", "ASC").limit(SNIPPET_MESSAGES).getMany();
  }
  for (const o of rows) {
    const t = o.ticket;
    if (terms.length === 0) {
      out.set(t.id, numberHit(t.number, q));
      continue;
    }
    const candidates: { source: SearchHitSource; text: string; direction?: MessageDirection; messageId?: number }[] = [
      { source: "subject", text: o.text(t.subject) },
      { source: "description", text: o.text(t.description) },
      ...(o.reporter?.name ? [{ source: "reporter" as const, text: o.reporter.name }] : []),
      ...messages.filter((x) => x.ticketId === t.id).map((x) => ({ source: "message" as const, text: o.text(x.body), direction: x.direction, messageId: x.id })),
    ];
    const best = candidates.find((c) => matchesAllTerms(c.text, terms)) ?? candidates.find((c) => snippet(c.text, terms));
    const parts = best ? snippet(best.text, terms) : null;
    if (best && parts) out.set(t.id, { source: best.source, ...(best.direction ? { direction: best.direction, messageId: best.messageId } : {}), parts });
    else out.set(t.id, numberHit(t.number, q));
  }
  return out;
}
