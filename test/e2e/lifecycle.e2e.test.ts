import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";

for (const target of await testTargets()) {
  describe(`ticket lifecycle over HTTP (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    it("walks a phone complaint from recording to closed, every step audited, wrong order refused", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const headPU = await t.loginAs(DEMO.headPU);
      const agencies = (await operator.get("/api/agencies").query({ filter: JSON.stringify({ q: "Pekerjaan Umum" }) })).body;
      const pu = agencies[0];
      assert.equal(pu.code, "DPU");
      const categories = (await operator.get("/api/categories").query({ filter: JSON.stringify({ q: "Jalan" }) })).body;

      // 1. The operator records a phone complaint: one request.
      const created = await operator.post("/api/tickets").send({
        channel: "voice",
        description: "Penelepon melaporkan jalan amblas di Jl. Merdeka dekat SDN 5, membahayakan pengendara.",
        categoryId: categories[0].id,
        caller: { name: "Pak Darmawan", phone: "0812-9988-7766" },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const ticket = created.body;
      assert.match(ticket.number, /^ADU-\d{4}-\d{5}$/);
      assert.equal(ticket.status, "received");
      assert.equal(ticket.channel, "voice");
      assert.equal(ticket.reporter.phone, "+6281299887766");
      // The operator never sees the tracking secret: the link goes to the citizen's channel (none is set up here).
      assert.doesNotMatch(JSON.stringify(ticket), /[?&]k=/);
      assert.equal(ticket.trackingLinkSent, false);
      assert.match(ticket.tracking, /tidak dapat dihubungi/);
      const act = (agent: typeof operator, body: object) => agent.post(`/api/tickets/${ticket.id}/transitions`).send(body);

      // Wrong order: forwarding before verification is a 409 that says why.
      const early = await act(operator, { action: "forward", agencyIds: [pu.id], instruction: "Mohon segera ditangani." });
      assert.equal(early.status, 409);
      assert.match(early.body.message, /cannot forward a ticket that is received/);
      // The OPD cannot see it before it is forwarded to them.
      assert.equal((await headPU.get(`/api/tickets/${ticket.id}`)).status, 404);

      // 2. Verify, forward to Dinas PU with an instruction.
      assert.equal((await act(operator, { action: "verify" })).body.status, "verified");
      const fwd = await act(operator, { action: "forward", agencyIds: [pu.id], instruction: "Mohon segera ditangani, lokasi dekat sekolah." });
      assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      assert.equal(fwd.body.status, "forwarded");
      assert.equal(fwd.body.forwards.length, 1);
      assert.equal(fwd.body.forwards[0].instruction, "Mohon segera ditangani, lokasi dekat sekolah.");
      assert.ok(fwd.body.forwards[0].dueAt, "the forward runs on its own clock");

      // 3. The head of Dinas PU finds it in the inbox, acknowledges and answers.
      const inbox = await headPU.get("/api/tickets").query({ filter: JSON.stringify({ isOpen: true }), sort: JSON.stringify(["dueAt", "ASC"]), range: "[0,99]" });
      assert.equal(inbox.status, 200);
      assert.ok(inbox.body.some((x: { id: number }) => x.id === ticket.id));
      assert.equal((await act(operator, { action: "acknowledge" })).status, 403, "operators cannot acknowledge for an OPD");
      const ack = await act(headPU, { action: "acknowledge" });
      assert.equal(ack.body.status, "in_progress");
      assert.equal((await act(headPU, { action: "acknowledge" })).status, 409);
      assert.equal((await act(operator, { action: "resolve" })).status, 409, "cannot resolve before the OPD answers");
      const answer = await act(headPU, { action: "answer", response: "Tim UPT telah menambal jalan pada hari ini." });
      assert.equal(answer.body.status, "answered");

      // 4. The operator sees the answer and resolves; then it closes.
      const msgs = await operator.get("/api/messages").query({ filter: JSON.stringify({ ticketId: ticket.id }) });
      assert.ok(msgs.body.some((x: { direction: string; body: string }) => x.direction === "answer" && x.body.includes("menambal")));
      assert.equal((await act(operator, { action: "resolve" })).body.status, "resolved");
      const closed = await act(operator, { action: "close" });
      assert.equal(closed.body.status, "closed");
      assert.equal(closed.body.isOpen, false);
      assert.equal((await act(operator, { action: "verify" })).status, 409);

      // 5. Every step is in the audit log, in order, on the ticket's chain.
      const audit = await operator.get("/api/audit-events").query({ filter: JSON.stringify({ ticketId: ticket.id }), sort: JSON.stringify(["id", "ASC"]), range: "[0,99]" });
      const types = audit.body.map((e: { type: string }) => e.type);
      assert.deepEqual(types, ["ticket.received", "ticket.verified", "ticket.forwarded", "forward.acknowledged", "forward.answered", "ticket.resolved", "ticket.closed"]);
      const seqs = audit.body.map((e: { seq: number }) => e.seq);
      assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7]);
      for (let i = 1; i < audit.body.length; i++) assert.equal(audit.body[i].prevHash, audit.body[i - 1].hash);
      const actors = audit.body.map((e: { actorLabel: string }) => e.actorLabel);
      assert.equal(actors[3], DEMO.headPU);
      assert.equal(actors[0], DEMO.operator);
    });
  });
}
