import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { categoryId, recordTicket, verifyAndForward } from "../support/public.js";
import { GeoReportClient } from "../support/georeport-client.js";
import { Attachment, AuditEvent, PublicPhoto, Ticket } from "../../server/entities/index.js";

/**
 * Issue 19, item 8 and acceptance 7: an operator approves a photo, file by file, for the public
 * report page; the page shows a small copy (with alt text) linking to a larger one, Open311 gives it
 * as media_url; both copies carry no EXIF (checked with sharp's parser: no GPS, camera or owner);
 * an unapproved photo and any photo of a rahasia ticket never appear, not even by guessing URLs.
 */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2000, height: 1500, channels: 3, background: "#8f5a3c" } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "KameraWarga", Model: "HP-Murah-123", Copyright: "Siti Rahayu Lestari", Artist: "Siti Rahayu Lestari" },
      IFD3: { GPSLatitudeRef: "S", GPSLatitude: "2/1 58/1 3400/100", GPSLongitudeRef: "E", GPSLongitude: "104/1 46/1 3100/100" },
    })
    .toBuffer();
}
const bytesOf = (r: supertest.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on("data", (x: Buffer) => chunks.push(x));
    res.on("end", () => cb(null, Buffer.concat(chunks)));
  });

/** The copy as a citizen's browser fetches it: a JPEG with no metadata at all, at most `side` pixels. */
async function assertStripped(bytes: Buffer, side: number) {
  const md = await sharp(bytes).metadata();
  assert.equal(md.format, "jpeg");
  assert.equal(md.exif, undefined, "no EXIF (no GPS, camera or owner)");
  assert.equal(md.xmp, undefined);
  assert.equal(md.iptc, undefined);
  assert.ok(!bytes.includes("Siti") && !bytes.includes("KameraWarga"), "no trace of the owner or the camera");
  assert.ok(Math.max(md.width ?? 0, md.height ?? 0) <= side, `at most ${side} px: ${md.width}×${md.height}`);
}

for (const target of await testTargets()) {
  describe(`public report photos: approved per file, no EXIF, never rahasia (${target.name})`, () => {
    let t: TestApp;
    let operator: supertest.Agent, supervisor: supertest.Agent, headPU: supertest.Agent, admin: supertest.Agent, layar: supertest.Agent;
    let web: supertest.Agent;
    let client: GeoReportClient;
    let original: Buffer;
    const m = () => t.database.db.manager;
    /** A citizen's photo stored on the ticket as a fetched attachment. */
    const photoOn = async (ticketId: number, name: string) => {
      const storageKey = join("attachments", String(ticketId), name);
      await mkdir(join(t.config.dataDir, "attachments", String(ticketId)), { recursive: true });
      await writeFile(join(t.config.dataDir, storageKey), original);
      const a = await m().getRepository(Attachment).save(
        m().getRepository(Attachment).create({ ticketId, messageId: null, fileName: name, mimeType: "image/jpeg", sizeBytes: original.length, storageKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }),
      );
      return a.id;
    };
    const published = async (privacy: "publik" | "anonim" | "rahasia" = "publik") => {
      const ticket = await recordTicket(operator, { description: `Jalan berlubang besar di depan pasar, foto terlampir (${privacy}).`, privacy, categoryId: await categoryId(t, "jalan-jembatan") });
      await verifyAndForward(t, operator, ticket.id);
      return ticket;
    };
    const srcs = (html: string) => [...html.matchAll(/<img src="([^"]+)" alt="([^"]*)"/g)].map((x) => ({ src: x[1]!.replace(/&#47;|&#x2F;/g, "/"), alt: x[2]! }));

    before(async () => {
      original = await phonePhoto();
      const md = await sharp(original).metadata();
      assert.ok(md.exif && md.exif.includes("KameraWarga"), "the test photo carries EXIF");
      t = await startTestApp(target);
      operator = await t.loginAs(DEMO.operator);
      supervisor = await t.loginAs(DEMO.supervisor);
      headPU = await t.loginAs(DEMO.headPU);
      admin = await t.loginAs(DEMO.admin);
      layar = await t.loginAs("layar@demo.aduan.id");
      web = supertest.agent(t.app);
      client = new GeoReportClient(t.app);
    });
    after(() => t?.close());

    it("an approved photo is on the report page (small copy, alt text, link to the larger) and is Open311's media_url, both without EXIF; the unapproved one is nowhere", async () => {
      const ticket = await published();
      const approvedId = await photoOn(ticket.id, "IMG_20261201_0800.jpg");
      const otherId = await photoOn(ticket.id, "IMG_20261201_0801.jpg");
      // Before approval: no photo on the page, media_url null.
      let page = await web.get(`/laporan/${ticket.number}`).expect(200);
      assert.equal(srcs(page.text).filter((s) => s.src.includes("/foto/")).length, 0);
      assert.equal((await client.request(ticket.number, "json")).body[0].media_url, null);

      const list = await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId: ticket.id }) });
      assert.deepEqual(list.body.map((a: { publicPhoto: boolean }) => a.publicPhoto), [false, false]);
      const res = await operator.put(`/api/attachments/${approvedId}/public`).send({});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.approved, true);
      assert.equal(res.body.stage, "before");
      const after = await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId: ticket.id }) });
      assert.deepEqual(after.body.map((a: { id: number; publicPhoto: boolean }) => [a.id, a.publicPhoto]), [[approvedId, true], [otherId, false]]);

      page = await web.get(`/laporan/${ticket.number}`).expect(200);
      const imgs = srcs(page.text).filter((s) => s.src.includes("/foto/"));
      assert.equal(imgs.length, 1, "only the approved photo");
      assert.match(imgs[0]!.alt, /Foto kondisi sebelum ditangani/);
      assert.match(page.text, /Sebelum/);
      assert.ok(!page.text.includes("IMG_20261201"), "no file names on the public page");
      const thumb = await bytesOf(web.get(imgs[0]!.src));
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers["content-type"], "image/jpeg");
      await assertStripped(thumb.body as Buffer, 480);
      const large = page.text.match(/<a href="([^"]+\.jpg)"><img/)?.[1];
      assert.ok(large && !large.includes("kecil"), "the small copy links to the larger one");

      for (const format of ["json", "xml"] as const) {
        const r = await client.request(ticket.number, format);
        assert.equal(r.status, 200, r.raw);
        const media = String((r.body as { media_url: string }[])[0]!.media_url);
        assert.equal(media, `${t.config.publicUrl}${large}`, "media_url is the larger copy, absolute");
      }
      const big = await bytesOf(web.get(new URL(`${t.config.publicUrl}${large}`).pathname));
      assert.equal(big.status, 200);
      await assertStripped(big.body as Buffer, 1280);
      assert.deepEqual([(await sharp(big.body as Buffer).metadata()).width, (await sharp(big.body as Buffer).metadata()).height], [1280, 960]);
      // English page: the same photo with English alt text.
      const en = await web.get(`/laporan/${ticket.number}?lang=en`).expect(200);
      assert.match(en.text, /alt="Photo of the problem before it was handled/);

      // The unapproved photo cannot be reached by guessing: by its attachment id, or another id.
      const shownId = (await m().getRepository(PublicPhoto).findOneByOrFail({ attachmentId: approvedId })).id;
      for (const id of [otherId, approvedId, shownId + 1, 999999].filter((x) => x !== shownId)) {
        assert.equal((await web.get(`/laporan/${ticket.number}/foto/${id}.jpg`)).status, 404, `photo ${id}`);
      }
      assert.equal((await web.get(`/laporan/${ticket.number}/foto/..%2F..%2Fattachments.jpg`)).status, 404);
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "attachment.public_approved", entityId: String(approvedId) }), 1, "audited");

      // Withdrawn: gone from the page, the URL and media_url; the copies are deleted.
      const row = await m().getRepository(PublicPhoto).findOneByOrFail({ attachmentId: approvedId });
      const off = await supervisor.delete(`/api/attachments/${approvedId}/public`);
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.approved, false);
      assert.equal((await web.get(large)).status, 404);
      assert.equal((await client.request(ticket.number, "json")).body[0].media_url, null);
      assert.ok(!existsSync(join(t.config.dataDir, row.storageKey)) && !existsSync(join(t.config.dataDir, row.thumbKey)), "copies deleted");
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "attachment.public_withdrawn", entityId: String(approvedId) }), 1);
    });

    it("rahasia: approval is refused with 409; a ticket made rahasia after approval shows its photo nowhere", async () => {
      const secret = await published("rahasia");
      const secretPhoto = await photoOn(secret.id, "rahasia.jpg");
      const refused = await operator.put(`/api/attachments/${secretPhoto}/public`).send({});
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.error, "public_photo_rahasia");
      assert.match(refused.body.message, /rahasia.*tidak pernah ditampilkan/);
      assert.equal(await m().getRepository(PublicPhoto).countBy({ attachmentId: secretPhoto }), 0);

      const later = await published();
      const photoId = await photoOn(later.id, "nanti-rahasia.jpg");
      await operator.put(`/api/attachments/${photoId}/public`).send({}).expect(200);
      const page = await web.get(`/laporan/${later.number}`).expect(200);
      const url = srcs(page.text).find((s) => s.src.includes("/foto/"))!.src;
      assert.equal((await web.get(url)).status, 200);
      assert.equal((await operator.put(`/api/tickets/${later.id}`).send({ privacy: "rahasia" })).status, 200);
      assert.equal((await web.get(`/laporan/${later.number}`)).status, 404);
      assert.equal((await web.get(url)).status, 404, "the copy is not served for a rahasia ticket");
      assert.equal((await web.get(url.replace("-kecil", ""))).status, 404);
      const open311 = await client.request(later.number, "json");
      assert.equal(open311.status, 404, open311.raw);
      const all = await client.requests("json");
      assert.ok(!JSON.stringify(all.body).includes(`/laporan/${later.number}/foto/`), "no media_url of it in the list");
      // A photo of another (published) report is not served under this number, nor this one under another.
      const other = await published();
      assert.equal((await web.get(url.replace(later.number, other.number))).status, 404);
    });

    it("anonim reports may show an approved photo; OPD users, admins and the kiosk cannot approve; unknown attachments 404", async () => {
      const anon = await published("anonim");
      const id = await photoOn(anon.id, "anonim.jpg");
      for (const agent of [headPU, admin, layar]) assert.equal((await agent.put(`/api/attachments/${id}/public`).send({})).status, 403);
      await operator.put(`/api/attachments/${id}/public`).send({}).expect(200);
      const page = await web.get(`/laporan/${anon.number}`).expect(200);
      const url = srcs(page.text).find((s) => s.src.includes("/foto/"))!.src;
      await assertStripped((await bytesOf(web.get(url))).body as Buffer, 480);
      assert.equal((await operator.put("/api/attachments/999999/public").send({})).status, 404);
      // A file that is not an image is refused.
      const pdfKey = join("attachments", String(anon.id), "surat.pdf");
      await writeFile(join(t.config.dataDir, pdfKey), "%PDF-1.4\n");
      const pdf = await m().getRepository(Attachment).save(m().getRepository(Attachment).create({ ticketId: anon.id, messageId: null, fileName: "surat.pdf", mimeType: "application/pdf", sizeBytes: 9, storageKey: pdfKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }));
      const res = await operator.put(`/api/attachments/${pdf.id}/public`).send({});
      assert.equal(res.status, 409);
      assert.equal(res.body.error, "public_photo_not_image");
    });

    it("erasing the reporter's personal data (UU PDP) deletes their photo's public copies", async () => {
      const created = await operator.post("/api/tickets").send({ description: "Pohon tumbang menutup jalan, foto terlampir.", privacy: "publik", categoryId: await categoryId(t, "jalan-jembatan"), caller: { name: "Dewi Lestari", phone: "081234567098" } }).expect(201);
      await verifyAndForward(t, operator, created.body.id);
      const id = await photoOn(created.body.id, "pohon.jpg");
      await operator.put(`/api/attachments/${id}/public`).send({}).expect(200);
      const row = await m().getRepository(PublicPhoto).findOneByOrFail({ attachmentId: id });
      const contactId = (await m().getRepository(Ticket).findOneByOrFail({ id: created.body.id })).contactId!;
      const req = await operator.post("/api/data-subject-requests").send({ kind: "erasure", contactIds: [contactId] });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      assert.equal((await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({ confirm: true })).status, 200);
      assert.equal(await m().getRepository(PublicPhoto).countBy({ attachmentId: id }), 0);
      assert.ok(!existsSync(join(t.config.dataDir, row.storageKey)) && !existsSync(join(t.config.dataDir, row.thumbKey)), "both copies deleted");
      const page = await web.get(`/laporan/${created.body.number}`);
      assert.ok(!page.text.includes("/foto/"), "no photo on the page");
    });
  });
}
