// The shell every server-rendered citizen page shares: language (Bahasa Indonesia by default,
// English by ?lang=en, remembered in a cookie), escaping, one small stylesheet served by us (no
// third-party scripts or fonts, and a CSP that forbids them), caching and security headers.
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { createHash } from "node:crypto";
import { readCookie } from "../middleware/authenticate.js";

export type Lang = "id" | "en";
export const LANG_COOKIE = "aduan_lang";

export const esc = (s: string | number | null | undefined) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page language without remembering it (for cache keys). */
export function peekLang(req: Request): Lang {
  const q = typeof req.query.lang === "string" ? req.query.lang : undefined;
  if (q === "id" || q === "en") return q;
  return readCookie(req, LANG_COOKIE) === "en" ? "en" : "id";
}

/** Bahasa Indonesia first; English on ?lang=en (then remembered), else the cookie. */
export function langOf(req: Request, res: Response): Lang {
  const q = typeof req.query.lang === "string" ? req.query.lang : undefined;
  if (q === "id" || q === "en") {
    res.append("Set-Cookie", `${LANG_COOKIE}=${q}; Path=/; Max-Age=31536000; SameSite=Lax`);
    return q;
  }
  return readCookie(req, LANG_COOKIE) === "en" ? "en" : "id";
}

/** Picks the text of the page language. */
export const tr = (lang: Lang, id: string, en: string) => (lang === "en" ? en : id);

const TIME_ZONE = process.env.PUBLIC_TIME_ZONE ?? "Asia/Jakarta";
const ZONE_LABEL: Record<string, string> = { "Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", {
      timeZone: TIME_ZONE,
      day: "numeric",
      month: "long",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hour12: false } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}
/** "23 November 2026 10.00 WIB" in the province's time zone. */
export const fmtTime = (lang: Lang, d: Date) => `${formatter(lang, true).format(d)} ${ZONE_LABEL[TIME_ZONE] ?? TIME_ZONE}`;
export const fmtDate = (lang: Lang, d: Date) => formatter(lang, false).format(d);

export const CSS_PATH = "/publik/aduan.css";
export const CSS = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;margin:0 auto;padding:0 1rem;color:#1a1a1a;background:#fff}
header{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;border-bottom:1px solid #ccc;padding:.5rem 0}
header nav a,footer a{margin-right:.75rem}a{color:#0b5394}.brand{font-weight:700;color:#1a1a1a;text-decoration:none}
h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.2rem;margin-top:1.5rem}
label{display:block;margin-top:1rem;font-weight:600}input,select,textarea{width:100%;padding:.5rem;font:inherit;box-sizing:border-box;border:1px solid #767676;border-radius:4px}
textarea{min-height:6rem}input[type=radio],input[type=checkbox]{width:auto}.inline{display:inline;font-weight:400;margin-right:1rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit;background:#0b5394;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#0b5394;border:1px solid #0b5394}
.err{color:#b00020}.ok{background:#e6f4ea;padding:.75rem 1rem;border-radius:4px}.note{background:#fff8e1;padding:.75rem 1rem;border-radius:4px}
.muted,small{color:#555}.hp{position:absolute;left:-10000px;height:0;overflow:hidden}
ol.timeline{list-style:none;padding:0;border-left:3px solid #0b5394;margin-left:.5rem}ol.timeline li{padding:0 0 1rem 1rem}
ol.timeline time{display:block;color:#555;font-size:.9rem}.answer{white-space:pre-wrap;background:#f3f6fa;padding:.5rem .75rem;border-radius:4px}
.report{border-bottom:1px solid #ddd;padding:.75rem 0}.report h2{margin:.25rem 0;font-size:1.1rem}.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .4rem;font-size:.85rem;margin-right:.25rem}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:0 1rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border-bottom:1px solid #ddd;padding:.35rem;text-align:left}td.n,th.n{text-align:right}
.pager{display:flex;justify-content:space-between;margin:1rem 0}footer{border-top:1px solid #ccc;margin-top:2rem;padding:.5rem 0 2rem;font-size:.9rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
fieldset{border:1px solid #ccc;border-radius:4px;margin-top:1rem}legend{font-weight:600}
@media (prefers-color-scheme:dark){body{background:#121212;color:#eee}a{color:#8ab4f8}.brand{color:#eee}.muted,small,ol.timeline time{color:#bbb}.answer{background:#1e2630}.ok{background:#16301d}.note{background:#3a3000}.tag{background:#2a2a4a}input,select,textarea{background:#1e1e1e;color:#eee}.err{color:#ff8a80}button.secondary{background:#121212;color:#8ab4f8;border-color:#8ab4f8}}`;
const CSS_ETAG = `"${createHash("sha256").update(CSS).digest("base64url").slice(0, 16)}"`;

/** Content-Security-Policy of every public page: our own stylesheet and images, nothing else, no script at all. */
export const PUBLIC_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers on every public answer (pages, feeds, downloads, Open311). */
export function publicSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("Content-Security-Policy", PUBLIC_CSP);
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  next();
}

/**
 * Public data changes every few seconds at most; a short shared cache plus the ETag express
 * computes (answering 304 to If-None-Match) keeps slow networks and proxies cheap. Pages that
 * depend on the language cookie vary on it.
 */
export function cachePublic(res: Response, seconds = 60): void {
  res.setHeader("Cache-Control", `public, max-age=${seconds}, stale-while-revalidate=${seconds}`);
  res.setHeader("Vary", "Cookie, Accept-Encoding");
}
/** Pages that belong to one citizen (tracking) are never cached anywhere. */
export function cachePrivate(res: Response): void {
  res.setHeader("Cache-Control", "private, no-store");
}

export interface PageOptions {
  lang: Lang;
  title: string;
  body: string;
  /** The path and query of this page without lang, for the language switch. */
  self: string;
  /** A <link rel=alternate> for feeds. */
  head?: string;
}

function withLang(self: string, lang: Lang): string {
  const [path, query = ""] = self.split("?", 2);
  const params = new URLSearchParams(query);
  params.set("lang", lang);
  return `${path}?${params.toString()}`;
}

export function page(o: PageOptions): string {
  const { lang } = o;
  const other: Lang = lang === "en" ? "id" : "en";
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)} — Aduan</title><link rel="stylesheet" href="${CSS_PATH}">${o.head ?? ""}</head><body>
<header><a class="brand" href="/laporan">Aduan</a><nav aria-label="${tr(lang, "Menu utama", "Main menu")}"><a href="/lapor">${tr(lang, "Lapor", "Report")}</a><a href="/lacak">${tr(lang, "Lacak", "Track")}</a><a href="/laporan">${tr(lang, "Laporan publik", "Public reports")}</a><a href="/kinerja">${tr(lang, "Kinerja OPD", "Agency performance")}</a></nav>
<a href="${esc(withLang(o.self, other))}" lang="${other}" hreflang="${other}">${other === "en" ? "English" : "Bahasa Indonesia"}</a></header>
<main>${o.body}</main>
<footer><a href="/laporan/data.csv">${tr(lang, "Data terbuka (CSV)", "Open data (CSV)")}</a><a href="/laporan/data.json">JSON</a><a href="/laporan/feed.atom">Atom</a><a href="/laporan/feed.rss">RSS</a><a href="/open311/v2/discovery.json">Open311</a></footer>
</body></html>`;
}

/** A simple page with a heading and a paragraph (errors, confirmations). */
export function messagePage(lang: Lang, self: string, title: string, text: string, extra = ""): string {
  return page({ lang, self, title, body: `<h1>${esc(title)}</h1><p>${esc(text)}</p>${extra}` });
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type("html").send(html);
}

/** The stylesheet: immutable per content (ETag), cached a day. */
export function assetRoutes(): Router {
  const router = express.Router();
  router.get("/aduan.css", (req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.setHeader("ETag", CSS_ETAG);
    if (req.headers["if-none-match"] === CSS_ETAG) {
      res.status(304).end();
      return;
    }
    res.type("css").send(CSS);
  });
  return router;
}

/** The page's own path and query without lang (for the language switch). */
export function selfOf(req: Request): string {
  const url = new URL(req.originalUrl, "http://x");
  url.searchParams.delete("lang");
  const q = url.searchParams.toString();
  return `${url.pathname}${q ? `?${q}` : ""}`;
}

interface Cached {
  at: number;
  status: number;
  type: string;
  cacheControl: string;
  extra: [string, string][];
  body: string | Buffer;
  /** One request is rendering a fresh copy; the others get this one meanwhile (no stampede). */
  refreshing: boolean;
}

/**
 * A micro-cache of public GET answers that are the same for everyone (reports, feeds, open data,
 * accountability, Open311 reads), keyed by language and URL, kept a few seconds: a burst of
 * readers costs one rendering, and nothing is older than the TTL plus one rendering (the answers
 * already allow 60 s in shared caches). When an entry expires, one request renders anew while the
 * others still get the previous copy, so a busy page never makes every reader wait at once.
 * Pages of one citizen (/lacak) and forms (/lapor) are never cached here.
 */
export function microCache(ttlMs: number, max = 5000) {
  const entries = new Map<string, Cached>();
  return (req: Request, res: Response, next: NextFunction): void => {
    if (ttlMs <= 0 || (req.method !== "GET" && req.method !== "HEAD")) return next();
    const key = `${peekLang(req)} ${req.originalUrl}`;
    const now = Date.now();
    const hit = entries.get(key);
    const age = hit ? now - hit.at : Infinity;
    if (hit && (age < ttlMs || (hit.refreshing && age < ttlMs * 4))) {
      langOf(req, res);
      res.setHeader("Cache-Control", hit.cacheControl);
      res.setHeader("Vary", "Cookie, Accept-Encoding");
      for (const [k, v] of hit.extra) res.setHeader(k, v);
      res.status(hit.status).type(hit.type).send(hit.body);
      return;
    }
    if (hit) {
      hit.refreshing = true;
      res.on("close", () => (hit.refreshing = false));
    }
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const cc = String(res.getHeader("Cache-Control") ?? "");
      if ((res.statusCode === 200 || res.statusCode === 404) && cc.startsWith("public") && (typeof body === "string" || Buffer.isBuffer(body))) {
        if (!entries.has(key) && entries.size >= max) entries.delete(entries.keys().next().value as string);
        const disposition = res.getHeader("Content-Disposition");
        entries.set(key, { at: Date.now(), status: res.statusCode, type: String(res.getHeader("Content-Type") ?? "text/html"), cacheControl: cc, extra: disposition ? [["Content-Disposition", String(disposition)]] : [], body, refreshing: false });
      }
      return send(body);
    };
    next();
  };
}
