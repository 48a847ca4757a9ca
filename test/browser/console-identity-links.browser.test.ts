import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { AuditEvent, Contact, ContactIdentity, Ticket } from "../../server/entities/index.js";

/**
 * Issue 19 item 5 in the console: on a citizen's page the operator finds another contact of the
 * same person (here the e-mail they once wrote from), links it, sees its identity on the page, and
 * unlinks it again.
 */
const [target] = await testTargets();
describe("console: linking a citizen's identities", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let byPhone: Ticket;
  let byEmail: Ticket;

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const operator = await t.loginAs(DEMO.operator);
        const m = t.database.db.manager;
        const a = await operator.post("/api/tickets").send({ channel: "voice", description: "Penelepon melaporkan lampu lalu lintas mati di simpang Polda.", caller: { name: "Wulan", phone: "081355500901" } });
        assert.equal(a.status, 201, JSON.stringify(a.body));
        const b = await operator.post("/api/tickets").send({ channel: "email", description: "Lampu lalu lintas simpang Polda masih mati sore ini.", caller: { name: "Wulan S.", email: "wulan.sari@example.id" } });
        assert.equal(b.status, 201, JSON.stringify(b.body));
        byPhone = await m.getRepository(Ticket).findOneByOrFail({ id: a.body.id });
        byEmail = await m.getRepository(Ticket).findOneByOrFail({ id: b.body.id });
        assert.notEqual(byPhone.contactId, byEmail.contactId, "two contacts to begin with");
      },
    });
    t = c.t;
  });
  after(() => c?.close());

  it("the operator links the e-mail contact to the phone contact, then unlinks it", async () => {
    const m = t.database.db.manager;
    const page = await (await c.browser.context({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.operator);
    await page.goto(`${c.url}/console/#/contacts/${byPhone.contactId}/show`);
    const links = page.getByTestId("contact-links");
    await links.getByText("Belum ada kontak lain yang ditautkan").waitFor();

    await links.getByLabel("Cari kontak").fill("wulan.sari@example.id");
    await links.getByRole("button", { name: "Cari", exact: true }).click();
    await page.getByTestId(`merge-candidate-${byEmail.contactId}`).click();
    await page.getByRole("dialog").getByRole("button", { name: /Konfirmasi|Confirm/ }).click();
    await page.getByTestId("identities").getByText("wulan.sari@example.id").waitFor();
    await links.getByText(`Dari kontak #${byEmail.contactId}`).waitFor();
    await screenshot(page, "identity-links-merged");
    assert.equal((await m.getRepository(Contact).findOneByOrFail({ id: byEmail.contactId! })).mergedIntoId, byPhone.contactId);
    assert.equal((await m.getRepository(Ticket).findOneByOrFail({ id: byEmail.id })).contactId, byPhone.contactId, "the ticket follows");
    // The other ticket is now on this citizen's page.
    await page.getByText(byEmail.number).waitFor();

    await links.getByRole("button", { name: "Pisahkan" }).click();
    await page.getByRole("dialog").getByRole("button", { name: /Konfirmasi|Confirm/ }).click();
    await links.getByText("Belum ada kontak lain yang ditautkan").waitFor();
    assert.equal((await m.getRepository(ContactIdentity).findOneByOrFail({ channel: "email", address: "wulan.sari@example.id" })).contactId, byEmail.contactId);
    assert.equal((await m.getRepository(Ticket).findOneByOrFail({ id: byEmail.id })).contactId, byEmail.contactId);
    assert.equal(await m.getRepository(AuditEvent).countBy({ type: "contact.unmerged", entityId: String(byPhone.contactId) }), 1);
    await page.close();
  });
});
