/**
 * What a provider's failure reason means for an operator, as a stable key the console words in the
 * user's language (console i18n `aduan.delivery.reason.<key>`); the raw reason is always shown too.
 * The reasons are the strings connectors return in SendResult.reason (e.g. "Twilio 400 (21610): …")
 * and the `code: message` of failed delivery receipts.
 */
export const FAILURE_REASONS = [
  "invalid_address",
  "opted_out",
  "unreachable",
  "window_closed",
  "auth",
  "rate_limited",
  "network",
  "session",
  "no_route",
  "content",
  "provider_error",
  "unknown",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Provider error codes with a known meaning (Twilio, WhatsApp Cloud / Graph). */
const CODES: Record<string, FailureReason> = {
  // Twilio REST errors (https://www.twilio.com/docs/api/errors)
  "21211": "invalid_address", // Invalid 'To' phone number
  "21214": "invalid_address", // 'To' number cannot be reached
  "21612": "invalid_address", // 'To' is not currently reachable via SMS
  "21614": "invalid_address", // 'To' is not a valid mobile number
  "21408": "invalid_address", // permission to send to this region not enabled
  "21610": "opted_out", // the recipient replied STOP (unsubscribed)
  "20003": "auth", // authentication failed
  "20429": "rate_limited",
  "21602": "content", // body required
  "21617": "content", // body too long
  // Twilio delivery receipts (ErrorCode of an undelivered/failed status callback)
  "30003": "unreachable", // handset unreachable (off, no signal)
  "30005": "invalid_address", // unknown destination handset
  "30006": "invalid_address", // landline or unreachable carrier
  "30007": "content", // carrier filtering
  "30004": "opted_out", // message blocked
  "30008": "provider_error", // unknown error
  // WhatsApp Cloud / Graph
  "131047": "window_closed", // more than 24 hours since the customer last replied
  "131026": "invalid_address", // message undeliverable (not on WhatsApp)
  "131056": "rate_limited",
  "130429": "rate_limited",
  "190": "auth", // access token expired or invalid
};

const PATTERNS: [RegExp, FailureReason][] = [
  [/\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up|fetch failed|timed? ?out)\b/i, "network"],
  [/blocked by the user|user is deactivated|unsubscribed|opted? ?out/i, "opted_out"],
  [/chat not found|not a whatsapp number|recipient rejected|invalid .*(number|address|recipient)|no such user|user unknown|mailbox unavailable|\b5\.1\.1\b/i, "invalid_address"],
  [/outside .*window|24[- ]hour|re-?engagement/i, "window_closed"],
  [/\b(401|403)\b|unauthori[sz]ed|forbidden|authenticat|access token|invalid token/i, "auth"],
  [/\b429\b|too many requests|rate limit/i, "rate_limited"],
  [/session .*not connected|not connected in this process/i, "session"],
  [/no channel account reaches|no outbound channel|cannot deliver text/i, "no_route"],
  [/characters|too long|nothing to send|not accepted|larger than/i, "content"],
  [/\b5\d\d\b|internal server error|service unavailable|bad gateway/i, "provider_error"],
];

export function classifyFailure(reason: string | null | undefined): FailureReason {
  if (!reason) return "unknown";
  // A provider code in parentheses ("Twilio 400 (21610): …") or leading a receipt's text ("30003: …").
  const code = /\((\d{3,6})\)/.exec(reason)?.[1] ?? /^(\d{3,6}):/.exec(reason)?.[1] ?? /\bcode[ =:]+(\d{3,6})\b/i.exec(reason)?.[1];
  if (code && CODES[code]) return CODES[code];
  for (const [re, key] of PATTERNS) if (re.test(reason)) return key;
  return "unknown";
}
