import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import type { Page } from "playwright-core";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, statusCallback, TWILIO } from "../support/channels.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { createJobScheduler, followOutbox, startWorker } from "../../server/worker.js";
import { Message, OutboxItem, Ticket } from "../../server/entities/index.js";

/**
 * Issue 13, acceptance 5, in a real Chromium against the real server, with a real worker (the
 * scheduler, the outbox follower and the deliver-outbound job) sending to a fake Twilio that
 * refuses every message with a permanent error (21610, the recipient unsubscribed): the operator
 * sees the acknowledgement as failed with the reason in Bahasa Indonesia and Twilio's own words;
 * the supervisor's delivery screen counts it on its account; once the provider accepts messages
 * again, "Kirim ulang" queues it and the worker delivers it, once.
 */
const [target] = await testTargets();
describe("console: a refused message is visible and can be sent again (acceptance 5)", { skip: browserSkip }, () => {
  let t: TestApp;
  let twilio: FakeTwilio;
  let c: ConsoleHarness;
  let webhookUrl: string;
  let ticket: Ticket;
  let ack: Message;
  const from = "+6281298760013";
  const accountName = "SMS Pusat Kendali";

  /** Waits for the worker to bring the outbox row of the acknowledgement to `state`. */
  const outboxReaches = async (state: string, timeoutMs = 15_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const row = await t.database.db.manager.getRepository(OutboxItem).findOneByOrFail({ messageId: ack.id });
      if (row.state === state) return row;
      if (Date.now() > end) throw new Error(`outbox row ${row.id} is ${row.state}, not ${state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const seriousA11y = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious");

  before(async () => {
    // bypassCSP lets axe-core be injected; the app itself runs under its CSP.
    c = await startConsole(target, {
      app: { jobPollMs: 100 },
      context: { bypassCSP: true },
      seed: async (app, own) => {
        t = app;
        twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
        own(() => twilio.close());
        const admin = await t.loginAs(DEMO.admin);
        const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: accountName, config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        webhookUrl = res.body.webhookUrl;
        const scheduler = createJobScheduler(t.deps);
        const unfollow = followOutbox(t.database.db, scheduler, t.deps.logger);
        own(await startWorker({ ...t.deps, scheduler }), "before-app");
        own(unfollow, "before-app"); // stops following first, then the worker
      },
    });
  });
  after(() => c?.close());

  it("the provider refuses the acknowledgement permanently: the worker gives up at once", async () => {
    twilio.refuseAll(21610, "Attempt to send to unsubscribed recipient");
    const sid = newSid();
    await postTwilio(supertest(t.app), webhookUrl, inboundSms(from, "Lampu penerangan jalan di Jalan Diponegoro mati total sejak Jumat.", sid)).expect(200);
    const inbound = await t.database.db.manager.getRepository(Message).findOneByOrFail({ externalId: sid });
    ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: inbound.ticketId });
    ack = await t.database.db.manager.getRepository(Message).findOneByOrFail({ ticketId: ticket.id, direction: "outbound" });
    const row = await outboxReaches("failed");
    assert.equal(row.attempts, 1, "a permanent error is not retried");
    assert.ok(twilio.requests.some((r) => r.path.endsWith("/Messages.json")), "the worker did try the provider");
  });

  it("the operator sees it failed, with the reason in Bahasa Indonesia and Twilio's own words — not 'antre'", async () => {
    const page = await c.signedIn(DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    const msg = page.getByTestId("conversation").locator('[data-direction="outbound"]');
    await msg.locator('[data-delivery="failed"]').waitFor();
    assert.match((await msg.textContent()) ?? "", /gagal terkirim/);
    assert.doesNotMatch((await msg.textContent()) ?? "", /\bantre\b/);
    await msg.getByTestId("message-author").getByText("Tanda terima otomatis").waitFor();
    assert.equal(await msg.getByTestId("message-via").getAttribute("data-via"), "sms");
    const reason = msg.getByTestId("delivery-reason");
    await reason.getByText("Warga berhenti berlangganan (membalas STOP) atau memblokir akun ini").waitFor();
    assert.match((await reason.textContent()) ?? "", /Twilio 400 \(21610\): Attempt to send to unsubscribed recipient/);
    // The citizen's own message names its channel; it has no delivery state.
    const inbound = page.getByTestId("conversation").locator('[data-direction="inbound"]');
    assert.equal(await inbound.getByTestId("message-via").getAttribute("data-via"), "sms");
    assert.equal(await inbound.locator("[data-delivery]").count(), 0);
    // An internal note says so and names no channel: it went nowhere.
    await page.getByRole("button", { name: "Catatan internal" }).click();
    await page.locator("#composer-text").fill("Warga pernah membalas STOP; hubungi lewat telepon.");
    await page.getByRole("button", { name: "Simpan catatan" }).click();
    const note = page.getByTestId("conversation").locator('[data-direction="note"]');
    await note.getByTestId("message-author").getByText("Catatan internal (tidak dikirim)").waitFor();
    assert.equal(await note.getByTestId("message-via").count(), 0);
    assert.equal(await note.locator("[data-delivery]").count(), 0);
    await screenshot(page, "60-delivery-failed");
    assert.deepEqual(await seriousA11y(page), []);
    // In English the same facts, in English; Twilio's own words stay as they are.
    await page.getByRole("button", { name: "English" }).click();
    await msg.getByTestId("message-author").getByText("Automatic acknowledgement").waitFor();
    await msg.locator('[data-delivery="failed"]').getByText("failed", { exact: true }).waitFor();
    await reason.getByText("The citizen unsubscribed (replied STOP) or blocked this account").waitFor();
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await msg.getByTestId("message-author").getByText("Tanda terima otomatis").waitFor();
    await page.close();
  });

  it("the supervisor's delivery screen counts it on its channel account while it is failed", async () => {
    const page = await c.signedIn(DEMO.supervisor);
    await page.getByRole("menuitem", { name: "Pengiriman bermasalah" }).click();
    const row = page.locator(`[data-account="${accountName}"]`);
    await row.waitFor();
    assert.equal((await row.getByTestId("count-failed").textContent())?.trim(), "1");
    assert.equal((await row.getByTestId("count-retrying").textContent())?.trim(), "0");
    await row.getByText("Warga berhenti berlangganan (membalas STOP) atau memblokir akun ini").waitFor();
    await page.locator('[data-problem="failed"]').getByRole("link", { name: ticket.number }).waitFor();
    await screenshot(page, "61-delivery-problems");
    assert.deepEqual(await seriousA11y(page), []);
    await page.close();
  });

  it("once the provider accepts messages again, 'Kirim ulang' queues it and the worker delivers it, once; the supervisor's count drops", async () => {
    twilio.recover();
    const page = await c.signedIn(DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    const msg = page.getByTestId("conversation").locator('[data-direction="outbound"]');
    await msg.getByRole("button", { name: "Kirim ulang" }).click();
    await page.getByText("Pesan diantrekan untuk dikirim ulang").waitFor();
    const row = await outboxReaches("sent");
    const sent = twilio.messages.filter((x) => x.to === from);
    assert.equal(sent.length, 1, "exactly one SMS reached the citizen");
    assert.ok(sent[0]!.body.includes(ticket.number));
    assert.equal(row.externalId, sent[0]!.sid);
    // Issue 14: the citizen's SMS carries a working tracking link; staff never see its secret.
    const link = /\/lacak\/[A-Z0-9-]+\?k=([A-Za-z0-9_-]+)/.exec(sent[0]!.body);
    assert.ok(link, `the SMS carries the tracking link: ${sent[0]!.body}`);
    const citizen = supertest.agent(t.app);
    const opened = await citizen.get(link[0]);
    assert.equal(opened.status, 303, "a good link lets the citizen in (a wrong one is refused)");
    const tracking = await citizen.get(opened.headers.location);
    assert.equal(tracking.status, 200);
    assert.ok(tracking.text.includes(ticket.number), "the link opens the citizen's tracking page");
    // The conversation follows without reloading: sent, then delivered once Twilio's receipt arrives.
    await msg.locator('[data-delivery="sent"]').waitFor({ timeout: 15_000 });
    await postTwilio(supertest(t.app), webhookUrl, statusCallback(sent[0]!.sid, "delivered", from)).expect(200);
    await msg.locator('[data-delivery="delivered"]').waitFor({ timeout: 15_000 });
    assert.match((await msg.textContent()) ?? "", /diterima/);
    assert.equal(await msg.getByTestId("delivery-reason").count(), 0, "no failure shown any more");
    assert.equal(await msg.getByRole("button", { name: "Kirim ulang" }).count(), 0);
    const html = await page.content();
    assert.ok(!html.includes(link[1]), "the console never shows the tracking secret");
    assert.doesNotMatch(html, /\?k=/);
    assert.match((await msg.textContent()) ?? "", /tautan pelacakan dikirim ke warga/);
    await screenshot(page, "62-delivery-resent");
    await page.close();

    const sup = await c.signedIn(DEMO.supervisor);
    await sup.goto(`${c.url}/console/#/delivery`);
    const account = sup.locator(`[data-account="${accountName}"]`);
    await account.waitFor();
    assert.equal((await account.getByTestId("count-failed").textContent())?.trim(), "0");
    await sup.getByText("Tidak ada pesan bermasalah.").waitFor();
    await sup.close();
  });
});
