/**
 * Full-text search terms, one rule for every search (staff ticket search, public `/laporan`):
 * docs/search.md. Pure code: the SQL that uses the terms is in server/queries/ticket-search.ts.
 *
 * Bahasa Indonesia builds words with affixes (jalan, jalanan, perjalanan; rusak, kerusakan). No
 * stemmer ships with MariaDB's InnoDB FULLTEXT or SQLite's FTS5, and an Indonesian stemmer in
 * the application could not be applied inside the database's index; so each word of a search is
 * a PREFIX of a word in the text ("jalan" finds "jalan" and "jalanan", "rusak" finds "rusaknya",
 * not "kerusakan"). Every word must occur (AND). Both engines tokenize on letters and digits.
 */

/** Words shorter than this are left out of a search: InnoDB does not index them (innodb_ft_min_token_size = 3). */
export const MIN_TERM_LENGTH = 3;
/** At most this many words of a search are used. */
export const MAX_TERMS = 6;

/**
 * InnoDB's default stopwords (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD) of 3 letters or more:
 * never indexed on MariaDB/MySQL, so they are left out of every search on both engines (the same
 * results on each). None is an Indonesian word of its own.
 */
const STOPWORDS = new Set(["about", "are", "com", "for", "from", "how", "that", "the", "this", "was", "what", "when", "where", "who", "will", "with", "und", "www"]);

const WORD = /[\p{L}\p{N}]+/gu;

/** The usable words of a search, lower case, in order, without repeats. */
export function searchTerms(q: string | null | undefined): string[] {
  if (!q) return [];
  const out: string[] = [];
  for (const w of q.toLowerCase().normalize("NFC").match(WORD) ?? []) {
    if (w.length < MIN_TERM_LENGTH || STOPWORDS.has(w) || out.includes(w)) continue;
    out.push(w);
    if (out.length >= MAX_TERMS) break;
  }
  return out;
}

/** MariaDB/MySQL `MATCH … AGAINST (? IN BOOLEAN MODE)`: every word required, as a prefix. Terms are letters and digits only. */
export const booleanModeQuery = (terms: string[]): string => terms.map((t) => `+${t}*`).join(" ");

/** SQLite FTS5 `MATCH ?`: every word as a quoted prefix (quoting keeps FTS5's own syntax out). */
export const fts5Query = (terms: string[]): string => terms.map((t) => `"${t}"*`).join(" AND ");

/**
 * The regular expression of "the term begins a word, case ignored", for the newest-first scans of
 * server/queries/ticket-search.ts (`text REGEXP pattern`); a text has every term when it matches
 * each term's pattern. Each engine's word start follows its own full-text tokenizer, so the scan
 * finds what the index finds: InnoDB's parser counts `_` as part of a word, SQLite's unicode61
 * does not. One simple pattern per term: PCRE2 skips ahead to the term's letters, about 15 times
 * faster than one pattern with a lookahead per term. Terms are letters and digits only.
 *  - mariadb: PCRE2, as MariaDB's REGEXP runs it;
 *  - sqlite: a JavaScript pattern for sqliteRegexp (flags `iu`).
 */
export function termRegexp(term: string, engine: "mariadb" | "sqlite"): string {
  return engine === "mariadb" ? `(?i)(?<![\\p{L}\\p{N}_])${term}` : `(?<![\\p{L}\\p{N}])${term}`;
}

const compiled = new Map<string, RegExp>();
/**
 * SQLite's `REGEXP` (`text REGEXP pattern` calls regexp(pattern, text)), registered on every
 * SQLite connection (config/data-source.ts): 1 when the text matches the termRegexp pattern.
 */
export function sqliteRegexp(pattern: unknown, text: unknown): 0 | 1 {
  if (typeof text !== "string" || typeof pattern !== "string") return 0;
  let re = compiled.get(pattern);
  if (!re) {
    if (compiled.size > 500) compiled.clear();
    re = new RegExp(pattern, "iu");
    compiled.set(pattern, re);
  }
  return re.test(text) ? 1 : 0;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Words of a text that begin with one of the terms (a word starts after a non-letter, non-digit). */
function termPattern(terms: string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escapeRe).join("|")})[\\p{L}\\p{N}]*`, "giu");
}

/** Whether every term begins a word of the text: the check on text a viewer may see (masked text included). */
export function matchesAllTerms(text: string, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const words = new Set((text.toLowerCase().match(WORD) ?? []));
  return terms.every((t) => [...words].some((w) => w.startsWith(t)));
}

/** A piece of a snippet: `mark` pieces are the matched words (the console shows them in <mark>). */
export interface SnippetPart {
  text: string;
  mark?: true;
}

/**
 * A short excerpt of `text` around its first matched word, cut at word boundaries, with every
 * matched word marked; null when no term occurs. Plain text pieces: the reader escapes them.
 */
export function snippet(text: string, terms: string[], width = 160): SnippetPart[] | null {
  if (terms.length === 0) return null;
  const flat = text.replace(/\s+/g, " ").trim();
  const re = termPattern(terms);
  const first = re.exec(flat);
  if (!first) return null;
  let from = Math.max(0, first.index - Math.floor(width / 3));
  let to = Math.min(flat.length, from + width);
  if (from > 0) {
    const sp = flat.indexOf(" ", from);
    from = sp >= 0 && sp < first.index ? sp + 1 : from;
  }
  if (to < flat.length) {
    const sp = flat.lastIndexOf(" ", to);
    to = sp > first.index + first[0].length ? sp : to;
  }
  const part = flat.slice(from, to);
  const out: SnippetPart[] = [];
  if (from > 0) out.push({ text: "… " });
  let last = 0;
  for (const m of part.matchAll(termPattern(terms))) {
    if (m.index > last) out.push({ text: part.slice(last, m.index) });
    out.push({ text: m[0], mark: true });
    last = m.index + m[0].length;
  }
  if (last < part.length) out.push({ text: part.slice(last) });
  if (to < flat.length) out.push({ text: " …" });
  return out;
}
