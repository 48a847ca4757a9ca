import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { simpleParser } from "mailparser";
import { In } from "typeorm";
import { startFakeSmtp, startFakeTelegram, startFakeTwilio, type FakeSmtp, type FakeTelegram, type FakeTwilio } from "../../channels/testing/index.js";
import { emailEvent } from "../../channels/email/email.connector.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, pathOf, postTwilio, TWILIO } from "../support/channels.js";
import { agencyId, unescapeHtml } from "../support/public.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { inboundSink } from "../../server/ingest/inbound-sink.js";
import { AuditEvent, Forward, Message, SlaClock, Ticket } from "../../server/entities/index.js";
import { ChannelAccount } from "../../server/entities/channel-account.entity.js";

/**
 * Issue 19, case clusters: three citizens report the same broken bridge on SMS, Telegram and
 * e-mail; the operator accepts the duplicate suggestions as one case. One disposisi, one clock, one
 * answer, and that answer reaches each citizen on their own channel and their own tracking page.
 */
const TG = { token: "123456789:AAcluster-token-for-the-fake-bot-api", secret: "tg-secret-token-cluster-0123456", bot: "AduanKasusBot" };
const MAILBOX = "aduan@demo.aduan.id";
const SMS_FROM = "+6281234577001";
const TG_USER = 5557001;
const MAIL_FROM = "rina.kartika@example.co.id";
const ANSWER = "Jembatan Cikapundung sudah ditutup sementara; perbaikan oleh UPT Jembatan dimulai Senin dan selesai dalam dua minggu.";
const LINK = /https?:\/\/\S+\/lacak\/(ADU-[\d-]+)\?k=[\w-]+/;

for (const target of await testTargets()) {
  describe(`case clusters: three reporters, one case (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let tg: FakeTelegram;
    let smtp: FakeSmtp;
    let operator: supertest.Agent, head: supertest.Agent;
    let smsAccount: { id: number; webhookUrl: string };
    let tgAccount: { id: number; webhookUrl: string };
    let mailAccount: ChannelAccount;
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    const ticketByExternal = async (accountId: number) => {
      const msg = await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: accountId, direction: "inbound" }, order: { id: "DESC" } });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    /** What each citizen received, in order: SMS texts, Telegram texts, e-mail bodies. */
    const smsTexts = () => twilio.messages.filter((x) => x.to === SMS_FROM).map((x) => x.body);
    const tgTexts = () => tg.calls.filter((c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(TG_USER)).map((c) => String(c.payload.text));
    const mailTexts = async () =>
      Promise.all(smtp.messages.filter((x) => x.envelope.rcptTo.includes(MAIL_FROM)).map(async (x) => (await simpleParser(x.raw)).text ?? ""));
    const pathIn = (text: string) => {
      const u = new URL(LINK.exec(text)![0]);
      return `${u.pathname}${u.search}`;
    };
    let ipCounter = 40;
    /** The citizen opens their secret link (it sets a cookie and leaves the address bar), then the page. */
    const trackingPage = async (path: string) => {
      const agent = supertest.agent(t.app);
      const ip = `10.0.1.${ipCounter++}`;
      const first = await agent.get(path).set("X-Forwarded-For", ip);
      assert.equal(first.status, 303, first.text);
      const page = await agent.get(first.headers.location).set("X-Forwarded-For", ip);
      assert.equal(page.status, 200);
      return unescapeHtml(page.text);
    };

    let sms: Ticket, tele: Ticket, mail: Ticket;
    const links: Record<string, string> = {};

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      tg = await startFakeTelegram({ token: TG.token, botUsername: TG.bot });
      smtp = await startFakeSmtp();
      t = await startTestApp(target, { trustProxy: "true" });
      const admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      head = await t.loginAs(DEMO.headPU);
      const s = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      smsAccount = s.body;
      // Telegram wants an HTTPS webhook address when the account is made.
      const publicUrl = t.config.publicUrl;
      t.config.publicUrl = "https://aduan.test";
      const b = await admin.post("/api/channel-accounts").send({ connector: "telegram", name: "Bot", config: { botToken: TG.token, secretToken: TG.secret, botUsername: TG.bot, apiRoot: tg.apiRoot } });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      tgAccount = b.body;
      t.config.publicUrl = publicUrl;
      const e = await admin.post("/api/channel-accounts").send({
        connector: "email",
        name: "Kotak surat",
        config: { smtp: { host: smtp.host, port: smtp.port, from: `Aduan Pemprov <${MAILBOX}>` }, imap: { host: "127.0.0.1", port: 1, secure: false, user: MAILBOX, pass: "imap-password-uji" } },
      });
      assert.equal(e.status, 201, JSON.stringify(e.body));
      mailAccount = await m().getRepository(ChannelAccount).findOneByOrFail({ id: e.body.id });
    });
    after(async () => {
      await t.close();
      await twilio.close();
      await tg.close();
      await smtp.close();
    });

    it("three citizens report the broken bridge on SMS, Telegram and e-mail: three tickets, each acknowledged with its own tracking link", async () => {
      const r = await postTwilio(http(), smsAccount.webhookUrl, inboundSms(SMS_FROM, "Jembatan Cikapundung dekat Pasar Baru ambruk, warga tidak bisa menyeberang. Tolong segera diperbaiki.", newSid()));
      assert.equal(r.status, 200, r.text);
      sms = await ticketByExternal(smsAccount.id);

      const update = {
        update_id: 1,
        message: { message_id: 1, from: { id: TG_USER, is_bot: false, first_name: "Dedi" }, chat: { id: TG_USER, type: "private", first_name: "Dedi" }, date: 1_795_000_000, text: "Jembatan Cikapundung di Pasar Baru ambruk sejak pagi, warga tidak bisa menyeberang sungai." },
      };
      const tr = await http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").set("x-telegram-bot-api-secret-token", TG.secret).send(JSON.stringify(update));
      assert.equal(tr.status, 200, tr.text);
      tele = await ticketByExternal(tgAccount.id);

      const sink = inboundSink({ db: t.database.db, clock: t.clock, logger: t.deps.logger, config: t.config }, mailAccount);
      const raw = [
        `From: Rina Kartika <${MAIL_FROM}>`,
        `To: ${MAILBOX}`,
        "Subject: Jembatan Cikapundung ambruk",
        "Message-ID: <rina-1@example.co.id>",
        "Date: Mon, 23 Nov 2026 09:00:00 +0700",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Jembatan Cikapundung dekat Pasar Baru ambruk, anak-anak tidak bisa menyeberang ke sekolah. Mohon segera diperbaiki.",
      ].join("\r\n");
      await sink(await emailEvent(Buffer.from(raw), { ownAddresses: [MAILBOX] }));
      mail = await ticketByExternal(mailAccount.id);
      assert.equal(new Set([sms.id, tele.id, mail.id]).size, 3, "three tickets");

      await sweep();
      const acks = { sms: smsTexts().at(-1) ?? "", tele: tgTexts().at(-1) ?? "", mail: (await mailTexts()).at(-1) ?? "" };
      for (const [k, ticket] of [["sms", sms], ["tele", tele], ["mail", mail]] as const) {
        assert.match(acks[k], LINK, `${k}: acknowledged with a tracking link`);
        assert.equal(LINK.exec(acks[k])![1], ticket.number, `${k}: the link is to their own ticket`);
        links[k] = pathIn(acks[k]);
      }
      // Three tickets, three clocks running so far.
      const running = await m().getRepository(SlaClock).find({ where: { ticketId: In([sms.id, tele.id, mail.id]), state: "running" } });
      assert.equal(new Set(running.map((c) => c.ticketId)).size, 3);
    });

    it("the operator accepts the suggested cluster: one case around the SMS ticket, the others keep their numbers; one clock runs, not three", async () => {
      const sug = await operator.get(`/api/tickets/${sms.id}/duplicates`);
      assert.equal(sug.status, 200, JSON.stringify(sug.body));
      const suggested = (sug.body as { id: number; reasons: string[] }[]).map((s) => s.id);
      assert.ok(suggested.includes(tele.id) && suggested.includes(mail.id), `both other reports are suggested: ${JSON.stringify(sug.body)}`);

      const bad = await operator.post(`/api/tickets/${sms.id}/cluster`).send({ memberIds: [] });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(JSON.stringify(bad.body), /memberIds/);
      assert.equal((await operator.post(`/api/tickets/${sms.id}/cluster`).send({ memberIds: [sms.id] })).status, 409, "a ticket is not its own member");
      assert.equal((await head.post(`/api/tickets/${sms.id}/cluster`).send({ memberIds: [tele.id] })).status, 403, "an OPD does not form clusters");

      const res = await operator.post(`/api/tickets/${sms.id}/cluster`).send({ memberIds: [tele.id, mail.id], source: "suggestion" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.primary.number, sms.number);
      assert.equal(res.body.memberCount, 2);
      assert.deepEqual(res.body.members.map((x: { number: string }) => x.number).sort(), [tele.number, mail.number].sort(), "members keep their own numbers");
      assert.deepEqual(res.body.members.map((x: { channel: string }) => x.channel).sort(), ["email", "telegram"]);

      // The same cluster is seen from a member's page.
      const fromMember = await operator.get(`/api/tickets/${mail.id}/cluster`);
      assert.equal(fromMember.status, 200);
      assert.equal(fromMember.body.primary.id, sms.id);

      const running = await m().getRepository(SlaClock).find({ where: { ticketId: In([sms.id, tele.id, mail.id]), state: In(["running", "paused"]) } });
      assert.deepEqual([...new Set(running.map((c) => c.ticketId))], [sms.id], "only the case's clock runs");
      const audit = await m().getRepository(AuditEvent).findOneByOrFail({ ticketId: sms.id, type: "ticket.cluster_formed" });
      assert.deepEqual(JSON.parse(audit.afterJson!).memberIds.sort(), [tele.id, mail.id].sort());
      assert.equal(JSON.parse(audit.afterJson!).source, "suggestion");
      // Each member's reporter is told, on their own channel, under their own number.
      await sweep();
      assert.match(tgTexts().at(-1) ?? "", new RegExp(`${tele.number}.*satu kasus`));
      assert.match((await mailTexts()).at(-1) ?? "", new RegExp(`${mail.number}.*satu kasus`));
    });

    it("one disposisi: the case is forwarded once; a member cannot be forwarded on its own; every reporter hears of the forward", async () => {
      await operator.post(`/api/tickets/${sms.id}/transitions`).send({ action: "verify" }).expect(200);
      const dpu = await agencyId(t, "DPU");
      await operator.post(`/api/tickets/${sms.id}/transitions`).send({ action: "forward", agencyIds: [dpu], instruction: "Mohon perbaiki jembatan." }).expect(200);
      const refused = await operator.post(`/api/tickets/${tele.id}/transitions`).send({ action: "forward", agencyIds: [dpu], instruction: "Dua kali?" });
      assert.equal(refused.status, 409);
      assert.equal(await m().getRepository(Forward).countBy({ ticketId: In([sms.id, tele.id, mail.id]) }), 1, "one disposisi");
      await sweep();
      for (const texts of [smsTexts(), tgTexts(), await mailTexts()]) assert.match(texts.at(-1) ?? "", /telah diteruskan kepada/);

      // The OPD sees the case and how many reported it, not the other reporters' tickets.
      const seen = await head.get(`/api/tickets/${sms.id}/cluster`);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.equal(seen.body.memberCount, 2);
      assert.deepEqual(seen.body.members, []);
      assert.equal((await head.get(`/api/tickets/${tele.id}/cluster`)).status, 404, "a member ticket is not the OPD's to open");
    });

    it("one answer reaches each citizen on their own channel and on their own tracking page; one clock, not three", async () => {
      await head.post(`/api/tickets/${sms.id}/transitions`).send({ action: "answer", response: ANSWER }).expect(200);
      await sweep();
      const received = { sms: smsTexts(), tele: tgTexts(), mail: await mailTexts() };
      for (const [k, texts] of Object.entries(received)) {
        const withAnswer = texts.filter((x) => x.includes("Jembatan Cikapundung sudah ditutup sementara"));
        assert.equal(withAnswer.length, 1, `${k} received the answer once: ${JSON.stringify(texts)}`);
      }
      assert.ok(received.tele.find((x) => x.includes("sudah ditutup"))!.includes(tele.number), "under the Telegram citizen's own number");
      assert.ok(received.mail.find((x) => x.includes("sudah ditutup"))!.includes(mail.number), "under the e-mail citizen's own number");
      // No reporter's address reaches another reporter.
      for (const x of [...received.sms, ...received.tele]) assert.ok(!x.includes(MAIL_FROM) && !x.includes("Rina"));
      for (const x of [...received.mail, ...received.tele]) assert.ok(!x.includes(SMS_FROM) && !x.includes("0812345770"));

      for (const [k, ticket] of [["sms", sms], ["tele", tele], ["mail", mail]] as const) {
        const html = await trackingPage(links[k]!);
        assert.match(html, new RegExp(`Pengaduan ${ticket.number}`), `${k}: their own page`);
        assert.ok(html.includes(ANSWER), `${k}: the answer shows on their tracking page`);
        assert.match(html, /Status:<\/strong> Ditanggapi/, `${k}: the case's status`);
        if (ticket.id !== sms.id) assert.match(html, /Digabung dengan laporan warga lain/);
        // Another reporter's own words stay on their own page.
        if (ticket.id !== mail.id) assert.ok(!html.includes("anak-anak tidak bisa menyeberang ke sekolah"));
      }
      const running = await m().getRepository(SlaClock).find({ where: { ticketId: In([sms.id, tele.id, mail.id]), state: In(["running", "paused"]) } });
      assert.ok(running.length > 0);
      assert.deepEqual([...new Set(running.map((c) => c.ticketId))], [sms.id], "one clock, not three");
    });

    it("a member citizen's follow-up joins the case and shows on their own page only; the case's replies still reach the primary's citizen; /status under their own number answers the case's status", async () => {
      const tgSend = (id: number, text: string, extra: Record<string, unknown> = {}) =>
        http()
          .post(pathOf(tgAccount.webhookUrl))
          .set("content-type", "application/json")
          .set("x-telegram-bot-api-secret-token", TG.secret)
          .send(JSON.stringify({ update_id: id, message: { message_id: id, from: { id: TG_USER, is_bot: false, first_name: "Dedi" }, chat: { id: TG_USER, type: "private" }, date: 1_795_000_100, text, ...extra } }));
      const tickets = await m().getRepository(Ticket).count();
      await tgSend(2, "Air sungai makin tinggi di bawah jembatan, tiangnya miring.").expect(200);
      assert.equal(await m().getRepository(Ticket).count(), tickets, "no new ticket: the follow-up joins the case");
      const followUp = await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: tgAccount.id, direction: "inbound" }, order: { id: "DESC" } });
      assert.equal(followUp.ticketId, sms.id, "on the case's primary");
      assert.equal(followUp.contactId, tele.contactId, "from the Telegram citizen");

      // The operator's reply on the case goes to the primary's citizen, not to whoever wrote last.
      const tgBefore = tgTexts().length;
      await operator.post("/api/messages").send({ ticketId: sms.id, direction: "outbound", body: "Petugas sedang menuju lokasi jembatan." }).expect(201);
      await sweep();
      assert.equal(smsTexts().at(-1), "Petugas sedang menuju lokasi jembatan.");
      assert.equal(tgTexts().length, tgBefore, "the Telegram citizen is not sent the SMS citizen's reply");

      const teleHtml = await trackingPage(links.tele!);
      assert.ok(teleHtml.includes("Air sungai makin tinggi"), "the follow-up shows on its writer's page");
      assert.ok(!(await trackingPage(links.sms!)).includes("Air sungai makin tinggi"), "and not on another reporter's page");

      await tgSend(3, `/status ${tele.number}`, { entities: [{ type: "bot_command", offset: 0, length: 7 }] }).expect(200);
      await sweep();
      assert.match(tgTexts().at(-1) ?? "", new RegExp(`${tele.number}.*Ditanggapi`), "the case's status under their own number");
    });

    it("the wall lists the open case with its three reporters; a member taken out is a ticket of its own again and no longer hears the case", async () => {
      const wall = await (await t.loginAs(DEMO.supervisor)).get("/api/wall/trending");
      assert.equal(wall.status, 200, JSON.stringify(wall.body));
      const c = (wall.body.cases as { number: string; reporters: number }[]).find((x) => x.number === sms.number);
      assert.equal(c?.reporters, 3, JSON.stringify(wall.body.cases));

      assert.equal((await operator.delete(`/api/tickets/${sms.id}/cluster/members/${sms.id}`)).status, 409);
      const out = await operator.delete(`/api/tickets/${sms.id}/cluster/members/${mail.id}`);
      assert.equal(out.status, 200, JSON.stringify(out.body));
      assert.equal(out.body.memberCount, 1);
      const freed = await m().getRepository(Ticket).findOneByOrFail({ id: mail.id });
      assert.equal(freed.status, "received");
      assert.equal(freed.mergedIntoId, null);
      assert.ok((await m().getRepository(SlaClock).countBy({ ticketId: mail.id, state: "running" })) > 0, "its own clock runs again");
      assert.ok(await m().getRepository(AuditEvent).findOneBy({ ticketId: mail.id, type: "ticket.cluster_left" }));

      const mails = (await mailTexts()).length;
      await operator.post(`/api/tickets/${sms.id}/transitions`).send({ action: "resolve" }).expect(200);
      await sweep();
      assert.equal((await mailTexts()).length, mails, "the e-mail citizen left the case");
      assert.match(tgTexts().at(-1) ?? "", new RegExp(`${tele.number}.*selesai`, "i"), "the Telegram member hears the resolution");
    });
  });
}
