import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, pathOf, postTwilio, statusCallback, TWILIO } from "../support/channels.js";
import { runDeliverOutbound, runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Attachment, AuditEvent, Contact, EarlyDeliveryUpdate, InboundReceipt, Message, OutboxItem, SlaClock, Ticket } from "../../server/entities/index.js";
import { decryptSecret } from "../../server/lib/crypto.js";
import { ChannelAccount } from "../../server/entities/channel-account.entity.js";

/**
 * Issue 4, SMS through Twilio end to end: signed webhooks in through supertest, outbound through
 * the outbox and the deliver-outbound job body (run directly, on the app's clock) to a fake Twilio
 * REST API on 127.0.0.1, receipts back through the same webhook.
 */
for (const target of await testTargets()) {
  describe(`channels: SMS via Twilio end to end (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let admin: supertest.Agent, operator: supertest.Agent;
    let account: { id: number; webhookUrl: string; config: Record<string, unknown> };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    const ticketOf = async (externalId: string) => {
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    const counts = async () => ({
      tickets: await m().getRepository(Ticket).count(),
      messages: await m().getRepository(Message).count(),
      receipts: await m().getRepository(InboundReceipt).count(),
      contacts: await m().getRepository(Contact).count(),
      outbox: await m().getRepository(OutboxItem).count(),
      audit: await m().getRepository(AuditEvent).count(),
    });

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS uji", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t.close();
      await twilio.close();
    });

    it("an admin creates the account: webhookUrl answered, secrets masked in every answer and sealed at rest", async () => {
      assert.equal(account.webhookUrl, `http://aduan.test/webhooks/twilio-sms/${account.id}`);
      assert.equal(account.config.authToken, "********");
      assert.equal(account.config.accountSid, TWILIO.accountSid);
      const one = await admin.get(`/api/channel-accounts/${account.id}`);
      assert.equal(one.status, 200);
      assert.ok(!JSON.stringify(one.body).includes(TWILIO.authToken));
      const list = await admin.get("/api/channel-accounts");
      assert.ok(!JSON.stringify(list.body).includes(TWILIO.authToken));
      const row = await m().getRepository(ChannelAccount).findOneByOrFail({ id: account.id });
      assert.ok(!row.configEncrypted.includes(TWILIO.authToken), "stored sealed");
      assert.equal(JSON.parse(decryptSecret(t.config.encryptionKey, row.configEncrypted)).authToken, TWILIO.authToken);
      // An update that sends the mask back keeps the secret; a bad config is refused.
      const put = await admin.put(`/api/channel-accounts/${account.id}`).send({ name: "SMS uji 2", config: { authToken: "********" } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(JSON.parse(decryptSecret(t.config.encryptionKey, (await m().getRepository(ChannelAccount).findOneByOrFail({ id: account.id })).configEncrypted)).authToken, TWILIO.authToken);
      const bad = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "Salah", config: { accountSid: "nope", authToken: "x" } });
      assert.equal(bad.status, 422);
      assert.match(bad.body.message, /config\.accountSid/);
      assert.equal((await admin.post("/api/channel-accounts").send({ connector: "pigeon", name: "Merpati", config: {} })).status, 422);
      assert.equal((await operator.get("/api/channel-accounts")).status, 403);
    });

    it("a citizen's signed SMS becomes a ticket in `received` with clocks running; the acknowledgement reaches the fake Twilio; a receipt marks it delivered", async () => {
      const from = "+6281234500001";
      const sid = newSid();
      const res = await postTwilio(http(), account.webhookUrl, inboundSms(from, "Jalan berlubang di depan Pasar Cinde, sudah dua minggu.", sid));
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers["content-type"], /xml/);
      assert.match(res.text, /<Response\/>/);
      const ticket = await ticketOf(sid);
      assert.equal(ticket.status, "received");
      assert.equal(ticket.channel, "sms");
      assert.ok((await m().getRepository(SlaClock).countBy({ ticketId: ticket.id })) > 0, "SLA clocks started");
      const contact = await m().getRepository(Contact).findOneByOrFail({ id: ticket.contactId! });
      assert.equal(contact.phone, from);

      assert.equal(twilio.messages.length, 0, "nothing sent before the job runs");
      const r = await sweep();
      assert.equal(r.sent, 1);
      const ack = twilio.messages.at(-1)!;
      assert.equal(ack.to, from);
      assert.equal(ack.from, TWILIO.fromNumber);
      assert.ok(ack.body.includes(ticket.number), ack.body);
      assert.match(ack.body, new RegExp(`http://aduan\\.test/lacak/${ticket.number}\\?k=[A-Za-z0-9_-]{20,}`));
      assert.equal(ack.statusCallback, account.webhookUrl);
      const out = await m().getRepository(Message).findOneByOrFail({ ticketId: ticket.id, direction: "outbound" });
      assert.equal(out.deliveryStatus, "sent");
      assert.equal(out.externalId, ack.sid);

      const cb = await postTwilio(http(), account.webhookUrl, statusCallback(ack.sid, "delivered", from));
      assert.equal(cb.status, 200, cb.text);
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: out.id })).deliveryStatus, "delivered");
      // A late "sent" receipt does not undo "delivered".
      await postTwilio(http(), account.webhookUrl, statusCallback(ack.sid, "sent", from));
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: out.id })).deliveryStatus, "delivered");
      // Running the job again sends nothing more.
      assert.equal((await sweep()).sent, 0);
      assert.equal(twilio.messages.filter((x) => x.body.includes(ticket.number)).length, 1);
    });

    it("a delivery receipt that overtakes the record of its send is kept and applied once the send is recorded", async () => {
      const from = "+6281234500077";
      const sid = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, "Drainase tersumbat di Jalan Sudirman.", sid)).expect(200);
      const ticket = await ticketOf(sid);
      // Twilio calls the status webhook before it answers our send: the message has no sid yet.
      const early: { status: number; text: string }[] = [];
      twilio.beforeAnswer(async (msg) => {
        const r = await postTwilio(http(), account.webhookUrl, statusCallback(msg.sid, "delivered", from));
        early.push({ status: r.status, text: r.text });
      });
      assert.equal((await sweep()).sent, 1);
      assert.equal(early.length, 1);
      assert.equal(early[0]!.status, 200, "the receipt is acknowledged: it is stored");
      assert.match(early[0]!.text, /delivery:early/);
      const out = await m().getRepository(Message).findOneByOrFail({ ticketId: ticket.id, direction: "outbound" });
      assert.equal(out.externalId, twilio.messages.at(-1)!.sid);
      assert.equal(out.deliveryStatus, "delivered", "applied when the send was recorded");
      assert.equal(await m().getRepository(EarlyDeliveryUpdate).countBy({ externalId: out.externalId! }), 0, "and then forgotten");
      const events = await m().getRepository(AuditEvent).find({ where: { ticketId: ticket.id }, order: { seq: "ASC" } });
      const types = events.map((e) => e.type);
      assert.ok(types.indexOf("message.delivery_updated") > types.indexOf("message.sent"), types.join(", "));
    });

    it("an operator's reply from the console reaches the citizen by SMS; forwarding notifies the citizen from the template", async () => {
      const from = "+6281234500002";
      const sid = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, "Lampu jalan mati di Jl. Sudirman.", sid)).expect(200);
      const ticket = await ticketOf(sid);
      await sweep();
      const reply = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Terima kasih, petugas kami akan memeriksa lokasi besok." });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.equal(reply.body.deliveryStatus, "queued");
      assert.equal((await sweep()).sent, 1);
      const sent = twilio.messages.at(-1)!;
      assert.equal(sent.to, from);
      assert.equal(sent.body, "Terima kasih, petugas kami akan memeriksa lokasi besok.");
      const shown = await operator.get(`/api/messages/${reply.body.id}`);
      assert.equal(shown.body.deliveryStatus, "sent");

      const pu = (await operator.get("/api/agencies").query({ filter: JSON.stringify({ q: "Pekerjaan Umum" }) })).body[0];
      await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "verify" }).expect(200);
      await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." }).expect(200);
      assert.equal((await sweep()).sent, 1);
      const notice = twilio.messages.at(-1)!;
      assert.equal(notice.to, from);
      assert.ok(notice.body.includes(ticket.number) && notice.body.includes(pu.name), notice.body);
    });

    it("the same webhook delivered 3 times makes one message (and one acknowledgement)", async () => {
      const sid = newSid();
      const params = inboundSms("+6281234500003", "Sampah menumpuk di TPS Jl. Merdeka.", sid);
      const before = await counts();
      for (let i = 0; i < 3; i++) assert.equal((await postTwilio(http(), account.webhookUrl, params)).status, 200);
      // Also concurrently.
      await Promise.all([1, 2, 3].map(() => postTwilio(http(), account.webhookUrl, params).expect(200)));
      const after = await counts();
      assert.equal(after.tickets, before.tickets + 1);
      assert.equal(after.messages, before.messages + 2, "the inbound message and its acknowledgement");
      assert.equal(after.receipts, before.receipts + 1);
      assert.equal(after.outbox, before.outbox + 1);
      assert.equal(await m().getRepository(Message).countBy({ channelAccountId: account.id, externalId: sid }), 1);
    });

    it("a bad signature gets 401 and stores nothing; unknown accounts 404; oversized 413; the server keeps serving", async () => {
      const before = await counts();
      const params = inboundSms("+6281234500004", "Pesan palsu", newSid());
      const bad = await postTwilio(http(), account.webhookUrl, params, { authToken: "another-token-0123456789abcdef" });
      assert.equal(bad.status, 401);
      const missing = await http().post(pathOf(account.webhookUrl)).type("form").send("Body=hai&From=%2B6281");
      assert.equal(missing.status, 401);
      // One changed byte of the body after signing.
      const { twilioSignature, formBody } = await import("../../channels/testing/index.js");
      const sig = twilioSignature(TWILIO.authToken, account.webhookUrl, params);
      const tampered = formBody(params).toString("utf8").replace("Pesan+palsu", "Pesan+palsi");
      assert.equal((await http().post(pathOf(account.webhookUrl)).set("x-twilio-signature", sig).type("form").send(tampered)).status, 401);
      assert.deepEqual(await counts(), before, "nothing stored, not even an audit event");

      assert.equal((await postTwilio(http(), account.webhookUrl.replace(/\/\d+$/, "/999999"), params)).status, 404);
      assert.equal((await postTwilio(http(), account.webhookUrl.replace("twilio-sms", "carrier-pigeon"), params)).status, 404);
      assert.equal((await postTwilio(http(), account.webhookUrl.replace(/\/\d+$/, "/abc"), params)).status, 404);
      const huge = await http().post(pathOf(account.webhookUrl)).set("x-twilio-signature", "x").type("form").send(`Body=${"a".repeat(1_200_000)}`);
      assert.equal(huge.status, 413);
      assert.equal((await postTwilio(http(), account.webhookUrl, params)).status, 200, "still serving");
    });

    it("signatures over the public URL survive a reverse proxy (X-Forwarded-Proto/Host)", async () => {
      const params = inboundSms("+6281234500005", "Lewat proxy", newSid());
      const proxied = `https://aduan.sumselprov.go.id${pathOf(account.webhookUrl)}`;
      const res = await postTwilio(http(), account.webhookUrl, params, { signedUrl: proxied, headers: { "x-forwarded-proto": "https", "x-forwarded-host": "aduan.sumselprov.go.id" } });
      assert.equal(res.status, 200, res.text);
      // Without the forwarded headers the same signature does not verify.
      const params2 = inboundSms("+6281234500005", "Lewat proxy 2", newSid());
      assert.equal((await postTwilio(http(), account.webhookUrl, params2, { signedUrl: proxied })).status, 401);
    });

    it("0812…, +62 812… and 62812… are one citizen, and their messages thread onto their open ticket", async () => {
      const s1 = newSid();
      const s2 = newSid();
      const s3 = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms("081234500006", "Air PDAM tidak mengalir.", s1)).expect(200);
      await postTwilio(http(), account.webhookUrl, inboundSms("+62 812-3450-0006", "Sudah tiga hari.", s2)).expect(200);
      await postTwilio(http(), account.webhookUrl, inboundSms("6281234500006", "Mohon segera.", s3)).expect(200);
      const [a, b, c] = [await ticketOf(s1), await ticketOf(s2), await ticketOf(s3)];
      assert.equal(a.id, b.id);
      assert.equal(a.id, c.id);
      assert.ok(a.contactId);
      const contact = await m().getRepository(Contact).findOneByOrFail({ id: a.contactId! });
      assert.equal(contact.phone, "+6281234500006");
      assert.equal(await m().getRepository(Contact).countBy({ phone: "+6281234500006" }), 1);
    });

    it("`STATUS ADU-…` answers the state of the sender's own ticket, opens no ticket, and tells strangers nothing", async () => {
      const from = "+6281234500007";
      const sid = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, "Jembatan retak.", sid)).expect(200);
      const ticket = await ticketOf(sid);
      await sweep();
      const before = await counts();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, `status ${ticket.number.toLowerCase()}`, newSid())).expect(200);
      await postTwilio(http(), account.webhookUrl, inboundSms("+6281299999999", `STATUS ${ticket.number}`, newSid())).expect(200);
      assert.equal((await counts()).tickets, before.tickets);
      assert.equal((await sweep()).sent, 2);
      const mine = twilio.messages.find((x) => x.to === from && x.body.startsWith(`Status pengaduan ${ticket.number}`));
      assert.ok(mine, "the reporter got the status");
      assert.match(mine.body, /Diterima/);
      const stranger = twilio.messages.find((x) => x.to === "+6281299999999")!;
      assert.match(stranger.body, /tidak ditemukan/);
      assert.ok(!stranger.body.includes("Diterima"));
    });

    it("MMS media become attachments, fetched by the job into DATA_DIR", async () => {
      const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
      const url = twilio.addMedia(png, "image/png");
      const sid = newSid("MM");
      await postTwilio(http(), account.webhookUrl, inboundSms("+6281234500008", "Foto lokasi banjir", sid, { NumMedia: "1", MediaUrl0: url, MediaContentType0: "image/png" })).expect(200);
      const ticket = await ticketOf(sid);
      const att = await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id });
      assert.equal(att.fetchState, "pending");
      const r = await sweep();
      assert.equal(r.attachments, 1);
      const fetched = await m().getRepository(Attachment).findOneByOrFail({ id: att.id });
      assert.equal(fetched.fetchState, "fetched");
      assert.equal(fetched.sizeBytes, png.length);
      const file = join(t.config.dataDir, fetched.storageKey);
      assert.ok(existsSync(file));
      assert.deepEqual(readFileSync(file), png);
    });

    it("with the fake Twilio answering 500, every queued reply is delivered exactly once after it recovers", async () => {
      const from = "+6281234500009";
      const sid = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, "Pungutan liar di sekolah.", sid)).expect(200);
      const ticket = await ticketOf(sid);
      await sweep();
      const bodies = [1, 2, 3, 4, 5].map((i) => `Balasan operator nomor ${i} untuk ${ticket.number}`);
      for (const body of bodies) await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body }).expect(201);
      twilio.failNext(10, 500);
      const first = await sweep();
      assert.equal(first.retry, 5);
      t.clock.advance(31_000);
      const second = await sweep();
      assert.equal(second.retry, 5, "still failing");
      assert.equal(twilio.messages.filter((x) => x.to === from && x.body.startsWith("Balasan")).length, 0);
      const rows = await m().getRepository(OutboxItem).findBy({ ticketId: ticket.id, state: "pending" });
      assert.equal(rows.length, 5);
      assert.ok(rows.every((r) => r.attempts === 2 && /500/.test(r.lastError ?? "")));
      // Recovered. Several workers (sweeps and per-row jobs) race for the same rows.
      t.clock.advance(61_000);
      await Promise.all([sweep(), sweep(), ...rows.map((r) => runDeliverOutbound(jobDepsOf(t), r.id)), sweep()]);
      for (const body of bodies) assert.equal(twilio.messages.filter((x) => x.body === body).length, 1, `exactly once: ${body}`);
      const done = await m().getRepository(OutboxItem).findBy({ ticketId: ticket.id });
      assert.ok(done.filter((r) => r.messageId && bodies.includes(r.body)).every((r) => r.state === "sent" && r.attempts === 3));
      const msgs = await m().getRepository(Message).findBy({ ticketId: ticket.id, direction: "outbound" });
      assert.ok(msgs.every((x) => x.deliveryStatus === "sent"));
      assert.equal((await sweep()).sent, 0);
    });

    it("a deactivated account answers 404 to webhooks", async () => {
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "Sementara", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(res.status, 201);
      assert.equal((await postTwilio(http(), res.body.webhookUrl, inboundSms("+6281234500010", "halo", newSid()))).status, 200);
      const del = await admin.delete(`/api/channel-accounts/${res.body.id}`);
      assert.equal(del.status, 200);
      assert.equal(del.body.active, false);
      assert.equal((await postTwilio(http(), res.body.webhookUrl, inboundSms("+6281234500010", "halo lagi", newSid()))).status, 404);
    });
  });
}
