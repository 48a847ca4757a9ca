import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { freePort } from "../../bench/support/server-process.js";
import { simpleParser } from "mailparser";
import { startFakeSmtp, type FakeSmtp } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { startSessions, type Sessions } from "../../server/sessions/supervisor.js";
import { InboundReceipt, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 4: mail routed to Aduan's own SMTP receiver (the sessions role runs it for an e-mail
 * account with `smtpInbound`) becomes a ticket; the sending server gets its 250 only after the
 * message is stored; bounces are not turned into tickets; unknown recipients are refused.
 */
const MAILBOX = "aduan@demo.aduan.id";

for (const target of await testTargets()) {
  describe(`channels: e-mail through the SMTP receiver (${target.name})`, () => {
    let t: TestApp;
    let outbound: FakeSmtp;
    let sessions: Sessions;
    let accountId: number;
    let port: number;
    const send = (mail: SendMailOptions) =>
      nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, auth: { user: "mx-relay", pass: "relay-secret-uji" } }).sendMail(mail);

    before(async () => {
      outbound = await startFakeSmtp();
      port = await freePort();
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({
        connector: "email",
        name: "Penerima SMTP",
        config: {
          smtp: { host: outbound.host, port: outbound.port, from: `Aduan Pemprov <${MAILBOX}>` },
          smtpInbound: { host: "127.0.0.1", port, acceptRecipients: [MAILBOX], user: "mx-relay", pass: "relay-secret-uji" },
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      accountId = res.body.id;
      sessions = await startSessions({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger }, { reconcileMs: 60_000 });
    });
    after(async () => {
      await sessions?.stop();
      await t?.close();
      await outbound?.close();
    });

    it("a citizen's mail is stored before the 250, opens a ticket and is acknowledged by e-mail", async () => {
      assert.ok(sessions.running.has(accountId), "the receiver runs in the sessions role");
      const info = await send({
        from: "Rahmat Hidayat <Rahmat.Hidayat@Example.org>",
        to: MAILBOX,
        subject: "Lampu jalan mati di Jl. Merdeka",
        messageId: "<smtp-citizen-1@example.org>",
        text: "Sudah dua minggu lampu jalan di depan sekolah mati, mohon diperbaiki.",
      });
      assert.match(info.response, /^250 /);
      // The 250 came after the commit: the message is there without waiting.
      const msg = await t.database.db.manager.getRepository(Message).findOneByOrFail({ channelAccountId: accountId, externalId: "<smtp-citizen-1@example.org>" });
      const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      assert.equal(ticket.channel, "email");
      assert.equal(ticket.status, "received");
      assert.match(msg.body, /lampu jalan di depan sekolah/);
      await runOutboxSweep(jobDepsOf(t));
      const ack = outbound.messages.at(-1)!;
      assert.deepEqual(ack.envelope.rcptTo, ["rahmat.hidayat@example.org"], "replied to the sender, case-folded");
      const parsed = await simpleParser(ack.raw);
      assert.ok(parsed.subject?.includes(ticket.number), parsed.subject);
      assert.equal(parsed.inReplyTo, "<smtp-citizen-1@example.org>");

      // The same mail delivered again (the relay retried after a lost 250) is stored once.
      await send({ from: "rahmat.hidayat@example.org", to: MAILBOX, subject: "Lampu jalan mati di Jl. Merdeka", messageId: "<smtp-citizen-1@example.org>", text: "Sudah dua minggu lampu jalan di depan sekolah mati, mohon diperbaiki." });
      assert.equal(await t.database.db.manager.getRepository(Message).countBy({ channelAccountId: accountId, externalId: "<smtp-citizen-1@example.org>" }), 1);
    });

    it("a bounce (null sender) is accepted but opens no ticket; another recipient is refused with 550", async () => {
      const tickets = await t.database.db.manager.getRepository(Ticket).count();
      const info = await send({
        envelope: { from: "", to: MAILBOX },
        from: "Mail Delivery System <MAILER-DAEMON@example.org>",
        to: MAILBOX,
        subject: "Undelivered Mail Returned to Sender",
        messageId: "<bounce-1@example.org>",
        headers: { "Auto-Submitted": "auto-replied" },
        text: "This is the mail system. Your message could not be delivered.",
      });
      assert.match(info.response, /^250 /);
      assert.equal(await t.database.db.manager.getRepository(Ticket).count(), tickets, "no ticket from a bounce");
      const receipt = await t.database.db.manager.getRepository(InboundReceipt).findOneBy({ channelAccountId: accountId, externalId: "<bounce-1@example.org>" });
      assert.ok(receipt === null || receipt.outcome !== "message", "recorded as ignored, if at all");

      await assert.rejects(send({ from: "warga@example.org", to: "orang-lain@demo.aduan.id", subject: "x", text: "x" }), (err: { responseCode?: number }) => err.responseCode === 550);
    });

    it("a mail without a From: header opens a ticket answered to the envelope sender; without any sender it is a bounce", async () => {
      const raw = (id: string) => `To: ${MAILBOX}\r\nSubject: Sampah menumpuk di pasar\r\nMessage-ID: <${id}@example.org>\r\n\r\nSampah di Pasar 16 Ilir belum diangkut seminggu.\r\n`;
      const info = await send({ envelope: { from: "Budi.Santoso@Example.org", to: MAILBOX }, raw: raw("no-from-1") });
      assert.match(info.response, /^250 /);
      const msg = await t.database.db.manager.getRepository(Message).findOneByOrFail({ channelAccountId: accountId, externalId: "<no-from-1@example.org>" });
      assert.match(msg.body, /Pasar 16 Ilir/);
      await runOutboxSweep(jobDepsOf(t));
      assert.deepEqual(outbound.messages.at(-1)!.envelope.rcptTo, ["budi.santoso@example.org"], "acknowledged to the envelope sender");

      const tickets = await t.database.db.manager.getRepository(Ticket).count();
      // No From: and the null sender <>: what mail systems send as bounces, accepted and dropped.
      assert.match((await send({ envelope: { from: "", to: MAILBOX }, raw: raw("no-sender-1") })).response, /^250 /);
      assert.equal(await t.database.db.manager.getRepository(Ticket).count(), tickets, "no ticket from a bounce");
    });
  });
}
