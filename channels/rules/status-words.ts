import { TICKET_NUMBER_PREFIX } from "./ticket-number.js";

/**
 * The words a citizen writes to ask for the state of a ticket instead of opening a new one:
 * "STATUS ADU-2611-00042", "cek adu-2611-00042", "cek status ADU-…", "info ADU-…", "check ADU-…",
 * and the bot command "/status ADU-…" (also "/status@AduanBot ADU-…" in a Telegram group).
 * Indonesian first, then English.
 */
export const STATUS_WORDS = {
  id: ["status", "cek", "cek status", "info"],
  en: ["status", "check", "check status"],
} as const;

const words = [...new Set([...STATUS_WORDS.id, ...STATUS_WORDS.en])]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/\s+/g, "\\s+"));
const STATUS_REQUEST = new RegExp(`^\\s*\\/?(?:${words.join("|")})(?:@\\w+)?\\s*:?\\s*(${TICKET_NUMBER_PREFIX}-\\d{4}-\\d{5,9})\\s*[.!?]?\\s*$`, "i");

/** The ticket number a status question asks about (upper case), or undefined when the text is not one. */
export function parseStatusRequest(text: string | null | undefined): string | undefined {
  const m = text ? STATUS_REQUEST.exec(text) : null;
  return m?.[1]?.toUpperCase();
}
