/**
 * The reporter's name in free text. Matching is on folded text (case, accents and full-width
 * letters do not matter) with positions mapped back to the original.
 *
 * - The whole name as a phrase: "Siti Nur Aisyah", "SITI NUR-AISYAH", "M. Rizky Al Fatih".
 * - Each distinctive token of at least 3 letters anywhere: "Budi", "budinya", "Pak Budi's",
 *   "B u d i", "B.U.D.I".
 * - Tokens that are also ordinary words ("Indah", "Putri", "Jaya") only in the phrase, after an
 *   honorific ("Bu Indah") or capitalised right next to another part of the name.
 * - Initials before a hidden name go with it: "B. Santoso".
 */
import { INDONESIAN_STOPWORDS } from "../routing/indonesian-text.js";
import type { PiiSpan } from "./mask.js";

/** Forms of address and titles: never a name on their own, and "Pak Budi" keeps its "Pak". */
export const HONORIFICS: readonly string[] = `pak bapak bpk bp bu ibu ny nyonya sdr sdri saudara saudari mas mbak mba kak kakak
  bang abang dik adik adek om tante teh teteh aa akang kang neng cak ning uda uni opung ompung mr mrs ms miss
  tuan nona haji hajjah hajah hj ustadz ustad ustaz ustazah dr drs dra ir prof bro sis mpok encik daeng bli
  mbok si sang pakde bude paklik bulik eyang mbah nenek kakek cik koh ci cece engkoh`
  .split(/\s+/)
  .filter(Boolean);

/** Academic degrees and name particles that say nothing about who someone is. */
const TITLES_AND_PARTICLES = new Set(
  `sh se spd ssos st mm mh mt msi mpd skm skep amd sked ssi sp phd msc ba ma mba mkes apt sag spdi sthi mag
  bin binti al el van der von de la le`.split(/\s+/),
);

/**
 * Ordinary Indonesian words that are also common names or parts of names. They are masked
 * only in the full name, after an honorific or next to another part of the name, so that
 * "jalannya indah" or "semoga jaya" stay readable.
 */
export const NAME_LIKE_WORDS: ReadonlySet<string> = new Set(
  `agung bagus baik bakti bening berlian bijak bintang bulan bunga cahaya cantik cinta damai dewa embun emas
  gagah gemilang harapan indah jaya jujur kasih langit lestari matahari melati mawar merdeka mulia murni
  mutiara pelangi permata perkasa pertiwi putih putra putri rahayu raja ratu raya rezeki rejeki sakti sari
  sejahtera senja setia suci surya tegar teguh tirta untung utama wangi adil aman amanah bahagia berkah
  budiman bumi cerah cita ceria sentosa sehat selamat sukses subur tenang tentram tulus abadi anugrah
  anugerah nikmat nama warga tani`.split(/\s+/),
);

const SUFFIXES = "nya|lah|kah|pun|ku|mu";
const SPACED_SEPARATOR = "[\\s.\\-_*·]{1,2}";
const PHRASE_JOINER = "[\\s.,'’\\-_]{1,3}";
const HONORIFIC_PATTERN = HONORIFICS.join("|");

interface Folded {
  text: string;
  /** Original index of the first / one past the last code unit behind each folded code unit. */
  from: number[];
  to: number[];
}

const SPECIAL_FOLDS: Record<string, string> = { ø: "o", Ø: "o", đ: "d", Đ: "d", ł: "l", Ł: "l", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ß: "ss", ı: "i" };

function fold(original: string): Folded {
  let text = "";
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = original.slice(i, i + len);
    const f =
      cp < 0x80 ? ch.toLowerCase() : (SPECIAL_FOLDS[ch] ?? ch.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, ""));
    for (let k = 0; k < f.length; k++) {
      text += f[k];
      from.push(i);
      to.push(i + len);
    }
    i += len;
  }
  return { text, from, to };
}

const foldString = (s: string) => fold(s).text;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function plainPattern(token: string): string {
  return [...token].map((c) => (c === "'" || c === "’" ? "['’`]?" : escapeRegExp(c))).join("");
}

/** "budi" or "b u d i" / "b.u.d.i" / "b-u-d-i" with the same separator throughout. */
function tokenPattern(token: string, spaced: boolean): string {
  const plain = plainPattern(token);
  const letters = [...token];
  if (!spaced || letters.length < 3 || !/^\p{L}+$/u.test(token)) return plain;
  const s = letters.map((c, k) => (k === 0 ? "" : k === 1 ? `(?<sep>${SPACED_SEPARATOR})` : "\\k<sep>") + escapeRegExp(c)).join("");
  return `(?:${plain}|${s})`;
}

interface NameTokens {
  phrase: string[];
  distinctive: string[];
  ordinary: string[];
}

function nameTokens(name: string): NameTokens {
  const phrase = foldString(name)
    .split(/[^\p{L}\p{N}'’]+/u)
    .map((t) => t.replace(/^['’]+|['’]+$/gu, ""))
    .filter(Boolean);
  const distinctive: string[] = [];
  const ordinary: string[] = [];
  for (const t of phrase) {
    const letters = t.replace(/[^\p{L}]/gu, "").length;
    if (letters < 3 || HONORIFICS.includes(t) || TITLES_AND_PARTICLES.has(t)) continue;
    if (NAME_LIKE_WORDS.has(t) || INDONESIAN_STOPWORDS.has(t)) ordinary.push(t);
    else distinctive.push(t);
  }
  return { phrase, distinctive, ordinary };
}

interface Hit {
  start: number;
  end: number;
}

function allMatches(re: RegExp, text: string): Hit[] {
  const hits: Hit[] = [];
  for (const m of text.matchAll(re)) hits.push({ start: m.index, end: m.index + m[0].length });
  return hits;
}

/** Spans (in the original text) of the given names. */
export function findNamePii(original: string, names: readonly string[]): PiiSpan[] {
  const parsed = names.filter((n) => n.trim()).map(nameTokens);
  if (parsed.length === 0) return [];
  const f = fold(original);
  const folded: Hit[] = [];
  const suffix = `(?:${SUFFIXES})?(?:['’]s)?(?!\\p{L})`;

  for (const n of parsed) {
    if (n.phrase.length >= 2) {
      const re = new RegExp(`(?<!\\p{L})${n.phrase.map(plainPattern).join(PHRASE_JOINER)}${suffix}`, "gu");
      folded.push(...allMatches(re, f.text));
    }
    for (const t of n.distinctive) {
      folded.push(...allMatches(new RegExp(`(?<!\\p{L})${tokenPattern(t, true)}${suffix}`, "gu"), f.text));
    }
    for (const t of n.ordinary) {
      const afterHonorific = new RegExp(`(?<=(?<!\\p{L})(?:${HONORIFIC_PATTERN})\\.?\\s{1,2})${plainPattern(t)}${suffix}`, "gu");
      folded.push(...allMatches(afterHonorific, f.text));
    }
  }

  const toOriginal = (h: Hit): Hit => ({ start: f.from[h.start]!, end: f.to[h.end - 1]! });
  const spans = folded.filter((h) => h.end > h.start).map(toOriginal);

  // Ordinary-word parts of the name join a neighbouring hit when capitalised: "Indah" in "Indah Budiarti".
  const ordinaryHits = parsed
    .flatMap((n) => n.ordinary)
    .flatMap((t) => allMatches(new RegExp(`(?<!\\p{L})${plainPattern(t)}${suffix}`, "gu"), f.text))
    .map(toOriginal)
    .filter((h) => /^\p{Lu}/u.test(original.slice(h.start, h.end)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const h of ordinaryHits) {
      if (spans.some((s) => s.start <= h.start && s.end >= h.end)) continue;
      const touches = spans.some((s) => /^[ \t]{1,2}$/.test(original.slice(s.end, h.start)) || /^[ \t]{1,2}$/.test(original.slice(h.end, s.start)));
      if (touches) {
        spans.push(h);
        changed = true;
      }
    }
  }

  // Initials in front of a hidden name: "B. Santoso", "M. R. Fatih".
  return spans.map((s) => {
    const before = original.slice(Math.max(0, s.start - 12), s.start);
    const initials = /(?<!\p{L})(?:\p{Lu}\.[ \t]?){1,3}$/u.exec(before);
    return { kind: "name" as const, start: initials ? s.start - initials[0].length : s.start, end: s.end };
  });
}
