// Acceptance 5 of issue 14: the public micro-cache is bounded in entries and bytes (LRU) and keyed
// on the parameters each route reads, so junk query parameters cannot grow the process.
// The cache does not touch the database's behaviour, so this runs on SQLite only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { sqliteTarget } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createApp } from "../../server/http/app.js";
import type { MicroCacheStats } from "../../server/http/public/micro-cache.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const rssAfterGc = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().rss;
};
const MB = 1024 * 1024;

describe("public micro-cache bounds", () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let stats: () => MicroCacheStats;
  const maxBytes = 2 * MB;
  const maxEntries = 200;
  before(async () => {
    t = await startTestApp(sqliteTarget);
    const app = createApp({ ...t.deps, publicCacheMs: 60_000, config: { ...t.config, publicCache: { maxEntries, maxBytes } } });
    stats = (app.locals.publicCache as { stats: () => MicroCacheStats }).stats;
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
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

  it("10,000 distinct junk-parameter URLs leave RSS within 20 MB and the cache within its bytes", async () => {
    // The process's own warm-up (JIT code, V8's young generation, allocator arenas, the HTTP
    // client) grows RSS by about 100 MB over the first ~1,500 requests of any kind, then levels.
    await getAll(pages.concat(Array.from({ length: 2_500 }, (_, n) => `${pages[n % pages.length]}?utm_source=warm${n}`)));
    const start = await rssAfterGc();
    const junk = Array.from({ length: 10_000 }, (_, n) => `${pages[n % pages.length]}?utm_source=${"x".repeat(50)}${n}&fbclid=${n}`);
    await getAll(junk);
    const end = await rssAfterGc();
    const s = stats();
    assert.ok(s.bypassed >= 10_000, `junk URLs bypass the cache (${s.bypassed})`);
    assert.ok(s.bytes <= maxBytes && s.entries <= maxEntries, JSON.stringify(s));
    assert.ok(end - start < 20 * MB, `RSS grew by ${((end - start) / MB).toFixed(1)} MB`);
  });

  it("distinct values of known parameters evict least recently used entries within the bounds", async () => {
    await getAll(Array.from({ length: 600 }, (_, n) => `/laporan?q=kata${n}`));
    const s = stats();
    assert.ok(s.entries <= maxEntries, `entries ${s.entries}`);
    assert.ok(s.bytes <= maxBytes, `bytes ${s.bytes}`);
    assert.ok(s.entries > 10, "the cache still works");
  });

  it("keys on the sorted known parameters: the same query in another order or with an empty filter is a hit", async () => {
    await getAll(["/laporan?status=closed&q=jalan"], 1);
    const before = stats().hits;
    await getAll(["/laporan?q=jalan&status=closed", "/laporan?q=jalan&kategori=&status=closed"], 1);
    assert.equal(stats().hits - before, 2);
    const bypassed = stats().bypassed;
    await getAll(["/laporan?q=jalan&status=closed&junk=1"], 1);
    assert.equal(stats().bypassed, bypassed + 1, "an unknown parameter is not cached");
  });
});
