import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { fillPublicPages } from "../support/public.js";

/**
 * Issue 16, item 4: the console's Laporan screen in Chromium — filters, figures, an ECharts chart
 * (loaded only on this screen: the operator's queue never downloads ECharts), export links, the
 * OPD head's own OPD only, no serious axe violation.
 */
const [target] = await testTargets();
describe("console: the Laporan screen", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  const newPage = async () => (await c.browser.context({ bypassCSP: true, viewport: { width: 1440, height: 1000 } })).newPage();
  const login = async (page: Page, email: string) => {
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, email);
  };
  const chunks = (page: Page) => {
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    return urls;
  };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        await fillPublicPages(t); // forwards to every OPD in November 2026, some answered and rated
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("shows a supervisor the province's month with charts and export links", async () => {
    const page = await newPage();
    const requests = chunks(page);
    await login(page, DEMO.supervisor);
    await page.getByRole("menuitem", { name: "Laporan" }).click();
    await page.getByRole("heading", { level: 1, name: "Laporan pengaduan" }).waitFor();
    await page.getByLabel("Bulan", { exact: true }).fill("2026-11");
    await page.getByRole("heading", { name: /Seluruh OPD \(provinsi\) — November 2026/ }).waitFor();
    await page.locator('[role="img"][aria-label="Disposisi dan tindak lanjut"] svg').first().waitFor();
    assert.ok(requests.some((u) => /\/assets\/echarts-[^/]+\.js$/.test(u)), "ECharts is fetched for the charts");
    const pdf = await page.getByRole("link", { name: "Unduh PDF" }).getAttribute("href");
    assert.equal(pdf, "/api/reports/agency-month?month=2026-11&period=month&format=pdf");
    // One OPD, one quarter: the figures follow the filters.
    await page.getByLabel("OPD").click();
    await page.getByRole("option", { name: "Dinas Pekerjaan Umum dan Penataan Ruang" }).click();
    await page.getByLabel("Periode").click();
    await page.getByRole("option", { name: "Triwulan" }).click();
    await page.getByRole("heading", { name: /Dinas Pekerjaan Umum dan Penataan Ruang — Triwulan IV 2026/ }).waitFor();
    const xlsx = await page.getByRole("link", { name: "Unduh XLSX" }).getAttribute("href");
    assert.match(xlsx!, /agencyId=\d+/);
    assert.match(xlsx!, /period=quarter&.*format=xlsx$/);
    const res = await page.request.get(`${c.url}${xlsx}`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const serious = (await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious");
    assert.deepEqual(serious, []);
    await screenshot(page, "console-laporan-supervisor");
  });

  it("gives an OPD head their own OPD only, and the operator's queue never loads ECharts", async () => {
    const page = await newPage();
    await login(page, DEMO.headPU);
    await page.getByRole("menuitem", { name: "Laporan" }).click();
    await page.getByLabel("Bulan", { exact: true }).fill("2026-11");
    await page.getByRole("heading", { name: /Dinas Pekerjaan Umum dan Penataan Ruang — November 2026/ }).waitFor();
    assert.equal(await page.getByLabel("OPD").count(), 0, "no OPD choice for an OPD head");
    await screenshot(page, "console-laporan-opd-head");

    const op = await newPage();
    const requests = chunks(op);
    await login(op, DEMO.operator);
    await op.getByRole("menuitem", { name: "Antrean tiket" }).waitFor();
    await op.waitForLoadState("networkidle");
    assert.equal(await op.getByRole("menuitem", { name: "Laporan" }).count(), 0, "no Laporan for operators");
    assert.ok(!requests.some((u) => /echarts|ReportsPage/.test(u)), "the queue loads no chart library");
  });
});
