import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { AuditEvent } from "../../server/entities/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { recordTicket, verifyAndForward } from "../support/public.js";

/** Issue 18 item 2: full-text search for staff (through the access gate) and on /laporan (published, masked text only). */
interface Hit {
  id: number;
  number: string;
  description: string;
  searchHit?: { source: string; direction?: string; parts: { text: string; mark?: true }[] } | null;
}

for (const target of await testTargets()) {
  describe(`search (${target.name})`, () => {
    let t: TestApp;
    const http = () => supertest(t.app);
    let webhookUrl = "";
    const agents: Record<"operator" | "supervisor" | "headPU" | "staffPU", supertest.Agent> = {} as never;
    let publik: { id: number; number: string };
    let anonim: { id: number; number: string };
    let rahasia: { id: number; number: string };

    const search = async (who: keyof typeof agents, q: string): Promise<Hit[]> => {
      const res = await agents[who].get("/api/tickets").query({ filter: JSON.stringify({ q }), range: "[0,49]", sort: JSON.stringify(["id", "DESC"]) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Hit[];
    };
    const ids = (hits: Hit[]) => hits.map((h) => h.id);
    const marked = (h: Hit | undefined) => (h?.searchHit?.parts ?? []).filter((p) => p.mark).map((p) => p.text.toLowerCase());

    before(async () => {
      t = await startTestApp(target);
      const admin = await t.loginAs(DEMO.admin);
      for (const k of ["operator", "supervisor", "headPU", "staffPU"] as const) agents[k] = await t.loginAs(DEMO[k]);
      const account = await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS cari", config: { ...TWILIO } });
      assert.equal(account.status, 201, JSON.stringify(account.body));
      webhookUrl = account.body.webhookUrl;

      publik = await recordTicket(agents.operator, {
        subject: "Lampu penerangan padam",
        description: "Sulastri melapor: lampu penerangan jalanan padam di Gang Kenari sejak Senin.",
        caller: { name: "Sulastri Wibowo", phone: "081277770001" },
      });
      anonim = await recordTicket(agents.operator, {
        privacy: "anonim",
        description: "Saya Hartono Kusumadiningrat melaporkan trotoar ambles di Jalan Merbabu.",
        caller: { name: "Hartono Kusumadiningrat", phone: "081277770002" },
      });
      rahasia = await recordTicket(agents.operator, { privacy: "rahasia", description: "Pungutan liar retribusi pasar Klewer oleh oknum petugas.", caller: { phone: "081277770003" } });
      for (const x of [publik, anonim, rahasia]) await verifyAndForward(t, agents.operator, x.id);
    });
    after(() => t.close());

    it("a citizen's message is found right after its webhook is answered", async () => {
      const sid = newSid();
      const res = await postTwilio(http(), webhookUrl, inboundSms("+6281277770009", "Drainase tersumbat sampah plastik di Kelurahan Wonokromo.", sid));
      assert.equal(res.status, 200, res.text);
      const hits = await search("operator", "wonokromo");
      assert.equal(hits.length, 1, "the new ticket, at once");
      assert.deepEqual(marked(hits[0]), ["wonokromo"]);
      // A second message of the same citizen, on their open ticket, is found as a message.
      await postTwilio(http(), webhookUrl, inboundSms("+6281277770009", "Tambahan: airnya meluap ke rumah warga Ngagel.", newSid())).expect(200);
      const again = await search("operator", "ngagel");
      assert.deepEqual(ids(again), ids(hits));
      assert.equal(again[0]!.searchHit?.source, "message");
      assert.equal(again[0]!.searchHit?.direction, "inbound");
    });

    it("each word is a prefix of a word, in any order; every word must occur", async () => {
      assert.ok(ids(await search("operator", "jalan")).includes(publik.id), "jalan finds jalanan");
      assert.ok(ids(await search("operator", "jal")).includes(publik.id), "a three-letter prefix");
      const two = await search("operator", "kenari lamp");
      assert.deepEqual(ids(two), [publik.id]);
      assert.deepEqual(marked(two[0]).sort(), ["kenari", "lampu"].sort());
      assert.deepEqual(ids(await search("operator", "kenari merbabu")), [], "both words must occur");
      assert.deepEqual(ids(await search("operator", "di")), [], "words under three letters are not searched");
      assert.deepEqual(ids(await search("operator", publik.number.slice(-5))), [publik.id], "a part of a ticket number");
    });

    it("an OPD never finds an anonim ticket by its reporter's name or by text the gate masks; a rahasia hit is audited", async () => {
      // The command center finds the anonim ticket by the reporter's name (text and contact).
      const operatorHits = await search("operator", "kusumadiningrat");
      assert.deepEqual(ids(operatorHits), [anonim.id]);
      // The OPD it was forwarded to does not, by name or by any of its text; by number it does, masked.
      for (const q of ["kusumadiningrat", "Hartono", "trotoar merbabu"]) {
        const hits = await search("headPU", q);
        assert.ok(!ids(hits).includes(anonim.id), `${q} finds nothing for the OPD`);
        assert.doesNotMatch(JSON.stringify(hits), /Kusumadiningrat|Hartono/);
      }
      const byNumber = await search("headPU", anonim.number);
      assert.deepEqual(ids(byNumber), [anonim.id]);
      assert.doesNotMatch(JSON.stringify(byNumber), /Kusumadiningrat|Hartono/, "the hit shows masked text only");
      // A publik ticket's reporter name the OPD may see: found.
      assert.deepEqual(ids(await search("headPU", "sulastri")), [publik.id]);

      const reads = () => t.database.db.manager.getRepository(AuditEvent).find({ where: { ticketId: rahasia.id, type: "ticket.read_rahasia" } });
      const beforeReads = (await reads()).length;
      assert.deepEqual(ids(await search("supervisor", "retribusi")), [rahasia.id]);
      const after = await reads();
      assert.equal(after.length, beforeReads + 1, "the search hit is a recorded read");
      assert.match(after.at(-1)!.afterJson ?? "", /search/);
      assert.ok(!ids(await search("headPU", "retribusi")).includes(rahasia.id), "nor a rahasia ticket's text for the OPD");
    });

    it("notes, answers and contact names are found by the roles that may read them", async () => {
      await agents.operator.post("/api/messages").send({ ticketId: publik.id, direction: "note", body: "Koordinasi dengan PLN rayon Kenari." }).expect(201);
      await agents.staffPU.post("/api/messages").send({ ticketId: publik.id, direction: "note", body: "Survei lapangan dijadwalkan Kamis." }).expect(201);
      await agents.headPU.post(`/api/tickets/${publik.id}/transitions`).send({ action: "answer", response: "Armatur lampu sudah diganti petugas UPT." }).expect(200);

      const note = await search("operator", "rayon");
      assert.deepEqual(ids(note), [publik.id]);
      assert.equal(note[0]!.searchHit?.direction, "note");
      assert.deepEqual(ids(await search("headPU", "rayon")), [], "the command center's note is not the OPD's to read");
      const own = await search("headPU", "survei");
      assert.deepEqual(ids(own), [publik.id], "its own OPD's note");
      assert.equal(own[0]!.searchHit?.direction, "note");
      for (const who of ["operator", "supervisor", "headPU"] as const) {
        const answer = await search(who, "armatur");
        assert.deepEqual(ids(answer), [publik.id], who);
        assert.equal(answer[0]!.searchHit?.direction, "answer");
      }
      const contact = await search("supervisor", "wibowo");
      assert.deepEqual(ids(contact), [publik.id]);
      assert.equal(contact[0]!.searchHit?.source, "reporter");
    });

    it("/laporan searches the published, masked text only", async () => {
      const page = async (q: string) => (await http().get("/laporan").query({ q }).expect(200)).text;
      const kenari = await page("kenari");
      assert.ok(kenari.includes(publik.number));
      assert.ok((await page("jalan")).includes(publik.number), "prefix");
      assert.ok((await page("trotoar")).includes(anonim.number), "an anonim report's published text");
      for (const q of ["sulastri", "kusumadiningrat", "hartono", "rayon", "retribusi", "081277770002"]) {
        const html = await page(q);
        assert.ok(![publik.number, anonim.number, rahasia.number].some((n) => html.includes(n)), `${q} finds no report`);
      }
    });
  });
}
