import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";

for (const target of await testTargets()) {
  describe(`bad input gets a clear 4xx and the server keeps serving (${target.name})`, () => {
    let t: TestApp;
    let op: supertest.Agent;
    before(async () => {
      t = await startTestApp(target);
      op = await t.loginAs(DEMO.operator);
    });
    after(() => t.close());

    const expectError = (res: supertest.Response, status: number, message: RegExp) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(typeof res.body.error, "string");
      assert.match(res.body.message, message);
    };

    it("malformed JSON", async () => {
      const res = await op.post("/api/tickets").set("Content-Type", "application/json").send('{"description": "jalan rusak",');
      expectError(res, 400, /not valid JSON/);
    });

    it("wrong types name the field", async () => {
      expectError(await op.post("/api/tickets").send({ description: 12345 }), 400, /body\.description/);
      expectError(await op.post("/api/tickets/1/transitions").send({ action: "forward", agencyIds: "semua", instruction: "x y z" }), 400, /body\.agencyIds/);
      expectError(await op.get("/api/tickets").query({ range: '["a",5]' }), 400, /query\.range/);
      expectError(await op.get("/api/tickets").query({ sort: '["password","ASC"]' }), 400, /query\.sort/);
      expectError(await op.get("/api/tickets").query({ filter: "{not json" }), 400, /filter must be JSON/);
      expectError(await op.get("/api/tickets/abc"), 400, /params\.id/);
      expectError(await op.post("/api/tickets/1/transitions").send({ action: "teleport" }), 400, /body\.action/);
    });

    it("unknown fields are refused by name", async () => {
      expectError(await op.post("/api/tickets").send({ description: "Jalan rusak parah", isAdmin: true }), 400, /isAdmin/);
      expectError(await op.put("/api/tickets/1").send({ status: "closed" }), 400, /status/);
      expectError(await op.get("/api/tickets").query({ filter: JSON.stringify({ passwordHash: "x" }) }), 400, /passwordHash/);
      expectError(await op.get("/api/tickets").query({ foo: "bar" }), 400, /foo/);
    });

    it("oversized bodies get 413; non-JSON mutations 415", async () => {
      const huge = { description: "a".repeat(2 * 1024 * 1024) };
      expectError(await op.post("/api/tickets").send(huge), 413, /too large/);
      expectError(await op.post("/api/tickets").set("Content-Type", "text/plain").send("description=jalan"), 415, /application\/json/);
      expectError(await op.post("/api/tickets").type("form").send({ description: "jalan rusak sekali" }), 415, /application\/json/);
    });

    it("unknown ids and routes get 404 naming what is missing", async () => {
      expectError(await op.get("/api/tickets/999999"), 404, /ticket 999999 not found/);
      expectError(await op.post("/api/tickets/999999/transitions").send({ action: "verify" }), 404, /ticket 999999/);
      expectError(await op.post("/api/tickets/1/transitions").send({ action: "merge", intoTicketId: 888888 }), 404, /ticket 888888/);
      expectError(await op.post("/api/tickets").send({ description: "Jalan rusak parah", categoryId: 777 }), 422, /category 777 does not exist/);
      expectError(await op.get("/api/nothing-here"), 404, /no API route GET \/api\/nothing-here/);
    });

    it("unicode and odd strings are stored and returned intact, and the server still serves", async () => {
      const text = "Lampu jalan mati 💡 — «ǅ» \u0000 di RT 03/RW 05 <script>alert(1)</script>";
      const res = await op.post("/api/tickets").send({ description: text, caller: { name: "Ñoño", phone: "not a phone" } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const back = await op.get(`/api/tickets/${res.body.id}`);
      assert.equal(back.body.description, text.trim());
      assert.equal((await op.get("/api/auth/me")).status, 200);
    });
  });
}
