import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, TWILIO } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Attachment, InboundReceipt, Message, Ticket } from "../../server/entities/index.js";

/** Issue 4: the public web form at /lapor, server-rendered, no JavaScript; acknowledged by SMS. */
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

for (const target of await testTargets()) {
  describe(`channels: the web form /lapor (${target.name})`, () => {
    let t: TestApp;
    let twilio: FakeTwilio;
    let webAccountId: number;
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    const formToken = async () => {
      const res = await http().get("/lapor");
      assert.equal(res.status, 200);
      const token = /name="_token" value="([^"]+)"/.exec(res.text)?.[1];
      assert.ok(token, "the form carries a token");
      return token.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    };
    const counts = async () => ({ tickets: await m().getRepository(Ticket).count(), receipts: await m().getRepository(InboundReceipt).count(), messages: await m().getRepository(Message).count() });

    before(async () => {
      twilio = await startFakeTwilio({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      assert.equal((await http().get("/lapor")).status, 503, "no web account yet");
      webAccountId = (await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "f".repeat(48) } }).expect(201)).body.id;
      await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS", config: { ...TWILIO, apiBaseUrl: twilio.baseUrl } }).expect(201);
    });
    after(async () => {
      await t.close();
      await twilio.close();
    });

    it("renders a form that works without JavaScript, with categories, privacy choice and a honeypot", async () => {
      const res = await http().get("/lapor");
      assert.match(res.headers["content-type"], /text\/html/);
      assert.match(res.text, /<form method="post" action="\/lapor" enctype="multipart\/form-data">/);
      assert.match(res.text, /name="website"/);
      assert.match(res.text, /value="rahasia"/);
      assert.match(res.text, /<option value="[a-z0-9_-]+">/i);
      // One deferred script of our own (the optional map pick, test/e2e/map.e2e.test.ts); the form needs none.
      assert.deepEqual([...res.text.matchAll(/<script[^>]*>/gi)].map((s) => s[0]), ['<script src="/publik/peta/lapor.js" defer>']);
    });

    it("a filled form with a photo becomes a ticket; the page answers the number and tracking link; the SMS acknowledgement goes out; a resubmission is the same ticket", async () => {
      const token = await formToken();
      t.clock.advance(20_000);
      const before = await counts();
      const send = () =>
        http()
          .post("/lapor")
          .field("_token", token)
          .field("website", "")
          .field("kategori", "")
          .field("uraian", "Trotoar di depan SD Negeri 5 rusak dan membahayakan anak-anak.")
          .field("lokasi", "Jl. Merdeka No. 10")
          .field("privasi", "anonim")
          .field("nama", "Rina")
          .field("telepon", "0812 3456 7001")
          .attach("foto", PNG, { filename: "trotoar.png", contentType: "image/png" });
      const res = await send();
      assert.equal(res.status, 201, res.text);
      const number = /ADU-\d{4}-\d{5,}/.exec(res.text)?.[0];
      assert.ok(number);
      assert.match(res.text, new RegExp(`http://aduan\\.test/lacak/${number}\\?k=`));
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ number });
      assert.equal(ticket.channel, "web");
      assert.equal(ticket.privacy, "anonim");
      assert.equal(ticket.status, "received");
      assert.equal(ticket.locationText, "Jl. Merdeka No. 10");
      const r = await runOutboxSweep(jobDepsOf(t));
      assert.equal(r.sent, 1);
      assert.equal(r.attachments, 1);
      const ack = twilio.messages.at(-1)!;
      assert.equal(ack.to, "+6281234567001");
      assert.ok(ack.body.includes(number));
      assert.equal((await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id })).fetchState, "fetched");

      const again = await send();
      assert.equal(again.status, 200);
      assert.ok(again.text.includes(number));
      const after = await counts();
      assert.equal(after.tickets, before.tickets + 1);
      assert.equal(after.receipts, before.receipts + 1);
    });

    it("spam and bad input are refused with the form shown again, nothing is stored", async () => {
      t.clock.advance(11 * 60_000);
      const before = await counts();
      const token = await formToken();
      const fast = await http().post("/lapor").type("form").send({ _token: token, uraian: "Terlalu cepat diisi oleh robot.", telepon: "081234567002" });
      assert.equal(fast.status, 400, "filled faster than a person can");
      t.clock.advance(20_000);
      const honeypot = await http().post("/lapor").type("form").send({ _token: token, website: "http://spam.example", uraian: "Beli obat murah di sini sekarang.", telepon: "081234567002" });
      assert.equal(honeypot.status, 400);
      const short = await http().post("/lapor").type("form").send({ _token: token, uraian: "pendek", telepon: "" });
      assert.equal(short.status, 422);
      assert.match(short.text, /minimal 10 karakter/);
      assert.match(short.text, /nomor telepon atau alamat e-mail/);
      const forged = await http().post("/lapor").type("form").send({ _token: `${token.slice(0, -3)}AAA`, uraian: "Token palsu dari luar.", telepon: "081234567002" });
      assert.equal(forged.status, 400);
      const garbage = await http().post("/lapor").set("content-type", "multipart/form-data; boundary=xyz").send(Buffer.from("not multipart at all"));
      assert.equal(garbage.status, 400);
      assert.deepEqual(await counts(), before);
    });

    it("issue 14: refused tries do not count; beyond the address limit the 429 page gives the form back with everything typed, and no ticket", async () => {
      t.clock.advance(11 * 60_000);
      // Five refusals first (too fast, forged): none of them counts toward the limit.
      for (let i = 0; i < 5; i++) {
        const tok = await formToken();
        assert.equal((await http().post("/lapor").type("form").send({ _token: tok, uraian: "Terlalu cepat diisi oleh robot.", telepon: "081234567002" })).status, 400);
      }
      const before = await counts();
      for (let i = 0; i < 5; i++) {
        const tok = await formToken();
        t.clock.advance(5_000);
        const res = await http().post("/lapor").type("form").send({ _token: tok, uraian: `Jalan berlubang di Gang Mawar nomor ${i + 1}.`, telepon: "081234567002" });
        assert.equal(res.status, 201, `submission ${i + 1} of the limit: ${res.text}`);
      }
      assert.equal((await counts()).tickets, before.tickets + 5);
      const tok = await formToken();
      t.clock.advance(5_000);
      const sixth = await http()
        .post("/lapor")
        .type("form")
        .send({ _token: tok, uraian: "Pengiriman keenam: saluran air <tersumbat> & meluap.", lokasi: "Jl. Kenanga 7", nama: "Sari", telepon: "081234567002", email: "sari@example.org", privasi: "rahasia" });
      assert.equal(sixth.status, 429);
      assert.match(sixth.text, /Terlalu banyak pengiriman/);
      assert.ok(Number(sixth.headers["retry-after"]) > 0);
      assert.match(sixth.text, /<textarea id="u" name="uraian"[^>]*>Pengiriman keenam: saluran air &#60;tersumbat&#62; &#38; meluap\.<\/textarea>/, "the complaint text is back in the form");
      assert.match(sixth.text, /name="lokasi" value="Jl. Kenanga 7"/);
      assert.match(sixth.text, /name="nama" value="Sari"/);
      assert.match(sixth.text, /name="telepon" value="081234567002"/);
      assert.match(sixth.text, /name="email" value="sari@example.org"/);
      assert.match(sixth.text, /value="rahasia" checked/);
      assert.match(sixth.text, /name="_token" value="[^"]+"/, "with a fresh token to send it again later");
      assert.equal((await counts()).tickets, before.tickets + 5, "no ticket beyond the limit");
    });

    it("issue 14: POST /webhooks/web/:account has the same anti-spam: no valid, unused, old-enough token or beyond the shared address limit, no ticket", async () => {
      t.clock.advance(11 * 60_000);
      const hook = () => http().post(`/webhooks/web/${webAccountId}`).type("form");
      const form = (token: string, text: string) => ({ _token: token, uraian: text, telepon: "081234567003" });
      const before = await counts();
      assert.equal((await hook().send({ uraian: "Tanpa token sama sekali dari luar.", telepon: "081234567003" })).status, 401, "no token");
      const tok = await formToken();
      assert.equal((await hook().send(form(`${tok.slice(0, -3)}AAA`, "Token yang dipalsukan dari luar."))).status, 401, "forged token");
      const fast = await hook().send(form(tok, "Dikirim terlalu cepat oleh robot."));
      assert.equal(fast.status, 200);
      assert.match(fast.body.ignored, /^spam: form filled in/, "too young a token");
      t.clock.advance(2 * 86_400_000);
      assert.equal((await hook().send(form(tok, "Token yang sudah kedaluwarsa."))).status, 401, "expired token");
      assert.deepEqual(await counts(), before, "nothing stored for any of these");

      const first = await formToken();
      t.clock.advance(5_000);
      const ok = await hook().send(form(first, "Lampu jalan di Jl. Melati padam sejak Senin."));
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.body.results, ["created"]);
      const reused = await hook().send(form(first, "Isi lain dengan token yang sama dipakai ulang."));
      assert.deepEqual(reused.body.results, ["duplicate"], "a used token makes no second ticket");
      assert.equal((await counts()).tickets, before.tickets + 1);

      // One limit for both ways in: three through /lapor and one more here make five tickets.
      for (let i = 0; i < 3; i++) {
        const tk = await formToken();
        t.clock.advance(5_000);
        assert.equal((await http().post("/lapor").type("form").send(form(tk, `Pohon tumbang di Jl. Dahlia nomor ${i + 1}.`))).status, 201);
      }
      const fifth = await formToken();
      t.clock.advance(5_000);
      assert.deepEqual((await hook().send(form(fifth, "Sampah menumpuk di pasar Kosambi."))).body.results, ["created"]);
      assert.equal((await counts()).tickets, before.tickets + 5);

      const sixth = await formToken();
      t.clock.advance(5_000);
      const limited = await hook().send(form(sixth, "Pengiriman keenam lewat webhook."));
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, "too_many_submissions");
      assert.ok(Number(limited.headers["retry-after"]) > 0);
      assert.equal((await http().post("/lapor").type("form").send(form(sixth, "Pengiriman keenam lewat halaman."))).status, 429);
      assert.equal((await counts()).tickets, before.tickets + 5, "no ticket beyond the limit");

      // A new window: six sent at once from one address make five tickets, never six.
      t.clock.advance(11 * 60_000);
      const tokens = await Promise.all(Array.from({ length: 6 }, () => formToken()));
      t.clock.advance(5_000);
      const burst = await Promise.all(tokens.map((tk, i) => hook().send(form(tk, `Serentak nomor ${i + 1}: jembatan retak.`))));
      assert.deepEqual(burst.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 429]);
      assert.equal((await counts()).tickets, before.tickets + 10);
    });

    it("in English on ?lang=en; a second complaint from the same citizen is a ticket of its own", async () => {
      t.clock.advance(11 * 60_000);
      const en = await http().get("/lapor?lang=en");
      assert.equal(en.status, 200);
      assert.match(en.text, /<html lang="en"/);
      assert.match(en.text, /Submit a complaint/);
      assert.match(en.text, /Confidential — the complaint is not shown to the public/);
      assert.match(en.text, /action="\/lapor\?lang=en"/, "errors and the answer stay in English");
      const token = /name="_token" value="([^"]+)"/.exec(en.text)![1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
      t.clock.advance(20_000);
      const invalid = await http().post("/lapor?lang=en").type("form").send({ _token: token, uraian: "short", telepon: "" });
      assert.equal(invalid.status, 422);
      assert.match(invalid.text, /at least 10 characters/);
      assert.match(invalid.text, /Give a phone number or an e-mail address/);

      const submit = async (text: string) => {
        const form = await http().get("/lapor?lang=en");
        const tok = /name="_token" value="([^"]+)"/.exec(form.text)![1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
        t.clock.advance(20_000);
        const res = await http().post("/lapor?lang=en").type("form").send({ _token: tok, website: "", uraian: text, privasi: "publik", telepon: "0812 3456 7009" });
        assert.equal(res.status, 201, res.text);
        assert.match(res.text, /Your complaint was received with the number/);
        return /ADU-\d{4}-\d{5,}/.exec(res.text)![0];
      };
      const first = await submit("Lampu penerangan jalan di Jl. Anggrek mati sejak seminggu.");
      const second = await submit("Selokan di depan Puskesmas Sukamaju tersumbat sampah.");
      assert.notEqual(first, second, "two submissions, two complaints");
      const [a, b] = await Promise.all([first, second].map((number) => m().getRepository(Ticket).findOneByOrFail({ number })));
      assert.equal(a!.contactId, b!.contactId, "one citizen");
    });
  });
}
