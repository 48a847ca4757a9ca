import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Agency, Attachment, Category, Message, PublicPhoto } from "../../server/entities/index.js";

/**
 * Issue 19, items 8 and 9 in Chromium: the OPD's answer dialog in a field-check category says an
 * "after" photo is needed and the server's refusal is shown; the supervisor sees the field check
 * on the ticket and confirms it; the operator approves the citizen's photo and the OPD's after photo
 * for the public report; the public page shows both, with alt text, and passes axe.
 */
const [target] = await testTargets();
describe("console: field check and public photos", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;

  const jpeg = (color: string) => sharp({ create: { width: 1200, height: 900, channels: 3, background: color } }).jpeg().withExif({ IFD0: { Make: "KameraWarga" } }).toBuffer();

  before(async () => {
    c = await startConsole(target, { context: { viewport: { width: 1280, height: 900 }, bypassCSP: true } });
    t = c.t;
  });
  after(() => c?.close());

  it("answer refused without an after photo, held with one, confirmed by the supervisor; photos approved; public before/after", async () => {
    const m = t.database.db.manager;
    const category = await m.getRepository(Category).findOneByOrFail({ code: "jalan-jembatan" });
    const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
    const admin = await t.loginAs(DEMO.admin);
    assert.equal((await admin.put(`/api/categories/${category.id}`).send({ fieldCheck: true })).status, 200);
    const operator = await t.loginAs(DEMO.operator);
    const created = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", categoryId: category.id, description: "Jembatan kayu di Dusun III patah, warga memutar dua kilometer." });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, number } = created.body as { id: number; number: string };
    const key = join("attachments", String(id), "jembatan.jpg");
    await mkdir(join(t.config.dataDir, "attachments", String(id)), { recursive: true });
    const before = await jpeg("#7a4b2a");
    await writeFile(join(t.config.dataDir, key), before);
    // On the citizen's message (the ticket page shows a conversation's photos under their message).
    const message = await m.getRepository(Message).findOneByOrFail({ ticketId: id, direction: "inbound" });
    const citizen = await m.getRepository(Attachment).save(m.getRepository(Attachment).create({ ticketId: id, messageId: message.id, fileName: "jembatan.jpg", mimeType: "image/jpeg", sizeBytes: before.length, storageKey: key, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }));
    for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: "Mohon segera diganti." }]) {
      assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send(body)).status, 200);
    }

    // The OPD head answers in the console without a photo: the dialog explains, the server refuses.
    const head = await c.signedIn(DEMO.headPU);
    await head.goto(`${c.url}/console/#/tickets/${id}/show`);
    await head.getByRole("button", { name: "Kirim tanggapan resmi" }).click();
    const dialog = head.getByRole("dialog");
    await dialog.getByText(/memerlukan cek lapangan/).waitFor();
    await dialog.locator("#dlg-response").fill("Jembatan sudah diganti dengan papan baru.");
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await head.locator(".MuiSnackbarContent-message").getByText(/lampirkan foto "sesudah"/).waitFor();
    await screenshot(head, "field-check-01-refused-without-photo");
    // With an after photo chosen in the same dialog: held for the field check.
    await dialog.locator("#answer-files").setInputFiles({ name: "sesudah.jpg", mimeType: "image/jpeg", buffer: await jpeg("#3c8f5a") });
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await dialog.waitFor({ state: "hidden" });
    const after = await m.getRepository(Attachment).findOneByOrFail({ ticketId: id, fileName: "sesudah.jpg" });

    // The supervisor sees the field check and confirms it.
    const sup = await c.signedIn(DEMO.supervisor);
    await sup.goto(`${c.url}/console/#/tickets/${id}/show`);
    await sup.getByTestId("field-check").waitFor();
    await screenshot(sup, "field-check-02-awaiting");
    assert.deepEqual((await axeViolations(sup)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);
    await sup.getByRole("button", { name: "Konfirmasi cek lapangan" }).click();
    await sup.locator('[data-status="answered"]').first().waitFor();

    // The operator approves the citizen's photo and the OPD's after photo for the public report.
    const op = await c.signedIn(DEMO.operator);
    await op.goto(`${c.url}/console/#/tickets/${id}/show`);
    for (const a of [citizen.id, after.id]) {
      const button = op.getByTestId(`public-toggle-${a}`);
      await button.waitFor();
      await button.click();
      await op.waitForFunction((x) => document.querySelector(`[data-testid="public-toggle-${x}"]`)?.getAttribute("aria-pressed") === "true", a);
    }
    assert.equal(await m.getRepository(PublicPhoto).count({ where: { ticketId: id } }), 2);

    // The public page: before and after, small copies that load, with alt text; accessible.
    const pub = await c.page({ viewport: { width: 390, height: 844 } });
    await pub.goto(`${c.url}/laporan/${number}`);
    const imgs = pub.locator("ul.photos img");
    assert.equal(await imgs.count(), 2);
    for (let i = 0; i < 2; i++) {
      await imgs.nth(i).scrollIntoViewIfNeeded();
      await pub.waitForFunction((n) => { const img = document.querySelectorAll<HTMLImageElement>("ul.photos img")[n]; return !!img && img.complete && img.naturalWidth > 0; }, i);
    }
    assert.match((await imgs.nth(0).getAttribute("alt")) ?? "", /sebelum ditangani/);
    assert.match((await imgs.nth(1).getAttribute("alt")) ?? "", /hasil penanganan/);
    await screenshot(pub, "field-check-03-public-before-after-390");
    assert.deepEqual((await axeViolations(pub)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);
  });
});
