import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import { Calendar, CalendarHoliday, Category, ChannelAccount, Notification, SlaPolicyRow, Ticket, User } from "../../server/entities/index.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { runBackup } from "../../server/backup/run.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Issue 5, supervisor and admin screens: after a week in which clocks ran out, the supervisor
 * sees the breaches, queues by status and OPD, unread notifications, and reassigns and
 * re-routes a returned ticket; the admin invites a user and sets up a channel account through
 * the form generated from the connector's config schema, seeing its webhook URL.
 */
const [target] = await testTargets();
describe("console: supervisor and admin", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  const newPage = async (bypassCSP = false) => {
    const ctx = await c.browser.context({ bypassCSP, viewport: { width: 1440, height: 1000 } });
    // The browser's clock follows the server's (a week on), so "breached" means the same to both.
    await ctx.clock.setFixedTime(t.clock.now());
    return ctx.newPage();
  };
  const login = async (page: Page, email: string) => {
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, email);
  };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        t.clock.advance(7 * 24 * 3600_000);
        const r = await processDueClocks(t.database.db, t.clock.now(), { secretKey: t.config.sessionSecret });
        assert.ok(r.notifications > 0, "breaches were notified");
      },
    });
    t = c.t;
  });
  after(() => c?.close());

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

  it("the top bar shows supervisors and admins a red alert when the last backup is overdue, and the last backup once in time; operators see neither", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aduan-backup-ui-"));
    try {
      t.deps.config = { ...t.deps.config, dataDir, backup: { ...t.deps.config.backup, key: Buffer.alloc(32, 3), dir: join(dataDir, "backups") } };
      // The last one two days ago: overdue for a daily backup.
      await runBackup({ db: t.database.db, config: t.deps.config }, { now: new Date(t.clock.now().getTime() - 2 * 86_400_000) });
      const page = await newPage();
      await login(page, DEMO.supervisor);
      const alert = page.getByTestId("backup-overdue");
      await alert.waitFor();
      assert.equal(await alert.getAttribute("role"), "alert");
      assert.match((await alert.textContent()) ?? "", /Cadangan terlambat/);
      // A backup now: the alert goes, the time of the last one stays in sight.
      await runBackup({ db: t.database.db, config: t.deps.config }, { now: t.clock.now() });
      await page.reload();
      await page.getByTestId("backup-last").waitFor();
      assert.match((await page.getByTestId("backup-last").textContent()) ?? "", /Cadangan terakhir/);
      assert.equal(await page.getByTestId("backup-overdue").count(), 0);
      await page.close();
      const op = await newPage();
      await login(op, DEMO.operator);
      await op.getByTestId("who").waitFor();
      assert.equal((await op.getByTestId("backup-overdue").count()) + (await op.getByTestId("backup-last").count()), 0);
      await op.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("the supervisor re-routes a returned ticket and reassigns a ticket to another operator", async () => {
    const m = t.database.db.manager;
    const returned = await m.getRepository(Ticket).findOneByOrFail({ status: "returned" });
    const night = await m.getRepository(User).findOneByOrFail({ email: "operator2@demo.aduan.id" });
    const page = await newPage();
    await login(page, DEMO.supervisor);
    await page.goto(`${c.url}/console/#/tickets/${returned.id}/show`);
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
    await page.getByRole("button", { name: "Tambah", exact: true }).click();
    // Calendars cannot be deleted (policies refer to them): no button offers it.
    assert.equal(await page.locator(".ra-delete-button").count(), 0);
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

  it("the admin creates, edits and deactivates an SLA policy and edits office hours; errors are said in Bahasa Indonesia", async () => {
    const m = t.database.db.manager;
    const page = await newPage(true);
    // A wrong password: the server's code is said in Bahasa Indonesia, not the server's English text.
    await page.goto(`${c.url}/console/#/login`);
    await page.getByLabel(/^(Email|Username)/).first().fill(DEMO.admin);
    await page.getByLabel(/^(Kata sandi|Password)/).first().fill(`${DEMO_PASSWORD}-salah`);
    await page.getByRole("button", { name: "Masuk" }).click();
    await page.getByText("Email atau kata sandi salah.", { exact: true }).waitFor();
    assert.equal(await page.getByText(/wrong e-mail or password/).count(), 0);
    await signIn(page, DEMO.admin);

    await page.getByRole("menuitem", { name: "Kebijakan SLA" }).click();
    await page.locator("#react-admin-title").getByText("Kebijakan SLA").waitFor();
    await page.getByRole("link", { name: "Buat" }).click();
    await page.waitForFunction(() => location.hash === "#/sla-policies/create");
    await page.getByRole("textbox", { name: /^Nama( \*)?$/ }).fill("SLA jalan dan jembatan");
    // Starts as a copy of the default policy's clocks; a zero deadline is refused in the form.
    const followup = page.getByRole("group", { name: "Tindak lanjut OPD" });
    const amount = followup.getByRole("spinbutton", { name: "Batas waktu" });
    assert.equal(await amount.inputValue(), "5");
    await amount.fill("0");
    await page.getByRole("button", { name: "Simpan" }).click();
    await followup.getByText("Harus lebih dari nol.").waitFor();
    await amount.fill("3");
    // Without a category it would be a second default policy: the server refuses, the pop-up says why in Bahasa Indonesia.
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.getByText(/^Sudah ada kebijakan SLA aktif untuk cakupan yang sama/).waitFor();
    assert.equal(await page.getByText(/already applies/).count(), 0);
    await screenshot(page, "44-admin-sla-policy-error");
    await page.getByRole("combobox", { name: "Kategori" }).click();
    await page.getByRole("option", { name: "Jalan dan jembatan" }).click();
    await followup.getByLabel("Satuan").click();
    await page.getByRole("option", { name: "hari kalender" }).click();
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForFunction(() => location.hash.startsWith("#/sla-policies") && !location.hash.includes("create"));
    const roads = await m.getRepository(Category).findOneByOrFail({ code: "jalan-jembatan" });
    const created = await m.getRepository(SlaPolicyRow).findOneByOrFail({ name: "SLA jalan dan jembatan" });
    assert.equal(created.categoryId, roads.id);
    assert.equal(created.active, true);
    assert.deepEqual(JSON.parse(created.definition).clocks.opd_followup.target, { amount: 3, unit: "calendar_days" });
    await page.getByRole("row", { name: /SLA jalan dan jembatan/ }).getByText(/Tindak lanjut OPD: 3 hari kalender/).waitFor();
    await screenshot(page, "45-admin-sla-policies");

    // Edit: warn at half the time; then deactivate it.
    await page.getByRole("row", { name: /SLA jalan dan jembatan/ }).click();
    await page.waitForFunction((id) => location.hash === `#/sla-policies/${id}`, created.id);
    const verify = page.getByRole("group", { name: "Verifikasi dan disposisi" });
    await verify.getByRole("spinbutton", { name: "Peringatan pada (% waktu)" }).fill("50");
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForFunction(() => !/#\/sla-policies\/\d+/.test(location.hash));
    assert.equal(JSON.parse((await m.getRepository(SlaPolicyRow).findOneByOrFail({ id: created.id })).definition).clocks.verify_forward.warningFraction, 0.5);
    await page.getByRole("row", { name: /SLA jalan dan jembatan/ }).click();
    await page.getByRole("button", { name: "Nonaktifkan" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await page.getByText('Kebijakan "SLA jalan dan jembatan" dinonaktifkan').waitFor();
    assert.equal((await m.getRepository(SlaPolicyRow).findOneByOrFail({ id: created.id })).active, false);
    await page.locator(".MuiCircularProgress-root").waitFor({ state: "detached" });
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    // Office hours: Friday afternoon until 17:00, and Saturday mornings; a span that ends before it starts is refused.
    await page.getByRole("menuitem", { name: "Kalender kerja" }).click();
    await page.locator("#react-admin-title").getByText("Kalender kerja").waitFor();
    await page.getByRole("row").nth(1).click();
    await page.getByTestId("office-hours").waitFor();
    await page.getByRole("group", { name: "Jumat" }).getByLabel("Selesai 2").fill("17:00");
    const saturday = page.getByRole("group", { name: "Sabtu" });
    await saturday.getByText("Libur").waitFor();
    await saturday.getByRole("button", { name: "Tambah jam (Sabtu)" }).click();
    await saturday.getByLabel("Selesai 1").fill("07:00");
    await saturday.getByText("Jam selesai harus setelah jam mulai.").waitFor();
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForTimeout(500);
    const unchanged = await m.getRepository(Calendar).findOneByOrFail({ isDefault: true });
    assert.deepEqual(JSON.parse(unchanged.workingHours)["6"], [], "nothing saved while the form is invalid");
    await saturday.getByLabel("Selesai 1").fill("12:00");
    await screenshot(page, "46-admin-office-hours");
    await page.locator(".MuiCircularProgress-root").waitFor({ state: "detached" });
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForFunction(() => !location.hash.includes("/calendars/"));
    const hours = JSON.parse((await m.getRepository(Calendar).findOneByOrFail({ id: unchanged.id })).workingHours);
    assert.deepEqual(hours["6"], [{ start: "07:30", end: "12:00" }]);
    assert.equal(hours["5"][1].end, "17:00");
    assert.deepEqual(hours["7"], []);
    await page.close();
  });
});
