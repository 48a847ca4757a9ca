import { sha256Hex } from "../lib/crypto.js";

/**
 * The user-visible texts of a case, by table and column, with the entity property that holds each.
 * The audit event that writes one of these records the SHA-256 of the exact stored text in its
 * hashed payload (`after.texts`), so a text edited in the database afterwards no longer matches
 * its chain and `npm run audit:verify` names it. One definition: commands record with it, the
 * verifier reads rows with it (table and column names never come from the audit payload).
 */
export const CASE_TEXTS = {
  tickets: { subject: "subject", description: "description", location_text: "locationText" },
  messages: { subject: "subject", body: "body", body_html: "bodyHtml" },
  forwards: { instruction: "instruction", response: "response", return_reason: "returnReason" },
  ticket_ratings: { comment: "comment" },
  attachments: { file_name: "fileName" },
  // The public version an operator approved (answers: the JSON of every answer's public text).
  ticket_publications: { subject: "subject", description: "description", location_text: "locationText", answers: "answers" },
} as const;

export type CaseTextTable = keyof typeof CASE_TEXTS;
export type CaseTextColumn<T extends CaseTextTable> = keyof (typeof CASE_TEXTS)[T] & string;
type Props<T extends CaseTextTable> = (typeof CASE_TEXTS)[T][CaseTextColumn<T>] & string;

/** `after.texts` of an audit event: "forwards#12.response" -> digest of the stored text, null when there is none. */
export type TextDigests = Record<string, string | null>;

/**
 * SHA-256 (hex) of a text as stored: UTF-8 bytes (Node and both database drivers store a lone
 * surrogate as U+FFFD, and so does this). Null stays null, so a text put where there was none is
 * caught as well. A digest confirms a guessed exact text and reveals nothing else.
 */
export const textDigest = (text: string | null | undefined): string | null => (text == null ? null : sha256Hex(Buffer.from(text, "utf8")));

/** Digests of the names of files (attachments) written with a message or an answer. */
export const attachmentNameDigests = (rows: readonly { id: number; fileName: string }[]): TextDigests =>
  Object.assign({}, ...rows.map((r) => caseTextDigests("attachments", r.id, r)));

export const textRef = (table: CaseTextTable, id: number, column: string) => `${table}#${id}.${column}`;

/**
 * Digests of a row's texts for an audit event, from the entity (or the row being inserted) as it is
 * stored: all of the table's text columns, or only `columns` (the ones a command changed). A
 * property left undefined is stored as NULL, and recorded so.
 */
export function caseTextDigests<T extends CaseTextTable>(
  table: T,
  id: number,
  row: Partial<Record<Props<T>, string | null | undefined>>,
  columns?: readonly CaseTextColumn<T>[],
): TextDigests {
  const fields = CASE_TEXTS[table] as Record<string, string>;
  const out: TextDigests = {};
  for (const column of columns ?? (Object.keys(fields) as CaseTextColumn<T>[])) {
    out[textRef(table, id, column)] = textDigest((row as Record<string, string | null | undefined>)[fields[column]!]);
  }
  return out;
}

/** The text columns of `table` whose property a patch sets (the texts an edit changes). */
export function textColumnsIn<T extends CaseTextTable>(table: T, patch: object): CaseTextColumn<T>[] {
  const fields = CASE_TEXTS[table] as Record<string, string>;
  return (Object.keys(fields) as CaseTextColumn<T>[]).filter((c) => (patch as Record<string, unknown>)[fields[c]!] !== undefined);
}

const REF = /^([a-z_]+)#(\d+)\.([a-z_]+)$/;

/** Parses "forwards#12.response"; null for anything that is not a known table and column. */
export function parseTextRef(ref: string): { table: CaseTextTable; id: number; column: string } | null {
  const m = REF.exec(ref);
  if (!m) return null;
  const [, table, id, column] = m;
  if (!Object.hasOwn(CASE_TEXTS, table!)) return null;
  if (!Object.hasOwn(CASE_TEXTS[table as CaseTextTable], column!)) return null;
  return { table: table as CaseTextTable, id: Number(id), column: column! };
}
