import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { answerAsHeadPU, categoryId, recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";
import { AuditEvent, TicketPublication } from "../../server/entities/index.js";

/**
 * Issue 14, acceptance 9: before publishing, the operator sees exactly what will be public, finds a
 * third person's name the masker could not know (highlighted as "maybe a name"), redacts it — one
 * word by clicking it, one by typing it — and approves. The public page, the feeds, the CSV and
 * Open311 then show the redacted version and not the name.
 */
const [target] = await testTargets();
describe("console: the publication preview (acceptance 9)", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticket: { id: number; number: string };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const operator = await t.loginAs(DEMO.operator);
        ticket = await recordTicket(operator, {
          subject: "Parkir liar menutup trotoar",
          description: "Mobil milik Sugiarto Wibisono selalu diparkir di trotoar Jl. Kenanga 12 sehingga pejalan kaki turun ke jalan raya.",
          categoryId: await categoryId(t, "jalan-jembatan"),
          caller: { name: "Rina Marlina", phone: "081234500078" },
        });
        await verifyAndForward(t, operator, ticket.id);
        await answerAsHeadPU(t, ticket.id, "Petugas kami sudah menegur Sugiarto Wibisono dan memasang rambu larangan parkir.");
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("the operator redacts a third person's name in the preview and approves; every public surface shows the redacted version", async () => {
    // bypassCSP: axe-core is injected as a script (the console's CSP would refuse it).
    const page = await (await c.browser.context({ bypassCSP: true, viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    const preview = page.getByTestId("publication-preview");
    await preview.getByRole("heading", { name: "Pratinjau publikasi" }).waitFor();
    const texts = preview.getByTestId("publication-texts");
    // The masker hid the reporter's name elsewhere; this name it could not know is highlighted.
    const sugiarto = texts.locator('[data-text="description"] mark[data-kind="name"]', { hasText: "Sugiarto" });
    await sugiarto.waitFor();
    assert.equal(await texts.locator('[data-text="description"] mark[data-kind="address"]').first().textContent(), "Jl. Kenanga 12");
    await screenshot(page, "40-publication-preview");
    const serious = (await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious");
    assert.deepEqual(serious, [], "the preview passes axe-core");

    // One word by clicking it, the other by typing it.
    await sugiarto.getByRole("button", { name: "Samarkan “Sugiarto”" }).click();
    await preview.getByTestId("redactions").getByText("Sugiarto", { exact: true }).waitFor();
    await page.getByLabel("Samarkan kata atau frasa").fill("Wibisono");
    await preview.getByRole("button", { name: "Samarkan", exact: true }).click();
    await preview.getByTestId("redactions").getByText("Wibisono", { exact: true }).waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="publication-texts"]');
      return !!el && !/Sugiarto|Wibisono/.test(el.textContent ?? "") && (el.textContent ?? "").includes("[disamarkan]");
    });
    const shown = (await texts.textContent()) ?? "";
    assert.match(shown, /Mobil milik \[disamarkan\] \[disamarkan\] selalu diparkir/);
    assert.match(shown, /sudah menegur \[disamarkan\] \[disamarkan\] dan memasang rambu/, "the OPD's answer too");

    await preview.getByRole("button", { name: "Setujui versi publik ini" }).click();
    await preview.getByTestId("publication-status").getByText(/Versi publik disetujui oleh/).waitFor();
    await screenshot(page, "41-publication-approved");
    assert.equal(await preview.getByRole("button", { name: "Setujui versi publik ini" }).isDisabled(), true, "nothing left to approve");

    const stored = await t.database.db.manager.getRepository(TicketPublication).findOneByOrFail({ ticketId: ticket.id });
    assert.equal(stored.description, shown.match(/Mobil milik[^]*?jalan raya\./)?.[0], "the approved version is exactly what the operator saw");
    assert.equal(await t.database.db.manager.getRepository(AuditEvent).countBy({ ticketId: ticket.id, type: "ticket.publication_approved" }), 1);

    // The public report page in the browser, then every other public surface.
    await page.goto(`${c.url}/laporan/${ticket.number}`);
    const publicText = (await page.locator("main").textContent()) ?? "";
    assert.match(publicText, /Mobil milik \[disamarkan\] \[disamarkan\] selalu diparkir/);
    assert.match(publicText, /sudah menegur \[disamarkan\] \[disamarkan\] dan memasang rambu/);
    assert.ok(!/Sugiarto|Wibisono/.test(publicText));
    await screenshot(page, "42-public-report-redacted");
    const http = supertest(t.app);
    for (const path of ["/laporan/feed.atom", "/laporan/feed.rss", "/laporan/data.csv", "/laporan/data.json", `/open311/v2/requests/${ticket.number}.json`, `/open311/v2/requests/${ticket.number}.xml`]) {
      const res = await http.get(path);
      assert.equal(res.status, 200, path);
      const body = unescapeHtml(res.text);
      assert.ok(body.includes(ticket.number), `${path} carries the report`);
      assert.ok(!/Sugiarto|Wibisono/i.test(body), `${path} still names the third person`);
      assert.ok(body.includes("[disamarkan]"), `${path} shows the redacted version`);
    }
  });
});
