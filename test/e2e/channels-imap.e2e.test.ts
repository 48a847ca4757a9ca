import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { simpleParser } from "mailparser";
import { startFakeImap, startFakeSmtp, type FakeImap, type FakeSmtp } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { startSessions, type Sessions } from "../../server/sessions/supervisor.js";
import { Message, Ticket } from "../../server/entities/index.js";

/** Issue 4: the sessions role reads a mailbox over IMAP (fake server on 127.0.0.1) into tickets. */
const MAILBOX = "aduan@demo.aduan.id";

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const target of await testTargets()) {
  describe(`channels: e-mail by IMAP through the sessions role (${target.name})`, () => {
    let t: TestApp;
    let imap: FakeImap;
    let smtp: FakeSmtp;
    let sessions: Sessions;
    let accountId: number;

    before(async () => {
      imap = await startFakeImap({ user: MAILBOX, pass: "imap-password-uji" });
      smtp = await startFakeSmtp();
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({
        connector: "email",
        name: "Kotak surat IMAP",
        config: {
          smtp: { host: smtp.host, port: smtp.port, from: `Aduan Pemprov <${MAILBOX}>` },
          imap: { host: imap.host, port: imap.port, secure: false, user: MAILBOX, pass: "imap-password-uji", pollIntervalSeconds: 5 },
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      accountId = res.body.id;
      sessions = await startSessions({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger }, { reconcileMs: 60_000 });
    });
    after(async () => {
      await sessions.stop();
      await t.close();
      await imap.close();
      await smtp.close();
    });

    it("a mail delivered to the mailbox becomes a ticket, is marked seen only after it is stored, and is acknowledged by SMTP", async () => {
      assert.ok(sessions.running.has(accountId), "the session runs");
      const raw = [
        "From: Dewi Lestari <dewi@example.org>",
        `To: ${MAILBOX}`,
        "Subject: Pungutan di puskesmas",
        "Message-ID: <imap-citizen-1@example.org>",
        "Date: Mon, 23 Nov 2026 09:00:00 +0700",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Di puskesmas kami diminta membayar untuk layanan yang seharusnya gratis.",
        "",
      ].join("\r\n");
      imap.append(Buffer.from(raw));
      const msg = await until("the ingested mail", () => t.database.db.manager.getRepository(Message).findOneBy({ channelAccountId: accountId, externalId: "<imap-citizen-1@example.org>" }));
      const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      assert.equal(ticket.channel, "email");
      assert.equal(ticket.status, "received");
      await until("the \\Seen flag", async () => imap.mailbox("INBOX").every((x) => x.flags.has("\\Seen")));
      await runOutboxSweep(jobDepsOf(t));
      const ack = await simpleParser(smtp.messages.at(-1)!.raw);
      assert.ok(ack.subject?.includes(ticket.number));
      assert.deepEqual(smtp.messages.at(-1)!.envelope.rcptTo, ["dewi@example.org"]);
    });

    it("a deactivated account's session stops", async () => {
      const admin = await t.loginAs(DEMO.admin);
      await admin.delete(`/api/channel-accounts/${accountId}`).expect(200);
      await sessions.reconcile();
      assert.ok(!sessions.running.has(accountId));
    });
  });
}
