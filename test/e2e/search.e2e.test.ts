import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { AuditEvent, Ticket, User } from "../../server/entities/index.js";
import { searchTicketIds } from "../../server/queries/ticket-search.js";
import { scopeTickets } from "../../server/queries/tickets.js";
import type { Viewer } from "../../server/queries/viewer.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, newSid, postTwilio, TWILIO } from "../support/channels.js";
import { recordTicket, unescapeHtml, verifyAndForward } from "../support/public.js";

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

    it("a word in more tickets than the cap: the newest matches, whether the newest-first scan or the index answers", async () => {
      // The same search with a cap of 3: first as a scan of the newest rows (which answers when it
      // reaches the cap within its row budget), then by the full-text index alone.
      // Both must give the newest three tickets whose text has the words at the start of a word.
      const banjir: number[] = [];
      for (const [i, d] of ["Banjir setinggi lutut di Jalan Kaliurang.", "Jalan tergenang, BANJIRNYA belum surut.", "Genangan air (banjir) di depan pasar.", "Rumah warga kebanjiran sejak pagi.", "Banjir kiriman melanda RW 04."].entries()) {
        banjir.push((await recordTicket(agents.operator, { subject: `Genangan ${i}`, description: d, caller: { phone: `08127777${String(1100 + i)}` } })).id);
      }
      // Newest: a ticket with "banjir" only inside a word (not a hit), one anonim, and one found by a message.
      await recordTicket(agents.operator, { subject: "Pembanjiran sawah", description: "Irigasi pembanjiran sawah rusak.", caller: { phone: "081277771200" } });
      const anonimBanjir = (await recordTicket(agents.operator, { privacy: "anonim", description: "Banjir di gang sempit, saluran tertutup.", caller: { phone: "081277771201" } })).id;
      const byMessage = (await recordTicket(agents.operator, { subject: "Saluran tersumbat", description: "Saluran di Jalan Kaliurang tersumbat sampah.", caller: { phone: "081277771202" } })).id;
      await agents.operator.post("/api/messages").send({ ticketId: byMessage, direction: "note", body: "Warga melapor banjir lagi pagi ini." }).expect(201);
      for (const id of [...banjir, anonimBanjir, byMessage]) await verifyAndForward(t, agents.operator, id);

      const m = t.database.db.manager;
      const viewerOf = async (email: string): Promise<Viewer> => {
        const u = await m.getRepository(User).findOneByOrFail({ email });
        return { id: u.id, email: u.email, name: u.name, role: u.role, agencyId: u.agencyId ?? null };
      };
      const run = async (viewer: Viewer, q: string, scanRows: number) => {
        const base = scopeTickets(m.getRepository(Ticket).createQueryBuilder("t"), viewer);
        const r = await searchTicketIds(m, viewer, q, base, { cap: 3, scanRows });
        assert.ok(r);
        return r;
      };
      const newest = (xs: number[]) => [...xs].sort((a, b) => b - a);

      const supervisor = await viewerOf(DEMO.supervisor);
      // Own text: the newest three with a word starting "banjir" (anonim included for the center).
      const scanned = await run(supervisor, "banjir", 1000);
      const indexed = await run(supervisor, "banjir", 0);
      assert.ok(scanned.answeredByScan > 0, "the scan answers a word that reaches the cap");
      assert.equal(indexed.answeredByScan, 0);
      assert.equal(scanned.capped, true);
      assert.deepEqual(newest(scanned.ids), newest(indexed.ids));
      const ownText = newest([...banjir.filter((_, i) => i !== 3), anonimBanjir]).slice(0, 3);
      for (const id of ownText) assert.ok(scanned.ids.includes(id), `ticket ${id} is among the newest hits`);
      assert.ok(scanned.ids.includes(byMessage), "found by its note");
      // Two words, in any order, as prefixes.
      assert.deepEqual(newest((await run(supervisor, "kaliur banjir", 1000)).ids), newest((await run(supervisor, "kaliur banjir", 0)).ids));
      assert.ok((await run(supervisor, "kaliur banjir", 1000)).ids.includes(banjir[0]!));
      // A word too rare to reach the cap within the scan's budget: the index answers.
      const rare = await run(supervisor, "kiriman", 2);
      assert.equal(rare.answeredByScan, 0);
      assert.deepEqual(rare.ids, [banjir[4]]);
      // An OPD: publik tickets only, by either path; never the anonim one.
      const head = await viewerOf(DEMO.headPU);
      const opdScan = await run(head, "banjir", 1000);
      assert.deepEqual(newest(opdScan.ids), newest((await run(head, "banjir", 0)).ids));
      assert.ok(!opdScan.ids.includes(anonimBanjir), "the OPD never finds an anonim ticket by its text");
      // Through the API the console gets the same tickets.
      const api = ids(await search("supervisor", "banjir"));
      for (const id of [...banjir.filter((x) => x !== banjir[3]), anonimBanjir, byMessage]) assert.ok(api.includes(id), `ticket ${id} in the console's search`);
      assert.ok(!api.includes(banjir[3]!), "kebanjiran: banjir inside a word is not a hit");
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

    it("/laporan pages through a word found in many reports, newest first, on masked text only", async () => {
      // More matching reports than a batch of the list (60): on MariaDB the newest-first scan
      // answers the first batches, the index the last one.
      const made: string[] = [];
      for (let i = 0; i < 64; i++) {
        const r = await recordTicket(agents.operator, { subject: `Rob ${i}`, description: `Air rob menggenangi permukiman Tambakrejo blok ${i}.`, caller: { phone: `0812777713${String(i).padStart(2, "0")}` } });
        await agents.operator.post(`/api/tickets/${r.id}/transitions`).send({ action: "verify" }).expect(200);
        made.push(r.number);
      }
      // The newest: the word only in the reporter's name, which the public text masks.
      const named = await recordTicket(agents.operator, { subject: "Sampah menumpuk", description: "Saya Wagiman Tambakrejo melapor sampah menumpuk.", caller: { name: "Wagiman Tambakrejo", phone: "081277771399" } });
      await agents.operator.post(`/api/tickets/${named.id}/transitions`).send({ action: "verify" }).expect(200);

      const seen: string[] = [];
      let path = "/laporan?q=tambakrejo";
      for (let pageNo = 0; pageNo < 6 && path; pageNo++) {
        const html = (await http().get(path).expect(200)).text;
        const numbers = made.filter((n) => html.includes(n));
        assert.ok(!html.includes(named.number), "a word found only in the masked reporter's name finds nothing");
        seen.push(...numbers);
        // The pager's "older" link (the language switch also carries the cursor).
        const pager = /<nav class="pager"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
        const older = /href="(\/laporan\?[^"]*sebelum=\d+[^"]*)"[^>]*>[^<]*(?:lama|Older)/.exec(pager)?.[1];
        path = older ? unescapeHtml(older) : "";
      }
      assert.deepEqual(seen.slice().sort(), made.slice().sort(), "every report with the word, each once, over the pages");
      const first = (await http().get("/laporan?q=tambakrejo").expect(200)).text;
      assert.deepEqual(made.filter((n) => first.includes(n)).sort(), made.slice(-20).sort(), "the first page: the newest twenty");
    });
  });
}
