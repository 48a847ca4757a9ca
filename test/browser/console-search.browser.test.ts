import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { recordTicket } from "../support/public.js";

/** Issue 18 item 2: the queue's search box finds a ticket by a word of its text and shows the match highlighted. */
const [target] = await testTargets();
describe("console: full-text search in the queue", { skip: browserSkip }, () => {
  let c: ConsoleHarness;
  let number = "";

  before(async () => {
    c = await startConsole(target, {
      seed: async (t) => {
        const operator = await t.loginAs(DEMO.operator);
        // Markup in a citizen's text is text: it must show as typed, never as an element.
        number = (await recordTicket(operator, { subject: "Papan nama roboh", description: "Papan <b>Pasar Legi</b> roboh; jalanan di depannya tertutup puing.", caller: { name: "Warsini", phone: "081355500001" } })).number;
        await recordTicket(operator, { description: "Lampu taman kota mati sejak minggu lalu." });
      },
    });
  });
  after(() => c?.close());

  it("typing two word beginnings shows the one hit with the words marked", async () => {
    const page = await c.signedIn(DEMO.operator);
    await page.waitForURL((u) => u.hash.startsWith("#/tickets"));
    await page.getByPlaceholder("Cari").fill("pasar jalan");
    const snippet = page.getByTestId("search-snippet");
    await snippet.first().waitFor();
    await page.getByRole("link", { name: number }).waitFor();
    assert.equal(await snippet.count(), 1, "one ticket matches both words");
    const marks = await snippet.locator("mark").allTextContents();
    assert.deepEqual(marks, ["Pasar", "jalanan"]);
    assert.match((await snippet.textContent()) ?? "", /Cocok di Uraian: .*<b>Pasar Legi<\/b> roboh/);
    assert.equal(await snippet.locator("b").count(), 0, "escaped: no element from the citizen's text");
    await screenshot(page, "console-search");

    await page.getByPlaceholder("Cari").fill("warsini");
    await snippet.getByText("Cocok di Pelapor:").waitFor();
    assert.deepEqual(await snippet.locator("mark").allTextContents(), ["Warsini"]);
  });
});
