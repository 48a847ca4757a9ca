import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { recordTicket } from "../support/public.js";
import { AuditEvent, Contact, Ticket } from "../../server/entities/index.js";

/**
 * Issue 14, point 6, in a real Chromium: an operator finds a citizen by a phone number typed in
 * another format, records an erasure request (its 3×24-hour deadline shown), erases, and the
 * citizen's contact is gone while the case stays; an admin sees the retention policy and its dry run.
 */
const [target] = await testTargets();
describe("console: data subject request and retention screens", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticketId: number;
  const newPage = async () => (await c.browser.context({ bypassCSP: true, viewport: { width: 1440, height: 1000 } })).newPage();
  const login = async (page: Page, email: string) => {
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, email);
  };
  const seriousA11y = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious");

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const operator = await t.loginAs(DEMO.operator);
        ticketId = (await recordTicket(operator, { description: "Saluran air tersumbat di Gang Kenanga, pelapor Ratna Kusumawardani minta dihubungi.", caller: { name: "Ratna Kusumawardani", phone: "081244556677", email: "ratna.kw@contohmail.id" } })).id;
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("the operator finds the citizen by phone, records an erasure request with its deadline, and erases", async () => {
    const page = await newPage();
    await login(page, DEMO.operator);
    await page.getByRole("menuitem", { name: "Hak subjek data (UU PDP)" }).click();
    await page.getByRole("heading", { level: 1, name: "Permintaan subjek data (UU PDP 27/2022)" }).waitFor();
    await page.getByTestId("dsr-q").fill("+62 812-4455-6677");
    await page.getByTestId("dsr-search").click();
    const match = page.getByTestId("dsr-match");
    await match.getByText("Ratna Kusumawardani").waitFor();
    assert.match((await match.textContent()) ?? "", /Cocok lewat: phone/);
    await match.getByRole("checkbox").check();
    await page.getByLabel("Jenis permintaan").click();
    await page.getByRole("option", { name: "Penghapusan / anonimisasi" }).click();
    await page.getByTestId("dsr-open").click();
    const row = page.getByTestId("dsr-request").first();
    await row.getByText("Penghapusan / anonimisasi").waitFor();
    assert.match((await row.textContent()) ?? "", /sisa 72 jam/);
    assert.equal(await row.getAttribute("data-overdue"), "false");
    assert.deepEqual(await seriousA11y(page), []);
    await screenshot(page, "70-data-subject-request");
    await row.getByRole("button", { name: "Hapus / anonimkan" }).click();
    const erase = page.getByTestId("dsr-erase");
    assert.equal(await erase.isDisabled(), true, "nothing is erased without the confirmation");
    await page.getByLabel("Saya yakin: hapus data pribadi ini").check();
    await erase.click();
    await page.getByText(/Selesai: 1 tiket dianonimkan, 1 kontak/).waitFor();
    await row.getByText("Selesai").first().waitFor();
    const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: ticketId });
    assert.equal(ticket.contactId, null);
    assert.doesNotMatch(ticket.description, /Ratna|Kusumawardani/);
    assert.match(ticket.description, /Saluran air tersumbat di Gang Kenanga/);
    assert.equal(await t.database.db.manager.getRepository(Contact).countBy({ name: "Ratna Kusumawardani" }), 0);
    assert.ok(await t.database.db.manager.getRepository(AuditEvent).findOneBy({ type: "data_subject_request.completed" }));
  });

  it("the admin sees and sets the retention policy with its dry run", async () => {
    const page = await newPage();
    await login(page, DEMO.admin);
    await page.getByRole("menuitem", { name: "Retensi data pribadi" }).click();
    await page.getByRole("heading", { level: 1, name: "Kebijakan retensi data pribadi" }).waitFor();
    await page.getByTestId("retention-count").waitFor();
    assert.match((await page.getByTestId("retention-count").textContent()) ?? "", /kasus akan dianonimkan/);
    const years = page.getByLabel("Tahun setelah ditutup");
    assert.equal(await years.inputValue(), "5");
    await years.fill("7");
    await page.getByRole("button", { name: "Simpan kebijakan" }).click();
    await page.getByText("Kebijakan disimpan.").waitFor();
    assert.deepEqual(await seriousA11y(page), []);
    const saved = await (await t.loginAs(DEMO.operator)).get("/api/retention");
    assert.equal(saved.body.policy.yearsAfterClosure, 7);
  });
});
