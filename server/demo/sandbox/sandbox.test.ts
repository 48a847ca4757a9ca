// When the sandbox is on, and which accounts it redirects (the rest of it is exercised with a real
// server in test/e2e/demo-sandbox*.e2e.test.ts).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../config/env.js";
import { createLogger } from "../../lib/logger.js";
import { seedDemo } from "../seed-demo.js";
import { DEMO_CHANNEL_CONFIGS } from "../seed-demo-channels.js";
import { testTargets } from "../../../test/support/databases.js";
import { decideSandbox } from "./mode.js";
import { DemoSandbox, isDemoAccountConfig } from "./sandbox.js";

const demoConfig = (id: string): Record<string, any> => structuredClone(DEMO_CHANNEL_CONFIGS[id]!.config);

for (const target of await testTargets()) {
  describe(`decideSandbox (${target.name})`, () => {
    const opened: { destroy(): Promise<void> }[] = [];
    after(async () => {
      for (const d of opened) await d.destroy();
    });
    const base = { demoSandbox: "auto", demoData: true, nodeEnv: "development" } as const;

    it("is off on a database the demo did not seed, on unless told otherwise once it did, and never automatically in production", async () => {
      const database = await target.open();
      opened.push(database);
      assert.deepEqual(await decideSandbox(base, database.db), { on: false, reason: "this database was not seeded as a demo (set DEMO_SANDBOX=on to force it)" });
      assert.equal((await decideSandbox({ ...base, demoSandbox: "on" }, database.db)).on, true, "DEMO_SANDBOX=on forces it");
      await seedDemo(database.db, "s".repeat(32), new Date());
      assert.equal((await decideSandbox(base, database.db)).on, true);
      assert.equal((await decideSandbox({ ...base, demoData: false }, database.db)).on, false);
      assert.equal((await decideSandbox({ ...base, nodeEnv: "production" }, database.db)).on, false);
      assert.equal((await decideSandbox({ ...base, demoSandbox: "off" }, database.db)).on, false);
    });
  });
}

describe("DemoSandbox.configFor", () => {
  const sandbox = new DemoSandbox({ publicUrl: "http://aduan.test", logger: createLogger("silent") });
  after(() => sandbox.stop());

  it("points the demo accounts at the sandbox, also when an old demo database names the real hosts", async () => {
    await sandbox.start();
    const old = { ...demoConfig("twilio-sms"), apiBaseUrl: "https://api.twilio.com" };
    assert.equal(sandbox.configFor("twilio-sms", 1, old).apiBaseUrl, sandbox.apiBase);
    assert.match(sandbox.configFor("telegram", 2, demoConfig("telegram")).apiRoot, new RegExp(`^${sandbox.apiBase}/acct/2/telegram/$`));
    assert.equal(sandbox.configFor("whatsapp-cloud", 3, { ...demoConfig("whatsapp-cloud"), graphApiBase: "https://graph.facebook.com" }).graphApiBase, `${sandbox.apiBase}/acct/3/graph`);
    const mail: Record<string, any> = sandbox.configFor("email", 4, { ...demoConfig("email"), smtp: { ...demoConfig("email").smtp, host: "smtp.example.org", port: 587, user: "u", pass: "p" } });
    assert.deepEqual([mail.smtp.host, mail.smtp.port, mail.smtp.user], ["127.0.0.1", sandbox.smtpPort, undefined]);
    assert.equal(mail.smtpInbound.port, sandbox.inboundMailPort);
  });

  it("leaves every other account as it is", () => {
    const real = { ...demoConfig("twilio-sms"), authToken: "a-real-auth-token-of-the-province" };
    assert.equal(isDemoAccountConfig("twilio-sms", real), false);
    assert.equal(sandbox.configFor("twilio-sms", 5, real), real);
    const realBot: Record<string, any> = { ...demoConfig("telegram"), botToken: "987654321:real-token" };
    assert.equal(sandbox.configFor("telegram", 6, realBot).apiRoot, undefined);
  });
});

// Keep loadConfig's DEMO_SANDBOX default visible to the reader: "auto".
describe("DEMO_SANDBOX", () => {
  it("defaults to auto and accepts on/off only", () => {
    assert.equal(loadConfig({ DATA_DIR: "/tmp/aduan-sbx-keys" }).demoSandbox, "auto");
    assert.equal(loadConfig({ DATA_DIR: "/tmp/aduan-sbx-keys", DEMO_SANDBOX: "on" }).demoSandbox, "on");
    assert.throws(() => loadConfig({ DATA_DIR: "/tmp/aduan-sbx-keys", DEMO_SANDBOX: "yes" }), /DEMO_SANDBOX/);
  });
});
