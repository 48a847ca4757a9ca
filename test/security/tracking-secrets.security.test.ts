import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, jobDepsOf, newSid, postTwilio, statusCallback, TWILIO } from "../support/channels.js";
import { GeoReportClient } from "../support/georeport-client.js";
import { verifyAndForward } from "../support/public.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Message, Ticket } from "../../server/entities/index.js";
import { TRACKING_CODE_SENT, TRACKING_LINK_SENT } from "../../server/commands/tracking-secrets.js";
import { routesOf } from "../../server/http/route.js";

/**
 * Issue 14, "secrets never readable back": the citizen's tracking link and one-time codes reach
 * the citizen (a fake Twilio here) and work on /lacak, while nothing staff can read — every GET
 * /api route as every role, the public exports, the info-level log, the database itself — holds a
 * working secret or a valid code. A new code cancels neither the link nor an earlier code.
 */
const ROLES = Object.entries(DEMO) as [string, string][];
const LINK = /https?:\/\/[^\s]+\/lacak\/(ADU-\d{4}-\d{5,8})\?k=([A-Za-z0-9_-]{20,})/;

/** Every route of the app found by walking express's router: [method, full path]. */
function walkRoutes(app: { router: { stack: any[] } }): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const visit = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) for (const method of Object.keys(layer.route.methods)) out.push({ method, path: `${prefix}${p}` });
      } else if (layer.handle?.stack) {
        // A mounted router: its mount path is the first of these that it matches but "/" does not.
        const mount = ["/api", "/webhooks", "/lapor", "/lacak", "/laporan", "/open311/v2", "/kinerja", "/console", "/demo", "/publik"].find(
          (p) => layer.match(`${p}/x`) && !layer.match("/zz-not-mounted/x"),
        );
        visit(layer.handle.stack, `${prefix}${mount ?? ""}`);
      }
    }
  };
  visit(app.router.stack, "");
  return out;
}

for (const target of await testTargets()) {
  describe(`security: tracking secrets are never readable back (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let smsAccount: { id: number; webhookUrl: string };
    const logLines: string[] = [];
    const m = () => t.database.db.manager;
    const sweep = () => runOutboxSweep(jobDepsOf(t));
    /** What the citizens received on their phones. */
    const received = () => twilio.messages.map((x) => x.body);
    const linksIn = (texts: string[]) => texts.map((x) => LINK.exec(x)).filter((x): x is RegExpExecArray => !!x).map((x) => ({ url: x[0], number: x[1]!, secret: x[2]! }));
    const codesIn = (texts: string[]) => texts.map((x) => /: (\d{6})\./.exec(x)?.[1]).filter((x): x is string => !!x);
    let ip = 1;
    const citizen = () => {
      const addr = `10.9.0.${ip++}`;
      const agent = supertest.agent(t.app);
      return { get: (p: string) => agent.get(p).set("X-Forwarded-For", addr), post: (p: string) => agent.post(p).set("X-Forwarded-For", addr).type("form") };
    };
    /** The link opens the ticket's page (a cookie and a redirect, then the page). */
    const opens = async (url: string, number: string) => {
      const c = citizen();
      const u = new URL(url);
      const r = await c.get(`${u.pathname}${u.search}`);
      if (r.status !== 303) return false;
      return (await c.get(`/lacak/${number}`)).status === 200;
    };
    const codeOpens = async (number: string, code: string) => {
      const c = citizen();
      const r = await c.post("/lacak/masuk").send({ nomor: number, kode: code });
      return r.status === 303 && (await c.get(`/lacak/${number}`)).status === 200;
    };
    const tickets: { id: number; number: string; via: string }[] = [];

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      const sink = new Writable({
        write(chunk, _enc, done) {
          logLines.push(...String(chunk).split("\n").filter(Boolean));
          done();
        },
      });
      t = await startTestApp(target, {}, { logger: pino({ level: "info" }, sink) });
      const admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS uji", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      smsAccount = res.body;
      const key = await admin.post("/api/open311-keys").send({ name: "Aplikasi uji" });
      assert.equal(key.status, 201);
      const operator = await t.loginAs(DEMO.operator);

      // 1. A citizen's SMS through the signed webhook (the batch ingest).
      const sid = newSid();
      const sms = await postTwilio(supertest(t.app), smsAccount.webhookUrl, inboundSms("+6281234500071", "Lampu jalan di Jl. Merdeka mati sejak kemarin malam.", sid));
      assert.equal(sms.status, 200, sms.text);
      const viaSms = await m().getRepository(Message).findOneByOrFail({ externalId: sid });
      const smsTicket = await m().getRepository(Ticket).findOneByOrFail({ id: viaSms.ticketId });
      tickets.push({ id: smsTicket.id, number: smsTicket.number, via: "sms webhook" });
      // 2. The operator records a phone call: the answer does not carry the link.
      const created = await operator.post("/api/tickets").send({ channel: "voice", privacy: "publik", description: "Saluran air tersumbat di Gang Mawar.", caller: { name: "Bu Sari", phone: "081234500072" } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.trackingLinkSent, true);
      assert.doesNotMatch(JSON.stringify(created.body), /k=/, "the operator never sees the secret");
      tickets.push({ id: created.body.id, number: created.body.number, via: "operator" });
      // 3. Open311.
      const o311 = await new GeoReportClient(t.app).post("json", { api_key: key.body.key, service_code: "jalan-jembatan", lat: "-6.9175", long: "107.6191", description: "Trotoar ambles di depan pasar.", phone: "081234500073", first_name: "Ani" });
      assert.equal(o311.status, 201, o311.raw);
      const number311 = (o311.body as any[])[0].service_request_id as string;
      const ticket311 = await m().getRepository(Ticket).findOneByOrFail({ number: number311 });
      tickets.push({ id: ticket311.id, number: number311, via: "open311" });

      await sweep();
      for (const tk of tickets) await verifyAndForward(t, operator, tk.id, "DPU");
    });
    after(async () => {
      await t?.close();
      await twilio?.close();
    });

    it("(a) each citizen receives a link that opens their ticket on /lacak; the stored copy says the link was sent", async () => {
      const links = linksIn(received());
      for (const tk of tickets) {
        const link = links.find((l) => l.number === tk.number);
        assert.ok(link, `${tk.via}: the citizen received a tracking link (${received().join(" | ")})`);
        assert.ok(await opens(link.url, tk.number), `${tk.via}: the received link opens the page`);
        const acks = await m().getRepository(Message).findBy({ ticketId: tk.id, direction: "outbound" });
        assert.ok(acks.some((a) => a.body.includes(TRACKING_LINK_SENT)), `${tk.via}: staff read "${TRACKING_LINK_SENT}"`);
      }
    });

    it("(b, c) with valid codes outstanding: no API route for any role, no export, no info log line and no database column holds a working secret or a valid code", async () => {
      const smsTicket = tickets[0]!;
      // Two codes asked for the SMS ticket: both stay valid (they are spent in (d)).
      for (let i = 0; i < 2; i++) assert.equal((await citizen().post("/lacak/kode").send({ nomor: smsTicket.number })).status, 200);
      await sweep();
      const codes = codesIn(received());
      assert.equal(codes.length, 2, received().join(" | "));
      const secrets = linksIn(received()).map((l) => l.secret);
      assert.equal(secrets.length, tickets.length);
      const leaks = (where: string, text: string): string[] => [
        ...secrets.filter((s) => text.includes(s)).map((s) => `${where}: tracking secret ${s.slice(0, 6)}…`),
        ...codes.filter((c) => new RegExp(`(?<![0-9A-Za-z])${c}(?![0-9A-Za-z])`).test(text)).map((c) => `${where}: code ${c}`),
      ];
      const found: string[] = [];

      // Every GET route under /api, found by walking the router, as every role: without params, or with each ticket's and message's id.
      const routes = walkRoutes(t.app as any).filter((r) => r.method === "get" && r.path.startsWith("/api/"));
      const registered = routesOf(t.deps).filter((r) => r.method === "get");
      const walked = new Set(routes.map((r) => r.path));
      assert.deepEqual(registered.filter((r) => !walked.has(`/api${r.path}`)).map((r) => r.path), [], "the walk finds every registered GET route");
      const messageIds = (await m().getRepository(Message).find({ select: { id: true }, where: tickets.map((tk) => ({ ticketId: tk.id })) })).map((x) => x.id);
      let requests = 0;
      for (const [role, email] of ROLES) {
        const agent = await t.loginAs(email);
        for (const r of routes) {
          const params = r.path.match(/:(\w+)/g) ?? [];
          const ids = params.length === 0 ? [null] : params.length === 1 && params[0] === ":id" ? (r.path.startsWith("/api/messages") ? messageIds : tickets.map((tk) => tk.id)) : [];
          for (const id of ids) {
            const path = id === null ? r.path : r.path.replace(":id", String(id));
            const variants = id === null ? [path, ...tickets.map((tk) => `${path}?filter=${encodeURIComponent(JSON.stringify({ ticketId: tk.id }))}&range=${encodeURIComponent("[0,999]")}`)] : [path];
            for (const p of variants) {
              // The live stream never ends by itself: ?once=1 closes it after the catch-up, whose events are read too.
              const res = await agent.get(r.path === "/api/events" ? `${p}${p.includes("?") ? "&" : "?"}once=1` : p);
              requests++;
              found.push(...leaks(`${role} GET ${p} (${res.status})`, `${JSON.stringify(res.headers)}${res.text ?? ""}${res.body && !res.text ? JSON.stringify(res.body) : ""}`));
            }
          }
        }
      }
      assert.ok(requests > 200, `every route as every role (${requests} requests)`);
      // Public exports (CSV, JSON, feeds, Open311).
      for (const p of ["/laporan/data.csv", "/laporan/data.json", "/laporan/feed.atom", "/laporan/feed.rss", "/open311/v2/requests.json", "/open311/v2/requests.xml"]) {
        const res = await supertest(t.app).get(p);
        found.push(...leaks(`GET ${p} (${res.status})`, res.text ?? ""));
      }

      // The log at info level.
      assert.ok(logLines.some((l) => l.includes("tracking code requested")), "the log was captured");
      for (const line of logLines) found.push(...leaks("log", line));

      // The database: every column of every table.
      const mysql = m().connection.options.type === "mysql";
      const tables: string[] = mysql
        ? (await m().query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()")).map((r: any) => r.name ?? r.NAME ?? r.TABLE_NAME)
        : (await m().query("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r: any) => r.name);
      assert.ok(tables.includes("outbox") && tables.includes("messages") && tables.includes("tracking_links"), tables.join(","));
      for (const table of tables) {
        const rows = await m().query(`SELECT * FROM ${mysql ? `\`${table}\`` : `"${table}"`}`);
        const text = JSON.stringify(rows, (_k, v) => (v && typeof v === "object" && v.type === "Buffer" ? Buffer.from(v.data).toString("latin1") : v));
        found.push(...leaks(`table ${table}`, text));
      }
      const outbox = JSON.stringify(await m().query("SELECT body FROM outbox"));
      assert.ok(outbox.includes(TRACKING_CODE_SENT.slice(1, 20)), "the code's outbox row keeps the placeholder");

      assert.deepEqual(found, [], found.join("\n"));
      // The conversation as the console shows it reads the placeholder.
      const operator = await t.loginAs(DEMO.operator);
      const conv = await operator.get(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ ticketId: smsTicket.id }))}`);
      assert.equal(conv.status, 200);
      assert.ok(conv.text.includes(TRACKING_LINK_SENT.replaceAll("/", "\\/")) || conv.text.includes(TRACKING_LINK_SENT), conv.text);

    });

    it("(d) a new code keeps the old link and the earlier valid code working; too many requests answer 429 with a clear message", async () => {
      const tk = tickets[0]!;
      const [link] = linksIn(received()).filter((l) => l.number === tk.number);
      const [first, second] = codesIn(received());
      assert.ok(link && first && second);
      assert.ok(await opens(link.url, tk.number), "the acknowledgement's link still opens the page after two code requests");
      assert.ok(await codeOpens(tk.number, first), "the first code still works after a second was asked for");
      assert.ok(await codeOpens(tk.number, second), "and so does the second");
      assert.equal(await codeOpens(tk.number, first), false, "a code works once");

      // Per ticket: three requests an hour (two were made above), then 429 from any address.
      const c = citizen();
      assert.equal((await c.post("/lacak/kode").send({ nomor: tk.number })).status, 200);
      const limited = await citizen().post("/lacak/kode").send({ nomor: tk.number });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers["retry-after"]) > 0);
      assert.match(limited.text, /terlalu sering diminta/);
      assert.match(limited.text, /tetap berlaku/);
      // Per address: five requests an hour whatever the number, then 429.
      const d = citizen();
      for (let i = 0; i < 5; i++) assert.equal((await d.post("/lacak/kode").send({ nomor: `ADU-2611-5550${i}` })).status, 200);
      const byAddress = await d.post("/lacak/kode").send({ nomor: "ADU-2611-55509" });
      assert.equal(byAddress.status, 429);
      assert.match(byAddress.text, /Terlalu banyak permintaan kode dari alamat ini/);
      // The link still works after all of that.
      assert.ok(await opens(link.url, tk.number));
    });

    it("a failed acknowledgement sent again carries a working link, and the first one keeps working", async () => {
      const tk = tickets[1]!;
      const ack = await m().getRepository(Message).findOneByOrFail({ ticketId: tk.id, direction: "outbound", deliveryStatus: "sent" });
      const before = linksIn(received()).filter((l) => l.number === tk.number);
      assert.equal(before.length, 1);
      const cb = await postTwilio(supertest(t.app), smsAccount.webhookUrl, statusCallback(ack.externalId!, "undelivered", "+6281234500072"));
      assert.equal(cb.status, 200, cb.text);
      const operator = await t.loginAs(DEMO.operator);
      const resend = await operator.post(`/api/messages/${ack.id}/resend`).send({});
      assert.equal(resend.status, 200, JSON.stringify(resend.body));
      assert.ok((await sweep()).sent >= 1);
      const after = linksIn(received()).filter((l) => l.number === tk.number);
      assert.equal(after.length, 2, "the resent acknowledgement carries a link");
      assert.notEqual(after[1]!.secret, after[0]!.secret, "minted for this delivery");
      assert.ok(await opens(after[1]!.url, tk.number), "the resent link works");
      assert.ok(await opens(after[0]!.url, tk.number), "the first link still works");
      const stored = await m().getRepository(Message).findOneByOrFail({ id: ack.id });
      assert.ok(!stored.body.includes(after[1]!.secret) && stored.body.includes(TRACKING_LINK_SENT));
    });
  });
}
