import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { WebhookDelivery, WebhookEndpoint } from "../../server/entities/index.js";
import { decryptSecret } from "../../server/lib/crypto.js";
import { runWebhookSweep } from "../../server/jobs/webhook-jobs.js";
import { recordTicket } from "../support/public.js";

/**
 * Issue 19, item 7 in the console: the admin registers an outgoing webhook and sees its signing
 * secret once; the delivery log shows a failed attempt's response code and redelivers it.
 */
const [target] = await testTargets();
describe("console: outgoing webhooks", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let receiverUrl: string;

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        const receiver = createServer((req, res) => {
          req.resume();
          req.on("end", () => res.writeHead(503).end("maintenance"));
        });
        await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
        own(async () => {
          receiver.closeAllConnections();
          await new Promise((r) => receiver.close(r));
        });
        receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/aduan`;
      },
    });
  });
  after(() => c?.close());

  it("the admin registers an endpoint, sees the secret once, and redelivers from the log", async () => {
    const m = t.database.db.manager;
    const page = await c.signedIn(DEMO.admin, { bypassCSP: true });
    const ctx = page.context();
    await page.getByRole("menuitem", { name: "Webhook keluar" }).click();
    await page.locator("#react-admin-title").getByText("Webhook keluar").waitFor();
    await page.getByRole("link", { name: "Buat" }).click();
    await page.getByRole("textbox", { name: "Nama", exact: true }).fill("Gudang data provinsi");
    await page.getByRole("textbox", { name: "URL penerima" }).fill(receiverUrl);
    await screenshot(page, "webhooks-1-create");
    await page.getByRole("button", { name: "Simpan" }).click();

    const shown = page.getByTestId("webhook-secret");
    await shown.waitFor();
    const secret = (await shown.innerText()).trim();
    assert.match(secret, /^whsec_/);
    const endpoint = await m.getRepository(WebhookEndpoint).findOneByOrFail({ name: "Gudang data provinsi" });
    assert.equal(decryptSecret(t.config.encryptionKey, endpoint.secretEncrypted), secret, "kept encrypted, as shown");
    assert.ok(!endpoint.secretEncrypted.includes(secret));
    assert.equal(endpoint.scope, "public");
    assert.equal(JSON.parse(endpoint.eventsJson).length, 9, "every event by default");
    await screenshot(page, "webhooks-2-secret-once");
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    await page.getByRole("link", { name: "Sudah saya simpan" }).click();
    await page.getByRole("textbox", { name: "URL penerima" }).waitFor();
    assert.ok(!(await page.locator("body").innerText()).includes(secret), "never shown again");
    await page.reload();
    await page.getByRole("textbox", { name: "URL penerima" }).waitFor();
    assert.ok(!(await page.content()).includes(secret));

    // A complaint arrives; the receiver answers 503.
    await recordTicket(await t.loginAs(DEMO.operator), { description: "Lampu jalan padam di Jl. Merdeka sejak tiga hari." });
    await runWebhookSweep({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger });
    const delivery = await m.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoint.id });
    assert.equal(delivery.lastStatus, 503);

    await page.getByRole("menuitem", { name: "Log pengiriman webhook" }).click();
    const row = page.getByRole("row").filter({ hasText: "ticket.created" });
    await row.waitFor();
    assert.match(await row.innerText(), /503/);
    assert.match(await row.innerText(), /Menunggu \/ dicoba lagi/);
    await row.getByText("ticket.created").click();
    // The delivery's page (loaded on demand) first shows the list's copy of the delivery, without
    // its attempts; then the attempt: its column "Kode jawaban" (not the list's "Kode jawaban
    // terakhir") and its code.
    await page.getByText("Kode jawaban", { exact: true }).waitFor();
    await page.getByRole("cell", { name: "503", exact: true }).waitFor();
    assert.doesNotMatch(await page.locator("main").innerText(), /Tidak ada/, "no 'no attempts' on the way");
    await screenshot(page, "webhooks-3-delivery");
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);

    t.clock.advance(5_000);
    await page.getByRole("button", { name: "Kirim ulang" }).click();
    await page.getByText("Dijadwalkan untuk dikirim ulang").waitFor();
    const again = await m.getRepository(WebhookDelivery).findOneByOrFail({ id: delivery.id });
    assert.equal(again.state, "pending");
    assert.equal(again.nextAttemptAt.getTime(), t.clock.now().getTime(), "due at once");
    await ctx.close();
  });
});
