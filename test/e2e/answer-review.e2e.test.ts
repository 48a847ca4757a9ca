import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { In } from "typeorm";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { seedDemoChannels } from "../../server/demo/seed-demo-channels.js";
import { rateAnswer } from "../../server/commands/rate-answer.js";
import { citizenDecide } from "../../server/commands/citizen-decide.js";
import { Agency, AuditEvent, Message, SlaClock } from "../../server/entities/index.js";
import { DEFAULT_POLICY, type SlaPolicy } from "../../server/domain/sla/policy.js";
import { clearSlaSettingsCache } from "../../server/clocks/sla-settings.js";

/**
 * Issue 16: the optional review of OPD answers (held → sent back with a note → answered again →
 * approved → the citizen gets it once), and acceptance 6 over the API: the citizen's rating,
 * comment and dispute for staff, each clock's legal basis kept as it was when the clock started,
 * and the operator's priority choosing the SLA policy.
 */
const CITIZEN = { userId: null, label: "pelapor (halaman lacak)" };
type Clock = { id: number; kind: string; state: string; dueAt: string | null; legalBasis: { id: string; en: string } | null; target: { amount: number; unit: string } | null };

for (const target of await testTargets()) {
  describe(`answer review, citizen feedback and clocks' legal basis (${target.name})`, () => {
    let t: TestApp;
    let pu: Agency;
    let dinkes: Agency;
    const agents = {} as Record<"admin" | "operator" | "headPU" | "headDinkes", supertest.Agent>;
    const act = async (who: keyof typeof agents, ticketId: number, body: object, status = 200) => {
      const res = await agents[who].post(`/api/tickets/${ticketId}/transitions`).send(body);
      assert.equal(res.status, status, `${JSON.stringify(body)} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { status: string; forwards?: { id: number; agencyId: number; status: string }[] };
    };
    const newTicket = async (description: string, phone: string, agencyId: number) => {
      const res = await agents.operator.post("/api/tickets").send({ channel: "voice", description, privacy: "publik", caller: { name: "Warga Uji", phone } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      await act("operator", res.body.id, { action: "verify" });
      await act("operator", res.body.id, { action: "forward", agencyIds: [agencyId], instruction: "Mohon ditindaklanjuti." });
      return { id: res.body.id as number, number: res.body.number as string };
    };
    const clocksOf = async (ticketId: number) => (await agents.operator.get(`/api/tickets/${ticketId}/clocks`)).body as Clock[];
    /** Messages queued to the citizen whose text contains `s` (the outbox: the provider gets exactly these). */
    const toCitizen = async (ticketId: number, s: string) => (await t.database.db.manager.getRepository(Message).find({ where: { ticketId, direction: "outbound" } })).filter((m) => m.body.includes(s)).length;

    before(async () => {
      // The policy cache is per process and keyed by id and edit time; each database starts clean.
      clearSlaSettingsCache();
      t = await startTestApp(target);
      // Channel accounts so the citizen has a way back (SMS); no worker runs: the outbox rows stay queued for us to count.
      await seedDemoChannels(t.database.db, t.config, t.clock.now());
      const m = t.database.db.manager;
      pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
      for (const [k, email] of Object.entries({ admin: DEMO.admin, operator: DEMO.operator, headPU: DEMO.headPU, headDinkes: DEMO.headDinkes })) agents[k as keyof typeof agents] = await t.loginAs(email);
    });
    after(() => t?.close());

    it("review on for Dinas PU: the answer is held, sent back with a note, answered again, approved, and reaches the citizen once", async () => {
      const set = await agents.admin.put(`/api/agencies/${pu.id}`).send({ answerReview: true });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.answerReview, true);
      const ticket = await newTicket("Jalan di depan SD Negeri 3 berlubang dalam dan sering membuat pengendara jatuh.", "+6281234500101", pu.id);
      const first = "Jalan sudah ditambal pada 3 Desember.";
      const second = "Jalan sudah ditambal pada 3 Desember; foto hasil perbaikan terlampir di berkas OPD.";

      await act("headPU", ticket.id, { action: "acknowledge" });
      const held = await act("headPU", ticket.id, { action: "answer", response: first });
      assert.equal(held.status, "in_review");
      const forwardId = held.forwards!.find((f) => f.agencyId === pu.id)!.id;
      assert.equal(await toCitizen(ticket.id, "ditambal"), 0, "nothing reaches the citizen before the review");
      // Its own clock: the review runs, the OPD's follow-up clock stopped.
      let clocks = await clocksOf(ticket.id);
      const review = clocks.find((c) => c.kind === "review_answer" && c.state === "running");
      assert.ok(review, JSON.stringify(clocks));
      assert.ok(review.dueAt && review.legalBasis?.id, "the review clock has a deadline and its basis");
      assert.ok(!clocks.some((c) => c.kind === "opd_followup" && c.state === "running"));
      // The operators are told an answer waits.
      const opNotices = (await agents.operator.get("/api/notifications").query({ filter: JSON.stringify({ ticketId: ticket.id }) })).body as { type: string }[];
      assert.ok(opNotices.some((n) => n.type === "answer_held"), JSON.stringify(opNotices));
      // The OPD cannot approve its own answer.
      await act("headPU", ticket.id, { action: "approve_answer", forwardId }, 403);

      // Sent back with a note: the OPD works again on a fresh follow-up clock and hears of it.
      await act("operator", ticket.id, { action: "send_back", forwardId, note: "" }, 400);
      const back = await act("operator", ticket.id, { action: "send_back", forwardId, note: "Lampirkan foto hasil perbaikan." });
      assert.equal(back.status, "in_progress");
      clocks = await clocksOf(ticket.id);
      assert.ok(!clocks.some((c) => c.kind === "review_answer" && c.state === "running"));
      assert.ok(clocks.some((c) => c.kind === "opd_followup" && c.state === "running"));
      const headNotices = (await agents.headPU.get("/api/notifications").query({ filter: JSON.stringify({ ticketId: ticket.id }) })).body as { type: string }[];
      assert.ok(headNotices.some((n) => n.type === "answer_sent_back"), JSON.stringify(headNotices));
      const inbox = (await agents.headPU.get(`/api/tickets/${ticket.id}`)).body as { forward: { status: string } };
      assert.equal(inbox.forward.status, "acknowledged");
      assert.equal(await toCitizen(ticket.id, "ditambal"), 0);

      // Answered again, approved: the citizen gets the approved answer, once; the first never.
      assert.equal((await act("headPU", ticket.id, { action: "answer", response: second })).status, "in_review");
      const approved = await act("operator", ticket.id, { action: "approve_answer", forwardId });
      assert.equal(approved.status, "answered");
      assert.equal(await toCitizen(ticket.id, second), 1);
      assert.equal(await toCitizen(ticket.id, first), 0, "the first answer was never sent");
      await act("operator", ticket.id, { action: "approve_answer", forwardId }, 409);
      assert.equal(await toCitizen(ticket.id, second), 1, "approving twice sends nothing more");

      const types = (await t.database.db.manager.getRepository(AuditEvent).find({ where: { ticketId: ticket.id, type: In(["forward.answer_held", "forward.sent_back", "forward.answer_approved", "forward.answered"]) }, order: { id: "ASC" } })).map((e) => e.type);
      assert.deepEqual(types, ["forward.answer_held", "forward.sent_back", "forward.answer_held", "forward.answer_approved", "forward.answered"]);
      const sentBack = await t.database.db.manager.getRepository(AuditEvent).findOneByOrFail({ ticketId: ticket.id, type: "forward.sent_back" });
      assert.match(sentBack.afterJson ?? "", /Lampirkan foto hasil perbaikan/);

      // Default behaviour elsewhere: Dinas Kesehatan's answers go out at once.
      const direct = await newTicket("Puskesmas pembantu di Desa Sukamaju tutup setiap Jumat siang.", "+6281234500102", dinkes.id);
      assert.equal((await act("headDinkes", direct.id, { action: "answer", response: "Jadwal layanan Jumat sudah diperpanjang." })).status, "answered");
      assert.equal(await toCitizen(direct.id, "Jadwal layanan Jumat"), 1);
      await agents.admin.put(`/api/agencies/${pu.id}`).send({ answerReview: false });
    });

    it("acceptance 6 (API): rating, comment and dispute for staff; a clock keeps its legal basis through a policy edit", async () => {
      const ticket = await newTicket("Air PDAM tidak mengalir tiga hari di Perumahan Griya Asri.", "+6281234500103", dinkes.id);
      await act("headDinkes", ticket.id, { action: "answer", response: "Pipa distribusi sudah diperbaiki." });
      const ctx = { actor: CITIZEN, at: t.clock.now(), secretKey: t.config.sessionSecret };
      assert.equal((await t.database.db.tx((m) => rateAnswer(m, ctx, { ticketId: ticket.id, rating: 2, comment: "Baru mengalir sore hari saja." }))).kind, "rated");
      assert.equal((await t.database.db.tx((m) => citizenDecide(m, ctx, ticket.id, { decision: "dispute", reason: "Pagi hari air masih mati." }))).kind, "ok");

      for (const who of ["operator", "headDinkes"] as const) {
        const fb = await agents[who].get(`/api/tickets/${ticket.id}/citizen-feedback`);
        assert.equal(fb.status, 200, JSON.stringify(fb.body));
        assert.equal(fb.body.rating.rating, 2);
        assert.equal(fb.body.rating.comment, "Baru mengalir sore hari saja.");
        assert.deepEqual(fb.body.disputes.map((d: { reason: string; byCitizen: boolean }) => [d.reason, d.byCitizen]), [["Pagi hari air masih mati.", true]]);
      }
      // Another OPD cannot read it.
      assert.equal((await agents.headPU.get(`/api/tickets/${ticket.id}/citizen-feedback`)).status, 404);

      // Every clock carries its legal basis.
      const clocks = await clocksOf(ticket.id);
      const running = clocks.filter((c) => c.state === "running");
      assert.ok(running.length >= 1);
      for (const c of clocks) assert.ok(c.legalBasis?.id && c.legalBasis.en && c.target, `clock ${c.kind} has its basis and target`);
      const respond = await newTicket("Saluran irigasi tersumbat di Desa Mekar.", "+6281234500104", dinkes.id);
      const before = (await clocksOf(respond.id)).find((c) => c.kind === "respond_citizen" && c.state === "running")!;
      assert.match(before.legalBasis!.id, /UU 25\/2009/);

      // The admin edits the default policy's basis: the running clock keeps the text it started with; a new clock gets the new one.
      const policies = (await agents.admin.get("/api/sla-policies")).body as { id: number; categoryId: number | null; complaintClass: string | null; priority: string | null; definition: SlaPolicy }[];
      const general = policies.find((p) => p.categoryId == null && p.complaintClass == null && p.priority == null)!;
      const edited = structuredClone(general.definition);
      edited.clocks.respond_citizen.basis = { id: "Dasar hukum yang diubah kemudian (uji)", en: "Basis edited later (test)" };
      const put = await agents.admin.put(`/api/sla-policies/${general.id}`).send({ definition: edited });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const afterEdit = (await clocksOf(respond.id)).find((c) => c.id === before.id)!;
      assert.deepEqual(afterEdit.legalBasis, before.legalBasis, "the running clock's legal basis did not change");
      const stored = await t.database.db.manager.getRepository(SlaClock).findOneByOrFail({ id: before.id });
      assert.match(stored.legalBasis ?? "", /UU 25\/2009/);
      const later = await newTicket("Papan nama jalan roboh di perempatan Jalan Kenanga.", "+6281234500105", dinkes.id);
      assert.equal((await clocksOf(later.id)).find((c) => c.kind === "respond_citizen")!.legalBasis!.id, "Dasar hukum yang diubah kemudian (uji)");
    });

    it("the operator's priority selects the SLA policy (Pergub Sumut 12/2022 Pasal 51): running clocks follow it, audited", async () => {
      const urgent = structuredClone(DEFAULT_POLICY);
      urgent.clocks.respond_citizen.target = { amount: 2, unit: "working_days" };
      urgent.clocks.respond_citizen.basis = { id: "Pergub Sumut 12/2022 Pasal 51: SLA menurut tingkat kekritisan (aduan mendesak)", en: "Pergub Sumut 12/2022 Art. 51: SLA by criticality (urgent complaints)" };
      const created = await agents.admin.post("/api/sla-policies").send({ name: "Aduan mendesak", priority: "urgent", definition: urgent });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.priority, "urgent");
      // A second policy for the same scope and priority clashes.
      assert.equal((await agents.admin.post("/api/sla-policies").send({ name: "Dua kali", priority: "urgent", definition: urgent })).status, 409);

      const ticket = await newTicket("Tiang listrik miring hampir roboh di depan sekolah.", "+6281234500106", pu.id);
      const before = (await clocksOf(ticket.id)).find((c) => c.kind === "respond_citizen" && c.state === "running")!;
      const put = await agents.operator.put(`/api/tickets/${ticket.id}`).send({ priority: "urgent" });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const after = (await clocksOf(ticket.id)).find((c) => c.id === before.id)!;
      assert.ok(new Date(after.dueAt!).getTime() < new Date(before.dueAt!).getTime(), `the urgent policy's deadline is earlier: ${before.dueAt} -> ${after.dueAt}`);
      assert.deepEqual(after.target, { amount: 2, unit: "working_days" });
      assert.match(after.legalBasis!.id, /Pasal 51/, "a ticket moved to another policy takes that policy's basis");
      const audit = await t.database.db.manager.getRepository(AuditEvent).find({ where: { ticketId: ticket.id, type: "ticket.updated" } });
      assert.ok(audit.some((e) => /"priority":"urgent"/.test(e.afterJson ?? "")), "the priority change is audited");
      // OPD users cannot set it.
      assert.equal((await agents.headPU.put(`/api/tickets/${ticket.id}`).send({ priority: "low" })).status, 403);
    });
  });
}
