import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { XMLParser } from "fast-xml-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { testTargets } from "../support/databases.js";
import { createApp } from "../../server/http/app.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { answerAsHeadPU, categoryId, recordTicket, verifyAndForward } from "../support/public.js";

/** Issue 6: /laporan — list with filters and paging, a page per report, RSS/Atom, CSV/JSON, HTTP caching. */
for (const target of await testTargets()) {
  describe(`public: reports /laporan (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    const numbers: string[] = [];
    const ids: number[] = [];
    let health = "";
    /** Published demo tickets already there. */
    let baseline = 0;

    before(async () => {
      t = await startTestApp(target);
      baseline = (await http().get("/laporan/data.json")).body.count;
      const operator = await t.loginAs(DEMO.operator);
      const road = await categoryId(t, "jalan-jembatan");
      const clinic = await categoryId(t, "layanan-kesehatan");
      for (let i = 0; i < 23; i++) {
        const tk = await recordTicket(operator, { description: `Jembatan kayu nomor ${i} di desa Sukamaju lapuk.`, categoryId: road, caller: { phone: `08123400${String(i).padStart(4, "0")}` } });
        await verifyAndForward(t, operator, tk.id);
        numbers.push(tk.number);
        ids.push(tk.id);
        t.clock.advance(60_000);
      }
      const h = await recordTicket(operator, { description: "Obat di puskesmas Cempaka sering habis.", categoryId: clinic, caller: { phone: "081299990000" } });
      await verifyAndForward(t, operator, h.id, "DINKES");
      health = h.number;
      await answerAsHeadPU(t, ids[0]!, "Jembatan akan diganti bulan depan.");
    });
    after(() => t.close());

    it("lists newest first in pages of 20 with an older-page link, and filters by category, OPD, status and period", async () => {
      const all = await http().get("/laporan");
      assert.equal(all.status, 200);
      assert.ok(all.text.indexOf(health) < all.text.indexOf(numbers[22]!), "newest first");
      const first = await http().get("/laporan?q=sukamaju");
      assert.equal((first.text.match(/<article class="report">/g) ?? []).length, 20);
      const older = /href="(\/laporan\?q=sukamaju&#38;sebelum=\d+)"/.exec(first.text)?.[1];
      assert.ok(older);
      const second = await http().get(older.replace("&#38;", "&"));
      const rest = (second.text.match(/<article class="report">/g) ?? []).length;
      assert.ok(rest >= 3 && rest < 20, `${rest} on the second page`);
      assert.ok(second.text.includes(numbers[0]!));

      const health1 = await http().get("/laporan?kategori=layanan-kesehatan");
      assert.ok(health1.text.includes(health) && !health1.text.includes(numbers[5]!));
      const dinkes = await http().get("/laporan?opd=DINKES");
      assert.ok(dinkes.text.includes(health) && !dinkes.text.includes(numbers[5]!));
      const answered = await http().get("/laporan?status=answered");
      assert.ok(answered.text.includes(numbers[0]!) && !answered.text.includes(numbers[1]!));
      assert.match(answered.text, /Ditanggapi oleh Dinas Pekerjaan Umum/);
      const none = await http().get("/laporan?dari=2027-01-01");
      assert.match(none.text, /Tidak ada laporan yang cocok/);
      const today = await http().get("/laporan?dari=2026-11-23&sampai=2026-11-23");
      assert.ok(today.text.includes(health));
      assert.equal((await http().get("/laporan?status=rejected")).status, 400);
      assert.equal((await http().get("/laporan?dari=kemarin")).status, 400);
      assert.equal((await http().get("/laporan?sebelum=-1")).status, 400);
    });

    it("a report page shows the answer; unknown numbers are 404", async () => {
      const page = await http().get(`/laporan/${numbers[0]}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Jembatan akan diganti bulan depan/);
      assert.match(page.text, /Dinas Pekerjaan Umum dan Penataan Ruang/);
      assert.equal((await http().get("/laporan/ADU-2611-99999")).status, 404);
      assert.equal((await http().get("/laporan/bukan-nomor")).status, 404);
    });

    it("RSS and Atom feeds are well-formed and carry the reports", async () => {
      const parser = new XMLParser({ ignoreAttributes: false });
      const atom = await http().get("/laporan/feed.atom");
      assert.match(atom.headers["content-type"], /application\/atom\+xml/);
      const a = parser.parse(atom.text);
      assert.equal(a.feed.entry.length, Math.min(50, baseline + 24));
      assert.match(a.feed.entry[0].title["#text"], new RegExp(health));
      const rss = await http().get("/laporan/feed.rss?kategori=jalan-jembatan");
      const r = parser.parse(rss.text);
      assert.ok(r.rss.channel.item.length >= 23);
      assert.ok(r.rss.channel.item.every((i: { category?: string }) => i.category === "Jalan dan jembatan"));
    });

    it("open data: CSV and JSON carry the same public fields", async () => {
      const csv = await http().get("/laporan/data.csv");
      assert.match(csv.headers["content-type"], /text\/csv/);
      assert.match(csv.headers["content-disposition"], /attachment; filename="laporan-publik.csv"/);
      const rows = parseCsv(csv.text, { columns: true, bom: true }) as Record<string, string>[];
      assert.equal(rows.length, baseline + 24);
      const json = await http().get("/laporan/data.json");
      assert.equal(json.body.count, baseline + 24);
      assert.deepEqual(Object.keys(json.body.data[0]), Object.keys(rows[0]!));
      const answered = rows.find((x) => x.nomor === numbers[0]);
      assert.match(answered!.tanggapan, /Jembatan akan diganti/);
      assert.ok(!Object.keys(rows[0]!).some((k) => /nama|telepon|email|privacy|kontak/.test(k)));
    });

    it("HTTP caching and security headers: ETag answered with 304, Cache-Control, CSP without scripts", async () => {
      for (const url of ["/laporan", `/laporan/${numbers[1]}`, "/laporan/feed.atom", "/laporan/data.json", "/publik/aduan.css", "/kinerja", "/open311/v2/services.xml", "/open311/v2/requests.json"]) {
        const res = await http().get(url);
        assert.equal(res.status, 200, url);
        assert.ok(res.headers.etag, `${url} has an ETag`);
        assert.match(res.headers["cache-control"], /public, max-age=\d+/);
        assert.match(res.headers["content-security-policy"], /default-src 'none'/);
        assert.equal(res.headers["x-content-type-options"], "nosniff");
        const again = await http().get(url).set("If-None-Match", res.headers.etag);
        assert.equal(again.status, 304, `${url} revalidates`);
      }
      for (const url of ["/lacak", "/lapor"]) {
        const res = await http().get(url);
        assert.match(res.headers["cache-control"], /no-store/, `${url} is never cached`);
        assert.match(res.headers["content-security-policy"], /default-src 'none'/);
        assert.equal(res.headers["x-frame-options"], "DENY");
      }
    });

    it("the micro-cache serves a burst of readers one rendering, for a few seconds at most, and never a citizen's page", async () => {
      const cached = createApp({ ...t.deps, publicCacheMs: 1500 });
      const first = await supertest(cached).get("/laporan?kategori=layanan-kesehatan");
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Ambulans puskesmas Melati tidak tersedia.", categoryId: await categoryId(t, "layanan-kesehatan"), caller: { phone: "081299990001" } });
      await verifyAndForward(t, operator, tk.id, "DINKES");
      const again = await supertest(cached).get("/laporan?kategori=layanan-kesehatan");
      assert.equal(again.text, first.text, "served from the micro-cache");
      assert.ok(!again.text.includes(tk.number));
      assert.ok((await http().get("/laporan?kategori=layanan-kesehatan")).text.includes(tk.number), "without the cache the new report shows");
      const en = await supertest(cached).get("/laporan?kategori=layanan-kesehatan&lang=en");
      assert.match(en.text, /<html lang="en">/, "the language is part of the key");
      await new Promise((r) => setTimeout(r, 1600));
      assert.ok((await supertest(cached).get("/laporan?kategori=layanan-kesehatan")).text.includes(tk.number), "fresh after the TTL");
      const lacak = await supertest(cached).get("/lacak");
      assert.match(lacak.headers["cache-control"], /no-store/);
    });
  });
}
