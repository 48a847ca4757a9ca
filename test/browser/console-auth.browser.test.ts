import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Ticket } from "../../server/entities/index.js";

/**
 * Issue 5, acceptance 5: no console page without a session; an expired session lands on the
 * login page and, after signing in again, returns to where the user was.
 */
const [target] = await testTargets();
describe("console: sessions (acceptance 5)", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticket: Ticket;

  before(async () => {
    // Playwright's default viewport: these pages were never sized for the desk.
    c = await startConsole(target, { context: { viewport: { width: 1280, height: 720 } } });
    t = c.t;
    ticket = await t.database.db.manager.getRepository(Ticket).findOneOrFail({ where: { status: "received" }, order: { id: "ASC" } });
  });
  after(() => c?.close());

  it("serves the console at /console with a strict CSP; /console redirects to /console/", async () => {
    const res = await fetch(`${c.url}/console`, { redirect: "manual" });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/console/");
    const page = await fetch(`${c.url}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.match(await page.text(), /<div id="root">/);
  });

  it("every console page without a session shows the login page and no data; signing in returns to the page asked for", async () => {
    // bypassCSP: only so that axe-core can be injected for the accessibility check.
    const page = await c.page({ bypassCSP: true });
    const ticketCalls: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/tickets") && r.status() === 200) ticketCalls.push(r.url());
    });
    for (const hash of ["#/tickets", "#/contacts", "#/overview", "#/tickets/create", `#/tickets/${ticket.id}/show`]) {
      await page.goto(`${c.url}/console/${hash}`);
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
    const page = await c.page();
    await page.goto(`${c.url}/console/#/login`);
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
    const page = await c.signedIn(DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${ticket.id}/show`);
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

  it("the queue's sortable headers sort it and say which way; a click anywhere on a row opens that ticket", async () => {
    const page = await c.page();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.getByRole("button", { name: "Semua terbuka" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tbody tr").length > 2);
    const numbers = () => page.locator("tbody td.column-number").allInnerTexts();
    // The queue's own order (the SLA clock, soonest first) is the one the table says it has.
    assert.equal(await page.locator("th.column-dueAt").getAttribute("aria-sort"), "ascending");
    assert.equal(await page.locator("th.column-number").getAttribute("aria-sort"), "none");
    assert.equal(await page.locator("th.column-subject button").count(), 0, "a column the API cannot sort has no sort button");

    await page.locator("th.column-number").getByRole("button", { name: "Nomor" }).click();
    await page.waitForFunction(() => document.querySelector("th.column-number")?.getAttribute("aria-sort") === "ascending");
    await page.waitForURL((u) => u.hash.includes("sort=number"));
    // The header says so at once; the rows follow when the sorted page arrives.
    const sortedRows = (order: "asc" | "desc") =>
      page.waitForFunction((o) => {
        const n = [...document.querySelectorAll("tbody td.column-number")].map((td) => td.textContent ?? "");
        const s = [...n].sort();
        if (o === "desc") s.reverse();
        return n.length > 2 && n.every((x, i) => x === s[i]);
      }, order, { timeout: 10_000 });
    await sortedRows("asc");
    const ascending = await numbers();
    assert.ok(ascending.length > 2);
    assert.deepEqual(ascending, [...ascending].sort(), "ascending by number");
    assert.equal(await page.locator("th.column-dueAt").getAttribute("aria-sort"), "none");

    await page.locator("th.column-number").getByRole("button", { name: "Nomor" }).click();
    await page.waitForFunction(() => document.querySelector("th.column-number")?.getAttribute("aria-sort") === "descending");
    await sortedRows("desc");
    const descending = await numbers();
    assert.deepEqual(descending, [...descending].sort().reverse(), "descending by number");

    // A click on the subject (not the link) opens the row's ticket.
    const id = await page.locator("tbody tr").first().locator("td.column-number a").getAttribute("href");
    await page.locator("tbody tr").first().locator("td.column-subject").click();
    assert.match(id ?? "", /^#\/tickets\/\d+\/show$/);
    await page.waitForURL((u) => u.hash === id);
    await page.getByRole("heading", { level: 1, name: descending[0], exact: true }).waitFor();
    await page.close();
  });

  it("a signed-in browser fetches the first screen's data while the console loads, and uses exactly that; a signed-out one fetches nothing", async () => {
    const ctx = await c.browser.context();
    const signInPage = await ctx.newPage();
    await signInPage.goto(`${c.url}/console/#/login`);
    await signIn(signInPage, DEMO.operator);
    await signInPage.locator("tbody tr td.column-number").first().waitFor();
    await signInPage.close();

    type Boot = { issued: string[]; taken: string[]; left: string[] };
    const load = async (hash: string, visible: string) => {
      const page = await ctx.newPage();
      const requests: string[] = [];
      page.on("request", (r) => {
        const u = new URL(r.url());
        if (u.pathname.startsWith("/api/")) requests.push(`${u.pathname.slice(4)}${u.search}`);
      });
      await page.goto(`${c.url}/console/${hash}`);
      await page.locator(visible).first().waitFor();
      const boot = await page.evaluate(() => {
        const p = (window as unknown as { __aduanPrefetch?: { issued: string[]; taken: string[]; pending: Record<string, unknown> } }).__aduanPrefetch;
        return { issued: p?.issued ?? [], taken: p?.taken ?? [], left: Object.keys(p?.pending ?? {}) };
      });
      await page.close();
      return { boot: boot as Boot, requests };
    };

    // The queue: the session, the first page of open tickets (the queue's own sort, range and
    // filter) and the two name lists start before the app runs, and the app asks for each of them.
    const queue = await load("#/tickets", "tbody tr td.column-number");
    assert.ok(queue.boot.issued.includes("/auth/me"));
    const list = queue.boot.issued.find((p) => p.startsWith("/tickets?"));
    assert.ok(list, `the queue's first page is prefetched: ${queue.boot.issued.join(", ")}`);
    // An operator's queue opens on the new, unverified tickets (their clock is the shortest).
    assert.match(decodeURIComponent(list), /sort=\["dueAt","ASC"\]&range=\[0,24\]&filter=\{"isOpen":true,"status":"received"\}/);
    assert.deepEqual([...queue.boot.taken].sort(), [...queue.boot.issued].sort(), "every prefetched response was used");
    assert.deepEqual(queue.boot.left, []);
    for (const path of queue.boot.issued) assert.equal(queue.requests.filter((r) => r === path).length, 1, `${path} requested once`);

    // The ticket page: the ticket, its conversation and its attachments.
    const show = await load(`#/tickets/${ticket.id}/show`, '[data-testid="conversation"] li');
    assert.ok(show.boot.issued.includes(`/tickets/${ticket.id}`));
    assert.ok(show.boot.issued.some((p) => p.startsWith("/messages?")));
    assert.deepEqual([...show.boot.taken].sort(), [...show.boot.issued].sort());
    for (const path of show.boot.issued) assert.equal(show.requests.filter((r) => r === path).length, 1, `${path} requested once`);

    // Signed out: the hint is gone, nothing is fetched ahead, the login page shows.
    const page = await ctx.newPage();
    await page.goto(`${c.url}/console/#/tickets`);
    await page.locator("tbody tr td.column-number").first().waitFor();
    await page.getByRole("button", { name: "Operator Pusat Kendali" }).click();
    await page.getByRole("menuitem", { name: /Keluar|Logout/ }).click();
    await page.getByRole("button", { name: "Masuk" }).waitFor();
    await page.close();
    const out = await load("#/tickets", 'button[type="submit"]');
    assert.deepEqual(out.boot.issued, [], "no data is asked for without a session");
  });
});
