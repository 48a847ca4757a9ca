import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { InboundMessage, WebhookOutcome } from "../connector.js";
import { flipOneByte, metaVerifyRequest, metaWebhookRequest, startFakeGraph, testContext, webhookRequest, type FakeGraph } from "../testing/index.js";
import { facebookConfigSchema, facebookConnector as fb, type FacebookConfig } from "./facebook.connector.js";

const APP_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const TOKEN = "EAAPagetokenforthefakegraphserver0000001";
const URL_ = "https://aduan.example.go.id/webhooks/facebook/3";
const base = facebookConfigSchema.parse({ pageId: "104378251234567", verifyToken: "fb-verify-token-01", appSecret: APP_SECRET, accessToken: TOKEN });
const ctx = (over: Partial<FacebookConfig> = {}) => testContext<FacebookConfig>({ ...base, ...over });
const dir = new URL("./__fixtures__/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const request = (name: string, secret = APP_SECRET) => metaWebhookRequest({ url: URL_, appSecret: secret, body: readFileSync(new URL(name, dir), "utf8") });
const parse = (name: string) => fb.parse(ctx(), request(name));
const one = (o: WebhookOutcome): InboundMessage => {
  assert.equal(o.kind, "events", JSON.stringify(o));
  const e = o as Extract<WebhookOutcome, { kind: "events" }>;
  assert.equal(e.messages.length, 1);
  return e.messages[0]!;
};
const reason = (o: WebhookOutcome) => (assert.equal(o.kind, "ignored", JSON.stringify(o)), (o as { reason: string }).reason);

describe("facebook verify and handshake (shared Meta code)", () => {
  for (const name of fixtures) {
    test(`${name}: signed with the app secret verifies; one changed byte does not`, () => {
      const req = request(name);
      assert.equal(fb.verify(ctx(), req), true);
      assert.equal(fb.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
      assert.equal(fb.verify(ctx(), request(name, "0".repeat(32))), false);
    });
  }
  test("hub.challenge is echoed for the right verify token only", () => {
    const ok = fb.parse(ctx(), metaVerifyRequest({ url: URL_, verifyToken: base.verifyToken, challenge: "CHALLENGE_ACCEPTED" }));
    assert.deepEqual(ok, { kind: "handshake", reply: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "CHALLENGE_ACCEPTED" } });
    const bad = fb.parse(ctx(), metaVerifyRequest({ url: URL_, verifyToken: "nope-nope-nope", challenge: "x" }));
    assert.equal((bad as { reply: { status: number } }).reply.status, 403);
    assert.equal(fb.verify(ctx(), webhookRequest({ url: URL_, body: "{}" })), false);
  });
});

describe("facebook parse", () => {
  test("a Messenger text -> message from the PSID, answered in Messenger", () => {
    const m = one(parse("messenger-text.json"));
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "facebook",
      externalId: "m_AbCdEf0123456789",
      externalThreadId: "6543210987654321",
      sender: { externalId: "6543210987654321" },
      sentAt: new Date(1795000000456),
      text: "Selamat siang admin, saluran air di Perumnas Sako tersumbat.",
      attachments: [],
      raw: undefined,
    });
    assert.equal(m.replyAddress, undefined, "DMs are answered to the sender");
  });
  test("image by CDN URL, location, reply_to", () => {
    assert.deepEqual(one(parse("messenger-image.json")).attachments, [{ kind: "image", ref: "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg?_nc_cat=1", mimeType: "image/jpeg" }]);
    assert.deepEqual(one(parse("messenger-location.json")).location, { latitude: -2.9761, longitude: 104.7754 });
    assert.equal(one(parse("messenger-reply.json")).inReplyToExternalId, "m_Ours01");
  });
  test("deliveries mark each mid delivered", () => {
    const o = parse("messenger-delivery.json") as Extract<WebhookOutcome, { kind: "events" }>;
    assert.deepEqual(o.deliveries.map((d) => [d.externalId, d.status]), [["m_Ours01", "delivered"], ["m_Ours02", "delivered"]]);
  });
  test("a Page comment -> message answered under the comment; a reply to a comment threads on it", () => {
    const c = one(parse("feed-comment.json"));
    assert.equal(c.externalId, "comment:987654321_111222333");
    assert.equal(c.externalThreadId, "104378251234567_987654321");
    assert.deepEqual(c.sender, { externalId: "7712345678901234", displayName: "Andi Pratama" });
    assert.equal(c.replyAddress, "comment:987654321_111222333");
    assert.equal(c.inReplyToExternalId, undefined, "a top-level comment replies to no comment");
    assert.equal(one(parse("feed-comment-reply.json")).inReplyToExternalId, "comment:987654321_111222333");
  });
  test("echoes, read receipts, edits, the Page's own comments, reactions and other Pages are ignored with a reason", () => {
    assert.match(reason(parse("messenger-echo.json")), /echo/);
    assert.match(reason(parse("messenger-read.json")), /read receipt/);
    assert.match(reason(parse("feed-comment-edited.json")), /edited/);
    assert.match(reason(parse("feed-own-comment.json")), /echo/);
    assert.match(reason(parse("feed-reaction.json")), /reaction/);
    assert.match(reason(parse("other-page.json")), /other-page/);
    for (const body of ["", "[]", '{"object":"instagram","entry":[]}', '{"object":"page","entry":[{"messaging":[{}],"changes":[{}]}]}']) {
      assert.equal(fb.parse(ctx(), metaWebhookRequest({ url: URL_, appSecret: APP_SECRET, body })).kind, "ignored", body);
    }
  });
});

describe("facebook send against a fake Graph API", () => {
  let graph: FakeGraph;
  before(async () => {
    graph = await startFakeGraph({ accessToken: TOKEN });
  });
  after(() => graph.close());
  const gctx = () => ctx({ graphApiBase: graph.baseUrl });

  test("a DM goes through the Send API of the Page as a RESPONSE", async () => {
    const r = await fb.send(gctx(), { to: "6543210987654321", text: "Terima kasih, aduan Anda kami catat." });
    assert.equal(r.status, "sent");
    const call = graph.calls.at(-1)!;
    assert.equal(call.path, "104378251234567/messages");
    assert.deepEqual(call.body, { recipient: { id: "6543210987654321" }, messaging_type: "RESPONSE", message: { text: "Terima kasih, aduan Anda kami catat." } });
    assert.match((r as { externalId: string }).externalId, /^m_/);
  });
  test("a comment address is answered with POST /{comment-id}/comments", async () => {
    const r = await fb.send(gctx(), { to: "comment:987654321_111222333", text: "Sudah kami teruskan ke Dinas PU." });
    assert.equal(r.status, "sent");
    assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body], ["987654321_111222333/comments", { message: "Sudah kami teruskan ke Dinas PU." }]);
    assert.match((r as { externalId: string }).externalId, /^comment:/);
  });
  test("an automated notice to a commenter is a private reply (it carries the tracking link), not a public comment", async () => {
    const r = await fb.send(gctx(), { to: "comment:987654321_111222333", text: "Aduan Anda tercatat: https://aduan.example/lacak/ADU-1?k=secret", automated: true });
    assert.equal(r.status, "sent");
    assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body.recipient], ["104378251234567/messages", { comment_id: "987654321_111222333" }]);
  });
  test("outside the window Graph refuses (code 10): a permanent failure; rate limit (613) is retried", async () => {
    graph.failNext(1, { status: 400, code: 10, message: "(#10) This message is sent outside of allowed window." });
    const r = await fb.send(gctx(), { to: "6543210987654321", text: "x" });
    assert.deepEqual([r.status, (r as { retryable: boolean }).retryable], ["failed", false]);
    assert.match((r as { reason: string }).reason, /outside of allowed window/);
    graph.failNext(1, { status: 400, code: 613, message: "(#613) Calls to this api have exceeded the rate limit." });
    assert.equal(((await fb.send(gctx(), { to: "6543210987654321", text: "x" })) as { retryable: boolean }).retryable, true);
  });
  test("the reply window concerns DMs only; comment replies are free", () => {
    assert.equal(fb.limits.replyWindow?.appliesTo.test("6543210987654321"), true);
    assert.equal(fb.limits.replyWindow?.appliesTo.test("comment:987654321_111222333"), false);
  });
});
