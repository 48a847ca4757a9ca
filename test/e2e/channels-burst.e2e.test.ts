import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { TRACKING_LINK_SENT } from "../../server/commands/tracking-secrets.js";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { AuditEvent, ChannelAccount, Contact, InboundReceipt, Message, OutboxItem, SlaClock, Ticket } from "../../server/entities/index.js";
import { BUSY_BATCH, type IngestBatcher } from "../../server/ingest/ingest-batcher.js";
import type { InboundMessage } from "../../channels/connector.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";

/**
 * Issue 4: a burst of concurrent SMS webhooks is written in shared transactions (IngestBatcher,
 * ingestInboundBatch) with exactly the outcome of one-by-one ingest: one citizen however the
 * number is written, one ticket per citizen, every message once, one acknowledgement per ticket,
 * redeliveries inside the burst harmless, an intact audit log.
 */
for (const target of await testTargets({ cluster: true })) {
  describe(`channels: a burst of concurrent SMS webhooks (${target.name})`, () => {
    let t: TestApp;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const batcher = () => t.app.locals.ingest as IngestBatcher;

    before(async () => {
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS burst", config: { ...TWILIO, apiBaseUrl: "http://127.0.0.1:9" } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(() => t.close());

    it("60 concurrent deliveries from 15 citizens: 15 tickets, 45 messages, 15 acknowledgements, redeliveries ignored", async () => {
      const before = { tickets: await m().getRepository(Ticket).count(), contacts: await m().getRepository(Contact).count(), batches: batcher().stats.batches };
      // Each citizen writes three times, the number spelled three ways (0812…, +62 812…, 62812…).
      const spellings = (i: number) => {
        const local = `81277${String(i).padStart(6, "0")}`;
        return [`0${local}`, `+62 ${local.slice(0, 3)} ${local.slice(3)}`, `62${local}`];
      };
      const deliveries: { from: string; body: string; sid: string }[] = [];
      for (let i = 0; i < 15; i++) spellings(i).forEach((from, k) => deliveries.push({ from, body: `Warga ${i}, pesan ${k + 1}: lampu jalan mati`, sid: newSid() }));
      // Five of them delivered twice more, inside the same burst.
      const redelivered = deliveries.slice(0, 5).flatMap((d) => [d, d]);
      const all = [...deliveries, ...redelivered].sort(() => Math.random() - 0.5);
      const statuses = await Promise.all(all.map((d) => postTwilio(http(), account.webhookUrl, inboundSms(d.from, d.body, d.sid)).then((r) => r.status)));
      assert.deepEqual([...new Set(statuses)], [200]);

      assert.ok(batcher().stats.batches - before.batches < all.length, "deliveries shared transactions");
      assert.equal(batcher().stats.fallbacks, 0);
      assert.equal((await m().getRepository(Ticket).count()) - before.tickets, 15);
      assert.equal((await m().getRepository(Contact).count()) - before.contacts, 15);
      const inbound = await m().getRepository(Message).findBy({ channelAccountId: account.id, direction: "inbound" });
      assert.equal(inbound.length, 45, "every delivery once");
      assert.equal(await m().getRepository(InboundReceipt).countBy({ channelAccountId: account.id }), 45);
      for (let i = 0; i < 15; i++) {
        const mine = inbound.filter((x) => x.body.startsWith(`Warga ${i},`));
        assert.equal(mine.length, 3);
        assert.equal(new Set(mine.map((x) => x.ticketId)).size, 1, `citizen ${i}'s messages share one ticket`);
        assert.equal(new Set(mine.map((x) => x.contactId)).size, 1, `citizen ${i} is one contact`);
      }
      const ticketIds = [...new Set(inbound.map((x) => x.ticketId))];
      const tickets = await m().getRepository(Ticket).findBy(ticketIds.map((id) => ({ id })));
      assert.equal(new Set(tickets.map((x) => x.number)).size, 15, "distinct numbers");
      for (const tk of tickets) {
        assert.equal(tk.status, "received");
        assert.ok(tk.dueAt, "its verification clock runs and the queue can sort it");
        assert.equal(await m().getRepository(SlaClock).countBy({ ticketId: tk.id, kind: "verify_forward", state: "running" }), 1);
        const ack = await m().getRepository(OutboxItem).findBy({ ticketId: tk.id });
        assert.equal(ack.length, 1, "one acknowledgement per ticket");
        assert.match(ack[0]!.body, new RegExp(tk.number));
        assert.ok(ack[0]!.body.includes(TRACKING_LINK_SENT), "the stored acknowledgement says the link was sent (it is minted at delivery)");
        assert.match(ack[0]!.toAddress, /^\+6281277\d{6}$/, "answered at the E.164 number");
        const events = await m().getRepository(AuditEvent).find({ where: { ticketId: tk.id }, order: { seq: "ASC" } });
        assert.deepEqual(
          events.map((e) => e.type),
          ["ticket.received", "message.acknowledgement_queued", "message.received", "message.received"],
        );
      }
      const report = await verifyAudit(t.database.db.ds);
      assert.ok(report.ok, JSON.stringify(report.problems?.slice(0, 3)));
    });

    it("a STATUS question inside a burst is answered, and a later message joins the open ticket", async () => {
      const from = "+6281277999001";
      const first = await postTwilio(http(), account.webhookUrl, inboundSms(from, "Saluran air tersumbat di Jl. Kenanga", newSid()));
      assert.equal(first.status, 200);
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, body: "Saluran air tersumbat di Jl. Kenanga" });
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      const outboxBefore = await m().getRepository(OutboxItem).countBy({ toAddress: from });
      const burst = await Promise.all([
        postTwilio(http(), account.webhookUrl, inboundSms(from, `STATUS ${ticket.number}`, newSid())),
        postTwilio(http(), account.webhookUrl, inboundSms(from, "Tambahan: airnya meluap ke jalan", newSid())),
        postTwilio(http(), account.webhookUrl, inboundSms("+6281277999002", "Pohon tumbang di Jl. Melati", newSid())),
      ]);
      assert.deepEqual(burst.map((r) => r.status), [200, 200, 200]);
      const added = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, body: "Tambahan: airnya meluap ke jalan" });
      assert.equal(added.ticketId, ticket.id);
      const replies = await m().getRepository(OutboxItem).find({ where: { toAddress: from }, order: { id: "ASC" } });
      assert.equal(replies.length, outboxBefore + 1, "the status answer, no second acknowledgement");
      assert.match(replies.at(-1)!.body, new RegExp(ticket.number));
      assert.equal(await m().getRepository(Ticket).countBy({ contactId: ticket.contactId! }), 1);
    });

    // One writer: once batches are busy the next one waits a moment to fill; a quiet server never waits.
    if (target.name === "sqlite") it("on SQLite a message right behind a busy batch's next one joins it; on a quiet server it goes alone", async () => {
      const entity = await m().getRepository(ChannelAccount).findOneByOrFail({ id: account.id });
      const sms = (i: number): InboundMessage => {
        const phone = `+6281299${String(i).padStart(6, "0")}`;
        return { channelKind: "sms", externalId: newSid(), externalThreadId: phone, sender: { externalId: phone, phone }, sentAt: new Date(), text: `Pesan ${i}: saluran tersumbat`, attachments: [], raw: {} };
      };
      const ingest = (i: number) => batcher().ingest(entity, sms(i));
      /** Two messages, the second one event-loop turn behind the first; how many batches wrote them. */
      const pair = async (i: number) => {
        const before = batcher().stats.batches;
        const first = ingest(i);
        const second = new Promise((resolve, reject) => setImmediate(() => ingest(i + 1).then(resolve, reject)));
        await Promise.all([first, second]);
        return batcher().stats.batches - before;
      };
      // A busy batch (BUSY_BATCH messages at once)…
      const before = batcher().stats.batches;
      await Promise.all(Array.from({ length: BUSY_BATCH }, (_, i) => ingest(100 + i)));
      assert.equal(batcher().stats.batches - before, 1);
      // …so the next batch waits for the message a turn behind: one batch for both.
      assert.equal(await pair(200), 1);
      // That batch held two: not busy, so the next one starts at once, alone.
      assert.equal(await pair(300), 2);
    });
  });
}
