// test-runner: alone (it measures that the acknowledgement reaches the phone within 2 s)
// The demo sandbox in Chromium against a real server started as `npm start` starts it:
// (1) an SMS sent from the citizen's phone page /demo/warga creates a ticket; the acknowledgement
//     with the ticket number and a working tracking link shows on the page within 2 seconds; the
//     console shows the message delivered ("diterima"); sending works without JavaScript too;
// (2) the full journey: a citizen writes on WhatsApp from /demo/warga, the operator verifies and
//     forwards in the console, the head of Dinas PU answers in the console, and the citizen sees the
//     answer on the phone page (live) and on the tracking page the acknowledgement links to.
// Nothing tries to reach a non-loopback address meanwhile (the egress recorder in the server).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { axeViolations, browserSkip, launchBrowser, screenshot, type TestBrowser } from "../support/browser.js";
import { ensureConsoleBuilt, signIn } from "../support/console.js";
import { apiAs, startServer, type RunningServer } from "../support/demo-server.js";

const ACK = /nomor (ADU-\d{4}-\d{5,})/;

describe("demo sandbox: the citizen's phone in Chromium", { skip: browserSkip }, () => {
  let server: RunningServer;
  let browser: TestBrowser;
  const newPage = async (options: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}) => (await browser.context({ viewport: { width: 1280, height: 900 }, ...options })).newPage();
  const consoleLogin = async (page: Page, email: string) => {
    await page.goto(`${server.base}/console/#/login`);
    await signIn(page, email);
  };
  const openTicket = async (page: Page, number: string) => {
    const api = await apiAs(server.base, "operator@demo.aduan.id");
    const [ticket] = await api<{ id: number }[]>(`/tickets?filter=${encodeURIComponent(JSON.stringify({ q: number }))}`);
    await page.goto(`${server.base}/console/#/tickets/${ticket!.id}/show`);
    await page.getByRole("heading", { level: 1, name: number, exact: true }).waitFor();
  };

  before(async () => {
    ensureConsoleBuilt();
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("an SMS from /demo/warga: acknowledgement with a working tracking link within 2 s, delivered in the console", async () => {
    // bypassCSP: only so that axe-core can be injected for the accessibility check.
    const page = await newPage({ bypassCSP: true });
    await page.goto(`${server.base}/demo/warga`);
    await page.getByLabel(/^Warga/).fill("081234567890");
    await page.getByRole("button", { name: "Buka ponsel" }).click();
    const sms = page.locator("#sms");
    await sms.getByLabel("Pesan").fill("Jalan berlubang besar di depan Pasar Baru, sudah dua motor jatuh.");
    const clicked = Date.now();
    await sms.getByRole("button", { name: "Kirim SMS" }).click();
    const ack = sms.locator("li.them").filter({ hasText: ACK });
    await ack.waitFor({ timeout: 2000 });
    assert.ok(Date.now() - clicked <= 2000, `acknowledgement after ${Date.now() - clicked} ms`);
    const number = ACK.exec(await ack.innerText())![1]!;
    await screenshot(page, "demo-warga-sms-ack");
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    // The tracking link in the SMS opens the ticket's status page.
    await ack.getByRole("link").click();
    await page.waitForURL(new RegExp(`/lacak/${number}`));
    await page.getByText(number).first().waitFor();
    await page.close();

    // In the console, the acknowledgement shows as delivered.
    const op = await newPage();
    await consoleLogin(op, "operator@demo.aduan.id");
    await openTicket(op, number);
    const delivered = op.locator('[data-direction="outbound"]').filter({ hasText: number }).locator('[data-delivery="delivered"]');
    await delivered.waitFor({ timeout: 10_000 });
    assert.equal((await delivered.innerText()).trim(), "diterima");
    await op.close();
  });

  it("works without JavaScript: the form sends, the page shows the message and (after a reload) the answer", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${server.base}/demo/warga?c=${encodeURIComponent("warga.nojs@example.id")}&lang=en`);
    const mail = page.locator("#email");
    await mail.getByLabel("Message").fill("The school roof leaks into the classroom.");
    await mail.getByRole("button", { name: "Send e-mail" }).click();
    await mail.locator("li.me").filter({ hasText: "The school roof leaks" }).waitFor();
    let received = 0;
    for (let i = 0; i < 20 && !received; i++) {
      await page.waitForTimeout(250);
      await page.reload();
      received = await page.locator("#email li.them").filter({ hasText: /ADU-\d{4}-\d{5,}/ }).count();
    }
    assert.equal(received, 1, "the acknowledgement shows after a reload");
    await page.close();
  });

  it("the full journey: WhatsApp from /demo/warga, verified and forwarded, answered by Dinas PU, seen by the citizen", async () => {
    const answer = "Tim UPT Jalan Dinas PU sudah meninjau lokasi; jembatan diperbaiki mulai Senin depan.";
    const phone = await newPage();
    await phone.goto(`${server.base}/demo/warga?c=081377778888`);
    const wa = phone.locator("#whatsapp");
    await wa.getByLabel("Pesan").fill("Jembatan kayu di Desa Sukamaju patah, anak sekolah harus memutar jauh.");
    await wa.getByRole("button", { name: "Kirim WhatsApp (nomor resmi)" }).click();
    const ack = wa.locator("li.them").filter({ hasText: ACK });
    await ack.waitFor({ timeout: 5000 });
    const number = ACK.exec(await ack.innerText())![1]!;
    const trackingLink = await ack.getByRole("link").getAttribute("href");

    // The operator verifies, categorises and forwards to Dinas PU.
    const op = await newPage();
    await consoleLogin(op, "operator@demo.aduan.id");
    await openTicket(op, number);
    await op.getByRole("button", { name: "Verifikasi" }).click();
    await op.locator('[data-status="verified"]').waitFor();
    await op.getByRole("combobox", { name: "Kategori" }).click();
    await op.getByRole("option", { name: "Jalan dan jembatan" }).click();
    await op.getByRole("button", { name: "Simpan" }).click();
    await op.getByText("Berhasil").first().waitFor();
    await op.getByRole("button", { name: "Disposisikan ke OPD" }).click();
    const dialog = op.getByRole("dialog");
    await dialog.getByLabel("Dinas Pekerjaan Umum dan Penataan Ruang").check();
    await dialog.getByLabel("Instruksi").fill("Mohon ditinjau segera.");
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await op.locator('[data-status="forwarded"]').waitFor();
    await op.close();

    // The head of Dinas PU accepts and answers officially.
    const opd = await newPage();
    await consoleLogin(opd, "kepala.pu@demo.aduan.id");
    await openTicket(opd, number);
    await opd.getByRole("button", { name: "Terima disposisi" }).click();
    await opd.locator('[data-forward-status="acknowledged"]').waitFor();
    await opd.getByRole("button", { name: "Kirim tanggapan resmi" }).click();
    await opd.getByRole("dialog").getByLabel("Tanggapan").fill(answer);
    await opd.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await opd.locator('[data-status="answered"]').waitFor();
    await opd.close();

    // The citizen's phone, still open, shows the answer without a reload.
    await wa.locator("li.them").filter({ hasText: answer }).waitFor({ timeout: 15_000 });
    await screenshot(phone, "demo-warga-whatsapp-answer");
    // And the tracking page the acknowledgement links to shows it too.
    await phone.goto(trackingLink!);
    await phone.waitForURL(new RegExp(`/lacak/${number}`));
    await phone.getByText(answer).first().waitFor();
    await screenshot(phone, "demo-warga-tracking-answer");
    await phone.close();
  });

  it("nothing tried to reach a non-loopback address", () => {
    assert.deepEqual(server.egress(), []);
  });
});
