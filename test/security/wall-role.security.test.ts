// Issue 16, acceptance 1 (the kiosk role): "layar" logs in on a wall screen and reaches only the
// wall's own API (its session, /api/events, /api/wall/*, /api/map/points). Every other API route
// of the app, enumerated from the express router stack, answers 403.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { registeredRoutes } from "../support/routes.js";
import { wallOnlyMayCall } from "../../server/http/middleware/wall-only.js";

const LAYAR = "layar@demo.aduan.id";

for (const target of await testTargets()) {
  describe(`the kiosk role "layar" (${target.name})`, () => {
    let t: TestApp;
    let layar: supertest.Agent;
    before(async () => {
      t = await startTestApp(target);
      layar = await t.loginAs(LAYAR);
    });
    after(() => t?.close());

    it("logs in and sees its own account", async () => {
      const me = await layar.get("/api/auth/me");
      assert.equal(me.status, 200);
      assert.equal(me.body.role, "layar");
      assert.equal(me.body.agencyId ?? null, null);
    });

    it("gets 403 on every API route except the wall's own", async () => {
      const routes = registeredRoutes(t.app).filter((r) => r.includes(" /api/"));
      assert.ok(routes.length >= 60, `expected the whole API, found ${routes.length}`);
      const open: string[] = [];
      let checked = 0;
      for (const r of routes) {
        const [method, path] = r.split(" ") as ["get" | "post" | "put" | "delete", string];
        const rel = path.slice("/api".length);
        if (wallOnlyMayCall(rel)) continue;
        const url = path.replace(/:[a-zA-Z]+/g, "1");
        const req = layar[method](url);
        const res = method === "get" || method === "delete" ? await req : await req.send({});
        checked++;
        if (res.status !== 403) open.push(`${r}: ${res.status}`);
      }
      assert.deepEqual(open, [], "routes a wall screen reached");
      assert.ok(checked >= 60, `checked ${checked} routes`);
    });

    it("the allowed list is only the session, the stream and the wall", () => {
      for (const p of ["/auth/me", "/auth/logout", "/events", "/wall/summary", "/map/points"]) assert.ok(wallOnlyMayCall(p), p);
      for (const p of ["/tickets", "/tickets/1", "/notifications", "/notifications/unread-count", "/agencies", "/users", "/audit-events", "/eventsx", "/wallpaper", "/map/points/1"]) assert.ok(!wallOnlyMayCall(p), p);
    });
  });
}
