import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import twilio from "twilio";
import type { WebhookOutcome } from "../connector.js";
import {
  flipOneByte,
  parseForm,
  signedTwilioRequest,
  startFakeTwilio,
  testContext,
  twilioInboundSmsParams,
  twilioSignature,
  twilioStatusParams,
  twilioWebhookRequest,
  webhookRequest,
  type FakeTwilio,
} from "../testing/index.js";
import { TWILIO_MAX_BODY, twilioSmsConfigSchema, twilioSmsConnector as sms, type TwilioSmsConfig } from "./twilio-sms.connector.js";

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const URL_PUBLIC = "https://aduan.sumselprov.go.id/webhooks/twilio-sms/acc-1";
const config: TwilioSmsConfig = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: "+6281100020003" };
const fixtureDir = new URL("./__fixtures__/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtureDir));
const ctx = (over: Partial<TwilioSmsConfig> = {}) => testContext<TwilioSmsConfig>({ ...config, ...over }, { publicWebhookUrl: URL_PUBLIC });

/** A request exactly as Twilio would send the fixture body, signed by the twilio SDK. */
function signedFixture(name: string, url = URL_PUBLIC) {
  const body = fixture(name);
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, parseForm(body));
  return webhookRequest({ url, headers: { "content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature }, body });
}

function events(outcome: WebhookOutcome) {
  assert.equal(outcome.kind, "events", JSON.stringify(outcome));
  return outcome as Extract<WebhookOutcome, { kind: "events" }>;
}

describe("twilio-sms verify", () => {
  const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith(".form"));

  test("there are fixtures for inbound SMS, MMS and every status", () => {
    assert.deepEqual(fixtures.sort(), [
      "inbound-mms.form", "inbound-sms.form", "status-delivered.form", "status-failed.form",
      "status-queued.form", "status-sent.form", "status-undelivered.form",
    ]);
  });

  for (const name of fixtures) {
    test(`${name}: accepts Twilio's signature, rejects one changed byte`, () => {
      const req = signedFixture(name);
      assert.equal(sms.verify(ctx(), req), true);
      for (const index of [0, Math.floor(req.rawBody.length / 2), req.rawBody.length - 1]) {
        assert.equal(sms.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody, index) }), false, `byte ${index}`);
      }
    });
  }

  test("the signature covers the URL the provider called", () => {
    const req = signedFixture("inbound-sms.form");
    assert.equal(sms.verify(ctx(), { ...req, url: URL_PUBLIC.replace("acc-1", "acc-2") }), false);
    assert.equal(sms.verify(ctx(), { ...req, url: URL_PUBLIC.replace("https:", "http:") }), false);
    assert.equal(sms.verify(ctx(), { ...req, url: `${URL_PUBLIC}?x=1` }), false);
  });

  test("a query string in the configured URL is part of what is signed", () => {
    const url = `${URL_PUBLIC}?region=sumsel`;
    assert.equal(sms.verify(ctx(), signedFixture("inbound-sms.form", url)), true);
  });

  test("rejects a missing or mangled header and another account's token", () => {
    const req = signedFixture("inbound-sms.form");
    assert.equal(sms.verify(ctx(), { ...req, headers: { "content-type": "application/x-www-form-urlencoded" } }), false);
    const sig = req.headers["x-twilio-signature"] as string;
    const mangled = `${sig.slice(0, 5)}${sig[5] === "A" ? "B" : "A"}${sig.slice(6)}`;
    assert.equal(sms.verify(ctx(), { ...req, headers: { ...req.headers, "x-twilio-signature": mangled } }), false);
    assert.equal(sms.verify(ctx({ authToken: "ffffffffffffffffffffffffffffffff" }), req), false);
  });

  test("a body that is not a form does not throw", () => {
    const req = webhookRequest({ url: URL_PUBLIC, headers: { "x-twilio-signature": "abc" }, body: Buffer.from([0xff, 0xfe, 0x00, 0x25]) });
    assert.equal(sms.verify(ctx(), req), false);
  });

  test("the documented algorithm (testing.twilioSignature) agrees with the SDK, also for repeated keys", () => {
    const params = { Body: "Halo + ünïcode & =", From: "+6281234567890", MediaUrl: ["b", "a"], To: "+6281100020003" };
    assert.equal(twilioSignature(AUTH_TOKEN, URL_PUBLIC, params), twilio.getExpectedTwilioSignature(AUTH_TOKEN, URL_PUBLIC, params));
    assert.equal(sms.verify(ctx(), twilioWebhookRequest({ url: URL_PUBLIC, authToken: AUTH_TOKEN, params })), true);
    assert.equal(sms.verify(ctx(), signedTwilioRequest(URL_PUBLIC, params, AUTH_TOKEN)), true);
  });

  test("JSON-bodied webhooks are verified with bodySHA256", () => {
    const body = JSON.stringify({ event: "x" });
    const hash = twilio.getExpectedBodyHash(body);
    const url = `${URL_PUBLIC}?bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {});
    const req = webhookRequest({ url, headers: { "content-type": "application/json", "x-twilio-signature": signature }, body });
    assert.equal(sms.verify(ctx(), req), true);
    assert.equal(sms.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
  });
});

describe("twilio-sms parse", () => {
  test("inbound SMS -> one normalized message and an empty TwiML reply", () => {
    const now = new Date("2026-11-04T03:30:00Z");
    const out = events(sms.parse(testContext(config, { now: () => now }), signedFixture("inbound-sms.form")));
    assert.equal(out.deliveries.length, 0);
    assert.equal(out.messages.length, 1);
    const m = out.messages[0]!;
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "sms",
      externalId: "SM6a1f3c9e2b7d4058a1c3e5f7092b4d6e",
      externalThreadId: "+6281234567890",
      sender: { externalId: "+6281234567890", phone: "+6281234567890" },
      sentAt: now,
      text: "Jalan di depan SDN 3 Tebet rusak parah, banyak lubang. Mohon segera diperbaiki. Terima kasih.",
      attachments: [],
      raw: undefined,
    });
    assert.equal((m.raw as Record<string, string>).AccountSid, ACCOUNT_SID);
    assert.equal(out.reply?.status, 200);
    assert.match(out.reply?.headers["content-type"] ?? "", /^text\/xml/);
    assert.equal(out.reply?.body, '<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  test("inbound MMS -> MediaUrlN become attachments with their types", () => {
    const m = events(sms.parse(ctx(), signedFixture("inbound-mms.form"))).messages[0]!;
    assert.equal(m.text, "Foto sampah menumpuk di pasar induk");
    assert.equal(m.sender.phone, "+6285712345678");
    assert.deepEqual(m.attachments, [
      {
        kind: "image",
        mimeType: "image/jpeg",
        ref: "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM8c2e4a6b0d1f3e5a7c9b1d3f5a7c9e1b/Media/ME1f2e3d4c5b6a79880716253443526170",
      },
      {
        kind: "document",
        mimeType: "application/pdf",
        ref: "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM8c2e4a6b0d1f3e5a7c9b1d3f5a7c9e1b/Media/ME9a8b7c6d5e4f30211203948576a8b9c0",
      },
    ]);
  });

  const statuses: [string, string, string | undefined][] = [
    ["status-queued.form", "queued", undefined],
    ["status-sent.form", "sent", undefined],
    ["status-delivered.form", "delivered", undefined],
    ["status-undelivered.form", "undelivered", "30003"],
    ["status-failed.form", "failed", "30008"],
  ];
  for (const [name, status, errorCode] of statuses) {
    test(`${name} -> delivery update "${status}"`, () => {
      const out = events(sms.parse(ctx(), signedFixture(name)));
      assert.equal(out.messages.length, 0);
      assert.equal(out.deliveries.length, 1);
      const d = out.deliveries[0]!;
      assert.equal(d.status, status);
      assert.match(d.externalId, /^SM[0-9a-f]{32}$/);
      assert.equal(d.externalId, parseForm(fixture(name)).MessageSid);
      assert.equal(d.errorCode, errorCode);
      assert.equal(out.reply, undefined);
    });
  }

  test("a webhook for another Twilio account is ignored", () => {
    const params = twilioInboundSmsParams({ from: "+6281234567890", to: "+6281100020003", body: "x", accountSid: "AC" + "9".repeat(32) });
    const out = sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, params, AUTH_TOKEN));
    assert.equal(out.kind, "ignored");
  });

  test("unknown status and a body without MessageSid are ignored, not thrown", () => {
    const weird = twilioStatusParams({ messageSid: "SM" + "1".repeat(32), status: "teleported", to: "+6281234567890", from: "+6281100020003", accountSid: ACCOUNT_SID });
    assert.equal(sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, weird, AUTH_TOKEN)).kind, "ignored");
    assert.equal(sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, { Body: "hi" }, AUTH_TOKEN)).kind, "ignored");
  });

  test("STATUS ADU-… by SMS is a status request, any case and spacing", () => {
    for (const body of ["STATUS ADU-2611-00042", "status adu-2611-00042", "  Cek ADU-2611-00042 ", "STATUS: ADU-2611-00042."]) {
      const params = twilioInboundSmsParams({ from: "+6281234567890", to: "+6281100020003", body, accountSid: ACCOUNT_SID });
      const m = events(sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, params, AUTH_TOKEN))).messages[0]!;
      assert.deepEqual([m.command, m.ticketNumberHint], [{ name: "status", argument: "ADU-2611-00042" }, "ADU-2611-00042"], body);
    }
    const params = twilioInboundSmsParams({ from: "+6281234567890", to: "+6281100020003", body: "status jalan ADU-2611-00042 belum diperbaiki", accountSid: ACCOUNT_SID });
    assert.equal(events(sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, params, AUTH_TOKEN))).messages[0]!.command, undefined);
  });

  test("the testing builder produces what parse understands, media included", () => {
    const params = twilioInboundSmsParams({
      from: "+6281234567890", to: "+6281100020003", body: "Banjir", accountSid: ACCOUNT_SID,
      media: [{ url: "https://api.twilio.com/x/Media/ME1", contentType: "video/mp4" }],
    });
    const m = events(sms.parse(ctx(), signedTwilioRequest(URL_PUBLIC, params, AUTH_TOKEN))).messages[0]!;
    assert.equal(m.attachments[0]?.kind, "video");
    assert.match(m.externalId, /^MM/);
  });
});

describe("twilio-sms send and fetchAttachment against a fake Twilio", () => {
  let fake: FakeTwilio;
  before(async () => {
    fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  });
  after(() => fake.close());
  const live = () => ctx({ apiBaseUrl: fake.baseUrl });

  test("sends with the account's credentials, sender and status callback", async () => {
    const res = await sms.send(live(), { to: "+6281234567890", text: "Aduan Anda diterima: ADU-2611-00042" });
    assert.equal(res.status, "sent");
    const sent = fake.messages.at(-1)!;
    assert.equal(res.status === "sent" && res.externalId, sent.sid);
    assert.equal(sent.to, "+6281234567890");
    assert.equal(sent.from, "+6281100020003");
    assert.equal(sent.body, "Aduan Anda diterima: ADU-2611-00042");
    assert.equal(sent.statusCallback, URL_PUBLIC);
    assert.equal(fake.requests.at(-1)?.authorization, `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
  });

  test("a messaging service is used instead of a number when configured", async () => {
    const mg = "MG" + "a".repeat(32);
    const res = await sms.send(ctx({ apiBaseUrl: fake.baseUrl, fromNumber: undefined, messagingServiceSid: mg }), { to: "+6281234567890", text: "x" });
    assert.equal(res.status, "sent");
    assert.equal(fake.messages.at(-1)?.messagingServiceSid, mg);
    assert.equal(fake.messages.at(-1)?.from, undefined);
  });

  test("a 500 is a retryable failure, and the next attempt goes through once", async () => {
    const before = fake.messages.length;
    fake.failNext(1, 500);
    const first = await sms.send(live(), { to: "+6281234567890", text: "coba lagi" });
    assert.deepEqual({ status: first.status, retryable: first.status === "failed" && first.retryable }, { status: "failed", retryable: true });
    const second = await sms.send(live(), { to: "+6281234567890", text: "coba lagi" });
    assert.equal(second.status, "sent");
    assert.equal(fake.messages.length, before + 1);
  });

  test("failFor answers 500 for a while, then recovers", async () => {
    fake.failFor(400, 503);
    const during = await sms.send(live(), { to: "+6281234567890", text: "a" });
    assert.equal(during.status === "failed" && during.retryable, true);
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await sms.send(live(), { to: "+6281234567890", text: "a" })).status, "sent");
  });

  test("an invalid number (400) and bad credentials (401) are permanent failures", async () => {
    const bad = await sms.send(live(), { to: "08123", text: "x" });
    assert.equal(bad.status, "failed");
    assert.equal(bad.status === "failed" && bad.retryable, false);
    assert.match(bad.status === "failed" ? bad.reason : "", /400.*21211/);
    const unauth = await sms.send(ctx({ apiBaseUrl: fake.baseUrl, authToken: "f".repeat(32) }), { to: "+6281234567890", text: "x" });
    assert.equal(unauth.status === "failed" && unauth.retryable, false);
  });

  test("an unreachable API is a retryable failure", async () => {
    const res = await sms.send(ctx({ apiBaseUrl: "http://127.0.0.1:9" }), { to: "+6281234567890", text: "x" });
    assert.equal(res.status, "failed");
    assert.equal(res.status === "failed" && res.retryable, true);
  });

  test("text over 1600 characters goes as several messages", async () => {
    const before = fake.messages.length;
    const text = "kata ".repeat(500).trim();
    const res = await sms.send(live(), { to: "+6281234567890", text });
    assert.equal(res.status, "sent");
    const parts = fake.messages.slice(before);
    assert.equal(parts.length, 2);
    assert.ok(parts.every((p) => p.body.length <= TWILIO_MAX_BODY));
    assert.equal(parts.map((p) => p.body).join(" "), text);
    assert.deepEqual(res.status === "sent" && res.extraExternalIds, [parts[1]!.sid]);
  });

  test("attachments with a public URL go as MediaUrl", async () => {
    await sms.send(live(), { to: "+6281234567890", text: "foto", attachments: [{ fileName: "a.jpg", mimeType: "image/jpeg", url: "https://aduan.example.go.id/m/a.jpg" }] });
    assert.deepEqual(fake.messages.at(-1)?.mediaUrl, ["https://aduan.example.go.id/m/a.jpg"]);
  });

  test("fetchAttachment downloads a MediaUrl with basic auth", async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const url = fake.addMedia(bytes, "image/jpeg");
    const res = await sms.fetchAttachment(live(), url);
    assert.equal(res.status, "fetched");
    assert.deepEqual(res.status === "fetched" && res.content, bytes);
    assert.equal(res.status === "fetched" && res.mimeType, "image/jpeg");
    const missing = await sms.fetchAttachment(live(), url.replace(/ME[0-9a-f]+$/, "MEdeadbeef"));
    assert.equal(missing.status === "failed" && missing.retryable, false);
  });
});

describe("twilio-sms config", () => {
  test("needs a sender number or a messaging service, a real Account SID, an E.164 number", () => {
    assert.equal(twilioSmsConfigSchema.safeParse(config).success, true);
    assert.equal(twilioSmsConfigSchema.safeParse({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }).success, false);
    assert.equal(twilioSmsConfigSchema.safeParse({ ...config, accountSid: "AB123" }).success, false);
    assert.equal(twilioSmsConfigSchema.safeParse({ ...config, fromNumber: "081100020003" }).success, false);
  });
});
