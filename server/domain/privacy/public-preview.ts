/**
 * The public version of a report, as an operator approves it before publication: the automatic
 * masking (mask.ts) plus the phrases the operator redacted by hand, and what the console highlights
 * in it (what the masker hid, and what still looks like a name, a number or an address).
 */
import { isCommonWord } from "./common-words.js";
import { maskPublicText, REDACTION_TOKENS, TOKEN_PATTERN, type MaskOptions } from "./mask.js";
import { HONORIFICS } from "./pii-names.js";

/** At most this many hand redactions per report, each 2 to 200 characters. */
export const MAX_REDACTIONS = 50;
export const REDACTION_LENGTH = { min: 2, max: 200 } as const;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Trimmed, single-spaced, distinct (case-folded), longest first (so "Budi Santoso" goes before "Budi"). */
export function normalizeRedactions(phrases: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of phrases) {
    const t = p.replace(/\s+/g, " ").trim();
    if (t.length < REDACTION_LENGTH.min || t.length > REDACTION_LENGTH.max || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Every occurrence of each phrase (whole words, any case, any spacing) replaced by "[disamarkan]". */
export function applyRedactions(text: string, phrases: readonly string[]): string {
  let out = text;
  for (const p of normalizeRedactions(phrases)) {
    const body = p.split(" ").map(escapeRegExp).join("\\s+");
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "giu"), REDACTION_TOKENS.id);
  }
  return out;
}

/** The public version of one text: masked for the reporter's names, then the hand redactions. */
export function publicVersion(text: string, opts: Pick<MaskOptions, "names" | "people">, redactions: readonly string[]): string {
  return applyRedactions(maskPublicText(text, { names: opts.names ?? [], people: opts.people ?? [] }), redactions);
}

export const HIGHLIGHT_KINDS = ["masked", "name", "number", "address"] as const;
export type HighlightKind = (typeof HIGHLIGHT_KINDS)[number];
export interface Highlight {
  kind: HighlightKind;
  start: number;
  end: number;
}

const ADDRESS = /(?<![\p{L}\p{N}])(?i:jl|jln|jalan|gg|gang|blok|kav|komp|komplek|kompleks|perum|perumahan|rt|rw|no|nomor|dusun|kp|kampung|desa|kel|kelurahan|kec|kecamatan)\.?(?:[ \t]+|(?=\d))[\p{Lu}\p{N}][\p{L}\p{N}/.-]*(?:[ \t]+[\p{Lu}\p{N}][\p{L}\p{N}/.-]*){0,3}/gu;
const NUMBER = /\d(?:[\d.,/:-]*\d)?/g;
const CAPITALISED = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}?[\p{Ll}'’]+)*(?![\p{L}\p{N}])/gu;
const FORMS = new Set(HONORIFICS);

/**
 * What the console marks in a public version: tokens of the masker and of hand redactions
 * ("masked"), address-like phrases, numbers, and capitalised words that are not common words
 * (they may be names). Sorted and without overlaps (masked > address > number > name).
 */
export function highlightsOf(text: string): Highlight[] {
  const all: Highlight[] = [];
  const push = (kind: HighlightKind, re: RegExp, keep: (s: string) => boolean = () => true) => {
    for (const m of text.matchAll(re)) {
      if (!keep(m[0])) continue;
      // A sentence's full stop or comma after "Gg. Mawar." is not part of the address.
      const end = m.index + m[0].replace(/[.,/-]+$/, "").length;
      if (end > m.index) all.push({ kind, start: m.index, end });
    }
  };
  push("masked", TOKEN_PATTERN);
  push("address", ADDRESS);
  push("number", NUMBER);
  push("name", CAPITALISED, (w) => {
    const f = w.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    return !isCommonWord(f) && !FORMS.has(f);
  });
  const rank: Record<HighlightKind, number> = { masked: 0, address: 1, number: 2, name: 3 };
  all.sort((a, b) => rank[a.kind] - rank[b.kind] || a.start - b.start);
  const kept: Highlight[] = [];
  for (const h of all) if (!kept.some((k) => h.start < k.end && k.start < h.end)) kept.push(h);
  return kept.sort((a, b) => a.start - b.start);
}
