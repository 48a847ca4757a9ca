// /kinerja — accountability per OPD per month: volume, share of follow-ups within their clock,
// median working days to follow-up, share returned as not their authority, average citizen
// rating; a bar chart drawn as inline SVG on the server (no script), and the same figures as a
// table (for screen readers and for copying) and as JSON.
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { accountabilityMonth, type AgencyMonth, type MonthReport } from "../../queries/accountability.js";
import type { AppDeps } from "../types.js";
import { cachePublic, esc, langOf, messagePage, page, selfOf, sendHtml, tr, type Lang } from "./layout.js";

const monthSchema = z.object({
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
const num = (lang: Lang, x: number | null) => (x == null ? "–" : x.toLocaleString(lang === "en" ? "en-GB" : "id-ID", { maximumFractionDigits: 1 }));
const monthName = (lang: Lang, month: string) =>
  new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));

/** Horizontal bars: one per OPD, the share of follow-ups within the clock (grey when none was due). */
export function onTimeChart(lang: Lang, rows: AgencyMonth[]): string {
  const barH = 22;
  const gap = 8;
  const labelW = 260;
  const chartW = 300;
  const width = labelW + chartW + 60;
  const height = rows.length * (barH + gap) + 30;
  const bars = rows
    .map((r, i) => {
      const y = i * (barH + gap) + 24;
      const w = r.onTimeShare == null ? 0 : Math.round(r.onTimeShare * chartW);
      const name = r.agencyName.length > 36 ? `${r.agencyName.slice(0, 35)}…` : r.agencyName;
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(name)}</text><rect x="${labelW}" y="${y}" width="${chartW}" height="${barH}" fill="#e8eaed"/>${w ? `<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="#0b5394"/>` : ""}<text x="${labelW + chartW + 6}" y="${y + 15}">${pct(r.onTimeShare)}</text>`;
    })
    .join("");
  const ticks = [0, 50, 100].map((p) => `<text x="${labelW + (chartW * p) / 100}" y="14" text-anchor="middle" class="muted">${p}%</text>`).join("");
  const title = tr(lang, "Tindak lanjut tepat waktu per OPD", "Follow-ups within their clock, per agency");
  return `<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui,sans-serif" fill="currentColor"><title id="chart-title">${esc(title)}</title>${ticks}${bars}</svg>`;
}

function kinerjaPage(lang: Lang, self: string, report: MonthReport, current: string): string {
  const prev = shiftMonth(report.month, -1);
  const next = shiftMonth(report.month, 1);
  const rows = report.rows
    .map(
      (r) =>
        `<tr><th scope="row"><a href="/laporan?opd=${esc(r.agencyCode)}">${esc(r.agencyName)}</a></th><td class="n">${num(lang, r.volume)}</td><td class="n">${num(lang, r.followedUp)}</td><td class="n">${pct(r.onTimeShare)}</td><td class="n">${num(lang, r.medianWorkingDays)}</td><td class="n">${pct(r.returnedShare)}</td><td class="n">${r.averageRating == null ? "–" : `${num(lang, r.averageRating)} (${r.ratings})`}</td></tr>`,
    )
    .join("");
  const body = `<h1>${tr(lang, "Kinerja OPD", "Agency performance")} — ${esc(monthName(lang, report.month))}</h1>
<p>${tr(lang, "Seberapa cepat setiap Organisasi Perangkat Daerah menindaklanjuti pengaduan yang diteruskan kepadanya pada bulan ini. Batas waktu tindak lanjut dihitung dalam hari kerja.", "How quickly each regional agency (OPD) followed up the complaints forwarded to it this month. Follow-up deadlines count working days.")}</p>
<form method="get" action="/kinerja"><label for="bulan">${tr(lang, "Bulan", "Month")}</label><input id="bulan" name="bulan" type="month" value="${esc(report.month)}" max="${esc(current)}"><button type="submit">${tr(lang, "Tampilkan", "Show")}</button></form>
<nav class="pager" aria-label="${tr(lang, "Bulan lain", "Other months")}"><a href="/kinerja?bulan=${prev}">← ${esc(monthName(lang, prev))}</a>${report.month < current ? `<a href="/kinerja?bulan=${next}">${esc(monthName(lang, next))} →</a>` : ""}</nav>
<p><strong>${tr(lang, "Total", "Total")}:</strong> ${num(lang, report.totals.volume)} ${tr(lang, "disposisi", "forwards")}, ${num(lang, report.totals.followedUp)} ${tr(lang, "ditindaklanjuti", "followed up")}, ${pct(report.totals.onTimeShare)} ${tr(lang, "tepat waktu", "within the clock")}.</p>
<figure>${onTimeChart(lang, report.rows)}<figcaption class="muted">${tr(lang, "Bagian tindak lanjut yang selesai dalam batas waktunya (termasuk yang belum dijawab tetapi sudah lewat batas).", "Share of follow-ups done within their deadline (counting unanswered ones already past it).")}</figcaption></figure>
<table><caption>${tr(lang, "Angka per OPD", "Figures per agency")}</caption><thead><tr><th scope="col">OPD</th><th scope="col" class="n">${tr(lang, "Volume", "Volume")}</th><th scope="col" class="n">${tr(lang, "Ditindaklanjuti", "Followed up")}</th><th scope="col" class="n">${tr(lang, "Tepat waktu", "On time")}</th><th scope="col" class="n">${tr(lang, "Median hari kerja", "Median working days")}</th><th scope="col" class="n">${tr(lang, "Bukan wewenang", "Not their authority")}</th><th scope="col" class="n">${tr(lang, "Nilai warga", "Citizen rating")}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted"><a href="/kinerja/data.json?bulan=${esc(report.month)}">JSON</a></p>`;
  return page({ lang, self, title: tr(lang, "Kinerja OPD", "Agency performance"), body });
}

export function kinerjaRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const read = (req: Request, res: Response, lang: Lang) => {
    const q = monthSchema.safeParse(req.query);
    if (!q.success) {
      sendHtml(res, 400, messagePage(lang, "/kinerja", tr(lang, "Bulan tidak valid", "Invalid month"), tr(lang, "Tulis bulan seperti 2026-11.", "Write the month like 2026-11.")));
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
      const report = await accountabilityMonth(deps.db.manager, q.month, deps.clock.now());
      cachePublic(res, 300);
      sendHtml(res, 200, kinerjaPage(lang, selfOf(req), report, q.current));
    } catch (err) {
      next(err);
    }
  });
  router.get("/data.json", async (req, res, next) => {
    try {
      const q = read(req, res, "id");
      if (!q) return;
      cachePublic(res, 300);
      res.json(await accountabilityMonth(deps.db.manager, q.month, deps.clock.now()));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
