import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import supertest from "supertest";
import { registerConnector } from "../../channels/registry.js";
import { contohSignature, exampleSmsConnector } from "../support/example-connector/example-sms.connector.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Contact, Message, Ticket } from "../../server/entities/index.js";

// Issue 17: adding a connector = its folder + one registry line. The connector lives in a test
// folder and knows only channels/connector.ts; this line is all the wiring it gets:
registerConnector(exampleSmsConnector);

/** The made-up gateway's send API on 127.0.0.1: records what it was asked to send. */
async function startGateway(apiKey: string) {
  const sent: { from: string; to: string; text: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url !== "/messages" || req.headers.authorization !== `Bearer ${apiKey}`) return void res.writeHead(401).end();
      sent.push(JSON.parse(body));
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `ct-${sent.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { sent, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const target of await testTargets()) {
  describe(`a connector registered from outside channels/ (${target.name})`, () => {
    const CONFIG = { sharedSecret: "contoh-shared-secret-0123456789", apiKey: "contoh-api-key-42", fromNumber: "+6281100007777" };
    let t: TestApp;
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    let account: { id: number; webhookUrl: string; config: Record<string, unknown> };
    const post = (body: object, opts: { secret?: string; at?: number } = {}) => {
      const raw = JSON.stringify(body);
      const ts = opts.at ?? Math.floor(t.clock.now().getTime() / 1000);
      return supertest(t.app).post(pathOf(account.webhookUrl)).set("content-type", "application/json").set("x-contoh-signature", contohSignature(opts.secret ?? CONFIG.sharedSecret, ts, raw)).send(raw);
    };

    before(async () => {
      gateway = await startGateway(CONFIG.apiKey);
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      const kinds = await admin.get("/api/channel-connectors");
      assert.ok(JSON.stringify(kinds.body).includes("contoh-sms"), "the console's list of connectors offers it");
      const res = await admin.post("/api/channel-accounts").send({ connector: "contoh-sms", name: "Gateway contoh", config: { ...CONFIG, apiBaseUrl: gateway.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t?.close();
      await gateway?.close();
    });

    it("its secrets are masked like any built-in connector's", () => {
      assert.equal(account.config.sharedSecret, "********");
      assert.equal(account.config.apiKey, "********");
      assert.equal(account.webhookUrl, `http://aduan.test/webhooks/contoh-sms/${account.id}`);
    });

    it("a signed webhook becomes a ticket, and the acknowledgement goes out through the gateway", async () => {
      const from = "+6281234509876";
      const res = await post({ id: "ct-in-1", from, text: "Lampu jalan di Jalan Merdeka mati sejak minggu lalu.", sentAt: t.clock.now().toISOString() });
      assert.equal(res.status, 200, res.text);
      const msg = await t.database.db.manager.getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: "ct-in-1" });
      const ticket = await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      assert.equal(ticket.channel, "sms");
      assert.equal(ticket.status, "received");
      assert.equal((await t.database.db.manager.getRepository(Contact).findOneByOrFail({ id: ticket.contactId! })).phone, from);

      assert.equal((await runOutboxSweep(jobDepsOf(t))).sent, 1);
      assert.equal(gateway.sent.length, 1);
      assert.equal(gateway.sent[0]!.to, from);
      assert.equal(gateway.sent[0]!.from, CONFIG.fromNumber);
      assert.ok(gateway.sent[0]!.text.includes(ticket.number), gateway.sent[0]!.text);
    });

    it("a wrong signature or a stale timestamp is refused with 401 and stores nothing", async () => {
      const before = await t.database.db.manager.getRepository(Message).count();
      const body = { id: "ct-in-2", from: "+6281234509877", text: "Sampah menumpuk.", sentAt: t.clock.now().toISOString() };
      assert.equal((await post(body, { secret: "another-secret-0123456789abcdef" })).status, 401);
      assert.equal((await post(body, { at: Math.floor(t.clock.now().getTime() / 1000) - 3600 })).status, 401);
      assert.equal(await t.database.db.manager.getRepository(Message).count(), before);
    });

    it("the same message delivered twice is stored once", async () => {
      const body = { id: "ct-in-3", from: "+6281234509878", text: "Air PDAM keruh sejak kemarin.", sentAt: t.clock.now().toISOString() };
      assert.equal((await post(body)).status, 200);
      assert.equal((await post(body)).status, 200);
      assert.equal(await t.database.db.manager.getRepository(Message).countBy({ channelAccountId: account.id, externalId: "ct-in-3" }), 1);
    });
  });
}
