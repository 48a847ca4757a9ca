import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { Attachment, AuditEvent, Ticket, TicketLocation, WallPhoto } from "../../server/entities/index.js";

/**
 * Issue 16 (photos on the wall): an operator marks a citizen's photo "boleh tampil"; the wall is
 * served a resized copy without EXIF (no GPS, no camera, no owner), with the ticket's number and
 * category; anonim and rahasia complaints are refused; OPD users cannot mark; audited.
 */
/** A 2000×1500 JPEG as a phone takes it: EXIF with the camera, its owner and the GPS position. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2000, height: 1500, channels: 3, background: "#5a8f3c" } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "KameraWarga", Model: "HP-Murah-123", Copyright: "Siti Rahayu Lestari", Artist: "Siti Rahayu Lestari" },
      IFD3: { GPSLatitudeRef: "S", GPSLatitude: "2/1 58/1 3400/100", GPSLongitudeRef: "E", GPSLongitude: "104/1 46/1 3100/100" },
    })
    .toBuffer();
}
/** The EXIF GPS pointer tag (0x8825) in either byte order. */
const hasGpsTag = (exif: Buffer) => exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));

for (const target of await testTargets()) {
  describe(`photos on the wall: "boleh tampil", EXIF stripped (${target.name})`, () => {
    let t: TestApp;
    let operator: supertest.Agent, supervisor: supertest.Agent, layar: supertest.Agent, headPU: supertest.Agent, admin: supertest.Agent;
    const m = () => t.database.db.manager;
    let original: Buffer;
    /** A complaint by phone with the citizen's photo stored as a fetched attachment. */
    const complaintWithPhoto = async (privacy: "publik" | "anonim" | "rahasia") => {
      const created = await operator.post("/api/tickets").send({ description: `Jalan ambles di depan sekolah, foto terlampir (${privacy}).`, privacy, categoryId: 1 }).expect(201);
      const ticketId = created.body.id as number;
      const storageKey = join("attachments", String(ticketId), `foto-${privacy}.jpg`);
      await mkdir(join(t.config.dataDir, "attachments", String(ticketId)), { recursive: true });
      await writeFile(join(t.config.dataDir, storageKey), original);
      const a = await m().getRepository(Attachment).save(
        m().getRepository(Attachment).create({ ticketId, messageId: null, fileName: "IMG_20261123.jpg", mimeType: "image/jpeg", sizeBytes: original.length, storageKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }),
      );
      return { ticketId, number: created.body.number as string, attachmentId: a.id };
    };

    before(async () => {
      original = await phonePhoto();
      const md = await sharp(original).metadata();
      assert.ok(md.exif && hasGpsTag(md.exif) && md.exif.includes("KameraWarga"), "the test photo carries EXIF with GPS");
      t = await startTestApp(target);
      operator = await t.loginAs(DEMO.operator);
      supervisor = await t.loginAs(DEMO.supervisor);
      layar = await t.loginAs("layar@demo.aduan.id");
      headPU = await t.loginAs(DEMO.headPU);
      admin = await t.loginAs(DEMO.admin);
    });
    after(() => t?.close());

    it("marking a publik photo stores a resized copy without EXIF; the wall lists it with number and category and serves only that copy", async () => {
      const c = await complaintWithPhoto("publik");
      const list = await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId: c.ticketId }) });
      assert.equal(list.body[0].shownOnWall, false);
      const res = await operator.put(`/api/attachments/${c.attachmentId}/wall`).send({});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.shown, true);
      assert.equal((await operator.get("/api/attachments").query({ filter: JSON.stringify({ ticketId: c.ticketId }) })).body[0].shownOnWall, true);

      for (const agent of [layar, supervisor, admin, operator]) {
        const wall = await agent.get("/api/wall/photos");
        assert.equal(wall.status, 200);
        const photo = (wall.body.photos as { attachmentId: number; ticketNumber: string; categoryName: string | null; url: string }[]).find((p) => p.attachmentId === c.attachmentId);
        assert.ok(photo, "on the wall");
        assert.equal(photo.ticketNumber, c.number);
        assert.ok(photo.categoryName, "with its category");
        assert.ok(!JSON.stringify(wall.body).includes("IMG_20261123"), "no file name");
      }
      const photo = (await layar.get("/api/wall/photos")).body.photos.find((p: { attachmentId: number }) => p.attachmentId === c.attachmentId);
      const copy = await layar.get(photo.url).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (x: Buffer) => chunks.push(x));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      assert.equal(copy.status, 200);
      assert.equal(copy.headers["content-type"], "image/jpeg");
      const bytes = copy.body as Buffer;
      const md = await sharp(bytes).metadata();
      assert.equal(md.format, "jpeg");
      assert.equal(md.exif, undefined, "no EXIF at all (no GPS, camera or owner)");
      assert.equal(md.xmp, undefined);
      assert.equal(md.iptc, undefined);
      assert.ok(!bytes.includes("Siti") && !bytes.includes("KameraWarga"), "no trace of the owner or camera in the bytes");
      assert.deepEqual([md.width, md.height], [1280, 960], "resized to fit 1280 px");
      assert.ok(!bytes.equals(original));
      // The original itself is not reachable for the kiosk role.
      assert.equal((await layar.get(`/api/attachments/${c.attachmentId}/content`)).status, 403);

      const events = await m().getRepository(AuditEvent).findBy({ type: "attachment.wall_shown", entityId: String(c.attachmentId) });
      assert.equal(events.length, 1, "audited");
      // Marking again changes nothing.
      assert.equal((await operator.put(`/api/attachments/${c.attachmentId}/wall`).send({})).status, 200);
      assert.equal(await m().getRepository(WallPhoto).countBy({ attachmentId: c.attachmentId }), 1);
    });

    it("anonim and rahasia complaints' photos are refused with 409; OPD users, admins and the kiosk cannot mark", async () => {
      for (const privacy of ["anonim", "rahasia"] as const) {
        const c = await complaintWithPhoto(privacy);
        const res = await operator.put(`/api/attachments/${c.attachmentId}/wall`).send({});
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.equal(res.body.error, "wall_photo_not_public");
        assert.match(res.body.message, new RegExp(`${privacy}.*tidak boleh ditampilkan`));
        assert.equal(await m().getRepository(WallPhoto).countBy({ attachmentId: c.attachmentId }), 0);
      }
      const c = await complaintWithPhoto("publik");
      for (const agent of [headPU, admin, layar]) assert.equal((await agent.put(`/api/attachments/${c.attachmentId}/wall`).send({})).status, 403);
      assert.equal((await operator.put("/api/attachments/999999/wall").send({})).status, 404);
    });

    it("a ticket made rahasia later drops off the wall; taking a photo off deletes its copy (audited)", async () => {
      const c = await complaintWithPhoto("publik");
      const marked = await supervisor.put(`/api/attachments/${c.attachmentId}/wall`).send({});
      assert.equal(marked.status, 200);
      const photo = (await layar.get("/api/wall/photos")).body.photos.find((p: { attachmentId: number }) => p.attachmentId === c.attachmentId);
      assert.ok(photo);
      assert.equal((await operator.put(`/api/tickets/${c.ticketId}`).send({ privacy: "rahasia" })).status, 200);
      assert.ok(!(await layar.get("/api/wall/photos")).body.photos.some((p: { attachmentId: number }) => p.attachmentId === c.attachmentId), "gone from the wall");
      assert.equal((await layar.get(photo.url)).status, 404);

      const d = await complaintWithPhoto("publik");
      await operator.put(`/api/attachments/${d.attachmentId}/wall`).send({}).expect(200);
      const row = await m().getRepository(WallPhoto).findOneByOrFail({ attachmentId: d.attachmentId });
      assert.ok(existsSync(join(t.config.dataDir, row.storageKey)));
      const off = await operator.delete(`/api/attachments/${d.attachmentId}/wall`);
      assert.equal(off.status, 200);
      assert.equal(off.body.shown, false);
      assert.ok(!existsSync(join(t.config.dataDir, row.storageKey)), "the copy is deleted");
      assert.equal(await m().getRepository(AuditEvent).countBy({ type: "attachment.wall_hidden", entityId: String(d.attachmentId) }), 1);
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: d.ticketId });
      assert.equal(ticket.privacy, "publik");
    });

    it("erasing the reporter's personal data (UU PDP) removes the ticket's point from the map and its photo from the wall", async () => {
      const created = await operator.post("/api/tickets").send({ description: "Saluran air meluap ke rumah warga, foto dan lokasi terlampir.", privacy: "publik", caller: { name: "Dewi Lestari", phone: "081234567099" } }).expect(201);
      const ticketId = created.body.id as number;
      const storageKey = join("attachments", String(ticketId), "foto-erase.jpg");
      await mkdir(join(t.config.dataDir, "attachments", String(ticketId)), { recursive: true });
      await writeFile(join(t.config.dataDir, storageKey), original);
      const a = await m().getRepository(Attachment).save(m().getRepository(Attachment).create({ ticketId, messageId: null, fileName: "foto.jpg", mimeType: "image/jpeg", sizeBytes: original.length, storageKey, sha256: null, uploadedByUserId: null, fetchState: "fetched", createdAt: t.clock.now() }));
      const { setTicketLocation } = await import("../../server/commands/set-ticket-location.js");
      await t.database.db.tx(async (mm) => setTicketLocation(mm, await mm.getRepository(Ticket).findOneByOrFail({ id: ticketId }), { latitude: -2.99, longitude: 104.76 }));
      await operator.put(`/api/attachments/${a.id}/wall`).send({}).expect(200);
      const copy = await m().getRepository(WallPhoto).findOneByOrFail({ attachmentId: a.id });
      assert.ok((await operator.get("/api/map/points")).body.points.some((p: { ticketId: number }) => p.ticketId === ticketId));

      const contactId = (await m().getRepository(Ticket).findOneByOrFail({ id: ticketId })).contactId!;
      const req = await operator.post("/api/data-subject-requests").send({ kind: "erasure", contactIds: [contactId] });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      const erased = await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({ confirm: true });
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.ok(!(await operator.get("/api/map/points")).body.points.some((p: { ticketId: number }) => p.ticketId === ticketId), "off the map");
      assert.equal(await m().getRepository(TicketLocation).countBy({ ticketId }), 0);
      assert.equal(await m().getRepository(WallPhoto).countBy({ attachmentId: a.id }), 0, "off the wall");
      assert.ok(!existsSync(join(t.config.dataDir, copy.storageKey)), "the wall's copy is deleted");
    });
  });
}
