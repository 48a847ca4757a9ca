import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { In } from "typeorm";
import { formBody, type FormParams } from "../../channels/testing/index.js";
import { testTargets, freshMysqlDatabase } from "../support/databases.js";
import { inboundSms, newSid, TWILIO } from "../support/channels.js";
import { twilioSignature } from "../../channels/testing/index.js";
import { createDataSource, type DataSourceSettings } from "../../server/config/data-source.js";
import { Db } from "../../server/lib/db.js";
import { saveChannelAccount } from "../../server/commands/save-channel-account.js";
import { SYSTEM_ACTOR } from "../../server/commands/append-audit-event.js";
import { Message, InboundReceipt } from "../../server/entities/index.js";
import { freePort } from "../support/demo-server.js";

/**
 * Issue 4, acceptance 4: the server process is killed (SIGKILL) in the middle of a load of signed
 * inbound webhooks; after a restart, every webhook that had been answered 2xx is in the database,
 * and the provider's redelivery of all of them (Twilio retries what got no 2xx) leaves exactly one
 * message each.
 */
const PUBLIC_URL = "http://aduan.test";
const KEY = Buffer.alloc(32, 9);
const SECRET = "crash-test-session-secret-0123456789abcdef";

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : once(c, "exit").then(() => undefined));

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--roles=api"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const target of await testTargets()) {
  describe(`channels: a killed server loses no acknowledged webhook (${target.name})`, () => {
    it("every 2xx-answered webhook survives SIGKILL; redelivery after restart makes exactly one message each", { timeout: 180_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "aduan-crash-"));
      const mysql = target.name === "mariadb" ? await freshMysqlDatabase("aduan_crash") : null;
      const settings: DataSourceSettings = mysql ? { databaseUrl: mysql.url, poolSize: 4 } : { dataDir };
      const ds = createDataSource(settings);
      let child: ChildProcess | undefined;
      try {
        await ds.initialize();
        await ds.runMigrations({ transaction: "each" });
        const db = new Db(ds);
        const saved = await db.tx((m) =>
          saveChannelAccount(m, { actor: SYSTEM_ACTOR, at: new Date(), secretKey: SECRET }, KEY, null, { connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: "http://127.0.0.1:9" } }),
        );
        assert.equal(saved.kind, "ok");
        const accountId = saved.kind === "ok" ? saved.value.id : 0;
        const port = await freePort();
        const env: NodeJS.ProcessEnv = {
          ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, PUBLIC_URL,
          SESSION_SECRET: SECRET, ENCRYPTION_KEY: KEY.toString("base64"), DEMO_DATA: "0",
        };
        if (mysql) env.DATABASE_URL = mysql.url;
        else delete env.DATABASE_URL;
        child = await startServer(env, port);

        const path = `/webhooks/twilio-sms/${accountId}`;
        const send = async (params: FormParams): Promise<number> => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}${path}`, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TWILIO.authToken, `${PUBLIC_URL}${path}`, params) },
              body: formBody(params).toString("utf8"),
            });
            await res.arrayBuffer();
            return res.status;
          } catch {
            return 0;
          }
        };
        const all = Array.from({ length: 240 }, (_, i) => inboundSms(`+62812345${String(10000 + i).padStart(5, "0")}`, `Aduan beban nomor ${i}`, newSid()));
        const acknowledged: string[] = [];
        let next = 0;
        let killed = false;
        const worker = async () => {
          while (next < all.length) {
            const p = all[next++]!;
            const status = await send(p);
            if (status >= 200 && status < 300) acknowledged.push(p.MessageSid as string);
            if (!killed && acknowledged.length >= 80) {
              killed = true;
              child!.kill("SIGKILL");
            }
          }
        };
        await Promise.all(Array.from({ length: 16 }, worker));
        assert.ok(killed, "the server was killed mid-load");
        await exited(child);
        assert.ok(acknowledged.length >= 80 && acknowledged.length < all.length, `acknowledged ${acknowledged.length} of ${all.length}`);

        // After the crash: every acknowledged webhook is stored.
        const stored = await ds.getRepository(Message).find({ select: { externalId: true }, where: { channelAccountId: accountId, externalId: In(acknowledged) } });
        assert.equal(stored.length, acknowledged.length, "no acknowledged message lost");

        // Restart; the provider redelivers everything (what it never got a 2xx for, and some it did).
        child = await startServer(env, port);
        for (let i = 0; i < all.length; i += 16) {
          const statuses = await Promise.all(all.slice(i, i + 16).map(send));
          assert.ok(statuses.every((s) => s === 200), `redelivery answered ${statuses.join(",")}`);
        }
        const sids = all.map((p) => p.MessageSid as string);
        assert.equal(await ds.getRepository(Message).count({ where: { channelAccountId: accountId, externalId: In(sids) } }), all.length, "exactly one message per webhook");
        assert.equal(await ds.getRepository(InboundReceipt).count({ where: { channelAccountId: accountId, externalId: In(sids) } }), all.length);
      } finally {
        if (child && child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          await exited(child);
        }
        await ds.destroy().catch(() => undefined);
        await mysql?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
