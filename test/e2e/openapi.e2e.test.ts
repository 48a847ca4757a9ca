import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { sqliteTarget } from "../support/databases.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { routesOf } from "../../server/http/route.js";

describe("OpenAPI document", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqliteTarget);
  });
  after(() => t.close());

  it("describes every route with the schemas that validate it", async () => {
    const res = await supertest(t.app).get("/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi, "3.1.0");
    for (const r of routesOf(t.deps)) {
      const path = `/api${r.path.replace(/:(\w+)/g, "{$1}")}`;
      assert.ok(doc.paths[path]?.[r.method], `${r.method} ${path} documented`);
    }
    const create = doc.paths["/api/tickets"].post.requestBody.content["application/json"].schema;
    assert.ok(create.required.includes("description"));
    assert.equal(create.additionalProperties, false, "unknown fields are refused, and the document says so");
    const transitions = doc.paths["/api/tickets/{id}/transitions"].post.requestBody.content["application/json"].schema;
    const actions = transitions.oneOf ?? transitions.anyOf;
    assert.equal(actions.length, 14); // the twelve lifecycle actions and the review's approve_answer and send_back
  });
});
