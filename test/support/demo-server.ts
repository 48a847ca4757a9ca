// A real Aduan server process, started as `npm start` starts it (tsx server/main.ts, all roles),
// on a fresh data directory and a free port, with the egress recorder preloaded. For the demo
// sandbox's tests (test/e2e/demo-sandbox.e2e.test.ts, test/browser/demo-*.browser.test.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RunningServer {
  base: string;
  port: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Everything the process printed so far. */
  output(): string;
  /** Attempts to reach a non-loopback address (empty: nothing left the machine). */
  egress(): string[];
  stop(): Promise<void>;
}

/** Starts the server; `env` adds to (or, with undefined values, removes from) a clean demo environment. */
export async function startServer(env: Record<string, string | undefined> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "aduan-demo-"));
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const egressLog = join(dataDir, "egress.log");
  writeFileSync(egressLog, "");
  const full: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, NODE_ENV: "development", LOG_LEVEL: "info", EGRESS_LOG: egressLog, PUBLIC_URL: `http://127.0.0.1:${port}` };
  delete full.DATABASE_URL;
  delete full.SESSION_SECRET;
  delete full.ENCRYPTION_KEY;
  delete full.DEMO_SANDBOX;
  delete full.DEMO_DATA;
  delete full.JOB_POLL_MS;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "--import", "./test/support/egress-recorder.ts", "server/main.ts"], { cwd: ROOT, env: full, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = once(child, "exit");
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    port,
    dataDir,
    env: full,
    output: () => output,
    egress: () => readFileSync(egressLog, "utf8").split("\n").filter(Boolean),
    stop,
  };
}

/** Runs `npm run simulate -- …` (tsx server/cli/simulate.ts) against the server. */
export async function simulate(server: RunningServer, args: string[]): Promise<{ code: number; out: string }> {
  // The simulator's own sockets are recorded too.
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./test/support/egress-recorder.ts", "server/cli/simulate.ts", ...args], { cwd: ROOT, env: server.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const [code] = (await once(child, "exit")) as [number];
  return { code, out };
}

/** Logs in through the API and returns a fetch bound to that session. */
export async function apiAs(base: string, email: string, password = "aduan-demo") {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  return async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}/api${path}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}
