// /kinerja — accountability per OPD per month: volume, share of follow-ups within their clock,
// median working days to follow-up, share returned as not their authority, average citizen
// rating; a bar chart drawn as inline SVG on the server (no script), and the same figures as a
// table (for screen readers and for copying) and as JSON.
import express, { type Request, type Response, type Router } from "express";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { spreadsheetSafe } from "../../lib/spreadsheet-safe.js";
import { accountabilityMonth, type AgencyMonth, type MonthReport } from "../../queries/accountability.js";
import type { AppDeps } from "../types.js";
import { brandOf, cachePublic, esc, label, langOf, messagePage, page, selfOf, sendHtml, type Brand, type Lang } from "./layout.js";

/** The query parameters /kinerja reads (also the micro-cache key, micro-cache.ts). */
export const monthSchema = z.object({
  bulan: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  lang: z.enum(["id", "en"]).optional(),
});

/** The current month in WIB. */
const currentMonth = (now: Date) => new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 7);
const shiftMonth = (month: string, by: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
};
const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 100)}%`);
// One formatter per language, made once: each Intl object holds native ICU memory, and making
// hundreds per page grew the process by about 1 MB per rendering.
const NUMBER_FORMATS: Record<Lang, Intl.NumberFormat> = { id: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 }), en: new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 }) };
const MONTH_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  id: new Intl.DateTimeFormat("id-ID", { month: "long", year: "numeric", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }),
};
const num = (lang: Lang, x: number | null) => (x == null ? "–" : NUMBER_FORMATS[lang].format(x));
const monthName = (lang: Lang, month: string) => MONTH_FORMATS[lang].format(new Date(`${month}-01T00:00:00Z`));
/** How many months back the month picker offers (older ones stay reachable by URL and the pager). */
const PICKER_MONTHS = 36;

/** Every label of the page, [Bahasa Indonesia, English] (the English page must hold none of the first). */
export const KINERJA_LABELS = {
  title: ["Kinerja OPD", "Agency performance"],
  intro: [
    "Seberapa cepat setiap Organisasi Perangkat Daerah (OPD) menindaklanjuti pengaduan yang diteruskan kepadanya pada bulan ini. Batas waktu tindak lanjut dihitung dalam hari kerja.",
    "How quickly each regional agency (OPD) followed up the complaints forwarded to it this month. Follow-up deadlines count working days.",
  ],
  month: ["Bulan", "Month"],
  show: ["Tampilkan", "Show"],
  otherMonths: ["Bulan lain", "Other months"],
  forwards: ["Disposisi diterima", "Forwards received"],
  followedUp: ["Ditindaklanjuti", "Followed up"],
  onTime: ["Tepat waktu", "On time"],
  chartTitle: ["Tindak lanjut tepat waktu per OPD", "Follow-ups within their clock, per agency"],
  chartCaption: [
    "Bagian tindak lanjut yang selesai dalam batas waktunya (termasuk yang belum dijawab tetapi sudah lewat batas). Abu-abu: belum ada yang jatuh tempo.",
    "Share of follow-ups done within their deadline (counting unanswered ones already past it). Grey: none due yet.",
  ],
  figures: ["Angka per OPD", "Figures per agency"],
  agency: ["Nama OPD", "Agency"],
  volume: ["Volume", "Volume"],
  median: ["Median hari kerja", "Median working days"],
  returned: ["Bukan wewenang", "Not their authority"],
  rating: ["Nilai warga", "Citizen rating"],
  invalidTitle: ["Bulan tidak valid", "Invalid month"],
  invalidText: ["Tulis bulan seperti 2026-11.", "Write the month like 2026-11."],
} as const satisfies Record<string, readonly [string, string]>;

/**
 * Horizontal bars, one per OPD: its name above its bar so the chart stays readable when it is
 * scaled down to a phone's width; the share of follow-ups within the clock (grey when none was due).
 */
export function onTimeChart(lang: Lang, rows: AgencyMonth[], color = "#0b5394"): string {
  const barH = 14;
  const rowH = 40;
  const chartW = 300;
  const width = chartW + 48;
  const height = rows.length * rowH + 24;
  const bars = rows
    .map((r, i) => {
      const y = i * rowH + 24;
      const w = r.onTimeShare == null ? 0 : Math.round(r.onTimeShare * chartW);
      const name = r.agencyName.length > 48 ? `${r.agencyName.slice(0, 47)}…` : r.agencyName;
      return `<text x="0" y="${y + 10}">${esc(name)}</text><rect x="0" y="${y + 16}" width="${chartW}" height="${barH}" rx="3" fill="#e3e6ea"/>${w ? `<rect x="0" y="${y + 16}" width="${w}" height="${barH}" rx="3" fill="${color}"/>` : ""}<text x="${chartW + 6}" y="${y + 27}">${pct(r.onTimeShare)}</text>`;
    })
    .join("");
  const ticks = [0, 50, 100].map((p) => `<text x="${(chartW * p) / 100}" y="12" text-anchor="${p === 0 ? "start" : p === 100 ? "end" : "middle"}">${p}%</text>`).join("");
  return `<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui,sans-serif" fill="currentColor"><title id="chart-title">${esc(label(lang, KINERJA_LABELS.chartTitle))}</title>${ticks}${bars}</svg>`;
}

/** A month picker in the page's language: a list of months, not the browser's own (locale-bound) month input. */
function monthPicker(lang: Lang, selected: string, current: string): string {
  const months = Array.from({ length: PICKER_MONTHS }, (_, i) => shiftMonth(current, -i));
  if (!months.includes(selected)) months.push(selected);
  return months.map((m) => `<option value="${m}"${m === selected ? " selected" : ""}>${esc(monthName(lang, m))}</option>`).join("");
}

function kinerjaPage(brand: Brand, lang: Lang, self: string, report: MonthReport, current: string): string {
  const L = (l: readonly [string, string]) => label(lang, l);
  const K = KINERJA_LABELS;
  const prev = shiftMonth(report.month, -1);
  const next = shiftMonth(report.month, 1);
  const cell = (l: readonly [string, string], value: string) => `<td class="n" data-label="${esc(L(l))}">${value}</td>`;
  const rows = report.rows
    .map(
      (r) =>
        `<tr><th scope="row"><a href="/laporan?opd=${esc(r.agencyCode)}">${esc(r.agencyName)}</a></th>${cell(K.volume, num(lang, r.volume))}${cell(K.followedUp, num(lang, r.followedUp))}${cell(K.onTime, pct(r.onTimeShare))}${cell(K.median, num(lang, r.medianWorkingDays))}${cell(K.returned, pct(r.returnedShare))}${cell(K.rating, r.averageRating == null ? "–" : `${num(lang, r.averageRating)} (${r.ratings})`)}</tr>`,
    )
    .join("");
  const stat = (value: string, l: readonly [string, string]) => `<div class="stat"><strong>${value}</strong>${L(l)}</div>`;
  const body = `<h1>${L(K.title)} — ${esc(monthName(lang, report.month))}</h1>
<p>${L(K.intro)}</p>
<form method="get" action="/kinerja" class="panel">${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}<label for="bulan">${L(K.month)}</label><select id="bulan" name="bulan" class="short">${monthPicker(lang, report.month, current)}</select><button type="submit">${L(K.show)}</button></form>
<nav class="pager" aria-label="${L(K.otherMonths)}"><a href="/kinerja?bulan=${prev}">← ${esc(monthName(lang, prev))}</a>${report.month < current ? `<a href="/kinerja?bulan=${next}">${esc(monthName(lang, next))} →</a>` : ""}</nav>
<div class="stats">${stat(num(lang, report.totals.volume), K.forwards)}${stat(num(lang, report.totals.followedUp), K.followedUp)}${stat(pct(report.totals.onTimeShare), K.onTime)}</div>
<figure>${onTimeChart(lang, report.rows, brand.color)}<figcaption class="muted">${L(K.chartCaption)}</figcaption></figure>
<table class="cards"><caption>${L(K.figures)}</caption><thead><tr><th scope="col">${L(K.agency)}</th><th scope="col" class="n">${L(K.volume)}</th><th scope="col" class="n">${L(K.followedUp)}</th><th scope="col" class="n">${L(K.onTime)}</th><th scope="col" class="n">${L(K.median)}</th><th scope="col" class="n">${L(K.returned)}</th><th scope="col" class="n">${L(K.rating)}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted"><a href="/kinerja/data.csv?bulan=${esc(report.month)}">CSV</a> · <a href="/kinerja/data.json?bulan=${esc(report.month)}">JSON</a></p>`;
  return page({ brand, lang, self, title: L(K.title), body });
}

/** The month as CSV: one row per OPD, shares as fractions (0–1), empty where there is no figure. */
export function kinerjaCsv(report: MonthReport): string {
  const columns = ["bulan", "kode_opd", "nama_opd", "disposisi_diterima", "ditindaklanjuti", "tepat_waktu", "median_hari_kerja", "bukan_wewenang", "nilai_warga", "jumlah_penilaian"];
  const rows = report.rows.map((r) => [report.month, r.agencyCode, r.agencyName, r.volume, r.followedUp, r.onTimeShare, r.medianWorkingDays, r.returnedShare, r.averageRating, r.ratings]);
  return stringify(rows, { header: true, columns, bom: true, cast: { string: spreadsheetSafe } });
}

export function kinerjaRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const maxAge = deps.config.reports.rollupMinutes * 60_000;
  const read = (req: Request, res: Response, lang: Lang) => {
    const q = monthSchema.safeParse(req.query);
    if (!q.success) {
      sendHtml(res, 400, messagePage(brandOf(deps.config), lang, "/kinerja", label(lang, KINERJA_LABELS.invalidTitle), label(lang, KINERJA_LABELS.invalidText)));
      return null;
    }
    const current = currentMonth(deps.clock.now());
    return { month: q.data.bulan && q.data.bulan <= current ? q.data.bulan : current, current };
  };
  router.get("/", async (req, res, next) => {
    try {
      const lang = langOf(req, res);
      const q = read(req, res, lang);
      if (!q) return;
      const report = await accountabilityMonth(deps.db.manager, q.month, deps.clock.now(), maxAge);
      cachePublic(res, 300);
      sendHtml(res, 200, kinerjaPage(brandOf(deps.config), lang, selfOf(req), report, q.current));
    } catch (err) {
      next(err);
    }
  });
  router.get("/data.json", async (req, res, next) => {
    try {
      const q = read(req, res, "id");
      if (!q) return;
      cachePublic(res, 300);
      res.json(await accountabilityMonth(deps.db.manager, q.month, deps.clock.now(), maxAge));
    } catch (err) {
      next(err);
    }
  });
  // The same month as CSV (the figures of the table, one row per OPD), formula-safe for spreadsheets.
  router.get("/data.csv", async (req, res, next) => {
    try {
      const q = read(req, res, "id");
      if (!q) return;
      const report = await accountabilityMonth(deps.db.manager, q.month, deps.clock.now(), maxAge);
      cachePublic(res, 300);
      res.setHeader("Content-Disposition", `attachment; filename="kinerja-opd-${report.month}.csv"`);
      res.type("text/csv; charset=utf-8").send(kinerjaCsv(report));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
