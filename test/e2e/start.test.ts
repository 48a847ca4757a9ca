import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/demo-server.js";

describe("npm start on a fresh data directory", () => {
  it("serves with the embedded database, migrations applied and demo data loaded, and prints the demo logins", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aduan-start-"));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_ENV: "development", LOG_LEVEL: "info" };
    delete env.DATABASE_URL;
    delete env.SESSION_SECRET;
    delete env.ENCRYPTION_KEY;
    delete env.METRICS_TOKEN;
    const child = spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000;
      for (;;) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) break;
        } catch {
          /* not up yet */
        }
        if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.match(output, /operator@demo\.aduan\.id/);
      assert.match(output, /aduan-demo/);
      const login = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "operator@demo.aduan.id", password: "aduan-demo" }),
      });
      assert.equal(login.status, 200);
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const list = await fetch(`${base}/api/tickets?range=[0,99]`, { headers: { cookie } });
      assert.equal(list.status, 200);
      const total = Number(list.headers.get("content-range")!.split("/")[1]);
      assert.ok(total >= 30, `demo tickets loaded (${total})`);
      const channels = new Set(((await list.json()) as { channel: string }[]).map((x) => x.channel));
      assert.ok(channels.size >= 5, "on several channels");
      // The real process is ready (database, migrations, its own worker) and its metrics answer on loopback.
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200, await ready.clone().text());
      assert.deepEqual(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks.map((c) => [c.name, c.ok]), [["database", true], ["migrations", true], ["jobs", true]]);
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /^aduan_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status="2xx"\} 1$/m);
    } finally {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      await once(child, "exit").catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
