import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import sharp from "sharp";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Attachment } from "../../server/entities/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { categoryId, recordTicket, verifyAndForward } from "../support/public.js";
import { GeoReportClient, isSpecError, REQUEST_FIELDS, type Format } from "../support/georeport-client.js";

/**
 * Issue 19, item 10: Open311 GeoReport v2 to the letter, in JSON and XML — missing fields are null
 * (empty elements in XML), lat/long numbers or null, unknown service_code 404, empty optional
 * parameters absent, address_id returned as address_id, description optional (unless the province
 * requires it, then the service definition says so), dates without a time zone refused.
 */
for (const target of await testTargets()) {
  describe(`public: Open311 conformance (${target.name})`, () => {
    let t: TestApp;
    let client: GeoReportClient;
    let apiKey = "";
    let withPoint = "";
    let withoutPoint = "";
    let operator: supertest.Agent;

    const ticketIdOf = async (number: string) => Number((await t.database.db.manager.query(`SELECT id FROM tickets WHERE number = '${number}'`))[0].id);
    const publish = async (number: string) => verifyAndForward(t, operator, await ticketIdOf(number));

    before(async () => {
      t = await startTestApp(target);
      client = new GeoReportClient(t.app);
      const admin = await t.loginAs(DEMO.admin);
      apiKey = (await admin.post("/api/open311-keys").send({ name: "Aplikasi kelurahan" }).expect(201)).body.key;
      operator = await t.loginAs(DEMO.operator);
      // Posted by a partner with a point and its own address registry id, and no description.
      const posted = await client.post("json", { api_key: apiKey, service_code: "jalan-jembatan", lat: "-2.9761", long: "104.7754", address_id: "PLG-ILIR-0042", email: "", phone: "", first_name: "" });
      assert.equal(posted.status, 201, posted.raw);
      withPoint = (posted.body as any[])[0].service_request_id;
      await publish(withPoint);
      // A photo the partner's citizen sent, approved by an operator for the public page (issue 19, item 8).
      const withPointId = await ticketIdOf(withPoint);
      const key = join("attachments", String(withPointId), "foto.jpg");
      await mkdir(join(t.config.dataDir, "attachments", String(withPointId)), { recursive: true });
      const bytes = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#777777" } }).jpeg().withExif({ IFD0: { Make: "KameraWarga" } }).toBuffer();
      await writeFile(join(t.config.dataDir, key), bytes);
      const photo = await t.database.db.manager.getRepository(Attachment).save(
        t.database.db.manager.getRepository(Attachment).create({ ticketId: withPointId, messageId: null, fileName: "foto.jpg", mimeType: "image/jpeg", sizeBytes: bytes.length, storageKey: key, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }),
      );
      await operator.put(`/api/attachments/${photo.id}/public`).send({}).expect(200);
      const plain = await recordTicket(operator, { description: "Lampu jalan padam di lorong kami.", categoryId: await categoryId(t, "jalan-jembatan") });
      await verifyAndForward(t, operator, plain.id);
      withoutPoint = plain.number;
    });
    after(() => t?.close());

    for (const format of ["json", "xml"] as Format[]) {
      const one = async (id: string) => {
        const r = await client.request(id, format);
        assert.equal(r.status, 200, r.raw);
        return (r.body as any[])[0];
      };

      it(`${format}: a missing value is null in JSON and an empty element in XML, never an empty string in JSON`, async () => {
        const r = await one(withoutPoint);
        for (const f of REQUEST_FIELDS) assert.ok(f in r, `request has ${f}`);
        if (format === "json") {
          for (const f of ["zipcode", "media_url", "address_id", "service_notice", "lat", "long"]) assert.equal(r[f], null, `${f} is null`);
          assert.ok(Object.values(r).every((v) => v !== ""), `no empty strings: ${JSON.stringify(r)}`);
          const services = (await client.services("json")).body as any[];
          assert.ok(services.every((s) => Object.values(s).every((v) => v !== "")), "services carry null, not empty strings");
        } else {
          const raw = (await client.request(withoutPoint, "xml")).raw;
          for (const f of ["zipcode", "media_url", "address_id", "lat", "long"]) assert.match(raw, new RegExp(`<${f}></${f}>|<${f}/>`), `${f} present and empty`);
        }
      });

      it(`${format}: media_url is the approved photo's EXIF-free copy, absolute; the photo's bytes without EXIF`, async () => {
        const r = await one(withPoint);
        const media = format === "json" ? r.media_url : String(r.media_url);
        assert.ok(media.startsWith(`${t.config.publicUrl}/laporan/${withPoint}/foto/`), media);
        assert.match(media, /\/foto\/\d+\.jpg$/);
        const img = await supertest(t.app).get(new URL(media).pathname).buffer(true).parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on("data", (x: Buffer) => chunks.push(x));
          res.on("end", () => cb(null, Buffer.concat(chunks)));
        });
        assert.equal(img.status, 200);
        assert.equal(img.headers["content-type"], "image/jpeg");
        assert.equal((await sharp(img.body as Buffer).metadata()).exif, undefined, "no EXIF");
      });

      it(`${format}: lat and long are numbers when known`, async () => {
        const r = await one(withPoint);
        if (format === "json") {
          assert.equal(typeof r.lat, "number");
          assert.equal(typeof r.long, "number");
          assert.equal(r.lat, -2.9761);
          assert.equal(r.long, 104.7754);
        } else {
          assert.equal(Number(r.lat), -2.9761);
          assert.equal(Number(r.long), 104.7754);
        }
      });

      it(`${format}: address_id comes back as address_id, not folded into the address`, async () => {
        const r = await one(withPoint);
        assert.equal(r.address_id, "PLG-ILIR-0042");
        assert.ok(!String(r.address ?? "").includes("PLG-ILIR-0042"));
      });

      it(`${format}: description is optional; the ticket still says which service it is`, async () => {
        const r = await client.post(format, { api_key: apiKey, service_code: "jalan-jembatan", address_string: "Jl. Merdeka depan kantor pos" });
        assert.equal(r.status, 201, r.raw);
        const number = (r.body as any[])[0].service_request_id;
        const row = (await t.database.db.manager.query(`SELECT description FROM tickets WHERE number = '${number}'`))[0];
        assert.match(row.description, /Jalan dan jembatan \(Open311, tanpa uraian/);
      });

      it(`${format}: an unknown service_code is a 404 error everywhere`, async () => {
        const post = await client.post(format, { api_key: apiKey, service_code: "tidak-ada", lat: "-2.97", long: "104.77", description: "Tidak ada layanan ini." });
        assert.equal(post.status, 404, post.raw);
        assert.ok(isSpecError(post.body));
        const list = await client.requests(format, { service_code: "tidak-ada" });
        assert.equal(list.status, 404, list.raw);
        assert.ok(isSpecError(list.body));
        assert.equal((await client.serviceDefinition("tidak-ada", format)).status, 404);
      });

      it(`${format}: empty optional parameters are treated as absent`, async () => {
        const bare = await client.requests(format);
        const empty = await client.requests(format, { start_date: "", end_date: "", status: "", service_code: "", service_request_id: "", jurisdiction_id: "" });
        assert.equal(empty.status, 200, empty.raw);
        assert.deepEqual((empty.body as any[]).map((x) => x.service_request_id).sort(), (bare.body as any[]).map((x) => x.service_request_id).sort());
        const post = await client.post(format, { api_key: apiKey, service_code: "jalan-jembatan", address_string: "Jl. Sudirman 5", lat: "", long: "", email: "", phone: "", address_id: "", description: "", "attribute[privacy]": "" });
        assert.equal(post.status, 201, post.raw);
      });

      it(`${format}: start_date and end_date need a time zone (400 otherwise)`, async () => {
        for (const bad of ["2026-11-01T00:00:00", "2026-11-01", "2026-11-01 00:00:00"]) {
          const r = await client.requests(format, { start_date: bad });
          assert.equal(r.status, 400, `${bad}: ${r.raw}`);
          assert.ok(isSpecError(r.body));
          assert.match((r.body as any[])[0].description, /time zone/);
        }
        for (const good of ["2026-11-01T00:00:00Z", "2026-11-01T07:00:00+07:00"]) assert.equal((await client.requests(format, { start_date: good })).status, 200, good);
      });
    }
  });

  describe(`public: Open311 when the province requires a description (${target.name})`, () => {
    let t: TestApp;
    let client: GeoReportClient;
    let apiKey = "";
    before(async () => {
      t = await startTestApp(target, { open311DescriptionRequired: true });
      client = new GeoReportClient(t.app);
      apiKey = (await (await t.loginAs(DEMO.admin)).post("/api/open311-keys").send({ name: "Aplikasi kelurahan" }).expect(201)).body.key;
    });
    after(() => t?.close());

    for (const format of ["json", "xml"] as Format[]) {
      it(`${format}: the service definition asks for it and a request without it is refused`, async () => {
        const def = (await client.serviceDefinition("jalan-jembatan", format)).body as any;
        const attr = def.attributes.find((a: any) => a.code === "description");
        assert.ok(attr, JSON.stringify(def));
        assert.equal(String(attr.required), "true");
        const r = await client.post(format, { api_key: apiKey, service_code: "jalan-jembatan", address_string: "Jl. Merdeka" });
        assert.equal(r.status, 400, r.raw);
        assert.match((r.body as any[])[0].description, /description is required/);
        const ok = await client.post(format, { api_key: apiKey, service_code: "jalan-jembatan", address_string: "Jl. Merdeka", "attribute[description]": "Trotoar rusak parah di depan sekolah." });
        assert.equal(ok.status, 201, ok.raw);
      });
    }
  });
}
