import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { eventDetails, WEBHOOK_EVENTS, webhookEventOfAudit } from "./events.js";
import { signWebhook, verifyWebhookSignature } from "./signature.js";

describe("outgoing webhook events and signatures", () => {
  it("maps the audit log's types onto the webhook events, with the live stream's names", () => {
    assert.equal(webhookEventOfAudit("ticket.received"), "ticket.created");
    assert.equal(webhookEventOfAudit("forward.answered"), "ticket.answered");
    assert.equal(webhookEventOfAudit("ticket.auto_closed"), "ticket.closed");
    assert.equal(webhookEventOfAudit("sla.breach"), "sla.breached");
    assert.equal(webhookEventOfAudit("forward.answer_held"), null, "a held answer has not reached the citizen");
    assert.equal(webhookEventOfAudit("ticket.read_rahasia"), null);
    assert.equal(WEBHOOK_EVENTS.length, 9);
  });

  it("carries no text of the event: a rating's score without its comment", () => {
    assert.deepEqual(eventDetails("ticket.rated", "ticket.rated", { rating: 4, comment: true, texts: { x: "digest" } }), { rating: 4 });
    assert.deepEqual(eventDetails("ticket.forwarded", "ticket.forwarded", { instruction: "Mohon ditindaklanjuti" }), {});
  });

  it("signs t.body with HMAC-SHA256 and refuses other secrets, other bodies and old times", () => {
    const at = new Date("2026-11-23T03:00:00Z");
    const header = signWebhook("whsec_x", '{"a":1}', at);
    const t = Math.floor(at.getTime() / 1000);
    assert.equal(header, `t=${t},v1=${createHmac("sha256", "whsec_x").update(`${t}.{"a":1}`).digest("hex")}`);
    assert.ok(verifyWebhookSignature("whsec_x", header, '{"a":1}', new Date(at.getTime() + 299_000)));
    assert.ok(!verifyWebhookSignature("whsec_x", header, '{"a":1}', new Date(at.getTime() + 301_000)), "replay window");
    assert.ok(!verifyWebhookSignature("whsec_y", header, '{"a":1}', at));
    assert.ok(!verifyWebhookSignature("whsec_x", header, '{"a":2}', at));
    assert.ok(!verifyWebhookSignature("whsec_x", "t=abc,v1=00", '{"a":1}', at));
    assert.ok(!verifyWebhookSignature("whsec_x", undefined, '{"a":1}', at));
  });
});
