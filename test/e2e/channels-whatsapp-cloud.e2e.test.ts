import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { metaSignature256, startFakeGraph, type FakeGraph } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Attachment, AuditEvent, InboundReceipt, Message, OutboxItem, Ticket } from "../../server/entities/index.js";

/**
 * Issue 7: WhatsApp Business Cloud API end to end against a fake Graph API on 127.0.0.1 — Meta's
 * verification handshake, signed deliveries, statuses, media, the 24-hour customer-service window
 * (free text refused with a clear 409, templates offered and sent), and fail-over to another account.
 */
const META = { appSecret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", accessToken: "EAAGfake-graph-token-for-aduan-e2e-000001", verifyToken: "aduan-verify-token-01" };
const PHONE_ID = "106540352242922";
const CITIZEN = "6281234567001";
const TEMPLATE = { name: "tindak_lanjut_aduan", language: "id", body: "Halo, ada kabar baru untuk aduan {{1}}: {{2}}. Balas pesan ini untuk melanjutkan." };

for (const target of await testTargets()) {
  describe(`channels: WhatsApp Cloud API end to end (${target.name})`, () => {
    let t: TestApp;
    let graph: FakeGraph;
    let admin: supertest.Agent, operator: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    let seq = 1;
    const waMessage = (from: string, message: Record<string, unknown>, phoneId = PHONE_ID) => ({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "6281100020003", phone_number_id: phoneId },
                contacts: [{ profile: { name: "Rina Wulandari" }, wa_id: from }],
                messages: [{ from, id: `wamid.E2E${seq++}`, timestamp: String(Math.floor(t.clock.now().getTime() / 1000)), ...message }],
              },
            },
          ],
        },
      ],
    });
    const post = (url: string, body: unknown, secret = META.appSecret) => {
      const raw = JSON.stringify(body);
      return http().post(pathOf(url)).set("content-type", "application/json").set("x-hub-signature-256", metaSignature256(secret, raw)).send(raw);
    };
    const ticketOf = async (accountId: number) => {
      const msg = await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: accountId, direction: "inbound" }, order: { id: "DESC" } });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    const sentTo = (to: string) => graph.calls.filter((c) => c.path === `${PHONE_ID}/messages` && c.body.to === to);

    before(async () => {
      graph = await startFakeGraph({ accessToken: META.accessToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const res = await admin.post("/api/channel-accounts").send({
        connector: "whatsapp-cloud",
        name: "WhatsApp resmi",
        config: { phoneNumberId: PHONE_ID, ...META, graphApiBase: graph.baseUrl, templates: [TEMPLATE] },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.config.appSecret, "********");
      assert.equal(res.body.config.accessToken, "********");
      account = res.body;
    });
    after(async () => {
      await t.close();
      await graph.close();
    });

    it("answers Meta's verification GET with exactly hub.challenge, and 403 to a wrong verify token", async () => {
      const ok = await http().get(`${pathOf(account.webhookUrl)}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${META.verifyToken}`);
      assert.equal(ok.status, 200);
      assert.equal(ok.text, "1158201444");
      assert.match(String(ok.headers["content-type"]), /^text\/plain/);
      const wrong = await http().get(`${pathOf(account.webhookUrl)}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess`);
      assert.equal(wrong.status, 403);
      assert.notEqual(wrong.text, "1158201444");
    });

    it("a wrong signature gets 401 and stores nothing", async () => {
      const before = { receipts: await m().getRepository(InboundReceipt).count(), audit: await m().getRepository(AuditEvent).count(), tickets: await m().getRepository(Ticket).count() };
      assert.equal((await post(account.webhookUrl, waMessage(CITIZEN, { type: "text", text: { body: "palsu" } }), "f".repeat(32))).status, 401);
      const unsigned = await http().post(pathOf(account.webhookUrl)).set("content-type", "application/json").send(JSON.stringify(waMessage(CITIZEN, { type: "text", text: { body: "palsu" } })));
      assert.equal(unsigned.status, 401);
      assert.deepEqual(
        { receipts: await m().getRepository(InboundReceipt).count(), audit: await m().getRepository(AuditEvent).count(), tickets: await m().getRepository(Ticket).count() },
        before,
      );
    });

    it("a message opens a ticket acknowledged on WhatsApp; the delivery status and a photo follow; a reply in the window is free text", async () => {
      const res = await post(account.webhookUrl, waMessage(CITIZEN, { type: "text", text: { body: "Lampu jalan di Jl. Sudirman mati sejak seminggu." } }));
      assert.equal(res.status, 200, res.text);
      const ticket = await ticketOf(account.id);
      assert.equal(ticket.channel, "whatsapp");
      await sweep();
      const ack = sentTo(CITIZEN).at(-1)!;
      assert.equal(ack.body.type, "text");
      assert.ok(String((ack.body.text as { body: string }).body).includes(ticket.number));

      const ackMsg = await m().getRepository(Message).findOneOrFail({ where: { ticketId: ticket.id, direction: "outbound" }, order: { id: "DESC" } });
      assert.match(ackMsg.externalId ?? "", /^wamid\./);
      const status = {
        object: "whatsapp_business_account",
        entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: PHONE_ID }, statuses: [{ id: ackMsg.externalId, status: "delivered", timestamp: "1795000100", recipient_id: CITIZEN }] } }] }],
      };
      assert.equal((await post(account.webhookUrl, status)).status, 200);
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: ackMsg.id })).deliveryStatus, "delivered");

      graph.addMedia("55501", Buffer.from("jpeg-bytes-of-the-lamp"), "image/jpeg");
      await post(account.webhookUrl, waMessage(CITIZEN, { type: "image", image: { id: "55501", mime_type: "image/jpeg", caption: "Ini fotonya" } })).expect(200);
      assert.equal((await ticketOf(account.id)).id, ticket.id, "joined the open ticket");
      const r = await sweep();
      assert.equal(r.attachments, 1);
      const att = await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id });
      assert.deepEqual([att.fetchState, att.sizeBytes, att.mimeType], ["fetched", 22, "image/jpeg"]);

      const options = await operator.get(`/api/tickets/${ticket.id}/reply-options`).expect(200);
      assert.equal(options.body.freeText, true);
      assert.equal(options.body.window.open, true);
      assert.equal(options.body.connector, "whatsapp-cloud");
      assert.equal(options.body.limits.maxTextLength, 4096);
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Terima kasih, kami teruskan ke Dinas PU." }).expect(201);
      await sweep();
      assert.deepEqual(sentTo(CITIZEN).at(-1)!.body.text, { preview_url: false, body: "Terima kasih, kami teruskan ke Dinas PU." });

      const tooLong = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "x".repeat(4097) });
      assert.equal(tooLong.status, 422);
      assert.match(tooLong.body.message, /at most 4096/);
    });

    it("after 24 hours free text is refused with 409 and the templates; a template is sent; free text queued before the window closed is not sent after", async () => {
      const ticket = await ticketOf(account.id);
      // Queued inside the window, delivered only after it closed (worker down for a day).
      t.clock.advance(23 * 3_600_000);
      operator = await t.loginAs(DEMO.operator);
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Petugas akan datang besok." }).expect(201);
      t.clock.advance(2 * 3_600_000);
      operator = await t.loginAs(DEMO.operator);
      const callsBefore = graph.calls.length;
      await sweep();
      assert.equal(graph.calls.length, callsBefore, "no free text went to Graph outside the window");
      const late = await m().getRepository(Message).findOneOrFail({ where: { ticketId: ticket.id, direction: "outbound" }, order: { id: "DESC" } });
      assert.equal(late.deliveryStatus, "failed");
      assert.match(late.deliveryError ?? "", /24-hour/);

      const options = await operator.get(`/api/tickets/${ticket.id}/reply-options`).expect(200);
      assert.equal(options.body.freeText, false);
      assert.equal(options.body.window.open, false);
      assert.match(options.body.notice, /24 jam/);
      assert.deepEqual(options.body.templates, [{ ...TEMPLATE, parameters: 2 }]);

      const outboxBefore = await m().getRepository(OutboxItem).count();
      const refused = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Halo, apa kabar?" });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, "reply_window_closed");
      assert.match(refused.body.message, /24-hour/);
      assert.deepEqual(refused.body.details.templates.map((x: { name: string }) => x.name), [TEMPLATE.name]);
      assert.equal(await m().getRepository(OutboxItem).count(), outboxBefore, "nothing queued");

      assert.equal((await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", template: { name: "promo", language: "id", parameters: [] } })).status, 400);
      assert.equal((await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", template: { name: TEMPLATE.name, language: "id", parameters: ["x"] } })).status, 400);
      const sent = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", template: { name: TEMPLATE.name, language: "id", parameters: [ticket.number, "petugas dijadwalkan besok"] } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.body, `Halo, ada kabar baru untuk aduan ${ticket.number}: petugas dijadwalkan besok. Balas pesan ini untuk melanjutkan.`);
      await sweep();
      const call = sentTo(CITIZEN).at(-1)!;
      assert.equal(call.body.type, "template");
      assert.deepEqual(call.body.template, {
        name: TEMPLATE.name,
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: ticket.number }, { type: "text", text: "petugas dijadwalkan besok" }] }],
      });
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: sent.body.id })).deliveryStatus, "sent");

      // The citizen answers: the window opens again.
      await post(account.webhookUrl, waMessage(CITIZEN, { type: "text", text: { body: "Baik, terima kasih." } })).expect(200);
      assert.equal((await operator.get(`/api/tickets/${ticket.id}/reply-options`).expect(200)).body.freeText, true);
    });

    it("fails over to another WhatsApp account without losing the conversation thread", async () => {
      const ticket = await ticketOf(account.id);
      admin = await t.loginAs(DEMO.admin);
      const second = await admin.post("/api/channel-accounts").send({
        connector: "whatsapp-cloud",
        name: "WhatsApp cadangan",
        config: { phoneNumberId: "206540352242923", ...META, graphApiBase: graph.baseUrl },
      });
      assert.equal(second.status, 201, JSON.stringify(second.body));
      await admin.delete(`/api/channel-accounts/${account.id}`).expect(200);
      await post(second.body.webhookUrl, waMessage(CITIZEN, { type: "text", text: { body: "Saya tulis ke nomor yang baru." } }, "206540352242923")).expect(200);
      const continued = await ticketOf(second.body.id);
      assert.equal(continued.id, ticket.id, "the same ticket continues on the new account");
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Pesan Anda sudah kami terima di nomor baru." }).expect(201);
      await sweep();
      const last = graph.calls.filter((c) => c.path === "206540352242923/messages").at(-1);
      assert.equal(last?.body.to, CITIZEN);
    });
  });
}
