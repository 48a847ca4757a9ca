import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fakeWhatsappWebClientFactory, startFakeWhatsappWeb, type FakeWhatsappWeb } from "../../channels/testing/index.js";
import { createWhatsappWebConnector } from "../../channels/whatsapp-web/whatsapp-web.connector.js";
import { findConnector } from "../../server/ingest/connectors.js";
import { Message, Ticket } from "../../server/entities/index.js";
import { startSessions, type Sessions } from "../../server/sessions/supervisor.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";

/**
 * Issue 19, items 6 and 4, in a real Chromium against the real server: the admin's channel account
 * screen shows the WhatsApp Web session's state and its QR code as an image, follows WhatsApp's
 * refreshed code without a reload, and logs the session out after a confirmation; a reply that
 * went by fail-over says so in the conversation.
 */
const [target] = await testTargets();
describe("console: WhatsApp Web session (QR code, state, logout) and the fail-over mark", { skip: browserSkip }, () => {
  let t: TestApp;
  let page: FakeWhatsappWeb;
  let sessions: Sessions;
  let c: ConsoleHarness;
  let accountId: number;

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        page = await startFakeWhatsappWeb();
        own(() => page.close());
        page.requireLogin();
        const admin = await t.loginAs(DEMO.admin);
        const res = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WhatsApp Web kantor", config: { phoneNumber: "+6281100050006", minSendIntervalMs: 0 } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        accountId = res.body.id;
        const wa = createWhatsappWebConnector(fakeWhatsappWebClientFactory(page.baseUrl, 50));
        sessions = await startSessions({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger }, { reconcileMs: 60_000, leaseTtlMs: 24 * 3_600_000, connectorFor: (id) => (id === "whatsapp-web" ? wa : findConnector(id)) });
        own(() => sessions.stop(), "before-app");
      },
    });
  });
  after(() => c?.close());

  it("the admin sees the QR code, it follows a refresh, and the session is logged out after a confirmation", { timeout: 90_000 }, async () => {
    const p = await c.signedIn(DEMO.admin);
    await p.goto(`${c.url}/console/#/channel-accounts/${accountId}`);
    const qr = p.getByTestId("session-qr");
    await qr.waitFor({ timeout: 15_000 });
    await p.getByTestId("session-state").getByText(/perlu login/).waitFor();
    const first = await qr.getAttribute("data-qr");
    assert.match(first ?? "", /^2@/);
    assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), "the QR image is rendered");
    assert.equal(await qr.getAttribute("alt"), "Kode QR login WhatsApp Web");

    const rotated = page.refreshQr();
    await p.waitForFunction((code) => document.querySelector('[data-testid="session-qr"]')?.getAttribute("data-qr") === code, rotated, { timeout: 10_000 });

    page.login();
    await p.getByTestId("session-state").getByText(/terhubung/).waitFor({ timeout: 10_000 });
    assert.equal(await p.getByTestId("session-qr").count(), 0);

    await p.getByTestId("session-logout").click();
    await p.getByRole("button", { name: /^(Konfirmasi|Confirm)$/ }).click();
    await p.getByText(/Logout diminta/).first().waitFor();
    await sessions.reconcile();
    await p.getByTestId("session-qr").waitFor({ timeout: 15_000 });
    assert.equal(page.logouts, 1);
    await screenshot(p, "console-whatsapp-session-qr");
  });

  it("a reply that went by fail-over is marked in the conversation", { timeout: 60_000 }, async () => {
    const m = t.database.db.manager;
    // A reply as the delivery step leaves it after a fail-over (the e2e test drives the real path).
    const ticket = await m.getRepository(Ticket).findOneOrFail({ where: { isOpen: true }, order: { id: "ASC" } });
    const reply = await m.getRepository(Message).save(
      m.getRepository(Message).create({
        ticketId: ticket.id, direction: "outbound", channel: "whatsapp", contactId: ticket.contactId, authorUserId: null, forwardId: null, subject: null,
        body: "Petugas akan memeriksa lokasi besok.", bodyHtml: null, channelAccountId: null, externalId: "wamid.BROWSER1", externalAddress: "+6281234567001",
        deliveryStatus: "sent", failoverConnector: "whatsapp-cloud", sentAt: t.clock.now(), createdAt: t.clock.now(),
      }),
    );
    const p = await c.signedIn(DEMO.operator);
    await p.goto(`${c.url}/console/#/tickets/${reply.ticketId}/show`);
    const mark = p.getByTestId("conversation").getByTestId("message-failover");
    await mark.waitFor({ timeout: 15_000 });
    assert.equal(await mark.textContent(), "lewat WhatsApp Cloud API (alih-jalur)");
    assert.equal(await mark.getAttribute("data-failover"), "whatsapp-cloud");
  });
});
