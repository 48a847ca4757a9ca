import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { rateAnswer } from "../../server/commands/rate-answer.js";
import { citizenDecide } from "../../server/commands/citizen-decide.js";
import { Agency } from "../../server/entities/index.js";
import type { SlaPolicy } from "../../server/domain/sla/policy.js";
import { clearSlaSettingsCache } from "../../server/clocks/sla-settings.js";

/**
 * Issue 16 in Chromium.
 * Acceptance 5: two OPD heads have the console open; the operator forwards one ticket to both:
 * each head's notification badge goes up without a reload (the live stream), and the notice is
 * on their list.
 * Acceptance 6: the ticket page shows the citizen's rating, comment and dispute, and each running
 * clock's legal basis; after the admin edits the policy, the running clock still shows the basis
 * it started with.
 * Point 3: the operator's queue opens on the unverified tickets, with their count.
 */
const [target] = await testTargets();
describe("console: notices, the operator's first view and the case facts", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let pu: Agency;
  let dinkes: Agency;

  const badge = async (p: Page) => {
    const label = (await p.getByRole("link", { name: /^Notifikasi: \d+ belum dibaca/ }).getAttribute("aria-label")) ?? "";
    return Number(/(\d+) belum dibaca/.exec(label)?.[1] ?? NaN);
  };
  const newTicket = async (description: string) => {
    const operator = await t.loginAs(DEMO.operator);
    const res = await operator.post("/api/tickets").send({ channel: "voice", description, privacy: "publik" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.id as number, number: res.body.number as string, operator };
  };

  before(async () => {
    clearSlaSettingsCache();
    c = await startConsole(target, { context: { viewport: { width: 1280, height: 900 }, bypassCSP: true } });
    t = c.t;
    const m = t.database.db.manager;
    pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
    dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
  });
  after(() => c?.close());

  it("acceptance 5: a forward to two OPDs raises each head's badge live, without a reload", async () => {
    const headPU = await c.signedIn(DEMO.headPU);
    const headDinkes = await c.signedIn(DEMO.headDinkes);
    await headPU.getByRole("link", { name: /^Notifikasi:/ }).waitFor();
    await headDinkes.getByRole("link", { name: /^Notifikasi:/ }).waitFor();
    // Let the live connection come up (the console opens one stream per screen).
    await new Promise((r) => setTimeout(r, 1000));
    const before = { pu: await badge(headPU), dinkes: await badge(headDinkes) };

    const { id, number, operator } = await newTicket("Jembatan gantung di Desa Sukamaju putus tali pengamannya; puskesmas di seberang sulit dijangkau.");
    assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send({ action: "verify" })).status, 200);
    const started = Date.now();
    const fwd = await operator.post(`/api/tickets/${id}/transitions`).send({ action: "forward", agencyIds: [pu.id, dinkes.id], instruction: "Mohon ditinjau hari ini." });
    assert.equal(fwd.status, 200, JSON.stringify(fwd.body));

    for (const [p, was] of [[headPU, before.pu], [headDinkes, before.dinkes]] as const) {
      await p.waitForFunction(
        (n) => {
          const a = document.querySelector('a[aria-label^="Notifikasi:"]');
          const m = /(\d+) belum dibaca/.exec(a?.getAttribute("aria-label") ?? "");
          return m !== null && Number(m[1]) === n;
        },
        was + 1,
        { timeout: 5000 },
      );
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5000, `badges rose within ${elapsed} ms`);
    await screenshot(headPU, "notices-01-badge-live");
    // The notice is on the head's list, naming the ticket and their own OPD.
    await headPU.getByRole("link", { name: /^Notifikasi:/ }).click();
    await headPU.getByRole("link", { name: new RegExp(`Disposisi baru ${number} untuk ${pu.shortName}`) }).waitFor();
    await headPU.getByText("Kirim notifikasi sebagai ringkasan harian").waitFor();
    await screenshot(headPU, "notices-02-list");
    assert.deepEqual((await axeViolations(headPU)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);
  });

  it("point 3: the operator's queue opens on the new, unverified tickets with their count", async () => {
    const { number } = await newTicket("Saluran air di Jalan Kenari meluap setiap hujan deras.");
    const p = await c.signedIn(DEMO.operator);
    await p.waitForURL((u) => u.hash.startsWith("#/tickets"));
    const view = p.getByRole("button", { name: /Belum diverifikasi/ });
    await view.waitFor();
    assert.equal(await view.getAttribute("aria-pressed"), "true", "the unverified view is the operator's default");
    const count = Number(await p.getByTestId("unverified-count").innerText());
    assert.ok(count >= 1, `count ${count}`);
    await p.getByRole("row").filter({ hasText: number }).waitFor();
    // From another view, a banner keeps them impossible to miss.
    await p.getByRole("button", { name: "Semua terbuka" }).click();
    await p.getByTestId("unverified-banner").waitFor();
    await screenshot(p, "notices-03-operator-queue");
    await p.getByTestId("unverified-banner").getByRole("button", { name: "Lihat" }).click();
    await p.waitForFunction(() => document.querySelector('button[aria-pressed="true"]')?.textContent?.includes("Belum diverifikasi") === true);
  });

  it("acceptance 6: rating, comment, dispute and each clock's legal basis on the ticket page; a policy edit does not change a running clock's basis", async () => {
    const { id, number, operator } = await newTicket("Air PDAM keruh dan berbau di Perumahan Griya Asri sejak Senin.");
    for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [dinkes.id], instruction: "Mohon diperiksa." }]) {
      assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send(body)).status, 200);
    }
    const head = await t.loginAs(DEMO.headDinkes);
    assert.equal((await head.post(`/api/tickets/${id}/transitions`).send({ action: "answer", response: "Filter instalasi sudah diganti." })).status, 200);
    const ctx = { actor: { userId: null, label: "pelapor" }, at: t.clock.now(), secretKey: t.config.sessionSecret };
    await t.database.db.tx((m) => rateAnswer(m, ctx, { ticketId: id, rating: 2, comment: "Air masih berbau di pagi hari." }));
    const dispute = await t.database.db.tx((m) => citizenDecide(m, ctx, id, { decision: "dispute", reason: "Bau kaporit masih sangat menyengat." }));
    assert.equal(dispute.kind, "ok");
    const clocks = ((await operator.get(`/api/tickets/${id}/clocks`)).body as { kind: string; state: string; legalBasis: { id: string } }[]).filter((c) => c.state === "running");
    assert.ok(clocks.length >= 1);

    const p = await c.signedIn(DEMO.operator);
    await p.goto(`${c.url}/console/#/tickets/${id}/show`);
    await p.getByRole("heading", { level: 1, name: number, exact: true }).waitFor();
    const feedback = p.getByTestId("citizen-feedback");
    await feedback.getByText("2 dari 5").waitFor();
    await feedback.getByText("Air masih berbau di pagi hari.").waitFor();
    await feedback.getByText(/Bau kaporit masih sangat menyengat\./).waitFor();
    const clockCard = p.getByTestId("ticket-clocks");
    for (const c of clocks) await clockCard.locator(`[data-clock-kind="${c.kind}"]`).getByText(c.legalBasis.id).waitFor();
    await screenshot(p, "notices-04-ticket-case-facts");

    // The admin edits the basis of every clock in the policies; the page keeps the running clocks' original text.
    const admin = await t.loginAs(DEMO.admin);
    const policies = (await admin.get("/api/sla-policies")).body as { id: number; definition: SlaPolicy }[];
    for (const pol of policies) {
      const def = structuredClone(pol.definition);
      for (const k of Object.keys(def.clocks) as (keyof SlaPolicy["clocks"])[]) def.clocks[k].basis = { id: `Teks dasar hukum baru untuk ${k}`, en: `New basis text for ${k}` };
      assert.equal((await admin.put(`/api/sla-policies/${pol.id}`).send({ definition: def })).status, 200);
    }
    await p.reload();
    await p.getByRole("heading", { level: 1, name: number, exact: true }).waitFor();
    for (const c of clocks) await clockCard.locator(`[data-clock-kind="${c.kind}"]`).getByText(c.legalBasis.id).waitFor();
    assert.equal(await clockCard.getByText(/Teks dasar hukum baru/).count(), 0, "no running clock shows the edited text");
    await screenshot(p, "notices-05-after-policy-edit");
    assert.deepEqual((await axeViolations(p)).filter((v) => v.impact === "critical" || v.impact === "serious"), []);
  });
  it("review: the operator sends an OPD answer back with a note, then approves the corrected one", async () => {
    const admin = await t.loginAs(DEMO.admin);
    assert.equal((await admin.put(`/api/agencies/${pu.id}`).send({ answerReview: true })).status, 200);
    const { id, number, operator } = await newTicket("Gorong-gorong di Jalan Melati tersumbat, air meluap ke rumah warga.");
    for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: "Mohon dibersihkan." }]) {
      assert.equal((await operator.post(`/api/tickets/${id}/transitions`).send(body)).status, 200);
    }
    const head = await t.loginAs(DEMO.headPU);
    assert.equal((await head.post(`/api/tickets/${id}/transitions`).send({ action: "answer", response: "Sudah dibersihkan." })).body.status, "in_review");

    const p = await c.signedIn(DEMO.operator);
    await p.goto(`${c.url}/console/#/tickets/${id}/show`);
    await p.getByRole("heading", { level: 1, name: number, exact: true }).waitFor();
    await p.locator('[data-status="in_review"]').first().waitFor();
    await p.getByTestId("held-answer").getByText("Sudah dibersihkan.").waitFor();
    await screenshot(p, "notices-06-review-held");
    await p.getByRole("button", { name: "Kembalikan ke OPD" }).click();
    await p.getByRole("dialog").getByLabel("Catatan untuk OPD").fill("Sebutkan tanggal pembersihan dan lampirkan foto.");
    await p.getByRole("dialog").getByRole("button", { name: "Konfirmasi" }).click();
    await p.locator('[data-status="in_progress"]').first().waitFor();
    assert.equal(await p.getByTestId("held-answer").count(), 0);

    // The OPD answers again; the operator's page follows (live) and approves.
    assert.equal((await head.post(`/api/tickets/${id}/transitions`).send({ action: "answer", response: "Dibersihkan pada 4 Desember; foto terlampir." })).body.status, "in_review");
    await p.getByTestId("held-answer").getByText("Dibersihkan pada 4 Desember; foto terlampir.").waitFor({ timeout: 15_000 });
    await p.getByRole("button", { name: "Setujui dan kirim ke pelapor" }).click();
    await p.locator('[data-status="answered"]').first().waitFor();
    await screenshot(p, "notices-07-review-approved");
    await admin.put(`/api/agencies/${pu.id}`).send({ answerReview: false });
  });
});
