import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { simpleParser } from "mailparser";
import type { InboundEvent, InboundMessage } from "../connector.js";
import { buildEmail, deliverSmtp, flipOneByte, startFakeImap, startFakeSmtp, testContext, type FakeImap, type FakeSmtp } from "../testing/index.js";
import { emailConfigSchema, emailConnector as email, outgoingSubject, type EmailConfig } from "./email.connector.js";
import { parseEmail, sanitizeEmailHtml, stripQuotedReply } from "./parse-email.js";
import { startSmtpReceiver } from "./smtp-receiver.js";

const FROM = "Layanan Aduan Pemprov <aduan@sumselprov.go.id>";
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function smtpOnly(smtp: { host: string; port: number }, over: Partial<EmailConfig["smtp"]> = {}): EmailConfig {
  return emailConfigSchema.parse({
    smtp: { host: smtp.host, port: smtp.port, from: FROM, ...over },
    smtpInbound: { host: "127.0.0.1", port: 0 },
  });
}

describe("e-mail send (nodemailer) against a fake SMTP server", () => {
  let smtp: FakeSmtp;
  before(async () => {
    smtp = await startFakeSmtp({ user: "aduan@sumselprov.go.id", pass: "rahasia-smtp" });
  });
  after(() => smtp.close());
  const ctx = (over: Partial<EmailConfig["smtp"]> = {}) => testContext(smtpOnly(smtp, { user: "aduan@sumselprov.go.id", pass: "rahasia-smtp", ...over }));

  test("an acknowledgement: ticket number in the subject, stable Message-ID, RFC 3834 headers", async () => {
    const res = await email.send(ctx(), {
      to: "budi.santoso@gmail.com",
      subject: "Aduan Anda diterima",
      ticketNumber: "ADU-2611-00042",
      text: "Aduan Anda telah kami terima dengan nomor ADU-2611-00042.",
      idempotencyKey: "outbox-9f2c1e",
      automated: true,
      inReplyToExternalId: "<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>",
      references: ["<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>"],
    });
    assert.deepEqual(res, { status: "sent", externalId: "<aduan.outbox-9f2c1e@sumselprov.go.id>" });
    const sent = smtp.messages.at(-1)!;
    assert.deepEqual(sent.envelope.rcptTo, ["budi.santoso@gmail.com"]);
    assert.equal(sent.envelope.mailFrom, "aduan@sumselprov.go.id");
    const parsed = await simpleParser(sent.raw);
    assert.equal(parsed.messageId, "<aduan.outbox-9f2c1e@sumselprov.go.id>");
    assert.equal(parsed.subject, "Re: Aduan Anda diterima [ADU-2611-00042]");
    assert.equal(parsed.inReplyTo, "<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>");
    assert.equal(parsed.references, "<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>");
    assert.equal(parsed.headers.get("auto-submitted"), "auto-generated");
    assert.match(parsed.text ?? "", /ADU-2611-00042/);
  });

  test("a retried send carries the same Message-ID (the citizen's client shows one message)", async () => {
    const msg = { to: "x@example.com", text: "a", idempotencyKey: "row-77" };
    const a = await email.send(ctx(), msg);
    const b = await email.send(ctx(), msg);
    assert.equal(a.status === "sent" && b.status === "sent" && a.externalId === b.externalId, true);
  });

  test("the citizen's reply to what we sent threads back to it (round trip through parseEmail)", async () => {
    const sent = await email.send(ctx(), { to: "rina@example.com", subject: "Aduan Anda diterima", ticketNumber: "ADU-2611-00099", text: "Terima kasih.", idempotencyKey: "rt-1" });
    assert.equal(sent.status, "sent");
    const ackId = sent.status === "sent" ? sent.externalId : "";
    const ack = await simpleParser(smtp.messages.at(-1)!.raw);
    const reply = buildEmail({
      from: "Rina <rina@example.com>", to: "aduan@sumselprov.go.id", subject: `Re: ${ack.subject}`, text: `Foto menyusul.\n\nPada Rab, 4 Nov 2026 Layanan Aduan menulis:\n> Terima kasih.`,
      inReplyTo: ackId, references: [ackId],
    });
    const out = await parseEmail(reply);
    assert.equal(out.kind, "message");
    const m = (out as { message: InboundMessage }).message;
    assert.equal(m.inReplyToExternalId, ackId);
    assert.equal(m.externalThreadId, ackId);
    assert.equal(m.ticketNumberHint, "ADU-2611-00099");
    assert.equal(m.text, "Foto menyusul.");
  });

  test("attachments are sent as MIME parts", async () => {
    await email.send(ctx(), { to: "a@example.com", text: "lampiran", attachments: [{ fileName: "berita-acara.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4 x") }] });
    const parsed = await simpleParser(smtp.messages.at(-1)!.raw);
    assert.equal(parsed.attachments[0]?.filename, "berita-acara.pdf");
    assert.equal(parsed.attachments[0]?.content.toString(), "%PDF-1.4 x");
  });

  test("4xx refusals are retryable, 5xx are permanent, an unreachable server is retryable, bad AUTH is permanent", async () => {
    smtp.failNext(1, 451);
    const temp = await email.send(ctx(), { to: "a@example.com", text: "x" });
    assert.equal(temp.status === "failed" && temp.retryable, true);
    smtp.failNext(1, 550);
    const perm = await email.send(ctx(), { to: "a@example.com", text: "x" });
    assert.equal(perm.status === "failed" && perm.retryable, false);
    const down = await email.send(testContext(smtpOnly({ host: "127.0.0.1", port: 9 })), { to: "a@example.com", text: "x" });
    assert.equal(down.status === "failed" && down.retryable, true);
    const wrong = await email.send(ctx({ pass: flipOneByte(Buffer.from("rahasia-smtp")).toString("latin1") }), { to: "a@example.com", text: "x" });
    assert.equal(wrong.status === "failed" && wrong.retryable, false);
    assert.match(wrong.status === "failed" ? wrong.reason : "", /EAUTH|535/);
  });

  test("outgoing subjects: ticket number once, Re: only for replies", () => {
    assert.equal(outgoingSubject({ subject: "Status aduan", ticketNumber: "ADU-2611-00001" }), "Status aduan [ADU-2611-00001]");
    assert.equal(outgoingSubject({ subject: "Status ADU-2611-00001", ticketNumber: "ADU-2611-00001" }), "Status ADU-2611-00001");
    assert.equal(outgoingSubject({ subject: "Re: x", inReplyToExternalId: "<a@b>" }), "Re: x");
  });
});

describe("e-mail inbound by SMTP (smtp-server)", () => {
  test("authentication: the right password is accepted, one changed byte is refused", async () => {
    const got: Buffer[] = [];
    const receiver = await startSmtpReceiver({ auth: { user: "mx-relay", pass: "relay-secret-123" }, onMessage: async (raw) => void got.push(raw) });
    try {
      const raw = fixture("01-plain-text-utf8.eml");
      const ok = await deliverSmtp({ host: receiver.host, port: receiver.port, from: "budi.santoso@gmail.com", to: "aduan@sumselprov.go.id", raw, user: "mx-relay", pass: "relay-secret-123" });
      assert.deepEqual(ok.accepted, ["aduan@sumselprov.go.id"]);
      const changed = flipOneByte(Buffer.from("relay-secret-123"), 0).toString("latin1");
      await assert.rejects(deliverSmtp({ host: receiver.host, port: receiver.port, from: "a@b.c", to: "aduan@sumselprov.go.id", raw, user: "mx-relay", pass: changed }), /535|auth/i);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0], raw);
    } finally {
      await receiver.close();
    }
  });

  test("the connector's SMTP listener hands messages to the sink; 250 only after the sink resolved, 451 when it fails", async () => {
    const events: InboundEvent[] = [];
    let failNext = false;
    const sink = async (e: InboundEvent) => {
      if (e.kind === "state") return;
      if (failNext) {
        failNext = false;
        throw new Error("database down");
      }
      events.push(e);
    };
    const config = emailConfigSchema.parse({
      smtp: { host: "127.0.0.1", port: 9, from: FROM },
      smtpInbound: { host: "127.0.0.1", port: 0, acceptRecipients: ["@sumselprov.go.id"] },
    });
    // Port 0 is resolved by the OS; find it from the log line the connector writes.
    const ctx = testContext(config);
    const session = await email.start(ctx, sink);
    try {
      const entry = (ctx.log as unknown as { entries: { obj: { port?: number } }[] }).entries.find((e) => e.obj.port);
      const port = entry?.obj.port as number;
      assert.ok(port > 0);
      const deliver = (raw: Buffer, from = "budi.santoso@gmail.com", to = "aduan@sumselprov.go.id") => deliverSmtp({ host: "127.0.0.1", port, from, to, raw });

      await deliver(fixture("02-multipart-alternative.eml"));
      assert.equal(events.length, 1);
      assert.equal(events[0]?.kind === "message" && events[0].message.sender.email, "rina.marlina@yahoo.co.id");

      failNext = true;
      await assert.rejects(deliver(fixture("08-base64-utf8.eml")), /451/);
      assert.equal(events.length, 1);
      await deliver(fixture("08-base64-utf8.eml"));
      assert.equal(events.length, 2);

      await deliver(fixture("21-bounce-dsn.eml"), "");
      assert.equal(events.at(-1)?.kind, "ignored");

      await assert.rejects(deliver(fixture("01-plain-text-utf8.eml"), "a@b.c", "someone@else.example"), /550/);
      assert.equal(events.length, 3);
    } finally {
      await session.stop();
    }
  });
});

describe("e-mail inbound by IMAP (imapflow) against a fake IMAP server", () => {
  let imap: FakeImap;
  before(async () => {
    imap = await startFakeImap({ user: "aduan@sumselprov.go.id", pass: 'imap "pass" 1', mailboxes: ["Aduan/Diproses", "Aduan/Diabaikan"] });
  });
  after(() => imap.close());
  const config = (over: Partial<NonNullable<EmailConfig["imap"]>> = {}) =>
    emailConfigSchema.parse({
      smtp: { host: "127.0.0.1", port: 9, from: FROM },
      imap: {
        host: imap.host, port: imap.port, secure: false, user: "aduan@sumselprov.go.id", pass: 'imap "pass" 1',
        processedMailbox: "Aduan/Diproses", ignoredMailbox: "Aduan/Diabaikan", pollIntervalSeconds: 60, ...over,
      },
    });

  test("unseen mail is ingested, marked \\Seen and moved only after the sink resolved; failures stay for the next scan", async () => {
    imap.append(fixture("01-plain-text-utf8.eml"));
    imap.append(fixture("15-auto-submitted.eml"));
    imap.append(fixture("03-html-only.eml"), "INBOX", ["\\Seen"]); // already handled earlier: not read again
    const events: InboundEvent[] = [];
    const states: string[] = [];
    let refuse = 1;
    const session = await email.start(testContext(config()), async (e) => {
      if (e.kind === "state") return void states.push(e.state);
      if (e.kind === "message" && e.message.sender.email === "wulan.sari88@gmail.com" && refuse > 0) {
        refuse--;
        throw new Error("ingest failed");
      }
      events.push(e);
    });
    try {
      await until("two events", () => events.length >= 2 && imap.mailbox("INBOX").length === 1);
      assert.deepEqual(events.map((e) => e.kind), ["message", "ignored"]);
      assert.equal(events[0]?.kind === "message" && events[0].message.externalId, "<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>");
      assert.ok(states.includes("connected"));
      const processed = imap.mailbox("Aduan/Diproses");
      assert.equal(processed.length, 1);
      assert.ok(processed[0]!.flags.has("\\Seen"));
      assert.equal(imap.mailbox("Aduan/Diabaikan").length, 1);

      // New mail while idling arrives through IDLE (the poll is 60 s away); the first attempt is
      // refused, the message stays unseen in INBOX and is retried about a second later.
      const t0 = Date.now();
      imap.append(fixture("08-base64-utf8.eml"));
      await until("refusal", () => refuse === 0);
      const inbox = imap.mailbox("INBOX").find((m) => m.raw.includes("CAKx2Base64Utf8Body"));
      assert.ok(inbox && !inbox.flags.has("\\Seen"), "refused message stays unseen in INBOX");
      assert.equal(events.length, 2, "refused message not counted");
      await until("retry", () => events.length >= 3);
      assert.equal(events[2]?.kind === "message" && events[2].message.sender.email, "wulan.sari88@gmail.com");
      assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
      imap.append(fixture("09-encoded-words.eml"));
      await until("next mail", () => events.length >= 4);
      assert.equal(events.length, 4, "nothing ingested twice");
      await until("inbox holds only the seen message", () => imap.mailbox("INBOX").length === 1);
    } finally {
      await session.stop();
    }
    assert.ok(imap.commands.some((c) => /IDLE/.test(c)), "used IDLE");
    assert.ok(!imap.commands.some((c) => c.includes("imap \"pass\"")), "password not logged");
  });

  test("wrong credentials report needs-auth and do not throw", async () => {
    const states: string[] = [];
    const session = await email.start(testContext(config({ pass: "wrong" })), async (e) => void (e.kind === "state" && states.push(e.state)));
    await until("needs-auth", () => states.includes("needs-auth"));
    await session.stop();
  });
});

describe("e-mail helpers", () => {
  test("stripQuotedReply cuts Gmail, Outlook and > quotes but keeps the reply", () => {
    assert.equal(stripQuotedReply("Baik.\n\nPada Sen, 9 Nov 2026 pukul 10.00 Aduan <a@b.c> menulis:\n> isi"), "Baik.");
    assert.equal(stripQuotedReply("Ok\n\n-----Original Message-----\nFrom: x"), "Ok");
    assert.equal(stripQuotedReply("Jawab\n> kutipan\n> lagi"), "Jawab");
    assert.equal(stripQuotedReply("Tidak ada kutipan\nbaris dua"), "Tidak ada kutipan\nbaris dua");
  });

  test("sanitizeEmailHtml drops scripts, handlers, remote images and javascript: links", () => {
    const html = sanitizeEmailHtml('<p onmouseover="x()">Hi<script>evil()</script><img src="https://t.example/p.gif"><img src="cid:abc"><a href="javascript:x()">l</a><iframe src="https://x"></iframe></p>');
    assert.equal(html, '<p>Hi<img src="cid:abc" /><a rel="noopener noreferrer nofollow" target="_blank">l</a></p>');
  });

  test("fetchAttachment decodes the data: refs parse produced, and refuses other refs", async () => {
    const out = await parseEmail(fixture("05-attachments-pdf-jpeg.eml"));
    const ref = out.kind === "message" ? out.message.attachments[0]!.ref : "";
    const ctx = testContext(smtpOnly({ host: "127.0.0.1", port: 9 }));
    const got = await email.fetchAttachment(ctx, ref);
    assert.equal(got.status === "fetched" && got.content.subarray(0, 5).toString(), "%PDF-");
    assert.equal(got.status === "fetched" && got.mimeType, "application/pdf");
    const other = await email.fetchAttachment(ctx, "https://example.com/x.pdf");
    assert.equal(other.status === "failed" && other.retryable, false);
  });

  test("config needs imap or smtpInbound", () => {
    assert.equal(emailConfigSchema.safeParse({ smtp: { host: "h", from: FROM } }).success, false);
    assert.equal(emailConfigSchema.safeParse({ smtp: { host: "h", from: FROM }, smtpInbound: {} }).success, true);
  });
});
