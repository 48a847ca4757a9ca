import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { BrowserContext, Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { recordTicket, verifyAndForward } from "../support/public.js";
import { setTicketLocation } from "../../server/commands/set-ticket-location.js";
import { Attachment, Message, PublicPhoto, Ticket, WallPhoto } from "../../server/entities/index.js";

/**
 * Issue 16, acceptance 2: the map renders with no network beyond the app itself. Every request the
 * browser makes to anything but 127.0.0.1/localhost is aborted AND fails the test; the map must
 * still show the province boundaries (SVG paths) and clustered markers of the seeded geolocated
 * tickets — on the console's map page, on the wall (kiosk role) and on /lapor's map pick, where a
 * point picked on the map ends up on the ticket. Screenshots are saved as test artifacts.
 */
const [target] = await testTargets();

/** 36 complaints around Palembang and Lubuklinggau (South Sumatra), some verified and forwarded. */
function seedPoints(): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < 24; i++) out.push([-2.95 - (i % 6) * 0.012, 104.72 + Math.floor(i / 6) * 0.015]);
  for (let i = 0; i < 12; i++) out.push([-3.28 - (i % 4) * 0.01, 102.85 + Math.floor(i / 4) * 0.012]);
  return out;
}

describe("the map without internet (acceptance 2)", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  const seeded = seedPoints();
  let open311Key = "";
  const photoTickets = {} as Record<"publik" | "rahasia", { id: number; attachmentId: number }>;
  /** Non-loopback requests attempted by any page of a context: each is aborted and fails the test. */
  const outside: string[] = [];
  const offline = async (ctx: BrowserContext) => {
    await ctx.route("**/*", (route) => {
      const url = route.request().url();
      const u = new URL(url);
      const local = u.protocol === "data:" || u.protocol === "blob:" || u.hostname === "127.0.0.1" || u.hostname === "localhost";
      if (local) return route.continue();
      outside.push(url);
      return route.abort("internetdisconnected");
    });
    return ctx;
  };
  /** CSP refusals and page errors: the map must work under the real policy, not a bypassed one. */
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (msg) => {
      // (The login page's first session check answers 401 before signing in: not a problem.)
      if ((msg.type() === "error" && !/status of 401/.test(msg.text())) || /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
    });
    page.on("pageerror", (err) => problems.push(String(err)));
    return page;
  };
  /** Markers shown: single points plus the counts on the cluster icons. */
  const shownMarkers = (page: Page) =>
    page.evaluate(() => {
      const clusters = [...document.querySelectorAll<HTMLElement>(".aduan-cluster [data-count]")].map((el) => Number(el.dataset.count));
      const singles = document.querySelectorAll(".aduan-point").length;
      return { clusters, singles, total: clusters.reduce((a, b) => a + b, 0) + singles };
    });
  /** Waits until the markers shown add up to n (a refresh after a live event re-draws the clusters). */
  const markersReach = (page: Page, n: number, timeout = 5000) =>
    page.waitForFunction(
      (want) => [...document.querySelectorAll<HTMLElement>(".aduan-cluster [data-count]")].reduce((a, el) => a + Number(el.dataset.count), 0) + document.querySelectorAll(".aduan-point").length === want,
      n,
      { timeout },
    );
  const provincePaths = (page: Page) => page.locator(".leaflet-overlay-pane svg path").count();

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const admin = await t.loginAs(DEMO.admin);
        await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "h".repeat(48) } }).expect(201);
        const operator = await t.loginAs(DEMO.operator);
        for (const [i, [lat, lng]] of seeded.entries()) {
          const tk = await recordTicket(operator, { description: `Aduan berkoordinat nomor ${i + 1}: jalan berlubang dan drainase tersumbat.`, privacy: "publik" });
          if (i % 3 === 0) await verifyAndForward(t, operator, tk.id);
          await t.database.db.tx(async (m) => setTicketLocation(m, await m.getRepository(Ticket).findOneByOrFail({ id: tk.id }), { latitude: lat, longitude: lng }));
          // One photo for the wall's photo panel.
          if (i === 0) {
            const storageKey = join("attachments", String(tk.id), "foto.jpg");
            await mkdir(join(t.config.dataDir, "attachments", String(tk.id)), { recursive: true });
            await writeFile(join(t.config.dataDir, storageKey), await sharp({ create: { width: 1200, height: 900, channels: 3, background: "#7a6a4f" } }).jpeg().toBuffer());
            const a = await t.database.db.manager.getRepository(Attachment).save({ ticketId: tk.id, messageId: null, fileName: "foto.jpg", mimeType: "image/jpeg", sizeBytes: 1, storageKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() });
            await operator.put(`/api/attachments/${a.id}/wall`).send({}).expect(200);
          }
        }
        // Two photos in conversations for the ticket page's "boleh tampil" action: a publik and a rahasia complaint.
        for (const privacy of ["publik", "rahasia"] as const) {
          const tk = await recordTicket(operator, { description: `Foto jalan ambles di depan sekolah (${privacy}).`, privacy });
          const msg = await t.database.db.manager.getRepository(Message).findOneByOrFail({ ticketId: tk.id, direction: "inbound" });
          const storageKey = join("attachments", String(tk.id), "foto.jpg");
          await mkdir(join(t.config.dataDir, "attachments", String(tk.id)), { recursive: true });
          await writeFile(join(t.config.dataDir, storageKey), await sharp({ create: { width: 800, height: 600, channels: 3, background: "#4f6a7a" } }).jpeg().toBuffer());
          const a = await t.database.db.manager.getRepository(Attachment).save({ ticketId: tk.id, messageId: msg.id, fileName: `foto-${privacy}.jpg`, mimeType: "image/jpeg", sizeBytes: 1, storageKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() });
          photoTickets[privacy] = { id: tk.id, attachmentId: a.id };
        }
        open311Key = (await admin.post("/api/open311-keys").send({ name: "Aplikasi lapangan" }).expect(201)).body.key;
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("the console's map page: province boundaries and clustered markers of every seeded ticket, nothing fetched from outside", async () => {
    const ctx = await offline(await c.browser.context({ viewport: { width: 1440, height: 900 } }));
    const page = watch(await ctx.newPage());
    const loaded: string[] = [];
    page.on("request", (r) => loaded.push(new URL(r.url()).pathname));
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.locator("tbody tr").first().waitFor(); // the operator's queue
    await page.waitForLoadState("networkidle");
    assert.deepEqual(loaded.filter((p) => /IncidentMap|leaflet|MapPage|provinsi\.json/i.test(p)), [], "the queue loads no map code or basemap");
    await page.getByRole("menuitem", { name: "Peta aduan" }).click();
    await page.locator('[data-testid="incident-map"][data-state="ready"]').waitFor({ timeout: 20_000 });
    await page.locator(".aduan-cluster").first().waitFor();
    assert.ok((await provincePaths(page)) >= 30, "the provinces are drawn as SVG paths");
    assert.ok(loaded.some((p) => /\/console\/assets\/IncidentMap-.*\.js$/.test(p)), "the map's own chunk, loaded with the map page");
    await markersReach(page, seeded.length); // every seeded ticket is on the map, in a cluster or alone
    const shown = await shownMarkers(page);
    assert.ok(shown.clusters.length >= 1, `clustered: ${JSON.stringify(shown)}`);
    assert.equal(shown.total, seeded.length);
    await page.getByTestId("map-legend").getByText("Di OPD").waitFor();
    await screenshot(page, "map-01-console-peta");
    assert.deepEqual(outside, [], "requests beyond the app");
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it("the wall's map and photo panels as the kiosk role (1920×1080, dark)", async () => {
    const ctx = await offline(await c.browser.context({ viewport: { width: 1920, height: 1080 } }));
    const page = watch(await ctx.newPage());
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, "layar@demo.aduan.id");
    await page.goto(`${c.url}/console/#/pusat-kendali?panels=map,photos`);
    const map = page.getByTestId("wall-panel-map");
    await map.locator('[data-testid="incident-map"][data-state="ready"]').waitFor({ timeout: 20_000 });
    await map.locator(".aduan-cluster").first().waitFor();
    assert.ok((await provincePaths(page)) >= 30);
    await markersReach(page, seeded.length);
    const photo = page.getByTestId("wall-photos").locator("figure").first();
    await photo.waitFor();
    const first = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ description: "Aduan berkoordinat nomor 1: jalan berlubang dan drainase tersumbat." });
    await photo.getByText(first.number).waitFor();
    assert.ok(await photo.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), "the photo's copy loads");
    await screenshot(page, "map-02-wall-map-photos-1920");

    // Live: a new complaint with coordinates (a partner's Open311 request) is on the map within 2 s, without a reload.
    const sent = Date.now();
    const res = await fetch(`${c.url}/open311/v2/requests.json`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ api_key: open311Key, service_code: "jalan-jembatan", lat: "-2.9101", long: "104.7402", description: "Jembatan penyeberangan retak di dekat sekolah.", email: "warga.live@example.id" }),
    });
    assert.equal(res.status, 201, await res.text());
    await markersReach(page, seeded.length + 1, 2000);
    const ms = Date.now() - sent;
    assert.ok(ms <= 2000, `on the map after ${ms} ms`);
    assert.deepEqual(outside, []);
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it("the ticket page: an operator marks a photo 'boleh tampil'; a rahasia complaint's photo cannot be marked", async () => {
    const ctx = await offline(await c.browser.context({ viewport: { width: 1280, height: 900 } }));
    const page = watch(await ctx.newPage());
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${c.url}/console/#/tickets/${photoTickets.publik.id}/show`);
    const toggle = page.getByTestId(`wall-toggle-${photoTickets.publik.attachmentId}`);
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    await page.getByText("Foto ditandai boleh tampil (salinan tanpa EXIF).").waitFor();
    await page.waitForFunction((id) => document.querySelector(`[data-testid="wall-toggle-${id}"]`)?.getAttribute("aria-pressed") === "true", photoTickets.publik.attachmentId);
    assert.equal(await t.database.db.manager.getRepository(WallPhoto).countBy({ attachmentId: photoTickets.publik.attachmentId }), 1);
    await screenshot(page, "map-04-ticket-photo-boleh-tampil");
    // The same photo approved for the public report page (issue 19, item 8).
    const pub = page.getByTestId(`public-toggle-${photoTickets.publik.attachmentId}`);
    assert.equal(await pub.getAttribute("aria-pressed"), "false");
    await pub.click();
    await page.getByText("Foto disetujui untuk laporan publik (salinan tanpa EXIF).").waitFor();
    await page.waitForFunction((id) => document.querySelector(`[data-testid="public-toggle-${id}"]`)?.getAttribute("aria-pressed") === "true", photoTickets.publik.attachmentId);
    assert.equal(await t.database.db.manager.getRepository(PublicPhoto).countBy({ attachmentId: photoTickets.publik.attachmentId }), 1);
    await page.goto(`${c.url}/console/#/tickets/${photoTickets.rahasia.id}/show`);
    const locked = page.getByTestId(`wall-toggle-${photoTickets.rahasia.attachmentId}`);
    await locked.waitFor();
    assert.ok(await locked.isDisabled(), "disabled for a rahasia complaint");
    assert.ok(await page.getByTestId(`public-toggle-${photoTickets.rahasia.attachmentId}`).isDisabled(), "never public for a rahasia complaint");
    assert.deepEqual(outside, []);
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it("/lapor: 'use my location' and a point picked on the map (loaded on demand) end up on the ticket; the form itself loads no map", async () => {
    const ctx = await offline(await c.browser.context({ viewport: { width: 390, height: 844 }, geolocation: { latitude: -2.9761, longitude: 104.7754 }, permissions: ["geolocation"] }));
    const page = watch(await ctx.newPage());
    const requested: string[] = [];
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${c.url}/lapor`);
    await page.getByRole("button", { name: "Pilih di peta" }).waitFor();
    assert.ok(!requested.some((p) => /leaflet|provinsi\.json/.test(p)), "Leaflet and the basemap load only when the map is opened");

    await page.getByRole("button", { name: "Gunakan lokasi saya" }).click();
    await page.waitForFunction(() => (document.getElementById("lat") as HTMLInputElement).value !== "");
    assert.equal(await page.locator("#lat").inputValue(), "-2.976100");
    assert.equal(await page.locator("#lng").inputValue(), "104.775400");

    await page.getByRole("button", { name: "Pilih di peta" }).click();
    const map = page.locator("#peta-lapor.leaflet-container");
    await map.waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#peta-lapor .leaflet-overlay-pane svg path").length >= 30);
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.6);
    await page.waitForFunction(() => (document.getElementById("lat") as HTMLInputElement).value !== "-2.976100");
    const lat = Number(await page.locator("#lat").inputValue());
    const lng = Number(await page.locator("#lng").inputValue());
    assert.ok(Math.abs(lat + 2.9761) < 0.5 && Math.abs(lng - 104.7754) < 0.5, `a point near the first one: ${lat}, ${lng}`);
    await page.getByText(/Titik dipilih:/).waitFor();
    await screenshot(page, "map-03-lapor-pick-390");

    await page.getByLabel(/Uraian aduan/).fill("Pohon tumbang menutup jalan di dekat jembatan, mohon segera dibersihkan.");
    await page.getByLabel("Nomor telepon").fill("081234567055");
    t.clock.advance(30_000); // the form's minimum fill time is the server's clock
    await page.getByRole("button", { name: "Kirim pengaduan" }).click();
    const number = (await page.locator("strong").filter({ hasText: /ADU-\d{4}-\d{5,}/ }).first().textContent())!;
    const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ number });
    assert.deepEqual([Number(ticket.latitude), Number(ticket.longitude)], [lat, lng], "the picked point is on the ticket");
    assert.deepEqual(outside, []);
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it("/lapor without JavaScript: the two optional fields carry the point", async () => {
    const ctx = await offline(await c.browser.context({ javaScriptEnabled: false }));
    const page = await ctx.newPage();
    await page.goto(`${c.url}/lapor`);
    assert.equal(await page.getByRole("button", { name: "Pilih di peta" }).count(), 0, "no map button without script");
    await page.getByLabel("Lintang").fill("-3.2945");
    await page.getByLabel("Bujur").fill("102.8614");
    await page.getByLabel(/Uraian aduan/).fill("Lampu jalan padam di depan pasar sejak tiga hari.");
    await page.getByLabel("Nomor telepon").fill("081234567056");
    t.clock.advance(30_000);
    await page.getByRole("button", { name: "Kirim pengaduan" }).click();
    const number = (await page.locator("strong").filter({ hasText: /ADU-\d{4}-\d{5,}/ }).first().textContent())!;
    const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ number });
    assert.deepEqual([Number(ticket.latitude), Number(ticket.longitude)], [-3.2945, 102.8614]);
    assert.deepEqual(outside, []);
    await ctx.close();
  });
});
