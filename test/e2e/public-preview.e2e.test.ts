import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { answerAsHeadPU, categoryId, recordTicket, verifyAndForward } from "../support/public.js";
import { AuditEvent, TicketPublication } from "../../server/entities/index.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";

/**
 * Issue 14, "What to build" 5: the publication preview through the API — what the operator sees is
 * what every public surface shows; hand redactions are stored, audited, inside the hash chain, and
 * reach answers that come later.
 */
for (const target of await testTargets()) {
  describe(`public: the publication preview (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    let ticket: { id: number; number: string };
    const SURFACES = (n: string) => [`/laporan/${n}`, "/laporan/feed.atom", "/laporan/feed.rss", "/laporan/data.csv", "/laporan/data.json", `/open311/v2/requests/${n}.json`, `/open311/v2/requests.json?service_request_id=${n}`];

    before(async () => {
      t = await startTestApp(target);
      const operator = await t.loginAs(DEMO.operator);
      ticket = await recordTicket(operator, {
        subject: "Parkir liar di depan toko Sugiarto Wibisono",
        description: "Mobil milik Sugiarto Wibisono selalu diparkir di trotoar Jl. Kenanga 12 sehingga pejalan kaki turun ke jalan. Pak Bambang sudah menegur.",
        locationText: "Jl. Kenanga 12, Kel. Sukajadi",
        categoryId: await categoryId(t, "jalan-jembatan"),
        caller: { name: "Rina Marlina", phone: "081234500077" },
      });
      await verifyAndForward(t, operator, ticket.id);
    });
    after(() => t.close());

    it("the preview is the masked text with highlights; OPD roles may not see or approve it; bad input is a 400", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const res = await operator.get(`/api/tickets/${ticket.id}/publication`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.publishable, true);
      assert.equal(res.body.approved, null);
      const description = res.body.texts.find((x: { key: string }) => x.key === "description");
      assert.match(description.text, /Pak \[nama disamarkan\] sudah menegur/, "the masker's finding");
      const marked = (kind: string) => description.highlights.filter((h: { kind: string }) => h.kind === kind).map((h: { start: number; end: number }) => description.text.slice(h.start, h.end));
      assert.ok(marked("masked").includes("[nama disamarkan]"));
      assert.ok(marked("name").includes("Sugiarto") && marked("name").includes("Wibisono"), "a name the masker did not know is highlighted");
      assert.ok(marked("address").some((a: string) => a.startsWith("Jl. Kenanga")), JSON.stringify(marked("address")));
      const head = await t.loginAs(DEMO.headPU);
      assert.equal((await head.get(`/api/tickets/${ticket.id}/publication`)).status, 403);
      assert.equal((await head.put(`/api/tickets/${ticket.id}/publication`).send({ redactions: [] })).status, 403);
      assert.equal((await operator.put(`/api/tickets/${ticket.id}/publication`).send({ redactions: ["x"] })).status, 400);
      assert.equal((await operator.put(`/api/tickets/${ticket.id}/publication`).send({ redactions: "Sugiarto" })).status, 400);
      assert.equal((await operator.put(`/api/tickets/999999/publication`).send({ redactions: [] })).status, 404);
      const secret = await recordTicket(operator, { description: "Rahasia: pungutan liar oleh Sugiarto Wibisono di sekolah.", privacy: "rahasia", caller: { phone: "081234500079" } });
      const closed = await operator.get(`/api/tickets/${secret.id}/publication`);
      assert.equal(closed.body.publishable, false);
      assert.deepEqual(closed.body.texts, [], "a rahasia report has no public version, and its text is not shown here");
      assert.equal((await operator.put(`/api/tickets/${secret.id}/publication`).send({ redactions: [] })).status, 409);
      const preview = await operator.post(`/api/tickets/${ticket.id}/publication/preview`).send({ redactions: ["sugiarto wibisono"] });
      assert.equal(preview.status, 200);
      assert.ok(!JSON.stringify(preview.body.texts).includes("Sugiarto"));
      assert.equal(await t.database.db.manager.getRepository(TicketPublication).countBy({ ticketId: ticket.id }), 0, "a preview stores nothing");
    });

    it("an approved version with a hand redaction is what every public surface shows, audited and in the hash chain; later answers are redacted too", async () => {
      for (const path of SURFACES(ticket.number)) assert.ok((await http().get(path)).text.includes("Sugiarto"), `before approval ${path} shows the automatic masking only`);
      const operator = await t.loginAs(DEMO.operator);
      const res = await operator.put(`/api/tickets/${ticket.id}/publication`).send({ redactions: ["Sugiarto Wibisono"] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.approved.current, true);
      assert.equal(res.body.approved.sameAsDraft, true);
      assert.equal(res.body.approved.byName !== null, true);
      t.clock.advance(10_000);
      await answerAsHeadPU(t, ticket.id, "Petugas sudah menegur Sugiarto Wibisono dan memasang rambu larangan parkir.");
      t.clock.advance(10_000);
      assert.equal((await operator.get(`/api/tickets/${ticket.id}/publication`)).body.approved.current, false, "the console warns: an answer came after the approval");
      for (const path of SURFACES(ticket.number)) {
        const text = (await http().get(path)).text;
        assert.ok(!/sugiarto|wibisono/i.test(text), `${path} still names the third person`);
        assert.ok(text.includes("[disamarkan]"), `${path} shows the redaction`);
      }
      assert.match((await http().get(`/laporan/${ticket.number}`)).text, /Petugas sudah menegur \[disamarkan\] dan memasang rambu/);
      assert.match((await http().get(`/laporan/${ticket.number}?lang=en`)).text, /Petugas sudah menegur \[hidden\]/);

      const event = await t.database.db.manager.getRepository(AuditEvent).findOneByOrFail({ ticketId: ticket.id, type: "ticket.publication_approved" });
      assert.ok(!event.afterJson!.includes("Sugiarto"), "the audit records that it was redacted, not the name");
      assert.match(event.afterJson!, /ticket_publications#\d+\.description/);
      assert.equal((await verifyAudit(t.database.db.ds)).ok, true);
      // Editing the approved public text in the database breaks the chain, and the verifier names it.
      await t.database.db.manager.getRepository(TicketPublication).update({ ticketId: ticket.id }, { description: "Mobil milik Sugiarto Wibisono" });
      const broken = await verifyAudit(t.database.db.ds);
      assert.equal(broken.ok, false);
      assert.ok(broken.problems.some((p) => /ticket_publications#\d+\.description changed/.test(p.problem)), JSON.stringify(broken.problems));
    });
  });
}
