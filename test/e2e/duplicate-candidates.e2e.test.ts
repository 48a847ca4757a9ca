import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { Ticket } from "../../server/entities/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";

/**
 * The duplicate suggestions of a ticket weigh the open tickets of the same citizen (whenever they
 * came in) and the open tickets received within 30 days either side (whoever sent them). They are
 * read as two bounded reads (tickets.routes.ts); this checks the set they make together: an old
 * report of the same citizen is suggested, an old one of another citizen and a closed one are not.
 */
for (const target of await testTargets()) {
  describe(`duplicate suggestions: the citizen's open tickets and the month's (${target.name})`, () => {
    let t: TestApp;
    let operator: supertest.Agent;
    const day = 24 * 3600_000;
    const report = async (phone: string, description: string) => {
      const res = await operator.post("/api/tickets").send({ channel: "voice", description, privacy: "publik", caller: { name: "Warga Uji", phone } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return Number(res.body.id);
    };
    const receivedDaysAgo = (id: number, days: number) =>
      t.database.db.manager.getRepository(Ticket).update({ id }, { receivedAt: new Date(t.clock.now().getTime() - days * day) });

    before(async () => {
      t = await startTestApp(target);
      operator = await t.loginAs(DEMO.operator);
    });
    after(() => t?.close());

    it("suggests the same citizen's open report from 60 days ago and a neighbour's from this week, not another citizen's old one nor a closed one", async () => {
      const text = "Lampu penerangan jalan di Gang Mawar RT 04 padam total sejak minggu lalu, jalan gelap.";
      const own = await report("081298700001", text);
      const oldSame = await report("081298700001", `${text} Masih sama.`);
      const oldOther = await report("081298700002", text);
      const recentOther = await report("081298700003", text);
      const closedSame = await report("081298700001", text);
      await receivedDaysAgo(oldSame, 60);
      await receivedDaysAgo(oldOther, 60);
      await receivedDaysAgo(recentOther, 2);
      await t.database.db.manager.getRepository(Ticket).update({ id: closedSame }, { isOpen: false, status: "closed" });

      const res = await operator.get(`/api/tickets/${own}/duplicates`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const byId = new Map((res.body as { id: number; reasons: string[] }[]).map((s) => [s.id, s.reasons]));
      assert.ok(byId.get(oldSame)?.includes("same_citizen"), `the citizen's report from 60 days ago: ${JSON.stringify(res.body)}`);
      assert.ok(byId.has(recentOther), `another citizen's report of this week: ${JSON.stringify(res.body)}`);
      assert.ok(!byId.has(oldOther), "another citizen's report from 60 days ago is outside the window");
      assert.ok(!byId.has(closedSame), "a closed ticket is not a candidate");
      assert.ok(!byId.has(own), "not the ticket itself");
    });
  });
}
