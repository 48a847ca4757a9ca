import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { classifyFailure } from "./failure-reason.js";

/** The reasons as connectors and receipts word them (see channels/*: SendResult.reason, receipts' `code: message`). */
describe("classifyFailure", () => {
  const cases: [string | null, string][] = [
    ["Twilio 400 (21610): Attempt to send to unsubscribed recipient", "opted_out"],
    ["Twilio 400 (21211): Invalid 'To' Phone Number: +62812", "invalid_address"],
    ["Twilio 401 (20003): Authenticate", "auth"],
    ["Twilio 503 (20500): Internal Server Error", "provider_error"],
    ["30003: Unreachable destination handset", "unreachable"],
    ["30007: Message filtered", "content"],
    ["131047: Re-engagement message", "window_closed"],
    ["getaddrinfo ENOTFOUND api.twilio.com", "network"],
    ["connect ECONNREFUSED 127.0.0.1:9", "network"],
    ["Telegram 403: Forbidden: bot was blocked by the user", "opted_out"],
    ["Telegram 400: Bad Request: chat not found", "invalid_address"],
    ["recipient rejected: warga@contoh.id", "invalid_address"],
    ["not a WhatsApp number: 0812", "invalid_address"],
    ["the WhatsApp Web session of this account is not connected in this process (needs login, reconnecting, or run by another sessions process)", "session"],
    ["no channel account reaches this citizen (no channel message, no phone/e-mail account)", "no_route"],
    ["X 429: Too Many Requests", "rate_limited"],
    ["something nobody has seen", "unknown"],
    [null, "unknown"],
  ];
  for (const [reason, key] of cases) test(`${reason} -> ${key}`, () => assert.equal(classifyFailure(reason), key));
});
