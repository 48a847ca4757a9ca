import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Agency, Category, Forward, Ticket } from "../../server/entities/index.js";

/**
 * Issue 19, item 2: the operator sees where the routing model would send a ticket, with its
 * confidence, on the page where they verify and forward; one click puts the ticket in the
 * suggested category, one click opens the disposisi with the suggested OPD chosen.
 */
const [target] = await testTargets();
describe("console: routing suggestions", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticket: { id: number; number: string };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const operator = await t.loginAs(DEMO.operator);
        const res = await operator.post("/api/tickets").send({ channel: "voice", description: "sampah di tps pasar lemabang gk diangkut udh seminggu, baunya sampe ke rumah warga, lalat bnyk", caller: { name: "Pak Darmawan", phone: "0812-9988-7766" } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        ticket = res.body;
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("shows categories and OPDs with confidence; applies the category and forwards to the suggested OPD on click", async () => {
    const m = t.database.db.manager;
    const sampah = await m.getRepository(Category).findOneByOrFail({ code: "sampah" });
    const dlh = await m.getRepository(Agency).findOneByOrFail({ code: "DLH" });
    // bypassCSP: only so that axe-core can be injected for the accessibility check.
    const page = await (await c.browser.context({ bypassCSP: true, viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();

    const panel = page.getByTestId("routing-suggestions");
    await panel.getByRole("heading", { name: "Saran rute" }).waitFor();
    const first = panel.locator("[data-category]").first();
    await first.waitFor();
    assert.equal(await first.getAttribute("data-category"), "sampah");
    assert.equal(await panel.locator("[data-category]").count(), 3);
    await first.getByText("Sampah dan kebersihan").waitFor();
    await first.getByText(/keyakinan \d+%/).waitFor();
    assert.equal(await panel.locator("[data-agency]").first().getAttribute("data-agency"), "DLH");
    await panel.getByText("Verifikasi tiket dulu untuk mendisposisikan.").waitFor();
    assert.deepEqual((await axeViolations(page)).filter((v) => v.targets.some((x) => x.includes("routing"))), []);
    await screenshot(page, "60-routing-suggestions");

    // One click: the suggested category.
    await first.getByRole("button", { name: /Pakai kategori/ }).click();
    await first.getByText("Kategori tiket").waitFor();
    assert.equal((await m.getRepository(Ticket).findOneByOrFail({ id: ticket.id })).categoryId, sampah.id);

    // Verify, then one click opens the disposisi with the suggested OPD chosen.
    await page.getByRole("button", { name: "Verifikasi", exact: true }).click();
    const forward = panel.locator('[data-agency="DLH"]').getByRole("button", { name: /Disposisikan/ });
    await forward.waitFor();
    await forward.click();
    const dialog = page.getByRole("dialog");
    assert.equal(await dialog.getByTestId("routing-forward-agency").textContent(), dlh.name);
    await screenshot(page, "61-routing-forward");
    await dialog.getByRole("button", { name: /Konfirmasi|Confirm/ }).click();
    await panel.waitFor({ state: "detached" });

    const after = await m.getRepository(Ticket).findOneByOrFail({ id: ticket.id });
    assert.equal(after.status, "forwarded");
    const forwards = await m.getRepository(Forward).findBy({ ticketId: ticket.id });
    assert.deepEqual(forwards.map((f) => f.agencyId), [dlh.id]);
    assert.match(forwards[0]!.instruction, /Mohon ditindaklanjuti/);
  });
});
