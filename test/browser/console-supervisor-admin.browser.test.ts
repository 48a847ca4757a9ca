import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, launchBrowser, screenshot, type TestBrowser } from "../support/browser.js";
import { ensureConsoleBuilt, listen, signIn } from "../support/console.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import { CalendarHoliday, ChannelAccount, Notification, Ticket, User } from "../../server/entities/index.js";

/**
 * Issue 5, supervisor and admin screens: after a week in which clocks ran out, the supervisor
 * sees the breaches, queues by status and OPD, unread notifications, and reassigns and
 * re-routes a returned ticket; the admin invites a user and sets up a channel account through
 * the form generated from the connector's config schema, seeing its webhook URL.
 */
const [target] = await testTargets();
describe("console: supervisor and admin", { skip: browserSkip }, () => {
  let t: TestApp;
  let server: { url: string; close(): Promise<void> };
  let browser: TestBrowser;
  const newPage = async (bypassCSP = false) => {
    const ctx = await browser.context({ bypassCSP, viewport: { width: 1440, height: 1000 } });
    // The browser's clock follows the server's (a week on), so "breached" means the same to both.
    await ctx.clock.setFixedTime(t.clock.now());
    return ctx.newPage();
  };
  const login = async (page: Page, email: string) => {
    await page.goto(`${server.url}/console/#/login`);
    await signIn(page, email);
  };

  before(async () => {
    ensureConsoleBuilt();
    t = await startTestApp(target);
    t.clock.advance(7 * 24 * 3600_000);
    const r = await processDueClocks(t.database.db, t.clock.now(), { secretKey: t.config.sessionSecret });
    assert.ok(r.notifications > 0, "breaches were notified");
    server = await listen(t);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it("the supervisor's overview: breaches, queues by status and OPD, returns; unread notifications", async () => {
    const m = t.database.db.manager;
    const supervisor = await m.getRepository(User).findOneByOrFail({ email: DEMO.supervisor });
    const unread = await m.getRepository(Notification).createQueryBuilder("n").where("n.user_id = :id AND n.read_at IS NULL", { id: supervisor.id }).getCount();
    assert.ok(unread > 0);
    const page = await newPage(true);
    await login(page, DEMO.supervisor);
    await page.getByRole("menuitem", { name: "Ikhtisar" }).click();
    const breached = page.getByRole("region", { name: "Lewat batas waktu" });
    await breached.locator('[data-sla="breached"]').first().waitFor();
    const returned = await m.getRepository(Ticket).findOneByOrFail({ status: "returned" });
    await page.getByRole("region", { name: "Pengembalian menunggu keputusan" }).getByText(returned.number).waitFor();
    await page.getByRole("region", { name: "Disposisi terbuka per OPD" }).getByText("Dinas PU").waitFor();
    await screenshot(page, "30-supervisor-overview");
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    const bell = page.getByRole("link", { name: /Notifikasi: \d+ belum dibaca/ });
    assert.match((await bell.getAttribute("aria-label")) ?? "", new RegExp(`${unread} belum dibaca`));
    await bell.click();
    await page.getByTestId("unread").getByText(`${Math.min(unread, 50)} belum dibaca`).waitFor();
    await screenshot(page, "31-supervisor-notifications");
    await page.getByRole("button", { name: "Tandai semua sudah dibaca" }).click();
    await page.getByRole("link", { name: "Notifikasi: 0 belum dibaca" }).waitFor();
    assert.equal(await m.getRepository(Notification).createQueryBuilder("n").where("n.user_id = :id AND n.read_at IS NULL", { id: supervisor.id }).getCount(), 0);
    await page.close();
  });

  it("the supervisor re-routes a returned ticket and reassigns a ticket to another operator", async () => {
    const m = t.database.db.manager;
    const returned = await m.getRepository(Ticket).findOneByOrFail({ status: "returned" });
    const night = await m.getRepository(User).findOneByOrFail({ email: "operator2@demo.aduan.id" });
    const page = await newPage();
    await login(page, DEMO.supervisor);
    await page.goto(`${server.url}/console/#/tickets/${returned.id}/show`);
    await page.getByRole("heading", { level: 1, name: returned.number, exact: true }).waitFor();
    await page.locator('[data-forward-status="returned"]').waitFor();

    await page.getByLabel("Petugas").click();
    await page.getByRole("option", { name: night.name }).click();
    await page.getByText("Berhasil").first().waitFor();

    await page.getByRole("button", { name: "Disposisikan ke OPD" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Dinas Pekerjaan Umum dan Penataan Ruang").check();
    await dialog.getByLabel("Instruksi").fill("Dialihkan: lampu lalu lintas di jalan provinsi.");
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await page.locator('[data-status="forwarded"]').waitFor();
    const saved = await m.getRepository(Ticket).findOneByOrFail({ id: returned.id });
    assert.equal(saved.status, "forwarded");
    assert.equal(saved.assigneeUserId, night.id);
    await page.close();
  });

  it("the admin invites a user, and sets up an SMS account from the schema-generated form with its webhook URL", async () => {
    const m = t.database.db.manager;
    const page = await newPage(true);
    await login(page, DEMO.admin);
    await page.getByRole("menuitem", { name: "Pengguna" }).click();
    // Screens load lazily and the router keeps the old one up meanwhile: wait for the new title.
    await page.locator("#react-admin-title").getByText("Pengguna").waitFor();
    await page.getByRole("link", { name: "Buat" }).click();
    await page.waitForFunction(() => location.hash === "#/users/create");
    await page.getByRole("textbox", { name: "Email" }).fill("operator3@demo.aduan.id");
    await page.getByRole("textbox", { name: "Nama", exact: true }).fill("Operator Shift Pagi");
    await page.getByLabel("Peran").click();
    await page.getByRole("option", { name: "Operator" }).click();
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.getByText(/Kata sandi awal \(tampil sekali\): \S{10,}/).waitFor();
    const invited = await m.getRepository(User).findOneByOrFail({ email: "operator3@demo.aduan.id" });
    assert.equal(invited.role, "operator");
    await screenshot(page, "40-admin-users");

    await page.getByRole("menuitem", { name: "Akun kanal" }).click();
    await page.locator("#react-admin-title").getByText("Akun kanal").waitFor();
    await page.getByRole("link", { name: "Buat" }).click();
    await page.waitForFunction(() => location.hash === "#/channel-accounts/create");
    await page.getByLabel("Konektor").click();
    await page.getByRole("option", { name: /twilio|SMS/i }).first().click();
    await page.getByTestId("config-fields").waitFor();
    await page.getByRole("textbox", { name: "Nama", exact: true }).fill("SMS Pengaduan 1500");
    await page.getByLabel("accountSid").fill(`AC${"b".repeat(32)}`);
    await page.getByLabel("authToken").fill("a-secret-auth-token-0123456789");
    await page.getByLabel("fromNumber").fill("+6281100001500");
    await screenshot(page, "41-admin-channel-account-form");
    await page.getByRole("button", { name: "Simpan" }).click();
    const url = page.getByTestId("webhook-url");
    await url.waitFor();
    const account = await m.getRepository(ChannelAccount).findOneByOrFail({ name: "SMS Pengaduan 1500" });
    assert.equal(await url.innerText(), `http://aduan.test/webhooks/twilio-sms/${account.id}`);
    assert.ok(!(await page.locator("body").innerText()).includes("a-secret-auth-token-0123456789"), "the secret is not shown back");
    await screenshot(page, "42-admin-channel-account");
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    // A regional holiday added to the business calendar (the clocks skip it from now on).
    const before = await m.getRepository(CalendarHoliday).count();
    await page.getByRole("menuitem", { name: "Kalender kerja" }).click();
    await page.locator("#react-admin-title").getByText("Kalender kerja").waitFor();
    await page.getByRole("row").nth(1).click();
    await page.getByRole("button", { name: "Tambah" }).click();
    const last = page.locator(".RaSimpleFormIterator-line").last();
    await last.getByLabel("Tanggal").fill("2026-12-28");
    await last.getByLabel("Nama hari libur").fill("Hari Jadi Provinsi");
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.locator("#react-admin-title").getByText("Kalender kerja").waitFor();
    await page.waitForFunction(() => !location.hash.includes("/calendars/"));
    assert.equal(await m.getRepository(CalendarHoliday).count(), before + 1);
    assert.equal((await m.getRepository(CalendarHoliday).findOneByOrFail({ date: "2026-12-28" })).name, "Hari Jadi Provinsi");
    await screenshot(page, "43-admin-calendar");
    await page.close();
  });
});
