import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** "0812…", "+62 812…", "62812…" and "(0812) 3…" are one number: E.164 (+62812…), or null if not a phone number. */
/**
 * Recent results of normalizePhone: parsing with libphonenumber costs tens of microseconds and the
 * same citizen's number arrives again and again (every message of a conversation, each reply).
 */
const recentPhones = new Map<string, string | null>();
const RECENT_PHONES_MAX = 10_000;

export function normalizePhone(raw: string, defaultCountry: "ID" = "ID"): string | null {
  const hit = recentPhones.get(raw);
  if (hit !== undefined) return hit;
  const result = parsePhone(raw, defaultCountry);
  if (recentPhones.size >= RECENT_PHONES_MAX) recentPhones.clear();
  recentPhones.set(raw, result);
  return result;
}

function parsePhone(raw: string, defaultCountry: "ID"): string | null {
  const cleaned = raw.trim();
  if (!/\d/.test(cleaned)) return null;
  // "62812…" without "+" is common in WhatsApp/SMS exports: treat a leading country code as international.
  const candidate = /^62\d{8,13}$/.test(cleaned.replace(/[\s.\-()]/g, "")) ? `+${cleaned.replace(/[\s.\-()]/g, "")}` : cleaned;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  return parsed && parsed.isPossible() ? parsed.number : null;
}

/** E-mail addresses are compared case-folded. */
export function normalizeEmail(raw: string): string | null {
  const e = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e : null;
}
