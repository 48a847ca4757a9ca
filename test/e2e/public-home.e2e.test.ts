import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import { inflateSync } from "node:zlib";
import { testTargets, sqliteTarget } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { fillPublicPages, INDONESIAN_MONTHS, indonesianOnly, unescapeHtml } from "../support/public.js";
import { DEMO_PASSWORD, DEMO_USERS } from "../../server/demo/demo-data.js";
import { HOME_LABELS } from "../../server/http/public/home.js";
import { KINERJA_LABELS } from "../../server/http/public/performance-page.js";
import { LAYOUT_LABELS } from "../../server/http/public/layout.js";
import { DEMO_BRAND } from "../../server/http/public/brand.js";
import { loadConfig } from "../../server/config/env.js";
import { createApp } from "../../server/http/app.js";

const LINKS = ["/lapor", "/lacak", "/laporan", "/kinerja", "/console/"];
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => unescapeHtml(m[1]!));
const text = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, " "));

/** Issue 13: the front door at /, the favicon, the province's look, and every public page light. */
for (const target of await testTargets()) {
  describe(`public: the front door and the look of the public pages (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    let longReport = "";

    before(async () => {
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "f".repeat(48) } }).expect(201);
      ({ longReport } = await fillPublicPages(t));
    });
    after(() => t.close());

    it("GET / in Bahasa Indonesia links every public page and the console, and shows the demo logins", async () => {
      const res = await http().get("/");
      assert.equal(res.status, 200);
      assert.match(res.headers["content-type"], /text\/html/);
      assert.match(res.text, /<html lang="id">/);
      for (const href of LINKS) assert.ok(hrefs(res.text).includes(href), `a link to ${href}`);
      const body = text(res.text);
      for (const l of [HOME_LABELS.lapor, HOME_LABELS.lacak, HOME_LABELS.laporan, HOME_LABELS.kinerja, LAYOUT_LABELS.staff]) assert.ok(body.includes(l[0]), `says "${l[0]}"`);
      assert.ok(body.includes(DEMO_BRAND.id), "the demo province's name");
      // Demo mode: every demo login with its role, the password, and the citizen's phone.
      for (const u of DEMO_USERS) assert.ok(body.includes(u.email), u.email);
      assert.ok(body.includes(DEMO_PASSWORD));
      assert.ok(body.includes("Kepala OPD") && body.includes("Kepala pelaksana harian"), "roles by name");
      // No provider sandbox in this app (test/e2e/demo-sandbox.e2e.test.ts shows the link where it runs).
      assert.ok(!hrefs(res.text).includes("/demo/warga"), "no link to a citizen's phone that would be 404");
      assert.ok(!/<script/i.test(res.text), "no script");
      assert.match(res.headers["content-security-policy"], /default-src 'none'/);
      assert.equal(res.headers["x-frame-options"], "DENY");
      assert.match(res.headers["cache-control"], /public/);
    });

    it("GET /?lang=en is in English, with no Indonesian label left, and remembers the language", async () => {
      const res = await http().get("/?lang=en");
      assert.equal(res.status, 200);
      assert.match(res.text, /<html lang="en">/);
      for (const href of LINKS) assert.ok(hrefs(res.text).includes(href), `a link to ${href}`);
      const body = text(res.text);
      for (const l of [HOME_LABELS.lapor, HOME_LABELS.lacak, HOME_LABELS.laporan, HOME_LABELS.kinerja, LAYOUT_LABELS.staff]) assert.ok(body.includes(l[1]), `says "${l[1]}"`);
      assert.ok(body.includes(DEMO_BRAND.en));
      for (const id of indonesianOnly(HOME_LABELS, LAYOUT_LABELS)) assert.ok(!body.includes(id), `no "${id}" on the English page`);
      assert.match(String(res.headers["set-cookie"]), /aduan_lang=en/);
      assert.ok(hrefs(res.text).includes("/?lang=id"), "a switch back to Bahasa Indonesia");
    });

    it("/favicon.ico is an icon, and the logo and stylesheet carry the brand", async () => {
      const ico = await http().get("/favicon.ico").buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(ico.status, 200);
      assert.match(ico.headers["content-type"], /image\/x-icon/);
      const icon = ico.body as Buffer;
      assert.deepEqual([...icon.subarray(0, 6)], [0, 0, 1, 0, 1, 0], "an ICO with one image");
      const png = icon.subarray(icon.readUInt32LE(18));
      assert.equal(png.subarray(1, 4).toString(), "PNG");
      assert.equal(png.readUInt32BE(16), 32, "32 px wide");
      // The pixel in the middle of the top edge is the brand colour.
      const idat = png.indexOf("IDAT");
      const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
      const [r, g, b] = raw.subarray(1 + 3 * 129 + 16 * 4, 1 + 3 * 129 + 16 * 4 + 3);
      assert.equal(`#${[r, g, b].map((c) => c!.toString(16).padStart(2, "0")).join("")}`, DEMO_BRAND.color);
      const css = await http().get("/publik/aduan.css");
      assert.ok(css.text.includes(`--b:${DEMO_BRAND.color}`));
      const logo = await http().get("/publik/logo");
      assert.equal(logo.status, 200);
      assert.match(logo.headers["content-type"], /image\/svg\+xml/);
      assert.match(logo.headers["content-security-policy"], /default-src 'none'/);
    });

    it("every public page, HTML plus stylesheet and logo, weighs at most 60 kB", async () => {
      const css = Buffer.byteLength((await http().get("/publik/aduan.css")).text);
      const logo = (await http().get("/publik/logo")).body.length || 0;
      for (const lang of ["id", "en"]) {
        for (const url of ["/", "/lapor", "/lacak", "/laporan", "/kinerja", `/laporan/${longReport}`]) {
          const res = await http().get(`${url}${url.includes("?") ? "&" : "?"}lang=${lang}`);
          assert.equal(res.status, 200, url);
          const total = Buffer.byteLength(res.text) + css + logo;
          assert.ok(total <= 60 * 1024, `${url} (${lang}): ${total} bytes`);
          assert.ok(res.text.includes('href="/publik/aduan.css?v='), `${url} links the stylesheet by version`);
        }
      }
    });

    it("/kinerja in English: months and labels in English, a month picker of its own", async () => {
      const res = await http().get("/kinerja?bulan=2026-07&lang=en");
      assert.equal(res.status, 200);
      assert.match(res.text, /<select id="bulan" name="bulan"[^>]*>/);
      assert.ok(!/type="month"/.test(res.text), "not the browser's month input (its month names follow the browser's locale)");
      assert.match(res.text, /<option value="2026-07" selected>July 2026<\/option>/);
      const body = text(res.text);
      for (const m of INDONESIAN_MONTHS) assert.ok(!new RegExp(`\\b${m}\\b`).test(body), `no "${m}"`);
      for (const id of indonesianOnly(KINERJA_LABELS, LAYOUT_LABELS)) assert.ok(!body.includes(id), `no "${id}"`);
      const id = text((await http().get("/kinerja?bulan=2026-07&lang=id")).text);
      assert.ok(id.includes("Juli 2026") && id.includes("Juni 2026"), "Indonesian month names on the Indonesian page");
    });
  });
}

describe("public: a province's own look (PUBLIC_* settings)", () => {
  let t: TestApp;
  let dir = "";
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "aduan-brand-"));
    writeFileSync(join(dir, "logo.png"), Buffer.from("89504e470d0a1a0a", "hex"));
    const env = { PUBLIC_PROVINCE_NAME: "Pemerintah Provinsi Jawa Barat", PUBLIC_PROVINCE_NAME_EN: "West Java Provincial Government", PUBLIC_SERVICE_NAME: "LAPOR Jabar", PUBLIC_BRAND_COLOR: "#7A1F2B", PUBLIC_LOGO_FILE: join(dir, "logo.png") };
    const { brand } = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, ...env });
    t = await startTestApp(sqliteTarget, { brand, demoData: false });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the configured name, colour and logo, and no demo logins outside demo mode", async () => {
    const http = supertest(t.app);
    const id = await http.get("/");
    assert.ok(text(id.text).includes("Pemerintah Provinsi Jawa Barat"));
    assert.match(id.text, /<title>[^<]*— LAPOR Jabar<\/title>/);
    assert.ok(!text(id.text).includes(DEMO_PASSWORD) && !hrefs(id.text).includes("/demo/warga"), "no demo section");
    assert.ok(text((await http.get("/laporan?lang=en")).text).includes("West Java Provincial Government"));
    assert.ok((await http.get("/publik/aduan.css")).text.includes("--b:#7a1f2b"));
    const logo = await http.get("/publik/logo");
    assert.match(logo.headers["content-type"], /image\/png/);
  });

  it("refuses a colour too light for white text on it", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "test", DATA_DIR: dir, PUBLIC_BRAND_COLOR: "#ffcc00" }), /PUBLIC_BRAND_COLOR: is too light/);
    assert.throws(() => loadConfig({ NODE_ENV: "test", DATA_DIR: dir, PUBLIC_BRAND_COLOR: "red" }), /PUBLIC_BRAND_COLOR/);
  });

  it("refuses to start with a logo file that is missing, too large or of another type", () => {
    const withLogo = (logoFile: string) => () => createApp({ ...t.deps, config: { ...t.config, brand: { ...t.config.brand, logoFile } } });
    assert.throws(withLogo(join(dir, "missing.svg")), /ENOENT/);
    writeFileSync(join(dir, "big.png"), Buffer.alloc(65 * 1024));
    assert.throws(withLogo(join(dir, "big.png")), /PUBLIC_LOGO_FILE is larger than 64 kB/);
    writeFileSync(join(dir, "logo.gif"), "GIF89a");
    assert.throws(withLogo(join(dir, "logo.gif")), /PUBLIC_LOGO_FILE must be \.svg, \.png or \.webp/);
  });
});
