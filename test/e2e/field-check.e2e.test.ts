import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import supertest from "supertest";
import { In } from "typeorm";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { agencyId, categoryId } from "../support/public.js";
import { Attachment, AuditEvent, Forward, User } from "../../server/entities/index.js";

/**
 * Issue 19, item 9: the field check before closing. In a category with the check on, an OPD answer
 * claiming a physical fix without an "after" photo is refused (409 naming the problem); with one it
 * waits (in_review); an operator who is not the checker cannot confirm; a supervisor sends it back
 * and the OPD must answer again (with a new photo); the category's designated checker confirms; the
 * ticket can then be resolved; the public page shows before/after, approved photos only.
 */
const photo = (color: string) =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: color } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Make: "KameraDinas", Artist: "Petugas Lapangan Budi" }, IFD3: { GPSLatitudeRef: "S", GPSLatitude: "2/1 58/1 3400/100" } })
    .toBuffer();

for (const target of await testTargets()) {
  describe(`field check before closing (${target.name})`, () => {
    let t: TestApp;
    let admin: supertest.Agent, operator: supertest.Agent, operator2: supertest.Agent, supervisor: supertest.Agent, headPU: supertest.Agent;
    let web: supertest.Agent;
    let roadsCategory: number;
    const m = () => t.database.db.manager;
    const act = async (agent: supertest.Agent, ticketId: number, body: object, status = 200) => {
      const res = await agent.post(`/api/tickets/${ticketId}/transitions`).send(body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { status: string; error?: string; message?: string; forward?: { id: number; status: string; fieldCheck: string | null }; forwards?: { id: number; status: string; fieldCheck: string | null }[] };
    };
    const upload = async (forwardId: number, name: string, bytes: Buffer) => {
      const res = await headPU.post(`/api/forwards/${forwardId}/attachments`).send({ fileName: name, mimeType: "image/jpeg", content: bytes.toString("base64") });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };
    const forwardOf = async (ticketId: number) => m().getRepository(Forward).findOneByOrFail({ ticketId });

    before(async () => {
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      operator2 = await t.loginAs("operator2@demo.aduan.id");
      supervisor = await t.loginAs(DEMO.supervisor);
      headPU = await t.loginAs(DEMO.headPU);
      web = supertest.agent(t.app);
      roadsCategory = await categoryId(t, "jalan-jembatan");
    });
    after(() => t?.close());

    it("no after photo → refused; photo → awaiting; sent back → answer again; the designated checker confirms → resolvable; public before/after", async () => {
      const on = await admin.put(`/api/categories/${roadsCategory}`).send({ fieldCheck: true });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      assert.equal(on.body.fieldCheck, true);
      assert.equal(on.body.fieldCheckerUserId, null);
      // The checker must be a center user.
      const head = await m().getRepository(User).findOneByOrFail({ email: DEMO.headPU });
      assert.equal((await admin.put(`/api/categories/${roadsCategory}`).send({ fieldCheckerUserId: head.id })).status, 409);

      const created = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", categoryId: roadsCategory, description: "Jembatan kayu di Dusun II patah di tengah, anak sekolah memutar jauh." });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const ticket = { id: created.body.id as number, number: created.body.number as string };
      // The citizen's photo of the problem (before).
      const beforeBytes = await photo("#7a4b2a");
      const key = join("attachments", String(ticket.id), "jembatan.jpg");
      await mkdir(join(t.config.dataDir, "attachments", String(ticket.id)), { recursive: true });
      await writeFile(join(t.config.dataDir, key), beforeBytes);
      const citizenPhoto = await m().getRepository(Attachment).save(m().getRepository(Attachment).create({ ticketId: ticket.id, messageId: null, fileName: "jembatan.jpg", mimeType: "image/jpeg", sizeBytes: beforeBytes.length, storageKey: key, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }));
      await act(operator, ticket.id, { action: "verify" });
      await act(operator, ticket.id, { action: "forward", agencyIds: [await agencyId(t, "DPU")], instruction: "Mohon segera diperbaiki." });
      await act(headPU, ticket.id, { action: "acknowledge" });
      const forwardId = (await forwardOf(ticket.id)).id;

      // Without an after photo: refused, naming the problem; nothing changes.
      const refused = await headPU.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "answer", response: "Jembatan sudah diganti dengan papan baru." });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.error, "field_check_photo_required");
      assert.match(refused.body.message, /after.*photo/);
      assert.match(refused.body.message, /foto "sesudah"/);
      assert.equal((await forwardOf(ticket.id)).status, "acknowledged");
      // A PDF is not a photo.
      const pdf = await headPU.post(`/api/forwards/${forwardId}/attachments`).send({ fileName: "BAST.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4\nberita acara\n").toString("base64") });
      assert.equal(pdf.status, 201);
      assert.equal((await headPU.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "answer", response: "Jembatan sudah diganti." })).status, 409);

      // With a photo: the answer waits for the field check; the ticket cannot be resolved.
      const firstAfter = await upload(forwardId, "sesudah-1.jpg", await photo("#3c8f5a"));
      const held = await act(headPU, ticket.id, { action: "answer", response: "Jembatan sudah diganti dengan papan baru; foto terlampir." });
      assert.equal(held.status, "in_review");
      assert.equal(held.forward?.fieldCheck, "awaiting");
      const seen = (await operator.get(`/api/tickets/${ticket.id}`)).body as { forwards: { id: number; fieldCheck: string | null }[] };
      assert.equal(seen.forwards.find((f) => f.id === forwardId)?.fieldCheck, "awaiting");
      await act(operator, ticket.id, { action: "resolve" }, 409);
      // The supervisors are told a field check waits.
      const told = (await supervisor.get("/api/notifications").query({ filter: JSON.stringify({ ticketId: ticket.id }) })).body as { type: string }[];
      assert.ok(told.some((n) => n.type === "answer_held"), JSON.stringify(told));
      // An operator who is not the checker cannot confirm (nor the OPD).
      const notChecker = await act(operator, ticket.id, { action: "approve_answer", forwardId }, 403);
      assert.equal(notChecker.error, "field_checker_only");
      assert.match(notChecker.message ?? "", /supervisor/);
      await act(headPU, ticket.id, { action: "approve_answer", forwardId }, 403);

      // The supervisor sends it back: the OPD works on it again and must answer again, with a new photo.
      const back = await act(supervisor, ticket.id, { action: "send_back", forwardId, note: "Foto belum memperlihatkan jembatan utuh; kirim foto dari seberang." });
      assert.equal(back.status, "in_progress");
      assert.equal((await forwardOf(ticket.id)).fieldCheck, "sent_back");
      await act(operator, ticket.id, { action: "resolve" }, 409);
      const again = await headPU.post(`/api/tickets/${ticket.id}/transitions`).send({ action: "answer", response: "Sudah diperbaiki." });
      assert.equal(again.status, 409, "the earlier photo belongs to the answer sent back");
      assert.equal(again.body.error, "field_check_photo_required");
      const secondAfter = await upload(forwardId, "sesudah-2.jpg", await photo("#2a5a8f"));
      assert.equal((await act(headPU, ticket.id, { action: "answer", response: "Jembatan sudah diganti; foto dari seberang terlampir." })).status, "in_review");

      // The category names operator 2 as its checker: operator 2 confirms, operator 1 still cannot.
      const checker = await m().getRepository(User).findOneByOrFail({ email: "operator2@demo.aduan.id" });
      assert.equal((await admin.put(`/api/categories/${roadsCategory}`).send({ fieldCheckerUserId: checker.id })).body.fieldCheckerUserId, checker.id);
      await act(operator, ticket.id, { action: "approve_answer", forwardId }, 403);
      const confirmed = await act(operator2, ticket.id, { action: "approve_answer", forwardId });
      assert.equal(confirmed.status, "answered");
      assert.equal((await forwardOf(ticket.id)).fieldCheck, "confirmed");
      assert.equal((await act(operator, ticket.id, { action: "resolve" })).status, "resolved");
      const types = (await m().getRepository(AuditEvent).find({ where: { ticketId: ticket.id, type: In(["forward.answer_held", "forward.sent_back", "forward.answer_approved", "ticket.resolved"]) }, order: { id: "ASC" } })).map((e) => e.type);
      assert.deepEqual(types, ["forward.answer_held", "forward.sent_back", "forward.answer_held", "forward.answer_approved", "ticket.resolved"]);

      // Public page: before and after, approved photos only (the first after photo is not approved).
      for (const id of [citizenPhoto.id, secondAfter]) assert.equal((await operator.put(`/api/attachments/${id}/public`).send({})).status, 200);
      const page = await web.get(`/laporan/${ticket.number}`).expect(200);
      const imgs = [...page.text.matchAll(/<img src="([^"]+)" alt="([^"]*)"/g)].filter((x) => x[1]!.includes("/foto/"));
      assert.equal(imgs.length, 2, "the approved before and after photos");
      assert.match(page.text, /<h3>Sebelum<\/h3>[\s\S]*Foto kondisi sebelum ditangani[\s\S]*<h3>Sesudah<\/h3>[\s\S]*Foto hasil penanganan dari OPD/);
      for (const [, src] of imgs) {
        const r = await web.get(src!).buffer(true).parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on("data", (x: Buffer) => chunks.push(x));
          res.on("end", () => cb(null, Buffer.concat(chunks)));
        });
        assert.equal(r.status, 200);
        assert.equal((await sharp(r.body as Buffer).metadata()).exif, undefined);
        assert.ok(!(r.body as Buffer).includes("Petugas Lapangan Budi"));
      }
      const list = (await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId: ticket.id }) })).body as { id: number; publicPhoto: boolean }[];
      assert.equal(list.find((a) => a.id === firstAfter)?.publicPhoto, false);
      assert.equal(list.filter((a) => a.publicPhoto).length, 2);
    });

    it("an answer that claims no physical fix goes out without the check; categories without it are unchanged", async () => {
      const created = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", categoryId: roadsCategory, description: "Mohon info jadwal pengaspalan jalan desa tahun depan." });
      const id = created.body.id as number;
      await act(operator, id, { action: "verify" });
      await act(operator, id, { action: "forward", agencyIds: [await agencyId(t, "DPU")], instruction: "Mohon dijawab." });
      const out = await act(headPU, id, { action: "answer", response: "Jadwal pengaspalan diumumkan bulan Maret.", physicalFix: false });
      assert.equal(out.status, "answered");
      assert.equal(out.forward?.fieldCheck ?? null, null);
      await act(operator, id, { action: "resolve" });
      // Off again: a physical-fix answer goes out at once.
      await admin.put(`/api/categories/${roadsCategory}`).send({ fieldCheck: false }).expect(200);
      const other = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", categoryId: roadsCategory, description: "Gorong-gorong tersumbat di Jalan Mawar." });
      await act(operator, other.body.id, { action: "verify" });
      await act(operator, other.body.id, { action: "forward", agencyIds: [await agencyId(t, "DPU")], instruction: "Mohon dibersihkan." });
      assert.equal((await act(headPU, other.body.id, { action: "answer", response: "Gorong-gorong sudah dibersihkan." })).status, "answered");
    });
  });
}
