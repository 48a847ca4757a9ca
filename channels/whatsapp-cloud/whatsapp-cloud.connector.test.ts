import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { checkLimits, type InboundMessage, type WebhookOutcome } from "../connector.js";
import { flipOneByte, metaSignature256, metaVerifyRequest, metaWebhookRequest, startFakeGraph, testContext, webhookRequest, type FakeGraph } from "../testing/index.js";
import { whatsappCloudConfigSchema, whatsappCloudConnector as wa, type WhatsappCloudConfig } from "./whatsapp-cloud.connector.js";

const APP_SECRET = "6f1c2a9e0b7d4c3e8a5f1b2c3d4e5f60";
const TOKEN = "EAAGm0PX4ZCpsBAKfaketokenforthefakegraph0123456789";
const URL_ = "https://aduan.example.go.id/webhooks/whatsapp-cloud/7";
const base = whatsappCloudConfigSchema.parse({
  phoneNumberId: "106540352242922",
  verifyToken: "verify-me-please-0001",
  appSecret: APP_SECRET,
  accessToken: TOKEN,
  templates: [{ name: "tindak_lanjut_aduan", language: "id", body: "Halo, ada kabar baru untuk aduan {{1}}: {{2}}. Balas pesan ini untuk melanjutkan." }],
});
const ctx = (over: Partial<WhatsappCloudConfig> = {}) => testContext<WhatsappCloudConfig>({ ...base, ...over });
const fixtureDir = new URL("./__fixtures__/", import.meta.url);
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith(".json")).sort();
const raw = (name: string) => readFileSync(new URL(name, fixtureDir), "utf8");
const request = (name: string, secret = APP_SECRET) => metaWebhookRequest({ url: URL_, appSecret: secret, body: raw(name) });

function events(o: WebhookOutcome) {
  assert.equal(o.kind, "events", JSON.stringify(o));
  return o as Extract<WebhookOutcome, { kind: "events" }>;
}
const one = (o: WebhookOutcome): InboundMessage => {
  const e = events(o);
  assert.equal(e.messages.length, 1);
  return e.messages[0]!;
};

describe("whatsapp-cloud verify (X-Hub-Signature-256) and the hub.challenge handshake", () => {
  for (const name of fixtures) {
    test(`${name}: the app secret's signature verifies; one changed body byte does not`, () => {
      const req = request(name);
      assert.equal(wa.verify(ctx(), req), true);
      assert.equal(wa.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
    });
  }

  test("a missing, malformed or other app's signature is refused; re-serialized JSON is refused", () => {
    const body = raw("text.json");
    assert.equal(wa.verify(ctx(), webhookRequest({ url: URL_, body })), false);
    assert.equal(wa.verify(ctx(), metaWebhookRequest({ url: URL_, appSecret: APP_SECRET, body, signature: "sha1=abc" })), false);
    assert.equal(wa.verify(ctx(), request("text.json", "0".repeat(32))), false);
    // The signature is over the raw bytes: the same JSON with other whitespace does not verify.
    const compact = JSON.stringify(JSON.parse(body));
    assert.equal(wa.verify(ctx(), metaWebhookRequest({ url: URL_, appSecret: APP_SECRET, body: compact, signature: metaSignature256(APP_SECRET, body) })), false);
    assert.equal(wa.verify(ctx(), { ...request("text.json"), method: "PUT" }), false);
  });

  test("the signature header is accepted in upper-case hex too (constant-time compare of the normalized value)", () => {
    const req = request("text.json");
    req.headers["x-hub-signature-256"] = String(req.headers["x-hub-signature-256"]).toUpperCase().replace("SHA256=", "sha256=");
    assert.equal(wa.verify(ctx(), req), true);
  });

  test("GET hub.mode=subscribe with the verify token answers 200 with exactly hub.challenge as text", () => {
    const req = metaVerifyRequest({ url: URL_, verifyToken: base.verifyToken, challenge: "1158201444" });
    assert.equal(wa.verify(ctx(), req), true);
    assert.deepEqual(wa.parse(ctx(), req), { kind: "handshake", reply: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "1158201444" } });
  });

  test("a wrong verify token or another hub.mode answers 403", () => {
    for (const req of [
      metaVerifyRequest({ url: URL_, verifyToken: "wrong-token-000", challenge: "42" }),
      metaVerifyRequest({ url: URL_, mode: "unsubscribe", verifyToken: base.verifyToken, challenge: "42" }),
    ]) {
      const out = wa.parse(ctx(), req);
      assert.equal(out.kind, "handshake");
      assert.equal((out as { reply: { status: number } }).reply.status, 403);
    }
    assert.equal(wa.verify(ctx(), webhookRequest({ url: URL_, method: "GET" })), false, "a GET that is no handshake is refused");
  });
});

describe("whatsapp-cloud parse", () => {
  test("text -> normalized message, sender in E.164 with the profile name", () => {
    const m = one(wa.parse(ctx(), request("text.json")));
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "whatsapp",
      externalId: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMEE1RjM2MjlDNkVGNjQ3AA==",
      externalThreadId: "+6281234567890",
      sender: { externalId: "+6281234567890", phone: "+6281234567890", displayName: "Siti Rahmawati" },
      sentAt: new Date(1795000000 * 1000),
      text: "Selamat pagi, jalan di depan SDN 5 Palembang berlubang besar dan sudah memakan korban.",
      attachments: [],
      raw: undefined,
    });
  });

  test("image, document and voice note become attachments by media id; captions are the text", () => {
    const img = one(wa.parse(ctx(), request("image.json")));
    assert.equal(img.text, "Sampah menumpuk di TPS Pasar 16 Ilir");
    assert.deepEqual(img.attachments, [{ kind: "image", ref: "1482362645845523", mimeType: "image/jpeg" }]);
    const doc = one(wa.parse(ctx(), request("document.json")));
    assert.deepEqual(doc.attachments, [{ kind: "document", ref: "2093746523409871", mimeType: "application/pdf", fileName: "surat-pengantar-rt.pdf" }]);
    const voice = one(wa.parse(ctx(), request("voice.json")));
    assert.equal(voice.text, "");
    assert.deepEqual(voice.attachments, [{ kind: "audio", ref: "874512369852147", mimeType: "audio/ogg" }]);
  });

  test("location, reply context and a STATUS request", () => {
    assert.deepEqual(one(wa.parse(ctx(), request("location.json"))).location, { latitude: -2.990934, longitude: 104.756554, title: "Pasar 16 Ilir", address: "Jl. Pasar 16 Ilir, Palembang" });
    assert.equal(one(wa.parse(ctx(), request("reply-context.json"))).inReplyToExternalId, "wamid.OURS01");
    const s = one(wa.parse(ctx(), request("status-request.json")));
    assert.deepEqual(s.command, { name: "status", argument: "ADU-2611-00042" });
  });

  test("statuses become delivery updates, failures with the Graph error code", () => {
    assert.deepEqual(events(wa.parse(ctx(), request("status-delivered.json"))).deliveries.map((d) => [d.externalId, d.status, d.at.toISOString()]), [["wamid.OURS01", "delivered", new Date(1795000100 * 1000).toISOString()]]);
    assert.equal(events(wa.parse(ctx(), request("status-read.json"))).deliveries[0]?.status, "read");
    const failed = events(wa.parse(ctx(), request("status-failed.json"))).deliveries[0]!;
    assert.equal(failed.status, "failed");
    assert.equal(failed.errorCode, "131047");
    assert.match(failed.errorMessage ?? "", /Re-engagement/);
  });

  test("another phone number's events, reactions and junk are ignored with a reason, never thrown", () => {
    const reason = (o: WebhookOutcome) => (assert.equal(o.kind, "ignored", JSON.stringify(o)), (o as { reason: string }).reason);
    assert.match(reason(wa.parse(ctx(), request("other-number.json"))), /other-number/);
    assert.match(reason(wa.parse(ctx(), request("reaction.json"))), /unsupported-content: reaction/);
    for (const body of ["", "null", "[]", "{}", '{"object":"page","entry":[]}', '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[{"id":1}]}}]}]}']) {
      const req = metaWebhookRequest({ url: URL_, appSecret: APP_SECRET, body });
      assert.doesNotThrow(() => wa.parse(ctx(), req));
      assert.equal(wa.parse(ctx(), req).kind, "ignored", body);
    }
  });
});

describe("whatsapp-cloud send against a fake Graph API", () => {
  let graph: FakeGraph;
  const gctx = () => ctx({ graphApiBase: graph.baseUrl });
  before(async () => {
    graph = await startFakeGraph({ accessToken: TOKEN });
  });
  after(() => graph.close());

  test("text goes to /{phone-number-id}/messages with the wa_id and a reply context", async () => {
    const r = await wa.send(gctx(), { to: "+6281234567890", text: "Terima kasih, aduan Anda kami terima.", inReplyToExternalId: "wamid.CITIZEN1" });
    assert.equal(r.status, "sent");
    const call = graph.calls.at(-1)!;
    assert.equal(call.path, "106540352242922/messages");
    assert.equal(call.version, "v21.0");
    assert.deepEqual(call.body, {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "6281234567890",
      type: "text",
      text: { preview_url: false, body: "Terima kasih, aduan Anda kami terima." },
      context: { message_id: "wamid.CITIZEN1" },
    });
    assert.match((r as { externalId: string }).externalId, /^wamid\./);
  });

  test("a template is sent with its language and body parameters", async () => {
    const r = await wa.send(gctx(), { to: "+6281234567890", text: "(rendered)", template: { name: "tindak_lanjut_aduan", language: "id", parameters: ["ADU-2611-00042", "sedang diproses"] } });
    assert.equal(r.status, "sent");
    assert.deepEqual(graph.calls.at(-1)!.body.template, {
      name: "tindak_lanjut_aduan",
      language: { code: "id" },
      components: [{ type: "body", parameters: [{ type: "text", text: "ADU-2611-00042" }, { type: "text", text: "sedang diproses" }] }],
    });
  });

  test("a file is uploaded to /media, then sent by its id", async () => {
    const r = await wa.send(gctx(), { to: "6281234567890", text: "", attachments: [{ fileName: "balasan.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4 fake") }] });
    assert.equal(r.status, "sent");
    const [upload, sent] = graph.calls.slice(-2);
    assert.equal(upload!.path, "106540352242922/media");
    assert.deepEqual(upload!.body.file, { fileName: "balasan.pdf", mimeType: "application/pdf", size: 13 });
    assert.equal(sent!.body.type, "document");
    assert.equal((sent!.body.document as { filename: string }).filename, "balasan.pdf");
  });

  test("Graph's re-engagement error (window closed) is a permanent failure saying why; rate limits and 5xx are retried", async () => {
    graph.closeWindow("6289900001111");
    const closed = await wa.send(gctx(), { to: "+6289900001111", text: "Halo" });
    assert.equal(closed.status, "failed");
    assert.equal((closed as { retryable: boolean }).retryable, false);
    assert.match((closed as { reason: string }).reason, /24-hour/);
    graph.failNext(1, { status: 400, code: 130429, message: "(#130429) Rate limit hit" });
    assert.equal((await wa.send(gctx(), { to: "+6281234567890", text: "x" }) as { retryable: boolean }).retryable, true);
    graph.failNext(1, { status: 500, code: 2, message: "(#2) Service temporarily unavailable" });
    assert.equal((await wa.send(gctx(), { to: "+6281234567890", text: "x" }) as { retryable: boolean }).retryable, true);
    const badToken = await wa.send(ctx({ graphApiBase: graph.baseUrl, accessToken: "EAAG-not-the-right-token-000000" }), { to: "+6281234567890", text: "x" });
    assert.deepEqual([badToken.status, (badToken as { retryable: boolean }).retryable], ["failed", false]);
  });

  test("media is fetched by id with the token (two hops, as Graph serves it)", async () => {
    graph.addMedia("1482362645845523", Buffer.from("jpeg-bytes"), "image/jpeg");
    const r = await wa.fetchAttachment(gctx(), "1482362645845523");
    assert.equal(r.status, "fetched");
    assert.equal((r as { content: Buffer }).content.toString(), "jpeg-bytes");
    assert.equal((r as { mimeType: string }).mimeType, "image/jpeg");
    assert.equal((await wa.fetchAttachment(gctx(), "404404404")).status, "failed");
  });
});

describe("whatsapp-cloud limits", () => {
  test("4096 characters of text, 16 MB files of WhatsApp's types; a 24-hour window with the account's templates", () => {
    assert.deepEqual(checkLimits(wa.limits, { text: "a".repeat(4096) }), []);
    assert.match(checkLimits(wa.limits, { text: "a".repeat(4097) })[0]?.reason ?? "", /at most 4096/);
    assert.match(checkLimits(wa.limits, { text: "", attachments: [{ fileName: "x.exe", mimeType: "image/svg+xml", content: Buffer.alloc(1) }] })[0]?.reason ?? "", /not accepted/);
    assert.match(checkLimits(wa.limits, { text: "", attachments: [{ fileName: "x.pdf", mimeType: "application/pdf", content: Buffer.alloc(16 * 1024 * 1024 + 1) }] })[0]?.reason ?? "", /larger/);
    assert.equal(wa.limits.replyWindow?.hours, 24);
    assert.deepEqual(wa.limits.replyWindow?.templatesOf(base).map((t) => t.name), ["tindak_lanjut_aduan"]);
  });
});
