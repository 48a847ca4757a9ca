import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findConnector, MASK, maskConfig, mergeConfig, secretPaths, validateConfig } from "./connectors.js";
import { fillTemplate } from "../commands/queue-outbound.js";
import { retryDelayMs } from "../commands/deliver-outbox-item.js";

describe("connector configs on the server side", () => {
  it("finds the secret fields each connector marks, nested ones included", () => {
    assert.deepEqual(secretPaths(findConnector("twilio-sms")!), ["authToken"]);
    assert.deepEqual(secretPaths(findConnector("telegram")!).sort(), ["botToken", "secretToken"]);
    assert.ok(secretPaths(findConnector("email")!).includes("imap.pass"));
  });

  it("masks secrets (and secret-looking names a connector forgot) but nothing else", () => {
    const email = findConnector("email")!;
    const masked = maskConfig(email, { smtp: { host: "mail", pass: "p1", from: "a@b.c" }, imap: { host: "imap", user: "u", pass: "p2" }, extra: { apiKey: "k" } }) as Record<string, Record<string, unknown>>;
    assert.equal(masked.smtp!.pass, MASK);
    assert.equal(masked.imap!.pass, MASK);
    assert.equal(masked.extra!.apiKey, MASK);
    assert.equal(masked.imap!.host, "imap");
    assert.equal(masked.smtp!.from, "a@b.c");
  });

  it("an update keeps masked and omitted fields, replaces given ones", () => {
    const stored = { accountSid: "AC1", authToken: "secret", nested: { a: 1, b: 2 } };
    assert.deepEqual(mergeConfig(stored, { authToken: MASK, fromNumber: "+62811", nested: { b: 3 } }), { accountSid: "AC1", authToken: "secret", fromNumber: "+62811", nested: { a: 1, b: 3 } });
  });

  it("names the invalid field of a config", () => {
    const r = validateConfig(findConnector("twilio-sms")!, { accountSid: "nope", authToken: "x" });
    assert.equal(r.ok, false);
    assert.match(r.ok ? "" : r.reason, /config\.accountSid/);
  });

  it("fills templates and backs off exponentially, capped", () => {
    assert.equal(fillTemplate("Nomor {{number}}: {{ status }} {{missing}}.", { number: "ADU-2611-00001", status: "Diterima" }), "Nomor ADU-2611-00001: Diterima .");
    assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [30_000, 60_000, 120_000, 240_000]);
    assert.equal(retryDelayMs(20), 60 * 60_000);
  });
});
