import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, launchBrowser, screenshot, type TestBrowser } from "../support/browser.js";
import { ensureConsoleBuilt, listen, signIn } from "../support/console.js";
import { Ticket } from "../../server/entities/index.js";

/**
 * Issue 5, acceptance 5: no console page without a session; an expired session lands on the
 * login page and, after signing in again, returns to where the user was.
 */
const [target] = await testTargets();
describe("console: sessions (acceptance 5)", { skip: browserSkip }, () => {
  let t: TestApp;
  let server: { url: string; close(): Promise<void> };
  let browser: TestBrowser;
  let ticket: Ticket;

  before(async () => {
    ensureConsoleBuilt();
    t = await startTestApp(target);
    server = await listen(t);
    browser = await launchBrowser();
    ticket = await t.database.db.manager.getRepository(Ticket).findOneOrFail({ where: { status: "received" }, order: { id: "ASC" } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it("serves the console at /console with a strict CSP; /console redirects to /console/", async () => {
    const res = await fetch(`${server.url}/console`, { redirect: "manual" });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/console/");
    const page = await fetch(`${server.url}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await page.text(), /<div id="root">/);
  });

  it("every console page without a session shows the login page and no data; signing in returns to the page asked for", async () => {
    // bypassCSP: only so that axe-core can be injected for the accessibility check.
    const page = await (await browser.context({ bypassCSP: true })).newPage();
    const ticketCalls: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/tickets") && r.status() === 200) ticketCalls.push(r.url());
    });
    for (const hash of ["#/tickets", "#/contacts", "#/overview", "#/tickets/create", `#/tickets/${ticket.id}/show`]) {
      await page.goto(`${server.url}/console/${hash}`);
      await page.waitForURL((u) => u.hash.startsWith("#/login"), { timeout: 15_000 });
      await page.getByRole("button", { name: "Masuk" }).waitFor();
    }
    assert.deepEqual(ticketCalls, [], "no ticket data reached the page");
    assert.equal(await page.getByText(ticket.number).count(), 0);
    await screenshot(page, "console-login");
    const violations = await axeViolations(page);
    assert.deepEqual(violations.filter((v) => v.impact === "critical" || v.impact === "serious"), [], JSON.stringify(violations));

    // The last page asked for was the ticket: after signing in, that is where the operator lands.
    await signIn(page, DEMO.operator);
    await page.waitForURL((u) => u.hash === `#/tickets/${ticket.id}/show`, { timeout: 15_000 });
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.close();
  });

  it("Bahasa Indonesia by default, with an English switch that is kept after signing in", async () => {
    const page = await (await browser.context()).newPage();
    await page.goto(`${server.url}/console/#/login`);
    await page.getByRole("button", { name: "Masuk" }).waitFor();
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await signIn(page, DEMO.operator);
    await page.getByRole("menuitem", { name: "Ticket queue" }).waitFor();
    await page.locator("thead").getByText("Number", { exact: true }).waitFor();
    await screenshot(page, "console-queue-english");
    await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await page.getByRole("menuitem", { name: "Antrean tiket" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "id");
    await page.close();
  });

  it("a session that expires while the operator works lands on the login page, then returns to that ticket", async () => {
    const page = await (await browser.context()).newPage();
    await page.goto(`${server.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${server.url}/console/#/tickets/${ticket.id}/show`);
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();

    // Idle past the limit (the server's clock): the next background refresh gets 401.
    t.clock.advance((t.config.sessionIdleMinutes + 1) * 60_000);
    await page.waitForURL((u) => u.hash.startsWith("#/login"), { timeout: 20_000 });
    await page.getByRole("button", { name: "Masuk" }).waitFor();
    assert.equal(await page.getByText(ticket.description.slice(0, 30)).count(), 0, "the ticket is gone from the screen");
    await screenshot(page, "console-session-expired");

    await signIn(page, DEMO.operator);
    await page.waitForURL((u) => u.hash === `#/tickets/${ticket.id}/show`, { timeout: 15_000 });
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.close();
  });
});
