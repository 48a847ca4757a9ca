import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { answerAsHeadPU, categoryId, recordTicket, verifyAndForward } from "../support/public.js";
import { ATTRIBUTE_FIELDS, DATATYPES, GeoReportClient, isSpecError, REQUEST_FIELDS, SERVICE_FIELDS, type Format } from "../support/georeport-client.js";

/** Issue 6, acceptance 4: Open311 GeoReport v2, exercised by a client written from the spec, in JSON and XML. */
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

for (const target of await testTargets()) {
  describe(`public: Open311 GeoReport v2 (${target.name})`, () => {
    let t: TestApp;
    let client: GeoReportClient;
    let apiKey = "";
    let keyId = 0;
    let answered = "";
    let open = "";
    let secret = "";

    before(async () => {
      t = await startTestApp(target);
      client = new GeoReportClient(t.app);
      const admin = await t.loginAs(DEMO.admin);
      const key = await admin.post("/api/open311-keys").send({ name: "Aplikasi Dinas PU" });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      apiKey = key.body.key;
      keyId = key.body.id;
      const listed = await admin.get("/api/open311-keys");
      assert.ok(!JSON.stringify(listed.body).includes(apiKey), "the secret is shown once only");
      assert.equal((await (await t.loginAs(DEMO.operator)).post("/api/open311-keys").send({ name: "x y" })).status, 403, "admins only");

      const operator = await t.loginAs(DEMO.operator);
      const road = await categoryId(t, "jalan-jembatan");
      const a = await recordTicket(operator, { description: "Jembatan gantung di Desa Sukamaju putus.", categoryId: road, locationText: "Desa Sukamaju" });
      await verifyAndForward(t, operator, a.id);
      await answerAsHeadPU(t, a.id, "Jembatan darurat dipasang hari ini.");
      answered = a.number;
      const b = await recordTicket(operator, { description: "Jalan provinsi km 12 berlubang.", categoryId: road });
      await verifyAndForward(t, operator, b.id);
      open = b.number;
      const c = await recordTicket(operator, { description: "Laporan rahasia tentang pungutan.", categoryId: road, privacy: "rahasia" });
      await verifyAndForward(t, operator, c.id);
      secret = c.number;
    });
    after(() => t.close());

    for (const format of ["json", "xml"] as Format[]) {
      it(`${format}: discovery names the GeoReport v2 endpoint and both formats`, async () => {
        const r = await client.discovery(format);
        assert.equal(r.status, 200);
        assert.match(r.contentType, format === "json" ? /application\/json/ : /text\/xml/);
        const d = r.body as any;
        const ep = d.endpoints.find((e: any) => e.specification === "http://wiki.open311.org/GeoReport_v2");
        assert.ok(ep, "a GeoReport_v2 endpoint");
        assert.equal(ep.url, "http://aduan.test/open311/v2");
        assert.deepEqual([...ep.formats].sort(), ["application/json", "text/xml"]);
      });

      it(`${format}: services list every public category with the spec's fields`, async () => {
        const r = await client.services(format, { jurisdiction_id: "aduan.test" });
        assert.equal(r.status, 200);
        const services = r.body as any[];
        assert.ok(services.length >= 10);
        for (const s of services) for (const f of SERVICE_FIELDS) assert.ok(f in s, `service has ${f}`);
        assert.ok(services.every((s) => ["realtime", "batch", "blackbox"].includes(s.type)));
        assert.ok(services.some((s) => s.service_code === "jalan-jembatan" && s.service_name === "Jalan dan jembatan"));
      });

      it(`${format}: a service definition lists attributes with datatypes and values; unknown codes are a 404 error`, async () => {
        const r = await client.serviceDefinition("jalan-jembatan", format);
        assert.equal(r.status, 200);
        const d = r.body as any;
        assert.equal(d.service_code, "jalan-jembatan");
        assert.ok(d.attributes.length >= 1);
        for (const a of d.attributes) {
          for (const f of ATTRIBUTE_FIELDS) assert.ok(f in a, `attribute has ${f}`);
          assert.ok(DATATYPES.includes(a.datatype));
          if (a.datatype.endsWith("valuelist")) assert.ok(a.values.every((v: any) => "key" in v && "name" in v));
        }
        const missing = await client.serviceDefinition("tidak-ada", format);
        assert.equal(missing.status, 404);
        assert.ok(isSpecError(missing.body));
        assert.equal((missing.body as any)[0].code, 404);
      });

      it(`${format}: requests list public requests with the spec's fields, filtered by status, service_code and ids`, async () => {
        const r = await client.requests(format);
        assert.equal(r.status, 200);
        const all = r.body as any[];
        const ids = all.map((x) => x.service_request_id);
        assert.ok(ids.includes(answered) && ids.includes(open));
        assert.ok(!ids.includes(secret), "rahasia requests are not public");
        for (const x of all) {
          for (const f of REQUEST_FIELDS) assert.ok(f in x, `request has ${f}`);
          assert.ok(["open", "closed"].includes(x.status));
          assert.match(x.requested_datetime, W3C);
        }
        const a = all.find((x) => x.service_request_id === answered);
        assert.equal(a.service_code, "jalan-jembatan");
        assert.match(a.agency_responsible, /Dinas Pekerjaan Umum/);
        assert.match(a.status_notes, /Jembatan darurat dipasang/);
        const o = all.find((x) => x.service_request_id === open);
        assert.match(o.expected_datetime, W3C);

        const byIds = await client.requests(format, { service_request_id: `${answered},${secret}` });
        assert.deepEqual((byIds.body as any[]).map((x) => x.service_request_id), [answered]);
        const other = await client.requests(format, { service_code: "sampah" });
        assert.ok(!(other.body as any[]).some((x) => x.service_request_id === answered));
        const closed = await client.requests(format, { status: "closed" });
        assert.ok((closed.body as any[]).every((x) => x.status === "closed"));
        const old = await client.requests(format, { start_date: "2020-01-01T00:00:00Z", end_date: "2020-02-01T00:00:00Z" });
        assert.deepEqual(old.body, []);
        const bad = await client.requests(format, { start_date: "kemarin" });
        assert.equal(bad.status, 400);
        assert.ok(isSpecError(bad.body));
      });

      it(`${format}: one request by id; unknown and rahasia ids are the same 404 error`, async () => {
        const r = await client.request(answered, format);
        assert.equal(r.status, 200);
        assert.equal((r.body as any[]).length, 1);
        assert.equal((r.body as any[])[0].service_request_id, answered);
        for (const id of [secret, "ADU-2611-99999"]) {
          const x = await client.request(id, format);
          assert.equal(x.status, 404);
          assert.ok(isSpecError(x.body));
        }
      });

      it(`${format}: POST needs a valid api_key, a service_code and a location; a good one creates a ticket`, async () => {
        const args = { service_code: "jalan-jembatan", lat: "-6.9175", long: "107.6191", description: "Trotoar ambles di depan pasar Kosambi.", email: "warga@example.id", first_name: "Ani", last_name: "Lestari" };
        const none = await client.post(format, args);
        assert.equal(none.status, 403);
        assert.ok(isSpecError(none.body));
        const wrong = await client.post(format, { ...args, api_key: "a311_bukan-kunci" });
        assert.equal(wrong.status, 403);
        const noLocation = await client.post(format, { api_key: apiKey, service_code: "jalan-jembatan", description: "Tanpa lokasi sama sekali di sini." });
        assert.equal(noLocation.status, 400);
        assert.ok(isSpecError(noLocation.body));
        const badService = await client.post(format, { ...args, api_key: apiKey, service_code: "tidak-ada" });
        assert.equal(badService.status, 404);
        const ok = await client.post(format, { ...args, api_key: apiKey, "attribute[privacy]": "anonim" });
        assert.ok(ok.status === 200 || ok.status === 201, ok.raw);
        const created = (ok.body as any[])[0];
        assert.match(created.service_request_id, /^ADU-\d{4}-\d{5,}$/);
        assert.ok("service_notice" in created);
        const ticket = await t.database.db.manager.query(`SELECT privacy, status, latitude FROM tickets WHERE number = '${created.service_request_id}'`);
        assert.equal(ticket[0].privacy, "anonim");
        assert.equal(ticket[0].status, "received");
        assert.equal(Number(ticket[0].latitude), -6.9175);
        const unverified = await client.request(created.service_request_id, format);
        assert.equal(unverified.status, 404, "unverified requests are not public yet");
      });
    }

    it("a revoked key no longer works; unknown endpoints answer the spec's error", async () => {
      const admin = await t.loginAs(DEMO.admin);
      await admin.delete(`/api/open311-keys/${keyId}`).expect(200);
      const r = await client.post("json", { api_key: apiKey, service_code: "jalan-jembatan", address_string: "Jl. Asia Afrika 1", description: "Setelah kunci dicabut tidak boleh masuk." });
      assert.equal(r.status, 403);
      const unknown = await client.requests("json", { status: "pending" });
      assert.equal(unknown.status, 400);
      const nowhere = await new GeoReportClient(t.app, "/open311/v2/tidak-ada").services("xml");
      assert.equal(nowhere.status, 404);
      assert.ok(isSpecError(nowhere.body));
    });
  });
}
