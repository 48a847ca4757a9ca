/**
 * The public ticket number, ADU-YYMM-NNNNN: the prefix, the year and month it was received, and
 * a sequence counted per month, zero-padded to five digits (it grows past five digits in a month
 * with more than 99,999 complaints; nine digits is the ceiling the patterns accept).
 * Every place that writes, finds or checks a ticket number uses this module.
 */
export const TICKET_NUMBER_PREFIX = "ADU";
const BODY = `${TICKET_NUMBER_PREFIX}-\\d{4}-\\d{5,9}`;

/** A whole string that is a ticket number (any case; normalise with parseTicketNumber). */
export const TICKET_NUMBER_EXACT = new RegExp(`^${BODY}$`, "i");
/** A ticket number inside a text (an e-mail subject, a Telegram /start payload). */
export const TICKET_NUMBER_IN_TEXT = new RegExp(`\\b${BODY}\\b`, "i");
/** Source of a regular expression for an HTML input's `pattern` attribute (no flags there). */
export const TICKET_NUMBER_HTML_PATTERN = `[Aa][Dd][Uu]-[0-9]{4}-[0-9]{5,9}`;
/** An example for placeholders and error messages. */
export const TICKET_NUMBER_EXAMPLE = `${TICKET_NUMBER_PREFIX}-2611-00042`;

/** The ticket number the string is (trimmed, upper case), or null. */
export function parseTicketNumber(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t && TICKET_NUMBER_EXACT.test(t) ? t.toUpperCase() : null;
}

/** The first ticket number inside a text, upper case, or undefined. */
export function findTicketNumber(text: string | null | undefined): string | undefined {
  const m = text ? TICKET_NUMBER_IN_TEXT.exec(text) : null;
  return m ? m[0].toUpperCase() : undefined;
}

/** The number of the `sequence`-th ticket of a period ("2611" for November 2026). */
export const formatTicketNumber = (period: string, sequence: number) => `${TICKET_NUMBER_PREFIX}-${period}-${String(sequence).padStart(5, "0")}`;

/** A ticket number keyed in on a phone as digits only (YYMM then the sequence), or undefined. */
export function ticketNumberFromDigits(digits: string | undefined): string | undefined {
  const d = (digits ?? "").replace(/[^0-9]/g, "");
  return /^\d{9,13}$/.test(d) ? `${TICKET_NUMBER_PREFIX}-${d.slice(0, 4)}-${d.slice(4)}` : undefined;
}

/** How a ticket number is spoken: letter by letter and digit by digit, so text-to-speech does not read "two thousand…". */
export const spokenTicketNumber = (n: string) => n.replace(new RegExp(`^${TICKET_NUMBER_PREFIX}-`), `${TICKET_NUMBER_PREFIX.split("").join(" ")} `).replace(/-/g, ", ").replace(/(\d)(?=\d)/g, "$1 ");
