import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Contact, ContactIdentity, Ticket } from "../../server/entities/index.js";

/**
 * Issue 5, acceptance 2: a complaint taken by telephone is recorded from the console with one
 * form (number, summary, category) and becomes a `voice` ticket whose caller is a citizen; a
 * second call from the same number lands on the same citizen page.
 */
const [target] = await testTargets();
describe("console: recording a phone complaint (acceptance 2)", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;

  before(async () => {
    c = await startConsole(target);
    t = c.t;
  });
  after(() => c?.close());

  it("one form, a few seconds: the call becomes a voice ticket with the caller as a citizen", async () => {
    const page = await (await c.browser.context({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.getByRole("menuitem", { name: "Catat aduan telepon" }).click();
    await page.getByLabel("Nomor penelepon").waitFor();

    const started = Date.now();
    // Keyboard only: the number field has focus when the form opens.
    await page.keyboard.type("0812 7777 3001");
    await page.getByLabel("Ringkasan aduan").fill("Lampu lalu lintas di simpang Jl. Ahmad Yani mati sejak pagi, rawan kecelakaan.");
    await page.getByRole("combobox", { name: "Kategori" }).click();
    await page.getByRole("option", { name: "Lampu lalu lintas dan rambu" }).click();
    await screenshot(page, "10-phone-call-form");
    await page.getByLabel("Ringkasan aduan").press("Control+Enter");
    await page.waitForURL((u) => /#\/tickets\/\d+\/show$/.test(u.hash), { timeout: 10_000 });
    const heading = page.getByRole("heading", { level: 1 });
    await heading.waitFor();
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `recorded in ${elapsed} ms`);
    await page.getByTestId("ticket-description").getByText("simpang Jl. Ahmad Yani").waitFor();
    assert.match(await page.locator("main").innerText(), /Telepon/);
    await screenshot(page, "11-phone-call-ticket");

    const id = Number(/tickets\/(\d+)\/show/.exec(page.url())![1]);
    const m = t.database.db.manager;
    const ticket = await m.getRepository(Ticket).findOneByOrFail({ id });
    assert.equal(ticket.channel, "voice");
    assert.equal(ticket.status, "received");
    assert.equal(await heading.innerText(), ticket.number);
    assert.ok(ticket.categoryId, "categorised on the way in");
    const contact = await m.getRepository(Contact).findOneByOrFail({ id: ticket.contactId! });
    assert.equal(contact.phone, "+6281277773001");
    assert.ok((await m.getRepository(ContactIdentity).countBy({ contactId: contact.id })) >= 1);

    // A second call from the same number: the same citizen, whose page lists both tickets.
    await page.getByRole("menuitem", { name: "Catat aduan telepon" }).click();
    await page.getByLabel("Nomor penelepon").fill("+62 812-7777-3001");
    await page.getByLabel("Ringkasan aduan").fill("Menambahkan: lampu di simpang yang sama kini berkedip kuning terus.");
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.waitForURL((u) => /#\/tickets\/\d+\/show$/.test(u.hash) && !u.hash.includes(`/${id}/`), { timeout: 10_000 });
    const second = await m.getRepository(Ticket).findOneByOrFail({ id: Number(/tickets\/(\d+)\/show/.exec(page.url())![1]) });
    assert.equal(second.contactId, contact.id, "the same citizen");

    await page.getByRole("link", { name: "Riwayat tiket" }).click();
    // exact: the "Tiket … dibuat" notice of the second call may still be showing.
    await page.getByText(ticket.number, { exact: true }).waitFor();
    await page.getByText(second.number, { exact: true }).waitFor();
    assert.match(await page.getByTestId("identities").innerText(), /6281277773001/);
    await screenshot(page, "12-citizen-page");
  });

  it("the form refuses a call without a number or summary, and says why", async () => {
    const page = await (await c.browser.context()).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/create`);
    await page.getByLabel("Nomor penelepon").waitFor();
    const before = await t.database.db.manager.getRepository(Ticket).count();
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.getByText("Wajib diisi").first().waitFor();
    assert.equal(await t.database.db.manager.getRepository(Ticket).count(), before);
  });
});
