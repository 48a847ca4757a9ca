// Acceptance 6 of issue 14: CSV cells neutralized (OWASP), feeds without unescaped markup, HSTS
// behind https, attachment file names sanitized when stored and served safely.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { XMLParser } from "fast-xml-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { recordTicket, verifyAndForward } from "../support/public.js";
import { createApp } from "../../server/http/app.js";
import { Attachment, Forward, Ticket } from "../../server/entities/index.js";
import { contentDisposition, sanitizeFileName } from "../../server/lib/attachment-files.js";
import { spreadsheetSafe } from "../../server/lib/spreadsheet-safe.js";
import { refreshPublicReports } from "../../server/commands/refresh-public-reports.js";

const FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"];
/** What an HTML-rendering feed reader does with an HTML-typed field: decode the entities once. */
const decodeHtml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, n: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[n]!);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

describe("file name sanitizer and spreadsheet cells (pure)", () => {
  it("removes bidi and control characters, markup, path parts and reserved device names", () => {
    const cases: [string, string][] = [
      ["laporan\u202Efdp.exe", "laporanfdp.exe"],
      ["foto\u200B\u2066\u2069\u0007.jpg", "foto.jpg"],
      ['<img src=x onerror="alert(1)">.png', "_img src=x onerror=_alert(1)__.png"],
      ["../../etc/passwd", "passwd"],
      ["C:\\Users\\warga\\surat.pdf", "surat.pdf"],
      ["CON", "_CON"],
      ["nul.txt", "_nul.txt"],
      ["COM1.pdf", "_COM1.pdf"],
      ["lpt9", "_lpt9"],
      ["console.pdf", "console.pdf"],
      ["  .htaccess. ", "htaccess"],
      ["", "berkas"],
      ["\u202E", "berkas"],
      ["Berita acara perbaikan.pdf", "Berita acara perbaikan.pdf"],
      ["Foto jalan rusak — Cibeunying.jpg", "Foto jalan rusak — Cibeunying.jpg"],
    ];
    for (const [raw, want] of cases) {
      assert.equal(sanitizeFileName(raw), want, JSON.stringify(raw));
      assert.equal(sanitizeFileName(sanitizeFileName(raw)), want, "idempotent");
    }
    const long = sanitizeFileName(`${"a".repeat(300)}.pdf`);
    assert.equal(long.length, 200);
    assert.ok(long.endsWith(".pdf"));
  });

  it("Content-Disposition has an ASCII filename and an RFC 5987 filename*", () => {
    assert.equal(contentDisposition("attachment", "Foto's (1) \u202Ejalan.pdf"), `attachment; filename="Foto_s (1) jalan.pdf"; filename*=UTF-8''Foto_s%20%281%29%20jalan.pdf`);
    assert.equal(contentDisposition("inline", "Jalan — rusak.png"), `inline; filename="Jalan  rusak.png"; filename*=UTF-8''Jalan%20%E2%80%94%20rusak.png`);
  });

  it("spreadsheet cells starting with = + - @ tab or CR get a leading quote, the rest kept", () => {
    for (const p of FORMULA_PREFIXES) assert.equal(spreadsheetSafe(`${p}SUM(A1)`), `'${p}SUM(A1)`);
    assert.equal(spreadsheetSafe("Jalan rusak = bahaya"), "Jalan rusak = bahaya");
  });
});

for (const target of await testTargets()) {
  describe(`public output escaping and headers (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    const formulaTickets: { number: string; subject: string }[] = [];
    let markupNumber = "";
    const MARKUP_SUBJECT = `<script>alert("aduan")</script> Jalan <b>rusak</b> & berlubang`;

    before(async () => {
      t = await startTestApp(target);
      const operator = await t.loginAs(DEMO.operator);
      for (const p of FORMULA_PREFIXES) {
        const subject = `${p}HYPERLINK("http://contoh.example/x","klik") jalan rusak`;
        const tk = await recordTicket(operator, { description: `Laporan uji rumus nomor ${formulaTickets.length}: jalan rusak di desa Sukamaju.`, subject: `Uji rumus ${formulaTickets.length}` });
        await verifyAndForward(t, operator, tk.id);
        // What was stored, whatever a channel or an edit let through (trimming would hide tab and CR),
        // written beside the commands (no audit event), so its public row is rewritten here as a
        // command's transaction would rewrite it.
        await t.database.db.tx(async (m) => {
          await m.getRepository(Ticket).update({ id: tk.id }, { subject });
          await refreshPublicReports(m, [tk.id], new Date());
        });
        formulaTickets.push({ number: tk.number, subject });
      }
      const m = await recordTicket(operator, { subject: MARKUP_SUBJECT, description: `Ada <img src=x onerror=alert(1)> dan <a href="javascript:alert(2)">tautan</a> di laporan ini, jalan rusak.` });
      await verifyAndForward(t, operator, m.id);
      markupNumber = m.number;
    });
    after(() => t.close());

    it("/laporan/data.csv neutralizes cells starting with = + - @ tab or CR and keeps their text", async () => {
      const csv = await http().get("/laporan/data.csv");
      assert.equal(csv.status, 200);
      const rows = parseCsv(csv.text, { columns: true, bom: true, relax_quotes: true }) as Record<string, string>[];
      for (const row of rows) for (const [field, cell] of Object.entries(row)) assert.ok(!/^[=+\-@\t\r]/.test(cell), `${row.nomor}.${field} starts with a formula character: ${JSON.stringify(cell)}`);
      for (const f of formulaTickets) {
        const row = rows.find((r) => r.nomor === f.number);
        assert.ok(row, `${f.number} is in the download`);
        assert.equal(row.judul, `'${f.subject}`);
      }
      const json = await http().get("/laporan/data.json");
      const rec = json.body.data.find((r: { nomor: string }) => r.nomor === formulaTickets[0]!.number);
      assert.equal(rec.judul, formulaTickets[0]!.subject, "JSON keeps the text as it is");
    });

    for (const kind of ["atom", "rss"] as const) {
      it(`${kind}: no CDATA, no text node with markup, and a <script> of a complaint arrives as text`, async () => {
        const res = await http().get(`/laporan/feed.${kind}`);
        assert.equal(res.status, 200);
        assert.ok(!res.text.includes("<![CDATA["), "no CDATA");
        assert.ok(!/<script|<img|<a /i.test(res.text), "no markup of a complaint in the XML");
        const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(res.text);
        const texts: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === "string") texts.push(v);
          else if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === "object") Object.values(v).forEach(walk);
        };
        walk(doc);
        assert.ok(texts.length > 20);
        for (const s of texts) assert.ok(!/[<>]/.test(s), `text node with markup: ${s.slice(0, 120)}`);
        const entries = kind === "atom" ? doc.feed.entry : doc.rss.channel.item;
        const entry = entries.find((e: { title: string | { "#text": string } }) => String(typeof e.title === "string" ? e.title : e.title["#text"]).startsWith(markupNumber));
        assert.ok(entry, `${markupNumber} is in the feed`);
        const title = typeof entry.title === "string" ? entry.title : entry.title["#text"];
        // HTML-typed fields: an HTML reader decodes once more and shows the characters.
        assert.equal(decodeHtml(title), `${markupNumber}: ${MARKUP_SUBJECT}`);
        const summary = kind === "atom" ? entry.summary["#text"] : entry.description;
        assert.match(decodeHtml(summary), /<img src=x onerror=alert\(1\)>/);
      });
    }

    it("sends Strict-Transport-Security when PUBLIC_URL is https, not when it is http", async () => {
      const secure = createApp({ ...t.deps, config: { ...t.config, publicUrl: "https://aduan.provinsi.go.id" } });
      for (const url of ["/", "/laporan", "/lapor", "/api/auth/me", "/healthz"]) {
        const res = await supertest(secure).get(url);
        assert.match(String(res.headers["strict-transport-security"]), /^max-age=31536000; includeSubDomains$/, url);
        assert.equal((await http().get(url)).headers["strict-transport-security"], undefined, `${url} over http`);
      }
    });

    it("stores an OPD's file name sanitized and serves it with a safe Content-Disposition", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Jembatan gantung di desa Sukamaju putus, mohon segera diperbaiki." });
      await verifyAndForward(t, operator, tk.id);
      const forward = await t.database.db.manager.getRepository(Forward).findOneByOrFail({ ticketId: tk.id });
      const head = await t.loginAs(DEMO.headPU);
      const names = ["berita\u202Efdp.exe.pdf", '<svg onload="alert(1)">.pdf', "CON.pdf"];
      const stored: string[] = [];
      for (const fileName of names) {
        const up = await head.post(`/api/forwards/${forward.id}/attachments`).send({ fileName, mimeType: "application/pdf", content: PDF.toString("base64") });
        assert.equal(up.status, 201, JSON.stringify(up.body));
        const row = await t.database.db.manager.getRepository(Attachment).findOneByOrFail({ id: up.body.id });
        assert.equal(row.fileName, sanitizeFileName(fileName));
        assert.ok(!/[\u202E<>"]|^CON\./.test(row.fileName), row.fileName);
        assert.ok(!/[\u202E<>"]/.test(up.body.fileName));
        stored.push(row.fileName);
        const content = await operator.get(`/api/attachments/${up.body.id}/content`);
        assert.equal(content.status, 200);
        const cd = String(content.headers["content-disposition"]);
        assert.equal(cd, contentDisposition("attachment", row.fileName));
        assert.match(cd, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/);
      }
      assert.deepEqual(stored, ["beritafdp.exe.pdf", "_svg onload=_alert(1)__.pdf", "_CON.pdf"]);
    });
  });
}
