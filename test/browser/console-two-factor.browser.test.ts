import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { User } from "../../server/entities/index.js";
import { totpCode } from "../../server/lib/two-factor.js";

/**
 * Issue 15, acceptance 5: enrol with the QR's secret, log in with a TOTP, log in with a recovery
 * code (then it is spent), a role that requires 2FA reaches nothing without it, wrong codes are
 * throttled; the admin sees the state and resets it. The API side: test/e2e/two-factor.e2e.test.ts.
 */
const [target] = await testTargets();
const LOCK_AFTER = 5;

describe("console: two-factor authentication (acceptance 5)", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let secret = "";
  let recoveryCodes: string[] = [];

  before(async () => {
    // Playwright's default viewport: these pages were never sized for the desk.
    c = await startConsole(target, { app: { login: { slowdownAfter: 3, lockAfter: LOCK_AFTER, lockMinutes: 15 } }, context: { viewport: { width: 1280, height: 720 } } });
    t = c.t;
    const admin = await t.loginAs(DEMO.admin);
    assert.equal((await admin.put("/api/security/two-factor").send({ roles: { supervisor: true } })).status, 200);
  });
  after(() => c?.close());

  const supervisorPage = (): Promise<Page> => c.signedIn(DEMO.supervisor);
  const apiStatus = async (page: Page, path = "/api/tickets") => (await page.request.get(`${c.url}${path}`)).status();
  const submitCode = async (page: Page, code: string) => {
    await page.getByLabel(/^Kode autentikator atau kode pemulihan/).fill(code);
    await page.getByRole("button", { name: "Verifikasi" }).click();
  };

  it("a role that requires it is led to enrolment and reaches nothing else; enrols with the QR's secret and gets ten recovery codes once", async () => {
    const page = await supervisorPage();
    await page.getByRole("heading", { name: "Aktifkan autentikasi dua faktor" }).waitFor();
    assert.equal(await apiStatus(page), 403, "the API answers nothing but the enrolment");
    assert.equal(await page.getByRole("menuitem", { name: "Antrean tiket" }).count(), 0);
    await page.getByTestId("totp-qr").waitFor();
    const uri = new URL((await page.getByTestId("otpauth-uri").textContent())!);
    assert.equal(uri.protocol, "otpauth:");
    assert.equal(decodeURIComponent(uri.pathname).replace(/^\/\/totp\//, "").split(":").pop(), DEMO.supervisor);
    secret = uri.searchParams.get("secret")!;
    assert.equal((await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, ""), secret, "the text for manual entry is the QR's secret");
    await screenshot(page, "two-factor-enrol");
    await page.getByLabel(/^Kode 6 angka dari aplikasi/).fill(totpCode(secret, t.clock.now()));
    await page.getByRole("button", { name: "Aktifkan" }).click();
    const list = page.getByTestId("recovery-codes");
    await list.waitFor();
    recoveryCodes = (await list.locator("li").allTextContents()).map((c) => c.trim());
    assert.equal(recoveryCodes.length, 10);
    assert.ok(recoveryCodes.every((c) => /^[2-9a-z]{5}-[2-9a-z]{5}$/.test(c)));
    await screenshot(page, "two-factor-recovery-codes");
    await page.getByRole("button", { name: "Saya sudah menyimpan kode ini" }).click();
    await page.getByRole("menuitem", { name: "Antrean tiket" }).waitFor({ timeout: 15_000 });
    assert.equal(await apiStatus(page), 200);
    await page.reload();
    await page.getByRole("menuitem", { name: "Antrean tiket" }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId("recovery-codes").count(), 0, "the codes are shown once");
    await page.context().close();
  });

  it("logs in with a TOTP from the app as the second step", async () => {
    const page = await supervisorPage();
    await page.getByRole("heading", { name: "Verifikasi dua langkah" }).waitFor();
    assert.equal(await apiStatus(page), 403, "the password alone reaches nothing");
    t.clock.advance(30_000); // the app's next code (each code works once)
    await submitCode(page, totpCode(secret, t.clock.now()));
    await page.getByRole("menuitem", { name: "Antrean tiket" }).waitFor({ timeout: 15_000 });
    assert.equal(await apiStatus(page), 200);
    await page.context().close();
  });

  it("logs in with a recovery code, which is then spent", async () => {
    const page = await supervisorPage();
    await submitCode(page, recoveryCodes[0]);
    await page.getByRole("menuitem", { name: "Antrean tiket" }).waitFor({ timeout: 15_000 });
    await page.context().close();

    const again = await supervisorPage();
    await submitCode(again, recoveryCodes[0]);
    await again.getByRole("alert").filter({ hasText: "Kode salah atau sudah dipakai." }).waitFor();
    assert.equal(await apiStatus(again), 403);
    await again.context().close();
  });

  it("wrong codes are throttled: 429 after the threshold, even for the right code", async () => {
    t.clock.advance(16 * 60_000); // earlier wrong tries are out of the window
    const page = await supervisorPage();
    for (let i = 0; i < LOCK_AFTER; i++) {
      await submitCode(page, "000000");
      await page.getByRole("alert").filter({ hasText: "Kode salah atau sudah dipakai." }).waitFor();
    }
    t.clock.advance(30_000);
    await submitCode(page, totpCode(secret, t.clock.now()));
    await page.getByRole("alert").filter({ hasText: /Terlalu banyak percobaan yang gagal/ }).waitFor();
    await screenshot(page, "two-factor-throttled");
    const direct = await page.request.post(`${c.url}/api/auth/2fa/verify`, { data: { code: totpCode(secret, t.clock.now()) } });
    assert.equal(direct.status(), 429);
    assert.equal(await apiStatus(page), 403);
    await page.context().close();
  });

  it("the admin sees the user's 2FA state and resets it; the user is led to enrol again", async () => {
    t.clock.advance(16 * 60_000);
    const supervisor = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.supervisor });
    const page = await c.page();
    await page.goto(`${c.url}/console/#/users/${supervisor.id}`);
    await signIn(page, DEMO.admin);
    const panel = page.getByTestId("user-two-factor");
    await panel.getByText("Autentikasi dua faktor aktif").waitFor({ timeout: 15_000 });
    await panel.getByText("Wajib untuk peran ini").waitFor();
    await panel.getByText("Sisa kode pemulihan: 9").waitFor();
    await screenshot(page, "two-factor-admin-user");
    await panel.getByRole("button", { name: "Atur ulang autentikasi dua faktor" }).click();
    await panel.getByText("Autentikasi dua faktor tidak aktif").waitFor();

    // The per-role requirement, from the admin's menu.
    await page.getByRole("menuitem", { name: "Autentikasi dua faktor" }).click();
    await page.getByRole("heading", { name: "Peran yang wajib memakai autentikasi dua faktor" }).waitFor();
    assert.equal(await page.getByRole("checkbox", { name: "Kepala pelaksana harian" }).isChecked(), true);
    assert.equal(await page.getByRole("checkbox", { name: "Staf OPD" }).isChecked(), false);
    await page.getByRole("checkbox", { name: "Staf OPD" }).check();
    await page.getByText("Disimpan").waitFor();
    const roles = await page.request.get(`${c.url}/api/security/two-factor`);
    assert.equal((await roles.json()).roles.opd_staff, true);
    await page.context().close();

    const again = await supervisorPage();
    await again.getByRole("heading", { name: "Aktifkan autentikasi dua faktor" }).waitFor();
    await again.context().close();
  });
});
