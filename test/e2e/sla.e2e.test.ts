import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { startCaptureSmtp } from "../support/smtp.js";
import { createJobScheduler, followSlaDeadlines } from "../../server/worker.js";
import { runSlaCheck, type JobDeps } from "../../server/jobs/jobs.js";
import { closeMailers } from "../../server/lib/mailer.js";
import type { Scheduler } from "../../server/jobs/scheduler.js";

/**
 * Issue 3, acceptance 3: SLA clocks end to end on a controllable clock. Actions go through the
 * HTTP API; time moves by setting the app's clock; the sla-check/sla-sweep job body runs at each
 * step (the same function the worker's jobs call). Notifications are read through the API and
 * e-mails through a real SMTP server on 127.0.0.1.
 */
const T0 = new Date("2026-11-23T03:00:00.000Z"); // Monday 10:00 WIB

for (const target of await testTargets({ cluster: true })) {
  describe(`SLA clocks, warnings, breaches and escalation (${target.name})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startCaptureSmtp>>;
    let scheduler: Scheduler;
    let unfollow: () => void;
    let jobs: JobDeps;
    let operator: supertest.Agent, headPU: supertest.Agent, supervisor: supertest.Agent, kominfo: supertest.Agent;

    before(async () => {
      smtp = await startCaptureSmtp();
      // Sessions outlive the jumps in time (three weeks of clock in one test).
      t = await startTestApp(target, { sessionIdleMinutes: 60 * 24 * 30, sessionMaxHours: 24 * 30 });
      t.config.smtp = { url: smtp.url, from: "Aduan <aduan@demo.aduan.id>" };
      scheduler = createJobScheduler({ db: t.database.db, config: t.config, logger: t.deps.logger });
      unfollow = followSlaDeadlines(t.database.db, scheduler, t.deps.logger);
      jobs = { db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger };
      operator = await t.loginAs(DEMO.operator);
      headPU = await t.loginAs(DEMO.headPU);
      supervisor = await t.loginAs(DEMO.supervisor);
      kominfo = await t.loginAs("kepala.kominfo@demo.aduan.id");
    });
    after(async () => {
      unfollow();
      closeMailers();
      await t.close();
      await smtp.close();
    });

    const at = (iso: string) => {
      t.clock.set(new Date(iso));
    };
    // The SLA's own notices (notices of new work, e.g. the forward's, are tested in notices.e2e.test.ts).
    const notes = async (agent: supertest.Agent, ticketId: number) =>
      ((await agent.get("/api/notifications").query({ filter: JSON.stringify({ ticketId }), range: "[0,99]" })).body as { type: string; title: string; read: boolean }[]).filter((n) => n.type.startsWith("sla_"));
    const clocks = async (ticketId: number) => (await operator.get(`/api/tickets/${ticketId}/clocks`)).body as { kind: string; state: string; dueAt: string | null; warnAt: string | null; forwardId: number | null; events: { kind: string; level: number }[] }[];
    const mailsAbout = (to: string, number: string) => smtp.mails.filter((m) => m.to.includes(to) && m.subject.includes(number) && m.subject.includes("SLA"));

    it("warns, breaches at level 1, escalates to level 2 once each; answering stops the clock; waiting pauses it; no reply for 10 working days closes", async () => {
      await at(T0.toISOString());
      const pu = (await operator.get("/api/agencies").query({ filter: JSON.stringify({ q: "Pekerjaan Umum" }) })).body[0];
      const record = async (description: string) => {
        const r = await operator.post("/api/tickets").send({ channel: "voice", description, caller: { name: "Ibu Sari", phone: "081234500011" } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body as { id: number; number: string };
      };
      const act = (agent: supertest.Agent, id: number, body: object) => agent.post(`/api/tickets/${id}/transitions`).send(body);

      // T1: forwarded to Dinas PU on Monday 23 November, 10:00 WIB; nobody answers.
      const t1 = await record("Lampu penerangan jalan di Jl. Sudirman padam sejak sepekan, rawan kecelakaan.");
      assert.equal((await act(operator, t1.id, { action: "verify" })).status, 200);
      const fwd = await act(operator, t1.id, { action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." });
      assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      // 5 working days from a Monday 10:00 WIB: the next Monday, 10:00 WIB, on the forward and the clock.
      const followup = (await clocks(t1.id)).find((c) => c.kind === "opd_followup")!;
      assert.equal(followup.state, "running");
      assert.equal(followup.dueAt, "2026-11-30T03:00:00.000Z");
      assert.equal(fwd.body.forwards[0].dueAt, "2026-11-30T03:00:00.000Z");
      assert.equal((await clocks(t1.id)).find((c) => c.kind === "verify_forward")!.state, "stopped", "forwarding stops the verify-and-forward clock");
      const warnAt = new Date(followup.warnAt!);
      assert.ok(warnAt > T0 && warnAt < new Date(followup.dueAt!), "the warning comes before the deadline");

      // The commit scheduled this ticket's own sla-check job at its next event (the warning).
      await new Promise((r) => setTimeout(r, 100));
      const checks = (await scheduler.agenda.queryJobs({ name: "sla-check" })).jobs.filter((j) => (j.data as { ticketId: number }).ticketId === t1.id);
      assert.equal(checks.length, 1, "one sla-check job per ticket");
      assert.equal(new Date(checks[0].nextRunAt!).toISOString(), warnAt.toISOString());

      // T2: the operator asks the citizen for more information at once: its clock pauses.
      const t2 = await record("Pengaduan tentang pungutan di puskesmas, pelapor belum menyebut lokasi.");
      assert.equal((await act(operator, t2.id, { action: "request_info", message: "Di puskesmas mana?" })).body.status, "waiting_on_citizen");
      assert.equal((await clocks(t2.id)).find((c) => c.kind === "verify_forward")!.state, "paused");

      // One minute before the warning: nothing.
      await at(new Date(warnAt.getTime() - 60_000).toISOString());
      await runSlaCheck(jobs);
      assert.deepEqual(await notes(headPU, t1.id), []);

      // The warning: the head of Dinas PU is told once, in the app and by e-mail.
      await at(warnAt.toISOString());
      await runSlaCheck(jobs);
      await runSlaCheck(jobs); // a second run (another worker, the sweep) adds nothing
      let pu1 = await notes(headPU, t1.id);
      assert.deepEqual(pu1.map((n) => n.type), ["sla_warning"]);
      assert.match(pu1[0].title, new RegExp(`Peringatan SLA ${t1.number}`));
      assert.equal(mailsAbout(DEMO.headPU, t1.number).length, 1);
      assert.equal((await headPU.get("/api/notifications/unread-count")).body.unread >= 1, true);

      // The deadline passes: breach at level 1 (the OPD head), once.
      await at("2026-11-30T03:00:00.000Z");
      await runSlaCheck(jobs);
      await runSlaCheck(jobs);
      pu1 = await notes(headPU, t1.id);
      assert.deepEqual(pu1.map((n) => n.type).sort(), ["sla_breach", "sla_warning"]);
      assert.match(pu1.find((n) => n.type === "sla_breach")!.title, /Pelanggaran SLA level 1/);
      assert.deepEqual(await notes(supervisor, t1.id), [], "the supervisor is not told at level 1");
      assert.equal(mailsAbout(DEMO.headPU, t1.number).length, 2);

      // T2 waited on the citizen all this time: no warning, no breach.
      assert.deepEqual((await clocks(t2.id)).find((c) => c.kind === "verify_forward")!.events, []);
      // The citizen answers on Monday 30 November 10:00 WIB: the 3 working days start over from there.
      assert.equal((await act(operator, t2.id, { action: "citizen_replied" })).status, 200);
      const resumed = (await clocks(t2.id)).find((c) => c.kind === "verify_forward")!;
      assert.equal(resumed.state, "running");
      assert.equal(resumed.dueAt, "2026-12-03T03:00:00.000Z");

      // One working day later: level 2 (the supervisor), once; the OPD head is not told again.
      await at("2026-12-01T03:00:00.000Z");
      await runSlaCheck(jobs);
      await runSlaCheck(jobs);
      const sup = await notes(supervisor, t1.id);
      assert.deepEqual(sup.map((n) => n.type), ["sla_breach"]);
      assert.match(sup[0].title, /level 2/);
      assert.equal((await notes(headPU, t1.id)).length, 2);
      assert.equal(mailsAbout(DEMO.supervisor, t1.number).length, 1);
      const events = (await clocks(t1.id)).find((c) => c.kind === "opd_followup")!.events;
      assert.deepEqual(events.map((e) => `${e.kind}:${e.level}`), ["warning:0", "breach:1", "breach:2"]);

      // The OPD answers: the follow-up clock stops, level 3 never comes.
      await at("2026-12-01T04:00:00.000Z");
      assert.equal((await act(headPU, t1.id, { action: "answer", response: "Lampu telah diganti oleh UPT PJU hari ini." })).body.status, "answered");
      const afterAnswer = await clocks(t1.id);
      assert.equal(afterAnswer.find((c) => c.kind === "opd_followup")!.state, "stopped");
      assert.equal(afterAnswer.find((c) => c.kind === "respond_citizen")!.state, "stopped");
      const autoClose = afterAnswer.find((c) => c.kind === "auto_close")!;
      assert.equal(autoClose.state, "running");
      assert.equal(autoClose.dueAt, "2026-12-15T04:00:00.000Z", "10 working days after the answer");
      await at("2026-12-03T03:00:00.000Z");
      await runSlaCheck(jobs);
      assert.deepEqual(await notes(kominfo, t1.id), [], "no level 3 after the answer");

      // No reply from the citizen for 10 working days: the ticket closes by itself, audited.
      await at("2026-12-15T03:59:00.000Z");
      await runSlaCheck(jobs);
      assert.equal((await operator.get(`/api/tickets/${t1.id}`)).body.status, "answered");
      await at("2026-12-15T04:00:00.000Z");
      const run = await runSlaCheck(jobs);
      assert.ok(run.autoClosed >= 1);
      const closed = (await operator.get(`/api/tickets/${t1.id}`)).body;
      assert.equal(closed.status, "closed");
      const audit = (await operator.get("/api/audit-events").query({ filter: JSON.stringify({ ticketId: t1.id }), sort: JSON.stringify(["id", "ASC"]), range: "[0,99]" })).body as { type: string }[];
      const types = audit.map((e) => e.type);
      assert.ok(types.includes("ticket.auto_closed"), types.join(", "));
      // follow-up: warning, level 1, level 2; auto-close: its warning, then its end
      assert.deepEqual(types.filter((x) => x.startsWith("sla.")), ["sla.warning", "sla.breach", "sla.breach", "sla.warning", "sla.breach"]);
      // Each recorded notification was e-mailed exactly once, whoever it was for.
      assert.equal(mailsAbout(DEMO.headPU, t1.number).length, 2);
      assert.equal(mailsAbout(DEMO.supervisor, t1.number).length, 1);

      // Marking read brings the unread count down.
      const before = (await headPU.get("/api/notifications/unread-count")).body.unread;
      const read = await headPU.post("/api/notifications/read").send({ all: true });
      assert.equal(read.status, 200);
      assert.equal(read.body.updated, before);
      assert.equal(read.body.unread, 0);
    });
  });
}
