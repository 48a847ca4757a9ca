import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { metaSignature256, startFakeGraph, type FakeGraph } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { AuditEvent, InboundReceipt, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 7: Facebook Page (Messenger + comments) and Instagram (Direct + comments) end to end
 * against a fake Graph API: Meta's handshake, signed deliveries, tickets from DMs and comments,
 * acknowledgements (privately to commenters), operator replies as messages or comment replies,
 * and the 24-hour messaging window of DMs.
 */
const META = { appSecret: "5e4d3c2b1a0f9e8d7c6b5a4938271605", accessToken: "EAAGfake-page-token-for-aduan-e2e-0001", verifyToken: "aduan-meta-verify-01" };
const PAGE = "104378251234567";
const IG = "17841400123456789";

for (const target of await testTargets()) {
  describe(`channels: Facebook and Instagram end to end (${target.name})`, () => {
    let t: TestApp;
    let graph: FakeGraph;
    let admin: supertest.Agent, operator: supertest.Agent;
    let fb: { id: number; webhookUrl: string };
    let ig: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    let seq = 1;
    const post = (url: string, body: unknown, secret = META.appSecret) => {
      const raw = JSON.stringify(body);
      return http().post(pathOf(url)).set("content-type", "application/json").set("x-hub-signature-256", metaSignature256(secret, raw)).send(raw);
    };
    const dm = (object: "page" | "instagram", own: string, sender: string, text: string) => ({
      object,
      entry: [{ id: own, time: t.clock.now().getTime(), messaging: [{ sender: { id: sender }, recipient: { id: own }, timestamp: t.clock.now().getTime(), message: { mid: `m_e2e_${seq++}`, text } }] }],
    });
    const ticketByExternal = async (accountId: number, externalId: string) => {
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: accountId, externalId });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };

    before(async () => {
      graph = await startFakeGraph({ accessToken: META.accessToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const a = await admin.post("/api/channel-accounts").send({ connector: "facebook", name: "Halaman Pemprov", config: { pageId: PAGE, ...META, graphApiBase: graph.baseUrl } });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      fb = a.body;
      const b = await admin.post("/api/channel-accounts").send({ connector: "instagram", name: "Instagram Pemprov", config: { instagramAccountId: IG, ...META, graphApiBase: graph.baseUrl } });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      ig = b.body;
    });
    after(async () => {
      await t.close();
      await graph.close();
    });

    it("both accounts answer Meta's handshake with the challenge (the shared verify token), 403 otherwise", async () => {
      for (const acc of [fb, ig]) {
        const ok = await http().get(`${pathOf(acc.webhookUrl)}?hub.mode=subscribe&hub.challenge=8831&hub.verify_token=${META.verifyToken}`);
        assert.deepEqual([ok.status, ok.text], [200, "8831"]);
        assert.equal((await http().get(`${pathOf(acc.webhookUrl)}?hub.mode=subscribe&hub.challenge=8831&hub.verify_token=x`)).status, 403);
      }
    });

    it("a wrong signature gets 401 and stores nothing", async () => {
      const before = [await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count()];
      assert.equal((await post(fb.webhookUrl, dm("page", PAGE, "111", "palsu"), "0".repeat(32))).status, 401);
      assert.equal((await post(ig.webhookUrl, dm("instagram", IG, "222", "palsu"), "0".repeat(32))).status, 401);
      assert.deepEqual([await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count()], before);
    });

    it("Messenger: a DM opens a ticket acknowledged in Messenger; delivery receipts; the operator's reply goes to the same PSID", async () => {
      const psid = "6543210987654321";
      const body = dm("page", PAGE, psid, "Saluran air di Perumnas Sako tersumbat.");
      await post(fb.webhookUrl, body).expect(200);
      const ticket = await ticketByExternal(fb.id, body.entry[0]!.messaging[0]!.message.mid);
      assert.equal(ticket.channel, "facebook");
      await sweep();
      const ack = graph.calls.at(-1)!;
      assert.equal(ack.path, `${PAGE}/messages`);
      assert.deepEqual(ack.body.recipient, { id: psid });
      assert.ok(String((ack.body.message as { text: string }).text).includes(ticket.number));
      const out = await m().getRepository(Message).findOneOrFail({ where: { ticketId: ticket.id, direction: "outbound" }, order: { id: "DESC" } });
      const receipt = { object: "page", entry: [{ id: PAGE, time: 1, messaging: [{ sender: { id: psid }, recipient: { id: PAGE }, timestamp: 1, delivery: { mids: [out.externalId], watermark: 1 } }] }] };
      await post(fb.webhookUrl, receipt).expect(200);
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: out.id })).deliveryStatus, "delivered");
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Kami teruskan ke Dinas PU." }).expect(201);
      await sweep();
      assert.deepEqual(graph.calls.at(-1)!.body, { recipient: { id: psid }, messaging_type: "RESPONSE", message: { text: "Kami teruskan ke Dinas PU." } });
      const long = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "x".repeat(2001) });
      assert.equal(long.status, 422);
      assert.match(long.body.message, /at most 2000/);
    });

    it("a Page comment opens a ticket: the acknowledgement (with the tracking link) goes privately, the operator answers under the comment", async () => {
      const commentId = "987654321_111222333";
      const change = { object: "page", entry: [{ id: PAGE, time: 1, changes: [{ field: "feed", value: { from: { id: "7712345678901234", name: "Andi Pratama" }, message: "Jalan di Ilir Barat rusak parah.", post_id: `${PAGE}_987654321`, comment_id: commentId, created_time: 1795000000, item: "comment", parent_id: `${PAGE}_987654321`, verb: "add" } }] }] };
      await post(fb.webhookUrl, change).expect(200);
      const ticket = await ticketByExternal(fb.id, `comment:${commentId}`);
      const calls = graph.calls.length;
      await sweep();
      const ack = graph.calls.slice(calls);
      assert.equal(ack.length, 1);
      assert.deepEqual([ack[0]!.path, ack[0]!.body.recipient], [`${PAGE}/messages`, { comment_id: commentId }]);
      assert.ok(!graph.calls.some((c) => c.path.endsWith("/comments") && String(c.body.message).includes("?k=")), "the tracking secret is never posted publicly");
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Terima kasih, sudah kami teruskan ke Dinas PU." }).expect(201);
      await sweep();
      assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body], [`${commentId}/comments`, { message: "Terima kasih, sudah kami teruskan ke Dinas PU." }]);
    });

    it("Instagram: a Direct message and a comment become tickets; replies go as Direct and as comment replies", async () => {
      const igsid = "1357924680135792";
      const body = dm("instagram", IG, igsid, "Mau lapor pungli di Pasar 16.");
      await post(ig.webhookUrl, body).expect(200);
      const t1 = await ticketByExternal(ig.id, body.entry[0]!.messaging[0]!.message.mid);
      assert.equal(t1.channel, "instagram");
      await sweep();
      assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body.recipient], [`${IG}/messages`, { id: igsid }]);

      const comment = { object: "instagram", entry: [{ id: IG, time: 1795000000, changes: [{ field: "comments", value: { from: { id: "17841499999999999", username: "warga.palembang" }, media: { id: "17912345678901234", media_product_type: "FEED" }, id: "17865799348089039", text: "Jembatan di Seberang Ulu retak." } }] }] };
      await post(ig.webhookUrl, comment).expect(200);
      const t2 = await ticketByExternal(ig.id, "comment:17865799348089039");
      assert.notEqual(t2.id, t1.id);
      await sweep();
      assert.deepEqual(graph.calls.at(-1)!.body.recipient, { comment_id: "17865799348089039" });
      await operator.post("/api/messages").send({ ticketId: t2.id, direction: "outbound", body: "Sudah kami teruskan." }).expect(201);
      await sweep();
      assert.deepEqual([graph.calls.at(-1)!.path, graph.calls.at(-1)!.body], ["17865799348089039/replies", { message: "Sudah kami teruskan." }]);
    });

    it("after 24 hours a DM cannot be answered (409, the console says why); a comment still can", async () => {
      const dmTicket = await ticketByExternal(fb.id, (await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: fb.id, direction: "inbound", externalAddress: "6543210987654321" }, order: { id: "ASC" } })).externalId!);
      const commentTicket = await ticketByExternal(fb.id, "comment:987654321_111222333");
      t.clock.advance(25 * 3_600_000);
      operator = await t.loginAs(DEMO.operator);
      const options = await operator.get(`/api/tickets/${dmTicket.id}/reply-options`).expect(200);
      assert.equal(options.body.freeText, false);
      assert.deepEqual(options.body.templates, []);
      assert.match(options.body.notice, /tidak dapat dibalas/);
      const refused = await operator.post("/api/messages").send({ ticketId: dmTicket.id, direction: "outbound", body: "Halo?" });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, "reply_window_closed");
      assert.equal((await operator.get(`/api/tickets/${commentTicket.id}/reply-options`).expect(200)).body.freeText, true);
      await operator.post("/api/messages").send({ ticketId: commentTicket.id, direction: "outbound", body: "Perbaikan dijadwalkan pekan depan." }).expect(201);
    });
  });
}
