// Acceptance 5 of issue 14: the public micro-cache is bounded in entries and bytes (LRU) and keyed
// on the parameters each route reads, so junk query parameters cannot grow the process.
// The cache does not touch the database's behaviour, so this runs on SQLite only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { get } from "node:http";
import { fileURLToPath } from "node:url";
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

  it("a cached answer is the first one byte for byte, with its ETag; a matching If-None-Match gets 304", async () => {
    for (const url of ["/laporan?q=banjir", "/laporan/feed.atom", "/kinerja", "/laporan/ADU-2026-999999"]) {
      const first = await fetch(base + url);
      const body = Buffer.from(await first.arrayBuffer());
      const hits = (await stats()).hits;
      const again = await fetch(base + url);
      const cached = Buffer.from(await again.arrayBuffer());
      assert.equal((await stats()).hits, hits + 1, `${url}: served from the cache`);
      assert.equal(again.status, first.status, url);
      assert.ok(cached.equals(body), `${url}: the same bytes`);
      assert.equal(again.headers.get("content-type"), first.headers.get("content-type"), url);
      assert.equal(again.headers.get("content-length"), String(body.length), url);
      const etag = first.headers.get("etag");
      assert.ok(etag, `${url}: an ETag`);
      assert.equal(again.headers.get("etag"), etag, `${url}: the same ETag from the cache`);
      if (first.status === 200) {
        // node:http, not fetch: fetch adds "Cache-Control: no-cache" to a conditional request (as
        // the Fetch standard says), and a server must then answer in full.
        const conditional = await new Promise<{ status: number; bytes: number }>((resolve, reject) => {
          get(base + url, { headers: { "if-none-match": etag } }, (res) => {
            let bytes = 0;
            res.on("data", (c: Buffer) => (bytes += c.length));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
          }).on("error", reject);
        });
        assert.deepEqual(conditional, { status: 304, bytes: 0 }, `${url}: not modified`);
      }
    }
  });
});
