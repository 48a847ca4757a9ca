import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ExcelJS from "exceljs";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { agencyId, categoryId, recordTicket } from "../support/public.js";
import { startCaptureSmtp } from "../support/smtp.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { rateAnswer } from "../../server/commands/rate-answer.js";
import { runMonthlyReports, runReportRollups } from "../../server/jobs/report-jobs.js";
import { clearAccountabilityCache } from "../../server/queries/accountability.js";
import { createLogger } from "../../server/lib/logger.js";
import { ReportMonthRollup } from "../../server/entities/index.js";

/**
 * Issue 16, item 4 and acceptance 4: one OPD's month on a known data set — every number of the
 * JSON, the XLSX (read back with exceljs) and the PDF (pdftotext), the PDF as PNG (pdftoppm, a
 * test artifact), the monthly e-mail with the PDF attached, the row rule, and formula-safe CSV.
 *
 * The data set (Dinas Uji Laporan, a fresh OPD so nothing else counts), Monday 23 November 2026
 * 10:00 WIB, five complaints verified and forwarded at once; the follow-up clock is 5 working days
 * of 7.5 h (due Monday 30 November 10:00):
 *   T1 roads, sms      answered after 2 working hours, rated 5 with a phone number and an e-mail
 *   T2 roads, sms      answered Tuesday 1 December 10:00 — 6 working days, late
 *   T3 drainage, voice returned as not their authority at once
 *   T4 drainage, sms   never answered: past due now, an open breach
 *   T5 roads, sms      answered after 2 working hours, rated 2 with a spreadsheet formula, then reopened
 */
const ARTIFACTS = resolve(process.env.ARTIFACTS_DIR ?? "test-artifacts", "reports");
const HEAD = "kepala.uji@demo.aduan.id";
const KOMINFO = "kepala.kominfo@prov.test";

for (const target of await testTargets()) {
  describe(`reports per OPD and period (${target.name})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startCaptureSmtp>>;
    let uji: number;
    const http = () => supertest(t.app);

    before(async () => {
      smtp = await startCaptureSmtp();
      t = await startTestApp(target, { smtp: { url: smtp.url, from: "Aduan <aduan@prov.test>" }, reports: { kominfoEmail: KOMINFO, monthlyEmail: true, rollupMinutes: 15 } });
      const admin = await t.loginAs(DEMO.admin);
      const a = await admin.post("/api/agencies").send({ code: "DUJI", name: "Dinas Uji Laporan", shortName: "Dinas Uji" });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      uji = a.body.id;
      // An OPD whose name is a spreadsheet formula: it must arrive as text in every CSV.
      await admin.post("/api/agencies").send({ code: "DRUMUS", name: "=HYPERLINK(\"http://jahat.example\")", shortName: "Rumus" }).expect(201);
      const head = await admin.post("/api/users").send({ email: HEAD, name: "Ir. Sutomo Wibowo", role: "opd_head", agencyId: uji, password: DEMO_PASSWORD });
      assert.equal(head.status, 201, JSON.stringify(head.body));
      await admin.put(`/api/agencies/${uji}`).send({ headUserId: head.body.id }).expect(200);

      const operator = await t.loginAs(DEMO.operator);
      const roads = await categoryId(t, "jalan-jembatan");
      const drainage = await categoryId(t, "drainase-banjir");
      const mk = async (categoryId: number, channel: string) => {
        const tk = await recordTicket(operator, { description: "Keluhan untuk laporan bulanan, mohon ditindaklanjuti.", categoryId, channel, caller: { name: "Budi Santoso", phone: "081234567890" } });
        await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "verify" }).expect(200);
        await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "forward", agencyIds: [uji], instruction: "Mohon ditindaklanjuti." }).expect(200);
        return tk;
      };
      const t1 = await mk(roads, "sms");
      const t2 = await mk(roads, "sms");
      const t3 = await mk(drainage, "voice");
      const t4 = await mk(drainage, "sms");
      const t5 = await mk(roads, "sms");
      const headAgent = await t.loginAs(HEAD);
      await headAgent.post(`/api/tickets/${t3.id}/transitions`).send({ action: "return", reason: "Ini wewenang Dinas PU." }).expect(200);
      t.clock.advance(2 * 3600_000); // 12:00 WIB: two working hours later (sessions idle out meanwhile: log in again)
      const headNoon = await t.loginAs(HEAD);
      await headNoon.post(`/api/tickets/${t1.id}/transitions`).send({ action: "answer", response: "Sudah diperbaiki." }).expect(200);
      await headNoon.post(`/api/tickets/${t5.id}/transitions`).send({ action: "answer", response: "Sudah ditangani." }).expect(200);
      const citizen = { actor: { userId: null, label: "warga" }, secretKey: t.config.sessionSecret };
      const r1 = await t.database.db.tx((m) => rateAnswer(m, { ...citizen, at: t.clock.now() }, { ticketId: t1.id, rating: 5, comment: "Cepat sekali ditangani, Budi Santoso puas. Hubungi 081234567890 atau budi@contoh.id" }));
      assert.equal(r1.kind, "rated");
      t.clock.advance(60_000);
      const r5 = await t.database.db.tx((m) => rateAnswer(m, { ...citizen, at: t.clock.now() }, { ticketId: t5.id, rating: 2, comment: "=HYPERLINK(\"http://jahat.example\",\"klik\")" }));
      assert.equal(r5.kind, "rated");
      await (await t.loginAs(DEMO.operator)).post(`/api/tickets/${t5.id}/transitions`).send({ action: "reopen", reason: "Warga menyatakan belum selesai." }).expect(200);
      t.clock.set(new Date("2026-12-01T03:00:00.000Z")); // Tuesday 1 December 10:00 WIB
      await (await t.loginAs(HEAD)).post(`/api/tickets/${t2.id}/transitions`).send({ action: "answer", response: "Sudah diperbaiki, terlambat." }).expect(200);
      void t4;
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    const url = (q: Record<string, string | number>) => `/api/reports/agency-month?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`;

    it("computes every figure of the OPD's month", async () => {
      const head = await t.loginAs(HEAD);
      const res = await head.get(url({ agencyId: uji, month: "2026-11" }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body;
      assert.deepEqual(r.scope, { agencyId: uji, agencyCode: "DUJI", agencyName: "Dinas Uji Laporan" });
      assert.deepEqual(r.period, { kind: "month", key: "2026-11", from: "2026-10-31T17:00:00.000Z", to: "2026-11-30T17:00:00.000Z", label: { id: "November 2026", en: "November 2026" } });
      assert.deepEqual(r.filters, { categoryId: null, categoryName: null, channel: null });
      assert.deepEqual(r.volume, { tickets: 5, verified: 5, rejected: 0, forwarded: 5, answered: 3, returned: 1, open: 1, reopened: 1 });
      const followUp = { decided: 4, within: 2, withinShare: 0.5, medianHours: 2, p90Hours: 45, medianDays: 0.27, p90Days: 6, openBreaches: 1 };
      assert.deepEqual(r.followUp, followUp);
      assert.deepEqual(r.clocks, [{ kind: "opd_followup", clocks: 4, ...followUp }]);
      assert.equal(r.openBreaches, 1);
      assert.equal(r.ratings.count, 2);
      assert.equal(r.ratings.average, 3.5);
      assert.deepEqual(r.ratings.distribution, [0, 1, 0, 0, 1]);
      assert.equal(r.ratings.comments.length, 2);
      assert.deepEqual(r.ratings.comments.map((c: { rating: number }) => c.rating), [2, 5], "newest first");
      assert.equal(r.ratings.comments[0].comment, "=HYPERLINK(\"http://jahat.example\",\"klik\")");
      assert.equal(r.ratings.comments[1].comment, "Cepat sekali ditangani, [nama disamarkan] puas. Hubungi [nomor telepon disamarkan] atau [email disamarkan]");
      assert.deepEqual(r.topTopics, [
        { name: "Jalan dan jembatan", tickets: 3 },
        { name: "Drainase dan banjir", tickets: 2 },
      ]);
      const roads = await categoryId(t, "jalan-jembatan");
      const drainage = await categoryId(t, "drainase-banjir");
      assert.deepEqual(r.byCategory, [
        { key: String(roads), name: "Jalan dan jembatan", tickets: 3, forwarded: 3, answered: 3, returned: 0, withinShare: 0.67, medianDays: 0.27 },
        { key: String(drainage), name: "Drainase dan banjir", tickets: 2, forwarded: 2, answered: 0, returned: 1, withinShare: 0, medianDays: null },
      ]);
      assert.deepEqual(r.byChannel, [
        { key: "sms", name: "sms", tickets: 4, forwarded: 4, answered: 3, returned: 0, withinShare: 0.5, medianDays: 0.27 },
        { key: "voice", name: "voice", tickets: 1, forwarded: 1, answered: 0, returned: 1, withinShare: null, medianDays: null },
      ]);
      assert.equal(r.trend.length, 30, "one bucket per day of November");
      for (const b of r.trend) assert.deepEqual(b, b.bucket === "2026-11-23" ? { bucket: b.bucket, forwarded: 5, answered: 2 } : { bucket: b.bucket, forwarded: 0, answered: 0 });

      // Filters: a category, a channel; a quarter and a year hold the same month.
      const onlyRoads = (await head.get(url({ agencyId: uji, month: "2026-11", categoryId: roads }))).body;
      assert.deepEqual(onlyRoads.volume, { tickets: 3, verified: 3, rejected: 0, forwarded: 3, answered: 3, returned: 0, open: 0, reopened: 1 });
      assert.equal(onlyRoads.filters.categoryName, "Jalan dan jembatan");
      const voice = (await head.get(url({ agencyId: uji, month: "2026-11", channel: "voice" }))).body;
      assert.deepEqual(voice.volume, { tickets: 1, verified: 1, rejected: 0, forwarded: 1, answered: 0, returned: 1, open: 0, reopened: 0 });
      const quarter = (await head.get(url({ agencyId: uji, month: "2026-11", period: "quarter" }))).body;
      assert.equal(quarter.period.key, "2026-Q4");
      assert.equal(quarter.period.label.id, "Triwulan IV 2026");
      assert.deepEqual(quarter.volume, r.volume);
      assert.deepEqual(quarter.followUp, followUp);
      assert.deepEqual(quarter.trend.map((b: { bucket: string }) => b.bucket), ["2026-10", "2026-11", "2026-12"]);
      assert.deepEqual(quarter.trend[1], { bucket: "2026-11", forwarded: 5, answered: 2 });
      assert.deepEqual(quarter.trend[2], { bucket: "2026-12", forwarded: 0, answered: 1 });
      const year = (await head.get(url({ agencyId: uji, month: "2026-11", period: "year" }))).body;
      assert.equal(year.period.label.id, "Tahun 2026");
      assert.deepEqual(year.volume, r.volume);
      assert.deepEqual((await head.get(url({ agencyId: uji, month: "2026-10" }))).body.volume, { tickets: 0, verified: 0, rejected: 0, forwarded: 0, answered: 0, returned: 0, open: 0, reopened: 0 });
    });

    it("applies the row rule and explains bad requests", async () => {
      const head = await t.loginAs(HEAD);
      const own = await head.get(url({ month: "2026-11" }));
      assert.equal(own.status, 200);
      assert.equal(own.body.scope.agencyId, uji, "an OPD head without agencyId gets their own OPD");
      const other = await head.get(url({ agencyId: await agencyId(t, "DPU"), month: "2026-11" }));
      assert.equal(other.status, 403);
      assert.match(other.body.message, /own reports only/);
      for (const fmt of ["pdf", "csv", "xlsx"]) assert.equal((await head.get(url({ agencyId: await agencyId(t, "DPU"), month: "2026-11", format: fmt }))).status, 403);
      assert.equal((await (await t.loginAs(DEMO.headPU)).get(url({ agencyId: uji, month: "2026-11" }))).status, 403);
      assert.equal((await (await t.loginAs(DEMO.operator)).get(url({ month: "2026-11" }))).status, 403, "reports are for supervision, not the operator's queue");
      assert.equal((await http().get(url({ month: "2026-11" }))).status, 401);
      const supervisor = await t.loginAs(DEMO.supervisor);
      const province = await supervisor.get(url({ month: "2026-11" }));
      assert.equal(province.status, 200);
      assert.equal(province.body.scope.agencyId, null);
      assert.equal(province.body.scope.agencyName, "Seluruh OPD (provinsi)");
      assert.ok(province.body.volume.forwarded >= 5 && province.body.clocks.length === 4, "the province: every OPD and every clock");
      const bad = await supervisor.get("/api/reports/agency-month?month=2026-13");
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /month: must be a month like 2026-11/);
      assert.match((await supervisor.get(url({ month: "2026-11", format: "doc" }))).body.message, /format must be one of json, csv, xlsx, pdf/);
      assert.match((await supervisor.get(url({ month: "2026-11", period: "week" }))).body.message, /period must be one of month, quarter, year/);
      assert.equal((await supervisor.get(url({ month: "2026-11", agencyId: 999999 }))).status, 404);
      assert.equal((await supervisor.get(url({ month: "2026-11", categoryId: 999999 }))).status, 400);
      assert.equal((await supervisor.get(`${url({ month: "2026-11" })}&x=1`)).status, 400);
    });

    it("writes the same figures as CSV, formula-safe", async () => {
      const head = await t.loginAs(HEAD);
      const res = await head.get(url({ agencyId: uji, month: "2026-11", format: "csv" })).buffer(true);
      assert.equal(res.status, 200);
      assert.match(res.headers["content-type"], /^text\/csv/);
      assert.equal(res.headers["content-disposition"], 'attachment; filename="laporan-duji-2026-11.csv"');
      const text = res.text.replace(/^\uFEFF/, "");
      const lines = text.trim().split("\n");
      assert.equal(lines[0], "bagian,baris,ukuran,nilai");
      const has = (line: string) => assert.ok(lines.includes(line), `CSV has ${line}`);
      for (const [label, v] of [["Pengaduan", 5], ["Terverifikasi", 5], ["Ditolak", 0], ["Disposisi", 5], ["Ditindaklanjuti", 3], ["Dikembalikan (bukan wewenang)", 1], ["Disposisi belum dijawab", 1], ["Dibuka kembali", 1], ["Tindak lanjut tepat waktu", 0.5], ["Median tindak lanjut (hari kerja)", 0.27], ["Persentil 90 tindak lanjut (hari kerja)", 6], ["Pelanggaran SLA terbuka", 1], ["Penilaian warga", 2], ["Rata-rata penilaian (1–5)", 3.5]] as const) has(`ringkasan,,${label},${v}`);
      for (const [label, v] of [["Jumlah", 4], ["Selesai/lewat", 4], ["Tepat waktu", 2], ["% tepat waktu", 0.5], ["Median jam kerja", 2], ["P90 jam kerja", 45], ["Median hari kerja", 0.27], ["P90 hari kerja", 6], ["Pelanggaran terbuka", 1]] as const) has(`jam layanan,Tindak lanjut OPD,${label},${v}`);
      for (const l of ["kategori,Jalan dan jembatan,Pengaduan,3", "kategori,Jalan dan jembatan,% tepat waktu,0.67", "kategori,Drainase dan banjir,Dikembalikan,1", "kategori,Drainase dan banjir,Median hari kerja,", "kanal,SMS,Pengaduan,4", "kanal,Telepon,Dikembalikan,1", "penilaian,5 bintang,Jumlah,1", "penilaian,2 bintang,Jumlah,1", "penilaian,1 bintang,Jumlah,0", "topik teratas,Jalan dan jembatan,Pengaduan,3", "tren,2026-11-23,Disposisi,5", "tren,2026-11-23,Ditindaklanjuti,2"]) has(l);
      // The citizen's formula arrives as text: a leading quote, so a spreadsheet does not run it.
      assert.ok(lines.some((l) => l.includes(`komentar,`) && l.includes(`2 bintang,"'=HYPERLINK(""http://jahat.example"",""klik"")"`)), text);
      assert.ok(!/,=HYPERLINK/.test(text) && !/,"=HYPERLINK/.test(text), "no cell starts with =");

      // /kinerja offers the same month as CSV, from the same computation (and formula-safe too).
      clearAccountabilityCache();
      const page = await http().get("/kinerja?bulan=2026-11");
      assert.match(page.text, /href="\/kinerja\/data\.csv\?bulan=2026-11"/);
      const k = await http().get("/kinerja/data.csv?bulan=2026-11").buffer(true);
      assert.equal(k.status, 200);
      assert.equal(k.headers["content-disposition"], 'attachment; filename="kinerja-opd-2026-11.csv"');
      const kl = k.text.replace(/^\uFEFF/, "").trim().split("\n");
      assert.equal(kl[0], "bulan,kode_opd,nama_opd,disposisi_diterima,ditindaklanjuti,tepat_waktu,median_hari_kerja,bukan_wewenang,nilai_warga,jumlah_penilaian");
      assert.ok(kl.includes("2026-11,DUJI,Dinas Uji Laporan,5,3,0.5,0.3,0.25,3.5,2"), k.text);
      assert.ok(kl.includes(`2026-11,DRUMUS,"'=HYPERLINK(""http://jahat.example"")",0,0,,,,,0`), k.text);
      const json = (await http().get("/kinerja/data.json?bulan=2026-11")).body.rows.find((x: { agencyCode: string }) => x.agencyCode === "DUJI");
      assert.deepEqual(json, { agencyCode: "DUJI", agencyName: "Dinas Uji Laporan", volume: 5, followedUp: 3, onTimeShare: 0.5, medianWorkingDays: 0.3, returnedShare: 0.25, averageRating: 3.5, ratings: 2 });
      // An old month is computed when asked, but a public URL does not add rows for it.
      assert.equal((await http().get("/kinerja/data.json?bulan=2001-01")).status, 200);
      assert.equal(await t.database.db.manager.getRepository(ReportMonthRollup).countBy({ month: "2001-01" }), 0);
      assert.ok((await t.database.db.manager.getRepository(ReportMonthRollup).countBy({ month: "2026-11" })) > 0);
      // The worker's job writes the same rows.
      const job = await runReportRollups({ db: t.database.db, clock: t.clock });
      assert.deepEqual(job.months, ["2026-12", "2026-11"]);
    });

    it("writes the same figures as XLSX (read back with exceljs)", async () => {
      const head = await t.loginAs(HEAD);
      const res = await head.get(url({ agencyId: uji, month: "2026-11", format: "xlsx" })).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as unknown as ArrayBuffer);
      assert.deepEqual(wb.worksheets.map((w) => w.name), ["Ringkasan", "Per kategori", "Per kanal", "Penilaian"]);
      const rows = (name: string) => {
        const out: unknown[][] = [];
        wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
        return out;
      };
      const sum = rows("Ringkasan");
      const value = (label: string) => sum.find((r) => r[0] === label)?.[1];
      assert.equal(sum[1]![0], "Laporan pengaduan — Dinas Uji Laporan");
      assert.equal(value("Periode"), "November 2026");
      for (const [label, v] of [["Pengaduan", 5], ["Terverifikasi", 5], ["Ditolak", 0], ["Disposisi", 5], ["Ditindaklanjuti", 3], ["Dikembalikan (bukan wewenang)", 1], ["Disposisi belum dijawab", 1], ["Dibuka kembali", 1], ["Tindak lanjut tepat waktu", 0.5], ["Median tindak lanjut (hari kerja)", 0.27], ["Persentil 90 tindak lanjut (hari kerja)", 6], ["Pelanggaran SLA terbuka", 1], ["Penilaian warga", 2], ["Rata-rata penilaian (1–5)", 3.5]] as const) assert.equal(value(label), v, label);
      assert.deepEqual(sum.find((r) => r[0] === "Tindak lanjut OPD"), ["Tindak lanjut OPD", 4, 4, 2, 0.5, 2, 45, 0.27, 6, 1]);
      assert.deepEqual(sum.find((r) => r[0] === "Jalan dan jembatan"), ["Jalan dan jembatan", 3]);
      assert.deepEqual(sum.find((r) => r[0] === "Drainase dan banjir"), ["Drainase dan banjir", 2]);
      assert.deepEqual(rows("Per kategori"), [
        ["Nama", "Pengaduan", "Disposisi", "Ditindaklanjuti", "Dikembalikan", "% tepat waktu", "Median hari kerja"],
        ["Jalan dan jembatan", 3, 3, 3, 0, 0.67, 0.27],
        ["Drainase dan banjir", 2, 2, 0, 1, 0],
      ]);
      assert.deepEqual(rows("Per kanal"), [
        ["Nama", "Pengaduan", "Disposisi", "Ditindaklanjuti", "Dikembalikan", "% tepat waktu", "Median hari kerja"],
        ["SMS", 4, 4, 3, 0, 0.5, 0.27],
        ["Telepon", 1, 1, 0, 1],
      ]);
      const ratings = rows("Penilaian");
      assert.deepEqual(ratings.slice(0, 7), [["Nilai", "Jumlah"], ["1 bintang", 0], ["2 bintang", 1], ["3 bintang", 0], ["4 bintang", 0], ["5 bintang", 1], ["Rata-rata", 3.5]]);
      const comments = ratings.slice(8);
      assert.equal(comments.length, 2);
      assert.deepEqual(comments.map((c) => c.slice(1, 3)), [
        [2, "'=HYPERLINK(\"http://jahat.example\",\"klik\")"],
        [5, "Cepat sekali ditangani, [nama disamarkan] puas. Hubungi [nomor telepon disamarkan] atau [email disamarkan]"],
      ]);
    });

    it("prints an A4 PDF in Indonesian with every figure, charts and a signature block", async () => {
      const head = await t.loginAs(HEAD);
      const res = await head.get(url({ agencyId: uji, month: "2026-11", format: "pdf" })).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-type"], "application/pdf");
      assert.equal(res.headers["content-disposition"], 'attachment; filename="laporan-duji-2026-11.pdf"');
      const pdf = res.body as Buffer;
      const dir = mkdtempSync(join(tmpdir(), "aduan-report-"));
      const file = join(dir, "laporan.pdf");
      writeFileSync(file, pdf);
      const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
      assert.match(info, /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
      const line = (re: RegExp) => assert.match(text, re, `${re} in\n${text}`);
      line(/PEMERINTAH PROVINSI PARAHYANGAN/);
      line(/DINAS KOMUNIKASI DAN INFORMATIKA/);
      line(/LAPORAN PENGELOLAAN PENGADUAN/);
      line(/^\s*Dinas Uji Laporan\s*$/m);
      line(/Periode: November 2026/);
      for (const [label, v] of [["Pengaduan", "5"], ["Terverifikasi", "5"], ["Ditolak", "0"], ["Disposisi", "5"], ["Ditindaklanjuti", "3"], ["Dikembalikan \\(bukan wewenang\\)", "1"], ["Disposisi belum dijawab", "1"], ["Dibuka kembali", "1"], ["Tindak lanjut tepat waktu", "50%"], ["Median tindak lanjut \\(hari kerja\\)", "0,27"], ["Persentil 90 tindak lanjut \\(hari kerja\\)", "6"], ["Pelanggaran SLA terbuka", "1"], ["Penilaian warga", "2"], ["Rata-rata penilaian \\(1–5\\)", "3,5"]]) line(new RegExp(`^\\s*${label}\\s+${v}\\s*$`, "m"));
      line(/^\s*Tindak lanjut OPD\s+4\s+4\s+2\s+50%\s+2\s+45\s+0,27\s+6\s+1\s*$/m);
      line(/^\s*Jalan dan jembatan\s+3\s+3\s+3\s+0\s+67%\s+0,27\s*$/m);
      line(/^\s*Drainase dan banjir\s+2\s+2\s+0\s+1\s+0%\s+–\s*$/m);
      line(/^\s*SMS\s+4\s+4\s+3\s+0\s+50%\s+0,27\s*$/m);
      line(/^\s*Telepon\s+1\s+1\s+0\s+1\s+–\s+–\s*$/m);
      line(/^\s*Jalan dan jembatan\s+3\s*$/m); // top topics
      line(/^\s*Drainase dan banjir\s+2\s*$/m);
      line(/Jumlah penilaian: 2; rata-rata: 3,5 dari 5\./);
      line(/[A-Z]+-[\w-]+\s+2\s+=HYPERLINK\("http:\/\/jahat\.example","klik"\)/);
      line(/Cepat sekali ditangani, \[nama disamarkan\] puas\. Hubungi \[nomor telepon\s+disamarkan\] atau \[email disamarkan\]|Cepat sekali ditangani, \[nama disamarkan\] puas\. Hubungi \[nomor\s/);
      assert.doesNotMatch(text, /081234567890|budi@contoh\.id|Budi Santoso/, "comments are masked");
      line(/Kepala Dinas Uji Laporan/);
      line(/Kepala Dinas Komunikasi dan Informatika/);
      line(/\(Ir\. Sutomo Wibowo\)/);
      line(/NIP\./);
      line(/Halaman 1 dari \d/);
      // Charts: ECharts' SVG drew the titles and axes into the page.
      line(/Disposisi dan tindak lanjut/);
      line(/Tepat waktu per jam layanan \(%\)/);
      line(/Penilaian warga/);
      // A look at it: every page as PNG (test artifact).
      mkdirSync(ARTIFACTS, { recursive: true });
      const prefix = join(ARTIFACTS, `laporan-duji-2026-11-${target.name}`);
      execFileSync("pdftoppm", ["-png", "-r", "70", file, prefix]);
      const pngs = readdirSync(ARTIFACTS).filter((f) => f.startsWith(`laporan-duji-2026-11-${target.name}`) && f.endsWith(".png"));
      assert.ok(pngs.length >= 2, `pages rendered: ${pngs.join(", ")}`);
      const province = await (await t.loginAs(DEMO.supervisor)).get(url({ month: "2026-11", format: "pdf" }));
      assert.equal(province.status, 200);
      assert.equal(province.headers["content-disposition"], 'attachment; filename="laporan-provinsi-2026-11.pdf"');
    });

    it("e-mails each OPD head their OPD's PDF and Kominfo the province's on the 1st", async () => {
      smtp.mails.length = 0;
      const r = await runMonthlyReports({ db: t.database.db, config: t.config, clock: t.clock, logger: createLogger("silent") });
      assert.equal(r.month, "2026-11", "on 1 December: November's reports");
      assert.deepEqual(r.failed, []);
      const toHead = smtp.mails.filter((m) => m.to.includes(HEAD));
      assert.equal(toHead.length, 1);
      assert.equal(toHead[0]!.subject, "Laporan pengaduan Dinas Uji Laporan — November 2026");
      assert.match(toHead[0]!.raw, /Content-Type: application\/pdf; name=laporan-duji-2026-11\.pdf/);
      const attachment = /Content-Disposition: attachment; filename=laporan-duji-2026-11\.pdf\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(toHead[0]!.raw);
      assert.ok(attachment, toHead[0]!.raw.slice(0, 3000));
      assert.equal(Buffer.from(attachment[1]!.replace(/\s+/g, ""), "base64").subarray(0, 5).toString(), "%PDF-");
      const body = toHead[0]!.raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      assert.match(body, /5 disposisi, 3 ditindaklanjuti, 1 dikembalikan, 1 pelanggaran SLA terbuka/);
      const toKominfo = smtp.mails.filter((m) => m.to.includes(KOMINFO));
      assert.equal(toKominfo.length, 1);
      assert.match(toKominfo[0]!.raw, /filename=laporan-provinsi-2026-11\.pdf/);
      const headPU = smtp.mails.filter((m) => m.to.includes(DEMO.headPU));
      assert.equal(headPU.length, 1, "every OPD head gets their own OPD's report");
      assert.match(headPU[0]!.raw, /filename=laporan-dpu-2026-11\.pdf/);
      assert.ok(!smtp.mails.some((m) => m.to.includes(HEAD) && /laporan-dpu/.test(m.raw)), "and only their own");
    });
  });
}
