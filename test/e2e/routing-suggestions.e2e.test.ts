// Issue 19, item 2: routing suggestions on-premise. Staff see the top categories and OPDs with
// their confidence (through the access gate, rahasia reads audited); the worker's retrain job
// learns from the province's verified tickets (not rahasia ones, masked, forwarded OPDs
// included); nothing is applied without a person unless an admin sets a category's
// auto-forward threshold, and then the system forwards with an audit event saying so.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { AuditEvent } from "../../server/entities/audit-event.entity.js";
import { RoutingModelRow } from "../../server/entities/routing-model.entity.js";
import { recordComplaint } from "../../server/commands/record-complaint.js";
import { transitionTicket } from "../../server/commands/transition-ticket.js";
import { MIN_TICKETS_TO_LEARN } from "../../server/commands/retrain-routing-model.js";
import { runRoutingRetrain } from "../../server/jobs/jobs.js";

type Agent = Awaited<ReturnType<TestApp["loginAs"]>>;

/** Fires the province handles itself: a category the shipped corpus has never seen. */
const FIRE_TEXTS = [
  "Kebakaran rumah di lorong kami, mobil damkar datang terlambat satu jam",
  "hidran di pasar kering, petugas pemadam gk bisa menyemprot api",
  "Mohon ditambah pos pemadam kebakaran di kecamatan kami, kalau ada kebakaran damkar datang dari kota",
  "damkar lambat nian datang, tiga rumah habis terbakar",
  "Alat pemadam api ringan di kantor kelurahan sudah kedaluwarsa",
  "kebakaran lahan dekat pemukiman, pemadam kebakaran belum datang",
  "Nomor darurat pemadam kebakaran 113 tidak bisa dihubungi saat ada kebakaran",
  "mobil pemadam kebakaran tidak bisa masuk gang sempit, hidran tidak ada",
];

for (const target of await testTargets()) {
  describe(`routing suggestions (${target.name})`, () => {
    let t: TestApp;
    let operator: Agent;
    let supervisor: Agent;
    let admin: Agent;
    let headPU: Agent;
    let staffPU: Agent;
    let categories: { id: number; code: string; defaultAgencyId: number | null }[];
    let agencies: { id: number; code: string }[];
    const cat = (code: string) => categories.find((c) => c.code === code)!;
    const agency = (code: string) => agencies.find((a) => a.code === code)!;
    const create = async (description: string, extra: object = {}) => {
      const r = await operator.post("/api/tickets").send({ channel: "voice", description, caller: { name: "Zulkifli Bastari", phone: "0812-7788-9900" }, ...extra });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: number; number: string };
    };
    const auditOf = (ticketId: number, type: string) => t.deps.db.manager.getRepository(AuditEvent).find({ where: { ticketId, type }, order: { id: "ASC" } });

    before(async () => {
      t = await startTestApp(target);
      [operator, supervisor, admin, headPU, staffPU] = await Promise.all([DEMO.operator, DEMO.supervisor, DEMO.admin, DEMO.headPU, DEMO.staffPU].map((e) => t.loginAs(e)));
      categories = (await operator.get("/api/categories").query({ range: "[0,99]" })).body;
      agencies = (await operator.get("/api/agencies").query({ range: "[0,99]" })).body;
    });
    after(() => t.close());

    it("shows an operator and a supervisor the top 3 categories and OPDs with confidence, applying nothing", async () => {
      const ticket = await create("jln di depan sdn 12 plaju rusak parah, lubangnya dalem bgt, udh ada motor jatuh, tlg diaspal");
      for (const agent of [operator, supervisor]) {
        const r = await agent.get(`/api/tickets/${ticket.id}/routing-suggestions`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.ticketId, ticket.id);
        assert.equal(r.body.categories.length, 3);
        assert.equal(r.body.categories[0].code, "jalan-jembatan");
        assert.equal(r.body.categories[0].name, "Jalan dan jembatan");
        assert.ok(r.body.categories[0].confidence > 0.4 && r.body.categories[0].confidence <= 1, String(r.body.categories[0].confidence));
        assert.ok(r.body.categories[0].confidence > r.body.categories[1].confidence);
        assert.equal(r.body.categories[0].agencyId, agency("DPU").id);
        assert.equal(r.body.agencies[0].code, "DPU");
        assert.ok(r.body.agencies.length >= 1 && r.body.agencies.length <= 3);
        assert.equal(r.body.model.source, "corpus", "no model trained yet: the shipped corpus answers");
        // Only suggestions leave the server, never the text.
        assert.doesNotMatch(JSON.stringify(r.body), /plaju|lubang/i);
      }
      const after = (await operator.get(`/api/tickets/${ticket.id}`)).body;
      assert.equal(after.status, "received");
      assert.equal(after.categoryId ?? null, null, "a suggestion is never applied by itself");
    });

    it("is for the command center only: OPD users, admins and strangers are refused; unknown tickets are 404", async () => {
      const ticket = await create("Sampah di TPS Jl. Kenanga tidak diangkut seminggu, bau menyengat");
      for (const agent of [headPU, staffPU, admin]) assert.equal((await agent.get(`/api/tickets/${ticket.id}/routing-suggestions`)).status, 403);
      const { default: supertest } = await import("supertest");
      assert.equal((await supertest(t.app).get(`/api/tickets/${ticket.id}/routing-suggestions`)).status, 401);
      assert.equal((await operator.get("/api/tickets/999999/routing-suggestions")).status, 404);
      assert.equal((await operator.get("/api/tickets/abc/routing-suggestions")).status, 400);
    });

    it("records a rahasia read when the gate opens a rahasia ticket for suggestions", async () => {
      const ticket = await create("Kepala sekolah minta uang 2 juta supaya anak saya diterima, saya takut namanya disebut", { privacy: "rahasia" });
      const r = await operator.get(`/api/tickets/${ticket.id}/routing-suggestions`);
      assert.equal(r.status, 200);
      assert.equal(r.body.categories[0].code, "pungli-sekolah");
      const reads = await auditOf(ticket.id, "ticket.read_rahasia");
      assert.ok(reads.some((e) => (e.afterJson ?? "").includes("routing-suggestions")), JSON.stringify(reads.map((e) => e.afterJson)));
    });

    it("the retrain job learns from verified tickets: a new category, the OPD tickets were forwarded to, no reporter name in the model", async () => {
      // The province adds a category the corpus does not know and forwards its tickets to an OPD other than the category's default.
      const fire = await admin.post("/api/categories").send({ code: "kebakaran", name: "Kebakaran dan pemadam", nameEn: "Fires", defaultAgencyId: agency("DPU").id });
      assert.equal(fire.status, 201, JSON.stringify(fire.body));
      const kominfo = agency("DISKOMINFO");
      const ctx = { actor: { userId: null, label: "test" }, at: t.clock.now(), secretKey: t.config.sessionSecret };
      const verifiedCount = async () => Number((await t.deps.db.manager.query("SELECT COUNT(*) AS n FROM tickets WHERE verified_at IS NOT NULL AND privacy <> 'rahasia'"))[0].n);
      let i = 0;
      while ((await verifiedCount()) < MIN_TICKETS_TO_LEARN + 6) {
        const text = `${FIRE_TEXTS[i % FIRE_TEXTS.length]}. Pelapor: Zulkifli Bastari, RT ${i + 1}.`;
        await t.deps.db.tx(async (m) => {
          const c = await recordComplaint(m, ctx, { channel: "sms", description: text, categoryId: fire.body.id, contact: { name: "Zulkifli Bastari", phone: "081277889900" } });
          assert.equal(c.kind, "created");
          if (c.kind !== "created") return;
          assert.equal((await transitionTicket(m, ctx, c.ticket.id, { action: "verify" })).kind, "ok");
          assert.equal((await transitionTicket(m, ctx, c.ticket.id, { action: "forward", agencyIds: [kominfo.id], instruction: "Mohon ditangani" })).kind, "ok");
        });
        i++;
      }
      // A rahasia fire ticket with a unique word: never learned from.
      await t.deps.db.tx(async (m) => {
        const c = await recordComplaint(m, ctx, { channel: "sms", description: "kebakaran gudang zzrahasiakata dibakar oknum", categoryId: fire.body.id, privacy: "rahasia" });
        if (c.kind === "created") await transitionTicket(m, ctx, c.ticket.id, { action: "verify" });
      });

      const r = await runRoutingRetrain(t.deps);
      assert.equal(r.source, "tickets");
      assert.ok(r.tickets >= MIN_TICKETS_TO_LEARN, String(r.tickets));
      assert.ok(r.evaluation && r.evaluation.examples > 0, "measured on held-out tickets before it is stored");
      const row = await t.deps.db.manager.getRepository(RoutingModelRow).findOneByOrFail({ id: r.model.id });
      assert.equal(row.source, "tickets");
      assert.doesNotMatch(row.modelJson, /zulkifli|bastari|zzrahasiakata|81277889900/i, "masked, rahasia left out");
      assert.match(row.modelJson, /"w:damkar"/);
      const trained = await t.deps.db.manager.getRepository(AuditEvent).findOneBy({ type: "routing.model_trained", entityId: String(r.model.id) });
      assert.ok(trained, "the retrain is audited");

      const ticket = await create("ada kebakaran di pasar, damkar belum datang, hidrannya kering");
      const s = await operator.get(`/api/tickets/${ticket.id}/routing-suggestions`);
      assert.equal(s.status, 200);
      assert.equal(s.body.model.id, r.model.id);
      assert.equal(s.body.model.source, "tickets");
      assert.equal(s.body.categories[0].code, "kebakaran");
      assert.equal(s.body.categories[0].agencyId, kominfo.id, "the OPD its tickets were forwarded to, not the category's default");
      assert.equal(s.body.agencies[0].code, "DISKOMINFO");
      // The older models are pruned but the newest answers.
      for (let k = 0; k < 6; k++) await runRoutingRetrain(t.deps);
      assert.equal(await t.deps.db.manager.getRepository(RoutingModelRow).count(), 5);
    });

    it("auto-forwards on verification only above the admin's per-category threshold, as the system, audited", async () => {
      const jalan = cat("jalan-jembatan");
      const setThreshold = (v: number | null) => admin.put(`/api/categories/${jalan.id}`).send({ autoForwardThreshold: v });
      assert.equal((await setThreshold(1.5)).status, 400, "a threshold is 0..1");
      assert.equal((await operator.put(`/api/categories/${jalan.id}`).send({ autoForwardThreshold: 0.5 })).status, 403, "admins only");
      const verify = (id: number) => operator.post(`/api/tickets/${id}/transitions`).send({ action: "verify" });
      const text = "jalan di kampung kami berlubang, mohon diperhatikan";

      // Default: no threshold, nothing happens without a person.
      const plain = await create(text);
      assert.equal((await verify(plain.id)).body.status, "verified");

      // Threshold just above the suggestion's confidence: stays with the operator.
      const high = await create(text);
      const confidence = (await operator.get(`/api/tickets/${high.id}/routing-suggestions`)).body.categories[0].confidence as number;
      assert.ok(confidence > 0.3 && confidence < 0.99, String(confidence));
      assert.equal((await setThreshold(confidence + 0.005)).body.autoForwardThreshold, confidence + 0.005);
      assert.equal((await verify(high.id)).body.status, "verified");

      // Threshold reached: the system forwards to the suggested OPD and says so.
      assert.equal((await setThreshold(0.3)).status, 200);
      const auto = await create(text);
      const v = await verify(auto.id);
      assert.equal(v.status, 200, JSON.stringify(v.body));
      assert.equal(v.body.status, "forwarded");
      assert.equal(v.body.categoryId, jalan.id, "the suggested category is set");
      assert.deepEqual(v.body.forwards.map((f: { agencyId: number }) => f.agencyId), [agency("DPU").id]);
      assert.match(v.body.forwards[0].instruction, /Diteruskan otomatis oleh sistem.*keyakinan \d+% \(ambang 30%\)/);
      const events = await auditOf(auto.id, "ticket.auto_forwarded");
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actorUserId, null);
      assert.match(events[0]!.actorLabel ?? "", /system/);
      const detail = JSON.parse(events[0]!.afterJson!);
      assert.equal(detail.categoryCode, "jalan-jembatan");
      assert.equal(detail.threshold, 0.3);
      assert.ok(detail.confidence >= 0.3);
      const forwarded = await auditOf(auto.id, "ticket.forwarded");
      assert.equal(forwarded.length, 1);
      assert.equal(forwarded[0]!.actorUserId, null, "the forward is the system's act, not the operator's");

      // The operator put the ticket in another category: a person disagreed, no auto-forward.
      const other = await create(text, { categoryId: cat("sampah").id });
      assert.equal((await verify(other.id)).body.status, "verified");

      // Another category's text is not forwarded by this category's threshold.
      const trash = await create("Sampah di TPS tidak diangkut sudah seminggu, baunya sampai ke rumah");
      assert.equal((await verify(trash.id)).body.status, "verified");

      assert.equal((await setThreshold(null)).body.autoForwardThreshold, null);
      const off = await create(text);
      assert.equal((await verify(off.id)).body.status, "verified");
    });
  });
}
