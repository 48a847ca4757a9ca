// Issue 16, points 1 and 2: the live stream GET /api/events. An event reaches a connected screen
// within 2 s of a signed webhook or a command; an OPD user gets the events of its own tickets and
// not of another OPD's; a notification row reaches its user only; a breach recorded by the SLA
// job (the worker's command) arrives as sla.breached; a screen that reconnects with Last-Event-ID
// gets what it missed; presence (collision notice) reaches the other staff on the ticket; closing
// the app ends every open stream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { listen } from "../support/console.js";
import { openStream, type SseClient } from "../support/sse.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import { Agency } from "../../server/entities/agency.entity.js";
import { Notification } from "../../server/entities/sla.entity.js";
import { User } from "../../server/entities/user.entity.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import type { LiveHub } from "../../server/live/hub.js";
import supertest from "supertest";
import { createDataSource } from "../../server/config/data-source.js";
import { Db } from "../../server/lib/db.js";
import { createApp } from "../../server/http/app.js";

for (const target of await testTargets()) {
  describe(`the live stream GET /api/events (${target.name})`, () => {
    let t: TestApp;
    let server: { url: string; close(): Promise<void> };
    const cookies: Record<string, string> = {};
    const streams: SseClient[] = [];
    let webhookUrl = "";
    let pu: Agency;
    let dinkes: Agency;
    const open = async (who: string, last?: string) => {
      const s = await openStream(server.url, cookies[who]!, last);
      streams.push(s);
      assert.equal(s.status, 200);
      await s.next((m) => m.event === "ready", 3000, 0);
      return s;
    };

    before(async () => {
      t = await startTestApp(target);
      server = await listen(t);
      for (const email of [DEMO.operator, "operator2@demo.aduan.id", DEMO.headPU, DEMO.headDinkes, DEMO.admin, "layar@demo.aduan.id"]) {
        const r = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
        assert.equal(r.status, 200);
        cookies[email] = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      }
      const admin = await t.loginAs(DEMO.admin);
      const acc = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS live", config: { ...TWILIO, apiBaseUrl: "http://127.0.0.1:9" } });
      assert.equal(acc.status, 201, JSON.stringify(acc.body));
      webhookUrl = acc.body.webhookUrl;
      const m = t.database.db.manager;
      pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
    });
    after(async () => {
      await t?.close(); // ends every open stream (the hub closes them)
      await Promise.all(streams.map((s) => s.closed));
      await server?.close();
    });

    it("a signed webhook's complaint reaches the operator's screen within 2 s; the OPDs hear of it only once it is forwarded to them", async () => {
      const operator = await open(DEMO.operator);
      const headPU = await open(DEMO.headPU);
      const headDinkes = await open(DEMO.headDinkes);
      const layar = await open("layar@demo.aduan.id");

      const sent = Date.now();
      const res = await postTwilio(supertest(t.app), webhookUrl, inboundSms("+6281299990001", "Jalan berlubang di Jalan Merdeka, motor sering jatuh.", newSid()));
      assert.equal(res.status, 200);
      const created = await operator.next((m) => m.event === "ticket.created", 2000, sent);
      assert.ok(created.receivedAt - sent < 2000, `arrived after ${created.receivedAt - sent} ms`);
      const ticketId = created.data.ticketId!;
      assert.equal(typeof ticketId, "number");
      // No ticket content in the event: ids, status, counts.
      assert.doesNotMatch(JSON.stringify(created.data), /Merdeka|berlubang|6281299990001/);
      assert.equal((created.data.data as { status: string }).status, "received");
      // The wall's screen is told the numbers changed.
      await layar.next((m) => m.event === "wall.changed", 2000, sent);

      const operatorAgent = await t.loginAs(DEMO.operator);
      for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." }]) {
        const r = await operatorAgent.post(`/api/tickets/${ticketId}/transitions`).send(body);
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const forwarded = Date.now();
      const seen = await headPU.next((m) => m.data.ticketId === ticketId && (m.data.data as { what: string }).what === "ticket.forwarded", 2000, sent);
      assert.ok(seen.receivedAt - forwarded < 2000);
      assert.deepEqual(seen.data.agencyIds, [pu.id]);
      // Another OPD's head gets nothing of this ticket, ever.
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(headDinkes.messages.filter((m) => m.data.ticketId === ticketId).map((m) => m.event), []);
      // The PU head got only the events after the forward, not the ticket's creation or verification.
      assert.ok(!headPU.messages.some((m) => m.data.ticketId === ticketId && m.event === "ticket.created"));
    });

    it("a notification row reaches its user only, at once", async () => {
      const headPU = await open(DEMO.headPU);
      const headDinkes = await open(DEMO.headDinkes);
      const m = t.database.db.manager;
      const user = await m.getRepository(User).findOneByOrFail({ email: DEMO.headPU });
      const sent = Date.now();
      // What h-notices' commands do: a row in notifications, in the action's transaction.
      await t.database.db.tx((tx) => tx.getRepository(Notification).insert({ userId: user.id, ticketId: null, slaEventId: null, type: "new_forward", title: "Disposisi baru", body: "", readAt: null, emailedAt: null, createdAt: t.clock.now() }));
      const n = await headPU.next((x) => x.event === "notification", 2000, sent);
      assert.ok(n.receivedAt - sent < 2000);
      assert.equal(n.data.userId, user.id);
      assert.equal((n.data.data as { kind: string }).kind, "new_forward");
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(!headDinkes.messages.some((x) => x.event === "notification"));
    });

    it("a breach recorded by the SLA job reaches the operator and the OPD as sla.breached", async () => {
      const operatorAgent = await t.loginAs(DEMO.operator);
      const r = await operatorAgent.post("/api/tickets").send({ channel: "voice", description: "Lampu jalan mati di Jalan Sudirman sejak seminggu.", privacy: "publik", caller: { name: "Budi", phone: "081200000111" } });
      assert.equal(r.status, 201);
      const id = r.body.id as number;
      for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: "Mohon diperbaiki." }]) assert.equal((await operatorAgent.post(`/api/tickets/${id}/transitions`).send(body)).status, 200);
      const operator = await open(DEMO.operator);
      const headPU = await open(DEMO.headPU);
      const late = new Date(t.clock.now().getTime() + 40 * 86_400_000);
      const sent = Date.now();
      const swept = await processDueClocks(t.database.db, late, { secretKey: t.config.sessionSecret });
      assert.ok(swept.events > 0);
      // The disposisi's own clock (the ticket's clocks breach too, without an OPD).
      const b = await operator.next((m) => m.event === "sla.breached" && m.data.ticketId === id && (m.data.data as { forwardId: number | null }).forwardId != null, 2000, sent);
      assert.ok(b.receivedAt - sent < 2000);
      assert.equal((b.data.data as { agencyId: number }).agencyId, pu.id);
      await headPU.next((m) => m.event === "sla.breached" && m.data.ticketId === id, 2000, sent);
    });

    it("a screen that reconnects with Last-Event-ID gets what it missed", async () => {
      const first = await open(DEMO.headPU);
      const operatorAgent = await t.loginAs(DEMO.operator);
      const r = await operatorAgent.post("/api/tickets").send({ channel: "voice", description: "Drainase tersumbat di Jalan Veteran.", privacy: "publik", caller: { name: "Sari", phone: "081200000222" } });
      const id = r.body.id as number;
      await operatorAgent.post(`/api/tickets/${id}/transitions`).send({ action: "verify" });
      await operatorAgent.post(`/api/tickets/${id}/transitions`).send({ action: "forward", agencyIds: [pu.id], instruction: "Mohon dicek." });
      await first.next((m) => m.data.ticketId === id, 2000, 0);
      const last = first.lastId()!;
      first.close();
      await first.closed;
      // Missed while away: the OPD's forward is acknowledged by its staff, and a second OPD is added.
      const staff = await t.loginAs(DEMO.staffPU);
      assert.equal((await staff.post(`/api/tickets/${id}/transitions`).send({ action: "acknowledge" })).status, 200);
      assert.equal((await operatorAgent.post(`/api/tickets/${id}/transitions`).send({ action: "forward", agencyIds: [dinkes.id], instruction: "Ikut dicek." })).status, 200);
      await new Promise((res) => setTimeout(res, 300));
      const again = await open(DEMO.headPU, last);
      const caught = again.messages.filter((m) => m.data.ticketId === id).map((m) => (m.data.data as { what: string }).what);
      assert.ok(caught.includes("forward.acknowledged"), `caught up: ${caught.join(", ")}`);
      assert.ok(caught.includes("ticket.forwarded"), `caught up: ${caught.join(", ")}`);
    });

    it("presence: a second operator opening the same ticket is announced to the first", async () => {
      const operator = await open(DEMO.operator);
      const a = await t.loginAs(DEMO.operator);
      const b = await t.loginAs("operator2@demo.aduan.id");
      const r = await a.post("/api/tickets").send({ channel: "voice", description: "Sampah menumpuk di pasar.", privacy: "publik", caller: { name: "Rina", phone: "081200000333" } });
      const id = r.body.id as number;
      const mine = await a.post(`/api/tickets/${id}/presence`).send({});
      assert.deepEqual(mine.body.users, []);
      const sent = Date.now();
      const theirs = await b.post(`/api/tickets/${id}/presence`).send({});
      assert.deepEqual(theirs.body.users.map((u: { name: string }) => u.name), ["Operator Pusat Kendali"], "the second sees the first at once");
      const p = await operator.next((m) => m.event === "presence" && m.data.ticketId === id && (m.data.data as { users: unknown[] }).users.length === 2, 2000, sent);
      assert.deepEqual((p.data.data as { users: { name: string }[] }).users.map((u) => u.name).sort(), ["Operator Pusat Kendali", "Operator Shift Malam"]);
      assert.equal((await b.delete(`/api/tickets/${id}/presence`)).status, 200);
      await operator.next((m) => m.event === "presence" && m.data.ticketId === id && (m.data.data as { users: unknown[] }).users.length === 1, 2000, sent);
      // The head of another OPD may not even announce itself on this ticket.
      assert.equal((await (await t.loginAs(DEMO.headDinkes)).post(`/api/tickets/${id}/presence`).send({})).status, 404);
    });

    it("a second API process (its own pool and tailer) pushes what the first process and the worker wrote", async () => {
      // Another process: its own connection pool on the same database, its own app and hub; no in-process commit events reach it.
      const ds = createDataSource(t.database.settings);
      await ds.initialize();
      const db2 = new Db(ds);
      const app2 = createApp({ ...t.deps, db: db2 });
      const server2 = await new Promise<import("node:http").Server>((resolve) => {
        const s2 = app2.listen(0, "127.0.0.1", () => resolve(s2));
      });
      try {
        const url2 = `http://127.0.0.1:${(server2.address() as import("node:net").AddressInfo).port}`;
        const s2 = await openStream(url2, cookies[DEMO.operator]!);
        streams.push(s2);
        await s2.next((m) => m.event === "ready", 3000, 0);
        const operatorAgent = await t.loginAs(DEMO.operator);
        const sent = Date.now();
        const r = await operatorAgent.post("/api/tickets").send({ channel: "voice", description: "Air PDAM mati tiga hari di Perumnas.", privacy: "publik", caller: { name: "Yanti", phone: "081200000555" } });
        const id = r.body.id as number;
        const got = await s2.next((m) => m.event === "ticket.created" && m.data.ticketId === id, 2000, sent);
        assert.ok(got.receivedAt - sent < 2000);
        for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: "Mohon dicek." }]) await operatorAgent.post(`/api/tickets/${id}/transitions`).send(body);
        const swept = Date.now();
        await processDueClocks(t.database.db, new Date(t.clock.now().getTime() + 60 * 86_400_000), { secretKey: t.config.sessionSecret });
        await s2.next((m) => m.event === "sla.breached" && m.data.ticketId === id, 2000, swept);
      } finally {
        await (app2.locals.live as LiveHub).close();
        await new Promise<void>((resolve) => {
          server2.closeAllConnections();
          server2.close(() => resolve());
        });
        await db2.close();
      }
    });

    it("a stream does not outlive its session: after logout it is ended, and a reconnect is refused", async () => {
      const email = "operator2@demo.aduan.id";
      const s = await open(email);
      const out = await fetch(`${server.url}/api/auth/logout`, { method: "POST", headers: { "content-type": "application/json", cookie: cookies[email]! }, body: "{}" });
      assert.equal(out.status, 200);
      await (t.app.locals.live as LiveHub).endLapsedSessions(); // what every heartbeat runs
      await s.closed;
      const again = await openStream(server.url, cookies[email]!);
      streams.push(again);
      assert.equal(again.status, 401);
    });

    it("one tailer per process, whatever the number of screens; closing the app ends every stream", async () => {
      const hub = t.app.locals.live as LiveHub;
      const before = hub.stats.polls;
      await new Promise((r) => setTimeout(r, 1000));
      const polls = hub.stats.polls - before;
      assert.ok(hub.clients >= 5, `${hub.clients} screens`);
      assert.ok(polls <= 5, `${polls} polls in 1 s for ${hub.clients} screens`);
    });
  });
}
