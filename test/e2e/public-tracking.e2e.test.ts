import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, TWILIO } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Message, Ticket, TicketRating } from "../../server/entities/index.js";
import { answerAsHeadPU, recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";

/** Issue 6: /lacak — tracking by secret link or one-time code, timeline, add info, confirm/dispute, rate; no enumeration. */
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

for (const target of await testTargets()) {
  describe(`public: tracking /lacak (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let operator: supertest.Agent;
    const m = () => t.database.db.manager;
    /** A fresh client address per scenario, so throttling of one does not leak into another. */
    let ipCounter = 10;
    const client = () => {
      const ip = `10.0.0.${ipCounter++}`;
      const agent = supertest.agent(t.app);
      return { agent, ip, get: (p: string) => agent.get(p).set("X-Forwarded-For", ip), post: (p: string) => agent.post(p).set("X-Forwarded-For", ip).type("form") };
    };
    const open = async (c: ReturnType<typeof client>, path: string) => {
      const res = await c.get(path);
      assert.equal(res.status, 303, res.text);
      const cookie = String(res.headers["set-cookie"]);
      assert.match(cookie, /aduan_lacak=.*Path=\/lacak\/ADU-.*HttpOnly/);
      assert.doesNotMatch(res.headers.location, /k=/, "the secret leaves the address bar");
      const page = await c.get(res.headers.location);
      assert.equal(page.status, 200);
      return unescapeHtml(page.text);
    };
    /** A complaint taken by phone; its tracking link is the one the citizen received by SMS. */
    const tracked = async (input: Parameters<typeof recordTicket>[1]) => {
      const tk = await recordTicket(operator, input);
      await runOutboxSweep(jobDepsOf(t));
      const sms = twilio.messages.find((x) => x.body.includes(`/lacak/${tk.number}?k=`));
      assert.ok(sms, "the acknowledgement with the link reached the citizen's phone");
      const u = new URL(/https?:\/\/\S+\?k=[\w-]+/.exec(sms.body)![0]);
      return { ...tk, path: `${u.pathname}${u.search}` };
    };
    const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target, { trustProxy: "true" });
      const admin = await t.loginAs(DEMO.admin);
      await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } }).expect(201);
      await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "f".repeat(48) } }).expect(201);
    });
    // The app clock moves forward in these tests: a fresh console session each time.
    beforeEach(async () => {
      operator = await t.loginAs(DEMO.operator);
    });
    after(async () => {
      await t.close();
      await twilio.close();
    });

    it("the secret link opens the page; the timeline advances as the operator forwards and the OPD answers, with the next step's date; texts are masked", async () => {
      const tk = await tracked({ description: "Jalan berlubang di Jl. Sudirman, hubungi saya Budi Santoso di 0812-3456-7890.", caller: { name: "Budi Santoso", phone: "081234567890" } });
      const c = client();
      let html = await open(c, tk.path);
      assert.match(html, new RegExp(`Pengaduan ${tk.number}`));
      assert.match(html, /Pengaduan diterima/);
      assert.match(html, /Langkah berikutnya:<\/strong> verifikasi dan penerusan ke OPD, paling lambat <time datetime="2026-11-26T03:00:00.000Z">/);
      assert.ok(!html.includes("0812-3456-7890") && !html.includes("Budi"), "phone and name are masked on the tracking page too");
      assert.match(html, /\[nomor telepon disamarkan\]/);
      assert.equal((await c.get(`/lacak/${tk.number}`)).headers["cache-control"], "private, no-store");

      await verifyAndForward(t, operator, tk.id);
      html = unescapeHtml((await c.get(`/lacak/${tk.number}`)).text);
      assert.match(html, /Diverifikasi oleh pusat kendali/);
      assert.match(html, /Diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang/);
      assert.match(html, /tindak lanjut oleh Dinas Pekerjaan Umum dan Penataan Ruang, paling lambat/);

      t.clock.advance(60 * 60_000);
      await answerAsHeadPU(t, tk.id, "Lubang sudah ditambal pada hari ini oleh tim UPT Jalan. Terima kasih Pak Budi.");
      html = unescapeHtml((await c.get(`/lacak/${tk.number}`)).text);
      assert.match(html, /Tanggapan dari Dinas Pekerjaan Umum/);
      assert.match(html, /Lubang sudah ditambal pada hari ini/);
      assert.match(html, /Terima kasih Pak \[nama disamarkan\]/);
      assert.match(html, /Apakah masalah Anda sudah selesai\?/);

      const en = unescapeHtml((await c.get(`/lacak/${tk.number}?lang=en`)).text);
      assert.match(en, /<html lang="en">/);
      assert.match(en, /Answer from Dinas Pekerjaan Umum/);
    });

    it("the citizen adds information with a photo, confirms, rates, then disputes within the window", async () => {
      const tk = await tracked({ description: "Sampah menumpuk di pasar sejak seminggu.", caller: { phone: "081234567891" } });
      const c = client();
      let html = await open(c, tk.path);
      const csrf = csrfOf(html);
      assert.ok(csrf);
      const add = await c.agent
        .post(`/lacak/${tk.number}/informasi`)
        .set("X-Forwarded-For", c.ip)
        .field("csrf", csrf)
        .field("informasi", "Sekarang sampahnya sudah sampai ke jalan.")
        .attach("foto", PNG, { filename: "pasar.png", contentType: "image/png" });
      assert.equal(add.status, 303);
      assert.match(add.headers.location, /ok=informasi/);
      const msgs = await m().getRepository(Message).find({ where: { ticketId: tk.id, direction: "inbound" }, order: { id: "ASC" } });
      assert.equal(msgs.at(-1)!.body, "Sekarang sampahnya sudah sampai ke jalan.");
      html = unescapeHtml((await c.get(add.headers.location)).text);
      assert.match(html, /Informasi Anda sudah kami terima/);
      assert.match(html, /Anda menambahkan informasi/);

      const forged = await c.post(`/lacak/${tk.number}/informasi`).send({ csrf: "nope", informasi: "tanpa token" });
      assert.match(forged.headers.location, /err=form/);
      assert.equal(await m().getRepository(Message).count({ where: { ticketId: tk.id, direction: "inbound" } }), msgs.length);

      const early = await c.post(`/lacak/${tk.number}/nilai`).send({ csrf, nilai: "5" });
      assert.match(early.headers.location, /err=status/, "nothing to rate before an answer");

      await verifyAndForward(t, operator, tk.id);
      await answerAsHeadPU(t, tk.id, "Sampah sudah diangkut oleh DLH.");
      const ok = await c.post(`/lacak/${tk.number}/konfirmasi`).send({ csrf, keputusan: "selesai" });
      assert.match(ok.headers.location, /ok=selesai/);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: tk.id })).status, "resolved");
      const rated = await c.post(`/lacak/${tk.number}/nilai`).send({ csrf, nilai: "4", komentar: "Cepat, terima kasih." });
      assert.match(rated.headers.location, /ok=nilai/);
      assert.deepEqual(
        (({ rating, comment }) => ({ rating, comment }))(await m().getRepository(TicketRating).findOneByOrFail({ ticketId: tk.id })),
        { rating: 4, comment: "Cepat, terima kasih." },
      );
      const bad = await c.post(`/lacak/${tk.number}/nilai`).send({ csrf, nilai: "9" });
      assert.match(bad.headers.location, /err=nilai/);

      const noReason = await c.post(`/lacak/${tk.number}/konfirmasi`).send({ csrf, keputusan: "belum", alasan: " " });
      assert.match(noReason.headers.location, /err=alasan/);
      const dispute = await c.post(`/lacak/${tk.number}/konfirmasi`).send({ csrf, keputusan: "belum", alasan: "Masih ada tumpukan di sisi barat." });
      assert.match(dispute.headers.location, /ok=dibuka/);
      assert.equal((await m().getRepository(Ticket).findOneByOrFail({ id: tk.id })).status, "reopened");
      html = unescapeHtml((await c.get(`/lacak/${tk.number}`)).text);
      assert.match(html, /Dibuka kembali/);
      assert.match(html, /Anda memberi nilai 4\/5/);
    });

    it("after the dispute window the citizen can no longer reopen", async () => {
      const tk = await tracked({ description: "Lampu jalan mati di gang Mawar.", caller: { phone: "081234567892" } });
      await verifyAndForward(t, operator, tk.id);
      await answerAsHeadPU(t, tk.id, "Lampu sudah diganti.");
      const c = client();
      t.clock.advance(11 * 24 * 60 * 60_000);
      const html = await open(c, tk.path);
      assert.doesNotMatch(html, /Belum selesai, buka kembali/);
      const r = await c.post(`/lacak/${tk.number}/konfirmasi`).send({ csrf: csrfOf(html), keputusan: "belum", alasan: "Masih mati." });
      assert.match(r.headers.location, /err=status/);
    });

    it("a one-time code sent by SMS opens the page once; the request answer is the same for unknown numbers", async () => {
      const tk = await tracked({ description: "Antrean puskesmas terlalu panjang.", caller: { phone: "081234567893" } });
      await runOutboxSweep(jobDepsOf(t));
      const c = client();
      const sent = await c.post("/lacak/kode").send({ nomor: tk.number.toLowerCase() });
      assert.equal(sent.status, 200);
      await runOutboxSweep(jobDepsOf(t));
      const sms = twilio.messages.at(-1)!;
      assert.equal(sms.to, "+6281234567893");
      const code = /: (\d{6})\./.exec(sms.body)?.[1];
      assert.ok(code, sms.body);
      assert.equal(await m().getRepository(Message).count({ where: { ticketId: tk.id, body: sms.body } }), 0, "the code is not in the ticket conversation");

      const unknown = await c.post("/lacak/kode").send({ nomor: "ADU-2611-99999" });
      assert.equal(unknown.status, sent.status);
      assert.equal(unescapeHtml(unknown.text).replaceAll("ADU-2611-99999", "N"), unescapeHtml(sent.text).replaceAll(tk.number, "N"));

      const wrong = await c.post("/lacak/masuk").send({ nomor: tk.number, kode: code === "000000" ? "111111" : "000000" });
      assert.equal(wrong.status, 404);
      const right = await c.post("/lacak/masuk").send({ nomor: tk.number, kode: code });
      assert.equal(right.status, 303);
      assert.equal(right.headers.location, `/lacak/${tk.number}`);
      assert.equal((await c.get(`/lacak/${tk.number}`)).status, 200);
      const again = await client().post("/lacak/masuk").send({ nomor: tk.number, kode: code });
      assert.equal(again.status, 404, "a code works once");
      t.clock.advance(11 * 60_000);
    });

    it("cannot enumerate: unknown numbers, wrong secrets and wrong codes answer alike, and repeated tries are throttled", async () => {
      const tk = await tracked({ description: "Bus kota tidak berhenti di halte.", caller: { phone: "081234567894" } });
      const c = client();
      const norm = (s: string, n: string) => unescapeHtml(s).replaceAll(n, "N");
      const unknownLink = await c.get("/lacak/ADU-2611-88888?k=abcdefghijklmnopqrstuvwxyz012345");
      const wrongSecret = await c.get(`/lacak/${tk.number}?k=abcdefghijklmnopqrstuvwxyz012345`);
      const noAccess = await c.get(`/lacak/${tk.number}`);
      const unknownCode = await c.post("/lacak/masuk").send({ nomor: "ADU-2611-88888", kode: "123456" });
      const wrongCode = await c.post("/lacak/masuk").send({ nomor: tk.number, kode: "123456" });
      for (const r of [unknownLink, wrongSecret, noAccess]) {
        assert.equal(r.status, 404);
        assert.equal(norm(r.text, r === unknownLink ? "ADU-2611-88888" : tk.number), norm(unknownLink.text, "ADU-2611-88888"));
      }
      assert.equal(wrongCode.status, unknownCode.status);
      assert.equal(norm(wrongCode.text, tk.number), norm(unknownCode.text, "ADU-2611-88888"));

      // Five failures so far from this address; the limit is ten per 15 minutes.
      for (let i = 0; i < 5; i++) assert.equal((await c.get(`/lacak/ADU-2611-7000${i}?k=x`)).status, 404);
      assert.equal((await c.get("/lacak/ADU-2611-70009?k=x")).status, 429, "the eleventh wrong try is refused");
      const blocked = await c.get(tk.path);
      assert.equal(blocked.status, 429, "even the right link waits once an address is over the limit");
      assert.ok(Number(blocked.headers["retry-after"]) > 0);
      assert.equal((await c.post("/lacak/masuk").send({ nomor: tk.number, kode: "123456" })).status, 429);
      assert.equal((await client().get(tk.path)).status, 303, "other addresses are not affected");
      t.clock.advance(16 * 60_000);
      assert.equal((await c.get(tk.path)).status, 303, "the block ends");

      // Code requests: limited per number and per address (five an hour, then 429 whatever the number).
      // Per number: three an hour, then 429 (for any well-formed number, so it says nothing about which exist).
      const d = client();
      const before = twilio.messages.length;
      for (let i = 0; i < 3; i++) assert.equal((await d.post("/lacak/kode").send({ nomor: tk.number })).status, 200);
      const perNumber = await d.post("/lacak/kode").send({ nomor: tk.number });
      assert.equal(perNumber.status, 429);
      assert.match(unescapeHtml(perNumber.text), /terlalu sering diminta/);
      await runOutboxSweep(jobDepsOf(t));
      assert.equal(twilio.messages.length - before, 3, "at most three codes per number per hour are sent");
      assert.equal((await d.post("/lacak/kode").send({ nomor: "ADU-2611-12344" })).status, 200);
      assert.equal((await d.post("/lacak/kode").send({ nomor: "ADU-2611-12345" })).status, 429, "the sixth request from one address");
    });

    it("bad input never crashes: malformed numbers, oversized and garbage bodies", async () => {
      const c = client();
      assert.equal((await c.get("/lacak/%27%3B--")).status, 404);
      assert.equal((await c.post("/lacak/kode").send({ nomor: "x".repeat(500) })).status, 400);
      assert.equal((await c.post("/lacak/masuk").send({ nomor: ["a", "b"], kode: { x: 1 } })).status, 404);
      const page = await c.get("/lacak");
      assert.equal(page.status, 200);
      assert.match(page.headers["content-security-policy"], /default-src 'none'/);
      assert.ok(!/<script/i.test(page.text));
    });
  });
}
