// The sandbox is never on in production: with NODE_ENV=production and a MySQL DATABASE_URL (a
// fresh MariaDB database), even with demo data loaded and an account that carries the demo's own
// credentials, /demo/warga does not exist and the acknowledgement goes to the provider the account
// names — here a fake Twilio on 127.0.0.1.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { SYSTEM_ACTOR } from "../../server/commands/append-audit-event.js";
import { saveChannelAccount } from "../../server/commands/save-channel-account.js";
import { createDataSource } from "../../server/config/data-source.js";
import { DEMO_CHANNEL_CONFIGS } from "../../server/demo/seed-demo-channels.js";
import { citizenMessageRequest, postToServer } from "../../server/demo/sandbox/provider-wire.js";
import { freePort, startServer, type RunningServer } from "../support/demo-server.js";
import { freshMysqlDatabase, testTargets } from "../support/databases.js";

const mariadb = (await testTargets()).some((t) => t.name === "mariadb");

describe("demo sandbox in production (NODE_ENV=production, MariaDB)", { skip: mariadb ? false : "MariaDB unreachable" }, () => {
  let server: RunningServer;
  let twilio: FakeTwilio;
  let database: { url: string; drop(): Promise<void> };
  let accountId: number;
  const demo = DEMO_CHANNEL_CONFIGS["twilio-sms"]!.config as { accountSid: string; authToken: string; fromNumber: string };
  const encryptionKey = randomBytes(32);

  before(async () => {
    twilio = await startFakeTwilio({ accountSid: demo.accountSid, authToken: demo.authToken });
    database = await freshMysqlDatabase("aduan_sbx");
    const ds = createDataSource({ databaseUrl: database.url });
    await ds.initialize();
    await ds.runMigrations({ transaction: "each" });
    // The hardest case: an account with the demo's own credentials, configured for a provider.
    const out = await ds.transaction((m) =>
      saveChannelAccount(m, { actor: SYSTEM_ACTOR, at: new Date(), secretKey: "x".repeat(32) }, encryptionKey, null, { connector: "twilio-sms", name: "SMS", config: { ...demo, apiBaseUrl: twilio.baseUrl } }),
    );
    assert.equal(out.kind, "ok");
    accountId = (out as { value: { id: number } }).value.id;
    await ds.destroy();
    const port = await freePort();
    server = await startServer({
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      ENCRYPTION_KEY: encryptionKey.toString("base64"),
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DEMO_DATA: "1",
    });
  });
  after(async () => {
    await server?.stop();
    await twilio?.close();
    await database?.drop();
  });

  it("says at start-up that the sandbox is off, and why", () => {
    assert.match(server.output(), /Demo sandbox off \(NODE_ENV=production/);
    assert.doesNotMatch(server.output(), /Demo sandbox ON/);
  });

  it("/demo/warga and everything under /demo answer 404", async () => {
    for (const path of ["/demo/warga", "/demo/warga?c=081234567890", "/demo/warga/feed.json?c=081234567890", "/demo/warga.js"]) {
      assert.equal((await fetch(`${server.base}${path}`)).status, 404, path);
    }
    const post = await fetch(`${server.base}/demo/warga/kirim`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ c: "081234567890", connector: "twilio-sms", text: "halo" }) });
    assert.equal(post.status, 404);
  });

  it("the acknowledgement of an SMS goes to the provider the account is configured for", async () => {
    const req = citizenMessageRequest("twilio-sms", { from: "081234567890", text: "Jalan rusak di depan kantor desa", config: { ...demo }, webhookUrl: `${server.base}/webhooks/twilio-sms/${accountId}` });
    const res = await postToServer(server.base, req!);
    assert.equal(res.status, 200, await res.text());
    const deadline = Date.now() + 15_000;
    const ours = () => twilio.messages.find((m) => m.to === "+6281234567890");
    while (!ours() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const sent = ours();
    assert.ok(sent, "the fake Twilio received the acknowledgement");
    assert.match(sent.body, /ADU-\d{4}-\d{5,}/);
    assert.equal(sent.statusCallback, `${server.base}/webhooks/twilio-sms/${accountId}`);
    assert.deepEqual(server.egress(), []);
  });
});
