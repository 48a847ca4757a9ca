// Probes and metrics for the data center's monitoring (docs/operations.md):
//   /healthz  the process answers (liveness; never touches the database)
//   /readyz   the database is reachable and writable, migrations are current, jobs are not lagging
//   /metrics  Prometheus text format, behind METRICS_TOKEN (or loopback only when it is unset)
import { Router, type Request, type Response } from "express";
import { isIP } from "node:net";
import { withDeadline } from "../lib/deadline.js";
import { safeEqualStrings, sha256Hex } from "../lib/crypto.js";
import { checkWritable, jobLags, pendingMigrations } from "../queries/operations.js";
import type { AppMetrics } from "./metrics.js";
import type { AppDeps } from "./types.js";

/** A readiness check that has not answered after this long counts as failed. */
export const READY_CHECK_TIMEOUT_MS = 2000;

export interface ReadyCheck {
  name: "database" | "migrations" | "jobs";
  ok: boolean;
  /** Why not ready (English, for operators and their monitoring). */
  reason?: string;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

/** Runs the readiness checks; the database check first, the others only when it passed. */
export async function readiness(deps: AppDeps): Promise<ReadyCheck[]> {
  const { db, config, clock } = deps;
  const run = async (name: ReadyCheck["name"], fn: () => Promise<string | undefined>): Promise<ReadyCheck> => {
    try {
      const reason = await withDeadline(fn(), READY_CHECK_TIMEOUT_MS);
      return reason ? { name, ok: false, reason } : { name, ok: true };
    } catch (err) {
      return { name, ok: false, reason: messageOf(err) };
    }
  };
  const database = await run("database", async () => {
    if (!db.ds.isInitialized) return "database connection closed";
    await checkWritable(db);
    return undefined;
  });
  if (!database.ok) return [database];
  const migrations = await run("migrations", async () => {
    const pending = await pendingMigrations(db.ds);
    return pending.length ? `migrations not applied: ${pending.join(", ")}` : undefined;
  });
  const jobs = await run("jobs", async () => {
    const bound = config.readyMaxJobLagSeconds;
    if (bound === 0) return undefined;
    const late = (await jobLags(db.manager, clock.now())).filter((j) => j.lagSeconds > bound);
    return late.length ? `jobs waiting longer than ${bound} s: ${late.map((j) => `${j.name} (${Math.round(j.lagSeconds)} s)`).join(", ")}` : undefined;
  });
  return [database, migrations, jobs];
}

/** A loopback client (127.0.0.0/8, ::1, or IPv4-mapped loopback), by the address express trusts. */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return a === "::1" || (isIP(a) === 4 && a.startsWith("127."));
}

/**
 * With METRICS_TOKEN: `Authorization: Bearer <token>` from anywhere (compared in constant time).
 * Without it: loopback clients only, as express sees them (TRUST_PROXY decides whether
 * X-Forwarded-For names the client), so a reverse proxy does not open it to the internet.
 */
function metricsAllowed(req: Request, token: string | undefined): { ok: true } | { ok: false; status: 401 | 403 } {
  if (token) {
    const m = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "");
    return m && safeEqualStrings(sha256Hex(m[1]!.trim()), sha256Hex(token)) ? { ok: true } : { ok: false, status: 401 };
  }
  return isLoopback(req.ip) ? { ok: true } : { ok: false, status: 403 };
}

export function healthRoutes(deps: AppDeps, metrics: AppMetrics): Router {
  const r = Router();
  const noStore = (res: Response) => res.setHeader("Cache-Control", "no-store");

  r.get("/healthz", (_req, res) => {
    noStore(res);
    res.json({ ok: true });
  });

  r.get("/readyz", async (_req, res) => {
    noStore(res);
    const checks = await readiness(deps);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ ok, checks });
  });

  r.get("/metrics", async (req, res) => {
    noStore(res);
    const allowed = metricsAllowed(req, deps.config.metricsToken);
    if (!allowed.ok) {
      if (allowed.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      res.status(allowed.status).type("text/plain").send(allowed.status === 401 ? "metrics need the bearer token (METRICS_TOKEN)\n" : "metrics answer only to loopback clients when METRICS_TOKEN is unset\n");
      return;
    }
    const body = await metrics.scrape();
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(body);
  });
  return r;
}
