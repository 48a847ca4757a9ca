/**
 * Signatures of outgoing webhooks (docs/webhooks.md): the header
 *
 *   X-Aduan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw bytes, compares in constant time and refuses a `t`
 * outside its replay window (5 minutes by default): an old request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Aduan-Signature";
export const REPLAY_WINDOW_SECONDS = 300;

export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}

/** True when `header` signs `body` with `secret` and its time is within the window around `now`. */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, now: Date, windowSeconds = REPLAY_WINDOW_SECONDS): boolean {
  if (!header) return false;
  const parts = new Map(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > windowSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
