/**
 * E-mail addresses in free text, including the usual disguises: "budi [at] mail [dot] com",
 * "budi(at)mail.com", "budi at mail dot com", "budi @ gmail . com", "budi titik s at ...".
 * Every "@"-like marker is examined: the local part is read leftwards, the domain rightwards,
 * label by label. A disguised address must end in a known top-level domain, and a bare
 * English "at" needs more: a disguised dot, a known mail provider, a sub-domain or a local part
 * that is not a plain word, so "look at google.com" stays.
 */
import type { PiiSpan } from "./mask.js";

/** Top-level domains accepted after a disguised dot ("dot com"), where any word would be too loose. */
const KNOWN_TLDS = new Set(
  `com net org id co go ac sch or web my biz info edu gov mil int io me app dev xyz online site tech store
  cloud ai us uk sg au jp cn de nl fr in ph th vn hk tw kr ru br ca nz eu asia mobi name pro tv cc ly email`.split(/\s+/),
);

/** Providers whose name alone makes an address ("budi at gmail", "budi@yahoo"). */
const MAIL_PROVIDERS = new Set(
  `gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud aol proton protonmail pm zoho gmx
  yandex mailru rediffmail telkom plasa`.split(/\s+/),
);

const MARKER = /[ \t]{0,2}(?:[@\uff20]|[[({<][ \t]?(?:at|a|@|\uff20)[ \t]?[\])}>])[ \t]{0,2}|[ \t]+at[ \t]+/giu;
const LOCAL_CHAR = /[\p{L}\p{N}._%+\-'’!#$&*=?^`{|}~]/u;
const LABEL = /[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?/uy;
const DOT_OBFUSCATED = /[ \t]?[[({<][ \t]?(?:dot|titik|\.)[ \t]?[\])}>][ \t]?|[ \t]+(?:dot|titik)[ \t]+/iuy;
const DOT_SPACED = /[ \t]?\.[ \t]?/uy;
/** A piece of the local part before a disguised dot: "budi [dot] santoso [at] …". */
const LOCAL_BEFORE_OBFUSCATED_DOT =
  /[\p{L}\p{N}_%+\-]+(?:[ \t]?[[({<][ \t]?(?:dot|titik|\.)[ \t]?[\])}>][ \t]?|[ \t]+(?:dot|titik)[ \t]+)$/iu;

type Sep = "plain" | "spaced" | "obfuscated";

interface Domain {
  labels: { text: string; end: number }[];
  seps: Sep[];
}

function matchAt(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

function readDomain(text: string, pos: number): Domain | null {
  const first = matchAt(LABEL, text, pos);
  if (!first) return null;
  const domain: Domain = { labels: [{ text: first[0], end: pos + first[0].length }], seps: [] };
  let at = pos + first[0].length;
  for (;;) {
    let sep: Sep | null = null;
    let next = at;
    if (text[at] === "." && matchAt(LABEL, text, at + 1)) {
      sep = "plain";
      next = at + 1;
    } else {
      const obf = matchAt(DOT_OBFUSCATED, text, at);
      const spaced = obf ? null : matchAt(DOT_SPACED, text, at);
      const m = obf ?? spaced;
      if (m && m[0].length > 0) {
        sep = obf ? "obfuscated" : "spaced";
        next = at + m[0].length;
      }
    }
    if (!sep) break;
    const label = matchAt(LABEL, text, next);
    if (!label) break;
    domain.seps.push(sep);
    domain.labels.push({ text: label[0], end: next + label[0].length });
    at = next + label[0].length;
  }
  return domain;
}

/** How many labels of the domain belong to the address, or 0 when it is not one. */
function acceptedLabels(d: Domain, bareAt: boolean, local: string): number {
  const lower = d.labels.map((l) => l.text.toLowerCase());
  const provider = MAIL_PROVIDERS.has(lower[0]!);
  // "budi at kantor.go.id", "budi_87 at mail.com" are addresses; "look at google.com" is English.
  const addressLike = (k: number) => provider || k >= 3 || /[^\p{L}]/u.test(local);
  for (let k = lower.length; k >= 2; k--) {
    const seps = d.seps.slice(0, k - 1);
    if (KNOWN_TLDS.has(lower[k - 1]!) && (!bareAt || seps.includes("obfuscated") || addressLike(k))) return k;
  }
  if (bareAt) return provider ? 1 : 0;
  // A real address may end in any top-level domain, but only when written plainly.
  for (let k = lower.length; k >= 2; k--) {
    if (d.seps.slice(0, k - 1).every((s) => s === "plain") && /^\p{L}{2,}$/u.test(lower[k - 1]!)) return k;
  }
  return provider ? 1 : 0;
}

/** Spans of e-mail addresses in text. */
export function findEmailPii(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const markerStart = m.index;
    const markerEnd = m.index + m[0].length;
    const bareAt = !/[@\uff20[({<]/u.test(m[0]);
    let localStart = markerStart;
    while (localStart > 0 && LOCAL_CHAR.test(text[localStart - 1]!)) localStart--;
    while (localStart < markerStart && /[.\-'’+]/u.test(text[localStart]!)) localStart++;
    if (localStart === markerStart) continue;
    for (;;) {
      const piece = LOCAL_BEFORE_OBFUSCATED_DOT.exec(text.slice(Math.max(0, localStart - 80), localStart));
      if (!piece) break;
      localStart -= piece[0].length;
    }
    const domain = readDomain(text, markerEnd);
    if (!domain) continue;
    const k = acceptedLabels(domain, bareAt, text.slice(localStart, markerStart));
    if (k === 0) continue;
    const end = domain.labels[k - 1]!.end;
    out.push({ kind: "email", start: localStart, end });
    MARKER.lastIndex = Math.max(MARKER.lastIndex, end);
  }
  return out;
}
