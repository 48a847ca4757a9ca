/**
 * Masking for erasure (UU PDP 27/2022 right to erasure, and the retention policy): one citizen's
 * identifiers are removed from a case's texts while the case itself stays readable for
 * accountability. It is the public masker (every NIK, phone number and e-mail address, and the
 * citizen's names) followed by the citizen's own identifiers taken literally, whatever their
 * shape: a Telegram id or a short number the generic patterns leave alone, a NIK typed with
 * separators, a phone number in any format (matched on its national digits).
 */
import { MASK_TOKENS, maskPublicText } from "./mask.js";

export interface SubjectIdentifiers {
  /** Names (contact name, display names on channels, names the citizen gave). */
  names: string[];
  /** Phone numbers as E.164 (or any format): matched on their national significant digits. */
  phones: string[];
  /** NIKs and other numbers (16-digit id, Telegram id...): matched digit by digit across separators. */
  numbers: string[];
  /** E-mail addresses, usernames and other channel addresses: matched case-insensitively as they are. */
  literals: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const TOKENS = MASK_TOKENS.id;

/** "+6281234567890", "081234567890", "62812…" -> "81234567890": the part every spelling contains. */
export function nationalDigits(phone: string): string {
  const d = phone.replace(/\D/g, "");
  if (d.startsWith("62")) return d.slice(2);
  if (d.startsWith("0")) return d.slice(1);
  return d;
}

/** Digits with up to two separators (space, dot, dash, brackets) between any two of them. */
function digitPattern(digits: string): RegExp {
  return new RegExp(`(?<!\\d)${[...digits].map(escapeRe).join("[\\s.\\-()\\u00a0]{0,2}")}(?!\\d)`, "g");
}

interface Compiled {
  names: string[];
  rules: { re: RegExp; token: string }[];
}

export function compileIdentifiers(ids: SubjectIdentifiers): Compiled {
  const names = [...new Set(ids.names.map((n) => n.trim()).filter((n) => n.length >= 2))];
  const rules: Compiled["rules"] = [];
  const seen = new Set<string>();
  const add = (key: string, re: RegExp, token: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    rules.push({ re, token });
  };
  for (const l of ids.literals) {
    const s = l.trim();
    if (s.length < 3) continue;
    add(`l:${s.toLowerCase()}`, new RegExp(escapeRe(s), "gi"), s.includes("@") ? TOKENS.email : "[identitas disamarkan]");
  }
  for (const p of ids.phones) {
    const d = nationalDigits(p);
    if (d.length >= 6) add(`d:${d}`, digitPattern(d), TOKENS.phone);
  }
  for (const n of ids.numbers) {
    const d = n.replace(/\D/g, "");
    if (d.length >= 5) add(`d:${d}`, digitPattern(d), d.length === 16 ? TOKENS.nik : "[identitas disamarkan]");
  }
  for (const n of names) add(`n:${n.toLowerCase()}`, new RegExp(n.split(/\s+/).map(escapeRe).join("[\\s.,\\-]{1,3}"), "gi"), TOKENS.name);
  return { names, rules };
}

/** The text without the citizen's identifiers (and without any NIK, phone number or e-mail address). */
export function eraseText(text: string, c: Compiled): string;
export function eraseText(text: string | null, c: Compiled): string | null;
export function eraseText(text: string | null, c: Compiled): string | null {
  if (text == null || text === "") return text;
  let out = maskPublicText(text, { names: c.names });
  for (const r of c.rules) out = out.replace(r.re, r.token);
  return out;
}

/** True when the text still holds one of the citizen's identifiers (the rules above). */
export function mentionsSubject(text: string, c: Compiled): boolean {
  return c.rules.some((r) => {
    r.re.lastIndex = 0;
    const hit = r.re.test(text);
    r.re.lastIndex = 0;
    return hit;
  });
}

/**
 * A JSON document (an audit payload, a template's parameters) with every string value erased.
 * Keys listed in `keep` (e.g. "texts", whose values are digests) are left as they are.
 */
export function eraseJson(json: string | null, c: Compiled, keep: ReadonlySet<string> = new Set(["texts"])): string | null {
  if (json == null) return json;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return eraseText(json, c);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return eraseText(v, c);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keep.has(k) ? x : walk(x)]));
    return v;
  };
  return JSON.stringify(walk(value));
}
