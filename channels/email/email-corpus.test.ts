// Issue acceptance 5: every message of the corpus in __fixtures__/ has the right outcome.
// One row per .eml file; a file without a row fails the test, so the corpus and the table stay in step.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { readDataRef, type AttachmentKind, type InboundMessage } from "../connector.js";
import { MAX_SUBJECT, parseEmail } from "./parse-email.js";

const OWN = ["aduan@sumselprov.go.id"];
const NOW = new Date("2026-11-20T00:00:00Z");
const dir = new URL("./__fixtures__/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".eml")).sort();

interface Expected {
  from: string;
  displayName?: string;
  subject?: string;
  sentAt?: string;
  /** Substrings the text must contain / must not contain. */
  text: string[];
  notText?: string[];
  html?: { has?: string[]; hasNot?: string[] } | "none";
  attachments?: { kind: AttachmentKind; mimeType: string; fileName?: string; inline?: boolean; contentId?: string; startsWith?: string }[];
  inReplyTo?: string;
  references?: string[];
  thread?: "self" | string;
  hint?: string;
  check?: (m: InboundMessage) => void;
}
type Row = { message: Expected } | { ignored: RegExp };

const ACK = "<aduan.outbox-9f2c1e@sumselprov.go.id>";

const corpus: Record<string, Row> = {
  "01-plain-text-utf8.eml": {
    message: {
      from: "budi.santoso@gmail.com", displayName: "Budi Santoso", subject: "Jalan berlubang di Jl. Sudirman KM 5",
      sentAt: "2026-11-04T02:12:40.000Z", text: ["Jalan berlubang di Jl. Sudirman KM 5 depan Indomaret", "Budi Santoso"], html: "none",
      attachments: [], thread: "self",
    },
  },
  "02-multipart-alternative.eml": {
    message: {
      from: "rina.marlina@yahoo.co.id", subject: "Air PDAM mati di Perumnas Sako",
      text: ["Air PDAM di Perumnas Sako mati sejak 3 hari."], notText: ["<b>"], html: { has: ["<b>Perumnas Sako</b>"] }, attachments: [],
    },
  },
  "03-html-only.eml": {
    message: {
      from: "dedi.k@outlook.co.id", displayName: "Dedi Kurniawan", text: ["Lampu jalan di Jl. Demang Lebar Daun", "padam total sejak"],
      notText: ["alert(1)", "<p"],
      html: { has: ['href="https://maps.google.com/?q=-2.97,104.74"', 'rel="noopener noreferrer nofollow"'], hasNot: ["<script", "alert(1)", "onclick", "javascript:", "<style"] },
    },
  },
  "04-inline-image-cid.eml": {
    message: {
      from: "andi.pratama@gmail.com", text: ["Drainase di Jl. Kapten Rivai tersumbat"],
      html: { has: ['src="cid:ii_lm3x9k2a0"'], hasNot: ["tracker.example.com"] },
      attachments: [{ kind: "image", mimeType: "image/png", fileName: "drainase.png", inline: true, contentId: "ii_lm3x9k2a0", startsWith: "89504e47" }],
    },
  },
  "05-attachments-pdf-jpeg.eml": {
    message: {
      from: "sri.wahyuni@icloud.com", subject: "Pungutan liar di kantor kelurahan", text: ["Bukti kuitansi dan foto terlampir."],
      attachments: [
        { kind: "document", mimeType: "application/pdf", fileName: "kuitansi.pdf", startsWith: "255044462d" },
        { kind: "image", mimeType: "image/jpeg", fileName: "IMG_2041.jpeg", startsWith: "ffd8ff" },
      ],
    },
  },
  "06-iso-8859-1-qp.eml": {
    message: { from: "rene.lefevre@orange.fr", displayName: "René Lefèvre", subject: "Trottoir cassé près de l'hôtel", text: ["touriste français à Palembang", "très dangereux"] },
  },
  "07-windows-1252.eml": {
    message: { from: "rt07.kemuning@gmail.com", text: ["\u201cmeluap\u201d setiap hujan \u2013 biaya", "(\u20ac 20)", "Mohon bantuan\u2026"] },
  },
  "08-base64-utf8.eml": { message: { from: "wulan.sari88@gmail.com", text: ["atapnya bocor 😢", "Bapak Gubernur 🙏"] } },
  "09-encoded-words.eml": {
    message: {
      from: "m.fauzi.ramadhan@gmail.com", displayName: "Muhammad Fauzi Ramadhan",
      subject: "⚠️ Banjir setinggi lutut di Kertapati — tolong segera!", text: ["Air masuk rumah warga"],
    },
  },
  "10-reply-gmail-id.eml": {
    message: {
      from: "budi.santoso@gmail.com", subject: "Re: Aduan Anda diterima [ADU-2611-00042]",
      text: ["lubangnya sekarang makin lebar"], notText: ["menulis:", "Aduan Anda telah kami terima", "> "],
      html: { has: ["blockquote"] }, inReplyTo: ACK, references: ["<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>", ACK],
      thread: "<CAJ8x1Zk2b9Lw=Q3pTnR0v@mail.gmail.com>", hint: "ADU-2611-00042",
    },
  },
  "11-reply-outlook.eml": {
    message: {
      from: "hendra.wijaya@pertamina.com", text: ["belum ada petugas yang datang", "Regards,\nHendra"],
      notText: ["________________", "Sent: Friday", "Aduan Anda telah kami terima"], thread: "self", hint: "ADU-2611-00057",
    },
  },
  "12-reply-english-quoted.eml": {
    message: {
      from: "john.carter@proton.me", text: ["The streetlight is still broken"], notText: ["wrote:", "Aduan team"],
      references: ["<aduan.outbox-7a61@sumselprov.go.id>"], thread: "<aduan.outbox-7a61@sumselprov.go.id>", hint: "ADU-2611-00061",
    },
  },
  "13-forwarded-chain.eml": {
    // A forward is new content for us: the forwarded part is the complaint and must be kept.
    message: { from: "kel.talangsemut@palembang.go.id", text: ["Mohon ditindaklanjuti", "Forwarded message", "Sampah di bantaran sungai belum diangkut"], thread: "self" },
  },
  "14-forward-as-attachment.eml": {
    message: {
      from: "kel.talangsemut@palembang.go.id", text: ["Diteruskan, mohon ditangani."],
      attachments: [{ kind: "email", mimeType: "message/rfc822", fileName: "Sampah belum diangkut.eml", startsWith: Buffer.from("From: Pak Rahmat").toString("hex") }],
    },
  },
  "15-auto-submitted.eml": { ignored: /^auto-reply: Auto-Submitted: auto-replied/ },
  "16-x-autoreply.eml": { ignored: /^auto-reply: x-autoreply/ },
  "17-precedence-bulk.eml": { ignored: /^auto-reply: Precedence: bulk/ },
  "18-precedence-auto-reply.eml": { ignored: /^auto-reply: Precedence: auto_reply/ },
  "19-out-of-office-subject.eml": { ignored: /^auto-reply: out-of-office subject/ },
  "20-balasan-otomatis.eml": { ignored: /^auto-reply: out-of-office subject/ },
  "21-bounce-dsn.eml": { ignored: /^bounce: multipart\/report delivery-status/ },
  "22-bounce-mailer-daemon-plain.eml": { ignored: /^bounce: from mailer-daemon/ },
  "23-bounce-postmaster-failed-recipients.eml": { ignored: /^bounce: / },
  "24-read-receipt.eml": { ignored: /^read-receipt: / },
  "25-calendar-invite.eml": {
    // A person inviting the office: kept as a message (operators decide), the invite as files.
    message: {
      from: "forumwarga.plg@gmail.com", text: ["audiensi soal banjir di Kertapati"],
      attachments: [
        { kind: "document", mimeType: "text/calendar", startsWith: Buffer.from("BEGIN:VCALENDAR").toString("hex") },
        { kind: "document", mimeType: "application/ics", fileName: "invite.ics" },
      ],
    },
  },
  "26-calendar-reply-accepted.eml": { ignored: /^auto-reply: calendar response/ },
  "27-huge-subject.eml": {
    message: {
      from: "warga.kesal@gmail.com", text: ["Lihat judul."],
      check: (m) => {
        assert.ok((m.subject ?? "").length <= MAX_SUBJECT, `subject length ${m.subject?.length}`);
        assert.ok(m.subject?.startsWith("Keluhan jalan rusak parah dan berlubang jalan rusak"));
        assert.ok(m.subject?.endsWith("…"));
        assert.doesNotMatch(m.subject ?? "", /\s{2,}|\n/);
        assert.equal(m.sender.displayName, undefined);
      },
    },
  },
  "28-missing-from.eml": { ignored: /^invalid: no sender address/ },
  "29-missing-message-id-and-date.eml": {
    message: {
      from: "joko.susilo@telkom.net", displayName: "Pak Joko", sentAt: NOW.toISOString(), text: ["Puskesmas Kenten tutup"], thread: "self",
      check: (m) => assert.match(m.externalId, /^<sha256\.[0-9a-f]{40}@aduan\.invalid>$/),
    },
  },
  "30-loop-own-address.eml": { ignored: /^loop: / },
  "31-null-return-path.eml": { ignored: /^bounce: null sender/ },
  "32-gb2312.eml": { message: { from: "wang.wei@163.com", displayName: "王伟", subject: "路灯坏了", text: ["巨港市场附近的路灯坏了"] } },
  "33-invalid-utf8.eml": {
    // Broken bytes become U+FFFD; the rest of the complaint survives.
    message: { from: "yusuf.h@gmail.com", text: ["Trotoar di depan pasar rusak", "parah."], check: (m) => assert.match(m.text, /\uFFFD/) },
  },
  "34-reply-html-only.eml": {
    message: {
      from: "nur.aini@yahoo.com", text: ["Saya tunggu tindak lanjutnya."], notText: ["menulis:", "telah diteruskan"],
      inReplyTo: "<aduan.outbox-5b21@sumselprov.go.id>", references: ["<aduan.outbox-5a00@sumselprov.go.id>", "<aduan.outbox-5b21@sumselprov.go.id>"],
      thread: "<aduan.outbox-5a00@sumselprov.go.id>", hint: "ADU-2611-00071",
    },
  },
  "35-exchange-automatic-reply.eml": { ignored: /^auto-reply: Auto-Submitted: auto-generated/ },
  "36-outlook-person-with-suppress-header.eml": {
    // Outlook puts X-Auto-Response-Suppress on mail people write: not a reason to drop a complaint.
    message: { from: "agus.salim@bpkp.go.id", text: ["Antrian perekaman KTP-el"] },
  },
  "37-re-subject-without-thread-headers.eml": {
    message: {
      from: "lina.marpaung@gmail.com", text: ["Sudah seminggu"], thread: "self", hint: "ADU-2611-00090",
      check: (m) => {
        assert.equal(m.externalId, "<nobrackets.37@mail.gmail.com>");
        assert.equal(m.inReplyToExternalId, undefined);
      },
    },
  },
  "38-iso-8859-2.eml": { message: { from: "lukasz.zolc@wp.pl", subject: "Zniszczony chodnik Łukasz", text: ["Dzień dobry", "Łukasz Żółć"] } },
  // HTML only: the text keeps table cells apart (one row per line), writes links out, and drops
  // scripts, styles and javascript: URLs.
  "39-html-only-table-and-links.eml": {
    message: {
      from: "sri.wahyuni@gmail.com", displayName: "Sri Wahyuni", subject: "Laporan drainase tersumbat",
      text: ["Laporan warga", "Drainase di Jl. Kolonel Atmo tersumbat", "Lokasi         Sejak", "Depan SD 12    Senin pagi", "Simpang Atmo   Selasa", "lihat foto dan peta lokasi (https://maps.google.com/?q=-2.98,104.75)", "Terima kasih,\nSri"],
      notText: ["javascript:", "document.cookie", "steal()", "padding", "DepanSD", "Depan SD 12Senin"],
      html: { has: ['href="https://maps.google.com/?q=-2.98,104.75"'], hasNot: ["<script", "javascript:", "<style"] },
    },
  },
};

describe("e-mail corpus", () => {
  test("at least 30 messages, each with an expected outcome", () => {
    assert.ok(files.length >= 30, `${files.length} fixtures`);
    assert.deepEqual(files, Object.keys(corpus).sort());
    const ignored = Object.values(corpus).filter((r) => "ignored" in r).length;
    assert.ok(ignored >= 10 && files.length - ignored >= 20, `${ignored} ignored`);
  });

  for (const file of files) {
    test(file, async () => {
      const row = corpus[file];
      assert.ok(row, `no expectation for ${file}`);
      const raw = readFileSync(new URL(file, dir));
      const outcome = await parseEmail(raw, { ownAddresses: OWN, now: () => NOW });
      if ("ignored" in row) {
        assert.equal(outcome.kind, "ignored", `expected ignored, got message ${JSON.stringify(outcome.kind === "message" ? outcome.message.text : "")}`);
        assert.match(outcome.kind === "ignored" ? outcome.reason : "", row.ignored);
        return;
      }
      assert.equal(outcome.kind, "message", outcome.kind === "ignored" ? outcome.reason : "");
      const m = (outcome as { message: InboundMessage }).message;
      const e = row.message;
      assert.equal(m.channelKind, "email");
      assert.match(m.externalId, /^<[^<>\s]+>$/);
      assert.deepEqual({ externalId: m.sender.externalId, email: m.sender.email }, { externalId: e.from, email: e.from });
      if (e.displayName !== undefined) assert.equal(m.sender.displayName, e.displayName);
      if (e.subject !== undefined) assert.equal(m.subject, e.subject);
      if (e.sentAt !== undefined) assert.equal(m.sentAt.toISOString(), e.sentAt);
      assert.ok(!Number.isNaN(m.sentAt.getTime()));
      for (const t of e.text) assert.ok(m.text.includes(t), `text lacks ${JSON.stringify(t)}:\n${m.text}`);
      for (const t of e.notText ?? []) assert.ok(!m.text.includes(t), `text has ${JSON.stringify(t)}:\n${m.text}`);
      if (e.html === "none") assert.equal(m.html, undefined);
      else if (e.html) {
        for (const h of e.html.has ?? []) assert.ok(m.html?.includes(h), `html lacks ${h}: ${m.html}`);
        for (const h of e.html.hasNot ?? []) assert.ok(!m.html?.includes(h), `html has ${h}: ${m.html}`);
      }
      if (m.html) assert.doesNotMatch(m.html, /<script|\son\w+=|javascript:/i);
      if (e.attachments) {
        assert.equal(m.attachments.length, e.attachments.length, JSON.stringify(m.attachments.map((a) => a.mimeType)));
        e.attachments.forEach((want, i) => {
          const got = m.attachments[i]!;
          assert.equal(got.kind, want.kind);
          assert.equal(got.mimeType, want.mimeType);
          if (want.fileName) assert.equal(got.fileName, want.fileName);
          assert.equal(got.inline === true, want.inline === true);
          if (want.contentId) assert.equal(got.contentId, want.contentId);
          const bytes = readDataRef(got.ref);
          assert.ok(bytes, "attachment ref is a data: URI");
          assert.equal(bytes.content.length, got.sizeBytes);
          if (want.startsWith) assert.equal(bytes.content.subarray(0, want.startsWith.length / 2).toString("hex"), want.startsWith);
        });
      }
      assert.equal(m.inReplyToExternalId, e.inReplyTo);
      assert.deepEqual(m.references, e.references);
      if (e.thread === "self") assert.equal(m.externalThreadId, m.externalId);
      else if (e.thread) assert.equal(m.externalThreadId, e.thread);
      assert.equal(m.ticketNumberHint, e.hint);
      e.check?.(m);
    });
  }

  test("a message without Message-ID gets the same content-hash id every time", async () => {
    const raw = readFileSync(new URL("29-missing-message-id-and-date.eml", dir));
    const a = await parseEmail(raw);
    const b = await parseEmail(Buffer.from(raw));
    assert.equal(a.kind === "message" && b.kind === "message" && a.message.externalId === b.message.externalId, true);
    const changed = Buffer.from(raw.toString("latin1").replace("pukul 11", "pukul 12"), "latin1");
    const c = await parseEmail(changed);
    assert.notEqual(c.kind === "message" && c.message.externalId, a.kind === "message" && a.message.externalId);
  });

  test("an SMTP null sender (MAIL FROM:<>) marks a bounce even when the headers look personal", async () => {
    const raw = readFileSync(new URL("01-plain-text-utf8.eml", dir));
    const out = await parseEmail(raw, { envelopeFrom: "" });
    assert.equal(out.kind, "ignored");
    assert.match(out.kind === "ignored" ? out.reason : "", /^bounce: null sender/);
    assert.equal((await parseEmail(raw, { envelopeFrom: "budi.santoso@gmail.com" })).kind, "message");
  });
});
