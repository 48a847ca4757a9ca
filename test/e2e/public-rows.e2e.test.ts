import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { answerAsHeadPU, categoryId, recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";
import { Ticket } from "../../server/entities/index.js";
import { backfillPublicReports } from "../../server/commands/backfill-public-reports.js";
import { clearPublicLookups } from "../../server/queries/public-reports.js";

/**
 * Issue 18, item 4: public pages are read from `public_reports`, precomputed and masked rows kept in
 * the transaction of every change. What a citizen would notice: a report is there right after it is
 * verified, an answer right after it is given, and a report made rahasia, rejected, merged or moved
 * to a non-public category is gone at once; a renamed reporter stays masked; the table itself never
 * holds a reporter's name, phone, NIK or e-mail; pages no longer read the tickets; and a database
 * whose table is empty (an existing one, a restored old backup) is served meanwhile and filled.
 */
const REPORTER = { name: "Budi Santoso", phone: "081234567890", email: "budi.santoso@gmail.com" };

for (const target of await testTargets()) {
  describe(`public: pages from precomputed rows (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    const page = async (number: string) => {
      const r = await http().get(`/laporan/${number}`);
      return { status: r.status, text: unescapeHtml(r.text) };
    };
    const listed = async (number: string, q = "") => unescapeHtml((await http().get(`/laporan${q}`)).text).includes(number);
    const rowCount = async (ticketId: number) => Number((await t.database.db.manager.query("SELECT COUNT(*) AS n FROM public_reports WHERE ticket_id = ?", [ticketId]))[0].n);

    before(async () => {
      t = await startTestApp(target);
    });
    after(() => t.close());

    it("a report appears on /laporan and its page right after it is verified; an OPD answer right after it is given", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Lampu jalan di simpang Cikutra padam seminggu.", categoryId: await categoryId(t, "jalan-jembatan"), caller: REPORTER });
      assert.equal((await page(tk.number)).status, 404, "not public before it is verified");
      assert.equal(await rowCount(tk.id), 0);
      await verifyAndForward(t, operator, tk.id);
      const shown = await page(tk.number);
      assert.equal(shown.status, 200);
      assert.ok(shown.text.includes("simpang Cikutra"));
      assert.ok(await listed(tk.number));
      assert.equal(await rowCount(tk.id), 1);
      await answerAsHeadPU(t, tk.id, "Lampu sudah diganti oleh petugas UPT Penerangan.");
      assert.ok((await page(tk.number)).text.includes("Lampu sudah diganti oleh petugas UPT Penerangan."), "the answer is there at once");
      const open311 = await http().get(`/open311/v2/requests/${tk.number}.json`);
      assert.equal(open311.status, 200);
      assert.match(JSON.stringify(open311.body), /UPT Penerangan/);
    });

    it("a report made rahasia, rejected or merged disappears at once, and so do those of a category made non-public", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const admin = await t.loginAs(DEMO.admin);
      const road = await categoryId(t, "jalan-jembatan");
      const make = async (text: string, categoryId = road) => {
        const tk = await recordTicket(operator, { description: text, categoryId, caller: REPORTER });
        await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "verify" }).expect(200);
        assert.equal((await page(tk.number)).status, 200, text);
        return tk;
      };
      const secret = await make("Trotoar Jalan Riau dipakai parkir liar.");
      await operator.put(`/api/tickets/${secret.id}`).send({ privacy: "rahasia" }).expect(200);
      assert.equal((await page(secret.number)).status, 404, "rahasia: gone");
      assert.ok(!(await listed(secret.number)));
      assert.equal(await rowCount(secret.id), 0, "its row is deleted, not only hidden");

      const spam = await make("Iklan pinjaman cepat tanpa jaminan.");
      await operator.post(`/api/tickets/${spam.id}/transitions`).send({ action: "reject", reason: "bukan pengaduan (spam)" }).expect(200);
      assert.equal((await page(spam.number)).status, 404, "rejected: gone");

      const first = await make("Saluran air di Jalan Dago tersumbat sampah.");
      const dup = await make("Saluran air Jalan Dago tersumbat, air meluap.");
      await operator.post(`/api/tickets/${dup.id}/transitions`).send({ action: "merge", intoTicketId: first.id }).expect(200);
      assert.equal((await page(dup.number)).status, 404, "merged: gone");
      assert.equal((await page(first.number)).status, 200, "the case it joined stays");

      const parks = await categoryId(t, "layanan-kesehatan");
      const clinic = await make("Antrean puskesmas Garuda sangat panjang.", parks);
      await admin.put(`/api/categories/${parks}`).send({ isPublic: false }).expect(200);
      clearPublicLookups(); // categories are cached for 5 s (queries/public-reports.ts lookups)
      assert.equal((await page(clinic.number)).status, 404, "non-public category: gone");
      assert.ok(!(await listed(clinic.number)));
      assert.equal(await rowCount(clinic.id), 1, "the row stays: showing the category again needs no rewrite");
      await admin.put(`/api/categories/${parks}`).send({ isPublic: true }).expect(200);
      clearPublicLookups();
      assert.equal((await page(clinic.number)).status, 200, "public again");
    });

    it("a renamed reporter is still masked: the new name is masked at once", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Sutrisno Wibowo sudah tiga kali melapor soal jalan berlubang di Antapani.", categoryId: await categoryId(t, "jalan-jembatan"), caller: { name: "Joko", phone: "081377776666" } });
      await verifyAndForward(t, operator, tk.id);
      assert.ok((await page(tk.number)).text.includes("Sutrisno Wibowo"), "not the reporter's name (yet): shown");
      const contactId = (await t.database.db.manager.getRepository(Ticket).findOneByOrFail({ id: tk.id })).contactId!;
      await operator.put(`/api/contacts/${contactId}`).send({ name: "Sutrisno Wibowo" }).expect(200);
      const after = await page(tk.number);
      assert.equal(after.status, 200);
      assert.ok(!after.text.includes("Sutrisno") && !after.text.includes("Wibowo"), "the new name is masked");
      assert.ok(after.text.includes("[nama disamarkan]"));
    });

    it("linking another contact of the citizen masks that contact's name in their published reports at once", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Slamet Riyadi melihat pipa PDAM bocor di Jalan Pasteur.", categoryId: await categoryId(t, "jalan-jembatan"), caller: { name: "Joko", phone: "081355554444" } });
      await verifyAndForward(t, operator, tk.id);
      assert.ok((await page(tk.number)).text.includes("Slamet Riyadi"));
      const other = await recordTicket(operator, { description: "Pertanyaan jadwal pelayanan.", caller: { name: "Slamet Riyadi", phone: "081355553333" } });
      const tickets = t.database.db.manager.getRepository(Ticket);
      const into = (await tickets.findOneByOrFail({ id: tk.id })).contactId!;
      const from = (await tickets.findOneByOrFail({ id: other.id })).contactId!;
      await operator.post(`/api/contacts/${into}/merge`).send({ contactId: from }).expect(200);
      const after = await page(tk.number);
      assert.ok(!after.text.includes("Slamet") && !after.text.includes("Riyadi"), "the linked contact's name is masked");
    });

    it("the table never holds the reporter's name, phone, NIK or e-mail", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, {
        subject: "Jalan rusak, lapor Budi Santoso",
        description: "Saya Budi Santoso, NIK 3201012345670001, hubungi 0812-3456-7890 atau budi.santoso@gmail.com. Jalan di Gang Melati berlubang.",
        locationText: "Gang Melati, rumah Pak Budi, 0812 3456 7890",
        categoryId: await categoryId(t, "jalan-jembatan"),
        caller: REPORTER,
      });
      await verifyAndForward(t, operator, tk.id);
      await answerAsHeadPU(t, tk.id, "Terima kasih Bapak Budi Santoso, kami hubungi di 081234567890.");
      const rows: { report: string }[] = await t.database.db.manager.query("SELECT report FROM public_reports");
      assert.ok(rows.length > 0);
      const all = rows.map((r) => r.report).join("\n");
      assert.ok(all.includes("Gang Melati berlubang"), "the report is there");
      for (const w of ["budi", "santoso", "gmail", "reporternames"]) assert.ok(!all.toLowerCase().includes(w), `the table holds "${w}"`);
      const digits = all.replace(/\D/g, "");
      for (const d of ["3201012345670001", "81234567890"]) assert.ok(!digits.includes(d), `the table holds ${d}`);
    });

    it("pages are served from the table: a change written past the commands does not show", async () => {
      const operator = await t.loginAs(DEMO.operator);
      const tk = await recordTicket(operator, { description: "Pohon tumbang menutup Jalan Cipaganti.", categoryId: await categoryId(t, "jalan-jembatan"), caller: REPORTER });
      await verifyAndForward(t, operator, tk.id);
      // Straight into the ticket, no command, no audit event: a read that still computed its row from
      // the tickets (and their forwards, contacts…) would show this.
      await t.database.db.manager.query("UPDATE tickets SET description = ? WHERE id = ?", ["Teks yang ditulis langsung ke tabel tiket", tk.id]);
      const shown = await page(tk.number);
      assert.equal(shown.status, 200);
      assert.ok(shown.text.includes("Jalan Cipaganti") && !shown.text.includes("ditulis langsung"));
      assert.ok(await listed(tk.number, "?kategori=jalan-jembatan"));
      const list = unescapeHtml((await http().get("/laporan?kategori=jalan-jembatan")).text);
      assert.ok(list.includes("Jalan Cipaganti") && !list.includes("ditulis langsung"));
    });

    it("an emptied table: pages are computed meanwhile, then the backfill fills it again", async () => {
      const db = t.database.db;
      const expected: { ticket_id: number | string; report: string }[] = await db.manager.query("SELECT ticket_id, report FROM public_reports ORDER BY ticket_id");
      assert.ok(expected.length >= 5);
      const sample = JSON.parse(expected[expected.length - 1]!.report) as { number: string }; // the newest: on the first page
      const max = Number((await db.manager.query("SELECT MAX(id) AS n FROM tickets"))[0].n);
      await db.manager.query("DELETE FROM public_reports");
      await db.manager.query("UPDATE public_reports_backfill SET below_ticket_id = ? WHERE id = 1", [max + 1]);
      clearPublicLookups();
      assert.equal((await page(sample.number)).status, 200, "served while the table is empty");
      assert.ok(await listed(sample.number));

      const r = await backfillPublicReports(db, { at: t.clock.now(), batch: 7 });
      assert.equal(r.done, true);
      assert.equal(r.tickets, max);
      const filled: { ticket_id: number | string }[] = await db.manager.query("SELECT ticket_id FROM public_reports ORDER BY ticket_id");
      assert.deepEqual(filled.map((x) => Number(x.ticket_id)), expected.map((x) => Number(x.ticket_id)), "the same publishable tickets");
      assert.equal(Number((await db.manager.query("SELECT COUNT(*) AS n FROM public_reports_backfill WHERE below_ticket_id IS NULL"))[0].n), 1);
      assert.equal((await page(sample.number)).status, 200);
      assert.equal((await backfillPublicReports(db, { at: t.clock.now() })).tickets, 0, "done: nothing more to do");
    });
  });
}
