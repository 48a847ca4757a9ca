import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { fakeWhatsappWebClientFactory, metaSignature256, startFakeGraph, startFakeWhatsappWeb, type FakeGraph, type FakeWhatsappWeb } from "../../channels/testing/index.js";
import { createWhatsappWebConnector } from "../../channels/whatsapp-web/whatsapp-web.connector.js";
import { findConnector } from "../../server/ingest/connectors.js";
import { AuditEvent, ChannelAccount, Message, OutboxItem, SessionLease, Ticket } from "../../server/entities/index.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { startSessions, type Sessions } from "../../server/sessions/supervisor.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";

/**
 * Issue 19, item 4 (acceptance 4): automatic WhatsApp fail-over. A WhatsApp Web account (its
 * session run by the real sessions supervisor against a stand-in WhatsApp Web page) is paired with
 * a WhatsApp Cloud API account (a fake Graph API on 127.0.0.1). The session is stopped: replies
 * queued on it wait for WHATSAPP_FAILOVER_MINUTES, then go through the Cloud API exactly once — even
 * with two workers sweeping at the same time — as the pairing's approved template outside the
 * 24-hour window (free text inside it), and the conversation shows the path; when the session
 * returns, new replies go through it again. The other way: the Cloud API refuses the account's
 * token, and the reply goes through the connected WhatsApp Web session.
 */
const META = { appSecret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", accessToken: "EAAGfake-graph-token-for-failover-01", verifyToken: "aduan-verify-failover" };
const PHONE_ID = "106540352249001";
const TEMPLATE = { name: "balasan_aduan", language: "id", body: "Balasan untuk aduan {{1}}: {{2}}" };
const CITIZEN = "+6281234560101";
const OTHER = "+6281234560202";
const THIRD = "+6281234560303";

const waitFor = async <T>(what: string, get: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const target of await testTargets()) {
  describe(`WhatsApp automatic fail-over between WhatsApp Web and the Cloud API (${target.name})`, () => {
    let t: TestApp;
    let page: FakeWhatsappWeb;
    let graph: FakeGraph;
    let sessions: Sessions | undefined;
    let admin: supertest.Agent, operator: supertest.Agent;
    let web: { id: number };
    let cloud: { id: number; webhookUrl: string };
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    const startSession = async () => {
      const wa = createWhatsappWebConnector(fakeWhatsappWebClientFactory(page.baseUrl, 50));
      sessions = await startSessions({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger }, { reconcileMs: 60_000, leaseTtlMs: 24 * 3_600_000, connectorFor: (id) => (id === "whatsapp-web" ? wa : findConnector(id)) });
      await waitFor("the WhatsApp Web session is connected", async () => (await m().getRepository(SessionLease).findOneBy({ channelAccountId: web.id }))?.state === "connected");
    };
    const cloudSentTo = (phone: string) => graph.calls.filter((c) => c.path === `${PHONE_ID}/messages` && c.body.to === phone.replace(/^\+/, ""));
    const webSentTo = (phone: string) => page.sent.filter((s) => s.chatId === `${phone.replace(/^\+/, "")}@c.us`);
    type ApiMessage = { id: number; direction: string; via: string | null; failover: string | null; body: string; deliveryStatus: string | null; delivery?: { state: string; nextAttemptAt: string | null; reasonKey: string | null } };
    const conversation = async (ticketId: number): Promise<ApiMessage[]> => {
      const res = await operator.get("/api/messages").query({ filter: JSON.stringify({ ticketId }) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const reply = async (ticketId: number, body: string): Promise<number> => {
      const res = await operator.post("/api/messages").send({ ticketId, direction: "outbound", body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };
    /** A citizen writes on WhatsApp Web: the ticket, once stored, with its acknowledgement delivered. */
    const citizenWritesOnWeb = async (from: string, body: string) => {
      const id = page.receive({ from, body });
      const inbound = await waitFor("the message is stored", () => m().getRepository(Message).findOneBy({ channelAccountId: web.id, externalId: id }));
      await sweep();
      return m().getRepository(Ticket).findOneByOrFail({ id: inbound.ticketId });
    };
    const cloudWebhook = (from: string, text: string, seq: number) => {
      const raw = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: PHONE_ID }, contacts: [{ profile: { name: "Warga" }, wa_id: from.slice(1) }], messages: [{ from: from.slice(1), id: `wamid.FAILOVER${seq}`, timestamp: String(Math.floor(t.clock.now().getTime() / 1000)), type: "text", text: { body: text } }] } }] }],
      });
      return supertest(t.app).post(pathOf(cloud.webhookUrl)).set("content-type", "application/json").set("x-hub-signature-256", metaSignature256(META.appSecret, raw)).send(raw).expect(200);
    };

    before(async () => {
      page = await startFakeWhatsappWeb();
      graph = await startFakeGraph({ accessToken: META.accessToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const c = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-cloud", name: "WhatsApp resmi (Cloud API)", config: { phoneNumberId: PHONE_ID, ...META, graphApiBase: graph.baseUrl, templates: [TEMPLATE] } });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      cloud = c.body;
      const unknownTemplate = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WA salah", config: { phoneNumber: "+6281100030004" }, failoverAccountId: cloud.id, failoverTemplate: "tidak_ada" });
      assert.equal(unknownTemplate.status, 422, JSON.stringify(unknownTemplate.body));
      assert.match(unknownTemplate.body.message, /failoverTemplate.*approved templates \(balasan_aduan\)/);
      const w = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WhatsApp Web", config: { phoneNumber: "+6281100030004", minSendIntervalMs: 0 }, failoverAccountId: cloud.id, failoverTemplate: TEMPLATE.name });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      assert.deepEqual([w.body.failoverAccountId, w.body.failoverTemplate], [cloud.id, TEMPLATE.name]);
      web = w.body;
      await startSession();
    });
    after(async () => {
      await sessions?.stop();
      await t.close();
      await page.close();
      await graph.close();
    });

    it("the session is stopped: after the threshold the queued reply goes through the Cloud API once, as the template outside the window; when the session returns, new replies go through it again", { timeout: 60_000 }, async () => {
      const ticket = await citizenWritesOnWeb(CITIZEN, "Jalan berlubang di depan SDN 3, mohon segera diperbaiki.");
      assert.equal(webSentTo(CITIZEN).length, 1, "the acknowledgement went through WhatsApp Web");
      assert.equal(cloudSentTo(CITIZEN).length, 0);

      await sessions!.stop();
      sessions = undefined;
      const stoppedAt = t.clock.now();
      const lease = await m().getRepository(SessionLease).findOneByOrFail({ channelAccountId: web.id });
      assert.equal(lease.state, "stopped");
      const text = "Terima kasih.\nPetugas Dinas PU akan memeriksa lokasi besok pagi.";
      const replyId = await reply(ticket.id, text);

      // Within the threshold the reply waits for the session (nothing goes out anywhere).
      t.clock.advance(5 * 60_000);
      await sweep();
      assert.equal(cloudSentTo(CITIZEN).length, 0);
      assert.equal(webSentTo(CITIZEN).length, 1);
      let shown = (await conversation(ticket.id)).find((x) => x.id === replyId)!;
      assert.equal(shown.deliveryStatus, "queued");
      assert.deepEqual([shown.delivery?.state, shown.delivery?.reasonKey], ["retrying", "session"], "the operator sees it waits for the session");
      assert.equal(shown.failover, null);
      // It is tried again no later than when the threshold is reached.
      const outbox = await m().getRepository(OutboxItem).findOneByOrFail({ messageId: replyId });
      assert.ok(outbox.nextAttemptAt.getTime() <= stoppedAt.getTime() + t.config.whatsappFailoverMinutes * 60_000, outbox.nextAttemptAt.toISOString());
      assert.match(outbox.lastError ?? "", /fail-over to "WhatsApp resmi \(Cloud API\)" at/);

      // Past the threshold: two workers sweep at once; the reply is sent once, through the Cloud API.
      t.clock.advance(5 * 60_000 + 1_000);
      await Promise.all([sweep(), sweep()]);
      await sweep();
      const sent = cloudSentTo(CITIZEN);
      assert.equal(sent.length, 1, JSON.stringify(sent));
      // The citizen never wrote to the Cloud number: outside its 24-hour window, so the approved template.
      assert.equal(sent[0]!.body.type, "template");
      assert.deepEqual(sent[0]!.body.template, {
        name: TEMPLATE.name,
        language: { code: "id" },
        components: [{ type: "body", parameters: [{ type: "text", text: ticket.number }, { type: "text", text: "Terima kasih. Petugas Dinas PU akan memeriksa lokasi besok pagi." }] }],
      });
      assert.equal(webSentTo(CITIZEN).length, 1, "nothing more went to WhatsApp Web");
      shown = (await conversation(ticket.id)).find((x) => x.id === replyId)!;
      assert.deepEqual([shown.deliveryStatus, shown.via, shown.failover, shown.body], ["sent", "whatsapp", "whatsapp-cloud", text]);
      const msg = await m().getRepository(Message).findOneByOrFail({ id: replyId });
      assert.equal(msg.channelAccountId, cloud.id);
      assert.match(msg.externalId ?? "", /^wamid\./);
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "message.failover_routed", ticketId: ticket.id }), 1);

      // The session returns: a new reply goes through WhatsApp Web again.
      await startSession();
      const again = await reply(ticket.id, "Petugas sudah di lokasi.");
      await sweep();
      assert.deepEqual(webSentTo(CITIZEN).map((s) => s.text).at(-1), "Petugas sudah di lokasi.");
      assert.equal(cloudSentTo(CITIZEN).length, 1, "no further Cloud API send");
      shown = (await conversation(ticket.id)).find((x) => x.id === again)!;
      assert.deepEqual([shown.deliveryStatus, shown.failover], ["sent", null]);
    });

    it("inside the Cloud number's 24-hour window a failed-over reply is free text; a reply still waiting moves back when the session returns", { timeout: 60_000 }, async () => {
      // The citizen wrote to the Cloud number too (an hour ago), then on WhatsApp Web.
      await cloudWebhook(OTHER, "Halo, ini nomor resmi?", 1);
      await sweep();
      const ticket = await citizenWritesOnWeb(OTHER, "Sampah menumpuk di pasar.");
      const before = cloudSentTo(OTHER).length;
      await sessions!.stop();
      sessions = undefined;
      const replyId = await reply(ticket.id, "Kami teruskan ke DLH.");
      t.clock.advance(t.config.whatsappFailoverMinutes * 60_000 + 1_000);
      await sweep();
      const sent = cloudSentTo(OTHER).slice(before);
      assert.equal(sent.length, 1);
      assert.deepEqual([sent[0]!.body.type, sent[0]!.body.text], ["text", { preview_url: false, body: "Kami teruskan ke DLH." }]);
      assert.equal((await conversation(ticket.id)).find((x) => x.id === replyId)!.failover, "whatsapp-cloud");

      // A failed-over reply the Cloud API could not take yet (a transient error) returns to the session once it is back.
      graph.failNext(1, { status: 503, code: 2, message: "(#2) Service temporarily unavailable" });
      const waiting = await reply(ticket.id, "Jadwal pengangkutan besok pukul 07.00.");
      await sweep();
      assert.equal((await m().getRepository(OutboxItem).findOneByOrFail({ messageId: waiting })).channelAccountId, cloud.id, "failed over, waiting for a retry");
      await startSession();
      t.clock.advance(60_000);
      await sweep();
      assert.equal(webSentTo(OTHER).map((s) => s.text).at(-1), "Jadwal pengangkutan besok pukul 07.00.");
      const back = (await conversation(ticket.id)).find((x) => x.id === waiting)!;
      assert.deepEqual([back.deliveryStatus, back.failover], ["sent", null]);
      assert.equal(cloudSentTo(OTHER).slice(before).length, 2, "the refused attempt only");
    });

    it("the other way: the Cloud API refuses the account's token, and replies go through the connected WhatsApp Web session until the credentials are fixed", { timeout: 60_000 }, async () => {
      await cloudWebhook(THIRD, "Lampu jalan mati di Jl. Melati.", 2);
      const inbound = await m().getRepository(Message).findOneByOrFail({ channelAccountId: cloud.id, externalId: "wamid.FAILOVER2" });
      await sweep();
      const ticketId = inbound.ticketId;
      const before = cloudSentTo(THIRD).length;
      graph.failNext(1, { status: 401, code: 190, message: "Error validating access token: Session has expired" });
      const replyId = await reply(ticketId, "Laporan diterima, teknisi dijadwalkan.");
      await sweep();
      assert.equal(cloudSentTo(THIRD).length, before + 1, "one refused attempt on the Cloud API");
      assert.equal(webSentTo(THIRD).map((s) => s.text).at(-1), "Laporan diterima, teknisi dijadwalkan.", JSON.stringify(await m().getRepository(OutboxItem).findBy({ ticketId })));
      const shown = (await conversation(ticketId)).find((x) => x.id === replyId)!;
      assert.deepEqual([shown.deliveryStatus, shown.failover], ["sent", "whatsapp-web"]);
      const account = await admin.get(`/api/channel-accounts/${cloud.id}`).expect(200);
      assert.ok(account.body.credentialsRejectedAt, "the console shows the refusal");
      assert.match(account.body.lastError, /code 190/);

      // While refused, the next reply goes straight through WhatsApp Web.
      const next = await reply(ticketId, "Teknisi berangkat.");
      await sweep();
      assert.equal(cloudSentTo(THIRD).length, before + 1);
      assert.equal(webSentTo(THIRD).map((s) => s.text).at(-1), "Teknisi berangkat.");
      assert.equal((await conversation(ticketId)).find((x) => x.id === next)!.failover, "whatsapp-web");

      // The admin saves a new token: the Cloud API account is used again.
      await admin.put(`/api/channel-accounts/${cloud.id}`).send({ config: { accessToken: META.accessToken, verifyToken: "aduan-verify-failover-2" } }).expect(200);
      assert.equal((await m().getRepository(ChannelAccount).findOneByOrFail({ id: cloud.id })).rejectedAt, null);
      const fixed = await reply(ticketId, "Lampu sudah menyala.");
      await sweep();
      assert.equal(cloudSentTo(THIRD).length, before + 2);
      assert.equal((await conversation(ticketId)).find((x) => x.id === fixed)!.failover, null);
    });
  });
}
