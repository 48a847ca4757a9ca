import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS_DIR, axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Forward } from "../../server/entities/index.js";

/**
 * Issue 16, item 7 and acceptance 7: the head of an OPD on a phone (390×844, Chromium, touch).
 * The inbox is a list of cards, the ticket page one column with the main actions in a bar at the
 * bottom (where the thumb is); the head acknowledges and answers, and no screen (nor the answer
 * dialog) scrolls sideways: document.documentElement.scrollWidth ≤ window.innerWidth on each.
 * The OPD, its head and the ticket are made by this test through the API's commands; the ticket
 * carries the long unbroken texts that push layouts wide (a NIK, a URL, a long address).
 */
const VIEWPORT = { width: 390, height: 844 };
const PASSWORD = "kepala-seluler-2026!";
const [target] = await testTargets();

describe("console: the OPD inbox on a phone", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticket: { id: number; number: string };
  const head = { email: "kepala.seluler@uji.aduan.id", name: "Kepala Dinas Uji Seluler" };

  /** The horizontal-scroll check of acceptance 7, naming the widest elements when it fails. */
  const noSideways = async (page: Page, screen: string) => {
    const m = await page.evaluate(() => {
      const vw = window.innerWidth;
      const wide = [...document.querySelectorAll("body *")]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.right > vw + 0.5 && r.width > 0)
        .slice(0, 5)
        .map(({ el, r }) => `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className).slice(0, 60)} right=${Math.round(r.right)}`);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wide };
    });
    assert.ok(m.scrollWidth <= m.innerWidth, `${screen}: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; too wide: ${m.wide.join(" | ")}`);
  };

  /** What the phone's screen shows (the page's full length is the shared helper's fullPage shot). */
  const screen = async (page: Page, name: string) => {
    const dir = join(ARTIFACTS_DIR, "screenshots");
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`) });
  };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const admin = await t.loginAs(DEMO.admin);
        const agency = await admin.post("/api/agencies").send({ code: "DUS", name: "Dinas Uji Seluler Provinsi", shortName: "Dinas Uji Seluler" });
        assert.equal(agency.status, 201, JSON.stringify(agency.body));
        const user = await admin.post("/api/users").send({ ...head, role: "opd_head", agencyId: agency.body.id, password: PASSWORD });
        assert.equal(user.status, 201, JSON.stringify(user.body));

        const operator = await t.loginAs(DEMO.operator);
        const created = await operator.post("/api/tickets").send({
          channel: "whatsapp",
          subject: "Saluran air tersumbat di Perumahan Griya Permai Blok C nomor 12",
          description:
            "Saluran air di depan rumah tersumbat sejak seminggu, air meluap ke jalan. NIK pelapor 1671012345678901, foto di https://contoh.example.id/unggahan/2026/12/06/saluran-air-tersumbat-perumahan-griya-permai-blok-c-nomor-12.jpg " +
            "KelurahanTalangKelapaKecamatanAlangAlangLebarKotaPalembangSumateraSelatan",
          locationText: "Jl.Perumahan-Griya-Permai-Blok-C-No-12-RT-005-RW-002-Talang-Kelapa-Alang-Alang-Lebar",
          caller: { name: "Siti Aminah", phone: "081234598765" },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        ticket = created.body;
        assert.equal((await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "verify" })).status, 200);
        const fwd = await operator.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "forward", agencyIds: [agency.body.id], instruction: "Mohon segera dibersihkan; laporkan hasilnya dengan foto (nomor aset SAL-1671-0000123456789)." });
        assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("acceptance 7: at 390×844 the head opens the inbox (cards), a ticket (one column), acknowledges and answers by thumb, and no screen scrolls sideways", async () => {
    // bypassCSP: only so that axe-core can be injected for the accessibility checks.
    const ctx = await c.browser.context({ viewport: VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    const accessible = async (page: Page, screen: string) => {
      const serious = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
      assert.deepEqual(serious, [], `${screen}: ${JSON.stringify(serious, null, 1)}`);
    };
    const page = await ctx.newPage();
    await page.goto(`${c.url}/console/#/login`);
    await noSideways(page, "login");
    await signIn(page, head.email, PASSWORD);

    // The inbox: cards, not a table.
    const card = page.getByTestId("ticket-card").filter({ hasText: ticket.number });
    await card.waitFor();
    assert.equal(await page.locator("table").count(), 0, "no table on a phone");
    await noSideways(page, "inbox");
    await accessible(page, "inbox");
    await screen(page, "16-7-opd-mobile-1-inbox");

    // The ticket: one column, the main actions in a bar at the bottom of the screen.
    await card.getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: ticket.number, exact: true }).waitFor();
    await page.getByTestId("ticket-description").waitFor();
    await noSideways(page, "ticket");
    await accessible(page, "ticket");
    const bar = page.getByTestId("thumb-bar");
    const acknowledge = bar.getByRole("button", { name: "Terima disposisi" });
    const box = await acknowledge.boundingBox();
    assert.ok(box && box.y + box.height <= VIEWPORT.height && box.y >= VIEWPORT.height * 0.8, `acknowledge in the bottom fifth of the screen: ${JSON.stringify(box)}`);
    // Long unbroken texts wrap instead of being cut off at the card's edge.
    const clipped = await page.getByTestId("ticket-description").evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(clipped <= 0, `the description is ${clipped} px wider than its box`);
    await screen(page, "16-7-opd-mobile-2-ticket");
    await screenshot(page, "16-7-opd-mobile-2-ticket-full");

    await acknowledge.tap();
    await bar.getByRole("button", { name: "Terima disposisi" }).waitFor({ state: "detached" });
    const f = await t.database.db.manager.getRepository(Forward).findOneByOrFail({ ticketId: ticket.id });
    assert.equal(f.status, "acknowledged");
    await noSideways(page, "ticket after acknowledging");

    // The answer: the dialog takes the whole screen.
    const answer = bar.getByRole("button", { name: "Kirim tanggapan resmi" });
    const answerBox = await answer.boundingBox();
    assert.ok(answerBox && answerBox.y >= VIEWPORT.height * 0.8, `answer in the bottom fifth: ${JSON.stringify(answerBox)}`);
    await answer.tap();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Tanggapan").fill("Saluran sudah dibersihkan oleh UPTD Drainase pada 6 Desember 2026; nomor berita acara BA/DUS/2026/12/0000123456789.");
    await noSideways(page, "answer dialog");
    const dlg = await dialog.boundingBox();
    assert.ok(dlg && dlg.width <= VIEWPORT.width, `dialog fits: ${JSON.stringify(dlg)}`);
    const confirm = dialog.getByRole("button", { name: "Konfirmasi" });
    const confirmBox = await confirm.boundingBox();
    assert.ok(confirmBox && confirmBox.y >= VIEWPORT.height * 0.8, `confirm in the bottom fifth: ${JSON.stringify(confirmBox)}`);
    await screen(page, "16-7-opd-mobile-3-answer-dialog");
    await confirm.tap();
    await page.locator('[data-forward-status="answered"]').waitFor();
    await noSideways(page, "ticket after answering");
    await screen(page, "16-7-opd-mobile-4-answered");
    assert.equal((await t.database.db.manager.getRepository(Forward).findOneByOrFail({ ticketId: ticket.id })).status, "answered");

    // Back in the inbox (the menu is a drawer on a phone): still no sideways scroll.
    await page.goto(`${c.url}/console/#/tickets`);
    await page.getByTestId("ticket-cards").or(page.getByText("Antrean kosong")).first().waitFor();
    await noSideways(page, "inbox after answering");
    await page.getByRole("button", { name: /menu/i }).first().tap();
    await noSideways(page, "menu drawer");
    await screen(page, "16-7-opd-mobile-5-menu");
    await ctx.close();
  });
});
