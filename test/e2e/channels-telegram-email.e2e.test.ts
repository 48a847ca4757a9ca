import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { simpleParser } from "mailparser";
import { startFakeSmtp, startFakeTelegram, type FakeSmtp, type FakeTelegram } from "../../channels/testing/index.js";
import { emailEvent } from "../../channels/email/email.connector.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { inboundSink } from "../../server/ingest/inbound-sink.js";
import { Attachment, AuditEvent, Contact, InboundReceipt, Message, Ticket } from "../../server/entities/index.js";
import { ChannelAccount } from "../../server/entities/channel-account.entity.js";

/**
 * Issue 4: Telegram (webhook with secret_token, against a fake Bot API) and e-mail (the session
 * sink the IMAP / SMTP-receiver connectors feed, replies out through a fake SMTP server), end to end.
 */
const TG = { token: "123456789:AAtest-token-for-the-fake-bot-api-0001", secret: "tg-secret-token-0123456789", bot: "AduanUjiBot" };
const MAILBOX = "aduan@demo.aduan.id";

for (const target of await testTargets()) {
  describe(`channels: Telegram and e-mail end to end (${target.name})`, () => {
    let t: TestApp;
    let tg: FakeTelegram;
    let smtp: FakeSmtp;
    let admin: supertest.Agent, operator: supertest.Agent;
    let tgAccount: { id: number; webhookUrl: string };
    let mailAccount: ChannelAccount;
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    let updateId = 1;
    let messageId = 1;
    const tgUpdate = (userId: number, message: Record<string, unknown>) => ({
      update_id: updateId++,
      message: { message_id: messageId++, from: { id: userId, is_bot: false, first_name: "Siti", last_name: "Aminah", username: `warga${userId}` }, chat: { id: userId, type: "private", first_name: "Siti" }, date: 1_795_000_000, ...message },
    });
    const postTg = (update: unknown, secret = TG.secret) =>
      http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").set("x-telegram-bot-api-secret-token", secret).send(JSON.stringify(update));
    /** Tickets that came in through an account (the demo data has tickets on every channel). */
    const ticketsOf = async (accountId: number) => {
      const rows = await m().getRepository(Message).find({ where: { channelAccountId: accountId, direction: "inbound" }, order: { id: "ASC" } });
      const ids = [...new Set(rows.map((r) => r.ticketId))];
      return Promise.all(ids.map((id) => m().getRepository(Ticket).findOneByOrFail({ id })));
    };
    const sentTo = (chatId: number) => tg.calls.filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(chatId)).map((c) => String(c.payload.text));

    before(async () => {
      tg = await startFakeTelegram({ token: TG.token, botUsername: TG.bot });
      smtp = await startFakeSmtp();
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      // Telegram wants an HTTPS webhook; the session cookies (Secure under https) are already taken.
      t.config.publicUrl = "https://aduan.test";
      const res = await admin.post("/api/channel-accounts").send({ connector: "telegram", name: "Bot uji", config: { botToken: TG.token, secretToken: TG.secret, botUsername: TG.bot, apiRoot: tg.apiRoot } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      tgAccount = res.body;
      const mail = await admin.post("/api/channel-accounts").send({
        connector: "email",
        name: "Kotak surat uji",
        config: { smtp: { host: smtp.host, port: smtp.port, from: `Aduan Pemprov <${MAILBOX}>` }, imap: { host: "127.0.0.1", port: 1, secure: false, user: MAILBOX, pass: "imap-password-uji" } },
      });
      assert.equal(mail.status, 201, JSON.stringify(mail.body));
      assert.equal(mail.body.webhookUrl, null, "a session connector has no webhook");
      assert.equal(mail.body.config.imap.pass, "********");
      assert.equal(mail.body.config.smtp.host, smtp.host);
      mailAccount = await m().getRepository(ChannelAccount).findOneByOrFail({ id: mail.body.id });
    });
    after(async () => {
      await t.close();
      await tg.close();
      await smtp.close();
    });

    it("registers the Telegram webhook from the console with its secret_token", async () => {
      const res = await admin.post(`/api/channel-accounts/${tgAccount.id}/register-webhook`).send({});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(tg.webhook?.url, tgAccount.webhookUrl);
      assert.equal(tg.webhook?.secret_token, TG.secret);
    });

    it("/start is greeted, a text opens a ticket acknowledged in the chat, a photo joins it and is fetched", async () => {
      const user = 5550001;
      assert.equal((await postTg(tgUpdate(user, { text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] }))).status, 200);
      assert.equal((await ticketsOf(tgAccount.id)).length, 0, "a greeting is not a complaint");
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", /Selamat datang/);

      const res = await postTg(tgUpdate(user, { text: "Pelayanan KTP di kecamatan lambat sekali." }));
      assert.equal(res.status, 200, res.text);
      const [ticket] = await ticketsOf(tgAccount.id);
      assert.equal(ticket.status, "received");
      await sweep();
      const ack = sentTo(user).at(-1) ?? "";
      assert.ok(ack.includes(ticket.number), ack);
      assert.ok(ack.includes(`https://aduan.test/lacak/${ticket.number}?k=`), ack);

      tg.addFile("photo-big", Buffer.from("fake-jpeg-bytes"), "photos/file_1.jpg");
      await postTg(tgUpdate(user, { photo: [{ file_id: "photo-small", file_unique_id: "s", width: 90, height: 90, file_size: 5 }, { file_id: "photo-big", file_unique_id: "b", width: 800, height: 600, file_size: 15 }], caption: "Antrean panjang" })).expect(200);
      assert.equal((await ticketsOf(tgAccount.id)).length, 1, "joined the open ticket");
      assert.equal(await m().getRepository(Message).countBy({ ticketId: ticket.id, direction: "inbound" }), 2);
      const r = await sweep();
      assert.equal(r.attachments, 1, JSON.stringify(await m().getRepository(Attachment).findBy({ ticketId: ticket.id })));
      const att = await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id });
      assert.equal(att.fetchState, "fetched");
      assert.equal(att.sizeBytes, Buffer.from("fake-jpeg-bytes").length);

      // The operator's reply goes to the same chat.
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Mohon maaf, kami teruskan ke Disdukcapil." }).expect(201);
      await sweep();
      assert.equal(sentTo(user).at(-1), "Mohon maaf, kami teruskan ke Disdukcapil.");

      // /status with the ticket number answers the state.
      await postTg(tgUpdate(user, { text: `/status ${ticket.number}`, entities: [{ type: "bot_command", offset: 0, length: 7 }] })).expect(200);
      await sweep();
      assert.match(sentTo(user).at(-1) ?? "", new RegExp(`${ticket.number}.*Diterima`));
    });

    it("a wrong secret_token gets 401 and stores nothing; junk with the right secret is answered without a crash", async () => {
      const before = { receipts: await m().getRepository(InboundReceipt).count(), audit: await m().getRepository(AuditEvent).count() };
      assert.equal((await postTg(tgUpdate(5550002, { text: "palsu" }), "wrong-secret-token-000000")).status, 401);
      assert.equal((await http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").send("{}")).status, 401);
      assert.equal(await m().getRepository(InboundReceipt).count(), before.receipts);
      assert.equal(await m().getRepository(AuditEvent).count(), before.audit);
      const junk = await http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").set("x-telegram-bot-api-secret-token", TG.secret).send("{not json");
      assert.ok(junk.status === 200 || junk.status === 400, `junk answered ${junk.status}`);
      const invalidUtf8 = await http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").set("x-telegram-bot-api-secret-token", TG.secret).send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      assert.ok(invalidUtf8.status < 500, `invalid UTF-8 answered ${invalidUtf8.status}`);
      assert.equal((await http().get("/healthz")).status, 200);
    });

    it("an e-mail opens a ticket; the acknowledgement goes out by SMTP; a reply to it lands in that ticket, even with another one open", async () => {
      const sink = inboundSink({ db: t.database.db, clock: t.clock, logger: t.deps.logger, config: t.config }, mailAccount);
      const ingestRaw = async (raw: string) => sink(await emailEvent(Buffer.from(raw.replace(/\n/g, "\r\n")), { ownAddresses: [MAILBOX] }));
      await ingestRaw(
        [
          "From: Budi Santoso <Budi.Santoso@Example.co.id>",
          `To: ${MAILBOX}`,
          "Subject: Drainase tersumbat di Jl. Kolonel Atmo",
          "Message-ID: <citizen-1@example.co.id>",
          "Date: Mon, 23 Nov 2026 09:00:00 +0700",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "Selamat pagi, saluran air di depan rumah saya tersumbat sejak seminggu.",
        ].join("\n"),
      );
      const [ticketA] = await ticketsOf(mailAccount.id);
      const contact = await m().getRepository(Contact).findOneByOrFail({ id: ticketA.contactId! });
      assert.equal(contact.email, "budi.santoso@example.co.id", "case-folded");
      assert.equal((await sweep()).sent, 1);
      const ackRaw = smtp.messages.at(-1)!;
      assert.deepEqual(ackRaw.envelope.rcptTo, ["budi.santoso@example.co.id"]);
      const ack = await simpleParser(ackRaw.raw);
      assert.ok(ack.subject?.includes(`[${ticketA.number}]`), ack.subject);
      assert.equal(ack.inReplyTo, "<citizen-1@example.co.id>");
      assert.ok(ack.text?.includes(`/lacak/${ticketA.number}?k=`));
      assert.equal(ack.headers.get("auto-submitted"), "auto-generated");

      // A second complaint of the same citizen is recorded by an operator, on e-mail.
      const b = await operator.post("/api/tickets").send({ channel: "email", description: "Laporan kedua: lampu jalan mati.", caller: { email: "budi.santoso@example.co.id" } });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      assert.equal(b.body.contactId ?? ticketA.contactId, ticketA.contactId);

      await ingestRaw(
        [
          "From: BUDI.SANTOSO@example.co.id",
          `To: ${MAILBOX}`,
          `Subject: Re: ${ack.subject}`,
          "Message-ID: <citizen-2@example.co.id>",
          `In-Reply-To: ${ack.messageId}`,
          `References: <citizen-1@example.co.id> ${ack.messageId}`,
          "Date: Mon, 23 Nov 2026 10:00:00 +0700",
          "Content-Type: text/plain; charset=utf-8",
          "",
          "Ini fotonya belum bisa saya kirim, tapi airnya sudah masuk rumah.",
          "",
          "On Mon, 23 Nov 2026 Aduan Pemprov wrote:",
          "> Terima kasih, pengaduan Anda telah kami terima",
        ].join("\n"),
      );
      const reply = await m().getRepository(Message).findOneByOrFail({ channelAccountId: mailAccount.id, externalId: "<citizen-2@example.co.id>" });
      assert.equal(reply.ticketId, ticketA.id, "threaded by In-Reply-To onto ticket A, not the newer B");
      assert.equal(await m().getRepository(Contact).countBy({ email: "budi.santoso@example.co.id" }), 1);

      // The same mail delivered again (IMAP rescan) changes nothing.
      const n = await m().getRepository(Message).count();
      await ingestRaw(
        ["From: BUDI.SANTOSO@example.co.id", `To: ${MAILBOX}`, "Subject: Re: x", "Message-ID: <citizen-2@example.co.id>", "Content-Type: text/plain", "", "ulang"].join("\n"),
      );
      assert.equal(await m().getRepository(Message).count(), n);

      // A bounce is not a ticket.
      const tickets = await m().getRepository(Ticket).count();
      await ingestRaw(
        [
          "From: MAILER-DAEMON@example.co.id",
          `To: ${MAILBOX}`,
          "Subject: Undelivered Mail Returned to Sender",
          "Message-ID: <bounce-1@example.co.id>",
          "Content-Type: text/plain",
          "",
          "This is the mail system. Your message could not be delivered.",
        ].join("\n"),
      );
      assert.equal(await m().getRepository(Ticket).count(), tickets);

      // The operator's reply threads in the citizen's mailbox.
      await operator.post("/api/messages").send({ ticketId: ticketA.id, direction: "outbound", body: "Petugas drainase dijadwalkan datang besok pagi." }).expect(201);
      await sweep();
      const out = await simpleParser(smtp.messages.at(-1)!.raw);
      assert.equal(out.inReplyTo, "<citizen-2@example.co.id>");
      assert.ok(out.subject?.includes(ticketA.number));
      assert.ok(out.text?.includes("Petugas drainase"));
    });

    it("reply templates are editable by admins, and English is available", async () => {
      const list = await admin.get("/api/reply-templates").query({ filter: JSON.stringify({ key: "acknowledgement" }) });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((x: { locale: string }) => x.locale).sort(), ["en", "id"]);
      const id = list.body.find((x: { locale: string }) => x.locale === "id").id;
      const put = await admin.put(`/api/reply-templates/${id}`).send({ body: "Aduan {{number}} diterima. Lacak: {{link}}" });
      assert.equal(put.status, 200);
      await postTg(tgUpdate(5550003, { text: "Jalan rusak parah di desa kami." })).expect(200);
      await sweep();
      const ack = sentTo(5550003).at(-1) ?? "";
      assert.match(ack, /^Aduan ADU-\d{4}-\d{5,} diterima\. Lacak: https:\/\/aduan\.test\/lacak\//);
      assert.equal((await operator.put(`/api/reply-templates/${id}`).send({ body: "x" })).status, 403);
    });
  });
}
