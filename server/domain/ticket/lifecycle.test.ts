import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decide, type ForwardState, type TicketState } from "./lifecycle.js";

const state = (status: TicketState["status"], forwards: ForwardState[] = [], extra: Partial<TicketState> = {}): TicketState => ({
  status,
  previousStatus: null,
  forwards,
  reopenUntil: null,
  ...extra,
});
const fwd = (id: number, agencyId: number, status: ForwardState["status"], current = true): ForwardState => ({ id, agencyId, status, current });

describe("ticket lifecycle", () => {
  it("walks the happy path received -> closed", () => {
    let s = state("received");
    const v = decide(s, { type: "verify" });
    assert.ok(v.ok);
    assert.equal(v.next, "verified");
    s = state("verified");
    const f = decide(s, { type: "forward", agencyIds: [1], instruction: "tolong ditangani" });
    assert.ok(f.ok);
    assert.equal(f.next, "forwarded");
    assert.deepEqual(f.forwardChanges, [{ kind: "create", agencyId: 1 }]);
    const a = decide(state("forwarded", [fwd(10, 1, "pending")]), { type: "acknowledge", agencyId: 1 });
    assert.ok(a.ok);
    assert.equal(a.next, "in_progress");
    const ans = decide(state("in_progress", [fwd(10, 1, "acknowledged")]), { type: "answer", agencyId: 1, response: "sudah diperbaiki" });
    assert.ok(ans.ok);
    assert.equal(ans.next, "answered");
    const r = decide(state("answered"), { type: "resolve" });
    assert.ok(r.ok);
    assert.equal(r.next, "resolved");
    const c = decide(state("resolved"), { type: "close" });
    assert.ok(c.ok);
    assert.equal(c.next, "closed");
  });

  it("refuses wrong-order actions with a reason naming the state", () => {
    const out = decide(state("received"), { type: "forward", agencyIds: [1], instruction: "x y z" });
    assert.equal(out.ok, false);
    assert.match(!out.ok ? out.reason : "", /cannot forward a ticket that is received \(Diterima\)/);
    assert.equal(decide(state("verified"), { type: "resolve" }).ok, false);
    assert.equal(decide(state("closed"), { type: "verify" }).ok, false);
    assert.equal(decide(state("forwarded", [fwd(1, 2, "pending")]), { type: "acknowledge", agencyId: 3 }).ok, false);
  });

  it("keeps a ticket in progress until every OPD of the round has answered or returned", () => {
    const s = state("in_progress", [fwd(1, 1, "acknowledged"), fwd(2, 2, "pending")]);
    const first = decide(s, { type: "answer", agencyId: 1, response: "jawaban pertama" });
    assert.ok(first.ok);
    assert.equal(first.next, "forwarded"); // OPD 2 has not acknowledged yet
    const both = decide(state("in_progress", [fwd(1, 1, "answered"), fwd(2, 2, "acknowledged")]), { type: "return", agencyId: 2, reason: "bukan wewenang kami" });
    assert.ok(both.ok);
    assert.equal(both.next, "answered"); // one OPD answered, the other returned
    const onlyReturn = decide(state("forwarded", [fwd(1, 1, "pending")]), { type: "return", agencyId: 1, reason: "bukan wewenang kami" });
    assert.ok(onlyReturn.ok);
    assert.equal(onlyReturn.next, "returned");
  });

  it("allows forwarding again, to several OPDs, but not twice to one with an open forward", () => {
    const again = decide(state("returned", [fwd(1, 1, "returned")]), { type: "forward", agencyIds: [2, 3], instruction: "mohon ditangani" });
    assert.ok(again.ok);
    assert.equal(again.forwardChanges.length, 2);
    const dup = decide(state("forwarded", [fwd(1, 1, "pending")]), { type: "forward", agencyIds: [1], instruction: "mohon" });
    assert.equal(dup.ok, false);
  });

  it("answering a pending forward acknowledges it implicitly", () => {
    const d = decide(state("forwarded", [fwd(7, 1, "pending")]), { type: "answer", agencyId: 1, response: "sudah ditangani" });
    assert.ok(d.ok);
    assert.deepEqual(d.forwardChanges, [{ kind: "answer", forwardId: 7, implicitAcknowledge: true, held: false }]);
  });

  it("waiting on the citizen remembers where to return", () => {
    const w = decide(state("in_progress", [fwd(1, 1, "acknowledged")]), { type: "request_info" });
    assert.ok(w.ok);
    assert.equal(w.next, "waiting_on_citizen");
    assert.equal(w.previousStatus, "in_progress");
    const back = decide(state("waiting_on_citizen", [], { previousStatus: "in_progress" }), { type: "citizen_replied" });
    assert.ok(back.ok);
    assert.equal(back.next, "in_progress");
  });

  it("reopens only within the window and with a reason", () => {
    const until = new Date("2026-12-01T00:00:00Z");
    const s = state("resolved", [], { reopenUntil: until });
    assert.equal(decide(s, { type: "reopen", reason: "belum diperbaiki", at: new Date("2026-11-30T00:00:00Z") }).ok, true);
    assert.equal(decide(s, { type: "reopen", reason: "belum diperbaiki", at: new Date("2026-12-02T00:00:00Z") }).ok, false);
    assert.equal(decide(s, { type: "reopen", reason: "  ", at: new Date("2026-11-30T00:00:00Z") }).ok, false);
  });

  it("merging withdraws open forwards and refuses closed targets", () => {
    const m = decide(state("verified", [fwd(1, 1, "pending")]), { type: "merge", intoTicketId: 9, intoStatus: "in_progress" });
    assert.ok(m.ok);
    assert.deepEqual(m.forwardChanges, [{ kind: "withdraw", forwardId: 1 }]);
    assert.equal(decide(state("verified"), { type: "merge", intoTicketId: 9, intoStatus: "closed" }).ok, false);
  });

  it("auto-closes an answered ticket, but a person closes only resolved ones", () => {
    assert.equal(decide(state("answered"), { type: "close", automatic: true }).ok, true);
    assert.equal(decide(state("answered"), { type: "close" }).ok, false);
  });
  it("holds an answer for review: the ticket waits in_review until an operator approves or sends it back", () => {
    const held = decide(state("in_progress", [fwd(10, 1, "acknowledged")]), { type: "answer", agencyId: 1, response: "sudah diperbaiki", review: true });
    assert.ok(held.ok);
    assert.equal(held.next, "in_review");
    assert.deepEqual(held.events, ["forward.answer_held"]);
    assert.deepEqual(held.forwardChanges, [{ kind: "answer", forwardId: 10, implicitAcknowledge: false, held: true }]);
    // The OPD cannot answer again while its answer waits.
    assert.equal(decide(state("in_review", [fwd(10, 1, "in_review")]), { type: "answer", agencyId: 1, response: "lagi" }).ok, false);

    const back = decide(state("in_review", [fwd(10, 1, "in_review")]), { type: "send_back", forwardId: 10, note: "Lampirkan foto hasil perbaikan" });
    assert.ok(back.ok);
    assert.equal(back.next, "in_progress");
    assert.deepEqual(back.events, ["forward.sent_back"]);
    const noNote = decide(state("in_review", [fwd(10, 1, "in_review")]), { type: "send_back", forwardId: 10, note: " " });
    assert.equal(noNote.ok, false);

    const ok = decide(state("in_review", [fwd(10, 1, "in_review")]), { type: "approve_answer", forwardId: 10 });
    assert.ok(ok.ok);
    assert.equal(ok.next, "answered");
    assert.deepEqual(ok.events, ["forward.answer_approved", "forward.answered"]);
    // Nothing to approve on a forward that is not held.
    assert.equal(decide(state("answered", [fwd(10, 1, "answered")]), { type: "approve_answer", forwardId: 10 }).ok, false);
  });

  it("a held answer beside a working OPD keeps the ticket in progress; the last approval answers it", () => {
    const s = decide(state("in_progress", [fwd(1, 1, "acknowledged"), fwd(2, 2, "acknowledged")]), { type: "answer", agencyId: 1, response: "jawaban", review: true });
    assert.ok(s.ok);
    assert.equal(s.next, "in_progress");
    const approved = decide(state("in_progress", [fwd(1, 1, "in_review"), fwd(2, 2, "acknowledged")]), { type: "approve_answer", forwardId: 1 });
    assert.ok(approved.ok);
    assert.equal(approved.next, "in_progress");
    const last = decide(state("in_progress", [fwd(1, 1, "in_review"), fwd(2, 2, "answered")]), { type: "approve_answer", forwardId: 1 });
    assert.ok(last.ok);
    assert.equal(last.next, "answered");
  });
});
