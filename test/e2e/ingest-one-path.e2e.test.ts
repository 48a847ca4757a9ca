import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EntityManager } from "typeorm";
import type { InboundMessage } from "../../channels/connector.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import { ingestInboundBatch } from "../../server/commands/ingest-batch.js";
import { ingestInboundMessage, type IngestInput, type IngestOutcome } from "../../server/commands/ingest-inbound-message.js";
import { issueTicketNumbers } from "../../server/commands/issue-ticket-number.js";
import { SYSTEM_ACTOR } from "../../server/commands/append-audit-event.js";
import {
  Attachment,
  AuditEvent,
  Category,
  ChannelAccount,
  Contact,
  ContactIdentity,
  InboundReceipt,
  Message,
  OutboxItem,
  SlaClock,
  Ticket,
} from "../../server/entities/index.js";
import type { CommitEvent } from "../../server/lib/db.js";
import { testTargets, type TestDatabase } from "../support/databases.js";

/**
 * Issue 17, acceptance 1: every inbound message goes through one ingest command that works on a
 * batch. The same corpus — plain SMS, a STATUS question, an e-mail and its reply (In-Reply-To), a
 * web form with a photo, a Telegram text and its location, WhatsApp with media, a recorded call,
 * a Telegram /start — goes through it message by message (a batch of one each) into one fresh
 * database and as one batch into another; the rows are identical both ways: tickets, messages,
 * contacts and their identities, attachments, clocks, receipts, the outbox, the audit log and the
 * jobs scheduled after commit. Ids may differ between the two (a batch writes set-based), so rows
 * are compared by what identifies them (ticket number, message text, contact address).
 */
const AT = new Date("2026-11-23T03:00:00.000Z");
const SECRET = "test-session-secret-that-is-long-enough-0123456789";

/** Test-owned fixtures: one channel account per kind of the corpus, and a category for the web form. */
async function fixtures(m: EntityManager): Promise<Record<string, ChannelAccount>> {
  await ensureSlaDefaults(m, AT);
  await m.getRepository(Category).save(m.getRepository(Category).create({ code: "JALAN", name: "Jalan rusak", active: true, complaintClass: "general", createdAt: AT, updatedAt: AT } as Partial<Category>));
  const account = (connector: string, kind: ChannelKind) =>
    m.getRepository(ChannelAccount).save(m.getRepository(ChannelAccount).create({ connector, kind, name: `${connector} (uji)`, configEncrypted: "{}", active: true, lastError: null, createdAt: AT, updatedAt: AT }));
  return {
    sms: await account("twilio-sms", "sms"),
    email: await account("email", "email"),
    web: await account("web", "web"),
    telegram: await account("telegram", "telegram"),
    whatsapp: await account("whatsapp-cloud", "whatsapp"),
    voice: await account("twilio-voice", "voice"),
  };
}

const base = (kind: ChannelKind, externalId: string, from: Partial<InboundMessage["sender"]> & { externalId: string }, text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channelKind: kind,
  externalId,
  externalThreadId: from.externalId,
  sender: from,
  sentAt: new Date(AT.getTime() - 60_000),
  text,
  attachments: [],
  raw: { test: externalId },
  ...extra,
});

/** The corpus, in arrival order, with the account each message came in on. */
function corpus(accounts: Record<string, ChannelAccount>, firstNumber: string): IngestInput[] {
  const sms = { externalId: "+6281234500001", phone: "+6281234500001" };
  const mail = { externalId: "sari@warga.test", email: "sari@warga.test", displayName: "Sari Warga" };
  const tg = { externalId: "777001", displayName: "Budi", username: "budi_plg" };
  const wa = { externalId: "6281355500002", phone: "+6281355500002", displayName: "Rina" };
  const caller = { externalId: "+6281299900003", phone: "+6281299900003" };
  const list: [string, InboundMessage][] = [
    ["sms", base("sms", "SM0001", sms, "Lampu jalan mati di Jl. Merdeka sejak seminggu.")],
    ["sms", base("sms", "SM0002", sms, "Tolong segera, gelap sekali malam hari.")],
    ["email", base("email", "<m1@warga.test>", mail, "Sampah menumpuk di pasar, bau sekali.", { subject: "Sampah di Pasar 16", externalThreadId: "<m1@warga.test>", html: "<p>Sampah menumpuk di pasar, bau sekali.</p>" })],
    ["sms", base("sms", "SM0003", sms, `STATUS ${firstNumber}`)],
    ["email", base("email", "<m2@warga.test>", mail, "Sudah tiga hari belum diangkut.", { subject: "Re: Sampah di Pasar 16", externalThreadId: "<m1@warga.test>", inReplyToExternalId: "<m1@warga.test>", references: ["<m1@warga.test>"] })],
    [
      "web",
      base("web", "web-0001", { externalId: "web:andi@warga.test", email: "andi@warga.test", displayName: "Andi" }, "Jalan berlubang besar depan SD 5.", {
        subject: "Jalan berlubang",
        form: { category: "JALAN", privacy: "publik", locationText: "Jl. Sudirman depan SD 5" },
        attachments: [{ kind: "image", ref: "upload:web-0001/foto.jpg", mimeType: "image/jpeg", fileName: "foto.jpg", sizeBytes: 2048 }],
      }),
    ],
    ["telegram", base("telegram", "tg-1", tg, "Pohon tumbang menutup jalan.")],
    ["telegram", base("telegram", "tg-2", tg, "", { location: { latitude: -2.9761, longitude: 104.7754, title: "Jl. Kapten Rivai" } })],
    ["whatsapp", base("whatsapp", "wamid.0001", wa, "Air PDAM keruh, ini fotonya.", { attachments: [{ kind: "image", ref: "media:0001", mimeType: "image/jpeg", fileName: "air.jpg" }] })],
    ["voice", base("voice", "CA0001", caller, "", { call: { durationSeconds: 95, recordingRef: "RE0001", transcript: "Saluran air tersumbat di Kenten." }, attachments: [{ kind: "audio", ref: "RE0001", mimeType: "audio/wav", fileName: "rekaman.wav" }] })],
    ["telegram", base("telegram", "tg-3", { externalId: "777002", displayName: "Dewi" }, "/start", { command: { name: "start" } })],
    ["sms", base("sms", "SM0001", sms, "Lampu jalan mati di Jl. Merdeka sejak seminggu.")], // a redelivery
  ];
  return list.map(([k, message]) => ({ account: accounts[k]!, message, publicUrl: "http://aduan.test" }));
}

/** Every row the ingest writes, keyed by what identifies it rather than by id. */
async function snapshot(m: EntityManager, jobs: CommitEvent[]) {
  const tickets = await m.getRepository(Ticket).find({ order: { id: "ASC" } });
  const contacts = await m.getRepository(Contact).find({ order: { id: "ASC" } });
  const identities = await m.getRepository(ContactIdentity).find();
  const messages = await m.getRepository(Message).find();
  const outbox = await m.getRepository(OutboxItem).find();
  const ticketKey = new Map(tickets.map((t) => [t.id, t.number]));
  const contactKey = new Map(contacts.map((c) => [c.id, `contact:${c.phone ?? ""}|${c.email ?? ""}|${identities.filter((i) => i.contactId === c.id).map((i) => `${i.channel}:${i.address}`).sort().join(",")}`]));
  const messageKey = new Map(messages.map((x) => [x.id, `message:${ticketKey.get(x.ticketId)}|${x.direction}|${x.externalId ?? ""}|${x.body}`]));
  const outboxKey = new Map(outbox.map((o) => [o.id, `outbox:${o.messageId ? messageKey.get(o.messageId) : `${o.toAddress}|${o.body}`}`]));
  const attachments = await m.getRepository(Attachment).find();
  const attachmentKey = new Map(attachments.map((a) => [a.id, `attachment:${a.messageId ? messageKey.get(a.messageId) : ""}|${a.sourceRef}`]));
  const keyOf: Record<string, Map<number, string>> = { ticket: ticketKey, tickets: ticketKey, contact: contactKey, contacts: contactKey, message: messageKey, messages: messageKey, outbox: outboxKey, attachment: attachmentKey, attachments: attachmentKey };
  const ID_FIELDS: Record<string, Map<number, string>> = { ticketId: ticketKey, secretTicketId: ticketKey, contactId: contactKey, messageId: messageKey, outboxId: outboxKey, attachmentId: attachmentKey };
  /** A row with its id dropped and every id it points at replaced by the key of its target. */
  const canon = (row: object): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (k === "id" || k === "trackingSecretHash") continue; // the secret is random by design
      if (k === "texts" && v && typeof v === "object") {
        out[k] = Object.fromEntries(Object.entries(v).map(([ref, d]) => [ref.replace(/^(\w+)#(\d+)\./, (_, table: string, id: string) => `${keyOf[table]?.get(Number(id)) ?? `${table}#?`}.`), d]).sort());
      } else if (ID_FIELDS[k] && typeof v === "number") out[k] = ID_FIELDS[k]!.get(v) ?? `${k}#${v}?`;
      else if (v instanceof Date) out[k] = v.toISOString();
      else if (v && typeof v === "object" && !Array.isArray(v)) out[k] = canon(v);
      else out[k] = v;
    }
    return out;
  };
  const sorted = (rows: object[]) => rows.map((r) => JSON.stringify(canon(r))).sort();
  const audit = await m.getRepository(AuditEvent).find();
  return {
    tickets: sorted(tickets),
    contacts: sorted(contacts.map((c) => ({ ...c, key: contactKey.get(c.id) }))),
    identities: sorted(identities),
    messages: sorted(messages.map((x) => ({ ...x, key: messageKey.get(x.id) }))),
    attachments: sorted(attachments.map(({ storageKey: _storage, ...a }) => a)),
    clocks: sorted(await m.getRepository(SlaClock).find()),
    receipts: sorted(await m.getRepository(InboundReceipt).find()),
    outbox: sorted(outbox),
    // Audit rows without their chain's hashes and sequence (the chain is verified elsewhere; a
    // batch appends a run's events together, in each chain's order).
    audit: sorted(
      audit.map((e) => {
        const after = e.afterJson ? JSON.parse(e.afterJson) : null;
        const entityId = e.entityId == null ? null : (keyOf[e.entityType]?.get(Number(e.entityId)) ?? e.entityId);
        const before = e.beforeJson ? JSON.parse(e.beforeJson) : null;
        return { type: e.type, entityType: e.entityType, entityId, ticketId: e.ticketId, actorUserId: e.actorUserId, actorLabel: e.actorLabel, before, after, createdAt: e.createdAt };
      }),
    ),
    jobs: jobs.map((j) => JSON.stringify(canon(j))).sort(),
  };
}

for (const target of await testTargets()) {
  describe(`one intake path: message by message and as one batch (${target.name})`, () => {
    const runs: { db: TestDatabase; jobs: CommitEvent[]; outcomes: IngestOutcome[]; accounts: Record<string, ChannelAccount> }[] = [];

    before(async () => {
      for (let i = 0; i < 3; i++) {
        const run = { db: await target.open(), jobs: [] as CommitEvent[], outcomes: [] as IngestOutcome[], accounts: {} as Record<string, ChannelAccount> };
        runs.push(run);
        run.db.db.events.on("commit", (e: CommitEvent) => run.jobs.push(e));
        run.accounts = await run.db.db.tx((m) => fixtures(m));
      }
    });
    after(async () => {
      for (const r of runs) await r.db.destroy();
    });

    it("the corpus gives identical tickets, messages, contacts, attachments, clocks, receipts, outbox, audit events and jobs both ways", async () => {
      const ctx = { actor: SYSTEM_ACTOR, at: AT, secretKey: SECRET };
      // The first ticket's number, for the STATUS question (numbers count per month from 1).
      const [firstNumber] = await runs[0]!.db.db.tx((m) => issueTicketNumbers(m, AT, 1));
      for (const r of runs.slice(1)) await r.db.db.tx((m) => issueTicketNumbers(m, AT, 1));
      const next = firstNumber!.replace(/\d+$/, (d) => String(Number(d) + 1).padStart(d.length, "0"));

      const [one, batch, unbatched] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
      for (const input of corpus(one.accounts, next)) one.outcomes.push(...(await one.db.db.tx((m) => ingestInboundBatch(m, ctx, [input]))));
      batch.outcomes.push(...(await batch.db.db.tx((m) => ingestInboundBatch(m, ctx, corpus(batch.accounts, next)))));
      // And, as a check on the command's two strategies, every message through the per-message
      // step that the batch uses for what is not plain text: the set-based writes of plain texts
      // must build the same rows as it does.
      for (const input of corpus(unbatched.accounts, next)) unbatched.outcomes.push(await unbatched.db.db.tx((m) => ingestInboundMessage(m, ctx, input)));

      // What each message became, both ways.
      const kinds = (o: IngestOutcome[]) => o.map((x) => x.kind);
      assert.deepEqual(kinds(one.outcomes), ["created", "appended", "created", "status_query", "appended", "created", "created", "appended", "created", "created", "greeting", "duplicate"]);
      assert.deepEqual(kinds(batch.outcomes), kinds(one.outcomes));
      assert.deepEqual(kinds(unbatched.outcomes), kinds(one.outcomes));
      const statusReply = one.outcomes[3] as Extract<IngestOutcome, { kind: "status_query" }>;
      assert.ok(statusReply.ticketId, "the reporter's own ticket was found by its number");

      const a = await snapshot(one.db.db.manager, one.jobs);
      const b = await snapshot(batch.db.db.manager, batch.jobs);
      // The corpus wrote what a user would see: six tickets, five citizens (and the greeted one
      // is not a contact), a photo and a recording kept for the fetch job, six acknowledgements.
      assert.equal(a.tickets.length, 6);
      assert.equal(a.attachments.length, 3);
      assert.ok(a.outbox.length >= 7, `acknowledgements, the status reply and the greeting (${a.outbox.length})`);
      assert.ok(a.jobs.length > 0, "jobs were scheduled after commit");
      const c = await snapshot(unbatched.db.db.manager, unbatched.jobs);
      for (const k of Object.keys(a) as (keyof typeof a)[]) {
        assert.deepEqual(b[k], a[k], `${k} differ between one by one and one batch`);
        assert.deepEqual(c[k], a[k], `${k} differ between the set-based writes and the per-message step`);
      }
    });
  });
}
