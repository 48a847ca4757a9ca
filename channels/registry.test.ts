import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { testContext, webhookRequest } from "./testing/index.js";
import { connectorIds, configJsonSchema, connectors, getConnector, isSessionConnector, isWebhookConnector, secretConfigPaths } from "./registry.js";

const sampleConfigs: Record<string, unknown> = {
  "twilio-sms": { accountSid: `AC${"0".repeat(32)}`, authToken: "f".repeat(32), fromNumber: "+6281100020003" },
  email: { smtp: { host: "smtp.example.go.id", from: "Aduan <aduan@example.go.id>" }, imap: { host: "imap.example.go.id", user: "aduan@example.go.id", pass: "x" } },
  telegram: { botToken: `123456789:${"A".repeat(35)}`, secretToken: "s".repeat(32) },
  web: { formSecret: "w".repeat(40) },
  facebook: { pageId: "104378251234567", verifyToken: "verify-token-1", appSecret: "a".repeat(32), accessToken: "E".repeat(40) },
  instagram: { instagramAccountId: "17841400123456789", verifyToken: "verify-token-1", appSecret: "a".repeat(32), accessToken: "E".repeat(40) },
  x: { userId: "1470000000000000000", consumerKey: "consumer-key-1", consumerSecret: "s".repeat(40), accessToken: "1470000000000000000-token", accessTokenSecret: "t".repeat(40) },
  "twilio-voice": { accountSid: `AC${"0".repeat(32)}`, authToken: "f".repeat(32), phoneNumber: "+6271100001111" },
  "whatsapp-web": { phoneNumber: "+6281100020003" },
  "whatsapp-cloud": { phoneNumberId: "106540352242922", verifyToken: "verify-token-1", appSecret: "a".repeat(32), accessToken: "E".repeat(40) },
};

describe("registry", () => {
  test("lists every connector once", () => {
    assert.deepEqual(connectorIds(), ["twilio-sms", "email", "telegram", "web", "whatsapp-cloud", "facebook", "instagram", "x", "twilio-voice", "whatsapp-web"]);
    assert.equal(new Set(connectors.map((c) => c.id)).size, connectors.length);
    assert.equal(getConnector("telegram")?.kind, "telegram");
    assert.equal(getConnector("twilio-sms")?.kind, "sms");
    assert.equal(getConnector("whatsapp"), undefined);
    assert.equal(getConnector("__proto__"), undefined);
  });

  test("email is a session connector, the others are webhooks", () => {
    assert.deepEqual(connectors.filter(isSessionConnector).map((c) => c.id), ["email", "whatsapp-web"]);
    assert.deepEqual(connectors.filter(isWebhookConnector).map((c) => c.id), ["twilio-sms", "telegram", "web", "whatsapp-cloud", "facebook", "instagram", "x", "twilio-voice"]);
  });

  for (const c of connectors) {
    test(`${c.id}: a sample config validates; verify refuses garbage without throwing`, () => {
      const parsed = c.configSchema.safeParse(sampleConfigs[c.id]);
      assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
      assert.equal(c.configSchema.safeParse({}).success, false);
      if (isWebhookConnector(c)) {
        const ctx = testContext(parsed.data);
        for (const body of ["", "{", "a=b", "\u0000\uffff"]) {
          const req = webhookRequest({ url: "https://aduan.example.go.id/webhooks/x/y", body, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x", "x-telegram-bot-api-secret-token": "y" } });
          assert.equal(c.verify(ctx, req), false);
          assert.doesNotThrow(() => c.parse(ctx, req));
        }
      }
    });
  }

  test("secret config fields are marked for encryption and the console's JSON Schema", () => {
    assert.deepEqual(secretConfigPaths(getConnector("twilio-sms")!), ["authToken"]);
    assert.deepEqual(secretConfigPaths(getConnector("telegram")!), ["botToken", "secretToken"]);
    assert.deepEqual(secretConfigPaths(getConnector("email")!), ["smtp.pass", "imap.pass", "smtpInbound.pass"]);
    assert.deepEqual(secretConfigPaths(getConnector("web")!), ["formSecret"]);
    assert.deepEqual(secretConfigPaths(getConnector("whatsapp-cloud")!), ["verifyToken", "appSecret", "accessToken"]);
    const schema = configJsonSchema(getConnector("twilio-sms")!);
    assert.deepEqual(schema.required, ["accountSid", "authToken"]);
  });

  test("channels/ never imports server/ (ARCHITECTURE dependency rule)", () => {
    const root = fileURLToPath(new URL(".", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts") && /from\s+["'](\.\.\/)+server\/|from\s+["'][^"']*\/server\//.test(readFileSync(p, "utf8"))) offenders.push(p);
      }
    };
    walk(root);
    assert.deepEqual(offenders, []);
  });
});
