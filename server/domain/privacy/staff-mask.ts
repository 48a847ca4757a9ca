/**
 * The staff-side field rule of the access gate (server/queries/access-gate.ts): which free text a
 * staff role sees as typed and which it sees through the same PII masker as public output.
 *
 * Operators and supervisors verify and call back, so they see everything. OPD heads and staff see
 * the reporter's name on publik tickets only; on anonim and rahasia tickets every free text
 * (subject, description, location, messages, attachment names, e-mail subjects, forward texts)
 * is masked for the reporter's own identifiers (names, phones, e-mail addresses, channel handles)
 * as well as for every generic NIK, phone, e-mail pattern (maskPublicText).
 */
import type { Role } from "../access/roles.js";
import { isCenterRole } from "../access/roles.js";
import type { Privacy } from "./levels.js";
import { maskPublicText, MASK_TOKENS, type MaskLocale } from "./mask.js";

/** full: as typed; masked: through maskStaffText; none: the viewer may not read the ticket's text at all. */
export type FieldRule = "full" | "masked" | "none";

export function fieldRule(role: Role, privacy: Privacy): FieldRule {
  if (isCenterRole(role)) return "full";
  if (role === "opd_head" || role === "opd_staff") return privacy === "publik" ? "full" : "masked";
  return "none";
}

/** What the reporter is known by: contact row and channel identities. */
export interface ReporterIdentifiers {
  names: string[];
  phones: string[];
  emails: string[];
  /** Other channel addresses (Telegram ids, X/Instagram handles, …). */
  handles: string[];
}

export const NO_IDENTIFIERS: ReporterIdentifiers = { names: [], phones: [], emails: [], handles: [] };

/** Sorts a channel address into phone, e-mail or handle. */
export function classifyAddress(address: string, into: ReporterIdentifiers): void {
  const a = address.trim();
  if (!a) return;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)) into.emails.push(a);
  else if (/^\+?[\d\s().-]{8,}$/.test(a)) into.phones.push(a);
  else if (a.replace(/^@/, "").length >= 4) into.handles.push(a.replace(/^@/, ""));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "081234567890", "+62 812-3456-7890", "62812 3456 7890", "0812.3456.7890" of one number. */
function phonePattern(phone: string): RegExp | null {
  let d = phone.replace(/\D/g, "");
  if (d.startsWith("62")) d = d.slice(2);
  else if (d.startsWith("0")) d = d.slice(1);
  if (d.length < 6) return null;
  const sep = "[\\s.()\\-]*";
  return new RegExp(`(?<!\\d)(?:\\(\\s*)?(?:(?:\\+\\s*)?62|0)?${sep}${d.split("").join(sep)}(?!\\d)`, "g");
}

/**
 * The text as an OPD user may read it on an anonim or rahasia ticket: the reporter's own phones,
 * e-mails and handles in any spelling, then every NIK, phone, e-mail and the reporter's names.
 */
export function maskStaffText(text: string, ids: ReporterIdentifiers, locale: MaskLocale = "id"): string {
  const tokens = MASK_TOKENS[locale];
  let out = text;
  for (const p of ids.phones) {
    const re = phonePattern(p);
    if (re) out = out.replace(re, tokens.phone);
  }
  for (const e of ids.emails) out = out.replace(new RegExp(escape(e), "gi"), tokens.email);
  for (const h of ids.handles) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])@?${escape(h)}(?![\\p{L}\\p{N}_])`, "giu"), tokens.name);
  return maskPublicText(out, { names: ids.names, locale });
}

/** Shown next to masked text and in place of the reporter: what was hidden and why. */
export const WITHHELD_NOTICE: Record<"anonim" | "rahasia" | "not_permitted", string> = {
  anonim:
    "Identitas pelapor dirahasiakan (anonim): nama, NIK, nomor telepon dan email pelapor disamarkan dalam teks. / Reporter identity withheld (anonymous): the reporter's name, ID number, phone numbers and e-mail are masked in the text.",
  rahasia:
    "Laporan rahasia: identitas pelapor dirahasiakan dan data pribadi disamarkan dalam teks; setiap pembacaan dicatat. / Confidential report: reporter identity withheld and personal data masked in the text; every read is recorded.",
  not_permitted:
    "Isi aduan tidak ditampilkan: Anda tidak berwenang membuka tiket ini. / Complaint text not shown: you may not open this ticket.",
};
