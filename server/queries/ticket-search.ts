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
import { In, type DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import { booleanModeQuery, fts5Query, matchesAllTerms, termRegexp, snippet, searchTerms, type SnippetPart } from "../domain/search/terms.js";
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
 * "`expr` has every word" as one REGEXP per word (terms.ts, termRegexp: MariaDB's PCRE2, or on
 * SQLite the `regexp` function of config/data-source.ts), for the newest-first scans; parameters
 * named `${prefix}0`, `${prefix}1`, ….
 */
export function regexpAllTerms(m: EntityManager, expr: string, terms: string[], prefix = "ftRx"): { where: string; params: Record<string, string> } {
  if (isMysql(m)) {
    return {
      where: terms.map((_, i) => `${expr} REGEXP :${prefix}${i}`).join(" AND "),
      params: Object.fromEntries(terms.map((t, i) => [`${prefix}${i}`, termRegexp(t, "mariadb")])),
    };
  }
  // SQLite: the regular expression runs in JavaScript, a call per row; a LIKE first (in C, ASCII
  // case folded) lets through only the rows that contain an ASCII term at all.
  const ascii = (t: string) => /^[\x20-\x7e]*$/.test(t);
  return {
    where: terms.map((t, i) => `${ascii(t) ? `${expr} LIKE :${prefix}L${i} ESCAPE '!' AND ` : ""}${expr} REGEXP :${prefix}${i}`).join(" AND "),
    params: Object.fromEntries(terms.flatMap((t, i) => [[`${prefix}${i}`, termRegexp(t, "sqlite")], ...(ascii(t) ? [[`${prefix}L${i}`, likeContaining(t)]] : [])])),
  };
}

/** The ticket's subject and description (tickets alias) as one text, for regexpAllTerms. */
export const ticketText = (alias: string) => `CONCAT_WS(' ', ${alias}.subject, ${alias}.description)`;

/**
 * A query with MariaDB's row budget (`LIMIT n ROWS EXAMINED budget`, the query's LIMIT set): it
 * ends after that many rows read with a warning and the rows found so far, so only a full LIMIT's
 * worth of rows is certainly complete.
 */
export async function withRowsExamined<R>(m: EntityManager, qb: SelectQueryBuilder<ObjectLiteral>, budget: number): Promise<R[]> {
  const [sql, params] = qb.getQueryAndParameters();
  return (await m.query(`${sql} ROWS EXAMINED ${Math.max(1, Math.trunc(budget))}`, params)) as R[];
}

/**
 * Each kind of text (ticket number, ticket text, messages, reporter names) yields at most this many
 * tickets, the newest first: a word found in half a million tickets costs the same as one found in
 * a thousand, and the list (total included) is then computed over these. docs/search.md.
 */
export const SEARCH_CAP_PER_SOURCE = 1000;

/**
 * The newest-first scan of a kind of text (docs/search.md, "Performance"), tried before the
 * full-text index. The index cannot stop early on a common word: InnoDB's FULLTEXT search produces
 * every matching document before the join and the sort (a word in half a million tickets: seconds),
 * and SQLite's FTS5 merges every document of a prefix query's terms before the first row (tens of
 * ms). The scan reads the newest rows in id order, checks each word with a regular expression and
 * stops at the cap, so such a word costs about cap / (share of rows with the word) rows.
 *
 * First a sample of the newest SCAN_SAMPLE_ROWS rows: a word it finds nowhere is rare, and the
 * index answers at once; otherwise the share found says how many rows the cap needs, and the scan
 * goes on (with twice that as its budget, the sample being only an estimate) when that is within
 * the engine's SCAN_ROWS_EXAMINED. A word too rare for that has fewer matches, which the index
 * finds sooner. MariaDB counts the rows read (LIMIT … ROWS EXAMINED; a join counts the rows of each
 * table); SQLite, which has no such clause, reads a window of that many ids.
 *
 * The budgets follow what each side costs, measured at 1M tickets and 2M messages: the scan about
 * 1 µs per row on MariaDB and 2 µs on SQLite (a JavaScript call per row); InnoDB's FULLTEXT search
 * 8–47 µs per match, FTS5's prefix merge about 0.04 µs per document. So MariaDB scans up to 250,000
 * rows (its worst case: a word in about 0.4% of the rows, some 250 ms), SQLite only 10,000 (words in
 * a quarter of the rows or more). docs/search.md.
 */
export const SCAN_SAMPLE_ROWS = 4_000;
export const SCAN_ROWS_EXAMINED = { mariadb: 250_000, sqlite: 10_000 } as const;

type ScanRow = { id: number | string; k: number | string };

interface Scan {
  /** Selects `id` (the ticket) and `k` (the scan's order column), newest first. */
  qb: SelectQueryBuilder<Ticket>;
  key: "t.id" | "sm.id";
  table: "tickets" | "messages";
}

/** The highest id of a table (SQLite's windows of the newest rows). */
const maxId = async (m: EntityManager, table: string): Promise<number> => Number(((await m.query(`SELECT MAX(id) AS n FROM ${table}`)) as { n: number | null }[])[0]?.n ?? 0);

/** Up to `limit` rows of a scan below the id `below` (or from the newest), reading about `budget` rows. */
async function scanRows(m: EntityManager, scan: Scan, limit: number, budget: number, below: number | null): Promise<ScanRow[]> {
  const qb = scan.qb.clone().limit(limit);
  if (below != null) qb.andWhere(`${scan.key} < :ftBelow`, { ftBelow: below });
  if (isMysql(m)) return withRowsExamined<ScanRow>(m, qb, budget);
  const top = below ?? (await maxId(m, scan.table)) + 1;
  return qb.andWhere(`${scan.key} >= :ftBottom`, { ftBottom: top - Math.max(1, Math.trunc(budget)) }).getRawMany<ScanRow>();
}

/**
 * The newest `limit` rows of a scan, or null when the budget (scanRows) is not enough or the sample
 * says it would not be: only a full page is the newest matches for certain. The scan goes on below
 * the sample's last match.
 */
async function scanToCap(m: EntityManager, scan: Scan, limit: number, budget: number): Promise<ScanRow[] | null> {
  const sampleRows = Math.min(SCAN_SAMPLE_ROWS, budget);
  const sample = await scanRows(m, scan, limit, sampleRows, null);
  if (sample.length >= limit) return sample;
  if (sample.length === 0 || budget <= sampleRows) return null;
  const needed = Math.ceil((sampleRows * limit) / sample.length);
  if (needed > budget) return null;
  const rest = await scanRows(m, scan, limit - sample.length, Math.min(budget, 2 * needed) - sampleRows, Number(sample[sample.length - 1]!.k));
  return sample.length + rest.length >= limit ? [...sample, ...rest] : null;
}

/** Whether the DataSource is MariaDB (LIMIT … ROWS EXAMINED; MySQL 8 has no such clause). */
const mariaDb = new WeakMap<DataSource, Promise<boolean>>();
export function isMariaDb(m: EntityManager): Promise<boolean> {
  if (!isMysql(m)) return Promise.resolve(false);
  let p = mariaDb.get(m.connection);
  if (!p) {
    p = m.connection.query("SELECT VERSION() AS v").then((r: { v: string }[]) => /mariadb/i.test(String(r[0]?.v ?? "")));
    mariaDb.set(m.connection, p);
  }
  return p;
}

/** One kind of text to search: its query over the index, and the newest-first scan that may answer first. */
interface SearchSource {
  /**
   * The query over the full-text index. SQLite, with `lead`: the index for that word alone and the
   * other words by regular expression (FTS5 merges every document of a prefix word before its first
   * row, so a common word in an AND costs its whole posting list even when the AND is rare).
   */
  indexed: (lead?: string) => SelectQueryBuilder<Ticket>;
  scan?: Scan & { count: WordCount };
}

/** Where rarestTerm counts a kind of text's words: the table, its alias and the text. */
interface WordCount {
  table: "tickets" | "messages" | "contacts";
  alias: string;
  text: string;
}

/**
 * SQLite: the search word found in the fewest of the newest SCAN_SAMPLE_ROWS rows of a kind of text
 * (a LIKE count: an estimate), to lead the index query when the scan did not answer.
 */
async function rarestTerm(m: EntityManager, count: WordCount, terms: string[]): Promise<string> {
  const top = await maxId(m, count.table);
  const sums = terms.map((_, i) => `SUM(CASE WHEN ${count.text} LIKE ? ESCAPE '!' THEN 1 ELSE 0 END) AS c${i}`).join(", ");
  const row = ((await m.query(`SELECT ${sums} FROM ${count.table} ${count.alias} WHERE ${count.alias}.id > ?`, [...terms.map(likeContaining), top - SCAN_SAMPLE_ROWS])) as Record<string, number | null>[])[0] ?? {};
  let best = terms[0]!;
  let least = Infinity;
  terms.forEach((t, i) => {
    const n = Number(row[`c${i}`] ?? 0);
    if (n < least || (n === least && t.length > best.length)) [best, least] = [t, n];
  });
  return best;
}

/**
 * The ids of the tickets a search finds for the viewer among the tickets `base` selects (the list's
 * query with its row rule and filters, alias `t`), at most SEARCH_CAP_PER_SOURCE per kind of text,
 * newest first; null when the search has nothing to look for (every word under three letters).
 * Each kind is one query driven by its full-text index (SQLite: the FTS5 table in descending rowid
 * order, stopping at the cap; MariaDB: the FULLTEXT index, then the join), filtered by the list's
 * conditions, so the cap applies to what the viewer would see. A newest-first scan with the words
 * as regular expressions is tried first (scanToCap; not on MySQL 8, which has no row budget): when
 * it reaches the cap it has found the same newest tickets the index would (a common word);
 * otherwise the index answers (a rarer word, so few matches). `answeredByScan` counts the kinds of
 * text the scan answered.
 */
export async function searchTicketIds(
  m: EntityManager,
  viewer: Viewer,
  q: string,
  base: SelectQueryBuilder<Ticket>,
  { cap = SEARCH_CAP_PER_SOURCE, scanRows = SCAN_ROWS_EXAMINED[isMysql(m) ? "mariadb" : "sqlite"] }: { cap?: number; scanRows?: number } = {},
): Promise<{ ids: number[]; capped: boolean; answeredByScan: number } | null> {
  const terms = searchTerms(q);
  const trimmed = q.trim();
  const number = NUMBER_FRAGMENT.test(trimmed) ? trimmed : null;
  if (terms.length === 0 && !number) return null;
  const mysql = isMysql(m);
  const scans = terms.length > 0 && scanRows > 0 && (!mysql || (await isMariaDb(m)));
  const limit = cap + 1;
  const sources: SearchSource[] = [];
  const from = () => base.clone().select("t.id", "id").offset(undefined).limit(limit);
  if (number) sources.push({ indexed: () => from().andWhere("t.number LIKE :ftNumber ESCAPE '!'", { ftNumber: likeContaining(trimmed.toUpperCase()) }).orderBy("t.id", "DESC") });
  if (terms.length && (seesAllTickets(viewer) || isOpdViewer(viewer))) {
    const ftq = fullTextParam(m, terms);
    const ownRx = regexpAllTerms(m, ticketText("t"), terms);
    const msgRx = regexpAllTerms(m, "sm.body", terms);
    const nameRx = regexpAllTerms(m, "sc.name", terms);
    const opd = !seesAllTickets(viewer);
    // For an OPD: publik tickets only, and none with a stricter ticket merged into it (the gate
    // masks such a ticket's text with the merged reporters' identifiers).
    const publik = (qb: SelectQueryBuilder<Ticket>) =>
      opd ? qb.andWhere("t.privacy = 'publik' AND NOT EXISTS (SELECT 1 FROM tickets sx WHERE sx.merged_into_id = t.id AND sx.privacy <> 'publik')") : qb;
    // SQLite's index query: every word through FTS5, or (lead) that word alone and the others by
    // regular expression on `text`.
    const fts = (qb: SelectQueryBuilder<Ticket>, table: string, alias: string, text: string, lead?: string) => {
      if (!lead) return qb.andWhere(`${alias}.${table} MATCH :ftq`, { ftq });
      qb.andWhere(`${alias}.${table} MATCH :ftLead`, { ftLead: fullTextParam(m, [lead]) });
      const rest = terms.filter((t) => t !== lead);
      if (rest.length) {
        const rx = regexpAllTerms(m, text, rest, "ftRest");
        qb.andWhere(rx.where, rx.params);
      }
      return qb;
    };
    // The ticket's own text.
    sources.push({
      indexed: (lead) =>
        publik(
          mysql
            ? from().andWhere("MATCH (t.subject, t.description) AGAINST (:ftq IN BOOLEAN MODE)", { ftq }).orderBy("t.id", "DESC")
            : fts(from().innerJoin("tickets_fts", "fts", "fts.rowid = t.id"), "tickets_fts", "fts", ticketText("t"), lead).orderBy("fts.rowid", "DESC"),
        ),
      scan: scans
        ? { qb: publik(from().addSelect("t.id", "k").andWhere(ownRx.where, ownRx.params).orderBy("t.id", "DESC")), key: "t.id", table: "tickets", count: { table: "tickets", alias: "t", text: ticketText("t") } }
        : undefined,
    });
    // Any message of the ticket the viewer may read (an OPD: not other OPDs' or the center's notes).
    const msg = () => {
      const qb = from().innerJoin(Message, "sm", "sm.ticket_id = t.id");
      if (opd) qb.andWhere("(sm.direction <> 'note' OR EXISTS (SELECT 1 FROM users nu WHERE nu.id = sm.author_user_id AND nu.agency_id = :ftAgency))", { ftAgency: viewer.agencyId ?? -1 });
      return publik(qb);
    };
    sources.push({
      indexed: (lead) =>
        mysql
          ? msg().andWhere("MATCH (sm.body) AGAINST (:ftq IN BOOLEAN MODE)", { ftq }).orderBy("sm.id", "DESC")
          : fts(msg().innerJoin("messages_fts", "mf", "mf.rowid = sm.id"), "messages_fts", "mf", "sm.body", lead).orderBy("mf.rowid", "DESC"),
      scan: scans ? { qb: msg().addSelect("sm.id", "k").andWhere(msgRx.where, msgRx.params).orderBy("sm.id", "DESC"), key: "sm.id", table: "messages", count: { table: "messages", alias: "sm", text: "sm.body" } } : undefined,
    });
    // The reporter's name (an OPD knows it on publik tickets only).
    const name = () => from().orderBy("t.id", "DESC");
    sources.push({
      indexed: (lead) =>
        publik(
          mysql
            ? name().innerJoin("contacts", "sc", "sc.id = t.contact_id").andWhere("MATCH (sc.name) AGAINST (:ftq IN BOOLEAN MODE)", { ftq })
            : fts(name().innerJoin("contacts", "sc", "sc.id = t.contact_id").innerJoin("contacts_fts", "cf", "cf.rowid = sc.id"), "contacts_fts", "cf", "sc.name", lead),
        ),
      scan: scans
        ? {
            qb: publik(name().addSelect("t.id", "k").innerJoin("contacts", "sc", "sc.id = t.contact_id").andWhere(nameRx.where, nameRx.params)),
            key: "t.id",
            table: "tickets",
            count: { table: "contacts", alias: "sc", text: "sc.name" },
          }
        : undefined,
    });
  }
  // The kinds of text are searched at once (MariaDB: each on its own pooled connection).
  const found = await Promise.all(
    sources.map(async (source) => {
      const scanned = source.scan ? await scanToCap(m, source.scan, limit, scanRows) : null;
      if (scanned) return { rows: scanned, byScan: true };
      // SQLite, several words the scan did not find enough of: the rarest leads the index query.
      const lead = !mysql && source.scan && terms.length > 1 ? await rarestTerm(m, source.scan.count, terms) : undefined;
      return { rows: await source.indexed(lead).getRawMany<{ id: number | string }>(), byScan: false };
    }),
  );
  const ids = new Set<number>();
  let capped = false;
  let answeredByScan = 0;
  for (const { rows, byScan } of found) {
    if (byScan) answeredByScan++;
    if (rows.length >= limit) capped = true;
    for (const r of rows.slice(0, cap)) ids.add(Number(r.id));
  }
  return { ids: [...ids], capped, answeredByScan };
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
