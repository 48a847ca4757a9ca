/**
 * Masking of every text shown publicly (status page, public feed, Open311): NIK, phone numbers,
 * e-mail addresses, the reporter's name, other known persons' names and third persons introduced by
 * a form of address or title ("Pak Bambang Sugiarto") are replaced by a visible token, however they
 * were typed. It errs on the side of hiding: two nearby findings that overlap become one token, and
 * anything ambiguous between a phone number and a number with a meaning (dates, amounts,
 * ticket numbers, RT/RW, house numbers) is decided by the rules in pii-numbers.ts.
 *
 * Public presenters call maskPublicText on every free text they emit; it is idempotent, so
 * masking already-masked text changes nothing.
 */
import { findEmailPii } from "./pii-emails.js";
import { findNamePii, findTitledNamePii } from "./pii-names.js";
import { findNumberPii } from "./pii-numbers.js";

export const PII_KINDS = ["nik", "phone", "email", "name"] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** A finding: text.slice(start, end) is personal data of this kind. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

export const MASK_LOCALES = ["id", "en"] as const;
export type MaskLocale = (typeof MASK_LOCALES)[number];

/** What replaces each kind of finding, per page language. */
export const MASK_TOKENS: Readonly<Record<MaskLocale, Readonly<Record<PiiKind, string>>>> = {
  id: {
    nik: "[NIK disamarkan]",
    phone: "[nomor telepon disamarkan]",
    email: "[email disamarkan]",
    name: "[nama disamarkan]",
  },
  en: {
    nik: "[ID number hidden]",
    phone: "[phone number hidden]",
    email: "[email hidden]",
    name: "[name hidden]",
  },
};

export interface MaskOptions {
  /** The reporter's names (full name, display names of the channel accounts, ...). Empty entries are ignored. */
  names?: readonly (string | null | undefined)[];
  /**
   * Other persons the system knows (staff names…): masked by the same rules as the reporter's
   * names (whole tokens, never common words).
   */
  people?: readonly (string | null | undefined)[];
  /** Language of the replacement tokens; default "id". */
  locale?: MaskLocale;
  /**
   * Official contacts that may stay readable, e.g. the OPD's complaint line or address quoted
   * in an answer: "(022) 4232448", "pengaduan@jabarprov.go.id". Compared by digits / case-folded.
   */
  publicContacts?: readonly string[];
}

/** What replaces a phrase an operator redacted by hand before publication (public-preview.ts). */
export const REDACTION_TOKENS: Readonly<Record<MaskLocale, string>> = { id: "[disamarkan]", en: "[hidden]" };

/** When two findings overlap, the merged one is named after the kind that comes first here. */
const PRIORITY: Record<PiiKind, number> = { email: 0, nik: 1, phone: 2, name: 3 };

const ALL_TOKENS = MASK_LOCALES.flatMap((l) => [...PII_KINDS.map((k) => MASK_TOKENS[l][k]), REDACTION_TOKENS[l]]);
/** Any masking or redaction token, in either language. */
export const TOKEN_PATTERN = new RegExp(ALL_TOKENS.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
const ID_TO_EN = new Map<string, string>([...PII_KINDS.map((k) => [MASK_TOKENS.id[k], MASK_TOKENS.en[k]] as [string, string]), [REDACTION_TOKENS.id, REDACTION_TOKENS.en]]);

/** "+62 22 4232448" and "(022) 423-2448" are the same line; e-mail addresses compare case-folded. */
function contactKey(s: string): string {
  if (s.includes("@")) return s.trim().toLowerCase();
  const d = s.replace(/\D/g, "");
  if (d.startsWith("620")) return d.slice(2);
  return d.startsWith("62") ? `0${d.slice(2)}` : d;
}

/** Every finding in text, sorted, non-overlapping (overlaps are merged). */
export function findPii(text: string, opts: MaskOptions = {}): PiiSpan[] {
  const names = [...(opts.names ?? []), ...(opts.people ?? [])].filter((n): n is string => typeof n === "string" && n.trim() !== "");
  const found = [...findEmailPii(text), ...findNumberPii(text), ...findNamePii(text, names), ...findTitledNamePii(text)];

  // Tokens from an earlier masking are not personal data ("[nama disamarkan]" for a reporter called "Nama").
  const masked = [...text.matchAll(TOKEN_PATTERN)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const allowed = new Set((opts.publicContacts ?? []).map(contactKey).filter((k) => k !== ""));
  const spans = found.filter(
    (s) =>
      s.end > s.start &&
      !masked.some((m) => s.start < m.end && m.start < s.end) &&
      !((s.kind === "phone" || s.kind === "email") && allowed.has(contactKey(text.slice(s.start, s.end)))),
  );

  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (PRIORITY[s.kind] < PRIORITY[last.kind]) last.kind = s.kind;
    } else if (last && last.kind === "name" && s.kind === "name" && /^[ \t]{1,3}$/.test(text.slice(last.end, s.start))) {
      // "Budi Santoso" is one name, one token.
      last.end = s.end;
    } else {
      merged.push({ ...s });
    }
  }
  return merged;
}

/** The text with every NIK, phone number, e-mail address and given name replaced by a token. */
export function maskPublicText(text: string, opts: MaskOptions = {}): string {
  const tokens = MASK_TOKENS[opts.locale ?? "id"];
  let out = "";
  let at = 0;
  for (const s of findPii(text, opts)) {
    out += text.slice(at, s.start) + tokens[s.kind];
    at = s.end;
  }
  return out + text.slice(at);
}

/** Indonesian tokens (as a stored public version carries them) in the page's language. */
export function localizeMaskTokens(text: string, locale: MaskLocale): string {
  return locale === "en" ? text.replace(TOKEN_PATTERN, (t) => ID_TO_EN.get(t) ?? t) : text;
}

/** True when maskPublicText would change something. */
export function containsPii(text: string, opts: MaskOptions = {}): boolean {
  return findPii(text, opts).length > 0;
}
