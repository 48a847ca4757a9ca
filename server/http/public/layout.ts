// The shell every server-rendered citizen page shares: language (Bahasa Indonesia by default,
// English by ?lang=en, remembered in a cookie), escaping, one small stylesheet served by us (no
// third-party scripts or fonts, and a CSP that forbids them), caching and security headers.
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { readCookie } from "../middleware/authenticate.js";
import type { AppDeps } from "../types.js";
import { brandOf, type Brand } from "./brand.js";
import { sendStored, storedAsset, type StoredAsset } from "./stored-asset.js";

export { brandOf, type Brand };

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

/**
 * The one stylesheet, mobile first: nothing is wider than a 360-px phone (long words break, wide
 * tables of class "cards" become one card per row), the brand's colour in custom properties.
 */
export function publicCss(brand: Pick<Brand, "color" | "dark" | "tint">): string {
  return `:root{--b:${brand.color};--bd:${brand.dark};--t:${brand.tint};--fg:#1a1a1a;--bg:#fff;--alt:#f4f6f8;--line:#d5dbe1;--mut:#555;--a:${brand.color}}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}a{color:var(--a)}
.skip{position:absolute;left:-10000px}.skip:focus{left:.5rem;top:.5rem;background:#fff;color:#000;padding:.5rem;z-index:9}
.top{background:var(--b);color:#fff}.top .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding-top:.6rem;padding-bottom:.6rem}
.brand{display:flex;align-items:center;gap:.6rem;color:#fff;text-decoration:none;flex:1 1 12rem;min-width:0}.brand img{width:2.75rem;height:2.75rem;flex:none}
.brand span{display:block;font-size:.8rem;line-height:1.25}.brand strong{display:block;font-size:1.2rem;line-height:1.2}
.lang{color:#fff;font-size:.9rem;border:1px solid #fff;border-radius:99px;padding:.1rem .75rem;text-decoration:none;white-space:nowrap}
.menu{background:var(--bg);border-bottom:1px solid var(--line)}.menu .wrap{display:flex;flex-wrap:wrap;gap:0 1.1rem}
.menu a{display:inline-block;padding:.55rem 0 .35rem;font-weight:600;text-decoration:none;border-bottom:3px solid transparent}.menu a[aria-current=page],.menu a:hover{border-color:var(--b)}
main{display:block;padding-bottom:2rem}main>.wrap{padding-top:.5rem}
h1{font-size:1.6rem;line-height:1.25;margin:1rem 0 .75rem}h2{font-size:1.2rem;margin-top:1.75rem}h3{font-size:1.05rem}
label{display:block;margin-top:1rem;font-weight:600}input,select,textarea{width:100%;max-width:100%;padding:.55rem;font:inherit;border:1px solid #767676;border-radius:6px;background:var(--bg);color:var(--fg)}
textarea{min-height:6rem}input[type=radio],input[type=checkbox]{width:auto}.inline{display:inline;font-weight:400;margin-right:1rem}
button,.btn{display:inline-block;margin-top:1rem;padding:.65rem 1.25rem;font:inherit;font-weight:600;background:var(--b);color:#fff;border:0;border-radius:6px;cursor:pointer;text-decoration:none}
button:hover,.btn:hover{background:var(--bd)}button.secondary{background:var(--bg);color:var(--a);border:1px solid var(--a)}
.err{color:#b00020}.ok{background:#e6f4ea;padding:.75rem 1rem;border-radius:6px}.note{background:#fff8e1;padding:.75rem 1rem;border-radius:6px}
.muted,small{color:var(--mut)}.hp{position:absolute;left:-10000px;height:0;overflow:hidden}
ol.timeline{list-style:none;padding:0;border-left:3px solid var(--b);margin-left:.5rem}ol.timeline li{padding:0 0 1rem 1rem}
ol.timeline time{display:block;color:var(--mut);font-size:.9rem}.answer{white-space:pre-wrap;background:var(--alt);padding:.6rem .8rem;border-radius:6px;border-left:3px solid var(--b)}
.report{border:1px solid var(--line);border-radius:8px;padding:.25rem 1rem;margin:.75rem 0}.report h2{margin:.5rem 0 .25rem;font-size:1.1rem}.report h2 a{text-decoration:none}.report h2 a:hover{text-decoration:underline}small time{white-space:nowrap}
.tag{display:inline-block;background:var(--t);color:var(--fg);border-radius:99px;padding:0 .55rem;font-size:.85rem;margin:0 .25rem .25rem 0}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,11rem),1fr));gap:0 1rem}
.panel{background:var(--alt);border-radius:8px;padding:.25rem 1rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.95rem;overflow-wrap:break-word}caption{text-align:left;font-weight:600;padding:.5rem 0}th,td{border-bottom:1px solid var(--line);padding:.45rem;text-align:left;vertical-align:top}td.n,th.n{text-align:right}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;margin:1rem 0}
figure{margin:1rem 0}figure svg{width:100%;max-width:28rem;height:auto}.short{max-width:18rem;margin-right:.5rem}summary{margin-top:1rem;cursor:pointer;color:var(--a);font-weight:600}fieldset{border:1px solid var(--line);border-radius:6px;margin-top:1rem;min-width:0}legend{font-weight:600}
.photos{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0}.photos figure{margin:0;max-width:100%}.photos img{display:block;max-width:100%;height:auto;border-radius:6px;border:1px solid var(--line)}.photos figcaption{font-size:.9rem;color:var(--mut)}
.hero{background:var(--t);border-bottom:4px solid var(--b);padding:1.25rem 0 1.5rem}.hero h1{font-size:1.75rem;margin-top:.5rem}.hero p{font-size:1.05rem;max-width:40rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,20rem),1fr));gap:1rem;list-style:none;padding:0;margin:1.25rem 0}
.tile{display:block;height:100%;background:var(--bg);border:1px solid var(--line);border-top:5px solid var(--b);border-radius:8px;padding:1rem 1.1rem;color:var(--fg);text-decoration:none}
.tile strong{display:block;font-size:1.25rem;color:var(--a);margin-bottom:.25rem}.tile:hover,.tile:focus{box-shadow:0 2px 10px rgba(0,0,0,.18)}.tile.main{background:var(--b);border-color:var(--b)}.tile.main,.tile.main strong{color:#fff}
.steps{counter-reset:s;list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,12rem),1fr));gap:1rem}.steps li{counter-increment:s;padding-left:2.6rem;position:relative}
.steps li::before{content:counter(s);position:absolute;left:0;top:0;width:2rem;height:2rem;border-radius:50%;background:var(--b);color:#fff;font-weight:700;text-align:center;line-height:2rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,6rem),1fr));gap:.75rem;margin:1rem 0}.stat{background:var(--t);border-radius:8px;padding:.6rem .9rem}.stat strong{display:block;font-size:1.6rem;line-height:1.2}
.demo{border:2px dashed var(--b);border-radius:8px;padding:.25rem 1rem 1rem;margin:2rem 0}code{background:var(--alt);padding:0 .25rem;border-radius:4px}.nowrap{white-space:nowrap}
#peta-lapor{height:18rem;margin-top:.75rem;border:1px solid var(--line);border-radius:6px}#peta-lapor[hidden]{display:none}
footer{background:var(--alt);border-top:1px solid var(--line);font-size:.9rem;padding:1rem 0 2rem}footer p{margin:.35rem 0}footer a{margin-right:.9rem;display:inline-block}
@media (max-width:40rem){h1{font-size:1.4rem}.menu .wrap{gap:0 .8rem}.menu a{font-size:.92rem}.hero h1{font-size:1.5rem}
table.cards thead{position:absolute;left:-10000px}table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th{display:block}
table.cards caption{display:block}table.cards tr{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;padding:.35rem .75rem}table.cards th,table.cards td{border:0;padding:.2rem 0;text-align:left}
table.cards td{display:flex;justify-content:space-between;gap:1rem;text-align:right}table.cards td::before{content:attr(data-label);font-weight:600;text-align:left;color:var(--mut)}}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--alt:#1e2630;--line:#3a3f45;--mut:#bbb;--a:#8ab4f8;--t:#1f2b28}.ok{background:#16301d}.note{background:#3a3000}.err{color:#ff8a80}.skip:focus{background:#121212;color:#eee}}`;
}
const cssCache = new Map<string, StoredAsset>();
/** The stylesheet of a brand, with its ETag and gzip variant (one per colour). */
export function stylesheet(brand: Brand): StoredAsset {
  let hit = cssCache.get(brand.color);
  if (!hit) {
    hit = storedAsset("css", publicCss(brand));
    cssCache.set(brand.color, hit);
  }
  return hit;
}

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
  /** The deployment's look (brandOf(deps.config)). */
  brand: Brand;
  /** A <link rel=alternate> for feeds. */
  head?: string;
  /** A full-width band above the page's content (the front door). */
  hero?: string;
}

/** Labels of the shell every public page shares, [Bahasa Indonesia, English]. */
export const LAYOUT_LABELS = {
  skip: ["Langsung ke isi", "Skip to content"],
  menu: ["Menu utama", "Main menu"],
  home: ["Beranda", "Home"],
  lapor: ["Lapor", "Report"],
  lacak: ["Lacak", "Track"],
  laporan: ["Laporan", "Reports"],
  kinerja: ["Kinerja", "Performance"],
  tagline: ["Layanan pengaduan masyarakat", "Public complaints service"],
  openData: ["Data terbuka (CSV)", "Open data (CSV)"],
  staff: ["Petugas", "Staff"],
} as const satisfies Record<string, readonly [string, string]>;
/** Picks a [Bahasa Indonesia, English] label. */
export const label = (lang: Lang, l: readonly [string, string]) => (lang === "en" ? l[1] : l[0]);

function withLang(self: string, lang: Lang): string {
  const [path, query = ""] = self.split("?", 2);
  const params = new URLSearchParams(query);
  params.set("lang", lang);
  return `${path}?${params.toString()}`;
}

export function page(o: PageOptions): string {
  const { lang, brand } = o;
  const L = (l: readonly [string, string]) => label(lang, l);
  const other: Lang = lang === "en" ? "id" : "en";
  const path = o.self.split("?", 1)[0]!;
  const nav = ([["/lapor", LAYOUT_LABELS.lapor], ["/lacak", LAYOUT_LABELS.lacak], ["/laporan", LAYOUT_LABELS.laporan], ["/kinerja", LAYOUT_LABELS.kinerja]] as const)
    .map(([href, l]) => `<a href="${href}"${path === href || path.startsWith(`${href}/`) ? ' aria-current="page"' : ""}>${L(l)}</a>`)
    .join("");
  const province = brand.province ? esc(lang === "en" ? brand.province.en : brand.province.id) : L(LAYOUT_LABELS.tagline);
  const { etag } = stylesheet(brand);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)} — ${esc(brand.serviceName)}</title><link rel="stylesheet" href="${CSS_PATH}?v=${etag.slice(1, 9)}"><link rel="icon" href="/favicon.ico" sizes="32x32"><meta name="theme-color" content="${brand.color}">${o.head ?? ""}</head><body>
<a class="skip" href="#isi">${L(LAYOUT_LABELS.skip)}</a>
<header class="top"><div class="wrap"><a class="brand" href="/"><img src="${LOGO_PATH}" alt="" width="44" height="44"><span>${province}<strong>${esc(brand.serviceName)}</strong></span></a>
<a class="lang" href="${esc(withLang(o.self, other))}" lang="${other}" hreflang="${other}">${other === "en" ? "English" : "Bahasa Indonesia"}</a></div></header>
<nav class="menu" aria-label="${L(LAYOUT_LABELS.menu)}"><div class="wrap">${nav}</div></nav>
<main id="isi">${o.hero ?? ""}<div class="wrap">${o.body}</div></main>
<footer><div class="wrap"><p><strong>${esc(brand.serviceName)}</strong>${brand.province ? ` · ${province}` : ""}</p><p><a href="/laporan/data.csv">${L(LAYOUT_LABELS.openData)}</a><a href="/laporan/data.json">JSON</a><a href="/laporan/feed.atom">Atom</a><a href="/laporan/feed.rss">RSS</a><a href="/open311/v2/discovery.json">Open311</a><a href="/console/">${L(LAYOUT_LABELS.staff)}</a></p></div></footer>
</body></html>`;
}

/** A simple page with a heading and a paragraph (errors, confirmations). */
export function messagePage(brand: Brand, lang: Lang, self: string, title: string, text: string, extra = ""): string {
  return page({ brand, lang, self, title, body: `<h1>${esc(title)}</h1><p>${esc(text)}</p>${extra}` });
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type("html").send(html);
}

export const LOGO_PATH = "/publik/logo";

/** The stylesheet and the logo: cached a day, revalidated by ETag (the page links the stylesheet by its version). */
export function assetRoutes(deps: Pick<AppDeps, "config">): Router {
  brandOf(deps.config); // a missing or oversized PUBLIC_LOGO_FILE stops the start, not the first page
  const router = express.Router();
  router.get("/aduan.css", (req, res) => sendStored(req, res, stylesheet(brandOf(deps.config)), 86400));
  router.get("/logo", (req, res) => sendStored(req, res, brandOf(deps.config).logo, 86400));
  return router;
}

/** The page's own path and query without lang (for the language switch). */
export function selfOf(req: Request): string {
  const url = new URL(req.originalUrl, "http://x");
  url.searchParams.delete("lang");
  const q = url.searchParams.toString();
  return `${url.pathname}${q ? `?${q}` : ""}`;
}
