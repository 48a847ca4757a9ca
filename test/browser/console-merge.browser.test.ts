import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { AuditEvent, Message, Ticket } from "../../server/entities/index.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";

/**
 * Issue 5, acceptance 3: a citizen writes by SMS and then calls about the same thing. The
 * operator merges the SMS ticket into the phone one from the console's suggestions: every
 * message stays (shown in one conversation), both audit trails stay intact, and the citizen is
 * told once.
 */
const [target] = await testTargets();
describe("console: merging duplicates (acceptance 3)", { skip: browserSkip }, () => {
  let t: TestApp;
  let twilio: FakeTwilio;
  let c: ConsoleHarness;
  let sms: Ticket;
  let call: Ticket;
  const phone = "+6281355500777";

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
        own(() => twilio.close());
        const admin = await t.loginAs(DEMO.admin);
        const account = (await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } }).expect(201)).body;
        const m = t.database.db.manager;
        const sid1 = newSid();
        await postTwilio(supertest(t.app), account.webhookUrl, inboundSms(phone, "Banjir setinggi lutut di Jl. Veteran RT 03 sejak semalam, saluran air tersumbat sampah.", sid1)).expect(200);
        const sid2 = newSid();
        await postTwilio(supertest(t.app), account.webhookUrl, inboundSms(phone, "Air belum surut sampai siang ini.", sid2)).expect(200);
        sms = await m.getRepository(Ticket).findOneByOrFail({ id: (await m.getRepository(Message).findOneByOrFail({ externalId: sid1 })).ticketId });
        const operator = await t.loginAs(DEMO.operator);
        const res = await operator.post("/api/tickets").send({ channel: "voice", description: "Penelepon melaporkan banjir di Jl. Veteran RT 03 karena saluran air tersumbat sampah.", caller: { phone } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        call = await m.getRepository(Ticket).findOneByOrFail({ id: res.body.id });
        assert.equal(call.contactId, sms.contactId, "one citizen, two tickets");
        await runOutboxSweep(jobDepsOf(t)); // the acknowledgements
      },
    });
  });
  after(() => c?.close());

  it("the operator merges the SMS ticket into the phone ticket from the suggestions", async () => {
    const m = t.database.db.manager;
    const messagesBefore = await m.getRepository(Message).find({ where: [{ ticketId: sms.id }, { ticketId: call.id }] });
    const auditBefore = { sms: await m.getRepository(AuditEvent).countBy({ ticketId: sms.id }), call: await m.getRepository(AuditEvent).countBy({ ticketId: call.id }) };
    const sentBefore = twilio.messages.length;

    const page = await c.signedIn(DEMO.operator, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${c.url}/console/#/tickets/${sms.id}/show`);
    await page.getByRole("heading", { level: 1, name: sms.number, exact: true }).waitFor();
    await page.getByRole("button", { name: "Gabungkan duplikat" }).click();
    const suggestion = page.getByRole("dialog").locator(`[data-duplicate="${call.number}"]`);
    await suggestion.waitFor();
    await screenshot(page, "20-merge-suggestions");
    await suggestion.click();

    // The console moves to the surviving ticket, whose conversation holds both tickets' messages.
    await page.waitForURL((u) => u.hash === `#/tickets/${call.id}/show`);
    await page.getByRole("heading", { level: 1, name: call.number, exact: true }).waitFor();
    const conversation = page.getByTestId("conversation");
    await conversation.getByText("Banjir setinggi lutut").first().waitFor();
    await conversation.getByText("Air belum surut sampai siang ini.").waitFor();
    await conversation.getByText("Penelepon melaporkan banjir").first().waitFor();
    await screenshot(page, "21-merged-conversation");

    const merged = await m.getRepository(Ticket).findOneByOrFail({ id: sms.id });
    assert.equal(merged.status, "merged");
    assert.equal(merged.mergedIntoId, call.id);
    // Every message is kept, on its own ticket.
    for (const msg of messagesBefore) assert.ok(await m.getRepository(Message).findOneBy({ id: msg.id, ticketId: msg.ticketId }), `message ${msg.id} kept`);
    // Both audit trails are intact and each records the merge.
    const smsTrail = await m.getRepository(AuditEvent).find({ where: { ticketId: sms.id }, order: { id: "ASC" } });
    const callTrail = await m.getRepository(AuditEvent).find({ where: { ticketId: call.id }, order: { id: "ASC" } });
    assert.ok(smsTrail.length > auditBefore.sms && smsTrail.some((e) => e.type === "ticket.merged"));
    assert.ok(callTrail.length > auditBefore.call && callTrail.some((e) => e.type === "ticket.merged_in"));
    const report = await verifyAudit(t.database.db.ds);
    assert.equal(report.ok, true, JSON.stringify(report.problems.slice(0, 3)));

    // The citizen is told once, however often the outbox is swept.
    await runOutboxSweep(jobDepsOf(t));
    await runOutboxSweep(jobDepsOf(t));
    const notices = twilio.messages.slice(sentBefore).filter((x) => x.to === phone);
    assert.equal(notices.length, 1, JSON.stringify(notices.map((x) => x.body)));
    assert.ok(notices[0]!.body.includes(sms.number) && notices[0]!.body.includes(call.number), notices[0]!.body);
    await page.close();
  });
});
