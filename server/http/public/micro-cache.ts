// The micro-cache of public GET answers that are the same for everyone (reports, feeds, open data,
// accountability, Open311 reads). Bounded in entries and bytes (LRU), keyed on the language, the
// path and the sorted query parameters the route actually reads: a URL with any other parameter
// is neither served from nor stored in the cache, so junk parameters cannot fill memory.
import type { NextFunction, Request, Response } from "express";
import { monthSchema } from "./performance-page.js";
import { langOf, peekLang } from "./layout.js";
import { reportQuery } from "./reports-pages.js";
import { listQuery } from "./open311.js";
import { gzipVariantOf, wantsGzip, type GzipVariant } from "../gzip.js";

export interface MicroCacheOptions {
  /** How long an entry is fresh; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  /** Bytes of bodies and keys together (plus a fixed overhead per entry). */
  maxBytes: number;
  /** The query parameters the routes under a path prefix read (longest prefix wins); "lang" is always known. */
  knownParams: Record<string, readonly string[]>;
}

/** Each route's own parameters, from the zod schemas the routes parse with (one definition). */
export const PUBLIC_CACHE_PARAMS: Record<string, readonly string[]> = {
  "/laporan": Object.keys(reportQuery.shape),
  "/kinerja": Object.keys(monthSchema.shape),
  "/open311/v2": Object.keys(listQuery.shape),
};

/** Approximate bookkeeping per entry besides body and key (headers, object, map slot). */
const ENTRY_OVERHEAD = 512;

interface Cached {
  at: number;
  status: number;
  type: string;
  cacheControl: string;
  extra: [string, string][];
  /** The body as sent, encoded once, and its ETag (express's own etag function, computed once). */
  body: Buffer;
  etag: string | undefined;
  /** The body gzipped, made when the entry is first served again to a client that accepts gzip. */
  gz: GzipVariant | undefined;
  gzPending: boolean;
  bytes: number;
  /** One request is rendering a fresh copy; the others get this one meanwhile (no stampede). */
  refreshing: boolean;
}

export interface MicroCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  /** Requests not cached because of a parameter the route does not read. */
  bypassed: number;
}

/**
 * The cache key of a request: language, path, and the known parameters sorted (empty values
 * dropped, as the routes read them as absent); null when the URL carries a parameter the route
 * does not read (such a request is answered without the cache).
 */
export function cacheKeyOf(req: Request, knownParams: Record<string, readonly string[]>): string | null {
  // Prefixed, not resolved: "//host/path" must stay a path, not become another host.
  const url = new URL(`http://x${req.originalUrl.startsWith("/") ? "" : "/"}${req.originalUrl}`);
  if (url.search === "") return `${peekLang(req)} ${url.pathname}`; // no parameters: nothing to check or sort
  let prefix = "";
  for (const p of Object.keys(knownParams)) if ((url.pathname === p || url.pathname.startsWith(`${p}/`)) && p.length > prefix.length) prefix = p;
  const known = new Set([...(knownParams[prefix] ?? []), "lang"]);
  const pairs: [string, string][] = [];
  for (const [k, v] of url.searchParams) {
    if (!known.has(k)) return null;
    if (k !== "lang" && v !== "") pairs.push([k, v]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const q = new URLSearchParams(pairs).toString();
  return `${peekLang(req)} ${url.pathname}${q ? `?${q}` : ""}`;
}

/**
 * A burst of readers costs one rendering, and nothing is older than the TTL plus one rendering
 * (the answers already allow 60 s in shared caches). When an entry expires, one request renders
 * anew while the others still get the previous copy, so a busy page never makes every reader wait
 * at once. Least recently used entries go first when either bound is reached; an answer larger
 * than a quarter of the byte budget is not kept. Pages of one citizen (/lacak) and forms (/lapor)
 * are never mounted behind it.
 */
export function microCache(opts: MicroCacheOptions) {
  const entries = new Map<string, Cached>();
  const stats: MicroCacheStats = { entries: 0, bytes: 0, hits: 0, misses: 0, bypassed: 0 };
  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    stats.bytes -= e.bytes;
  };
  /** Adds an entry's gzip variant (still cached) to the byte count, then keeps the bound. */
  const addGzip = (key: string, e: Cached, gz: GzipVariant) => {
    e.gz = gz;
    e.gzPending = false;
    if (entries.get(key) !== e) return;
    e.bytes += gz.body.length;
    stats.bytes += gz.body.length;
    while (entries.size > 1 && stats.bytes > opts.maxBytes) drop(entries.keys().next().value as string);
  };
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (opts.ttlMs <= 0 || (req.method !== "GET" && req.method !== "HEAD")) return next();
    const key = cacheKeyOf(req, opts.knownParams);
    if (key === null) {
      stats.bypassed++;
      return next();
    }
    const now = Date.now();
    const hit = entries.get(key);
    const age = hit ? now - hit.at : Infinity;
    if (hit && (age < opts.ttlMs || (hit.refreshing && age < opts.ttlMs * 4))) {
      stats.hits++;
      entries.delete(key); // most recently used goes last
      entries.set(key, hit);
      langOf(req, res);
      res.setHeader("Cache-Control", hit.cacheControl);
      res.setHeader("Vary", "Cookie, Accept-Encoding");
      for (const [k, v] of hit.extra) res.setHeader(k, v);
      // The stored bytes and ETag: express neither encodes the body nor hashes it again per hit,
      // and still answers a matching If-None-Match with 304. Gzipped for a client that accepts
      // it, compressed once, on the entry's first hit (an answer asked for once is never compressed).
      let body = hit.body;
      let etag = hit.etag;
      if (wantsGzip(req, hit.body.length, hit.etag)) {
        if (!hit.gz && !hit.gzPending) {
          hit.gzPending = true;
          const gz = gzipVariantOf(hit.body, hit.etag, (v) => addGzip(key, hit, v));
          if (gz) addGzip(key, hit, gz);
        }
        if (hit.gz) {
          body = hit.gz.body;
          etag = hit.gz.etag;
          res.setHeader("Content-Encoding", "gzip");
        }
      }
      if (etag) res.setHeader("ETag", etag);
      res.status(hit.status).type(hit.type).send(body);
      return;
    }
    stats.misses++;
    if (hit) {
      hit.refreshing = true;
      res.on("close", () => (hit.refreshing = false));
    }
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      let out = body;
      const cc = String(res.getHeader("Cache-Control") ?? "");
      if ((res.statusCode === 200 || res.statusCode === 404) && cc.startsWith("public") && (typeof body === "string" || Buffer.isBuffer(body))) {
        const buf = typeof body === "string" ? Buffer.from(body) : body;
        const bytes = buf.length + Buffer.byteLength(key) + ENTRY_OVERHEAD;
        if (bytes <= opts.maxBytes / 4) {
          const etagFn = req.app.get("etag fn") as ((body: Buffer) => string | undefined) | undefined;
          drop(key);
          while (entries.size > 0 && (entries.size >= opts.maxEntries || stats.bytes + bytes > opts.maxBytes)) drop(entries.keys().next().value as string);
          const disposition = res.getHeader("Content-Disposition");
          const etag = etagFn?.(buf);
          entries.set(key, { at: Date.now(), status: res.statusCode, type: String(res.getHeader("Content-Type") ?? "text/html"), cacheControl: cc, extra: disposition ? [["Content-Disposition", String(disposition)]] : [], body: buf, etag, gz: undefined, gzPending: false, bytes, refreshing: false });
          stats.bytes += bytes;
          // The same ETag on this first answer, and express does not hash the body a second time.
          if (etag && !res.getHeader("ETag")) res.setHeader("ETag", etag);
          // And the bytes just encoded, when the type already names its charset (express would add
          // it to a string's type only), so the body is not encoded twice either.
          if (typeof body === "string" && /charset=/i.test(String(res.getHeader("Content-Type") ?? ""))) out = buf;
        }
      }
      stats.entries = entries.size;
      return send(out);
    };
    next();
  };
  return Object.assign(middleware, { stats: (): MicroCacheStats => ({ ...stats, entries: entries.size }) });
}
