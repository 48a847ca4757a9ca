import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { InboundMessage, WebhookOutcome } from "../connector.js";
import { flipOneByte, metaVerifyRequest, metaWebhookRequest, startFakeGraph, testContext, type FakeGraph } from "../testing/index.js";
import { instagramConfigSchema, instagramConnector as ig, type InstagramConfig } from "./instagram.connector.js";

const APP_SECRET = "1a2b3c4d5e6f708192a3b4c5d6e7f809";
const TOKEN = "EAAInstagramtokenforthefakegraph000001";
const URL_ = "https://aduan.example.go.id/webhooks/instagram/4";
const base = instagramConfigSchema.parse({ instagramAccountId: "17841400123456789", verifyToken: "ig-verify-token-01", appSecret: APP_SECRET, accessToken: TOKEN });
const ctx = (over: Partial<InstagramConfig> = {}) => testContext<InstagramConfig>({ ...base, ...over });
const dir = new URL("./__fixtures__/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const request = (name: string, secret = APP_SECRET) => metaWebhookRequest({ url: URL_, appSecret: secret, body: readFileSync(new URL(name, dir), "utf8") });
const parse = (name: string) => ig.parse(ctx(), request(name));
const one = (o: WebhookOutcome): InboundMessage => {
  assert.equal(o.kind, "events", JSON.stringify(o));
  return (o as Extract<WebhookOutcome, { kind: "events" }>).messages[0]!;
};
const reason = (o: WebhookOutcome) => (assert.equal(o.kind, "ignored", JSON.stringify(o)), (o as { reason: string }).reason);

describe("instagram verify and handshake (shared Meta code)", () => {
  for (const name of fixtures) {
    test(`${name}: signature verifies; one changed byte or another secret does not`, () => {
      const req = request(name);
      assert.equal(ig.verify(ctx(), req), true);
      assert.equal(ig.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
      assert.equal(ig.verify(ctx(), request(name, "f".repeat(32))), false);
    });
  }
  test("hub.challenge for the right verify token, 403 otherwise", () => {
    assert.equal((ig.parse(ctx(), metaVerifyRequest({ url: URL_, verifyToken: base.verifyToken, challenge: "77" })) as { reply: { body: string } }).reply.body, "77");
    assert.equal((ig.parse(ctx(), metaVerifyRequest({ url: URL_, verifyToken: "x".repeat(12), challenge: "77" })) as { reply: { status: number } }).reply.status, 403);
  });
});

describe("instagram parse", () => {
  test("a Direct text and image", () => {
    const m = one(parse("dm-text.json"));
    assert.deepEqual([m.channelKind, m.externalId, m.sender.externalId, m.text, m.replyAddress], ["instagram", "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAw", "1357924680135792", "Halo min, mau lapor pungli di pasar.", undefined]);
    assert.equal(one(parse("dm-image.json")).attachments[0]?.kind, "image");
  });
  test("a comment on the account's media is answered under it, with the username", () => {
    const c = one(parse("comment.json"));
    assert.deepEqual(
      [c.externalId, c.externalThreadId, c.sender, c.replyAddress, c.sentAt.getTime()],
      ["comment:17865799348089039", "17912345678901234", { externalId: "17841499999999999", username: "warga.palembang", displayName: "@warga.palembang" }, "comment:17865799348089039", 1795000000 * 1000],
    );
    assert.equal(one(parse("comment-reply.json")).inReplyToExternalId, "comment:17865799348089039");
  });
  test("echoes, own comments and mentions are ignored with a reason", () => {
    assert.match(reason(parse("dm-echo.json")), /echo/);
    assert.match(reason(parse("own-comment.json")), /echo/);
    assert.match(reason(parse("mention.json")), /mentions/);
  });
});

describe("instagram send against a fake Graph API", () => {
  let graph: FakeGraph;
  before(async () => {
    graph = await startFakeGraph({ accessToken: TOKEN });
  });
  after(() => graph.close());
  const gctx = () => ctx({ graphApiBase: graph.baseUrl });
  test("a Direct reply through /{ig-id}/messages; a comment reply through /{comment-id}/replies", async () => {
    assert.equal((await ig.send(gctx(), { to: "1357924680135792", text: "Terima kasih laporannya." })).status, "sent");
    assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body.recipient], ["17841400123456789/messages", { id: "1357924680135792" }]);
    const r = await ig.send(gctx(), { to: "comment:17865799348089039", text: "Sudah kami teruskan." });
    assert.equal(r.status, "sent");
    assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body], ["17865799348089039/replies", { message: "Sudah kami teruskan." }]);
  });
  test("files need a public URL: bytes alone are refused with a clear reason", async () => {
    const r = await ig.send(gctx(), { to: "1357924680135792", text: "", attachments: [{ fileName: "a.jpg", mimeType: "image/jpeg", content: Buffer.from("x") }] });
    assert.equal(r.status, "failed");
    assert.match((r as { reason: string }).reason, /public URL/);
  });
});
