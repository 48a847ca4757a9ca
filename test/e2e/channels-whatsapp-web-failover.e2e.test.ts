import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startFakeWhatsappWeb, type FakeWhatsappWeb } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { InboundReceipt, Message, SessionLease } from "../../server/entities/index.js";
import { LEASE_POLICY } from "../../server/sessions/lease.js";

/**
 * Issue 7, acceptance 4: two sessions processes on one database; the one holding the WhatsApp
 * session's lease is killed (SIGKILL, no clean hand-over); the other takes the lease within a
 * minute, and the messages that arrived meanwhile (unread on the phone) are ingested, each once.
 */
const RUNNER = fileURLToPath(new URL("../support/sessions-runner.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const waitFor = async <T>(what: string, get: () => Promise<T | undefined | null | false>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

// The databases at once: each waits out a lease of its own (30 s), on its own database and processes.
const targets = await testTargets();
describe("channels: WhatsApp Web session fail-over, on every database at once", { concurrency: targets.length }, () => {
  for (const target of targets) {
    describe(`channels: WhatsApp Web session fail-over between sessions processes (${target.name})`, () => {
      let t: TestApp;
      let page: FakeWhatsappWeb;
      const children: ChildProcess[] = [];
      let accountId: number;
      let admin: Awaited<ReturnType<TestApp["loginAs"]>>;
      const m = () => t.database.db.manager;
      const lease = () => m().getRepository(SessionLease).findOneBy({ channelAccountId: accountId });
      const runner = async (owner: string) => {
        const child = spawn(process.execPath, ["--import", "tsx", RUNNER], {
          cwd: ROOT,
          env: { ...process.env, LOG_LEVEL: "silent", RUNNER_JSON: JSON.stringify({ settings: t.database.settings, config: { ...t.config, encryptionKey: t.config.encryptionKey.toString("base64") }, pageUrl: page.baseUrl, owner }) },
          stdio: ["ignore", "pipe", "inherit"],
        });
        children.push(child);
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
          child.once("exit", (code) => reject(new Error(`runner ${owner} exited with ${code}`)));
        });
        return child;
      };
      const stored = (id: string) => m().getRepository(Message).countBy({ channelAccountId: accountId, externalId: id });

      before(async () => {
        page = await startFakeWhatsappWeb();
        t = await startTestApp(target);
        admin = await t.loginAs(DEMO.admin);
        const res = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WhatsApp (Web)", config: { phoneNumber: "+6281100020003", minSendIntervalMs: 0 } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        accountId = res.body.id;
      });
      after(async () => {
        for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
        await t.close();
        await page.close();
      });

      it("the second process takes over within a minute after the owner is killed, and no message is lost", { timeout: 150_000 }, async () => {
        const a = await runner("runner-a");
        const first = await waitFor("runner-a connected", async () => {
          const l = await lease();
          return l?.owner === "runner-a" && l.state === "connected" && l;
        }, 30_000);
        assert.ok(first.expiresAt.getTime() > Date.now());
        // Admins see the session's health (the test app's clock is fixed in the past: the lease is alive for it).
        const health = await admin.get(`/api/channel-accounts/${accountId}/session`).expect(200);
        assert.deepEqual([health.body.state, health.body.owner, health.body.needsLogin], ["connected", "runner-a", false]);
        await runner("runner-b");
        const m1 = page.receive({ from: "+6281234567001", body: "Pesan pertama: jalan rusak di Jl. Sudirman." });
        await waitFor("message 1 stored", async () => (await stored(m1)) === 1, 15_000);
        assert.equal((await lease())?.owner, "runner-a", "one owner: runner-b waits");

        a.kill("SIGKILL");
        const killedAt = Date.now();
        // While nobody is connected the citizen keeps writing; the phone keeps them unread.
        const m2 = page.receive({ from: "+6281234567001", body: "Pesan kedua saat server mati." });
        const m3 = page.receive({ from: "+6281234567002", body: "Pesan dari warga lain." });
        let last: SessionLease | null = null;
        const taken = await waitFor("runner-b owns and is connected", async () => {
          const l = (last = await lease());
          return l?.owner === "runner-b" && l.state === "connected" && l;
        }, 60_000).catch((err: Error) => {
          throw new Error(`${err.message}; lease: ${JSON.stringify(last)} at ${new Date().toISOString()}`);
        });
        const tookMs = Date.now() - killedAt;
        assert.ok(tookMs < 60_000, `taken over after ${tookMs} ms`);
        assert.ok(tookMs <= LEASE_POLICY.ttlMs + LEASE_POLICY.renewMs + 5_000, `within ttl + one renew period (${tookMs} ms)`);
        assert.ok(taken);
        // A wait limit, not a speed check: on two loaded cores the new owner may take a while to read them.
        await waitFor("messages 2 and 3 stored", async () => (await stored(m2)) === 1 && (await stored(m3)) === 1, 45_000);
        await waitFor("every message acknowledged (seen) after it was stored", async () => page.unread().length === 0, 10_000);
        for (const id of [m1, m2, m3]) assert.equal(await m().getRepository(InboundReceipt).countBy({ channelAccountId: accountId, externalId: id }), 1, `${id} ingested once`);
        const bodies = (await m().getRepository(Message).find({ where: { channelAccountId: accountId, direction: "inbound" }, order: { id: "ASC" } })).map((x) => x.body);
        assert.deepEqual(bodies, ["Pesan pertama: jalan rusak di Jl. Sudirman.", "Pesan kedua saat server mati.", "Pesan dari warga lain."]);
      });
    });
  }
});
