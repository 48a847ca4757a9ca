// The real app in this process for the read benchmarks (console, search): production settings with
// fixed bench secrets, no logging, listening on a free loopback port.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../server/config/env.js";
import { createApp } from "../../server/http/app.js";
import { systemClock } from "../../server/lib/clock.js";
import type { Db } from "../../server/lib/db.js";
import { createLogger } from "../../server/lib/logger.js";

export async function listenBenchApp(db: Db): Promise<{ server: Server; base: string }> {
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: "/tmp/aduan-bench",
    SESSION_SECRET: "bench-session-secret-that-is-long-enough-0123456789",
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    PUBLIC_URL: "http://127.0.0.1",
  });
  const app = createApp({ db, config, clock: systemClock, logger: createLogger("silent") });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
