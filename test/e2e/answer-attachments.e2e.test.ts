import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { Agency, AuditEvent } from "../../server/entities/index.js";

/**
 * Issue 5: an OPD answers officially with files attached (tanggapan with attachments). The files
 * are kept on the ticket: the command center and that OPD see them, another OPD the ticket was
 * also forwarded to never does; bad files are refused with a message in both languages.
 */
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("IHDR-not-a-real-image-but-png-magic")]);
const file = (fileName: string, mimeType: string, bytes: Buffer) => ({ fileName, mimeType, content: bytes.toString("base64") });
const binary = (res: supertest.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
};

for (const target of await testTargets()) {
  describe(`OPD answer attachments (${target.name})`, () => {
    let t: TestApp;
    let operator: supertest.Agent;
    let headPU: supertest.Agent;
    let staffPU: supertest.Agent;
    let headDinkes: supertest.Agent;
    let ticketId: number;
    let puForwardId: number;
    let dinkesForwardId: number;

    before(async () => {
      t = await startTestApp(target);
      operator = await t.loginAs(DEMO.operator);
      headPU = await t.loginAs(DEMO.headPU);
      staffPU = await t.loginAs(DEMO.staffPU);
      headDinkes = await t.loginAs(DEMO.headDinkes);
      const m = t.database.db.manager;
      const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
      // A rahasia complaint forwarded to two OPDs at once.
      const created = await operator.post("/api/tickets").send({ description: "Saluran air di depan puskesmas tersumbat dan jalan tergenang.", privacy: "rahasia", caller: { phone: "081234560001", name: "Siti Pelapor" } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ticketId = created.body.id;
      assert.equal((await operator.post(`/api/tickets/${ticketId}/transitions`).send({ action: "verify" })).status, 200);
      const fwd = await operator.post(`/api/tickets/${ticketId}/transitions`).send({ action: "forward", agencyIds: [pu.id, dinkes.id], instruction: "Mohon ditindaklanjuti bersama." });
      assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      const forwards = await operator.get("/api/forwards").query({ filter: JSON.stringify({ ticketId }) });
      puForwardId = forwards.body.find((f: { agencyId: number }) => f.agencyId === pu.id).id;
      dinkesForwardId = forwards.body.find((f: { agencyId: number }) => f.agencyId === dinkes.id).id;
    });
    after(() => t.close());

    it("the OPD head and staff attach files to their answer; the operator sees and downloads them, the other OPD never does", async () => {
      const up = await headPU.post(`/api/forwards/${puForwardId}/attachments`).send(file("Berita acara perbaikan.pdf", "application/pdf", PDF));
      assert.equal(up.status, 201, JSON.stringify(up.body));
      assert.equal(up.body.forwardId, puForwardId);
      assert.equal(up.body.ticketId, ticketId);
      assert.equal(up.body.state, "fetched");
      assert.equal(up.body.sizeBytes, PDF.length);
      assert.equal(up.body.messageId, null, "not answered yet");
      const photo = await staffPU.post(`/api/forwards/${puForwardId}/attachments`).send(file("foto-sesudah.png", "image/png", PNG));
      assert.equal(photo.status, 201, JSON.stringify(photo.body));

      // The head of Dinas Kesehatan, whose OPD has the same ticket, cannot attach to Dinas PU's forward…
      assert.equal((await headDinkes.post(`/api/forwards/${puForwardId}/attachments`).send(file("x.pdf", "application/pdf", PDF))).status, 404);
      // …nor see or download Dinas PU's files, although it sees the ticket.
      const dinkesList = await headDinkes.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) });
      assert.equal(dinkesList.status, 200);
      assert.deepEqual(dinkesList.body, []);
      assert.equal(dinkesList.headers["content-range"], "attachments 0-0/0");
      assert.equal((await headDinkes.get(`/api/attachments/${up.body.id}/content`)).status, 404);

      // Answering joins the files to the answer message.
      const answer = await headPU.post(`/api/tickets/${ticketId}/transitions`).send({ action: "answer", response: "Saluran sudah dibersihkan; berita acara terlampir." });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const msgs = await operator.get("/api/messages").query({ filter: JSON.stringify({ ticketId, direction: "answer" }) });
      const answerMsg = msgs.body.find((x: { forwardId: number }) => x.forwardId === puForwardId);
      assert.ok(answerMsg, "the answer is in the conversation");

      const list = await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.map((a: { fileName: string }) => a.fileName), ["Berita acara perbaikan.pdf", "foto-sesudah.png"]);
      assert.ok(list.body.every((a: { messageId: number }) => a.messageId === answerMsg.id), "both files belong to the answer");
      const pdf = await operator.get(`/api/attachments/${up.body.id}/content`).buffer(true).parse(binary);
      assert.equal(pdf.status, 200);
      assert.ok(Buffer.compare(pdf.body as Buffer, PDF) === 0, "the same bytes come back");
      assert.equal(pdf.headers["content-type"], "application/octet-stream");
      assert.match(pdf.headers["content-disposition"], /^attachment; filename="Berita acara perbaikan\.pdf"; filename\*=UTF-8''Berita%20acara%20perbaikan\.pdf$/);
      const img = await operator.get(`/api/attachments/${photo.body.id}/content`).buffer(true).parse(binary);
      assert.equal(img.headers["content-type"], "image/png");

      // Dinas PU sees its own files; a file added after answering joins the answer too.
      assert.equal((await headPU.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body.length, 2);
      const late = await headPU.post(`/api/forwards/${puForwardId}/attachments`).send(file("lampiran-susulan.pdf", "application/pdf", PDF));
      assert.equal(late.status, 201);
      assert.equal(late.body.messageId, answerMsg.id);
      assert.deepEqual((await headDinkes.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body, []);

      // Dinas Kesehatan's own file is visible to it and to the operator, not to Dinas PU.
      const own = await headDinkes.post(`/api/forwards/${dinkesForwardId}/attachments`).send(file("hasil-uji-air.pdf", "application/pdf", PDF));
      assert.equal(own.status, 201);
      assert.deepEqual((await headDinkes.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body.map((a: { id: number }) => a.id), [own.body.id]);
      assert.ok(!(await headPU.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body.some((a: { id: number }) => a.id === own.body.id));
      assert.equal((await headPU.get(`/api/attachments/${own.body.id}/content`)).status, 404);
      assert.equal((await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body.length, 4);
    });

    it("every attachment is audited, and every read of this rahasia ticket's files too", async () => {
      const m = t.database.db.manager;
      const added = await m.getRepository(AuditEvent).find({ where: { type: "attachment.added", ticketId }, order: { id: "ASC" } });
      assert.equal(added.length, 4);
      const first = JSON.parse(added[0]!.afterJson ?? "{}");
      assert.equal(first.forwardId, puForwardId);
      assert.equal(first.fileName, "Berita acara perbaikan.pdf");
      assert.equal(first.mimeType, "application/pdf");
      assert.match(first.sha256, /^[0-9a-f]{64}$/);
      const reads = await m.getRepository(AuditEvent).find({ where: { type: "ticket.read_rahasia", ticketId } });
      assert.ok(reads.some((r) => /"what":"attachment \d+"/.test(r.afterJson ?? "")), "downloading a file of a rahasia ticket is audited");
    });

    it("refuses bad files with a 4xx that says why in English and Bahasa Indonesia", async () => {
      const url = `/api/forwards/${puForwardId}/attachments`;
      const tooBig = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(10 * 1024 * 1024)]);
      const big = await headPU.post(url).send(file("besar.pdf", "application/pdf", tooBig));
      assert.equal(big.status, 413);
      assert.equal(big.body.error, "attachment_too_large");
      assert.match(big.body.message, /larger than 10 MB \(berkas lebih dari 10 MB\)/);
      const huge = await headPU.post(url).set("Content-Type", "application/json").send(JSON.stringify({ fileName: "x.pdf", mimeType: "application/pdf", content: "A".repeat(16 * 1024 * 1024) }));
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error, "payload_too_large");

      const text = await headPU.post(url).send(file("catatan.txt", "text/plain", Buffer.from("hello")));
      assert.equal(text.status, 415);
      assert.equal(text.body.error, "attachment_type_not_allowed");
      assert.match(text.body.message, /hanya berkas PDF, JPEG, PNG atau WebP/);
      const disguised = await headPU.post(url).send(file("laporan.pdf", "application/pdf", Buffer.from("MZ\x90\x00 this is a program")));
      assert.equal(disguised.status, 415);
      assert.match(disguised.body.message, /isi berkas tidak sesuai jenisnya/);
      const html = await headPU.post(url).send(file("foto.png", "image/png", Buffer.from("<script>alert(1)</script>")));
      assert.equal(html.status, 415);

      const notBase64 = await headPU.post(url).send({ fileName: "a.pdf", mimeType: "application/pdf", content: "%PDF-1.4 not base64!" });
      assert.equal(notBase64.status, 400);
      const slash = await headPU.post(url).send(file("../../etc/passwd.pdf", "application/pdf", PDF));
      assert.equal(slash.status, 400);
      assert.match(slash.body.message, /fileName/);
      const extra = await headPU.post(url).send({ ...file("a.pdf", "application/pdf", PDF), ticketId });
      assert.equal(extra.status, 400);
      const form = await headPU.post(url).set("Content-Type", "multipart/form-data; boundary=x").send("--x--");
      assert.equal(form.status, 415);

      assert.equal((await operator.post(url).send(file("a.pdf", "application/pdf", PDF))).status, 403);
      assert.equal((await supertest(t.app).post(url).send(file("a.pdf", "application/pdf", PDF))).status, 401);
      assert.equal((await headPU.post("/api/forwards/999999/attachments").send(file("a.pdf", "application/pdf", PDF))).status, 404);

      // A forward returned as not their authority takes no files.
      const ret = await headDinkes.post(`/api/tickets/${ticketId}/transitions`).send({ action: "return", reason: "Bukan wewenang Dinas Kesehatan." });
      assert.equal(ret.status, 200, JSON.stringify(ret.body));
      const closed = await headDinkes.post(`/api/forwards/${dinkesForwardId}/attachments`).send(file("a.pdf", "application/pdf", PDF));
      assert.equal(closed.status, 409);
      assert.equal(closed.body.error, "forward_closed");

      // Nothing of the refused uploads was kept.
      const m = t.database.db.manager;
      assert.equal(await m.getRepository(AuditEvent).count({ where: { type: "attachment.added", ticketId } }), 4);
      assert.equal((await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId }) })).body.length, 4);
    });
  });
}
