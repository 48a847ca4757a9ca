import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { startCaptureSmtp } from "../support/smtp.js";
import { createJobScheduler, followOutbox, startWorker } from "../../server/worker.js";
import { runNotifyDigest } from "../../server/jobs/jobs.js";
import { citizenDecide } from "../../server/commands/citizen-decide.js";
import { addCitizenInfo } from "../../server/commands/add-citizen-info.js";
import { Agency, User } from "../../server/entities/index.js";

/**
 * Issue 16, acceptance 5: forwarding a ticket to two OPDs creates one notice per OPD head at once
 * (in the same transaction as the forward) and, with SMTP configured, one e-mail each, sent by
 * the worker right after the commit. Also: returns and disputes reach the supervisors, nobody is
 * told of their own action, and a user who chose the daily digest gets one mail a day instead.
 */
const CITIZEN = { userId: null, label: "pelapor (halaman lacak)" };
type Notice = { id: number; ticketId: number; type: string; title: string; read: boolean; body: string | null };

for (const target of await testTargets()) {
  describe(`notices of new work (${target.name})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startCaptureSmtp>>;
    let stopWorker: () => Promise<void>;
    let unfollow: () => void;
    let pu: Agency;
    let dinkes: Agency;
    const agents = {} as Record<"operator" | "supervisor" | "headPU" | "staffPU" | "headDinkes", supertest.Agent>;
    const emails = {} as Record<keyof typeof agents, string>;

    const noticesOf = async (who: keyof typeof agents, ticketId: number): Promise<Notice[]> => {
      const res = await agents[who].get("/api/notifications").query({ filter: JSON.stringify({ ticketId }), range: "[0,99]" });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Notice[];
    };
    const unread = async (who: keyof typeof agents) => (await agents[who].get("/api/notifications/unread-count")).body.unread as number;
    const mailsTo = (who: keyof typeof agents, number: string, kind: RegExp) => smtp.mails.filter((m) => m.to.includes(emails[who]) && m.subject.includes(number) && kind.test(m.subject));
    const waitFor = async (what: string, ok: () => boolean, ms = 10_000) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const act = async (who: keyof typeof agents, ticketId: number, body: object) => {
      const res = await agents[who].post(`/api/tickets/${ticketId}/transitions`).send(body);
      assert.equal(res.status, 200, `${JSON.stringify(body)} as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { status: string; number: string };
    };
    const newTicket = async (description: string) => {
      const res = await agents.operator.post("/api/tickets").send({ channel: "voice", description, privacy: "publik" });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      await act("operator", res.body.id, { action: "verify" });
      return { id: res.body.id as number, number: res.body.number as string };
    };

    before(async () => {
      smtp = await startCaptureSmtp();
      t = await startTestApp(target, { jobPollMs: 100, smtp: { url: smtp.url, from: "Aduan <aduan@demo.aduan.id>" } });
      const m = t.database.db.manager;
      pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
      const who = { operator: DEMO.operator, supervisor: DEMO.supervisor, headPU: DEMO.headPU, staffPU: DEMO.staffPU, headDinkes: DEMO.headDinkes } as const;
      for (const [k, email] of Object.entries(who)) {
        agents[k as keyof typeof agents] = await t.loginAs(email);
        emails[k as keyof typeof agents] = email;
      }
      // The worker as production runs it: commits that wrote notices schedule the e-mail job at once.
      const scheduler = createJobScheduler(t.deps);
      unfollow = followOutbox(t.database.db, scheduler, t.deps.logger);
      stopWorker = await startWorker({ ...t.deps, scheduler });
    });
    after(async () => {
      unfollow?.();
      await stopWorker?.();
      await t?.close();
      await smtp?.close();
    });

    it("forwarding one ticket to two OPDs: one notice per OPD head at once, and one e-mail each", async () => {
      const ticket = await newTicket("Jembatan penghubung dua desa retak dan puskesmas di dekatnya kebanjiran.");
      const before = { headPU: await unread("headPU"), headDinkes: await unread("headDinkes") };
      await act("operator", ticket.id, { action: "forward", agencyIds: [pu.id, dinkes.id], instruction: "Mohon ditinjau dan ditindaklanjuti." });

      // At once: the notice was written in the forward's own transaction.
      const puNotices = await noticesOf("headPU", ticket.id);
      const dinkesNotices = await noticesOf("headDinkes", ticket.id);
      assert.deepEqual(puNotices.map((n) => n.type), ["forwarded"]);
      assert.deepEqual(dinkesNotices.map((n) => n.type), ["forwarded"]);
      assert.match(puNotices[0]!.title, new RegExp(`Disposisi baru ${ticket.number} untuk ${pu.shortName}`));
      assert.match(dinkesNotices[0]!.title, new RegExp(`Disposisi baru ${ticket.number} untuk ${dinkes.shortName}`));
      assert.equal(puNotices[0]!.read, false);
      // (The worker's SLA sweep over the demo data may add warnings meanwhile: at least one more.)
      assert.ok((await unread("headPU")) >= before.headPU + 1);
      assert.ok((await unread("headDinkes")) >= before.headDinkes + 1);
      // The subject is added through the access gate for someone who may open the ticket.
      assert.match(puNotices[0]!.body ?? "", /Jembatan/);
      // Nobody else: not the operator who forwarded, not the unassigned staff.
      assert.deepEqual(await noticesOf("operator", ticket.id), []);
      assert.deepEqual(await noticesOf("staffPU", ticket.id), []);

      // One e-mail each, right after the commit (the worker's notify-email job), never twice.
      await waitFor("the two forward e-mails", () => mailsTo("headPU", ticket.number, /Disposisi baru/).length >= 1 && mailsTo("headDinkes", ticket.number, /Disposisi baru/).length >= 1);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(mailsTo("headPU", ticket.number, /Disposisi baru/).length, 1);
      assert.equal(mailsTo("headDinkes", ticket.number, /Disposisi baru/).length, 1);
      const mail = mailsTo("headPU", ticket.number, /Disposisi baru/)[0]!;
      assert.match(mail.raw, /Jembatan/, "the e-mail names the complaint's subject for the head who may read it");

      // Marked read by the head: the badge count goes down.
      const read = await agents.headPU.post("/api/notifications/read").send({ ids: [puNotices[0]!.id] });
      assert.equal(read.status, 200);
      assert.equal(read.body.updated, 1);
      assert.equal((await noticesOf("headPU", ticket.id))[0]!.read, true);
    });

    it("a return reaches the OPD head and the supervisors; the citizen's reply and dispute reach the OPD that works or answered it", async () => {
      const ticket = await newTicket("Lampu jalan padam sepanjang Jalan Merdeka dan posyandu tutup tanpa pemberitahuan.");
      await act("operator", ticket.id, { action: "forward", agencyIds: [pu.id, dinkes.id], instruction: "Mohon ditindaklanjuti." });
      // Staff of Dinas PU returns it: their head and the supervisors hear of it, the staff member does not.
      await act("staffPU", ticket.id, { action: "return", reason: "Lampu jalan kewenangan Dinas Perhubungan." });
      assert.deepEqual((await noticesOf("headPU", ticket.id)).map((n) => n.type).sort(), ["forwarded", "returned"]);
      assert.deepEqual((await noticesOf("supervisor", ticket.id)).map((n) => n.type), ["returned"]);
      assert.deepEqual(await noticesOf("staffPU", ticket.id), []);
      assert.match((await noticesOf("supervisor", ticket.id))[0]!.title, /dikembalikan oleh .*bukan wewenang/);

      // The citizen adds information from the tracking page: Dinas Kesehatan, still working on it, hears of it.
      const added = await t.database.db.tx((m) => addCitizenInfo(m, { actor: CITIZEN, at: t.clock.now(), secretKey: t.config.sessionSecret }, { ticketId: ticket.id, text: "Posyandu juga tutup minggu lalu.", photos: [], channelAccountId: null }));
      assert.equal(added.kind, "added");
      assert.deepEqual((await noticesOf("headDinkes", ticket.id)).map((n) => n.type).sort(), ["citizen_reply", "forwarded"]);
      assert.deepEqual((await noticesOf("headPU", ticket.id)).map((n) => n.type).sort(), ["forwarded", "returned"], "the OPD that returned it is not told");

      // Dinas Kesehatan answers; the citizen disputes: Dinas Kesehatan and the supervisors are told.
      await act("headDinkes", ticket.id, { action: "answer", response: "Posyandu dibuka kembali mulai Senin." });
      const disputed = await t.database.db.tx((m) => citizenDecide(m, { actor: CITIZEN, at: t.clock.now(), secretKey: t.config.sessionSecret }, ticket.id, { decision: "dispute", reason: "Posyandu masih tutup hari ini." }));
      assert.equal(disputed.kind, "ok");
      assert.ok((await noticesOf("headDinkes", ticket.id)).some((n) => n.type === "disputed"));
      assert.ok((await noticesOf("supervisor", ticket.id)).some((n) => n.type === "disputed"));
      assert.ok(!(await noticesOf("headPU", ticket.id)).some((n) => n.type === "disputed"), "Dinas PU did not answer");
    });

    it("a head who chose the daily digest gets the notice in-app at once and by e-mail once a day", async () => {
      const set = await agents.headPU.put("/api/notifications/settings").send({ digest: true });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.deepEqual((await agents.headPU.get("/api/notifications/settings")).body, { digest: true });
      const ticket = await newTicket("Trotoar di depan pasar rusak dan membahayakan pejalan kaki.");
      await act("operator", ticket.id, { action: "forward", agencyIds: [pu.id], instruction: "Mohon diperbaiki." });
      assert.deepEqual((await noticesOf("headPU", ticket.id)).map((n) => n.type), ["forwarded"]);
      // The worker's immediate run skips digest users.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(mailsTo("headPU", ticket.number, /Disposisi baru/).length, 0);
      // The daily job: one digest listing it.
      const r = await runNotifyDigest(t.deps);
      assert.ok(r.sent >= 1, JSON.stringify(r));
      const digest = smtp.mails.filter((m) => m.to.includes(emails.headPU) && /Ringkasan harian/.test(m.subject));
      assert.equal(digest.length, 1);
      assert.match(digest[0]!.raw, new RegExp(ticket.number));
      // Nothing twice.
      await runNotifyDigest(t.deps);
      assert.equal(smtp.mails.filter((m) => m.to.includes(emails.headPU) && /Ringkasan harian/.test(m.subject)).length, 1);
      await agents.headPU.put("/api/notifications/settings").send({ digest: false });
      const me = await t.database.db.manager.getRepository(User).findOneByOrFail({ email: DEMO.headPU });
      assert.equal(me.notifyDigest, false);
    });
  });
}
