// Acceptance 5 of issue 14: the public micro-cache is bounded in entries and bytes (LRU) and keyed
// on the parameters each route reads, so junk query parameters cannot grow the process.
// The cache does not touch the database's behaviour, so this runs on SQLite only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { BROWSER_ACCEPT_ENCODING, rawHttp } from "../support/raw-http.js";
import type { MicroCacheStats } from "../../server/http/public/micro-cache.js";

const MB = 1024 * 1024;

describe("public micro-cache bounds", () => {
  // The app runs in a child process of its own (public-cache-server.ts): its RSS is the server's,
  // not that of the HTTP client driving it.
  let child: ChildProcess;
  let base: string;
  const maxBytes = 2 * MB;
  const maxEntries = 200;
  const ask = async (): Promise<{ rss: number; stats: MicroCacheStats }> => {
    child.send({ type: "measure" });
    const [msg] = (await once(child, "message")) as [{ type: string; rss: number; stats: MicroCacheStats }];
    return msg;
  };
  const stats = async () => (await ask()).stats;
  before(async () => {
    child = fork(fileURLToPath(new URL("./public-cache-server.ts", import.meta.url)), {
      execArgv: ["--import", "tsx", "--expose-gc"],
      env: { ...process.env, CACHE_MAX_BYTES: String(maxBytes), CACHE_MAX_ENTRIES: String(maxEntries) },
    });
    const [ready] = (await once(child, "message")) as [{ port: number }];
    base = `http://127.0.0.1:${ready.port}`;
  });
  after(async () => {
    child.send({ type: "stop" });
    await once(child, "exit");
  });

  /** GETs every URL, `parallel` at a time, and checks they were answered. */
  async function getAll(urls: string[], parallel = 8): Promise<void> {
    let i = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (i < urls.length) {
          const url = urls[i++];
          const res = await fetch(base + url);
          await res.arrayBuffer();
          assert.ok(res.status === 200 || res.status === 404, `${url}: ${res.status}`);
        }
      }),
    );
  }

  const pages = ["/laporan", "/laporan/feed.atom", "/laporan/feed.rss", "/kinerja", "/open311/v2/requests.json", "/open311/v2/services.xml", "/laporan/ADU-2026-999999"];

  it("10,000 distinct junk-parameter URLs leave RSS within 20 MB and the cache within its bytes", async (ctx) => {
    // Warm the server up first (JIT code, V8's young generation, allocator arenas grow over the
    // first requests of any kind, then level off).
    await getAll(pages.concat(Array.from({ length: 1_000 }, (_, n) => `${pages[n % pages.length]}?utm_source=warm${n}`)));
    const start = (await ask()).rss;
    const junk = Array.from({ length: 10_000 }, (_, n) => `${pages[n % pages.length]}?utm_source=${"x".repeat(50)}${n}&fbclid=${n}`);
    await getAll(junk);
    const { rss: end, stats: s } = await ask();
    ctx.diagnostic(`server RSS after GC: ${(start / MB).toFixed(1)} -> ${(end / MB).toFixed(1)} MB`);
    assert.ok(s.bypassed >= 10_000, `junk URLs bypass the cache (${s.bypassed})`);
    assert.ok(s.bytes <= maxBytes && s.entries <= maxEntries, JSON.stringify(s));
    assert.ok(end - start < 20 * MB, `RSS grew by ${((end - start) / MB).toFixed(1)} MB`);
  });

  it("distinct values of known parameters evict least recently used entries within the bounds", async () => {
    await getAll(Array.from({ length: 600 }, (_, n) => `/laporan?q=kata${n}`));
    const s = await stats();
    assert.ok(s.entries <= maxEntries, `entries ${s.entries}`);
    assert.ok(s.bytes <= maxBytes, `bytes ${s.bytes}`);
    assert.ok(s.entries > 10, "the cache still works");
  });

  it("keys on the sorted known parameters: the same query in another order or with an empty filter is a hit", async () => {
    await getAll(["/laporan?status=closed&q=jalan"], 1);
    const before = (await stats()).hits;
    await getAll(["/laporan?q=jalan&status=closed", "/laporan?q=jalan&kategori=&status=closed"], 1);
    assert.equal((await stats()).hits - before, 2);
    const bypassed = (await stats()).bypassed;
    await getAll(["/laporan?q=jalan&status=closed&junk=1"], 1);
    assert.equal((await stats()).bypassed, bypassed + 1, "an unknown parameter is not cached");
  });

  const raw = (url: string, headers: Record<string, string>, method = "GET") => rawHttp(base + url, headers, method);
  const BROWSER = BROWSER_ACCEPT_ENCODING;

  it("a cached answer is the first one byte for byte, with its ETag; a matching If-None-Match gets 304", async () => {
    for (const url of ["/laporan?q=banjir", "/laporan/feed.atom", "/kinerja", "/laporan/ADU-2026-999999"]) {
      const first = await raw(url, {});
      const hits = (await stats()).hits;
      const again = await raw(url, {});
      assert.equal((await stats()).hits, hits + 1, `${url}: served from the cache`);
      assert.equal(again.status, first.status, url);
      assert.ok(again.body.equals(first.body), `${url}: the same bytes`);
      assert.equal(again.headers["content-type"], first.headers["content-type"], url);
      assert.equal(again.headers["content-length"], String(first.body.length), url);
      assert.equal(again.headers["content-encoding"], undefined, `${url}: not compressed for a client that did not ask`);
      const etag = first.headers.etag;
      assert.ok(etag, `${url}: an ETag`);
      assert.equal(again.headers.etag, etag, `${url}: the same ETag from the cache`);
      if (first.status === 200) {
        const conditional = await raw(url, { "if-none-match": etag });
        assert.deepEqual([conditional.status, conditional.body.length], [304, 0], `${url}: not modified`);
      }
    }
  });

  it("a cached answer goes out gzipped to a browser, compressed once; the uncompressed copy still revalidates", async () => {
    for (const url of ["/laporan?q=jalan", "/laporan/feed.rss", "/open311/v2/services.xml"]) {
      const first = await raw(url, BROWSER);
      assert.equal(first.status, 200, url);
      assert.equal(first.headers["content-encoding"], undefined, `${url}: the first answer (rendered, not yet reused) is sent as it is`);
      assert.ok(first.body.length >= 1024, `${url}: large enough to compress (${first.body.length} bytes)`);
      const again = await raw(url, BROWSER);
      assert.equal(again.headers["content-encoding"], "gzip", `${url}: gzipped from the cache`);
      assert.match(String(again.headers.vary), /Accept-Encoding/, url);
      assert.equal(again.headers["content-length"], String(again.body.length), url);
      assert.ok(again.body.length < first.body.length / 2, `${url}: ${again.body.length} of ${first.body.length} bytes on the wire`);
      assert.ok(gunzipSync(again.body).equals(first.body), `${url}: the same page once unpacked`);
      assert.equal(again.headers["content-type"], first.headers["content-type"], url);
      const gzEtag = again.headers.etag;
      assert.ok(gzEtag && gzEtag !== first.headers.etag, `${url}: the gzip variant has its own ETag (${gzEtag})`);
      // Compressed once: the next browser gets the very same bytes, as does any client that takes gzip.
      for (const ae of [BROWSER["accept-encoding"], "*", "GZIP", "deflate, gzip;q=0.8", "gzip;q=1, identity;q=0.5"]) {
        const res = await raw(url, { "accept-encoding": ae });
        assert.equal(res.headers["content-encoding"], "gzip", `${url} with Accept-Encoding ${ae}`);
        assert.ok(res.body.equals(again.body), `${url} with Accept-Encoding ${ae}: the stored gzip bytes`);
      }
      // Who does not accept gzip gets the page as it is, from the same entry.
      for (const ae of ["identity", "gzip;q=0, identity", "br", "br, zstd", "gzip;q=0.5, identity"]) {
        const plain = await raw(url, { "accept-encoding": ae });
        assert.equal(plain.headers["content-encoding"], undefined, `${url} with Accept-Encoding ${ae}`);
        assert.ok(plain.body.equals(first.body), `${url} with Accept-Encoding ${ae}: the page`);
        assert.equal(plain.headers.etag, first.headers.etag, `${url} with Accept-Encoding ${ae}: its ETag`);
      }
      // Either copy revalidates: the browser holding the uncompressed one is not sent the page again.
      assert.equal((await raw(url, { ...BROWSER, "if-none-match": String(first.headers.etag) })).status, 304, `${url}: uncompressed copy still fresh`);
      assert.equal((await raw(url, { ...BROWSER, "if-none-match": String(gzEtag) })).status, 304, `${url}: gzip copy still fresh`);
      const head = await raw(url, BROWSER, "HEAD");
      assert.deepEqual([head.status, head.headers["content-encoding"], head.body.length], [200, "gzip", 0], `${url}: HEAD`);
    }
  });

  it("stored files (stylesheet, map script and basemap) go out gzipped to a browser and as they are to others, each with its own ETag", async () => {
    for (const url of ["/publik/aduan.css", "/publik/peta/leaflet.js", "/publik/peta/leaflet.css", "/publik/peta/provinsi.json"]) {
      const plain = await raw(url, {});
      const gz = await raw(url, BROWSER);
      assert.equal(plain.status, 200, url);
      assert.equal(plain.headers["content-encoding"], undefined, url);
      assert.equal(gz.headers["content-encoding"], "gzip", url);
      assert.match(String(gz.headers.vary), /Accept-Encoding/, url);
      assert.equal(gz.headers["content-type"], plain.headers["content-type"], url);
      assert.ok(gunzipSync(gz.body).equals(plain.body), `${url}: the same file once unpacked`);
      assert.ok(gz.body.length < plain.body.length / 2, `${url}: ${gz.body.length} of ${plain.body.length} bytes`);
      assert.notEqual(gz.headers.etag, plain.headers.etag, url);
      assert.equal((await raw(url, { ...BROWSER, "if-none-match": String(gz.headers.etag) })).status, 304, url);
      assert.equal((await raw(url, { ...BROWSER, "if-none-match": String(plain.headers.etag) })).status, 304, url);
      assert.equal((await raw(url, { "if-none-match": String(plain.headers.etag) })).status, 304, url);
    }
    // Images are sent as they are: compressing a PNG or an icon gains nothing.
    for (const url of ["/favicon.ico", "/publik/peta/images/marker-icon.png"]) {
      const res = await raw(url, BROWSER);
      assert.deepEqual([res.status, res.headers["content-encoding"]], [200, undefined], url);
    }
  });
});
