import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { createJobScheduler } from "../../server/worker.js";
import { defineJobs, followOutbox } from "../../server/jobs/jobs.js";
import type { Scheduler } from "../../server/jobs/scheduler.js";
import { OUTBOX_POLICY } from "../../server/commands/deliver-outbox-item.js";
import { systemClock } from "../../server/lib/clock.js";
import { Attachment, Message, OutboxItem, Ticket } from "../../server/entities/index.js";

/**
 * The same flow with a real worker: every committed outbox row gets its deliver-outbound job
 * (followOutbox), agenda runs it on our job table, transient failures are retried with backoff
 * by rescheduling the job — no test code calls a job body here.
 */
async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const target of await testTargets()) {
  describe(`channels: deliver-outbound and fetch-attachment jobs on a running worker (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let scheduler: Scheduler;
    let unfollow: () => void;
    let webhookUrl: string;
    const baseDelay = OUTBOX_POLICY.baseDelayMs;
    const m = () => t.database.db.manager;

    before(async () => {
      OUTBOX_POLICY.baseDelayMs = 150;
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      webhookUrl = (await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } }).expect(201)).body.webhookUrl;
      scheduler = createJobScheduler({ db: t.database.db, config: { ...t.config, jobPollMs: 100 }, logger: t.deps.logger });
      // The worker runs on real time (agenda does); the app's requests keep their own clock.
      defineJobs(scheduler, { db: t.database.db, config: t.config, clock: systemClock, logger: t.deps.logger });
      unfollow = followOutbox(t.database.db, scheduler, t.deps.logger);
      await scheduler.start();
    });
    after(async () => {
      OUTBOX_POLICY.baseDelayMs = baseDelay;
      unfollow();
      await scheduler.stop({ graceMs: 2000 });
      await t.close();
      await twilio.close();
    });

    it("acknowledges an SMS, fetches its media, and delivers a reply once after Twilio failed twice", async () => {
      const from = "+6281234509001";
      const sid = newSid("MM");
      const media = twilio.addMedia(Buffer.from("jpeg-bytes"), "image/jpeg");
      await postTwilio(supertest(t.app), webhookUrl, inboundSms(from, "Banjir di Perumnas.", sid, { NumMedia: "1", MediaUrl0: media, MediaContentType0: "image/jpeg" })).expect(200);
      const msg = await m().getRepository(Message).findOneByOrFail({ externalId: sid });
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      await until("the acknowledgement", async () => twilio.messages.some((x) => x.to === from && x.body.includes(ticket.number)));
      await until("the attachment", async () => (await m().getRepository(Attachment).findOneBy({ ticketId: ticket.id, fetchState: "fetched" })) ?? false);

      twilio.failNext(2, 503);
      const operator = await t.loginAs(DEMO.operator);
      const body = "Tim BPBD sedang menuju lokasi.";
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body }).expect(201);
      const row = await until("the reply to be sent", async () => (await m().getRepository(OutboxItem).findOneBy({ ticketId: ticket.id, body, state: "sent" })) ?? false);
      assert.equal(row.attempts, 3);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(twilio.messages.filter((x) => x.body === body).length, 1, "exactly once");
      assert.equal((await m().getRepository(Message).findOneByOrFail({ id: row.messageId! })).deliveryStatus, "sent");
    });
  });
}
