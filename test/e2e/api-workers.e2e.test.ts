// Issue 18, item 1: `--api-workers=N` runs the API role in N processes on one port (node:cluster).
// A real server process on MariaDB: both workers answer, /metrics counts every worker's requests
// whichever worker answers the scrape, a killed worker is replaced while the server keeps
// answering, SIGTERM ends them all; SQLite refuses more than one with a clear message.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/demo-server.js";
import { freshMysqlDatabase, testTargets } from "../support/databases.js";
import { API_WORKER_ENV } from "../../server/api-workers.js";

const SERVER_ENV = {
  NODE_ENV: "production",
  LOG_LEVEL: "info",
  HOST: "127.0.0.1",
  PUBLIC_URL: "http://aduan.test",
  DEMO_DATA: "0",
  SESSION_SECRET: "s".repeat(40),
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  METRICS_TOKEN: "",
};

/**
 * The live API worker processes a primary forked (Linux /proc): its children whose environment has
 * the worker mark. Other children (tsx's esbuild service, when it compiles) are not workers.
 */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) !== pid || f[0] === "Z") continue;
      if (readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`${API_WORKER_ENV}=1`)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * GET on a fresh connection each time (no keep-alive), so the kernel spreads them over the workers.
 * A request that gets no answer in 10 s fails the test (a lost connection must not hang the file).
 */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 10_000, headers: { connection: "close" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer in 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const mysqlOn = (await testTargets()).some((t) => t.name === "mariadb");

describe("several API processes on one port (--api-workers)", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  const start = (args: string[], env: NodeJS.ProcessEnv) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts", ...args], { env: { ...process.env, ...SERVER_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    });
    return { child, output: () => output };
  };

  it("MariaDB: two workers serve one port, metrics add up, a dead worker is replaced, SIGTERM ends all", { skip: mysqlOn ? false : "MariaDB unreachable" }, async () => {
    const m = await freshMysqlDatabase("aduan_aw");
    cleanup.push(() => m.drop());
    const dataDir = mkdtempSync(join(tmpdir(), "aduan-aw-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const s = start(["--roles=api", "--api-workers=2"], { DATABASE_URL: m.url, DATA_DIR: dataDir, PORT: String(port) });
    // The port answers as soon as the first worker listens; the primary says when both do.
    await waitFor("both API workers to listen", () => (/2 API processes share the port/.test(s.output()) ? true : undefined), 90_000);
    assert.equal((await get(port, "/readyz")).status, 200);
    const workers = childrenOf(s.child.pid!);
    assert.equal(workers.length, 2, "the primary forked two API processes");

    // 40 requests on fresh connections; then the scrape, answered by either worker, counts all 40.
    for (let i = 0; i < 40; i++) assert.equal((await get(port, "/healthz")).status, 200);
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = (await get(port, "/metrics")).body;
      assert.match(text, /^aduan_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="2xx"\} 40$/m, "every worker's requests, summed");
      // A gauge read from the database is the same in every worker: reported once, not summed.
      const outbox = text.match(/^aduan_outbox_depth\{[^}]*\} (\d+)$/m);
      if (outbox) assert.equal(Number(outbox[1]), 0);
    }

    // A worker dies: another takes its place; the port keeps answering meanwhile.
    process.kill(workers[0]!, "SIGKILL");
    assert.equal((await get(port, "/healthz")).status, 200, "the other worker answers at once");
    const replaced = await waitFor("a new API worker", () => {
      const now = childrenOf(s.child.pid!);
      return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
    });
    assert.ok(replaced.includes(workers[1]!), "the surviving worker kept running");
    await waitFor("the new worker to serve", async () => {
      for (let i = 0; i < 6; i++) if ((await get(port, "/healthz")).status !== 200) return undefined;
      return true;
    });
    assert.match(s.output(), /API worker died; starting another/);

    // SIGTERM to the primary ends the workers too, cleanly.
    const exited = once(s.child, "exit", { signal: AbortSignal.timeout(30_000) });
    s.child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
    await waitFor("the workers to be gone", () => (replaced.every((pid) => !existsPid(pid)) ? true : undefined), 15_000);
  });

  it("SQLite: more than one API process is refused with a message that says why", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "aduan-aw-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, PORT: String(await freePort()) };
    const s = start(["--roles=api", "--api-workers=2"], { ...env, DATABASE_URL: "" });
    const [code] = await once(s.child, "exit");
    assert.equal(code, 1);
    assert.match(s.output(), /--api-workers \(API_WORKERS\) above 1 needs MySQL\/MariaDB/);
    const bad = start(["--roles=api", "--api-workers=zero"], { ...env, DATABASE_URL: "" });
    assert.equal((await once(bad.child, "exit"))[0], 1);
    assert.match(bad.output(), /--api-workers must be a number from 1 to 99, not "zero"/);
  });
});

function existsPid(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
