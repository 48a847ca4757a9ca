import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import yauzl from "yauzl";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, newSid, postTwilio, TWILIO, inboundSms } from "../support/channels.js";
import { answerAsHeadPU, categoryId, recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { runRetention } from "../../server/jobs/jobs.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";
import { Attachment, AuditEvent, Contact, ContactIdentity, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 14, acceptance 8 (UU PDP 27/2022): a citizen found by any identity; their data exported as
 * one ZIP holding every message and file of theirs and nothing of a citizen with similar data;
 * corrected; erased so that no identifier of theirs is left in any column of any table nor in the
 * attachments folder, while the case stays public (masked) and the audit log verifies. The
 * retention job anonymises exactly the cases past the period, which its dry run lists first.
 */
const A = { name: "Sulastri Wiryawan", phone: "+6281377001122", local: "0813-7700-1122", email: "sulastri.wiryawan@contohmail.id", nik: "3273014506880007", telegram: "700112233" };
const B = { name: "Sulastri Wirayuda", phone: "+6281377001133", local: "0813-7700-1133", email: "sulastri.wirayuda@contohmail.id", nik: "3273014506880008", telegram: "700112244" };
const PNG_A = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("foto-milik-warga-A")]);
const PNG_B = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("foto-milik-warga-B")]);

/** Every spelling of a citizen's identifiers a leftover could have (compared lower-cased; digits also digit-only). */
const needles = (p: typeof A) => ({
  words: [p.name.toLowerCase(), p.name.split(" ")[1]!.toLowerCase(), p.email.toLowerCase(), p.email.split("@")[0]!.toLowerCase()],
  digits: [p.phone.slice(3), p.nik, p.telegram],
});

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}
const binary = (res: supertest.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
};

/** Which needles a text holds: lower-cased words, and digit strings both as typed and digits-only. */
function leaks(text: string, n: ReturnType<typeof needles>): string[] {
  const lower = text.toLowerCase();
  const digits = text.replace(/\D/g, "");
  return [...n.words.filter((w) => lower.includes(w)), ...n.digits.filter((d) => digits.includes(d))];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

for (const target of await testTargets()) {
  describe(`data subject rights and retention (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let dataDir: string;
    let operator: supertest.Agent;
    let admin: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    /** The citizen's tickets: one by SMS with a photo, one recorded by the operator from a call, answered and public. */
    const made = { A: { sms: 0, call: 0, callNumber: "", contactId: 0 }, B: { sms: 0, call: 0, callNumber: "", contactId: 0 } };

    async function fileCitizen(p: typeof A, png: Buffer, key: "A" | "B") {
      const url = twilio.addMedia(png, "image/png");
      const sid = newSid("MM");
      const text = `Saya ${p.name}, NIK saya ${p.nik.replace(/(\d{4})(?=\d)/g, "$1 ")}. Lampu jalan di gang kami mati sejak seminggu. Hubungi ${p.local} atau ${p.email}.`;
      await postTwilio(http(), account.webhookUrl, inboundSms(p.phone, text, sid, { NumMedia: "1", MediaUrl0: url, MediaContentType0: "image/png" })).expect(200);
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: sid });
      made[key].sms = msg.ticketId;
      await runOutboxSweep(jobDepsOf(t));
      const road = await categoryId(t, "jalan-jembatan");
      const tk = await recordTicket(operator, {
        description: `Jalan berlubang di depan rumah ${p.name} (KTP ${p.nik.replace(/(\d{4})(?=\d)/g, "$1.")}), telp ${p.phone.replace("+62", "+62 ")}. Mohon segera diperbaiki.`,
        subject: `Jalan berlubang, pelapor ${p.name}`,
        privacy: "publik",
        categoryId: road,
        caller: { name: p.name, phone: p.local, email: p.email.toUpperCase() },
        locationText: `Gang Mawar dekat rumah ${p.name}`,
      });
      made[key].call = tk.id;
      made[key].callNumber = tk.number;
      await verifyAndForward(t, operator, tk.id);
      await answerAsHeadPU(t, tk.id, `Terima kasih Ibu ${p.name}, laporan Anda (${p.local}) sudah kami tindak lanjuti: jalan sudah ditambal.`);
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: tk.id });
      made[key].contactId = ticket.contactId!;
      // A Telegram identity of the same citizen (the Telegram connector would store it the same way).
      await m().getRepository(ContactIdentity).insert({ contactId: ticket.contactId!, channel: "telegram", address: p.telegram, displayName: p.name, createdAt: t.clock.now() });
    }

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "aduan-dsr-"));
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target, { dataDir });
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
      await fileCitizen(A, PNG_A, "A");
      await fileCitizen(B, PNG_B, "B");
    });
    after(async () => {
      await t.close();
      await twilio.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("finds the citizen by name, phone in any format, e-mail, NIK and Telegram id, and never the similar one", async () => {
      for (const q of [A.name, "0813 7700 1122", "+62 813-7700-1122", "6281377001122", A.email.toUpperCase(), "3273-0145-0688-0007", A.telegram]) {
        const res = await operator.get("/api/data-subjects").query({ q });
        assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
        const contacts = res.body.map((r: { contact: { id: number } | null }) => r.contact?.id);
        assert.ok(contacts.includes(made.A.contactId), `${q} finds citizen A`);
        assert.ok(!contacts.includes(made.B.contactId), `${q} does not find citizen B`);
        const tickets = res.body.flatMap((r: { tickets: { id: number }[] }) => r.tickets.map((x) => x.id));
        assert.ok(tickets.includes(made.A.call), `${q} lists A's tickets`);
      }
      assert.equal((await operator.get("/api/data-subjects").query({ q: "ab" })).status, 400);
      assert.equal((await (await t.loginAs(DEMO.headPU)).get("/api/data-subjects").query({ q: A.name })).status, 403, "OPD users have no access");
    });

    it("exports everything held about the citizen as one ZIP, with every message and file, and nothing of the other citizen", async () => {
      const contactIds = [...new Set([made.A.contactId, (await m().getRepository(Ticket).findOneByOrFail({ id: made.A.sms })).contactId!])];
      const created = await operator.post("/api/data-subject-requests").send({ kind: "access", contactIds });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(new Date(created.body.dueAt).getTime() - new Date(created.body.receivedAt).getTime(), 72 * 3600_000, "due in 3×24 hours");
      const res = await operator.get(`/api/data-subject-requests/${created.body.id}/export`).buffer(true).parse(binary);
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-type"], "application/zip");
      const files = await unzip(res.body as Buffer);
      for (const name of ["data.json", "contacts.csv", "identities.csv", "tickets.csv", "messages.csv", "forwards.csv", "attachments.csv", "README.txt"]) assert.ok(files.has(name), `${name} in the archive`);
      const data = JSON.parse(files.get("data.json")!.toString("utf8"));
      const ticketIds = [made.A.sms, made.A.call].sort((a, b) => a - b);
      assert.deepEqual(data.tickets.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b), ticketIds);
      const messages = await m().getRepository(Message).find({ where: ticketIds.map((ticketId) => ({ ticketId })) });
      assert.deepEqual(data.messages.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b), messages.map((x) => x.id).sort((a, b) => a - b), "every message of the citizen's tickets");
      assert.ok(data.messages.some((x: { body: string }) => x.body.includes("Lampu jalan")), "the citizen's own SMS");
      assert.ok(data.forwards.some((x: { response: string | null }) => x.response?.includes("jalan sudah ditambal")), "the OPD's answer");
      const atts = await m().getRepository(Attachment).find({ where: ticketIds.map((ticketId) => ({ ticketId })) });
      assert.equal(data.attachments.length, atts.length);
      const photo = data.attachments.find((a: { file: string | null }) => a.file);
      assert.ok(photo, "the photo is in the archive");
      assert.deepEqual(files.get(photo.file), PNG_A, "with its exact bytes");
      assert.match(files.get("messages.csv")!.toString("utf8"), /Lampu jalan/);
      assert.ok(files.get("identities.csv")!.toString("utf8").includes(A.telegram));
      // Nothing of citizen B in any entry.
      for (const [name, bytes] of files) {
        assert.deepEqual(leaks(bytes.toString("latin1"), needles(B)), [], `${name} holds nothing of B`);
        assert.ok(!bytes.includes(PNG_B), `${name} is not B's photo`);
        assert.ok(!bytes.toString("utf8").includes(made.B.callNumber), `${name} does not name B's ticket`);
      }
      const after = await operator.get(`/api/data-subject-requests/${created.body.id}`);
      assert.equal(after.body.status, "completed", "an access request is completed by the export");
      const events = await m().getRepository(AuditEvent).find({ where: { entityType: "data_subject_request", entityId: String(created.body.id) }, order: { id: "ASC" } });
      assert.deepEqual(events.map((e) => e.type), ["data_subject_request.opened", "data_subject_request.exported", "data_subject_request.completed"]);
    });

    it("corrects a contact field; the audit event names the field, not the value", async () => {
      const req = await operator.post("/api/data-subject-requests").send({ kind: "correction", contactIds: [made.A.contactId] });
      assert.equal(req.status, 201);
      const bad = await operator.post(`/api/data-subject-requests/${req.body.id}/correct`).send({ contactId: made.A.contactId, email: "bukan-email" });
      assert.equal(bad.status, 409);
      const res = await operator.post(`/api/data-subject-requests/${req.body.id}/correct`).send({ contactId: made.A.contactId, email: "sulastri.baru@contohmail.id" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.email, "sulastri.baru@contohmail.id");
      const ev = await m().getRepository(AuditEvent).findOneByOrFail({ type: "contact.corrected", entityId: String(made.A.contactId) });
      assert.deepEqual(JSON.parse(ev.afterJson!).fields, ["email"]);
      assert.ok(!ev.afterJson!.includes("sulastri.baru"), "the new value is not repeated in the log");
      assert.equal((await operator.get(`/api/data-subject-requests/${req.body.id}`)).body.status, "completed");
    });

    it("erases the citizen: no identifier left in any table or file, the case still public and masked, audit:verify passes", async () => {
      const smsContact = (await m().getRepository(Ticket).findOneByOrFail({ id: made.A.sms })).contactId!;
      // A neighbour's complaint that names citizen A: found by A's NIK, it is masked, and keeps its own reporter.
      const neighbour = await recordTicket(operator, {
        description: `Tetangga saya ${A.name} (NIK ${A.nik}) membakar sampah tiap malam.`,
        caller: { name: "Joko Prasetyo Wibisono", phone: "0812 9911 2233" },
      });
      const byNik = await operator.get("/api/data-subjects").query({ q: A.nik });
      assert.ok(byNik.body.some((r: { tickets: { id: number }[] }) => r.tickets.some((x) => x.id === neighbour.id)), "the NIK finds the neighbour's ticket");
      const neighbourContact = (await m().getRepository(Ticket).findOneByOrFail({ id: neighbour.id })).contactId!;
      const req = await operator.post("/api/data-subject-requests").send({ kind: "erasure", contactIds: [...new Set([made.A.contactId, smsContact])], ticketIds: [neighbour.id] });
      assert.equal(req.status, 201);
      // The 3×24-hour clock: overdue once it has passed, visible in the list.
      t.clock.advance(73 * 3600_000);
      operator = await t.loginAs(DEMO.operator); // the console session has idled out meanwhile
      const list = await operator.get("/api/data-subject-requests").query({ filter: JSON.stringify({ status: "open" }) });
      const open = list.body.find((r: { id: number }) => r.id === req.body.id);
      assert.equal(open.overdue, true);
      assert.match(list.headers["content-range"], /^data-subject-requests /);
      assert.equal((await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({})).status, 400, "must be confirmed");
      const photoA = (await m().getRepository(Attachment).findOneByOrFail({ ticketId: made.A.sms })).storageKey;
      const photoB = (await m().getRepository(Attachment).findOneByOrFail({ ticketId: made.B.sms })).storageKey;
      const res = await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({ confirm: true, numbers: [A.nik] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.tickets, 3);
      assert.equal(res.body.attachmentsDeleted, 1);

      // Every text of every row of every table.
      const mysql = t.database.db.dialect === "mysql";
      const tables = ((await m().query(mysql ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()" : "SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string; NAME?: string }[]).map((r) => r.name ?? r.NAME!);
      assert.ok(tables.length > 20 && tables.includes("audit_events") && tables.includes("contacts"));
      const found: string[] = [];
      let bHolds = 0;
      for (const table of tables) {
        const rows = (await m().query(`SELECT * FROM ${mysql ? `\`${table}\`` : `"${table}"`}`)) as Record<string, unknown>[];
        for (const row of rows) {
          for (const [column, value] of Object.entries(row)) {
            if (value == null) continue;
            const text = Buffer.isBuffer(value) ? value.toString("utf8") : value instanceof Date ? "" : String(value);
            for (const l of leaks(text, needles(A))) found.push(`${table}.${column} (id ${String(row.id ?? "-")}): ${l}`);
            if (leaks(text, needles(B)).length) bHolds++;
          }
        }
      }
      assert.deepEqual(found, [], "no identifier of the erased citizen anywhere in the database");
      assert.ok(bHolds > 5, "the other citizen's data is untouched");
      // The attachments folder: A's photo gone, B's kept, no file or name holds A's identifiers.
      assert.ok(!existsSync(join(dataDir, photoA)), "the erased citizen's photo is deleted");
      assert.ok(existsSync(join(dataDir, photoB)), "the other citizen's photo is kept");
      for (const f of filesUnder(join(dataDir, "attachments"))) {
        assert.deepEqual(leaks(f, needles(A)), [], `file name ${f}`);
        assert.deepEqual(leaks(readFileSync(f).toString("latin1"), needles(A)), [], `file ${f}`);
        assert.ok(!readFileSync(f).equals(PNG_A));
      }
      // The case stays, public and masked.
      const page = await http().get(`/laporan/${made.A.callNumber}`);
      assert.equal(page.status, 200);
      const text = unescapeHtml(page.text);
      assert.match(text, /jalan sudah ditambal/);
      assert.deepEqual(leaks(text, needles(A)), []);
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: made.A.call });
      assert.equal(ticket.contactId, null);
      const other = await m().getRepository(Ticket).findOneByOrFail({ id: neighbour.id });
      assert.equal(other.contactId, neighbourContact, "the neighbour stays the reporter of their own complaint");
      assert.match(other.description, /membakar sampah tiap malam/);
      assert.equal((await m().getRepository(Contact).findOneByOrFail({ id: neighbourContact })).name, "Joko Prasetyo Wibisono");
      assert.match(ticket.description, /Jalan berlubang/);
      assert.equal(await m().getRepository(Contact).countBy({ id: made.A.contactId }), 0);
      // The log says what was done, and still verifies.
      const report = await verifyAudit(t.database.db.manager.connection);
      assert.deepEqual(report.problems, []);
      assert.ok(report.ok);
      const erased = await m().getRepository(AuditEvent).findBy({ type: "ticket.personal_data_erased" });
      assert.deepEqual(erased.map((e) => e.ticketId!).sort((a, b) => a - b), [made.A.sms, made.A.call, neighbour.id].sort((a, b) => a - b));
      const r = await operator.get(`/api/data-subject-requests/${req.body.id}`);
      assert.equal(r.body.status, "completed");
      assert.equal(r.body.overdue, true, "completed late: still shown as late");
      assert.equal((await operator.post(`/api/data-subject-requests/${req.body.id}/erase`).send({ confirm: true })).status, 409, "done once");
    });

    it("a rahasia ticket shown by the search or exported is a recorded read", async () => {
      const tk = await recordTicket(operator, { description: "Pungutan liar di kantor kelurahan.", privacy: "rahasia", caller: { name: "Wahyuningsih Cokroaminoto", phone: "0812 7788 9900" } });
      const count = () => m().getRepository(AuditEvent).countBy({ type: "ticket.read_rahasia", ticketId: tk.id });
      const before = await count();
      const found = await operator.get("/api/data-subjects").query({ q: "Wahyuningsih Cokroaminoto" });
      assert.equal(found.status, 200);
      assert.equal(await count(), before + 1);
      const contactId = found.body[0].contact.id;
      const req = await operator.post("/api/data-subject-requests").send({ kind: "access", contactIds: [contactId] });
      await operator.get(`/api/data-subject-requests/${req.body.id}/export`).buffer(true).parse(binary).expect(200);
      assert.equal(await count(), before + 2);
      const last = await m().getRepository(AuditEvent).findOne({ where: { type: "ticket.read_rahasia", ticketId: tk.id }, order: { id: "DESC" } });
      assert.equal(JSON.parse(last!.afterJson!).what, "data_subject_export");
    });

    it("a case text edited after the erasure is still caught by audit verification", async () => {
      const { description } = await m().getRepository(Ticket).findOneByOrFail({ id: made.A.call });
      await m().getRepository(Ticket).update({ id: made.A.call }, { description: "diubah langsung di basis data" });
      const report = await verifyAudit(t.database.db.manager.connection);
      assert.equal(report.ok, false);
      assert.ok(report.problems.some((p) => p.text === `tickets#${made.A.call}.description`));
      await m().getRepository(Ticket).update({ id: made.A.call }, { description });
      assert.ok((await verifyAudit(t.database.db.manager.connection)).ok);
    });
  });
}

for (const target of await testTargets()) {
  describe(`retention policy: job, dry run, CLI (${target.name})`, () => {
    let t: TestApp;
    let operator: supertest.Agent;
    let admin: supertest.Agent;
    const m = () => t.database.db.manager;
    const YEAR = 365 * 24 * 3600_000;
    const kase = { old: 0, recent: 0, open: 0 };

    async function closeCase(description: string, name: string): Promise<number> {
      const tk = await recordTicket(operator, { description, caller: { name, phone: "0812 5550 " + String(1000 + Math.floor(Math.random() * 8999)) } });
      await verifyAndForward(t, operator, tk.id);
      await answerAsHeadPU(t, tk.id, `Sudah ditindaklanjuti untuk ${name}.`);
      await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "resolve" }).expect(200);
      await operator.post(`/api/tickets/${tk.id}/transitions`).send({ action: "close" }).expect(200);
      return tk.id;
    }
    const cli = (args: string[]) => {
      const env = { ...process.env, DATA_DIR: t.config.dataDir, DATABASE_URL: t.database.settings.databaseUrl ?? "", LOG_LEVEL: "silent" };
      if (!t.database.settings.databaseUrl) delete (env as Record<string, string | undefined>).DATABASE_URL;
      return spawnSync("npm", ["run", "--silent", "retention", "--", ...args], { env, encoding: "utf8", timeout: 120_000 });
    };

    before(async () => {
      t = await startTestApp(target);
      operator = await t.loginAs(DEMO.operator);
      admin = await t.loginAs(DEMO.admin);
      kase.old = await closeCase("Sampah menumpuk di pasar, pelapor Wartini Lestariningsih.", "Wartini Lestariningsih");
      t.clock.advance(2 * YEAR);
      operator = await t.loginAs(DEMO.operator);
      kase.recent = await closeCase("Drainase tersumbat, pelapor Sukarmin Hadiwijaya.", "Sukarmin Hadiwijaya");
      kase.open = (await recordTicket(operator, { description: "Lampu lalu lintas mati, pelapor Paimin Sastrowardoyo.", caller: { name: "Paimin Sastrowardoyo" } })).id;
      t.clock.advance(3 * YEAR + 5 * 24 * 3600_000);
      operator = await t.loginAs(DEMO.operator);
      admin = await t.loginAs(DEMO.admin);
    });
    after(() => t.close());

    it("admins set the policy (others may only read it); the default says its basis", async () => {
      const read = await operator.get("/api/retention");
      assert.equal(read.status, 200);
      assert.equal(read.body.policy.yearsAfterClosure, 5);
      assert.match(read.body.policy.basis, /Retensi Arsip/);
      assert.equal((await operator.put("/api/retention").send({ enabled: true, yearsAfterClosure: 5 })).status, 403);
      assert.equal((await admin.put("/api/retention").send({ enabled: true, yearsAfterClosure: 0 })).status, 400);
      const saved = await admin.put("/api/retention").send({ enabled: true, yearsAfterClosure: 5, basis: "Pergub Jadwal Retensi Arsip: 2 tahun aktif + 3 tahun inaktif" });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.basis, "Pergub Jadwal Retensi Arsip: 2 tahun aktif + 3 tahun inaktif");
      assert.ok(await m().getRepository(AuditEvent).findOneBy({ type: "retention.policy_saved" }));
    });

    it("the dry run lists exactly the cases past the period, changes nothing; the job then anonymises exactly those", async () => {
      const dry = await operator.get("/api/retention");
      const listed: number[] = dry.body.dryRun.cases.map((c: { id: number }) => c.id);
      assert.ok(listed.includes(kase.old), "the case closed more than 5 years ago is listed");
      assert.ok(!listed.includes(kase.recent), "the case closed 3 years ago is not");
      assert.ok(!listed.includes(kase.open), "an open case is not");
      const cutoff = new Date(dry.body.dryRun.cutoff);
      const closed = (await m().getRepository(Ticket).find()).filter((x) => !x.isOpen && (x.closedAt ?? x.resolvedAt ?? x.updatedAt) <= cutoff).map((x) => x.id);
      assert.deepEqual([...listed].sort((a, b) => a - b), closed.sort((a, b) => a - b), "exactly the closed cases older than the cutoff");

      const viaJob = await runRetention({ ...jobDepsOf(t) }, { dryRun: true });
      assert.deepEqual(viaJob.cases.map((c) => c.id), listed);
      assert.equal(viaJob.applied, false);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: kase.old })).description, "Sampah menumpuk di pasar, pelapor Wartini Lestariningsih.", "a dry run changes nothing");

      const run = await runRetention({ ...jobDepsOf(t) }, { dryRun: false });
      assert.equal(run.applied, true);
      assert.deepEqual(run.cases.map((c) => c.id), listed);
      const erased = (await m().getRepository(AuditEvent).findBy({ type: "ticket.personal_data_erased" })).map((e) => e.ticketId!);
      assert.deepEqual(erased.sort((a, b) => a - b), [...listed].sort((a, b) => a - b), "exactly the listed cases were anonymised");
      const old = await m().getRepository(Ticket).findOneByOrFail({ id: kase.old });
      assert.equal(old.contactId, null);
      assert.ok(!/Wartini|Lestariningsih/i.test(old.description), old.description);
      assert.match(old.description, /Sampah menumpuk di pasar/);
      const recent = await m().getRepository(Ticket).findOneByOrFail({ id: kase.recent });
      assert.match(recent.description, /Sukarmin Hadiwijaya/, "a case within the period keeps its data");
      assert.ok(recent.contactId);
      assert.ok((await verifyAudit(t.database.db.manager.connection)).ok);
      const again = await runRetention({ ...jobDepsOf(t) }, { dryRun: true });
      assert.deepEqual(again.cases, [], "each case once");
    });

    it("npm run retention -- --dry-run lists the cases (as of a given time) without changing them", async () => {
      const at = new Date(t.clock.now().getTime() + 3 * YEAR).toISOString();
      const r = cli(["--dry-run", `--at=${at}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /DRY RUN: would anonymise 1 case/);
      const recent = await m().getRepository(Ticket).findOneByOrFail({ id: kase.recent });
      assert.ok(r.stdout.includes(recent.number), r.stdout);
      assert.match(recent.description, /Sukarmin Hadiwijaya/, "unchanged");
      const refused = cli([`--at=${at}`]);
      assert.equal(refused.status, 2, "--at only with --dry-run");
    });
  });
}
