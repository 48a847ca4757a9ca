import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import supertest from "supertest";
import { startFakeX, xWebhookSignature, type FakeX } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Attachment, AuditEvent, InboundReceipt, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 7: X through the Account Activity API end to end against a fake X API: the CRC answered
 * as X documents it, signed deliveries (a wrong signature stores nothing), DMs and mentions in,
 * DMs and replies out with OAuth 1.0a.
 */
const X = {
  userId: "1470000000000000000",
  username: "pemprovsumsel",
  consumerKey: "xvz1evFS4wEEPTGEFPHBog",
  consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
  accessToken: "1470000000000000000-NRYcwCbxFefFIIBRDbXg",
  accessTokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
};
const CITIZEN = "1234567890123456789";

for (const target of await testTargets()) {
  describe(`channels: X end to end (${target.name})`, () => {
    let t: TestApp;
    let api: FakeX;
    let admin: supertest.Agent, operator: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    let seq = 1;
    const post = (body: unknown, secret = X.consumerSecret) => {
      const raw = JSON.stringify(body);
      return http().post(pathOf(account.webhookUrl)).set("content-type", "application/json").set("x-twitter-webhooks-signature", xWebhookSignature(secret, raw)).send(raw);
    };
    const dm = (text: string, attachment?: unknown) => ({
      for_user_id: X.userId,
      direct_message_events: [
        { type: "message_create", id: String(1795000000000000000n + BigInt(seq++)), created_timestamp: String(t.clock.now().getTime()), message_create: { target: { recipient_id: X.userId }, sender_id: CITIZEN, message_data: { text, ...(attachment ? { attachment } : {}) } } },
      ],
      users: { [CITIZEN]: { id: CITIZEN, name: "Dewi Lestari", screen_name: "dewi_plg" } },
    });
    const ticketByExternal = async (externalId: string) => {
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };

    before(async () => {
      api = await startFakeX(X);
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const res = await admin.post("/api/channel-accounts").send({ connector: "x", name: "X Pemprov", config: { ...X, apiBase: api.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.config.consumerSecret, "********");
      account = res.body;
    });
    after(async () => {
      await t.close();
      await api.close();
    });

    it("answers the CRC with 200 JSON holding the response_token X expects", async () => {
      const token = "9b4507b3-9040-4669-9ec3-9bd2b8f2d8fc";
      const res = await http().get(`${pathOf(account.webhookUrl)}?crc_token=${token}&nonce=MTUxOTI5`);
      assert.equal(res.status, 200);
      assert.match(String(res.headers["content-type"]), /^application\/json/);
      assert.deepEqual(res.body, { response_token: `sha256=${createHmac("sha256", X.consumerSecret).update(token).digest("base64")}` });
      assert.equal((await http().get(pathOf(account.webhookUrl))).status, 401, "a GET without crc_token");
    });

    it("a wrong signature gets 401 and stores nothing", async () => {
      const before = [await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count()];
      assert.equal((await post(dm("palsu"), "another-consumer-secret-000000000000000")).status, 401);
      assert.deepEqual([await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count()], before);
    });

    it("a DM opens a ticket acknowledged by DM; a photo DM joins it and is fetched; the operator's reply is a DM", async () => {
      const first = dm("Jalan rusak di Jl. Demang Lebar Daun, banyak lubang.");
      await post(first).expect(200);
      const ticket = await ticketByExternal(`dm:${first.direct_message_events[0]!.id}`);
      assert.equal(ticket.channel, "x");
      await sweep();
      const ack = api.calls.at(-1)!;
      assert.equal(ack.path, `/2/dm_conversations/with/${CITIZEN}/messages`);
      assert.ok(String(ack.body.text).includes(ticket.number));

      const url = api.addMedia("dm/photo-1.jpg", Buffer.from("photo-of-the-road"), "image/jpeg");
      await post(dm("Ini fotonya https://t.co/AbC123xyz", { type: "media", media: { id_str: "9", media_url_https: url, type: "photo" } })).expect(200);
      assert.equal(await m().getRepository(Message).countBy({ ticketId: ticket.id, direction: "inbound" }), 2);
      assert.equal((await sweep()).attachments, 1);
      const att = await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id });
      assert.deepEqual([att.fetchState, att.sizeBytes], ["fetched", 17]);

      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Terima kasih, kami teruskan ke Dinas PUPR." }).expect(201);
      await sweep();
      assert.deepEqual(api.calls.at(-1), { method: "POST", path: `/2/dm_conversations/with/${CITIZEN}/messages`, body: { text: "Terima kasih, kami teruskan ke Dinas PUPR." } });
    });

    it("a mention opens a ticket: the acknowledgement goes by DM (private link), the operator replies under the post", async () => {
      const mention = {
        for_user_id: X.userId,
        tweet_create_events: [
          {
            created_at: "Mon Nov 23 03:00:00 +0000 2026",
            id_str: "1795000000000000100",
            text: "@pemprovsumsel Lampu merah di simpang Charitas mati, macet parah!",
            user: { id_str: "1999999999999999999", name: "Budi", screen_name: "budi_plg" },
            in_reply_to_status_id_str: null,
            entities: { user_mentions: [{ id_str: X.userId, screen_name: X.username }] },
          },
        ],
      };
      await post(mention).expect(200);
      const ticket = await ticketByExternal("tweet:1795000000000000100");
      assert.equal(ticket.description, "Lampu merah di simpang Charitas mati, macet parah!");
      const calls = api.calls.length;
      await sweep();
      assert.equal(api.calls.length, calls + 1);
      assert.equal(api.calls.at(-1)!.path, "/2/dm_conversations/with/1999999999999999999/messages");
      assert.ok(!api.calls.some((c) => c.path === "/2/tweets" && String(c.body.text).includes("?k=")), "the tracking secret is never posted publicly");

      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Sudah kami laporkan ke Dishub, petugas menuju lokasi." }).expect(201);
      await sweep();
      assert.deepEqual(api.calls.at(-1)!.body, { text: "Sudah kami laporkan ke Dishub, petugas menuju lokasi.", reply: { in_reply_to_tweet_id: "1795000000000000100" } });

      // A reply under a post longer than X allows is refused up front, naming the limit; nothing is queued.
      const before = await m().getRepository(Message).countBy({ ticketId: ticket.id });
      const tooLong = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: `Mohon maaf ${"sekali ".repeat(45)}` });
      assert.equal(tooLong.status, 422, JSON.stringify(tooLong.body));
      assert.match(tooLong.body.message, /a reply under a post on X accepts at most 280/);
      assert.equal(await m().getRepository(Message).countBy({ ticketId: ticket.id }), before);
      // 280 characters exactly still go out.
      const exact = "Terima kasih. ".padEnd(280, "x");
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: exact }).expect(201);
      await sweep();
      assert.equal(api.calls.at(-1)!.body.text, exact);
    });
  });
}
