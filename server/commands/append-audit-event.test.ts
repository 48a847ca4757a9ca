import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets, type TestDatabase } from "../../test/support/databases.js";
import { AuditChainHead, AuditEvent } from "../entities/index.js";
import { verifyAudit } from "../queries/verify-audit.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";

/**
 * The audit chain's heads: every chain stays whole, numbered 1, 2, 3… with no gap or double, when
 * writers race on a new chain, when a chain's first transaction rolls back, and when the head of a
 * chain this process has written to is gone (a restore): the process remembers heads it has seen
 * and skips making them exist, so these are the cases where that memory is wrong.
 */
for (const target of await testTargets()) {
  describe(`audit chain heads (${target.name})`, () => {
    let d: TestDatabase;
    before(async () => {
      d = await target.open();
    });
    after(async () => {
      await d.destroy();
    });
    const at = new Date("2026-11-23T03:00:00.000Z");
    const append = (ticketId: number, n: number) =>
      d.db.tx((m) => appendAuditEvent(m, { actor: SYSTEM_ACTOR, type: "ticket.noted", entityType: "ticket", entityId: ticketId, ticketId, after: { n }, at }));
    const seqs = async (ticketId: number) =>
      (await d.db.manager.getRepository(AuditEvent).find({ where: { chainKey: `ticket:${ticketId}` }, order: { seq: "ASC" } })).map((e) => e.seq);

    it("writers racing on a new chain and on one that exists number it 1…n, and the chain verifies", async () => {
      // As many writers as the pool has connections (8), on a fresh DataSource: the first insert
      // once read a server setting through the pool, and waited for a connection that every
      // writer held while it waited for the first one's lock: a 50 s stall (the lock wait timeout).
      const started = Date.now();
      await Promise.all(Array.from({ length: 8 }, (_, i) => append(9001, i)));
      assert.ok(Date.now() - started < 10_000, `8 writers took ${Date.now() - started} ms: a stall, not a wait for locks`);
      assert.deepEqual(await seqs(9001), [1, 2, 3, 4, 5, 6, 7, 8]);
      await Promise.all(Array.from({ length: 8 }, (_, i) => append(9001, 8 + i)));
      assert.deepEqual(await seqs(9001), Array.from({ length: 16 }, (_, i) => i + 1));
      const report = await verifyAudit(d.db.ds);
      assert.deepEqual(report.problems, []);
    });

    it("a chain whose first transaction rolled back starts at 1 with the next write", async () => {
      await assert.rejects(
        d.db.tx(async (m) => {
          await appendAuditEvent(m, { actor: SYSTEM_ACTOR, type: "ticket.noted", entityType: "ticket", entityId: 9002, ticketId: 9002, after: { n: 0 }, at });
          throw new Error("rolled back on purpose");
        }),
        /rolled back on purpose/,
      );
      assert.equal(await d.db.manager.getRepository(AuditChainHead).countBy({ chainKey: "ticket:9002" }), 0);
      await append(9002, 1);
      assert.deepEqual(await seqs(9002), [1]);
    });

    it("a chain whose head and events are gone (a restore from before it) starts again at 1", async () => {
      await append(9003, 1);
      await append(9003, 2);
      await d.db.manager.query("DELETE FROM audit_events WHERE chain_key = ?", ["ticket:9003"]);
      await d.db.manager.query("DELETE FROM audit_chain_heads WHERE chain_key = ?", ["ticket:9003"]);
      await Promise.all([append(9003, 3), append(9003, 4)]);
      assert.deepEqual(await seqs(9003), [1, 2]);
      const head = await d.db.manager.getRepository(AuditChainHead).findOneByOrFail({ chainKey: "ticket:9003" });
      assert.equal(head.seq, 2);
      assert.deepEqual((await verifyAudit(d.db.ds)).problems, []);
    });
  });
}
