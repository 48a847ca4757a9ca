import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type supertest from "supertest";
import { rateAnswer } from "../../server/commands/rate-answer.js";
import { AuditEvent, Forward, SlaPolicyRow, WebhookDelivery } from "../../server/entities/index.js";
import { runSlaCheck, type JobDeps } from "../../server/jobs/jobs.js";
import { runWebhookSweep } from "../../server/jobs/webhook-jobs.js";
import { clearSlaSettingsCache } from "../../server/clocks/sla-settings.js";
import { WEBHOOK_EVENTS } from "../../server/webhooks/events.js";
import { verifyWebhookSignature } from "../../server/webhooks/signature.js";
import { createJobScheduler } from "../../server/worker.js";
import { defineJobs, followOutbox } from "../../server/jobs/jobs.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { testTargets } from "../support/databases.js";
import { agencyId, categoryId, recordTicket, verifyAndForward } from "../support/public.js";

/**
 * Issue 19, item 7: outgoing webhooks. A receiver that answers 500 for 10 minutes of the app's
 * clock gets every event exactly once after it recovers, each with a valid signature; a
 * public-scope endpoint subscribed to every event type never receives reporter data nor the text
 * of a rahasia ticket; an OPD endpoint only its OPD's tickets, without the reporter of anonim and
 * rahasia ones. The secret is shown once; the delivery log shows each attempt's response code.
 */
const REPORTER = { name: "Budi Santoso", phone: "081234567890", email: "budi.santoso@gmail.com" };
const NIK = "3201012345670001";
const SECRET_WORD = "Kalimantanrahasiaku";
const FORBIDDEN_WORDS = ["budi", "santoso", "gmail", SECRET_WORD.toLowerCase()];
const FORBIDDEN_DIGITS = [NIK, "81234567890"];

interface Received {
  at: Date;
  status: number;
  body: string;
  signature: string | undefined;
  eventId: string;
  path: string;
}

/** Verified as the docs tell a receiver to (docs/webhooks.md), independently of our own helper. */
function docsVerify(secret: string, header: string, body: string, nowSeconds: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  if (Math.abs(nowSeconds - Number(m[1])) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

for (const target of await testTargets()) {
  describe(`outgoing webhooks (${target.name})`, () => {
    let t: TestApp;
    let admin: supertest.Agent;
    let server: Server;
    let base: string;
    let failUntil = new Date(8.64e15);
    const received: Received[] = [];
    const endpoints: Record<"public" | "opd", { id: number; secret: string }> = {} as never;
    const tickets: Record<"sla" | "publik" | "anonim" | "rahasia", { id: number; number: string }> = {} as never;
    const jobs = (): JobDeps => ({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger });

    before(async () => {
      clearSlaSettingsCache();
      t = await startTestApp(target);
      // Verify-and-forward due in one working hour (warning at 45 minutes), so SLA events come within the test's day.
      const m = t.database.db.manager;
      const policy = (await m.getRepository(SlaPolicyRow).find()).find((p) => p.active && p.categoryId == null && p.complaintClass == null && p.priority == null)!;
      const def = JSON.parse(policy.definition) as { clocks: Record<string, { target: { amount: number; unit: string } }> };
      def.clocks.verify_forward!.target = { amount: 1, unit: "working_hours" };
      await m.getRepository(SlaPolicyRow).update({ id: policy.id }, { definition: JSON.stringify(def) });
      clearSlaSettingsCache();

      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const now = t.clock.now();
          const status = now < failUntil ? 500 : 200;
          received.push({ at: now, status, body: Buffer.concat(chunks).toString("utf8"), signature: req.headers["x-aduan-signature"] as string | undefined, eventId: String(req.headers["x-aduan-event-id"]), path: req.url ?? "" });
          res.writeHead(status, { "Content-Type": "text/plain" }).end(status === 200 ? "ok" : "down for maintenance");
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      admin = await t.loginAs(DEMO.admin);
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
      await t?.close();
    });

    it("an admin registers endpoints; the secret is shown once and never again", async () => {
      const bad = await admin.post("/api/webhook-endpoints").send({ name: "Gudang data", url: "ftp://x", events: ["ticket.created"], scope: "public" });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /url/);
      const noAgency = await admin.post("/api/webhook-endpoints").send({ name: "Sistem OPD", url: `${base}/opd`, events: ["ticket.created"], scope: "opd" });
      assert.equal(noAgency.status, 422, JSON.stringify(noAgency.body));

      const pub = await admin.post("/api/webhook-endpoints").send({ name: "Gudang data provinsi", url: `${base}/public`, events: WEBHOOK_EVENTS, scope: "public" });
      assert.equal(pub.status, 201, JSON.stringify(pub.body));
      assert.match(pub.body.secret, /^whsec_/);
      const opd = await admin.post("/api/webhook-endpoints").send({ name: "Sistem Dinas PU", url: `${base}/opd`, events: WEBHOOK_EVENTS, scope: "opd", agencyId: await agencyId(t, "DPU") });
      assert.equal(opd.status, 201, JSON.stringify(opd.body));
      endpoints.public = { id: pub.body.id, secret: pub.body.secret };
      endpoints.opd = { id: opd.body.id, secret: opd.body.secret };

      const list = await admin.get("/api/webhook-endpoints");
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((e: { name: string }) => e.name), ["Gudang data provinsi", "Sistem Dinas PU"]);
      const one = await admin.get(`/api/webhook-endpoints/${endpoints.public.id}`);
      for (const text of [JSON.stringify(list.body), JSON.stringify(one.body)]) {
        assert.ok(!text.includes(endpoints.public.secret) && !text.includes(endpoints.opd.secret), "no GET shows a secret");
        assert.ok(!text.includes("secretEncrypted"));
      }
      assert.equal(one.body.secretPrefix, endpoints.public.secret.slice(0, 12));
      const operator = await t.loginAs(DEMO.operator);
      assert.equal((await operator.get("/api/webhook-endpoints")).status, 403);
    });

    it("every kind of event happens while the receiver is down", async () => {
      let operator = await t.loginAs(DEMO.operator);
      const road = await categoryId(t, "jalan-jembatan");
      // SLA: a rahasia ticket nobody verifies is warned at 45 minutes and breached at an hour.
      tickets.sla = await recordTicket(operator, { description: `${SECRET_WORD}: pungutan liar, NIK saya ${NIK}, hubungi 0812 3456 7890`, privacy: "rahasia", categoryId: road, caller: REPORTER });
      t.clock.advance(46 * 60_000);
      await runSlaCheck(jobs());
      t.clock.advance(15 * 60_000);
      await runSlaCheck(jobs());
      // (a fresh login: the console sessions idled out meanwhile)
      operator = await t.loginAs(DEMO.operator);
      const head = await t.loginAs(DEMO.headPU);

      // The lifecycle, on a publik, an anonim and a rahasia ticket, all of them naming the reporter.
      for (const privacy of ["publik", "anonim", "rahasia"] as const) {
        const secret = privacy === "rahasia" ? ` ${SECRET_WORD}` : "";
        const tk = await recordTicket(operator, {
          subject: `Jalan rusak, lapor Budi Santoso${secret}`,
          description: `Jalan rusak di depan rumah Pak Budi Santoso${secret}. NIK ${NIK}, WA 0812-3456-7890, email ${REPORTER.email}.`,
          privacy,
          categoryId: road,
          caller: REPORTER,
          locationText: "Gang Melati, rumah Pak Budi",
        });
        tickets[privacy] = tk;
        await verifyAndForward(t, operator, tk.id);
        await head.post(`/api/tickets/${tk.id}/transitions`).send({ action: "answer", response: `Terima kasih Bapak Budi Santoso${secret}, jalan sudah ditambal. Kami hubungi di 0812-3456-7890.` }).expect(200);
        await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "resolve" }).expect(200);
        const rated = await t.database.db.tx((m) => rateAnswer(m, { actor: { userId: null, label: "warga via lacak" }, at: t.clock.now(), secretKey: t.config.sessionSecret }, { ticketId: tk.id, rating: 4, comment: `Cepat, terima kasih. Budi Santoso 0812 3456 7890${secret}` }));
        assert.equal(rated.kind, "rated");
        await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "close" }).expect(200);
      }
      const queued = await t.database.db.manager.getRepository(WebhookDelivery).findBy({ endpointId: endpoints.public.id });
      assert.deepEqual([...new Set(queued.map((d) => d.eventType))].sort(), [...WEBHOOK_EVENTS].sort(), "the public endpoint has every event type queued");
    });

    it("after 10 minutes of 500s the receiver gets each event exactly once, signed", async () => {
      const start = t.clock.now();
      failUntil = new Date(start.getTime() + 10 * 60_000);
      const repo = t.database.db.manager.getRepository(WebhookDelivery);
      const total = await repo.count();
      for (let minute = 0; minute < 90; minute++) {
        await runWebhookSweep(jobs());
        if ((await repo.countBy({ state: "delivered" })) === total) break;
        t.clock.advance(60_000);
      }
      const rows = await repo.find({ order: { id: "ASC" } });
      assert.deepEqual(rows.filter((d) => d.state !== "delivered").map((d) => [d.eventType, d.state, d.lastError]), [], "every delivery arrived");
      const failed = received.filter((r) => r.status === 500);
      const ok = received.filter((r) => r.status === 200);
      assert.ok(failed.length >= rows.length, "every event was refused while the receiver was down");
      assert.ok(failed.every((r) => r.at < failUntil) && ok.every((r) => r.at >= failUntil));
      assert.ok(ok.every((r) => r.at.getTime() < failUntil.getTime() + 20 * 60_000), "and delivered within the backoff after recovery");
      // Exactly once per event and endpoint after recovery.
      for (const [scope, ep] of Object.entries(endpoints)) {
        const mine = ok.filter((r) => r.path === `/${scope}`);
        const expected = rows.filter((d) => d.endpointId === ep.id);
        assert.equal(mine.length, expected.length, `${scope}: one successful request per event`);
        assert.deepEqual(mine.map((r) => r.eventId).sort(), expected.map((d) => d.eventId).sort(), `${scope}: each event once`);
        for (const r of mine) {
          assert.ok(r.signature && docsVerify(ep.secret, r.signature, r.body, Math.floor(r.at.getTime() / 1000)), `${scope}: a valid signature`);
          assert.ok(verifyWebhookSignature(ep.secret, r.signature, r.body, r.at));
          assert.ok(!verifyWebhookSignature(ep.secret, r.signature, r.body, new Date(r.at.getTime() + 6 * 60_000)), "a replay after the window is refused");
          assert.ok(!verifyWebhookSignature(scope === "public" ? endpoints.opd.secret : endpoints.public.secret, r.signature, r.body, r.at), "another secret does not verify");
          const p = JSON.parse(r.body) as { id: string; type: string };
          assert.equal(p.id, r.eventId);
        }
      }
      const types = (scope: string) => new Set(ok.filter((r) => r.path === `/${scope}`).map((r) => (JSON.parse(r.body) as { type: string }).type));
      assert.deepEqual([...types("public")].sort(), [...WEBHOOK_EVENTS].sort(), "the public endpoint received every event type");
    });

    it("the public endpoint never receives reporter data or a rahasia ticket's text, in any event type", () => {
      const bodies = received.filter((r) => r.path === "/public");
      const byType = new Map<string, number>();
      for (const r of bodies) {
        const p = JSON.parse(r.body) as { type: string; data: { report: { number: string; description: string } | null } };
        byType.set(p.type, (byType.get(p.type) ?? 0) + 1);
        const lower = r.body.toLowerCase();
        for (const w of FORBIDDEN_WORDS) assert.ok(!lower.includes(w), `${p.type} carries "${w}"`);
        const digits = r.body.replace(/\D/g, "");
        for (const d of FORBIDDEN_DIGITS) assert.ok(!digits.includes(d), `${p.type} carries ${d}`);
        for (const hidden of [tickets.rahasia, tickets.sla]) assert.ok(!r.body.includes(hidden.number), `${p.type} names a rahasia ticket`);
        assert.ok(!/"reporter"|"contact|"phone"|"email"|"privacy"/.test(r.body), `${p.type} has no reporter or internal field`);
      }
      assert.equal(byType.size, WEBHOOK_EVENTS.length, "checked across every event type");
      // The published reports arrive masked, as the public pages show them.
      const published = bodies.map((r) => JSON.parse(r.body) as { type: string; data: { report: { number: string; description: string } | null } }).filter((p) => p.data.report);
      assert.ok(published.some((p) => p.data.report!.number === tickets.publik.number && /\[NIK disamarkan\]/.test(p.data.report!.description)));
    });

    it("the OPD endpoint gets its OPD's tickets only, without the reporter of anonim and rahasia ones", async () => {
      const bodies = received.filter((r) => r.path === "/opd" && r.status === 200).map((r) => ({ raw: r.body, p: JSON.parse(r.body) as { type: string; data: { ticket: { id: number } } } }));
      const ids = new Set(bodies.map((b) => b.p.data.ticket.id));
      const dpu = await agencyId(t, "DPU");
      const forwardedToDpu = new Set((await t.database.db.manager.getRepository(Forward).findBy({ agencyId: dpu })).map((f) => f.ticketId));
      assert.deepEqual([...ids].filter((id) => !forwardedToDpu.has(id)), [], "only tickets forwarded to the OPD (the demo's, whose SLA events the check caught up on, and ours)");
      for (const tk of [tickets.publik, tickets.anonim, tickets.rahasia]) assert.ok(ids.has(tk.id), `${tk.number} is sent`);
      assert.ok(!ids.has(tickets.sla.id), "a ticket not forwarded to the OPD is not sent");
      assert.ok(!bodies.some((b) => b.p.type === "ticket.created" && [tickets.publik.id, tickets.anonim.id, tickets.rahasia.id].includes(b.p.data.ticket.id)), "the OPD hears of a ticket once it is forwarded to it");
      for (const b of bodies.filter((x) => x.p.data.ticket.id === tickets.anonim.id || x.p.data.ticket.id === tickets.rahasia.id)) {
        const lower = b.raw.toLowerCase();
        assert.ok(!lower.includes("budi") && !lower.includes("gmail") && !b.raw.replace(/\D/g, "").includes(NIK), `${b.p.type}: no reporter of an anonim/rahasia ticket`);
      }
      assert.ok(!bodies.some((b) => /[?&]k=|tracking/i.test(b.raw)), "no tracking secret");
      const reads = await t.database.db.manager.getRepository(AuditEvent).findBy({ type: "ticket.read_rahasia", ticketId: tickets.rahasia.id });
      assert.ok(reads.some((r) => (r.actorLabel ?? "").startsWith(`webhook #${endpoints.opd.id}`)), "the OPD system's reads of the rahasia ticket are in the audit log");
    });

    it("the delivery log shows each attempt's response code, and an admin can redeliver", async () => {
      admin = await t.loginAs(DEMO.admin);
      const list = await admin.get("/api/webhook-deliveries").query({ filter: JSON.stringify({ endpointId: endpoints.public.id, eventType: "ticket.created" }) });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal(list.body.length, 4);
      const one = await admin.get(`/api/webhook-deliveries/${list.body[0].id}`);
      const codes = one.body.log.map((a: { statusCode: number }) => a.statusCode);
      assert.equal(codes.at(-1), 200);
      assert.ok(codes.slice(0, -1).length >= 1 && codes.slice(0, -1).every((c: number) => c === 500), `500s, then 200: ${codes}`);
      assert.equal(one.body.state, "delivered");

      const before = received.length;
      const again = await admin.post(`/api/webhook-deliveries/${one.body.id}/redeliver`).send({});
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.state, "pending");
      await runWebhookSweep(jobs());
      const fresh = received.slice(before);
      assert.equal(fresh.length, 1);
      assert.equal(fresh[0]!.eventId, one.body.eventId, "the same event id: the receiver can tell it is a redelivery");
      assert.ok(docsVerify(endpoints.public.secret, fresh[0]!.signature!, fresh[0]!.body, Math.floor(t.clock.now().getTime() / 1000)));
      const operator = await t.loginAs(DEMO.operator);
      assert.equal((await operator.post(`/api/webhook-deliveries/${one.body.id}/redeliver`).send({})).status, 403);
    });

    it("on a running worker, a committed event is delivered at once (no waiting for the sweep)", async () => {
      const scheduler = createJobScheduler({ db: t.database.db, config: { ...t.config, jobPollMs: 100 }, logger: t.deps.logger });
      defineJobs(scheduler, { db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger });
      const unfollow = followOutbox(t.database.db, scheduler, t.deps.logger);
      await scheduler.start();
      try {
        const before = received.length;
        const tk = await recordTicket(await t.loginAs(DEMO.operator), { description: "Lampu jalan padam di Jl. Merdeka sejak tiga hari.", caller: REPORTER });
        const end = Date.now() + 15_000;
        while (!received.slice(before).some((r) => r.path === "/public" && r.status === 200) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
        const got = received.slice(before).filter((r) => r.path === "/public");
        assert.equal(got.length, 1, "the ticket.created event, once");
        assert.equal((JSON.parse(got[0]!.body) as { type: string }).type, "ticket.created");
        assert.ok(docsVerify(endpoints.public.secret, got[0]!.signature!, got[0]!.body, Math.floor(t.clock.now().getTime() / 1000)));
        // The receiver answered 200; the worker records that right after it reads the answer.
        let delivery = await t.database.db.manager.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoints.public.id, ticketId: tk.id });
        for (const until = Date.now() + 5_000; delivery.state === "sending" && Date.now() < until; ) {
          await new Promise((r) => setTimeout(r, 50));
          delivery = await t.database.db.manager.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoints.public.id, ticketId: tk.id });
        }
        assert.equal(delivery.state, "delivered");
      } finally {
        unfollow();
        await scheduler.stop({ graceMs: 2000 });
      }
    });
  });
}
