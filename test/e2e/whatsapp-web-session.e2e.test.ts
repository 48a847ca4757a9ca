import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { fakeWhatsappWebClientFactory, startFakeWhatsappWeb, type FakeWhatsappWeb } from "../../channels/testing/index.js";
import { createWhatsappWebConnector } from "../../channels/whatsapp-web/whatsapp-web.connector.js";
import { findConnector } from "../../server/ingest/connectors.js";
import { AuditEvent } from "../../server/entities/index.js";
import { startSessions, type Sessions } from "../../server/sessions/supervisor.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";

/**
 * Issue 19, item 6: WhatsApp Web from the console. The session (real sessions supervisor, a
 * stand-in WhatsApp Web page behind the connector's seam) needs a login: the admin's session route
 * shows its state and the QR code, as the raw code and rendered as an SVG image, and follows the
 * page when the code is refreshed; nobody but an admin sees it. The admin logs the session out
 * (audited): the linked device is removed and a new QR code is shown.
 */
const waitFor = async <T>(what: string, get: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

type SessionView = { state: string; needsLogin: boolean; qr: string | null; qrSvg: string | null; downSince: string | null; logoutRequested: boolean };

for (const target of await testTargets()) {
  describe(`WhatsApp Web session in the console: QR code, state, logout (${target.name})`, () => {
    let t: TestApp;
    let page: FakeWhatsappWeb;
    let sessions: Sessions;
    let admin: supertest.Agent;
    let accountId: number;
    const session = async (): Promise<SessionView> => {
      const res = await admin.get(`/api/channel-accounts/${accountId}/session`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      page = await startFakeWhatsappWeb();
      page.requireLogin();
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      const res = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WhatsApp Web kantor", config: { phoneNumber: "+6281100040005", minSendIntervalMs: 0 } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      accountId = res.body.id;
      const wa = createWhatsappWebConnector(fakeWhatsappWebClientFactory(page.baseUrl, 50));
      sessions = await startSessions({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger }, { reconcileMs: 60_000, leaseTtlMs: 24 * 3_600_000, connectorFor: (id) => (id === "whatsapp-web" ? wa : findConnector(id)) });
    });
    after(async () => {
      await sessions.stop();
      await t.close();
      await page.close();
    });

    it("shows the admin the state and the QR code (raw and as an image), follows a refreshed code, and hides it from everyone else", { timeout: 60_000 }, async () => {
      const first = await waitFor("the session asks for a login", async () => {
        const s = await session();
        return s.state === "needs-auth" && s;
      });
      assert.equal(first.needsLogin, true);
      assert.match(first.qr ?? "", /^2@/);
      assert.match(first.qrSvg ?? "", /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<path/);
      assert.ok(first.downSince, "down while not logged in");

      // WhatsApp rotates the code: the route shows the new one.
      const rotated = page.refreshQr();
      const next = await waitFor("the refreshed code", async () => {
        const s = await session();
        return s.qr === rotated && s;
      });
      assert.notEqual(next.qrSvg, first.qrSvg);

      // Only admins: operators, supervisors, OPD staff and the wall get 403 (no QR in the body).
      for (const who of [DEMO.operator, DEMO.supervisor, DEMO.headPU]) {
        const res = await (await t.loginAs(who)).get(`/api/channel-accounts/${accountId}/session`);
        assert.equal(res.status, 403, who);
        assert.ok(!JSON.stringify(res.body).includes(rotated));
      }
      assert.equal((await supertest(t.app).get(`/api/channel-accounts/${accountId}/session`)).status, 401);

      page.login();
      const up = await waitFor("connected after the scan", async () => {
        const s = await session();
        return s.state === "connected" && s;
      });
      assert.deepEqual([up.needsLogin, up.qr, up.qrSvg, up.downSince], [false, null, null, null]);
    });

    it("the admin logs the session out: audited, the phone's linked device is removed, and a new QR code is shown", { timeout: 60_000 }, async () => {
      const operator = await t.loginAs(DEMO.operator);
      assert.equal((await operator.post(`/api/channel-accounts/${accountId}/session/logout`).send({})).status, 403);
      assert.equal(page.logouts, 0);

      const res = await admin.post(`/api/channel-accounts/${accountId}/session/logout`).send({});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await session()).logoutRequested, true);
      const audit = await t.database.db.manager.getRepository(AuditEvent).findOneByOrFail({ type: "channel_account.session_logout_requested", entityId: String(accountId) });
      assert.equal(audit.actorLabel, DEMO.admin);

      // The owner carries it out at its next reconcile.
      await sessions.reconcile();
      await waitFor("the phone logged out", async () => page.logouts === 1 && !page.loggedIn);
      const after = await waitFor("a new QR code", async () => {
        const s = await session();
        return s.state === "needs-auth" && !!s.qr && s;
      });
      assert.equal(after.logoutRequested, false, "done once");
      assert.ok(after.qrSvg);
      await sessions.reconcile();
      assert.equal(page.logouts, 1, "not repeated");

      // Accounts without a WhatsApp login cannot be logged out.
      const web = await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "s".repeat(40) } });
      assert.equal(web.status, 201, JSON.stringify(web.body));
      const refused = await admin.post(`/api/channel-accounts/${web.body.id}/session/logout`).send({});
      assert.equal(refused.status, 409);
      assert.match(refused.body.message, /no login to end/);
    });
  });
}
