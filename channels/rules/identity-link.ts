import type { ChannelKind } from "./channel-kinds.js";
import { MERGE_HOPS_LIMIT } from "./merged-tickets.js";

/**
 * A citizen links another of their identities (a phone number, an e-mail address) to the one they
 * write from: "HUBUNGKAN 0812…", "tautkan budi@example.id", "LINK +62812…", the bot command
 * "/link 0812…" (also "/hubungkan@AduanBot …"). A one-time code goes to the other identity; the
 * citizen writes it back ("123456", "KODE 123456", "code 123456"). Indonesian first, then English.
 */
export const LINK_WORDS = {
  id: ["hubungkan", "tautkan"],
  en: ["link"],
} as const;
export const LINK_CODE_WORDS = {
  id: ["kode"],
  en: ["code"],
} as const;
/** Chat channels on which a citizen may link an identity by message (e-mail, web and voice are not chats). */
export const IDENTITY_LINK_CHANNELS: readonly ChannelKind[] = ["sms", "whatsapp", "telegram", "facebook", "instagram", "x"];
/** Digits in an identity-link code. */
export const LINK_CODE_DIGITS = 6;

const alternatives = (w: { id: readonly string[]; en: readonly string[] }) => [...new Set([...w.id, ...w.en])].sort((a, b) => b.length - a.length).join("|");
const LINK_REQUEST = new RegExp(`^\\s*\\/?(?:${alternatives(LINK_WORDS)})(?:@\\w+)?\\s*:?\\s+([+()\\d][\\d\\s.()-]{6,24}|[^\\s@]+@[^\\s@]+\\.[^\\s@]+)\\s*[.!]?\\s*$`, "i");
const LINK_CODE = new RegExp(`^\\s*(?:\\/?(?:${alternatives(LINK_CODE_WORDS)})(?:@\\w+)?\\s*:?\\s*)?(\\d{${LINK_CODE_DIGITS}})\\s*[.!]?\\s*$`, "i");

/** The identity (phone number or e-mail address, as written) a link request names, or undefined. */
export function parseLinkRequest(text: string | null | undefined): string | undefined {
  const m = text ? LINK_REQUEST.exec(text) : null;
  return m?.[1]?.trim();
}

/** The code in a message that is only a link code ("123456", "KODE 123456"), or undefined. */
export function parseLinkCode(text: string | null | undefined): string | undefined {
  const m = text ? LINK_CODE.exec(text) : null;
  return m?.[1];
}

export interface ContactMergeLink {
  id: number;
  mergedIntoId: number | null;
}

/**
 * The contact a merged contact now lives in: linking one citizen's identities merges their contacts
 * (contacts.merged_into_id), and a merged contact may be merged again. Every lookup of "who wrote
 * this" follows the pointers with this; MERGE_HOPS_LIMIT stops a cycle.
 */
export async function followMergedContact<T extends ContactMergeLink>(contact: T | null, load: (id: number) => Promise<T | null>): Promise<T | null> {
  let c = contact;
  for (let i = 0; c && c.mergedIntoId && i < MERGE_HOPS_LIMIT; i++) {
    const next = await load(c.mergedIntoId);
    if (!next) break;
    c = next;
  }
  return c;
}
