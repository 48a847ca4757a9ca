import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { DEMO, type TestApp } from "../support/app.js";
import { sqliteTarget } from "../support/databases.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { fillPublicPages, INDONESIAN_MONTHS, indonesianOnly, openPublicSite } from "../support/public.js";
import { KINERJA_LABELS } from "../../server/http/public/performance-page.js";
import { LAYOUT_LABELS } from "../../server/http/public/layout.js";
import { HOME_LABELS } from "../../server/http/public/home.js";

/**
 * Issue 13, acceptance 2 and 7: the front door passes axe and works without JavaScript; on a
 * 360×740 phone no public page scrolls sideways (with every demo OPD on /kinerja and a report with
 * a very long answer); screenshots of each; the English /kinerja holds no Indonesian month or label.
 */
describe("public pages on a 360-px phone, and the front door", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let base = "";
  let longReport = "";
  const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

  before(async () => {
    c = await startConsole(sqliteTarget);
    ({ t, url: base } = c);
    await openPublicSite(c);
    ({ longReport } = await fillPublicPages(t));
  });
  after(() => c?.close());

  async function noViolations(page: Page, name: string) {
    const v = await axeViolations(page);
    if (v.length) await screenshot(page, `axe-${name}`);
    assert.deepEqual(v, [], `axe on ${name}: ${JSON.stringify(v, null, 1)}`);
  }
  const overflow = (page: Page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));

  it("no public page scrolls sideways at 360×740, in either language; screenshots of each", async () => {
    const ctx: BrowserContext = await c.browser.context({ ...phone, bypassCSP: true });
    const page = await ctx.newPage();
    const pages: [string, string][] = [
      ["home", "/"],
      ["lapor", "/lapor"],
      ["lacak", "/lacak"],
      ["laporan", "/laporan"],
      ["kinerja", "/kinerja"],
      ["laporan-long-answer", `/laporan/${longReport}`],
    ];
    for (const lang of ["id", "en"] as const) {
      for (const [name, path] of pages) {
        await page.goto(`${base}${path}?lang=${lang}`);
        assert.equal(await page.getAttribute("html", "lang"), lang);
        const { scroll, inner } = await overflow(page);
        await screenshot(page, `mobile-360-${name}-${lang}`);
        assert.ok(scroll <= inner, `${path} (${lang}) scrolls sideways: scrollWidth ${scroll} > innerWidth ${inner}`);
        await noViolations(page, `mobile-${name}-${lang}`);
      }
    }
    // The long answer is all there, wrapped, not cut.
    await page.goto(`${base}/laporan/${longReport}?lang=id`);
    assert.match((await page.textContent("main")) ?? "", /PEMELIHARAANJALANPROVINSIPEMELIHARAAN[\s\S]*Tahap 12/);
    // /kinerja: every demo OPD is a card of its own, as wide as the screen at most.
    await page.goto(`${base}/kinerja?lang=id`);
    const cards = await page.$$eval("table.cards tbody tr", (rows) => rows.map((r) => r.getBoundingClientRect().right));
    assert.ok(cards.length >= 7, `a card per demo OPD: ${cards.length}`);
    assert.ok(cards.every((right) => right <= 360));
    await ctx.close();
  });

  it("with ?lang=en no Indonesian month name or label remains on /kinerja (page text, picker, card labels)", async () => {
    const ctx = await c.browser.context({ ...phone });
    const page = await ctx.newPage();
    await page.goto(`${base}/kinerja?lang=en`);
    const shown = await page.evaluate(() => {
      const labels = [...document.querySelectorAll("[data-label]")].map((e) => e.getAttribute("data-label"));
      const options = [...document.querySelectorAll("option")].map((o) => o.textContent);
      return [document.body.innerText, document.title, ...labels, ...options].join("\n");
    });
    assert.match(shown, /Agency performance — November 2026/);
    assert.match(shown, /October 2026/, "the picker's months in English");
    for (const m of INDONESIAN_MONTHS) assert.doesNotMatch(shown, new RegExp(`\\b${m}\\b`), `no "${m}"`);
    for (const id of indonesianOnly(KINERJA_LABELS, LAYOUT_LABELS)) assert.ok(!shown.includes(id), `no "${id}"`);
    // The picker works without the browser's own (locale-bound) month input.
    await page.selectOption("#bulan", "2026-07");
    await Promise.all([page.waitForURL(/bulan=2026-07/), page.click("button[type=submit]")]);
    assert.match((await page.textContent("h1")) ?? "", /July 2026/);
    await ctx.close();
  });

  it("in dark mode too, axe finds nothing on the phone's pages", async () => {
    const ctx = await c.browser.context({ ...phone, colorScheme: "dark", bypassCSP: true });
    const page = await ctx.newPage();
    for (const path of ["/", "/lapor", "/laporan", "/kinerja", `/laporan/${longReport}`]) {
      await page.goto(`${base}${path}`);
      await noViolations(page, `dark${path.replace(/\//g, "-")}`);
    }
    await screenshot(page, "mobile-360-dark-laporan-long-answer-id");
    await ctx.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`the front door: axe finds nothing, and its links work (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const ctx = await c.browser.context({ javaScriptEnabled, bypassCSP: javaScriptEnabled, viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      assert.equal(await page.getAttribute("html", "lang"), "id");
      if (javaScriptEnabled) {
        await noViolations(page, "home-desktop");
        await screenshot(page, "desktop-home-id");
      } else {
        // axe needs script: check a copy of the very HTML the no-JS page got.
        const axeCtx = await c.browser.context({ bypassCSP: true });
        const axePage = await axeCtx.newPage();
        await axePage.goto(`${base}/publik/aduan.css`);
        await axePage.setContent(await page.content(), { waitUntil: "load" });
        await noViolations(axePage, "home-nojs");
      }
      await Promise.all([page.waitForURL(`${base}/lacak`), page.click(`text=${HOME_LABELS.lacak[0]}`)]);
      await page.goto(`${base}/`);
      await Promise.all([page.waitForURL(/lang=en/), page.click("text=English")]);
      assert.equal(await page.getAttribute("html", "lang"), "en");
      assert.match((await page.textContent("main")) ?? "", new RegExp(HOME_LABELS.lapor[1]));
      if (javaScriptEnabled) await noViolations(page, "home-desktop-en");
      await Promise.all([page.waitForURL(`${base}/kinerja`), page.click(`.tiles >> text=${HOME_LABELS.kinerja[1]}`)]);
      assert.match((await page.textContent("h1")) ?? "", /Agency performance/, "the language is remembered");
      if (javaScriptEnabled) await screenshot(page, "desktop-kinerja-en");
      const favicon = await page.request.get(`${base}/favicon.ico`);
      assert.equal(favicon.status(), 200);
      await ctx.close();
    });
  }
});
