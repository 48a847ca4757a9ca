// The server process of test/security/public-cache.security.test.ts: the real app on SQLite with
// the micro-cache on, alone in its process so its RSS is the server's own (not the HTTP client's).
// Started with --expose-gc; answers "measure" (RSS after GC and the cache's counters) and "stop"
// over the IPC channel.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { sqliteTarget } from "../support/databases.js";
import { startTestApp } from "../support/app.js";
import { createApp } from "../../server/http/app.js";
import type { MicroCacheStats } from "../../server/http/public/micro-cache.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error("start with --expose-gc through child_process.fork");
const t = await startTestApp(sqliteTarget);
const publicCache = { maxEntries: Number(process.env.CACHE_MAX_ENTRIES), maxBytes: Number(process.env.CACHE_MAX_BYTES) };
const app = createApp({ ...t.deps, publicCacheMs: 60_000, config: { ...t.config, publicCache } });
const stats = (app.locals.publicCache as { stats: () => MicroCacheStats }).stats;
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
process.send({ type: "ready", port: (server.address() as AddressInfo).port });
process.on("message", async (msg: { type: string }) => {
  if (msg.type === "measure") {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    process.send!({ type: "measured", rss: process.memoryUsage().rss, stats: stats() });
  } else if (msg.type === "stop") {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
    process.disconnect();
  }
});
