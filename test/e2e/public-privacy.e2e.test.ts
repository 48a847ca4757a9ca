import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { answerAsHeadPU, categoryId, mintedTrackingPath, recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";
import { Category } from "../../server/entities/index.js";

/**
 * Issue 6, acceptance 2: tickets whose texts carry NIKs, phone numbers, e-mail addresses and the
 * reporter's names in many spellings; no public page, feed, download or Open311 answer contains
 * any of them, and no rahasia ticket (nor one of a non-public category) appears anywhere public.
 */
const REPORTER = { name: "Budi Santoso", phone: "081234567890", email: "budi.santoso@gmail.com" };
const PII_TEXTS = [
  "NIK saya 3201012345670001",
  "KTP: 3201 0123.4567-0001",
  "no ktp 3201-0123-4567-0001",
  "hubungi +62 812 3456 7890",
  "WA 0812-3456-7890",
  "atau 6281234567890",
  "(+62) 812 3456 7890",
  "0812.3456.7890",
  "email BUDI.SANTOSO@GMAIL.COM",
  "ani_87 [at] mail [dot] com",
  "budi.santoso@gmail.com",
  "Pak Budi menunggu",
  "BUDI SANTOSO",
  "B. Santoso",
];
/** What must never be readable, compared on the page text as it is, lower-cased and digits-only. */
const FORBIDDEN_WORDS = ["budi", "santoso", "ani_87", "gmail", "mail [dot] com"];
const FORBIDDEN_DIGITS = ["3201012345670001", "81234567890"];
const SECRET_WORD = "Kalimantanrahasiaku";
const HIDDEN_CATEGORY_WORD = "Kategoritertutupku";

function assertClean(where: string, raw: string, hiddenNumbers: string[]) {
  const text = unescapeHtml(raw).replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const lower = text.toLowerCase();
  for (const w of FORBIDDEN_WORDS) assert.ok(!lower.includes(w), `${where} contains "${w}"`);
  const digits = text.replace(/\D/g, "");
  for (const d of FORBIDDEN_DIGITS) assert.ok(!digits.includes(d), `${where} contains the digits ${d}`);
  assert.ok(!text.includes(SECRET_WORD), `${where} shows a rahasia ticket's text`);
  assert.ok(!text.includes(HIDDEN_CATEGORY_WORD), `${where} shows a ticket of a non-public category`);
  for (const n of hiddenNumbers) assert.ok(!text.includes(n), `${where} names the hidden ticket ${n}`);
}

for (const target of await testTargets()) {
  describe(`public: privacy of every public surface (${target.name})`, () => {
    let t: TestApp;
    const published: { id: number; number: string }[] = [];
    const hidden: { id: number; number: string }[] = [];
    const http = () => supertest(t.app);

    before(async () => {
      t = await startTestApp(target);
      const operator = await t.loginAs(DEMO.operator);
      const admin = await t.loginAs(DEMO.admin);
      const road = await categoryId(t, "jalan-jembatan");
      const secretCat = await categoryId(t, "pungli-sekolah");
      await t.database.db.manager.getRepository(Category).update({ id: secretCat }, { isPublic: false });
      void admin;
      for (const [i, privacy] of (["publik", "anonim", "publik", "anonim"] as const).entries()) {
        const text = `Jalan rusak parah di depan rumah nomor ${i + 3}. ${PII_TEXTS.slice(i * 4, i * 4 + 5).join(". ")}. Mohon segera diperbaiki.`;
        const tk = await recordTicket(operator, { description: text, subject: `Jalan rusak, lapor ${PII_TEXTS[i]}`, privacy, categoryId: road, caller: REPORTER, locationText: `Gang Melati, rumah Pak Budi, 0812 3456 7890` });
        await verifyAndForward(t, operator, tk.id);
        await answerAsHeadPU(t, tk.id, `Terima kasih Bapak Budi Santoso (NIK 3201.0123.4567.0001). Kami hubungi di 0812-3456-7890 atau ${REPORTER.email}. Jalan sudah ditambal.`);
        published.push(tk);
      }
      const secret = await recordTicket(operator, { description: `${SECRET_WORD}: pungutan di kantor desa, hubungi 0812 3456 7890`, privacy: "rahasia", categoryId: road, caller: REPORTER });
      await verifyAndForward(t, operator, secret.id);
      await answerAsHeadPU(t, secret.id, `Jawaban untuk ${SECRET_WORD}`);
      hidden.push(secret);
      const closedCategory = await recordTicket(operator, { description: `${HIDDEN_CATEGORY_WORD}: pungutan liar di sekolah dasar`, privacy: "publik", categoryId: secretCat, caller: REPORTER });
      await verifyAndForward(t, operator, closedCategory.id, "DISDIK");
      hidden.push(closedCategory);
      const unverified = await recordTicket(operator, { description: `${SECRET_WORD} belum diverifikasi, hubungi 0812 3456 7890`, privacy: "publik", caller: REPORTER });
      hidden.push(unverified);
    });
    after(() => t.close());

    /** Every public URL there is (pages in both languages, feeds, downloads, Open311, accountability). */
    const publicUrls = () => {
      const numbers = published.map((p) => p.number);
      const urls = [
        "/laporan",
        "/laporan?lang=en",
        "/laporan?kategori=jalan-jembatan",
        "/laporan?opd=DPU&status=answered",
        "/laporan/feed.atom",
        "/laporan/feed.rss",
        "/laporan/data.csv",
        "/laporan/data.json",
        "/kinerja",
        "/kinerja?lang=en",
        "/open311/v2/services.json",
        "/open311/v2/services.xml",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests.json?status=open",
        ...numbers.flatMap((n) => [`/laporan/${n}`, `/laporan/${n}?lang=en`, `/open311/v2/requests/${n}.json`, `/open311/v2/requests/${n}.xml`]),
        ...hidden.flatMap((h) => [`/laporan/${h.number}`, `/open311/v2/requests/${h.number}.json`, `/open311/v2/requests/${h.number}.xml`]),
      ];
      return urls;
    };

    it("the published tickets are listed, with their answers, and masked", async () => {
      const res = await http().get("/laporan");
      assert.equal(res.status, 200);
      for (const p of published) assert.ok(res.text.includes(p.number), `${p.number} is listed`);
      const one = unescapeHtml((await http().get(`/laporan/${published[0]!.number}`)).text);
      assert.match(one, /Jalan sudah ditambal/);
      assert.match(one, /\[NIK disamarkan\]/);
      assert.match(one, /\[nomor telepon disamarkan\]/);
      assert.match(one, /\[email disamarkan\]/);
      assert.match(one, /\[nama disamarkan\]/);
    });

    it("no public page, feed, download or Open311 answer contains personal data or a hidden ticket", async () => {
      const hiddenNumbers = hidden.map((h) => h.number);
      let checked = 0;
      for (const url of publicUrls()) {
        const res = await http().get(url);
        assert.ok(res.status < 500, `${url}: ${res.status}`);
        // A hidden ticket's own URL may echo the number the caller typed (in the language switch), nothing else.
        assertClean(url, res.text, hiddenNumbers.filter((n) => !url.includes(n)));
        checked++;
      }
      assert.ok(checked >= 30);
      for (const h of hidden) assert.equal((await http().get(`/laporan/${h.number}`)).status, 404);
    });

    it("searching cannot find what masking hides (no oracle for a phone number or a reporter's name)", async () => {
      for (const q of ["Budi", "Santoso", "081234567890", "3201012345670001", "gmail", SECRET_WORD]) {
        const res = await http().get(`/laporan?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200);
        for (const p of published) assert.ok(!res.text.includes(p.number), `searching "${q}" finds ${p.number}`);
      }
      const ok = await http().get(`/laporan?q=${encodeURIComponent("ditambal")}`);
      assert.ok(!ok.text.includes(published[0]!.number), "answers are not searched, subjects and descriptions are");
      const road = await http().get(`/laporan?q=${encodeURIComponent("jalan rusak")}`);
      for (const p of published) assert.ok(road.text.includes(p.number));
    });

    it("the tracking page of the reporter masks as well", async () => {
      const agent = supertest.agent(t.app);
      const res = await agent.get(await mintedTrackingPath(t, published[0]!));
      assert.equal(res.status, 303);
      const page = await agent.get(res.headers.location);
      assert.equal(page.status, 200);
      assertClean("tracking page", page.text, []);
    });
  });
}
