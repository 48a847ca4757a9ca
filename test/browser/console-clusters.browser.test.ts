import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Ticket } from "../../server/entities/index.js";

/**
 * Issue 19, item 1: on the ticket page the operator sees the reports of the same problem the
 * duplicate detector suggests, accepts them as one case, and sees the members listed (and on a
 * member's page, the case it belongs to); the wall lists the open case with its reporters.
 */
const [target] = await testTargets();
describe("console: case clusters", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  const tickets: { id: number; number: string }[] = [];

  before(async () => {
    c = await startConsole(target, {
      seed: async (app) => {
        t = app;
        const operator = await t.loginAs(DEMO.operator);
        const reports = [
          { description: "Jembatan gantung di Desa Sukamaju putus, warga tidak bisa menyeberang sungai.", caller: { name: "Pak Harun", phone: "0812-7000-1001" } },
          { description: "Jembatan gantung Desa Sukamaju putus sejak kemarin, anak sekolah tidak bisa menyeberang.", caller: { name: "Bu Wati", phone: "0812-7000-1002" } },
          { description: "Jembatan gantung di Sukamaju putus, warga tidak bisa menyeberang ke pasar.", caller: { name: "Pak Yusuf", phone: "0812-7000-1003" } },
        ];
        for (const r of reports) {
          const res = await operator.post("/api/tickets").send({ channel: "voice", ...r });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          tickets.push(res.body);
        }
      },
    });
  });
  after(() => c?.close());

  it("the operator accepts the suggested case on the ticket page; the members are listed; a member's page names the case; the wall shows it", async () => {
    const [primary, a, b] = tickets as [{ id: number; number: string }, { id: number; number: string }, { id: number; number: string }];
    const page = await c.signedIn(DEMO.operator, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    await page.goto(`${c.url}/console/#/tickets/${primary.id}/show`);
    await page.getByRole("heading", { level: 1, name: primary.number, exact: true }).waitFor();

    const card = page.getByTestId("case-cluster");
    await card.getByRole("heading", { name: "Kasus gabungan" }).waitFor();
    for (const x of [a, b]) await card.locator(`[data-suggestion="${x.number}"]`).waitFor();
    await card.getByText("teks mirip").first().waitFor();
    assert.deepEqual((await axeViolations(page)).filter((v) => v.targets.some((x) => x.includes("cluster"))), []);
    await screenshot(page, "70-cluster-suggestions");
    await card.getByRole("button", { name: "Gabungkan jadi satu kasus (3 laporan)" }).click();

    for (const x of [a, b]) await card.locator(`[data-member="${x.number}"]`).waitFor();
    await card.getByText("Laporan anggota (2)").waitFor();
    await card.getByText("Bu Wati").waitFor();
    await screenshot(page, "71-cluster-members");
    const m = t.database.db.manager;
    for (const x of [a, b]) {
      const row = await m.getRepository(Ticket).findOneByOrFail({ id: x.id });
      assert.equal(row.status, "merged");
      assert.equal(row.mergedIntoId, primary.id);
    }

    // A member's page names the case it belongs to.
    await page.goto(`${c.url}/console/#/tickets/${a.id}/show`);
    await page.getByRole("heading", { level: 1, name: a.number, exact: true }).waitFor();
    await page.getByTestId("cluster-primary").getByRole("link", { name: primary.number }).waitFor();

    // The wall lists the open case with its three reporters.
    const wall = await c.signedIn("layar@demo.aduan.id", { viewport: { width: 1920, height: 1080 } }); // the kiosk lands on the wall
    await wall.getByTestId("wall").waitFor();
    const wallCase = wall.getByTestId("wall-cases").locator(`[data-case="${primary.number}"]`);
    await wallCase.waitFor();
    await wallCase.getByText("3 pelapor").waitFor();
    await page.close();
    await wall.close();
  });
});
