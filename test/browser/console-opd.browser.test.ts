import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Agency, Attachment, AuditEvent, Forward, Ticket, User } from "../../server/entities/index.js";

/**
 * Issue 5, the OPD inbox beyond answering: the head assigns a ticket to a staff member, asks the
 * citizen for more information, and returns a ticket as not their authority (bukan wewenang)
 * with a reason, which the operator then sees.
 */
const [target] = await testTargets();
describe("console: OPD inbox — assign, ask, return", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let pending: Ticket[];
  const login = (email: string): Promise<Page> => c.signedIn(email);

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const m = t.database.db.manager;
        const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
        const forwards = await m.getRepository(Forward).find({ where: { agencyId: pu.id, status: "pending" }, order: { id: "ASC" } });
        pending = [];
        for (const f of forwards) {
          const ticket = await m.getRepository(Ticket).findOneByOrFail({ id: f.ticketId });
          if (ticket.privacy === "publik" && ticket.status === "forwarded") pending.push(ticket);
        }
        assert.ok(pending.length >= 1, "a publik ticket waiting at Dinas PU");
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("the head assigns the ticket to staff, who then finds it, and asks the citizen for more information", async () => {
    const m = t.database.db.manager;
    const ticket = pending[0]!;
    const staff = await m.getRepository(User).findOneByOrFail({ email: DEMO.staffPU });
    const head = await login(DEMO.headPU);
    await head.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await head.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await head.getByLabel("Tugaskan ke staf").click();
    await head.getByRole("option", { name: staff.name }).click();
    await head.getByText("Berhasil").first().waitFor();
    const f = await m.getRepository(Forward).findOneByOrFail({ ticketId: ticket.id, status: "pending" });
    assert.equal(f.assigneeUserId, staff.id);

    await head.getByRole("button", { name: "Minta informasi ke pelapor" }).click();
    await head.getByRole("dialog").getByLabel("Pesan ke pelapor (opsional)").fill("Mohon kirim foto lokasi lubang jalan.");
    await head.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await head.locator('[data-status="waiting_on_citizen"]').waitFor();
    await screenshot(head, "50-opd-waiting-on-citizen");
    await head.close();

    const page = await login(DEMO.staffPU);
    // Keyboard only: the ticket number in the inbox is a link.
    const link = page.getByRole("link", { name: ticket.number, exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.close();
  });

  it("the head answers with a PDF attached; the operator sees the file on the ticket page and downloads it", async () => {
    const m = t.database.db.manager;
    const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
    const operatorApi = await t.loginAs(DEMO.operator);
    const created = await operatorApi.post("/api/tickets").send({ description: "Gorong-gorong di Jalan Merdeka ambrol, air meluap ke rumah warga.", caller: { phone: "081234567001" } });
    assert.equal(created.status, 201);
    const ticket = created.body as { id: number; number: string };
    assert.equal((await operatorApi.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "verify" })).status, 200);
    assert.equal((await operatorApi.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon diperbaiki." })).status, 200);
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    const head = await login(DEMO.headPU);
    await head.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await head.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await head.getByRole("button", { name: "Kirim tanggapan resmi" }).click();
    const dialog = head.getByRole("dialog");
    await dialog.getByLabel("Tanggapan").fill("Gorong-gorong sudah diganti; berita acara terlampir.");
    const files = dialog.getByLabel("Lampiran (PDF, JPEG, PNG, WebP; maks. 10 MB per berkas)");
    // A file of the wrong kind is refused at once, in Bahasa Indonesia.
    await files.setInputFiles({ name: "catatan.txt", mimeType: "text/plain", buffer: Buffer.from("bukan pdf") });
    await dialog.getByRole("alert").getByText("catatan.txt bukan PDF, JPEG, PNG atau WebP.").waitFor();
    await files.setInputFiles({ name: "berita-acara.pdf", mimeType: "application/pdf", buffer: pdf });
    await dialog.getByTestId("answer-files").getByText(/^berita-acara\.pdf \(1 kB\)$/).waitFor();
    // The page mounted again (here: the inbox and back) brings the draft back: open, text and file.
    await head.evaluate(() => (location.hash = "#/tickets"));
    await head.getByRole("link", { name: ticket.number, exact: true }).waitFor(); // the inbox; the dialog went with the page
    assert.equal(await head.getByRole("dialog").count(), 0);
    await head.evaluate((id) => (location.hash = `#/tickets/${id}/show`), ticket.id);
    await dialog.getByLabel("Tanggapan").waitFor();
    assert.equal(await dialog.getByLabel("Tanggapan").inputValue(), "Gorong-gorong sudah diganti; berita acara terlampir.");
    await dialog.getByTestId("answer-files").getByText(/^berita-acara\.pdf \(1 kB\)$/).waitFor();
    await screenshot(head, "52-opd-answer-with-attachment");
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await head.locator('[data-forward-status="answered"]').waitFor();
    await head.locator('[data-direction="answer"]').getByRole("link", { name: "berita-acara.pdf" }).waitFor();
    await head.close();

    const saved = await m.getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id, fileName: "berita-acara.pdf" });
    assert.equal(saved.mimeType, "application/pdf");
    assert.ok(saved.messageId, "the file belongs to the answer message");
    assert.equal(await m.getRepository(AuditEvent).count({ where: { ticketId: ticket.id, type: "attachment.added" } }), 1);

    const op = await login(DEMO.operator);
    await op.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await op.locator('[data-status="answered"]').waitFor();
    const inAnswer = op.locator('[data-direction="answer"]').getByRole("link", { name: "berita-acara.pdf" });
    await inAnswer.waitFor();
    await op.getByTestId("forward-files").getByRole("link", { name: "berita-acara.pdf" }).waitFor();
    await screenshot(op, "53-operator-sees-answer-attachment");
    const [download] = await Promise.all([op.waitForEvent("download"), inAnswer.click()]);
    assert.equal(download.suggestedFilename(), "berita-acara.pdf");
    const { readFile } = await import("node:fs/promises");
    assert.ok(Buffer.compare(await readFile((await download.path())!), pdf) === 0, "the operator gets the same PDF");
    await op.close();

    // The head of another OPD never sees the ticket, let alone the file.
    const dinkes = await login(DEMO.headDinkes);
    await dinkes.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await dinkes.waitForTimeout(1500);
    assert.equal(await dinkes.getByRole("heading", { level: 1, name: ticket.number }).count(), 0);
    assert.equal(await dinkes.getByRole("link", { name: "berita-acara.pdf" }).count(), 0);
    assert.equal(await dinkes.evaluate(async (id) => (await fetch(`/api/attachments/${id}/content`)).status, saved.id), 404);
    await dinkes.close();
  });

  it("the head returns a ticket as not their authority with a reason; the operator sees it and the reason", async () => {
    const ticket = pending[1] ?? pending[0]!;
    const head = await login(DEMO.headPU);
    await head.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await head.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    if (await head.getByRole("button", { name: "Kembalikan (bukan wewenang)" }).count() === 0) {
      // The first test left this ticket waiting on the citizen: the operator resumes it first.
      const op = await login(DEMO.operator);
      await op.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
      await op.getByRole("button", { name: "Pelapor sudah menjawab" }).click();
      await op.locator('[data-status="forwarded"]').waitFor();
      await op.close();
      await head.reload();
    }
    const reason = "Jalan ini jalan kabupaten, kewenangan Dinas PU Kabupaten.";
    await head.getByRole("button", { name: "Kembalikan (bukan wewenang)" }).click();
    const dialog = head.getByRole("dialog");
    // The confirm button stays disabled until a reason is given.
    assert.equal(await dialog.getByRole("button", { name: "Konfirmasi" }).isDisabled(), true);
    await dialog.getByLabel("Alasan pengembalian").fill(reason);
    await dialog.getByRole("button", { name: "Konfirmasi" }).click();
    await head.locator('[data-forward-status="returned"]').waitFor();
    await head.close();

    const op = await login(DEMO.operator);
    await op.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await op.locator('[data-status="returned"]').waitFor();
    await op.locator('[data-forward-status="returned"]').getByText(reason).waitFor();
    await screenshot(op, "51-operator-sees-return");
    const saved = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: ticket.id });
    assert.equal(saved.status, "returned");
    await op.close();
  });
});
