/**
 * NIK and phone numbers in free text, however they are typed. Digits are read in "runs":
 * digit groups joined by at most a few spaces, a dash, a dot, brackets or invisible
 * characters, so "+62 812-3456-7890", "(021) 555 1234", "3201.0123.4567.0001" and
 * "0 8 1 2 3 4 5 6 7 8 9" are each one run. Inside a run the longest stretches of groups
 * that form a number are chosen, clearly Indonesian numbers before generic ones, so a date,
 * an amount or a list number beside a phone number stays readable.
 *
 * Left alone: dates (12-05-2026, 2026-11-23), times (10.30), amounts (Rp 1.500.000,
 * 2.500.000.000), decimals (107.609810), ticket numbers (ADU-2611-00042), RT/RW and house
 * numbers, years, postal codes and any number shorter than 9 digits (7 with a "+" or after
 * "HP"/"WA"/"telp").
 */
import type { PiiSpan } from "./mask.js";

type NumberKind = "nik" | "phone";

// ---- characters -------------------------------------------------------------------------

const digitCache = new Map<number, number>();
const ND = /\p{Nd}/u;

/** 0..9 for any decimal digit of the Basic Multilingual Plane (full-width, Arabic-Indic, ...), else -1. */
function digitValue(code: number): number {
  if (!(code >= 0)) return -1;
  if (code >= 48 && code <= 57) return code - 48;
  if (code < 0x660 || code > 0xffff) return -1;
  const cached = digitCache.get(code);
  if (cached !== undefined) return cached;
  let value = -1;
  if (ND.test(String.fromCharCode(code))) {
    // Unicode encodes every decimal digit set as ten consecutive code points, zero first.
    let zero = code;
    while (zero > 0 && ND.test(String.fromCharCode(zero - 1))) zero--;
    value = (code - zero) % 10;
  }
  digitCache.set(code, value);
  return value;
}

const isSpace = (c: number) =>
  c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
const isInvisible = (c: number) => c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
const isDash = (c: number) => c === 0x2d || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xfe58 || c === 0xfe63 || c === 0xff0d;
const isDot = (c: number) => c === 0x2e || c === 0xb7 || c === 0x2024 || c === 0x2027 || c === 0xff0e;
const isPlus = (c: number) => c === 0x2b || c === 0xff0b;
const isOpen = (c: number) => c === 0x28 || c === 0xff08;
const isClose = (c: number) => c === 0x29 || c === 0xff09;

// ---- runs and groups --------------------------------------------------------------------

interface Group {
  /** First character, including a "(" or "+" that leads the digits. */
  start: number;
  /** Just after the "(" and its space: where the span starts when the bracket is left out. */
  innerStart: number;
  digitEnd: number;
  /** After a closing ")" when there is one. */
  end: number;
  digits: string;
  plus: boolean;
  open: boolean;
  close: boolean;
  /** Separator before this group: did it contain whitespace, which punctuation ("-", ".", "_"). */
  spaceBefore: boolean;
  punctBefore: string | null;
}

interface Run {
  groups: Group[];
  start: number;
  end: number;
}

class Scanner {
  constructor(private readonly text: string) {}

  code(i: number): number {
    return i >= 0 && i < this.text.length ? this.text.charCodeAt(i) : -1;
  }

  digit(i: number): number {
    const c = this.code(i);
    return c < 0 ? -1 : digitValue(c);
  }

  skipSpaces(i: number, max: number): number {
    let n = 0;
    while (n < max && isSpace(this.code(i))) {
      i++;
      n++;
    }
    return i;
  }

  skipInvisible(i: number): number {
    while (isInvisible(this.code(i))) i++;
    return i;
  }

  /** "(", "+", "(+", "+(" before digits. */
  lead(p: number, allowPlus: boolean): { innerStart: number; digitStart: number; open: boolean; plus: boolean } | null {
    let q = p;
    let open = false;
    let plus = false;
    if (isOpen(this.code(q))) {
      open = true;
      q = this.skipSpaces(q + 1, 1);
    }
    const innerStart = q;
    if (allowPlus && isPlus(this.code(q))) {
      plus = true;
      q = this.skipSpaces(q + 1, 1);
      if (!open && isOpen(this.code(q))) {
        open = true;
        q = this.skipSpaces(q + 1, 1);
      }
    }
    return this.digit(q) >= 0 ? { innerStart, digitStart: q, open, plus } : null;
  }

  group(start: number, lead: NonNullable<ReturnType<Scanner["lead"]>>, spaceBefore: boolean, punctBefore: string | null): Group {
    let q = lead.digitStart;
    let digits = "";
    for (let d = this.digit(q); d >= 0; d = this.digit(++q)) digits += String(d);
    const digitEnd = q;
    let end = digitEnd;
    let close = false;
    const afterSpace = this.skipSpaces(q, 1);
    if (lead.open && isClose(this.code(afterSpace))) {
      close = true;
      end = afterSpace + 1;
    }
    return { start, innerStart: lead.innerStart, digitEnd, end, digits, plus: lead.plus, open: lead.open, close, spaceBefore, punctBefore };
  }

  /** Whitespace (up to 3), one dash, dot or underscore with a space either side, or invisible characters. */
  separator(q: number): { end: number; space: boolean; punct: string | null } | null {
    let r = this.skipInvisible(q);
    const beforeSpaces = r;
    r = this.skipSpaces(r, 3);
    let space = r > beforeSpaces;
    r = this.skipInvisible(r);
    let punct: string | null = null;
    const c = this.code(r);
    if (isDash(c) || isDot(c) || c === 0x5f) {
      punct = isDash(c) ? "-" : isDot(c) ? "." : "_";
      r = this.skipInvisible(r + 1);
      const afterPunct = r;
      r = this.skipInvisible(this.skipSpaces(r, 2));
      space ||= r > afterPunct;
    }
    return r === q ? null : { end: r, space, punct };
  }

  run(p: number): Run | null {
    const first = this.lead(p, true);
    if (!first) return null;
    const groups: Group[] = [this.group(p, first, false, null)];
    for (;;) {
      const last = groups[groups.length - 1]!;
      let sep = this.separator(last.end);
      // "(021)5551234": a closing bracket is separator enough.
      if (!sep && last.close) sep = { end: last.end, space: false, punct: null };
      if (!sep) break;
      const next = this.lead(sep.end, false);
      if (!next) break;
      groups.push(this.group(sep.end, next, sep.space, sep.punct));
    }
    const lastGroup = groups[groups.length - 1]!;
    return { groups, start: p, end: lastGroup.end };
  }
}

// ---- words that are not personal data ---------------------------------------------------

const MONEY_BEFORE = /(?:^|[^\p{L}])(?:rp\.?|idr|usd|us\$|\$|sgd|myr|eur|€)\s*$/iu;
const MONEY_AFTER = /^\s*(?:,-|,00\b|,-{2}|(?:rupiah|juta|jt|ribu|rb|miliar|milyar|m|triliun|t|k|an)(?![\p{L}]))/iu;

const PHONE_CONTEXT =
  /(?:^|[^\p{L}])(?:hp|handphone|hape|ponsel|telp|telpon|telepon|tlp|tlpn|tilpon|phone|telephone|tel|mobile|wa|whatsapp|whatsap|watsap|sms|kontak|contact|hubungi|hub|call|fax|faks|cp)(?:[^\p{L}\p{N}]*(?:saya|kami|nya|beliau|pelapor|adalah|yaitu|yakni|no|nomor|nomer|number|di|ke|aktif|ini)){0,3}[^\p{L}\p{N}]*$/iu;
const NIK_CONTEXT =
  /(?:^|[^\p{L}])(?:nik|nkk|ktp|e-?ktp|ktp-?el|kk|npwp|kartu\s+keluarga|kependudukan|no\.?\s*induk|nomor\s+induk)(?:[^\p{L}\p{N}]*(?:saya|kami|nya|beliau|pelapor|adalah|yaitu|no|nomor|nomer)){0,3}[^\p{L}\p{N}]*$/iu;

interface Word {
  from: number;
  to: number;
}

function words(groups: Group[]): Word[] {
  const out: Word[] = [];
  let from = 0;
  for (let i = 1; i <= groups.length; i++) {
    if (i === groups.length || groups[i]!.spaceBefore) {
      out.push({ from, to: i - 1 });
      from = i;
    }
  }
  return out;
}

const num = (s: string) => Number.parseInt(s, 10);

/** 12-05-2026, 12.05.26, 2026-11-23: one kind of separator, a real day and month. */
function isDate(g: Group[]): boolean {
  if (g.length !== 3 || g.some((x) => x.open || x.close || x.plus)) return false;
  const p = g[1]!.punctBefore;
  if ((p !== "-" && p !== ".") || g[2]!.punctBefore !== p) return false;
  const [a, b, c] = g.map((x) => x.digits) as [string, string, string];
  const dayMonth = (d: string, m: string) => d.length <= 2 && m.length <= 2 && num(d) >= 1 && num(d) <= 31 && num(m) >= 1 && num(m) <= 12;
  if (a.length <= 2 && (c.length === 2 || c.length === 4)) return dayMonth(a, b);
  if (a.length === 4 && /^(?:19|20)/.test(a)) return dayMonth(c, b);
  return false;
}

/** 10.30 or 10.30.15 (a colon never joins a run). */
function isTime(g: Group[]): boolean {
  if (g.length < 2 || g.length > 3 || g.some((x) => x.open || x.close || x.plus)) return false;
  if (g.slice(1).some((x) => x.punctBefore !== "." || x.digits.length !== 2 || num(x.digits) > 59)) return false;
  return g[0]!.digits.length <= 2 && num(g[0]!.digits) <= 24;
}

// ---- classification ---------------------------------------------------------------------

interface Candidate {
  digits: string;
  plus: boolean;
  hasSep: boolean;
  paren: boolean;
  thousands: boolean;
  decimal: boolean;
  glued: boolean;
  phoneContext: boolean;
  nikContext: boolean;
  /** Every separator the same: all spaces, or all the same punctuation. */
  uniform: boolean;
  firstLen: number;
  lastLen: number;
  allSingle: boolean;
}

type Strength = "strong" | "weak";

const MOBILE = /^(?:0|62|0062)?8[1-9]\d{7,10}$/;
/** Dialled abroad with the international prefix instead of "+": 0062 812…, 001 202…. */
const INTERNATIONAL_PREFIX = /^00[1-9]\d{7,13}$/;
const LANDLINE = /^(?:0[1-79]\d{7,10}|080\d{7,9})$/;
const LANDLINE_62 = /^62[1-79]\d{7,10}$/;

function classify(c: Candidate): { kind: NumberKind; strength: Strength } | null {
  const d = c.digits;
  const n = d.length;
  if (c.plus) return n >= 7 && n <= 15 ? { kind: "phone", strength: "strong" } : null;
  // A NIK starts with a province code (11..94), never with the 0 of a phone number.
  if (n === 16 && d[0] !== "0") return { kind: "nik", strength: "strong" };
  // Without its leading 0 a mobile number still starts with 8 and is 10-12 digits long ("81234567890").
  if ((MOBILE.test(d) && (d[0] !== "8" || n >= 10)) || INTERNATIONAL_PREFIX.test(d)) return { kind: "phone", strength: "strong" };
  if (c.nikContext && n >= 12 && n <= 20) return { kind: "nik", strength: "strong" };
  if (c.phoneContext && n >= 7 && n <= 15 && !c.thousands && !c.decimal) return { kind: "phone", strength: "strong" };
  // Glued to letters ("ADU-2611-00042", "SK/12/2026") it is a code, unless clearly a mobile number or a NIK.
  if (c.glued || c.thousands || c.decimal) return null;
  if (LANDLINE.test(d) || LANDLINE_62.test(d)) return { kind: "phone", strength: "strong" };
  // International and unusual spellings: "+" is gone but the number is still long and grouped.
  if (c.hasSep && n >= 9 && n <= 15 && (d[0] === "0" || c.paren || n >= 10)) return { kind: "phone", strength: "weak" };
  return null;
}

/** Strict phases refuse a lone digit at either end ("1. 0812…", "…789 2 orang") and a NIK pieced together from mixed separators. */
function strictOk(c: Candidate, kind: NumberKind): boolean {
  if (!c.hasSep || c.allSingle) return true;
  if ((!c.plus && c.firstLen < 2) || c.lastLen < 2) return false;
  return kind !== "nik" || c.uniform || c.nikContext;
}

const PHASES: readonly { strength: Strength; strict: boolean }[] = [
  { strength: "strong", strict: true },
  { strength: "weak", strict: true },
  { strength: "strong", strict: false },
  { strength: "weak", strict: false },
];

const MAX_DIGITS = 20;

/** 1.500.000 (dots only, a leading group of 1-3 digits without 0, then groups of three). */
function isThousands(g: Group[]): boolean {
  return (
    g.length > 1 &&
    g.slice(1).every((x) => x.punctBefore === "." && !x.spaceBefore && x.digits.length === 3) &&
    /^[1-9]\d{0,2}$/.test(g[0]!.digits)
  );
}

/** 1.500.000-2.000.000: a range of amounts. */
function isAmountRange(g: Group[]): boolean {
  const parts: Group[][] = [[]];
  for (const x of g) {
    if (x.punctBefore === "-" && parts[parts.length - 1]!.length > 0) parts.push([]);
    parts[parts.length - 1]!.push(x);
  }
  return parts.length > 1 && parts.every(isThousands);
}

/** 107.609810, 6.5 */
function isDecimal(g: Group[]): boolean {
  return (
    g.length === 2 &&
    g[1]!.punctBefore === "." &&
    !g[1]!.spaceBefore &&
    g[0]!.digits.length <= 3 &&
    (g[0]!.digits[0] !== "0" || g[0]!.digits === "0")
  );
}

function candidate(run: Run, i: number, j: number, ctx: { glued: boolean; phone: boolean; nik: boolean }): Candidate {
  const g = run.groups.slice(i, j + 1);
  const digits = g.map((x) => x.digits).join("");
  const seps = g.slice(1).map((x) => (x.spaceBefore ? `s${x.punctBefore ?? ""}` : (x.punctBefore ?? "")));
  const thousands = !g[0]!.plus && isThousands(g);
  const decimal = !g[0]!.plus && isDecimal(g);
  return {
    digits,
    plus: g[0]!.plus,
    hasSep: g.length > 1,
    paren: g.some((x) => x.open),
    thousands,
    decimal,
    glued: i === 0 && ctx.glued,
    phoneContext: i === 0 && ctx.phone,
    nikContext: i === 0 && ctx.nik,
    uniform: seps.every((s) => s === seps[0]),
    firstLen: g[0]!.digits.length,
    lastLen: g[g.length - 1]!.digits.length,
    allSingle: g.every((x) => x.digits.length === 1),
  };
}

/** The characters to replace: brackets only when both of a pair are inside. */
function spanOf(run: Run, i: number, j: number): { start: number; end: number } {
  const g = run.groups.slice(i, j + 1);
  const opens = g.filter((x) => x.open).length;
  const closes = g.filter((x) => x.close).length;
  const first = g[0]!;
  const last = g[g.length - 1]!;
  const wrapped = first.open && last.close && opens === 1 && closes === 1 && (g.length === 1 || !first.close);
  const start = first.open && closes > 0 && !wrapped ? first.start : first.innerStart;
  const end = last.close && opens > 0 && !wrapped ? last.end : last.digitEnd;
  return { start, end };
}

function findInRun(text: string, run: Run, out: PiiSpan[]): void {
  const before = text.slice(Math.max(0, run.start - 48), run.start);
  const ctx = {
    glued: /\p{L}[-/]?$/u.test(before),
    phone: PHONE_CONTEXT.test(before),
    nik: NIK_CONTEXT.test(before),
  };
  const groups = run.groups;
  const ws = words(groups);
  const barrier = new Array<boolean>(groups.length).fill(false);
  const wordStart = new Array<boolean>(groups.length).fill(false);
  const wordEnd = new Array<boolean>(groups.length).fill(false);
  ws.forEach((w, k) => {
    wordStart[w.from] = true;
    wordEnd[w.to] = true;
    const g = groups.slice(w.from, w.to + 1);
    const digits = g.map((x) => x.digits).join("");
    const certain = (MOBILE.test(digits) && digits[0] !== "8") || digits.length === 16;
    const money = (k === 0 && MONEY_BEFORE.test(before)) || (k === ws.length - 1 && MONEY_AFTER.test(text.slice(run.end, run.end + 12)));
    // An amount opening the run ("5.000.000.000 untuk ...", or after a date) is not the tail of a phone number.
    const opensRun = k === 0 || barrier[w.from - 1] === true;
    const amount = opensRun && !g[0]!.plus && !ctx.phone && (isThousands(g) || isDecimal(g) || isAmountRange(g));
    // A currency word or amount shape never hides what is certainly a mobile number or a NIK.
    if (((money || amount) && !certain) || isDate(g) || isTime(g)) for (let x = w.from; x <= w.to; x++) barrier[x] = true;
  });

  const taken = new Array<boolean>(groups.length).fill(false);
  const free = (i: number, j: number) => {
    for (let x = i; x <= j; x++) if (taken[x] || barrier[x]) return false;
    return true;
  };
  for (const phase of PHASES) {
    for (let i = 0; i < groups.length; i++) {
      if (taken[i] || barrier[i]) continue;
      let digitCount = 0;
      let maxJ = i - 1;
      while (maxJ + 1 < groups.length && free(maxJ + 1, maxJ + 1) && digitCount + groups[maxJ + 1]!.digits.length <= MAX_DIGITS) {
        maxJ++;
        digitCount += groups[maxJ]!.digits.length;
      }
      // Strict phases take whole words only: "1. 0812…" and "5.000.000" are not cut into numbers.
      if (phase.strict && !(wordStart[i] || taken[i - 1] || barrier[i - 1])) continue;
      for (let j = maxJ; j >= i; j--) {
        if (phase.strict && !(wordEnd[j] || j + 1 >= groups.length || taken[j + 1] || barrier[j + 1])) continue;
        const c = candidate(run, i, j, ctx);
        const hit = classify(c);
        if (!hit || hit.strength !== phase.strength || (phase.strict && !strictOk(c, hit.kind))) continue;
        for (let x = i; x <= j; x++) taken[x] = true;
        out.push({ kind: hit.kind, ...spanOf(run, i, j) });
        i = j;
        break;
      }
    }
  }
}

/** Spans of NIK and phone numbers in text. */
export function findNumberPii(text: string): PiiSpan[] {
  const scanner = new Scanner(text);
  const out: PiiSpan[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const startsRun = digitValue(c) >= 0 ? digitValue(text.charCodeAt(i - 1)) < 0 : (isPlus(c) || isOpen(c)) && digitValue(text.charCodeAt(i - 1)) < 0;
    const run = startsRun ? scanner.run(i) : null;
    if (!run) {
      i++;
      continue;
    }
    findInRun(text, run, out);
    i = Math.max(run.end, i + 1);
  }
  return out;
}
