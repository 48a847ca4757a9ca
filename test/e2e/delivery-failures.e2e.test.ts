import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, postTwilio, statusCallback, TWILIO } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Agency, AuditEvent, Message, OutboxItem, Ticket } from "../../server/entities/index.js";
import { STUCK_AFTER_MS } from "../../server/queries/outbound-delivery.js";

/**
 * Issue 13, point 4: a message to a citizen that the provider refuses is shown as failed with the
 * provider's reason (not "queued"), an operator (not an OPD user) sends it again — once, however
 * often they click — and it is delivered when the provider recovers; the supervisor's screen counts
 * failed, retrying and stuck messages per channel account. Outbound goes through the real outbox
 * and the deliver-outbound job body to a fake Twilio REST API speaking Twilio's error format.
 */
for (const target of await testTargets()) {
  describe(`delivery failures are visible and recoverable (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let operator: supertest.Agent, supervisor: supertest.Agent, admin: supertest.Agent, opdHead: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    type Delivery = { state: string; attempts: number; nextAttemptAt: string | null; reason: string | null; reasonKey: string | null; resendable: boolean };
    type ApiMessage = { id: number; direction: string; via: string | null; automated?: boolean; notice?: string | null; delivery?: Delivery; deliveryStatus: string | null };
    const conversation = async (agent: supertest.Agent, ticketId: number): Promise<ApiMessage[]> => {
      const res = await agent.get("/api/messages").query({ filter: JSON.stringify({ ticketId }) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const problems = async () => {
      const res = await supervisor.get("/api/delivery-problems");
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const mine = res.body.accounts.find((a: { channelAccountId: number }) => a.channelAccountId === account.id);
      return { ...res.body, mine } as { totals: Record<string, number>; mine: { failed: number; retrying: number; stuck: number; lastReasonKey: string | null }; problems: { messageId: number; problem: string; ticketNumber: string }[] };
    };
    /** A citizen texts in: a ticket whose acknowledgement is queued. */
    const citizenWrites = async (from: string, text: string) => {
      const sid = newSid();
      await postTwilio(http(), account.webhookUrl, inboundSms(from, text, sid)).expect(200);
      const inbound = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: sid });
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: inbound.ticketId });
      const ack = await m().getRepository(Message).findOneByOrFail({ ticketId: ticket.id, direction: "outbound" });
      return { ticket, ack };
    };

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      supervisor = await t.loginAs(DEMO.supervisor);
      opdHead = await t.loginAs(DEMO.headPU);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS pusat", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t.close();
      await twilio.close();
    });

    it("a permanent refusal (Twilio 21610) shows as failed with the reason, counted on the supervisor's screen; resent once, it is delivered after the provider recovers", async () => {
      const from = "+6281234511001";
      const { ticket, ack } = await citizenWrites(from, "Lampu jalan mati di Jalan Merdeka sejak seminggu.");
      const queued = (await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!;
      assert.equal(queued.delivery?.state, "queued");
      assert.equal(queued.automated, true, "the acknowledgement is automatic");
      assert.equal(queued.notice, "acknowledgement");
      assert.equal(queued.via, "sms");

      twilio.refuseAll(21610, "Attempt to send to unsubscribed recipient");
      const r = await sweep();
      assert.equal(r.failed, 1, JSON.stringify(r));
      const failed = (await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!;
      assert.equal(failed.delivery?.state, "failed", "not 'queued' any more");
      assert.equal(failed.delivery?.reasonKey, "opted_out");
      assert.match(failed.delivery?.reason ?? "", /21610.*unsubscribed recipient/);
      assert.equal(failed.delivery?.resendable, true);

      let p = await problems();
      assert.equal(p.mine.failed, 1);
      assert.equal(p.mine.lastReasonKey, "opted_out");
      assert.ok(p.problems.some((x) => x.messageId === ack.id && x.problem === "failed" && x.ticketNumber === ticket.number));
      assert.equal((await admin.get("/api/delivery-problems")).status, 200, "admins see it too");
      assert.equal((await operator.get("/api/delivery-problems")).status, 403);
      assert.equal((await opdHead.get("/api/delivery-problems")).status, 403);

      // OPD users cannot resend; an operator can, and a double click queues nothing twice.
      assert.equal((await opdHead.post(`/api/messages/${ack.id}/resend`).send({})).status, 403);
      assert.equal((await operator.post(`/api/messages/${ack.id}/resend`).send({ now: true })).status, 400, "the body is validated");
      const [first, second] = await Promise.all([operator.post(`/api/messages/${ack.id}/resend`).send({}), operator.post(`/api/messages/${ack.id}/resend`).send({})]);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.deepEqual([first.body.requeued, second.body.requeued].sort(), [false, true], "one of two concurrent resends queues it");
      assert.equal(first.body.message.delivery.state, "queued");
      const third = await operator.post(`/api/messages/${ack.id}/resend`).send({});
      assert.equal(third.body.requeued, false, "already queued: nothing added");
      assert.equal(await m().getRepository(OutboxItem).countBy({ messageId: ack.id }), 1, "the same outbox row, no second copy");
      const audit = await m().getRepository(AuditEvent).findBy({ ticketId: ticket.id, type: "message.resend_requested" });
      assert.equal(audit.length, 1, "one audit event for the one resend");
      assert.equal(audit[0]!.actorLabel, DEMO.operator);
      p = await problems();
      assert.equal(p.mine.failed, 0, "no longer counted as failed once queued again");

      // Still refusing: it fails again, with the same reason.
      assert.equal((await sweep()).failed, 1);
      assert.equal((await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!.delivery?.state, "failed");
      assert.equal((await operator.post(`/api/messages/${ack.id}/resend`).send({})).body.requeued, true);

      twilio.recover();
      const before = twilio.messages.length;
      assert.equal((await sweep()).sent, 1);
      assert.equal(twilio.messages.length, before + 1);
      const sent = twilio.messages.at(-1)!;
      assert.equal(sent.to, from);
      assert.ok(sent.body.includes(ticket.number));
      assert.equal((await sweep()).sent, 0, "sent once");
      assert.equal((await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!.delivery?.state, "sent");
      await postTwilio(http(), account.webhookUrl, statusCallback(sent.sid, "delivered", from)).expect(200);
      const delivered = (await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!;
      assert.equal(delivered.delivery?.state, "delivered");
      assert.equal(delivered.delivery?.resendable, false);
      const refused = await operator.post(`/api/messages/${ack.id}/resend`).send({});
      assert.equal(refused.status, 409, "a delivered message is not sent again");
      assert.equal(twilio.messages.filter((x) => x.body.includes(ticket.number)).length, 1, "the citizen got exactly one acknowledgement");
      assert.equal((await problems()).mine.failed, 0);
    });

    it("a provider that is down: retrying with the time of the next attempt, counted as retrying; a queue nobody works is counted as stuck", async () => {
      const { ticket, ack } = await citizenWrites("+6281234511002", "Sampah menumpuk di pasar.");
      twilio.failNext(1, 503);
      assert.equal((await sweep()).retry, 1);
      const retrying = (await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!;
      assert.equal(retrying.delivery?.state, "retrying");
      assert.equal(retrying.delivery?.reasonKey, "provider_error");
      assert.ok(retrying.delivery?.nextAttemptAt && new Date(retrying.delivery.nextAttemptAt) > t.clock.now(), "next attempt in the future");
      assert.equal((await problems()).mine.retrying, 1);

      // Another citizen's acknowledgement waits, and no worker takes it for longer than the limit.
      const stuck = await citizenWrites("+6281234511003", "Air PDAM tidak mengalir.");
      t.clock.advance(STUCK_AFTER_MS + 60_000);
      const p = await problems();
      assert.equal(p.mine.stuck, 1);
      assert.ok(p.problems.some((x) => x.messageId === stuck.ack.id && x.problem === "stuck"));

      t.clock.advance(10 * 60_000);
      assert.equal((await sweep()).sent, 2);
      const after = await problems();
      assert.deepEqual([after.mine.failed, after.mine.retrying, after.mine.stuck], [0, 0, 0]);
      assert.equal((await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!.delivery?.state, "sent");
      // Resending something that is queued or sent is refused or ignored, never a second copy.
      assert.equal((await operator.post(`/api/messages/${ack.id}/resend`).send({})).status, 409);
    });

    it("labels say who wrote what on which channel: a note and the OPD's answer as recorded have no channel; the answer sent to the citizen says SMS and automatic", async () => {
      const { ticket } = await citizenWrites("+6281234511004", "Jembatan kayu di desa rusak parah.");
      assert.equal((await sweep()).sent, 1);
      await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "note", body: "Cek foto lokasi dulu." }).expect(201);
      const reply = await operator.post("/api/messages").send({ ticketId: ticket.id, direction: "outbound", body: "Terima kasih, sedang kami periksa." });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.equal(reply.body.delivery.state, "queued");
      assert.equal(reply.body.automated, false, "typed by an operator");
      assert.equal(reply.body.notice, null);
      const pu = await m().getRepository(Agency).findOneByOrFail({ shortName: "Dinas PU" });
      await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "verify" }).expect(200);
      await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." }).expect(200);
      await opdHead.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "answer", response: "Perbaikan dijadwalkan minggu depan." }).expect(200);
      const msgs = await conversation(operator, ticket.id);
      const note = msgs.find((x) => x.direction === "note")!;
      assert.equal(note.via, null, "an internal note travelled on no channel");
      assert.equal(note.delivery, undefined);
      const answer = msgs.find((x) => x.direction === "answer")!;
      assert.equal(answer.via, null);
      const answerNotice = msgs.find((x) => x.direction === "outbound" && x.notice === "answered")!;
      assert.ok(answerNotice, JSON.stringify(msgs.map((x) => [x.direction, x.notice])));
      assert.equal(answerNotice.via, "sms");
      assert.equal(answerNotice.automated, true);
      assert.ok(msgs.some((x) => x.direction === "outbound" && x.notice === "forwarded" && x.automated));
      // The OPD head sees the same labels and states, but not a provider's raw words.
      const theirs = await conversation(opdHead, ticket.id);
      assert.equal(theirs.find((x) => x.direction === "answer")!.via, null);
      assert.ok(theirs.filter((x) => x.delivery).every((x) => x.delivery!.reason === null));
    });

    it("a WhatsApp-style 'read' receipt is kept as read, above delivered", async () => {
      await sweep(); // what the previous journey left queued
      const { ticket, ack } = await citizenWrites("+6281234511005", "Saluran air tersumbat.");
      assert.equal((await sweep()).sent, 1);
      const sent = twilio.messages.at(-1)!;
      assert.equal(sent.to, "+6281234511005");
      await postTwilio(http(), account.webhookUrl, statusCallback(sent.sid, "read", "+6281234511005")).expect(200);
      await postTwilio(http(), account.webhookUrl, statusCallback(sent.sid, "delivered", "+6281234511005")).expect(200);
      assert.equal((await conversation(operator, ticket.id)).find((x) => x.id === ack.id)!.delivery?.state, "read");
    });

    it("a reply that no channel could carry is failed with that reason; with the account back, Kirim ulang queues it through the outbox", async () => {
      await sweep();
      assert.equal((await admin.put(`/api/channel-accounts/${account.id}`).send({ active: false })).status, 200);
      const created = await operator.post("/api/tickets").send({ description: "Laporan telepon: pohon tumbang menutup jalan desa.", caller: { phone: "081234511006" } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const text = "Petugas sudah kami kirim ke lokasi pohon tumbang.";
      const reply = await operator.post("/api/messages").send({ ticketId: created.body.id, direction: "outbound", body: text });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assert.equal(reply.body.delivery.state, "failed");
      assert.equal(reply.body.delivery.reasonKey, "no_route");
      const stillNoRoute = await operator.post(`/api/messages/${reply.body.id}/resend`).send({});
      assert.equal(stillNoRoute.status, 409);
      assert.equal(stillNoRoute.body.error, "unreachable");

      assert.equal((await admin.put(`/api/channel-accounts/${account.id}`).send({ active: true })).status, 200);
      const resent = await operator.post(`/api/messages/${reply.body.id}/resend`).send({});
      assert.equal(resent.status, 200, JSON.stringify(resent.body));
      assert.equal(resent.body.requeued, true);
      assert.equal(resent.body.message.delivery.state, "queued");
      assert.equal(resent.body.message.via, "sms");
      assert.equal(await m().getRepository(OutboxItem).countBy({ messageId: reply.body.id }), 1);
      assert.equal((await sweep()).sent, 1);
      assert.ok(twilio.messages.some((x) => x.body === text && x.to === "+6281234511006"));
      assert.equal((await conversation(operator, created.body.id)).find((x) => x.id === reply.body.id)!.delivery?.state, "sent");
    });
  });
}
