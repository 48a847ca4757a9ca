import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { browserSkip, screenshot } from "../support/browser.js";
import { signIn } from "../support/console.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { Calendar, CalendarHoliday } from "../../server/entities/index.js";

/** Issue 19, item 11: an admin imports next year's SKB list from an ICS file on the calendar screen. */
const [target] = await testTargets();
describe("console: importing next year's holidays", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;

  before(async () => {
    c = await startConsole(target);
    t = c.t;
  });
  after(() => c?.close());

  it("a file is previewed with its unreadable rows named, then applied to the calendar", async () => {
    const calendar = await t.database.db.manager.getRepository(Calendar).findOneByOrFail({ isDefault: true });
    const page = await (await c.browser.context({ viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${c.url}/console/#/login`);
    await signIn(page, DEMO.admin);
    await page.goto(`${c.url}/console/#/calendars/${calendar.id}`);
    const box = page.getByTestId("holiday-import");
    await box.waitFor();
    const csv = "tanggal;nama;jenis\n01/01/2027;Tahun Baru 2027 Masehi;nasional\n24/12/2027;Cuti Bersama Natal;cuti bersama\n31/02/2027;Tanggal salah;nasional\n";
    await page.getByTestId("holiday-file").setInputFiles({ name: "skb-2027.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    const preview = page.getByTestId("holiday-preview");
    await preview.getByText("2 hari libur terbaca").waitFor();
    await preview.getByText(/line 4: .*not a date/).waitFor();
    assert.equal(await t.database.db.manager.getRepository(CalendarHoliday).countBy({ calendarId: calendar.id, date: "2027-01-01" }), 0, "a preview stores nothing");
    await screenshot(page, "holiday-import-preview");
    await preview.getByRole("button", { name: "Terapkan ke kalender" }).click();
    await page.getByText("2 hari libur diterapkan").waitFor();
    const stored = await t.database.db.manager.getRepository(CalendarHoliday).findBy({ calendarId: calendar.id });
    assert.ok(stored.some((h) => h.date === "2027-01-01" && h.kind === "national"));
    assert.ok(stored.some((h) => h.date === "2027-12-24" && h.kind === "cuti_bersama"));

    await box.getByRole("button", { name: /Lihat libur nasional/ }).click();
    const computed = page.getByTestId("holiday-computed");
    await computed.getByText(/belum ada di kalender/).waitFor();
    assert.ok(!(await computed.getByText("2027-01-01").count()), "already imported: not offered again");
  });
});
