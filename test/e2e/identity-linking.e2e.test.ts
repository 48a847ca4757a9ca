import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { In } from "typeorm";
import { startFakeTelegram, startFakeTwilio, type FakeTelegram, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, pathOf, postTwilio, TWILIO } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Agency, AuditEvent, Contact, ContactIdentity, ContactLinkRequest, ContactMerge, Message, OutboxItem, Ticket } from "../../server/entities/index.js";

/**
 * Issue 19 item 5, one citizen across channels: a Telegram user links their phone number by a
 * one-time code sent by SMS (fake Telegram Bot API and fake Twilio on 127.0.0.1, real webhooks,
 * the real outbox job), after which both identities are one contact and a Telegram message joins
 * the ticket they opened by SMS; an operator unlinks, and both contacts are as before. An operator
 * also merges and unmerges two contacts from the console API, tickets following.
 */
const TG = { token: "123456789:AAtest-token-for-the-fake-bot-api-0019", secret: "tg-secret-token-identity-0019", bot: "AduanTautBot" };

for (const target of await testTargets()) {
  describe(`identity linking end to end (${target.name})`, () => {
    let t: TestApp;
    let tg: FakeTelegram;
    let twilio: FakeTwilio;
    let operator: supertest.Agent, opdHead: supertest.Agent;
    let tgAccount: { id: number; webhookUrl: string };
    let smsAccount: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    let updateId = 1900;
    let messageId = 1900;
    const postTg = (userId: number, text: string) =>
      http()
        .post(pathOf(tgAccount.webhookUrl))
        .set("content-type", "application/json")
        .set("x-telegram-bot-api-secret-token", TG.secret)
        .send(
          JSON.stringify({
            update_id: updateId++,
            message: { message_id: messageId++, from: { id: userId, is_bot: false, first_name: "Rina", username: `rina${userId}` }, chat: { id: userId, type: "private", first_name: "Rina" }, date: 1_795_000_000, text },
          }),
        )
        .expect(200);
    const sms = async (from: string, body: string) => {
      const sid = newSid();
      await postTwilio(http(), smsAccount.webhookUrl, inboundSms(from, body, sid)).expect(200);
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: smsAccount.id, externalId: sid });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    const lastTgTicket = async () => {
      const msg = await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: tgAccount.id, direction: "inbound" }, order: { id: "DESC" } });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    const sentTo = (chatId: number) => tg.calls.filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId)).map((c) => String(c.payload.text));
    const identityOf = (channel: ContactIdentity["channel"], address: string) => m().getRepository(ContactIdentity).findOneByOrFail({ channel, address });

    before(async () => {
      tg = await startFakeTelegram({ token: TG.token, botUsername: TG.bot });
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      opdHead = await t.loginAs(DEMO.headPU);
      t.config.publicUrl = "https://aduan.test";
      const tgRes = await admin.post("/api/channel-accounts").send({ connector: "telegram", name: "Bot tautan", config: { botToken: TG.token, secretToken: TG.secret, botUsername: TG.bot, apiRoot: tg.apiRoot } });
      assert.equal(tgRes.status, 201, JSON.stringify(tgRes.body));
      tgAccount = tgRes.body;
      const smsRes = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS tautan", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(smsRes.status, 201, JSON.stringify(smsRes.body));
      smsAccount = smsRes.body;
    });
    after(async () => {
      await t.close();
      await tg.close();
      await twilio.close();
    });

    it("a Telegram user confirms a code sent by SMS; both identities show one contact; a new Telegram message joins the open SMS ticket; unlinking restores both", async () => {
      const phone = "+6281234577001";
      const user = 7_770_001;
      const smsTicket = await sms(phone, "Lampu jalan mati di Jalan Merdeka sejak Senin.");
      const phoneContactId = smsTicket.contactId!;
      await sweep();

      // The Telegram user asks to link the number, written the local way.
      await postTg(user, "HUBUNGKAN 0812-3457-7001");
      const tgContactId = (await identityOf("telegram", String(user))).contactId;
      assert.notEqual(tgContactId, phoneContactId, "two contacts until the code is confirmed");
      const before = twilio.messages.length;
      await sweep();
      const codeSms = twilio.messages.slice(before).find((x) => x.to === phone);
      assert.ok(codeSms, "a code went by SMS to the number");
      const code = /\b(\d{6})\b/.exec(codeSms.body)?.[1];
      assert.ok(code, codeSms.body);
      assert.match(sentTo(user).at(-1) ?? "", /Kode sekali pakai telah dikirim ke \+6281234577001/);
      // The code is nowhere readable: the outbox keeps the placeholder, the request its keyed hash.
      const outbox = await m().getRepository(OutboxItem).find({ where: { toAddress: phone }, order: { id: "DESC" }, take: 1 });
      assert.ok(!outbox[0]!.body.includes(code) && outbox[0]!.body.includes("kode sekali pakai dikirim ke warga"), outbox[0]!.body);
      const request = await m().getRepository(ContactLinkRequest).findOneByOrFail({ contactId: tgContactId });
      assert.ok(request.codeHash && request.codeHash !== code && !request.codeHash.includes(code));
      assert.equal((await m().getRepository(AuditEvent).createQueryBuilder("e").where("e.after_json LIKE :c", { c: `%${code}%` }).getCount()), 0, "no audit event holds the code");

      // A wrong code is refused; nothing is linked.
      await postTg(user, code === "000000" ? "KODE 111111" : "KODE 000000");
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /Kode salah/);
      assert.equal((await m().getRepository(Contact).findOneByOrFail({ id: tgContactId })).mergedIntoId, null);

      // The right code links the Telegram user to the phone's contact.
      await postTg(user, code);
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /Berhasil: \+6281234577001 kini tertaut/);
      assert.equal((await identityOf("telegram", String(user))).contactId, phoneContactId);
      assert.equal((await identityOf("sms", phone)).contactId, phoneContactId);
      assert.equal((await m().getRepository(Contact).findOneByOrFail({ id: tgContactId })).mergedIntoId, phoneContactId);
      const page = await operator.get(`/api/contacts/${phoneContactId}`).expect(200);
      assert.deepEqual(page.body.identities.map((i: { channel: string; address: string }) => `${i.channel}:${i.address}`).sort(), [`sms:${phone}`, `telegram:${user}`]);
      assert.equal(page.body.merges.length, 1);
      assert.equal(page.body.merges[0].method, "citizen");
      assert.deepEqual(page.body.merges[0].identities.map((i: { channel: string }) => i.channel), ["telegram"]);
      const mergeId = page.body.merges[0].id as number;
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "contact.merged", entityId: String(phoneContactId) }), 1);

      // A new Telegram message joins the open ticket the citizen opened by SMS, and the answer goes to Telegram.
      const ticketsBefore = await m().getRepository(Ticket).count();
      await postTg(user, "Sudah seminggu belum diperbaiki, mohon ditindaklanjuti.");
      assert.equal(await m().getRepository(Ticket).count(), ticketsBefore, "no new ticket");
      assert.equal((await lastTgTicket()).id, smsTicket.id);
      assert.equal(await m().getRepository(Message).countBy({ ticketId: smsTicket.id, direction: "inbound" }), 2);
      await operator.post("/api/messages").send({ ticketId: smsTicket.id, direction: "outbound", body: "Terima kasih, petugas PLN dijadwalkan besok." }).expect(201);
      await sweep();
      assert.equal(sentTo(user).at(-1), "Terima kasih, petugas PLN dijadwalkan besok.");

      // The ticket opened by SMS is the Telegram user's own now: STATUS answers it there.
      await postTg(user, `STATUS ${smsTicket.number}`);
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", new RegExp(smsTicket.number));
      assert.doesNotMatch(sentTo(user).at(-1) ?? "", /tidak ditemukan/i);
      // Asking again for the same number says it is already linked (and sends no SMS).
      const smsCount = twilio.messages.length;
      await postTg(user, "/link 081234577001");
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /sudah tertaut/);
      assert.equal(twilio.messages.length, smsCount);

      // The operator unlinks: both contacts are as before.
      const undo = await operator.post(`/api/contact-merges/${mergeId}/undo`).send({});
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      assert.equal(undo.body.restored.identities, 1);
      assert.equal((await identityOf("telegram", String(user))).contactId, tgContactId);
      assert.equal((await identityOf("sms", phone)).contactId, phoneContactId);
      assert.equal((await m().getRepository(Contact).findOneByOrFail({ id: tgContactId })).mergedIntoId, null);
      const after = await operator.get(`/api/contacts/${phoneContactId}`).expect(200);
      assert.deepEqual(after.body.identities.map((i: { channel: string }) => i.channel), ["sms"]);
      assert.deepEqual(after.body.merges, []);
      assert.equal((await operator.post(`/api/contact-merges/${mergeId}/undo`).send({})).status, 409, "undone once");
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "contact.unmerged", entityId: String(phoneContactId) }), 1);
      // The next Telegram message is the Telegram contact's again: a ticket of its own.
      await postTg(user, "Ada pohon tumbang di Jalan Sudirman.");
      const own = await lastTgTicket();
      assert.notEqual(own.id, smsTicket.id);
      assert.equal(own.contactId, tgContactId);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: smsTicket.id })).contactId, phoneContactId);
    });

    it("an operator merges two contacts (tickets and history follow) and unmerges them; refusals are named; OPD users may not", async () => {
      const phone = "+6281234577002";
      const user = 7_770_002;
      await postTg(user, "Sampah menumpuk di depan SD Negeri 3.");
      const tgTicket = await lastTgTicket();
      const tgContactId = tgTicket.contactId!;
      const smsTicket = await sms(phone, "Air PDAM tidak mengalir tiga hari.");
      const phoneContactId = smsTicket.contactId!;

      assert.equal((await opdHead.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: tgContactId })).status, 403);
      const bad = await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: "tujuh" });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /contactId/);
      assert.equal((await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: phoneContactId })).status, 409);
      assert.equal((await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: 99_999_999 })).status, 404);

      const merged = await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: tgContactId });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.deepEqual(merged.body.identities.map((i: { channel: string }) => i.channel).sort(), ["sms", "telegram"]);
      assert.equal(merged.body.merges[0].method, "operator");
      assert.equal(merged.body.merges[0].tickets, 1);
      const list = await operator.get("/api/tickets").query({ filter: JSON.stringify({ contactId: phoneContactId }) }).expect(200);
      assert.deepEqual(list.body.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b), [tgTicket.id, smsTicket.id].sort((a, b) => a - b));
      // The moved ticket's history says so.
      const history = await operator.get("/api/audit-events").query({ filter: JSON.stringify({ ticketId: tgTicket.id, type: "ticket.contact_merged" }) }).expect(200);
      assert.equal(history.body.length, 1);
      // Merging the merged contact again, or into it, is refused with a reason.
      assert.equal((await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: tgContactId })).status, 409);
      // Its Telegram message joins its own open Telegram ticket, now the phone contact's.
      await postTg(user, "Tambahan: baunya sampai ke kelas.");
      assert.equal((await lastTgTicket()).id, tgTicket.id);

      const undo = await operator.post(`/api/contact-merges/${merged.body.merges[0].id}/undo`).send({});
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      assert.deepEqual(undo.body.restored, { identities: 1, tickets: 1 });
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: tgTicket.id })).contactId, tgContactId);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: smsTicket.id })).contactId, phoneContactId);
      assert.equal((await identityOf("telegram", String(user))).contactId, tgContactId);
      // An OPD never groups its tickets by reporter (that would tie an anonim ticket to a publik one of a linked citizen).
      const inbox = await opdHead.get("/api/tickets").query({ range: "[0,49]" }).expect(200);
      assert.ok(inbox.body.length > 0);
      const seen = (await m().getRepository(Ticket).findBy({ id: In(inbox.body.map((x: { id: number }) => x.id)) })).find((x) => x.contactId != null);
      assert.ok(seen?.contactId, "a demo ticket with a reporter");
      assert.deepEqual((await opdHead.get("/api/tickets").query({ filter: JSON.stringify({ contactId: seen.contactId }) }).expect(200)).body, []);
      assert.ok((await operator.get("/api/tickets").query({ filter: JSON.stringify({ contactId: seen.contactId }) }).expect(200)).body.some((x: { id: number }) => x.id === seen.id));
      // A contact may ask for codes three times an hour (each sends a text to a number it named); an hour later again.
      for (let i = 0; i < 3; i++) await postTg(user, `LINK 08135550${700 + i}`);
      await sweep();
      assert.equal(twilio.messages.filter((x) => /^\+6281355507\d\d$/.test(x.to)).length, 3);
      await postTg(user, "LINK 081355507777");
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /Terlalu banyak permintaan/);
      assert.equal(await m().getRepository(ContactLinkRequest).countBy({ contactId: tgContactId }), 3);
      t.clock.advance(61 * 60_000);
      // (staff sessions idle for an hour have ended: sign in again, over plain HTTP as at the start)
      const publicUrl = t.config.publicUrl;
      t.config.publicUrl = "http://aduan.test";
      operator = await t.loginAs(DEMO.operator);
      opdHead = await t.loginAs(DEMO.headPU);
      t.config.publicUrl = publicUrl;
      await postTg(user, "LINK 081355507777");
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /Kode sekali pakai telah dikirim/);
      assert.equal(await m().getRepository(ContactLinkRequest).countBy({ contactId: tgContactId }), 1, "spent requests (and the numbers they named) are deleted");
      const unmergedHistory = await operator.get("/api/audit-events").query({ filter: JSON.stringify({ ticketId: tgTicket.id, type: "ticket.contact_unmerged" }) }).expect(200);
      assert.equal(unmergedHistory.body.length, 1);
    });
    it("a data subject request naming either contact of a linked citizen covers both, and erasure removes both", async () => {
      const phone = "+6281234577003";
      const user = 7_770_003;
      const smsTicket = await sms(phone, "Pungutan liar di loket parkir pasar.");
      await postTg(user, "Petugas parkir meminta uang tambahan.");
      const tgTicket = await lastTgTicket();
      const tgContactId = tgTicket.contactId!;
      const phoneContactId = smsTicket.contactId!;
      const merged = await operator.post(`/api/contacts/${phoneContactId}/merge`).send({ contactId: tgContactId });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));

      const req = await operator.post("/api/data-subject-requests").send({ kind: "erasure", contactIds: [tgContactId] });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      const view = await operator.get(`/api/data-subject-requests/${req.body.id}`).expect(200);
      assert.deepEqual(view.body.contacts.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b), [phoneContactId, tgContactId].sort((a, b) => a - b));
      assert.deepEqual(view.body.tickets.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b), [smsTicket.id, tgTicket.id].sort((a, b) => a - b));
      const identities = view.body.contacts.flatMap((c: { identities: { channel: string }[] }) => c.identities.map((i) => i.channel)).sort();
      assert.deepEqual(identities, ["sms", "telegram"]);

      const erased = await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({ confirm: true });
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.equal(await m().getRepository(Contact).countBy({ id: phoneContactId }), 0);
      assert.equal(await m().getRepository(Contact).countBy({ id: tgContactId }), 0);
      assert.equal(await m().getRepository(ContactIdentity).countBy({ channel: "telegram", address: String(user) }), 0);
      assert.equal(await m().getRepository(ContactIdentity).countBy({ channel: "sms", address: phone }), 0);
      assert.equal(await m().getRepository(ContactMerge).countBy({ contactId: phoneContactId }), 0);
      for (const id of [smsTicket.id, tgTicket.id]) assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id })).contactId, null);
    });
    it("linking never makes an anonim reporter identifiable to an OPD: the merged contact's name stays masked, no reporter shown", async () => {
      const pu = await m().getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const anonim = await operator.post("/api/tickets").send({
        channel: "email",
        privacy: "anonim",
        description: "Nama saya Bambang Sutrisno. Jembatan kayu di Dusun Kemuning hampir roboh.",
        caller: { name: "Bambang Sutrisno", email: "bambang.s@example.id" },
      });
      assert.equal(anonim.status, 201, JSON.stringify(anonim.body));
      const publik = await operator.post("/api/tickets").send({ channel: "voice", description: "Penelepon melaporkan lampu taman mati di alun-alun.", caller: { name: "Pak Tris", phone: "081355577004" } });
      assert.equal(publik.status, 201, JSON.stringify(publik.body));
      const anonimTicket = await m().getRepository(Ticket).findOneByOrFail({ id: anonim.body.id });
      const publikTicket = await m().getRepository(Ticket).findOneByOrFail({ id: publik.body.id });
      await operator.post(`/api/contacts/${publikTicket.contactId}/merge`).send({ contactId: anonimTicket.contactId }).expect(200);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: anonimTicket.id })).contactId, publikTicket.contactId, "one citizen now");
      for (const id of [anonimTicket.id, publikTicket.id]) {
        await operator.post(`/api/tickets/${id}/transitions`).send({ action: "verify" }).expect(200);
        await operator.post(`/api/tickets/${id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." }).expect(200);
      }
      const seenAnonim = await opdHead.get(`/api/tickets/${anonimTicket.id}`).expect(200);
      const text = JSON.stringify(seenAnonim.body);
      assert.ok(!text.includes("Bambang") && !text.includes("Sutrisno"), text);
      assert.ok(!text.includes("Pak Tris") && !text.includes("bambang.s@example.id") && !text.includes("081355577004"), "nothing of the reporter");
      assert.ok(!("contactId" in seenAnonim.body));
      // The publik ticket of the same citizen shows the name it always showed, and nothing ties the two together.
      const seenPublik = await opdHead.get(`/api/tickets/${publikTicket.id}`).expect(200);
      assert.ok(!("contactId" in seenPublik.body));
      assert.ok(!JSON.stringify(seenPublik.body).includes("Bambang"));
    });
  });
}
