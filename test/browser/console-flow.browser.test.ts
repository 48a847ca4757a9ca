import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import type { Page } from "playwright-core";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Contact, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 5, acceptance 1, in a real Chromium against the real server and database: an SMS
 * arrives through the signed webhook; the operator verifies, categorises and forwards it to
 * Dinas PU; the head of Dinas PU answers; the operator resolves; the citizen's SMS reaches the
 * fake Twilio. Dinas Kesehatan never sees the ticket, and an anonim ticket shows the OPD no
 * reporter. Screenshots of each main screen go to test-artifacts/screenshots.
 */
const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
const [target] = await testTargets();
describe("console: an SMS complaint from queue to answer (acceptance 1)", { skip: browserSkip }, () => {
  let t: TestApp;
  let twilio: FakeTwilio;
  let c: ConsoleHarness;
  let webhookUrl: string;
  const from = "+6281298765432";
  const text = "Jembatan gantung di Desa Cibodas putus sebagian, warga terpaksa memutar 5 km.";
  const answer = "Tim Dinas PU sudah meninjau lokasi; perbaikan jembatan dijadwalkan mulai Senin depan.";
  let ticket: Ticket;

  const sweep = () => runOutboxSweep(jobDepsOf(t));
  const seriousA11y = async (page: Page) => {
    const found = (await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious");
    // Say which elements, so that a failure can be fixed without rerunning.
    return Promise.all(found.map(async (v) => ({ ...v, html: await page.evaluate((sel) => document.querySelector(sel)?.outerHTML.slice(0, 300), v.targets[0]) })));
  };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
        own(() => twilio.close());
        const admin = await t.loginAs(DEMO.admin);
        const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS 1500-xxx", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        webhookUrl = res.body.webhookUrl;
      },
    });
  });
  after(() => c?.close());

  it("the SMS arrives through the signed webhook and is acknowledged", async () => {
    const sid = newSid();
    // With a photo (MMS), fetched from the provider by the outbox sweep into DATA_DIR.
    const photo = twilio.addMedia(PNG_1X1, "image/png");
    await postTwilio(supertest(t.app), webhookUrl, inboundSms(from, text, sid, { NumMedia: "1", MediaUrl0: photo, MediaContentType0: "image/png" })).expect(200);
    const msg = await t.database.db.manager.getRepository(Message).findOneByOrFail({ externalId: sid });
    ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    assert.equal(ticket.status, "received");
    const swept = await sweep();
    assert.equal(swept.sent, 1, "acknowledgement sent");
    assert.equal(swept.attachments, 1, "photo fetched");
  });

  it("the operator finds it in the queue, verifies, categorises and forwards it to Dinas PU", async () => {
    const page = await c.signedIn(DEMO.operator, { bypassCSP: true });
    await page.waitForURL((u) => u.hash.startsWith("#/tickets"));
    const row = page.getByRole("row").filter({ hasText: ticket.number });
    await row.waitFor();
    assert.match(await row.innerText(), /SMS/);
    assert.match(await row.innerText(), /Diterima/);
    assert.equal(await row.locator("[data-sla]").count(), 1, "an SLA countdown in the row");
    await screenshot(page, "01-operator-queue");
    assert.deepEqual(await seriousA11y(page), []);

    // Free-text search narrows the queue to this ticket.
    await page.getByPlaceholder("Cari").fill("Cibodas");
    await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
    await page.getByRole("row").filter({ hasText: ticket.number }).click();
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    const conversation = page.getByTestId("conversation");
    await conversation.getByText(text).first().waitFor();
    assert.match(await page.getByTestId("reporter").innerText(), /\+6281298765432/);
    // The photo is shown, loaded through the authenticated API.
    const img = conversation.getByTestId("attachments").locator("img");
    await img.waitFor();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 1, await img.elementHandle());

    await page.getByRole("button", { name: "Verifikasi" }).click();
    await page.locator('[data-status="verified"]').waitFor();

    await page.getByRole("combobox", { name: "Kategori" }).click();
    await page.getByRole("option", { name: "Jalan dan jembatan" }).click();
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.getByText("Berhasil").first().waitFor();

    await page.getByRole("button", { name: "Disposisikan ke OPD" }).click();
    const dialog = page.getByRole("dialog");
    // The category's OPD is suggested.
    assert.equal(await dialog.getByLabel("Dinas Pekerjaan Umum dan Penataan Ruang").isChecked(), true);
    assert.equal(await dialog.getByLabel("Dinas Kesehatan").isChecked(), false);
    await dialog.getByLabel("Instruksi").fill("Mohon ditinjau dan diperbaiki segera.");
    await screenshot(page, "02-operator-forward-dialog");
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await page.locator('[data-status="forwarded"]').waitFor();
    await page.locator('[data-forward-status="pending"]').getByText("Dinas PU").waitFor();
    await screenshot(page, "03-operator-ticket-forwarded");
    assert.deepEqual(await seriousA11y(page), []);

    // A canned reply, sent on the citizen's channel from the reply box.
    await page.getByLabel("Balasan siap pakai").click();
    await page.getByRole("option", { name: "Minta foto" }).click();
    assert.match(await page.locator("#composer-text").inputValue(), /mohon kirimkan foto/);
    await page.getByRole("button", { name: "Kirim", exact: true }).click();
    await conversation.locator('[data-direction="outbound"]').filter({ hasText: "mohon kirimkan foto" }).waitFor();
    await sweep();
    assert.ok(twilio.messages.some((x) => x.to === from && /mohon kirimkan foto/.test(x.body)), "the canned reply went out by SMS");

    // The citizen writes again while the page is open: the message appears without a reload.
    const more = "Tambahan: sore ini ada motor yang hampir jatuh di jembatan itu.";
    await postTwilio(supertest(t.app), webhookUrl, inboundSms(from, more, newSid())).expect(200);
    await conversation.locator('[data-direction="inbound"]').filter({ hasText: more }).waitFor({ timeout: 15_000 });
    await page.close();

    const saved = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: ticket.id });
    assert.equal(saved.status, "forwarded");
    assert.ok(saved.categoryId, "categorised");
  });

  it("the head of Dinas Kesehatan does not see it, not even by its address", async () => {
    const page = await c.signedIn(DEMO.headDinkes);
    await page.getByRole("row").nth(1).waitFor();
    assert.equal(await page.getByText(ticket.number).count(), 0);
    await screenshot(page, "04-dinkes-inbox-without-ticket");
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await page.waitForTimeout(1500);
    assert.equal(await page.getByText(text).count(), 0);
    assert.equal(await page.getByRole("heading", { level: 1, name: ticket.number }).count(), 0);
    // Nor its photo.
    const att = await page.evaluate(async (id) => (await fetch(`/api/attachments?filter=${encodeURIComponent(JSON.stringify({ ticketId: id }))}`)).status, ticket.id);
    assert.equal(att, 404);
    await page.close();
  });

  it("the head of Dinas PU sees it with its clock and answers officially", async () => {
    const page = await c.signedIn(DEMO.headPU, { bypassCSP: true });
    const row = page.getByRole("row").filter({ hasText: ticket.number });
    await row.waitFor();
    assert.equal(await row.locator("[data-sla]").count(), 1, "the OPD's clock in the inbox");
    assert.match(await page.getByRole("heading").first().innerText().catch(() => ""), /.*/);
    await screenshot(page, "05-opd-inbox");
    assert.deepEqual(await seriousA11y(page), []);

    await row.click();
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.getByText("Batas waktu OPD").waitFor();
    await page.getByText("Mohon ditinjau dan diperbaiki segera.").first().waitFor();
    await page.getByRole("button", { name: "Terima disposisi" }).click();
    await page.locator('[data-forward-status="acknowledged"]').waitFor();
    await page.getByRole("button", { name: "Kirim tanggapan resmi" }).click();
    await page.getByRole("dialog").getByLabel("Tanggapan").fill(answer);
    await page.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await page.locator('[data-status="answered"]').waitFor();
    await screenshot(page, "06-opd-answered");
    await page.close();
  });

  it("an anonim ticket shows the OPD no reporter identity", async () => {
    const m = t.database.db.manager;
    const anon = await m.getRepository(Ticket).findOneByOrFail({ privacy: "anonim", description: "Perbaikan jalan provinsi ruas Cikarang dikerjakan asal-asalan, aspal sudah mengelupas." });
    const contact = await m.getRepository(Contact).findOneByOrFail({ id: anon.contactId! });
    const page = await c.signedIn(DEMO.headPU);
    await page.goto(`${c.url}/console/#/tickets/${anon.id}/show`);
    await page.getByRole("heading", { level: 1, name: anon.number, exact: true }).waitFor();
    await page.getByTestId("reporter-hidden").waitFor();
    const shown = await page.locator("body").innerText();
    assert.ok(!shown.includes(contact.name!), "no name");
    assert.ok(!shown.includes(contact.email!), "no e-mail");
    // The page says what was hidden and why, next to the (masked) text.
    assert.match(await page.getByTestId("withheld-notice").innerText(), /Identitas pelapor dirahasiakan \(anonim\): nama, NIK, nomor telepon dan email pelapor disamarkan/);
    await screenshot(page, "07-opd-anonim-ticket");
    await page.close();
  });

  it("the operator sees the answer, resolves, and the citizen's SMS reaches the fake Twilio", async () => {
    const page = await c.signedIn(DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.locator('[data-direction="answer"]').getByText(answer).waitFor();
    await page.getByRole("button", { name: "Selesaikan" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await page.locator('[data-status="resolved"]').waitFor();
    await screenshot(page, "08-operator-resolved");

    await sweep();
    const toCitizen = twilio.messages.filter((x) => x.to === from);
    assert.ok(toCitizen.some((x) => x.body.includes(answer)), `the answer reached the citizen: ${JSON.stringify(toCitizen.map((x) => x.body))}`);
    assert.ok(toCitizen.length >= 3, "acknowledgement, forward notice, answer (and resolution)");
    // The conversation shows what was sent, without a reload.
    await page.locator('[data-direction="outbound"]').filter({ hasText: answer }).first().waitFor({ timeout: 15_000 });
    await page.close();
  });
});
