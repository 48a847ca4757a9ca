/**
 * The reporter's name in free text. Matching is on folded text (case, accents and full-width
 * letters do not matter) with positions mapped back to the original.
 *
 * - The whole name as a phrase: "Siti Nur Aisyah", "SITI NUR-AISYAH", "M. Rizky Al Fatih".
 * - Each distinctive token of at least 4 letters anywhere, as a whole word (an Indonesian suffix
 *   or a possessive may follow): "Budi", "budinya", "Pak Budi's", "B u d i", "B.U.D.I"; never
 *   inside another word ("Budiman", "Subudi").
 * - Tokens of exactly 3 letters ("Edi", "Ani") alone only when written with a capital, so that a
 *   name like "img" or "ani" does not hide ordinary lower-case text; shorter ones never alone.
 * - Tokens that are also ordinary words (names like "Indah", "Putri", "Jaya"; common Indonesian,
 *   English and web words like "jalan", "alert", "img": common-words.ts) only in the phrase, after
 *   an honorific ("Bu Indah") or capitalised right next to another part of the name.
 * - Initials before a hidden name go with it: "B. Santoso".
 *
 * findTitledNamePii finds third persons' names, which no list gives: the capitalised words after
 * a form of address or title ("Pak Bambang Sugiarto", "dr. Rina", "H. Ahmad", "Sdri. Lestari").
 */
import { isCommonWord } from "./common-words.js";
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
  /** Three-letter tokens: alone only when capitalised in the text. */
  short: string[];
  ordinary: string[];
}

function nameTokens(name: string): NameTokens {
  const phrase = foldString(name)
    .split(/[^\p{L}\p{N}'’]+/u)
    .map((t) => t.replace(/^['’]+|['’]+$/gu, ""))
    .filter(Boolean);
  const distinctive: string[] = [];
  const short: string[] = [];
  const ordinary: string[] = [];
  for (const t of phrase) {
    const letters = t.replace(/[^\p{L}]/gu, "").length;
    if (letters < 3 || HONORIFICS.includes(t) || TITLES_AND_PARTICLES.has(t)) continue;
    if (NAME_LIKE_WORDS.has(t) || isCommonWord(t)) ordinary.push(t);
    else if (letters === 3) short.push(t);
    else distinctive.push(t);
  }
  return { phrase, distinctive, short, ordinary };
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
    for (const t of n.short) {
      const capitalised = allMatches(new RegExp(`(?<!\\p{L})${tokenPattern(t, true)}${suffix}`, "gu"), f.text).filter((h) => /^\p{Lu}/u.test(original.slice(f.from[h.start]!, f.to[h.end - 1]!)));
      folded.push(...capitalised);
    }
    for (const t of [...n.ordinary, ...n.short]) {
      const afterHonorific = new RegExp(`(?<=(?<!\\p{L})(?:${HONORIFIC_PATTERN})\\.?\\s{1,2})${plainPattern(t)}${suffix}`, "gu");
      folded.push(...allMatches(afterHonorific, f.text));
    }
  }

  const toOriginal = (h: Hit): Hit => ({ start: f.from[h.start]!, end: f.to[h.end - 1]! });
  const spans = folded.filter((h) => h.end > h.start).map(toOriginal);

  // Ordinary-word parts of the name join a neighbouring hit when capitalised: "Indah" in "Indah Budiarti".
  const ordinaryHits = parsed
    .flatMap((n) => [...n.ordinary, ...n.short])
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

/** Forms of address and titles that introduce a third person's name (folded, without the dot). */
const NAME_INTRODUCERS = `pak bapak bpk bp bu ibu ny nyonya tn tuan sdr sdri saudara saudari mas mbak kak bang dik
  haji hajjah hj ustadz ustad ustaz ustazah kh dr drs dra ir prof almarhum alm almarhumah`
  .split(/\s+/)
  .filter(Boolean);
/** Introducers written only with their dot ("H. Ahmad"; "H" alone is too often something else). */
const DOTTED_ONLY = ["h"];
/** After these, a lower-case word is a name too ("pak bambang"); after titles only capitalised words are. */
const EVERYDAY_ADDRESS = new Set(["pak", "bapak", "bpk", "bu", "ibu", "sdr", "sdri", "saudara", "saudari", "mas", "mbak"]);
const NAME_PARTICLES = new Set(["bin", "binti", "al", "el", "van", "der", "von", "de"]);

/**
 * Third persons' names introduced by a form of address or a title: "Pak Bambang Sugiarto",
 * "Bu Sri", "dr. Rina Marlina", "H. Ahmad", "Ir. Joko W.", "pak bambang". The introducer stays
 * readable; up to four following name words (capitalised, or one lower-case word after an everyday
 * form of address) are the finding. Roles and ordinary words end the name ("Pak Camat", "ibu kota",
 * "Bapak dapat menghubungi"), and titles may stack ("Bapak H. Ahmad", "Prof. Dr. Ir. Sari").
 */
export function findTitledNamePii(original: string): PiiSpan[] {
  const intro = new RegExp(`(?<![\\p{L}\\p{N}])(?:(${NAME_INTRODUCERS.join("|")})\\.?|(${DOTTED_ONLY.join("|")})\\.)(?=[ \\t]{1,2}\\S)`, "giu");
  const word = /^[ \t]{1,2}((?:\p{Lu}\.)|(?:[\p{L}][\p{L}'’]*(?:-[\p{L}][\p{L}'’]*)*))/u;
  const spans: PiiSpan[] = [];
  for (const m of original.matchAll(intro)) {
    if (m[2] && m[2] !== "H") continue;
    const everyday = m[1] ? EVERYDAY_ADDRESS.has(m[1].toLowerCase()) : false;
    let at = m.index + m[0].length;
    let start = -1;
    let end = -1;
    for (let n = 0; n < 6; n++) {
      const w = word.exec(original.slice(at));
      if (!w) break;
      const token = w[1]!;
      const folded = foldString(token.replace(/\.$/, ""));
      const isInitial = /^\p{Lu}\.$/u.test(token);
      const isTitle = NAME_INTRODUCERS.includes(folded) || TITLES_AND_PARTICLES.has(folded) || (isInitial && DOTTED_ONLY.includes(folded));
      const capitalised = /^\p{Lu}/u.test(token);
      if (start < 0 && isTitle && !NAME_PARTICLES.has(folded)) {
        // Stacked titles before the name: "Bapak H. Ahmad", "Prof. Dr. Ir. Sari".
        at += w[0].length + (original[at + w[0].length] === "." ? 1 : 0);
        continue;
      }
      if (start >= 0 && NAME_PARTICLES.has(folded) && !capitalised) {
        at += w[0].length;
        continue;
      }
      const nameWord = isInitial || (!isCommonWord(folded) && !NAME_LIKE_WORDS.has(folded) && folded.replace(/[^\p{L}]/gu, "").length >= 2 && (capitalised || (everyday && start < 0 && folded.length >= 3 && !/(?:nya|lah|kah|pun)$/u.test(folded))));
      const nameLikeCapitalised = capitalised && NAME_LIKE_WORDS.has(folded);
      if (!nameWord && !nameLikeCapitalised) break;
      if (start < 0) start = at + w[0].length - token.length;
      end = at + w[0].length;
      at = end;
      if (!capitalised) break;
    }
    if (start >= 0 && end > start) spans.push({ kind: "name", start, end });
  }
  return spans;
}
