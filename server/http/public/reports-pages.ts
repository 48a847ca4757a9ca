// /laporan — the public reports: verified publik and anonim tickets with their answers, searchable
// and filterable; a page per report; RSS and Atom feeds; open-data downloads (CSV, JSON) of the same
// public fields. Everything goes through queries/public-reports (the publication rule) and the
// public presenter (masking); nothing here reads an entity field on its own.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import express, { type Request, type Response, type Router } from "express";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { STATUS_LABELS, TICKET_STATUSES, type TicketStatus } from "../../domain/ticket/lifecycle.js";
import { UNPUBLISHED_STATUSES } from "../../domain/privacy/publication.js";
import { exportPublicReports, getPublicReport, listPublicReports, lookups, publicPhotoFile, type PublicReportFilter } from "../../queries/public-reports.js";
import { OPEN_DATA_FIELDS, presentOpenDataRecord, presentPublicReport, type PublicReport } from "../presenters/public-report.presenter.js";
import type { AppDeps } from "../types.js";
import { brandOf, cachePublic, esc, type Brand, fmtDate, fmtTime, langOf, messagePage, page, selfOf, sendHtml, tr, type Lang } from "./layout.js";
import { TICKET_NUMBER_EXACT } from "../../../channels/rules/ticket-number.js";
import { atomFeed, rssFeed, type FeedItem, type FeedMeta } from "./feeds.js";
import { spreadsheetSafe } from "../../lib/spreadsheet-safe.js";
import { existingDataFile } from "../../lib/attachment-files.js";

const PAGE_SIZE = 20;
/** Rows of one download; narrower periods (dari/sampai) select the rest. */
export const EXPORT_LIMIT = 5000;
const FEED_SIZE = 50;

export const PUBLIC_STATUSES = TICKET_STATUSES.filter((s) => !UNPUBLISHED_STATUSES.includes(s));
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "not a date");
const empty = (v: unknown) => (v === "" ? undefined : v);
export const reportQuery = z.object({
  q: z.preprocess(empty, z.string().trim().max(100).optional()),
  kategori: z.preprocess(empty, z.string().trim().max(64).optional()),
  opd: z.preprocess(empty, z.string().trim().max(32).optional()),
  status: z.preprocess(empty, z.enum(PUBLIC_STATUSES as [TicketStatus, ...TicketStatus[]]).optional()),
  dari: z.preprocess(empty, day.optional()),
  sampai: z.preprocess(empty, day.optional()),
  sebelum: z.preprocess(empty, z.coerce.number().int().positive().optional()),
  lang: z.enum(["id", "en"]).optional(),
});
type ReportQuery = z.infer<typeof reportQuery>;

/** Dates of the filter are days in the province's time zone (WIB: UTC+7). */
const OFFSET_MS = 7 * 60 * 60_000;
const dayStart = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - OFFSET_MS);

export function filterOf(q: ReportQuery): PublicReportFilter {
  return {
    q: q.q,
    categoryCode: q.kategori,
    agencyCode: q.opd,
    status: q.status,
    from: q.dari ? dayStart(q.dari) : undefined,
    to: q.sampai ? new Date(dayStart(q.sampai).getTime() + 24 * 60 * 60_000) : undefined,
  };
}

function queryString(q: ReportQuery, extra: Record<string, string | number | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ q: q.q, kategori: q.kategori, opd: q.opd, status: q.status, dari: q.dari, sampai: q.sampai, ...extra })) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

const excerpt = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n).replace(/\s+\S*$/, "")}…` : s);

async function listPage(deps: AppDeps, lang: Lang, self: string, q: ReportQuery): Promise<string> {
  const lk = await lookups(deps.db.manager);
  const result = await listPublicReports(deps.db.manager, filterOf(q), { limit: PAGE_SIZE, before: q.sebelum });
  const reports = result.rows.map((r) => presentPublicReport(r, lang));
  const opt = (value: string, label: string, selected: string | undefined) => `<option value="${esc(value)}"${selected === value ? " selected" : ""}>${esc(label)}</option>`;
  const categories = [...lk.categories.values()].filter((c) => c.isPublic && c.active);
  const agencies = [...lk.agencies.values()].filter((a) => a.active);
  // The keywords always, the other filters folded (open when one is set): on a phone the reports come first.
  const filtered = Boolean(q.kategori || q.opd || q.status || q.dari || q.sampai);
  const filters = `<form method="get" action="/laporan" role="search" class="panel" aria-label="${tr(lang, "Cari laporan", "Search reports")}">
<label for="q">${tr(lang, "Kata kunci", "Keywords")}</label><input id="q" name="q" value="${esc(q.q)}" maxlength="100">
<details${filtered ? " open" : ""}><summary>${tr(lang, "Saring menurut kategori, OPD, status atau tanggal", "Filter by category, agency, status or date")}</summary><div class="filters">
<div><label for="kategori">${tr(lang, "Kategori", "Category")}</label><select id="kategori" name="kategori">${opt("", tr(lang, "Semua", "All"), q.kategori ?? "")}${categories.map((c) => opt(c.code, lang === "en" && c.nameEn ? c.nameEn : c.name, q.kategori)).join("")}</select></div>
<div><label for="opd">OPD</label><select id="opd" name="opd">${opt("", tr(lang, "Semua", "All"), q.opd ?? "")}${agencies.map((a) => opt(a.code, a.name, q.opd)).join("")}</select></div>
<div><label for="status">Status</label><select id="status" name="status">${opt("", tr(lang, "Semua", "All"), q.status ?? "")}${PUBLIC_STATUSES.map((s) => opt(s, STATUS_LABELS[s][lang], q.status)).join("")}</select></div>
<div><label for="dari">${tr(lang, "Dari tanggal", "From")}</label><input id="dari" name="dari" type="date" value="${esc(q.dari)}"></div>
<div><label for="sampai">${tr(lang, "Sampai tanggal", "To")}</label><input id="sampai" name="sampai" type="date" value="${esc(q.sampai)}"></div></div></details>
<button type="submit">${tr(lang, "Tampilkan", "Show")}</button></form>`;
  const items = reports.length
    ? reports.map((r) => reportItem(lang, r)).join("")
    : `<p>${tr(lang, "Tidak ada laporan yang cocok.", "No matching reports.")}</p>`;
  const pager = `<nav class="pager" aria-label="${tr(lang, "Halaman", "Pages")}">${q.sebelum ? `<a href="/laporan${esc(queryString(q))}">${tr(lang, "← Terbaru", "← Newest")}</a>` : "<span></span>"}${result.nextBefore ? `<a href="/laporan${esc(queryString(q, { sebelum: result.nextBefore }))}">${tr(lang, "Lebih lama →", "Older →")}</a>` : ""}</nav>`;
  const downloads = `<p class="muted">${tr(lang, "Unduh hasil ini", "Download these results")}: <a href="/laporan/data.csv${esc(queryString(q))}">CSV</a> · <a href="/laporan/data.json${esc(queryString(q))}">JSON</a> · <a href="/laporan/feed.atom${esc(queryString(q))}">Atom</a> · <a href="/laporan/feed.rss${esc(queryString(q))}">RSS</a></p>`;
  return page({
    brand: brandOf(deps.config),
    lang,
    self,
    title: tr(lang, "Laporan publik", "Public reports"),
    head: `<link rel="alternate" type="application/atom+xml" title="Aduan" href="/laporan/feed.atom"><link rel="alternate" type="application/rss+xml" title="Aduan" href="/laporan/feed.rss">`,
    body: `<h1>${tr(lang, "Laporan publik", "Public reports")}</h1><p>${tr(lang, "Pengaduan masyarakat yang sudah diverifikasi beserta tanggapan OPD. Identitas pelapor tidak pernah ditampilkan; nomor identitas, telepon, e-mail dan nama disamarkan.", "Verified complaints from the public with the agencies' answers. Reporters are never named; ID numbers, phone numbers, e-mail addresses and names are hidden.")}</p>
${filters}${downloads}<section aria-label="${tr(lang, "Daftar laporan", "Reports")}">${items}</section>${pager}`,
  });
}

function reportItem(lang: Lang, r: PublicReport): string {
  const answered = r.answers.length ? `<p class="muted">${tr(lang, "Ditanggapi oleh", "Answered by")} ${esc([...new Set(r.answers.map((a) => a.agency))].join(", "))}</p>` : "";
  return `<article class="report"><h2><a href="/laporan/${esc(r.number)}">${esc(r.subject)}</a></h2>
<p><span class="tag">${esc(r.statusLabel)}</span>${r.category ? `<span class="tag">${esc(r.category)}</span>` : ""}<small><span class="nowrap">${esc(r.number)}</span> · <time datetime="${r.receivedAt}">${esc(fmtDate(lang, new Date(r.receivedAt)))}</time></small></p>
<p>${esc(excerpt(r.description))}</p>${answered}</article>`;
}

/** Before/after photos an operator approved: small copies linking to the larger ones, with alt text. */
function photoSection(lang: Lang, r: PublicReport): string {
  if (r.photos.length === 0) return "";
  const group = (stage: "before" | "after", title: string) => {
    const photos = r.photos.filter((p) => p.stage === stage);
    if (photos.length === 0) return "";
    const items = photos
      .map((p) => `<li><figure><a href="${esc(p.url)}"><img src="${esc(p.thumbUrl)}" alt="${esc(p.alt)}" width="${p.thumbWidth}" height="${p.thumbHeight}" loading="lazy"></a><figcaption>${esc(p.alt)}</figcaption></figure></li>`)
      .join("");
    return `<h3>${title}</h3><ul class="photos">${items}</ul>`;
  };
  return `<section aria-labelledby="foto"><h2 id="foto">${tr(lang, "Foto", "Photos")}</h2>${group("before", tr(lang, "Sebelum", "Before"))}${group("after", tr(lang, "Sesudah", "After"))}</section>`;
}

function reportPage(brand: Brand, lang: Lang, self: string, r: PublicReport): string {
  const answers = r.answers.length
    ? r.answers.map((a) => `<article><h3>${esc(a.agency)} <small><time datetime="${a.at}">${esc(fmtTime(lang, new Date(a.at)))}</time></small></h3><div class="answer">${esc(a.text)}</div></article>`).join("")
    : `<p>${tr(lang, "Belum ada tanggapan.", "No answer yet.")}</p>`;
  return page({
    brand,
    lang,
    self,
    title: r.subject,
    body: `<p><a href="/laporan">${tr(lang, "← Semua laporan", "← All reports")}</a></p><h1>${esc(r.subject)}</h1>
<p><span class="tag">${esc(r.statusLabel)}</span>${r.category ? `<span class="tag">${esc(r.category)}</span>` : ""}<small><span class="nowrap">${esc(r.number)}</span> · ${tr(lang, "diterima", "received")} <time datetime="${r.receivedAt}">${esc(fmtTime(lang, new Date(r.receivedAt)))}</time></small></p>
${r.agencies.length ? `<p><strong>OPD:</strong> ${esc(r.agencies.map((a) => a.name).join(", "))}</p>` : ""}
${r.location ? `<p><strong>${tr(lang, "Lokasi", "Location")}:</strong> ${esc(r.location)}</p>` : ""}
<h2>${tr(lang, "Uraian", "Description")}</h2><div class="answer">${esc(r.description)}</div>
${photoSection(lang, r)}
<h2>${tr(lang, "Tanggapan", "Answers")}</h2>${answers}`,
  });
}

export function laporanRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const parse = (req: Request, res: Response, lang: Lang): ReportQuery | null => {
    const q = reportQuery.safeParse(req.query);
    if (q.success) return q.data;
    sendHtml(res, 400, messagePage(brandOf(deps.config), lang, "/laporan", tr(lang, "Filter tidak valid", "Invalid filter"), q.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")));
    return null;
  };
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: (e: unknown) => void) => fn(req, res).catch(next);

  router.get(
    "/",
    wrap(async (req, res) => {
      const lang = langOf(req, res);
      const q = parse(req, res, lang);
      if (!q) return;
      cachePublic(res);
      sendHtml(res, 200, await listPage(deps, lang, selfOf(req), q));
    }),
  );

  for (const format of ["csv", "json"] as const) router.get(
    `/data.${format}`,
    wrap(async (req, res) => {
      const q = reportQuery.safeParse(req.query);
      if (!q.success) {
        res.status(400).json({ error: "invalid_filter", issues: q.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
        return;
      }
      const rows = (await exportPublicReports(deps.db.manager, filterOf(q.data), EXPORT_LIMIT)).map(presentOpenDataRecord);
      cachePublic(res, 300);
      res.setHeader("Content-Disposition", `attachment; filename="laporan-publik.${format}"`);
      if (format === "csv") {
        res.type("text/csv; charset=utf-8").send(stringify(rows, { header: true, columns: [...OPEN_DATA_FIELDS], bom: true, cast: { string: spreadsheetSafe } }));
      } else {
        res.json({ fields: OPEN_DATA_FIELDS, count: rows.length, limit: EXPORT_LIMIT, license: "CC BY 4.0", data: rows });
      }
    }),
  );

  for (const format of ["atom", "rss"] as const) router.get(
    `/feed.${format}`,
    wrap(async (req, res) => {
      const lang = langOf(req, res);
      const q = reportQuery.safeParse(req.query);
      if (!q.success) {
        res.status(400).type("text").send("invalid filter");
        return;
      }
      const rows = (await listPublicReports(deps.db.manager, filterOf(q.data), { limit: FEED_SIZE })).rows.map((r) => presentPublicReport(r, lang));
      const base = deps.config.publicUrl;
      const meta: FeedMeta = {
        title: tr(lang, "Aduan — laporan publik", "Aduan — public reports"),
        description: tr(lang, "Pengaduan masyarakat yang sudah diverifikasi beserta tanggapan OPD", "Verified public complaints with the agencies' answers"),
        link: `${base}/laporan`,
        selfAtom: `${base}/laporan/feed.atom`,
        selfRss: `${base}/laporan/feed.rss`,
        language: lang,
        updated: rows[0] ? new Date(rows[0].updatedAt) : new Date(0),
        rights: "CC BY 4.0",
      };
      const items: FeedItem[] = rows.map((r) => ({
        id: `${base}/laporan/${r.number}`,
        link: `${base}/laporan/${r.number}`,
        title: `${r.number}: ${r.subject}`,
        summary: `${r.statusLabel}${r.category ? ` · ${r.category}` : ""} — ${excerpt(r.description, 400)}`,
        content: [r.description, ...r.answers.map((a) => `${a.agency}: ${a.text}`)].join("\n\n"),
        updated: new Date(r.updatedAt),
        published: new Date(r.receivedAt),
        category: r.category ?? undefined,
      }));
      cachePublic(res, 300);
      if (format === "atom") res.type("application/atom+xml; charset=utf-8").send(atomFeed(meta, items));
      else res.type("application/rss+xml; charset=utf-8").send(rssFeed(meta, items));
    }),
  );

  // An approved photo's EXIF-free copy (…/foto/12.jpg) or its small copy (…/foto/12-kecil.jpg);
  // 404 for anything else, an unapproved photo, or a report that is not (or no longer) published.
  router.get(
    "/:number/foto/:file",
    wrap(async (req, res) => {
      const number = String(req.params.number).toUpperCase();
      const file = /^([1-9][0-9]{0,9})(-kecil)?\.jpg$/.exec(String(req.params.file));
      const key = file && TICKET_NUMBER_EXACT.test(number) ? await publicPhotoFile(deps.db.manager, number, Number(file[1]), !!file[2]) : null;
      const path = existingDataFile(deps.config.dataDir, key);
      if (!path) {
        res.status(404).type("text").send("not found");
        return;
      }
      cachePublic(res);
      res.setHeader("Content-Type", "image/jpeg");
      res.setHeader("X-Content-Type-Options", "nosniff");
      await new Promise<void>((done, fail) => {
        createReadStream(path).on("error", fail).pipe(res).on("finish", () => done());
      });
    }),
  );

  router.get(
    "/:number",
    wrap(async (req, res) => {
      const lang = langOf(req, res);
      const number = String(req.params.number).toUpperCase();
      const r = TICKET_NUMBER_EXACT.test(number) ? await getPublicReport(deps.db.manager, number) : null;
      cachePublic(res);
      if (!r) {
        // The same answer for a number that does not exist and one that is not public.
        sendHtml(res, 404, messagePage(brandOf(deps.config), lang, selfOf(req), tr(lang, "Laporan tidak ditemukan", "Report not found"), tr(lang, "Laporan ini tidak ada atau tidak ditampilkan untuk umum.", "This report does not exist or is not shown publicly.")));
        return;
      }
      sendHtml(res, 200, reportPage(brandOf(deps.config), lang, selfOf(req), presentPublicReport(r, lang)));
    }),
  );
  return router;
}
