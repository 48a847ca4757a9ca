import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { testTargets, type TestDatabase } from "../support/databases.js";
import { seedDemo } from "../../server/demo/seed-demo.js";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import { recordComplaint } from "../../server/commands/record-complaint.js";
import { transitionTicket } from "../../server/commands/transition-ticket.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import type { CommandContext } from "../../server/commands/context.js";
import { Agency } from "../../server/entities/agency.entity.js";
import { SlaClock } from "../../server/entities/sla.entity.js";
import { createScheduler } from "../../server/jobs/scheduler.js";
import { JOB } from "../../server/jobs/jobs.js";
import { computeClock } from "../../server/clocks/ticket-clocks.js";
import { settingsForPolicyId } from "../../server/clocks/sla-settings.js";
import { sqlTime } from "../../server/lib/db.js";

/**
 * Issue 3, acceptance 4: three worker processes (`--roles=worker`, the production entry point) on
 * one MariaDB database, 10,000 tickets whose OPD clocks expired together, each ticket's sla-check
 * job due at once, and the test process sweeping at the same time. Every warning and breach must
 * be recorded once and notified once per recipient: counted in sla_events, in the audit log (which
 * has no unique key to hide a second write) and in notifications, and summed from the workers' logs.
 */
const TICKETS = Number(process.env.SLA_SCALE_TICKETS ?? 10_000);
const SECRET = "scale-test-session-secret-0123456789abcdef";

const targets = (await testTargets()).filter((t) => t.name === "mariadb");
for (const target of targets) {
  describe("SLA exactly once with three worker processes (mariadb)", () => {
    let database: TestDatabase;
    const workers: ChildProcess[] = [];
    const logs: string[][] = [];
    before(async () => {
      database = await target.open();
    });
    after(async () => {
      for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
      await database.destroy();
    });

    it(`records and notifies each of ${TICKETS.toLocaleString("en")} tickets' warnings and breaches exactly once`, { timeout: 300_000 }, async (tc) => {
      const t0 = Date.now();
      const phase = (what: string) => tc.diagnostic(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const { db } = database;
      const now = new Date();
      await db.tx((m) => ensureSlaDefaults(m, new Date(now.getTime() - 40 * 86_400_000)));
      // A forward made long enough ago that its warning and level-1 breach are due, and level 2 is
      // not for a while yet: they "expired together" just now. Found on the real calendar.
      const defaults = await settingsForPolicyId(db.manager, null);
      let start = new Date(now.getTime() - 20 * 86_400_000);
      for (;; start = new Date(start.getTime() + 3_600_000)) {
        const ev = computeClock(defaults, defaults.policy.clocks.opd_followup, start, []).events;
        const l1 = ev.find((e) => e.kind === "breach" && e.level === 1)!.at.getTime();
        const l2 = ev.find((e) => e.kind === "breach" && e.level === 2)!.at.getTime();
        if (l1 < now.getTime() - 60_000 && l2 > now.getTime() + 30 * 60_000) break;
        if (start > now) throw new Error("no start found");
      }
      await seedDemo(db, SECRET, start);
      // Only the clocks made here may be due.
      await db.manager.query("UPDATE sla_clocks SET state = 'stopped', next_event_at = NULL");

      // One real ticket, made by the commands: received, verified, forwarded to Dinas PU 30 days ago.
      const pu = await db.manager.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const ctx: CommandContext = { actor: { userId: null, label: "test" }, at: start, secretKey: SECRET };
      const templateId = await db.tx(async (m) => {
        const r = await recordComplaint(m, ctx, { channel: "sms", description: "Saluran air tersumbat di Jl. Kenanga, banjir tiap hujan.", contact: { name: "Warga", phone: "081200000001" } });
        if (r.kind !== "created") throw new Error(r.reason);
        await transitionTicket(m, ctx, r.ticket.id, { action: "verify" });
        await transitionTicket(m, ctx, r.ticket.id, { action: "forward", agencyIds: [pu.id], instruction: "Mohon ditindaklanjuti." });
        return r.ticket.id;
      });
      await db.manager.query("UPDATE sla_clocks SET state = 'stopped', next_event_at = NULL WHERE ticket_id = ? AND kind <> 'opd_followup'", [templateId]);
      const [template] = await db.manager.getRepository(SlaClock).findBy({ ticketId: templateId, state: "running" });
      assert.equal(template.kind, "opd_followup");
      // What one clock must produce by now, from the domain: the warning and every rung of the ladder.
      const settings = await settingsForPolicyId(db.manager, template.policyId);
      const expected = computeClock(settings, settings.policy.clocks.opd_followup, template.startedAt, []).events.filter((e) => e.at <= now);
      assert.deepEqual(expected.map((e) => `${e.kind}:${e.level}`), ["warning:0", "breach:1"]);
      const recipientsPerClock = 2; // the warning and level 1 go to the head of Dinas PU (nobody is assigned)

      // 9,999 copies of it (ticket, forward, clock), in SQL.
      await db.manager.query("CREATE TABLE scale_seq (n INT PRIMARY KEY)");
      const values = Array.from({ length: TICKETS - 1 }, (_, i) => `(${i + 1})`).join(",");
      await db.manager.query(`INSERT INTO scale_seq (n) VALUES ${values}`);
      await db.manager.query(
        `INSERT INTO tickets (number, tracking_secret_hash, subject, description, channel, contact_id, category_id, privacy, status, previous_status, complaint_class, priority,
                              is_open, due_at, received_at, verified_at, forwarded_at, created_at, updated_at)
         SELECT CONCAT('ADU-SCL-', LPAD(s.n, 5, '0')), t.tracking_secret_hash, t.subject, t.description, t.channel, t.contact_id, t.category_id, t.privacy, t.status, t.previous_status,
                t.complaint_class, t.priority, t.is_open, t.due_at, t.received_at, t.verified_at, t.forwarded_at, t.created_at, t.updated_at
           FROM scale_seq s JOIN tickets t ON t.id = ?`,
        [templateId],
      );
      await db.manager.query(
        `INSERT INTO forwards (ticket_id, agency_id, forwarded_by_user_id, instruction, status, is_open, due_at, created_at, updated_at)
         SELECT t.id, f.agency_id, f.forwarded_by_user_id, f.instruction, f.status, f.is_open, f.due_at, f.created_at, f.updated_at
           FROM tickets t JOIN forwards f ON f.ticket_id = ? WHERE t.number LIKE 'ADU-SCL-%'`,
        [templateId],
      );
      await db.manager.query(
        `INSERT INTO sla_clocks (ticket_id, forward_id, kind, policy_id, state, started_at, pauses_json, warn_at, due_at, next_event_at, created_at, updated_at)
         SELECT nf.ticket_id, nf.id, c.kind, c.policy_id, c.state, c.started_at, c.pauses_json, c.warn_at, c.due_at, c.next_event_at, c.created_at, c.updated_at
           FROM forwards nf JOIN tickets t ON t.id = nf.ticket_id JOIN sla_clocks c ON c.id = ? WHERE t.number LIKE 'ADU-SCL-%'`,
        [template.id],
      );
      await db.manager.query("DROP TABLE scale_seq");
      const due = async () => Number((await db.manager.query("SELECT COUNT(*) AS n FROM sla_clocks WHERE next_event_at <= ?", [sqlTime(db.manager, new Date())]))[0].n);
      assert.equal(await due(), TICKETS);

      phase("seeded");
      // Each ticket's sla-check job, due now (the api role schedules them as clocks change).
      const scheduler = createScheduler({ db });
      const ticketIds: number[] = (await db.manager.query("SELECT ticket_id AS id FROM sla_clocks WHERE next_event_at IS NOT NULL")).map((r: { id: number }) => Number(r.id));
      // As the api role does after a burst of commits (followSlaDeadlines): many jobs per statement.
      // A few go one by one too, over the batch's rows: still one job per ticket.
      await scheduler.uniqueScheduleMany(ticketIds.map((id) => ({ uniqueKey: `ticket:${id}`, when: new Date(now.getTime() - 1000), name: JOB.slaCheck, data: { ticketId: id } })));
      await Promise.all(ticketIds.slice(0, 50).map((id) => scheduler.uniqueSchedule(`ticket:${id}`, new Date(now.getTime() - 1000), JOB.slaCheck, { ticketId: id })));

      phase("sla-check jobs scheduled");
      // Three workers, as deployed: `node server/main.ts --roles=worker` on the same database.
      for (let i = 0; i < 3; i++) {
        const lines: string[] = [];
        logs.push(lines);
        const w = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--roles=worker"], {
          env: { ...process.env, NODE_ENV: "test", DATABASE_URL: database.settings.databaseUrl, DEMO_DATA: "0", SESSION_SECRET: SECRET, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), ADUAN_TX_WATCHDOG_MS: "30000", LOG_LEVEL: "info", SLA_SWEEP_SECONDS: "5", JOB_POLL_MS: "100", SMTP_URL: "" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let buf = "";
        w.stdout!.on("data", (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split("\n");
          buf = parts.pop()!;
          lines.push(...parts);
        });
        w.stderr!.on("data", (d: Buffer) => lines.push(d.toString()));
        workers.push(w);
      }
      // …and this process sweeps too, as a fourth contender.
      let sweptHere = 0;
      const deadline = Date.now() + 240_000;
      while ((await due()) > 0) {
        if (Date.now() > deadline) {
          // What holds the due clocks: open transactions and what each connection is doing.
          const trx = await db.manager.query("SELECT trx_id, trx_state, trx_started, trx_rows_locked, trx_rows_modified, trx_mysql_thread_id, LEFT(trx_query, 200) AS q FROM information_schema.INNODB_TRX");
          const procs = await db.manager.query("SELECT id, host, command, time, state, LEFT(info, 200) AS info FROM information_schema.PROCESSLIST WHERE db = DATABASE()");
          const { execSync } = await import("node:child_process");
          const sockets = execSync("ss -tnp state established '( dport = :3306 )' 2>/dev/null || true").toString();
          tc.diagnostic(`pids: test ${process.pid}, workers ${workers.map((w) => w.pid).join(",")}\n${sockets}`);
          throw new Error(
            `clocks still due after 240 s (${await due()}); open transactions:\n${JSON.stringify(trx, null, 1)}\nconnections:\n${JSON.stringify(procs, null, 1)}\n` +
              `worker logs:\n${logs.map((l) => l.slice(-40).join("\n")).join("\n---\n")}`,
          );
        }
        sweptHere += (await processDueClocks(db, new Date(), { secretKey: SECRET, batchSize: 100, maxClocks: 100 })).events;
        await new Promise((r) => setTimeout(r, 1000));
      }
      phase("all due clocks processed");
      await new Promise((r) => setTimeout(r, 1500)); // let the last jobs report
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map((w) => (w.exitCode !== null ? null : new Promise((r) => w.once("exit", r)))));

      const q = async (sql: string, params: unknown[] = []) => Number((await db.manager.query(sql, params))[0].n);
      const events = await q("SELECT COUNT(*) AS n FROM sla_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.number LIKE 'ADU-SCL-%' OR t.id = ?", [templateId]);
      assert.equal(events, TICKETS * expected.length, "every warning and breach recorded");
      const audited = await q("SELECT COUNT(*) AS n FROM audit_events WHERE type IN ('sla.warning', 'sla.breach')");
      assert.equal(audited, TICKETS * expected.length, "each recorded once: no second write reached the audit log");
      // SLA notices only: the workers also run other jobs that notify (e.g. the calendar check from 1 November).
      const notes = await q("SELECT COUNT(*) AS n FROM notifications WHERE sla_event_id IS NOT NULL");
      assert.equal(notes, TICKETS * recipientsPerClock, "each recipient notified once per event");
      const dupNotes = await q("SELECT COUNT(*) AS n FROM (SELECT user_id, sla_event_id FROM notifications WHERE sla_event_id IS NOT NULL GROUP BY user_id, sla_event_id HAVING COUNT(*) > 1) d");
      assert.equal(dupNotes, 0);
      // The audit chains hold under this load: the scheduled verification raised no (false) alarm.
      assert.equal(await q("SELECT COUNT(*) AS n FROM notifications WHERE type = 'audit_chain_broken'"), 0, "no broken-chain alarm");

      // The workers shared the work, and their own counts add up to the same total.
      const perWorker = logs.map((lines) =>
        lines.reduce((sum, l) => {
          try {
            const j = JSON.parse(l) as { msg?: string; events?: number };
            return j.msg === "SLA events recorded" ? sum + (j.events ?? 0) : sum;
          } catch {
            return sum;
          }
        }, 0),
      );
      assert.equal(perWorker.reduce((a, b) => a + b, 0) + sweptHere, TICKETS * expected.length, `per worker ${perWorker.join(", ")}, here ${sweptHere}`);
      tc.diagnostic(`events recorded per worker: ${perWorker.join(", ")}; by the test process: ${sweptHere}`);
      // Exactly-once only means something if processes really competed: at least two of the four
      // contenders (the workers and this process) recorded events. Which ones depends on start-up
      // order: the first worker's immediate sweep may take most before the others are up.
      assert.ok([...perWorker, sweptHere].filter((n) => n > 0).length >= 2, `the work was shared: ${perWorker.join(", ")} (+${sweptHere} here); worker logs:\n${logs.map((l) => l.slice(-30).join("\n")).join("\n---\n")}`);
    });
  });
}
