import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type Server, type Socket } from "node:net";
import supertest from "supertest";
import mysql from "mysql2/promise";
import { DataSource } from "typeorm";
import { randomBytes } from "node:crypto";
import { createDataSource, dataSourceOptions } from "../../server/config/data-source.js";
import { createApp } from "../../server/http/app.js";
import { Db, sqlTime } from "../../server/lib/db.js";
import { OutboxItem } from "../../server/entities/index.js";
import { freshMysqlDatabase, MYSQL_ROOT_URL, openMigrated, testTargets, type TestTarget } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { parsePrometheusText, valueOf, type Family } from "../support/prometheus.js";

/**
 * Issue 15 point 6: /healthz, /readyz and /metrics on a real app and a real database. The database
 * "stops" for real: on MariaDB the app reaches its (own, fresh) database through a TCP relay that
 * the test closes, cutting every connection as a stopped server would (the shared MariaDB server
 * keeps running for other tests); on SQLite the app's DataSource is closed.
 */

/** A TCP relay to the MariaDB server that can be stopped (refuses and cuts connections) and started again on the same port. */
class Relay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly upstream: { host: string; port: number }) {}
  /** forward: relay to the server; blackhole: accept connections and never answer (a network partition). */
  async start(mode: "forward" | "blackhole" = "forward"): Promise<void> {
    const server = createServer((client) => {
      if (mode === "blackhole") {
        this.sockets.add(client);
        client.on("close", () => this.sockets.delete(client));
        client.on("error", () => client.destroy());
        return;
      }
      const up = connect(this.upstream.port, this.upstream.host);
      for (const s of [client, up]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          up.destroy();
        });
      }
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A database target whose outage the test controls. */
interface Outage {
  target: TestTarget;
  stop(db: Db): Promise<void>;
  /** The server stops answering without closing anything (MariaDB only). */
  hang?(): Promise<void>;
  resume(db: Db): Promise<void>;
  close(): Promise<void>;
}

function sqliteOutage(base: TestTarget): Outage {
  return {
    target: base,
    stop: (db) => db.ds.destroy(),
    resume: async (db) => {
      await db.ds.initialize();
    },
    close: async () => undefined,
  };
}

function mariadbOutage(): Outage {
  const root = new URL(MYSQL_ROOT_URL);
  const relay = new Relay({ host: root.hostname, port: Number(root.port || 3306) });
  return {
    target: {
      name: "mariadb",
      async open() {
        await relay.start();
        const fresh = await freshMysqlDatabase();
        const url = new URL(fresh.url);
        url.host = `127.0.0.1:${relay.port}`;
        return openMigrated({ databaseUrl: url.toString(), poolSize: 4 }, fresh.drop);
      },
    },
    stop: () => relay.stop(),
    hang: async () => {
      await relay.stop();
      await relay.start("blackhole");
    },
    resume: async () => {
      await relay.stop();
      await relay.start();
    },
    close: () => relay.stop(),
  };
}

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";
const EXTERNAL = "203.0.113.9";
const WEBHOOK_ROUTE = "/webhooks/:connector/:account";

for (const base of await testTargets()) {
  describe(`health, readiness and metrics (${base.name})`, () => {
    const outage = base.name === "mariadb" ? mariadbOutage() : sqliteOutage(base);
    let t: TestApp;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const scrape = async (): Promise<Map<string, Family>> => {
      const res = await http().get("/metrics");
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers["content-type"], /^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(res.text);
    };

    before(async () => {
      t = await startTestApp(outage.target);
      const admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS metrik", config: { ...TWILIO } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t.close();
      await outage.close();
    });

    it("/healthz answers without looking at anything; /readyz reports every check passing", async () => {
      const h = await http().get("/healthz");
      assert.equal(h.status, 200);
      assert.deepEqual(h.body, { ok: true });
      const r = await http().get("/readyz");
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { ok: true, checks: [{ name: "database", ok: true }, { name: "migrations", ok: true }, { name: "jobs", ok: true }] });
      assert.equal(r.headers["cache-control"], "no-store");
    });

    it("/metrics parses strictly and names every family the operators' dashboards need", async () => {
      const f = await scrape();
      const expect: Record<string, Family["type"]> = {
        aduan_http_request_duration_seconds: "histogram",
        aduan_ingest_messages_total: "counter",
        aduan_ingest_batch_size: "histogram",
        aduan_ingest_batch_fallbacks_total: "counter",
        aduan_outbox_depth: "gauge",
        aduan_outbox_problems: "gauge",
        aduan_sla_clocks: "gauge",
        aduan_job_lag_seconds: "gauge",
        aduan_jobs_due: "gauge",
        aduan_jobs_failing: "gauge",
        aduan_db_pool_connections: "gauge",
        aduan_galera_node: "gauge",
        aduan_metrics_collect_failures_total: "counter",
        aduan_process_cpu_user_seconds_total: "counter",
        aduan_process_resident_memory_bytes: "gauge",
        aduan_nodejs_eventloop_lag_seconds: "gauge",
      };
      for (const [name, type] of Object.entries(expect)) assert.equal(f.get(name)?.type, type, `${name} is a ${type}`);
      assert.equal(f.get("aduan_galera_node")!.samples.length, 0, "not a Galera node: no Galera samples");
      assert.equal(f.get("aduan_metrics_collect_failures_total")!.samples.reduce((s, x) => s + x.value, 0), 0, "every collector read the database");
      // The account exists and has nothing queued yet.
      assert.equal(valueOf(f, "aduan_outbox_depth", { account: String(account.id), kind: "sms" }), 0);
      const pool = (state: string) => valueOf(f, "aduan_db_pool_connections", { state });
      assert.equal(pool("size"), base.name === "mariadb" ? 4 : 1);
      assert.ok(pool("open")! >= 1 && pool("open")! <= pool("size")!, `open ${pool("open")}`);
    });

    it("the ingest counter grows by exactly the messages stored; latency is labelled by route pattern, never by raw URL", async () => {
      const before = await scrape();
      const messages0 = valueOf(before, "aduan_ingest_messages_total") ?? NaN;
      const batchSum0 = valueOf(before, "aduan_ingest_batch_size_sum") ?? 0;
      const webhook = { route: WEBHOOK_ROUTE, method: "POST", status: "2xx" };
      const hooks0 = valueOf(before, "aduan_http_request_duration_seconds_count", webhook) ?? 0;
      // Five citizens write at once (they share batches), one forged request is refused.
      const sent = 5;
      const answers = await Promise.all(
        Array.from({ length: sent }, (_, i) => postTwilio(http(), account.webhookUrl, inboundSms(`+62812777000${i}`, `Lampu jalan mati di gang ${i}.`, newSid()))),
      );
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const forged = await postTwilio(http(), account.webhookUrl, inboundSms("+6281277700099", "palsu", newSid()), { signature: "AAAA" });
      assert.equal(forged.status, 401);

      const after = await scrape();
      assert.equal(valueOf(after, "aduan_ingest_messages_total")! - messages0, sent);
      assert.equal(valueOf(after, "aduan_ingest_batch_size_sum")! - batchSum0, sent, "every message was in a committed batch");
      assert.equal(valueOf(after, "aduan_http_request_duration_seconds_count", webhook)! - hooks0, sent);
      assert.equal(valueOf(after, "aduan_http_request_duration_seconds_count", { route: WEBHOOK_ROUTE, method: "POST", status: "4xx" }), 1);
      const routes = new Set(after.get("aduan_http_request_duration_seconds")!.samples.map((s) => s.labels.route));
      assert.ok(routes.has("/api/auth/login"), [...routes].join(" "));
      for (const r of routes) assert.doesNotMatch(r!, /\/\d+(\/|$)|twilio-sms/, `raw URL in a route label: ${r}`);
      // Each new ticket queued its acknowledgement: the outbox depth of the account says so.
      const queued = await m().getRepository(OutboxItem).countBy({ channelAccountId: account.id, state: "pending" });
      assert.equal(queued, sent);
      assert.equal(valueOf(after, "aduan_outbox_depth", { account: String(account.id), kind: "sms" }), sent);
    });

    it("acknowledgements no worker sends show as stuck on their channel account after 5 minutes", async () => {
      const stuck = (f: Map<string, Family>) => valueOf(f, "aduan_outbox_problems", { account: String(account.id), kind: "sms", problem: "stuck" });
      assert.equal(stuck(await scrape()), 0);
      t.clock.advance(6 * 60_000);
      try {
        const f = await scrape();
        assert.equal(stuck(f), 5);
        assert.equal(valueOf(f, "aduan_outbox_problems", { account: String(account.id), kind: "sms", problem: "retrying" }), 0);
        assert.equal(valueOf(f, "aduan_outbox_depth", { account: String(account.id), kind: "sms" }), 5, "still waiting");
      } finally {
        t.clock.advance(-6 * 60_000);
      }
    });

    it("SLA clocks whose warning or breach has come show as due until the check records them", async () => {
      const dueInDb = () =>
        m()
          .createQueryBuilder()
          .from("sla_clocks", "c")
          .where("c.state = 'running' AND c.next_event_at <= :at", { at: sqlTime(m(), t.clock.now()) })
          .getCount();
      const eventsInDb = (kind: string) =>
        m()
          .createQueryBuilder()
          .from("sla_events", "e")
          .where("e.kind = :kind AND e.recorded_at >= :since", { kind, since: sqlTime(m(), new Date(t.clock.now().getTime() - 24 * 3600_000)) })
          .getCount();
      const now = await scrape();
      const dueNow = await dueInDb();
      assert.equal(valueOf(now, "aduan_sla_clocks", { state: "due" }), dueNow);
      assert.equal(valueOf(now, "aduan_sla_clocks", { state: "warned" }), await eventsInDb("warning"));
      assert.equal(valueOf(now, "aduan_sla_clocks", { state: "breached" }), await eventsInDb("breach"));
      // Two months later, nobody having run the SLA check: the new tickets' clocks are all due.
      t.clock.advance(60 * 24 * 3600_000);
      try {
        const later = await scrape();
        const dueLater = await dueInDb();
        assert.ok(dueLater >= dueNow + 5, `the five new tickets' clocks are due: ${dueNow} -> ${dueLater}`);
        assert.equal(valueOf(later, "aduan_sla_clocks", { state: "due" }), dueLater);
      } finally {
        t.clock.advance(-60 * 24 * 3600_000);
      }
    });

    it("/metrics refuses a client that is not on loopback; with METRICS_TOKEN only the bearer token opens it", async () => {
      const fromOutside = await http().get("/metrics").set("X-Forwarded-For", EXTERNAL);
      assert.equal(fromOutside.status, 403);
      assert.doesNotMatch(fromOutside.text, /aduan_/);
      // A second app on the same database with a token: its own registry, no collision with the first.
      const guarded = supertest(createApp({ ...t.deps, config: { ...t.config, metricsToken: METRICS_TOKEN } }));
      for (const auth of [undefined, "Bearer wrong-token-0123456789abcdef", `Basic ${METRICS_TOKEN}`]) {
        let req = guarded.get("/metrics").set("X-Forwarded-For", EXTERNAL);
        if (auth) req = req.set("Authorization", auth);
        const res = await req;
        assert.equal(res.status, 401, `${auth}: ${res.status}`);
        assert.match(res.headers["www-authenticate"], /^Bearer/);
      }
      assert.equal((await guarded.get("/metrics")).status, 401, "loopback needs the token too once it is set");
      const ok = await guarded.get("/metrics").set("X-Forwarded-For", EXTERNAL).set("Authorization", `Bearer ${METRICS_TOKEN}`);
      assert.equal(ok.status, 200);
      const f = parsePrometheusText(ok.text);
      assert.equal(valueOf(f, "aduan_ingest_messages_total"), 0, "the second app's own counters");
      assert.equal(valueOf(f, "aduan_outbox_depth", { account: String(account.id) }), 5, "the same database");
    });

    it("/readyz is 503 with the reason while migrations are missing or jobs wait too long", async () => {
      const db = t.database.db;
      const [last] = await m().query("SELECT id, timestamp, name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await m().query("DELETE FROM migrations WHERE id = ?", [last.id]);
      try {
        const r = await http().get("/readyz");
        assert.equal(r.status, 503);
        assert.equal(r.body.ok, false);
        assert.deepEqual(r.body.checks.find((c: { name: string }) => c.name === "migrations"), { name: "migrations", ok: false, reason: `migrations not applied: ${last.name}` });
      } finally {
        await m().query("INSERT INTO migrations (id, timestamp, name) VALUES (?, ?, ?)", [last.id, last.timestamp, last.name]);
      }
      assert.equal((await http().get("/readyz")).status, 200);

      // A job due 20 minutes ago that no worker took (the default bound is 10 minutes).
      const now = t.clock.now();
      const at = (ms: number) => sqlTime(db.manager, new Date(now.getTime() + ms));
      await m().query("INSERT INTO jobs (name, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?)", ["health-test", at(-20 * 60_000), at(-20 * 60_000), at(-20 * 60_000)]);
      try {
        const r = await http().get("/readyz");
        assert.equal(r.status, 503);
        const jobs = r.body.checks.find((c: { name: string }) => c.name === "jobs");
        assert.equal(jobs.ok, false);
        assert.match(jobs.reason, /^jobs waiting longer than 600 s: health-test \(1200 s\)$/);
        const f = await scrape();
        assert.equal(valueOf(f, "aduan_job_lag_seconds", { job: "health-test" }), 1200);
        assert.equal(valueOf(f, "aduan_jobs_due", { job: "health-test" }), 1);
      } finally {
        await m().query("DELETE FROM jobs WHERE name = ?", ["health-test"]);
      }
      assert.equal((await http().get("/readyz")).status, 200);
    });

    it("/readyz is 503 for a database that answers reads but refuses writes", async () => {
      // The same database, opened read-only: SQLite's read-only mode; on MariaDB a user with SELECT only.
      let ds: DataSource;
      let cleanup = async () => undefined as void;
      if (base.name === "sqlite") {
        ds = new DataSource({ ...dataSourceOptions({ sqlitePath: t.database.settings.sqlitePath! }), readonly: true } as ConstructorParameters<typeof DataSource>[0]);
      } else {
        const database = new URL(t.database.settings.databaseUrl!).pathname.slice(1);
        const user = `aduan_ro_${randomBytes(4).toString("hex")}`;
        const root = await mysql.createConnection({ uri: MYSQL_ROOT_URL });
        await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'read-only-pw'`);
        await root.query(`GRANT SELECT ON \`${database}\`.* TO '${user}'@'%'`);
        const url = new URL(MYSQL_ROOT_URL);
        url.username = user;
        url.password = "read-only-pw";
        url.pathname = `/${database}`;
        ds = createDataSource({ databaseUrl: url.toString(), poolSize: 2 });
        cleanup = async () => {
          await root.query(`DROP USER '${user}'@'%'`);
          await root.end();
        };
      }
      await ds.initialize();
      const readOnly = new Db(ds);
      try {
        const app = supertest(createApp({ ...t.deps, db: readOnly }));
        const r = await app.get("/readyz");
        assert.equal(r.status, 503, JSON.stringify(r.body));
        assert.equal(r.body.checks[0].name, "database");
        assert.match(r.body.checks[0].reason, base.name === "sqlite" ? /readonly database/ : /UPDATE command denied/);
        // It can still be read: the failure is the write, not the connection.
        assert.ok((await readOnly.manager.query("SELECT COUNT(*) AS n FROM migrations"))[0].n > 0);
      } finally {
        await readOnly.close();
        await cleanup();
      }
      assert.equal((await http().get("/readyz")).status, 200, "the writable app stays ready");
    });

    it("/readyz goes 503 within 5 s when the database stops, and 200 once it is back", async () => {
      const db = t.database.db;
      const poll = async (status: number): Promise<{ ms: number; body: { checks: { name: string; ok: boolean; reason?: string }[] } }> => {
        const start = Date.now();
        for (;;) {
          const r = await http().get("/readyz");
          if (r.status === status) return { ms: Date.now() - start, body: r.body };
          assert.ok(Date.now() - start < 5000, `still ${r.status} after 5 s: ${JSON.stringify(r.body)}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      };
      await outage.stop(db);
      const down = await poll(503);
      console.log(`# ${base.name}: /readyz 503 after ${down.ms} ms: ${down.body.checks[0]!.reason}`);
      assert.equal(down.body.checks[0]!.name, "database");
      assert.equal(down.body.checks[0]!.ok, false);
      assert.equal((await http().get("/healthz")).status, 200, "the process itself is alive");
      // Metrics still answer; the database-derived ones are absent and their failures counted (a
      // scrape reads the counter before its own collectors fail: the next one shows them).
      assert.equal((await scrape()).get("aduan_outbox_depth")!.samples.length, 0);
      const f = await scrape();
      assert.equal(f.get("aduan_outbox_depth")!.samples.length, 0);
      assert.ok((valueOf(f, "aduan_metrics_collect_failures_total", { collector: "aduan_outbox_depth" }) ?? 0) >= 1);
      assert.ok((valueOf(f, "aduan_metrics_collect_failures_total", { collector: "aduan_sla_clocks" }) ?? 0) >= 1);
      await outage.resume(db);
      const up = await poll(200);
      console.log(`# ${base.name}: /readyz 200 again after ${up.ms} ms`);
    });

    // SQLite lives in the process: it can be closed, not cut off.
    if (outage.hang) it("/readyz goes 503 within 5 s when the database hangs without closing, and /metrics still answers with the process metrics", async () => {
      const db = t.database.db;
      await outage.hang!();
      try {
        const start = Date.now();
        const r = await http().get("/readyz");
        const ms = Date.now() - start;
        console.log(`# ${base.name}: hanging database, /readyz 503 after ${ms} ms: ${r.body.checks?.[0]?.reason}`);
        assert.equal(r.status, 503);
        assert.ok(ms < 5000, `${ms} ms`);
        assert.deepEqual(r.body.checks[0], { name: "database", ok: false, reason: "no answer within 2000 ms" });
        const s0 = Date.now();
        const f = await scrape();
        assert.ok(Date.now() - s0 < 5000, "the scrape is not held by the database");
        assert.equal(f.get("aduan_outbox_depth")!.samples.length, 0);
        assert.ok(valueOf(f, "aduan_process_resident_memory_bytes")! > 0);
      } finally {
        await outage.resume(db);
      }
      const start = Date.now();
      while ((await http().get("/readyz")).status !== 200) {
        assert.ok(Date.now() - start < 5000, "ready again within 5 s");
        await new Promise((res) => setTimeout(res, 100));
      }
    });
  });
}
