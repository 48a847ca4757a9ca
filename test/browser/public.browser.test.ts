import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { DEMO, type TestApp } from "../support/app.js";
import { sqliteTarget } from "../support/databases.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { answerAsHeadPU, openPublicSite, verifyAndForward } from "../support/public.js";
import { Ticket } from "../../server/entities/index.js";

/**
 * Issue 6, acceptance 1: in Chromium, a citizen submits the web form, gets a number and a link,
 * opens the tracking page and sees the timeline advance as the operator forwards and the OPD
 * answers; the same with JavaScript disabled; axe-core finds no violation on any public page.
 */
describe("public side in Chromium", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let base = "";

  before(async () => {
    c = await startConsole(sqliteTarget);
    ({ t, url: base } = c);
    await openPublicSite(c);
  });
  after(() => c?.close());

  /** Our CSP forbids injected scripts, so axe runs with CSP bypassed; without JS, on a copy of the page's HTML in a JS-enabled page of the same origin. */
  let axePage: Page | null = null;
  async function noViolations(page: Page, name: string) {
    let target = page;
    if (name.startsWith("nojs")) {
      axePage ??= await (await c.browser.context({ bypassCSP: true })).newPage();
      await axePage.goto(`${base}/publik/aduan.css`);
      await axePage.setContent(await page.content(), { waitUntil: "load" });
      target = axePage;
    }
    const v = await axeViolations(target);
    if (v.length) await screenshot(page, `axe-${name}`);
    assert.deepEqual(v, [], `axe on ${name}: ${JSON.stringify(v, null, 1)}`);
  }

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? "js" : "nojs";
    it(`a citizen reports, then follows the case to its answer (${javaScriptEnabled ? "JavaScript on" : "JavaScript off"})`, async () => {
      const ctx = await c.browser.context({ javaScriptEnabled, bypassCSP: javaScriptEnabled });
      const page = await ctx.newPage();
      const bytes: number[] = [];
      page.on("response", async (r) => {
        try {
          bytes.push((await r.body()).length);
        } catch {
          /* redirects have no body */
        }
      });

      await page.goto(`${base}/lapor`);
      await noViolations(page, `${mode}-lapor`);
      await page.selectOption("#k", "jalan-jembatan");
      await page.fill("#u", `Jalan berlubang besar di depan SD Negeri 3 Cibeunying (${mode}), membahayakan pengendara.`);
      await page.fill("#l", "Jl. Cibeunying Kaler");
      await page.check("#p-publik");
      await page.fill("#n", "Rina Marlina");
      await page.fill("#t", javaScriptEnabled ? "0812 3456 7001" : "0813 5555 7002");
      t.clock.advance(30_000); // a person takes a while to fill the form
      await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
      const done = await page.textContent("main");
      const number = /ADU-\d{4}-\d{5,}/.exec(done ?? "")?.[0];
      assert.ok(number, `a ticket number on the answer page: ${done}`);
      await noViolations(page, `${mode}-lapor-done`);
      await screenshot(page, `${mode}-lapor-done`);

      await page.click(`a[href*="/lacak/${number}?k="]`);
      await page.waitForURL(`${base}/lacak/${number}`);
      assert.match((await page.textContent("main")) ?? "", /Pengaduan diterima/);
      assert.match((await page.textContent(".note")) ?? "", /verifikasi dan penerusan ke OPD, paling lambat/);
      await noViolations(page, `${mode}-lacak-received`);

      const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ number });
      const operator = await t.loginAs(DEMO.operator);
      await verifyAndForward(t, operator, ticket.id);
      await page.reload();
      assert.match((await page.textContent("main")) ?? "", /Diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang/);
      assert.match((await page.textContent(".note")) ?? "", /tindak lanjut oleh Dinas Pekerjaan Umum/);

      await answerAsHeadPU(t, ticket.id, "Lubang sudah ditambal oleh UPT Jalan wilayah timur.");
      await page.reload();
      assert.match((await page.textContent("main")) ?? "", /Tanggapan dari Dinas Pekerjaan Umum[\s\S]*Lubang sudah ditambal/);
      await noViolations(page, `${mode}-lacak-answered`);
      await screenshot(page, `${mode}-lacak-answered`);

      await Promise.all([page.waitForLoadState("load"), page.click("text=Ya, sudah selesai")]);
      assert.match((await page.textContent("[role=status]")) ?? "", /Terima kasih atas konfirmasinya/);
      await page.check("#nilai-5");
      await page.fill("#komentar", "Cepat dan jelas.");
      await Promise.all([page.waitForLoadState("load"), page.click("text=Kirim penilaian")]);
      assert.match((await page.textContent("main")) ?? "", /Anda memberi nilai 5\/5/);
      await noViolations(page, `${mode}-lacak-rated`);

      await page.goto(`${base}/laporan`);
      await noViolations(page, `${mode}-laporan`);
      await page.click(`a[href="/laporan/${number}"]`);
      assert.match((await page.textContent("main")) ?? "", /Lubang sudah ditambal/);
      assert.doesNotMatch((await page.content()) ?? "", /Rina|Marlina|3456 7001|5555 7002/);
      await noViolations(page, `${mode}-laporan-one`);

      await page.goto(`${base}/laporan?kategori=jalan-jembatan&status=resolved`);
      assert.ok((await page.content()).includes(number));
      await page.click("text=English");
      assert.equal(await page.getAttribute("html", "lang"), "en");
      await noViolations(page, `${mode}-laporan-en`);
      await page.goto(`${base}/kinerja?lang=id`);
      await noViolations(page, `${mode}-kinerja`);
      await screenshot(page, `${mode}-kinerja`);
      await page.goto(`${base}/lacak`);
      await noViolations(page, `${mode}-lacak-start`);
      await page.fill("#nomor", "ADU-2611-99999");
      await Promise.all([page.waitForLoadState("load"), page.click("text=Kirim kode")]);
      assert.match((await page.textContent("[role=status]")) ?? "", /kode sekali pakai telah dikirim/);
      await noViolations(page, `${mode}-lacak-code`);
      await page.goto(`${base}/laporan/ADU-2611-99999`);
      await noViolations(page, `${mode}-laporan-404`);
      assert.ok(bytes.every((b) => b <= 60 * 1024), `every response ≤ 60 kB: ${Math.max(...bytes)}`);
      await ctx.close();
    });
  }
});
