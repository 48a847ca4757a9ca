import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { InboundMessage, WebhookOutcome } from "../connector.js";
import { flipOneByte, startFakeX, testContext, webhookRequest, xCrcResponseToken, xWebhookRequest, xWebhookSignature, type FakeX } from "../testing/index.js";
import { xConfigSchema, xConnector as x, type XConfig } from "./x.connector.js";

const base = xConfigSchema.parse({
  userId: "1470000000000000000",
  username: "pemprovsumsel",
  consumerKey: "xvz1evFS4wEEPTGEFPHBog",
  consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
  accessToken: "1470000000000000000-NRYcwCbxFefFIIBRDbXg",
  accessTokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
});
const URL_ = "https://aduan.example.go.id/webhooks/x/5";
const ctx = (over: Partial<XConfig> = {}) => testContext<XConfig>({ ...base, ...over });
const dir = new URL("./__fixtures__/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const request = (name: string, secret = base.consumerSecret) => xWebhookRequest({ url: URL_, consumerSecret: secret, body: readFileSync(new URL(name, dir), "utf8") });
const parse = (name: string) => x.parse(ctx(), request(name));
const one = (o: WebhookOutcome): InboundMessage => {
  assert.equal(o.kind, "events", JSON.stringify(o));
  const e = o as Extract<WebhookOutcome, { kind: "events" }>;
  assert.equal(e.messages.length, 1);
  return e.messages[0]!;
};
const reason = (o: WebhookOutcome) => (assert.equal(o.kind, "ignored", JSON.stringify(o)), (o as { reason: string }).reason);

describe("x CRC and signature", () => {
  test("GET ?crc_token answers 200 JSON {response_token: sha256=base64(HMAC-SHA256(consumer secret, crc_token))}", () => {
    const req = webhookRequest({ url: `${URL_}?crc_token=9b4507b3-9040-4669-9ec3-9bd2b8f2d8fc&nonce=MTUxOTI5`, method: "GET" });
    assert.equal(x.verify(ctx(), req), true);
    const out = x.parse(ctx(), req);
    assert.equal(out.kind, "handshake");
    const reply = (out as Extract<WebhookOutcome, { kind: "handshake" }>).reply;
    assert.equal(reply.status, 200);
    assert.match(reply.headers["content-type"] ?? "", /^application\/json/);
    assert.deepEqual(JSON.parse(reply.body), { response_token: xCrcResponseToken(base.consumerSecret, "9b4507b3-9040-4669-9ec3-9bd2b8f2d8fc") });
    // The same value computed outside this code base (Python hmac/hashlib/base64).
    assert.equal(JSON.parse(reply.body).response_token, "sha256=7koH/NxiynxY2AcuSdAfGzLwG2QLNiOjIcg48WdanE4=");
    assert.equal(x.verify(ctx(), webhookRequest({ url: URL_, method: "GET" })), false, "a GET without crc_token is refused");
  });

  for (const name of fixtures) {
    test(`${name}: x-twitter-webhooks-signature over the raw body verifies; one changed byte does not`, () => {
      const req = request(name);
      assert.equal(x.verify(ctx(), req), true);
      assert.equal(x.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
      assert.equal(x.verify(ctx(), request(name, "another-consumer-secret-0000000000000")), false);
    });
  }

  test("hex instead of base64, or no header, is refused", () => {
    const body = readFileSync(new URL("dm-text.json", dir));
    const hex = `sha256=${Buffer.from(xWebhookSignature(base.consumerSecret, body).slice(7), "base64").toString("hex")}`;
    assert.equal(x.verify(ctx(), xWebhookRequest({ url: URL_, consumerSecret: base.consumerSecret, body: body.toString(), signature: hex })), false);
    assert.equal(x.verify(ctx(), webhookRequest({ url: URL_, body })), false);
  });
});

describe("x parse", () => {
  test("a DM -> message from the sender, with name and @handle", () => {
    const m = one(parse("dm-text.json"));
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "x",
      externalId: "dm:1795000000000000001",
      externalThreadId: "1234567890123456789",
      sender: { externalId: "1234567890123456789", displayName: "Dewi Lestari", username: "dewi_plg" },
      sentAt: new Date(1795000000123),
      text: "Selamat siang, saya mau melapor jalan rusak di Jl. Demang Lebar Daun.",
      attachments: [],
      raw: undefined,
    });
  });
  test("a DM photo: the media URL is the attachment, its t.co link leaves the text", () => {
    const m = one(parse("dm-photo.json"));
    assert.equal(m.text, "Ini fotonya");
    assert.deepEqual(m.attachments, [{ kind: "image", ref: "https://ton.twitter.com/1.1/ton/data/dm/1795000000000000002/1795000000000000009/AbCdEf.jpg", mimeType: "image/jpeg" }]);
    assert.deepEqual(one(parse("dm-status.json")).command, { name: "status", argument: "ADU-2611-00042" });
  });
  test("a mention is answered under the post; the leading @handle is cut; extended text is used", () => {
    const m = one(parse("mention.json"));
    assert.equal(m.text, "Lampu merah di simpang Charitas mati, macet parah!");
    assert.equal(m.externalId, "tweet:1795000000000000100");
    assert.equal(m.replyAddress, "tweet:1795000000000000100:1234567890123456789");
    assert.equal(m.sentAt.toISOString(), "2026-11-23T03:00:00.000Z");
    assert.match(one(parse("mention-extended.json")).text, /anak-anak tidak bisa ke sekolah\.$/);
    assert.equal(one(parse("mention-reply.json")).inReplyToExternalId, "tweet:1795000000000000500");
  });
  test("echoes, own posts, retweets, posts not mentioning us, likes and other accounts are ignored", () => {
    assert.match(reason(parse("dm-echo.json")), /echo/);
    assert.match(reason(parse("own-tweet.json")), /echo/);
    assert.match(reason(parse("retweet.json")), /retweet/);
    assert.match(reason(parse("not-a-mention.json")), /does not mention/);
    assert.match(reason(parse("favorite.json")), /favorite_events/);
    assert.match(reason(parse("other-account.json")), /other-account/);
    for (const body of ["", "[]", "null", "{}", '{"for_user_id":"1470000000000000000","tweet_create_events":[{}]}']) {
      assert.equal(x.parse(ctx(), xWebhookRequest({ url: URL_, consumerSecret: base.consumerSecret, body })).kind, "ignored", body);
    }
  });
});

describe("x send against a fake X API (OAuth 1.0a checked independently)", () => {
  let api: FakeX;
  before(async () => {
    api = await startFakeX(base);
  });
  after(() => api.close());
  const actx = () => ctx({ apiBase: api.baseUrl });

  test("a DM to a user id", async () => {
    const r = await x.send(actx(), { to: "1234567890123456789", text: "Terima kasih, laporan Anda kami catat." });
    assert.equal(r.status, "sent", JSON.stringify(r));
    assert.deepEqual(api.calls.at(-1), { method: "POST", path: "/2/dm_conversations/with/1234567890123456789/messages", body: { text: "Terima kasih, laporan Anda kami catat." } });
    assert.match((r as { externalId: string }).externalId, /^dm:\d+$/);
  });
  test("a reply under the mention; an automated notice goes to the author by DM instead", async () => {
    const r = await x.send(actx(), { to: "tweet:1795000000000000100:1234567890123456789", text: "Sudah kami teruskan ke Dishub." });
    assert.equal(r.status, "sent");
    assert.deepEqual(api.calls.at(-1)!.body, { text: "Sudah kami teruskan ke Dishub.", reply: { in_reply_to_tweet_id: "1795000000000000100" } });
    assert.match((r as { externalId: string }).externalId, /^tweet:\d+$/);
    await x.send(actx(), { to: "tweet:1795000000000000100:1234567890123456789", text: "Nomor tiket ADU-2611-00001, lacak: https://…?k=rahasia", automated: true });
    assert.equal(api.calls.at(-1)!.path, "/2/dm_conversations/with/1234567890123456789/messages");
  });
  test("a reply longer than 280 characters is refused with that reason; nothing is posted", async () => {
    const calls = api.calls.length;
    const r = await x.send(actx(), { to: "tweet:1795000000000000100:1234567890123456789", text: "a".repeat(281) });
    assert.deepEqual([r.status, (r as { retryable: boolean }).retryable], ["failed", false]);
    assert.match((r as { reason: string }).reason, /280/);
    assert.equal(api.calls.length, calls);
  });
  test("429 is retried after the reset, 403 (DMs closed) is not, a wrong token secret is refused by X", async () => {
    api.failNext(1, 429);
    const limited = await x.send(actx(), { to: "1234567890123456789", text: "x" });
    assert.equal((limited as { retryable: boolean }).retryable, true);
    assert.ok(((limited as { retryAfterMs?: number }).retryAfterMs ?? 0) > 0);
    api.refuseDms("42");
    const closed = await x.send(actx(), { to: "42", text: "x" });
    assert.deepEqual([(closed as { retryable: boolean }).retryable, /cannot send messages/.test((closed as { reason: string }).reason)], [false, true]);
    const bad = await x.send(ctx({ apiBase: api.baseUrl, accessTokenSecret: "wrong-secret-000000000" }), { to: "1234567890123456789", text: "x" });
    assert.match((bad as { reason: string }).reason, /X 401/);
  });
  test("DM media is fetched with the account's signature, and only from X's hosts", async () => {
    const url = api.addMedia("dm/1/2/photo.jpg", Buffer.from("dm-photo"), "image/jpeg");
    const r = await x.fetchAttachment(actx(), url);
    assert.equal(r.status, "fetched", JSON.stringify(r));
    assert.equal((r as { content: Buffer }).content.toString(), "dm-photo");
    assert.match(((await x.fetchAttachment(actx(), "https://evil.example/steal")) as { reason: string }).reason, /not X's/);
  });
});
