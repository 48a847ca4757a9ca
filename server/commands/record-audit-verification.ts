import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import { AuditVerification } from "../entities/audit-verification.entity.js";
import { Notification } from "../entities/sla.entity.js";
import { User } from "../entities/user.entity.js";
import type { AuditProblem, AuditReport } from "../queries/verify-audit.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";

/** Problems kept per run: enough to name every broken event of a real incident, bounded for a row. */
export const MAX_STORED_PROBLEMS = 500;
export const AUDIT_BROKEN_NOTIFICATION = "audit_chain_broken";

const keyOf = (p: AuditProblem) => `${p.chainKey}#${p.seq ?? "-"}#${p.eventId ?? "-"}#${p.text ?? ""}`;

export type RecordVerificationOutcome = { kind: "recorded"; verification: AuditVerification; newProblems: number; notified: number };

/**
 * Stores one run of the scheduled chain verification. When it finds a broken event the previous run
 * did not report, supervisors and admins get a notification (in the console at once, by e-mail
 * with the notify-email job) and the finding is itself appended to the audit log; a chain that
 * stays broken is not announced again at every run.
 */
export async function recordAuditVerification(m: EntityManager, input: { report: AuditReport; ranAt: Date; durationMs: number }): Promise<RecordVerificationOutcome> {
  const { report, ranAt } = input;
  const repo = m.getRepository(AuditVerification);
  const [previous] = await repo.find({ order: { id: "DESC" }, take: 1 });
  const known = new Set((previous ? (JSON.parse(previous.problemsJson) as AuditProblem[]) : []).map(keyOf));
  const stored = report.problems.slice(0, MAX_STORED_PROBLEMS);
  const fresh = report.problems.filter((p) => !known.has(keyOf(p)));
  const verification = repo.create({
    ranAt,
    durationMs: Math.round(input.durationMs),
    ok: report.ok,
    eventsChecked: report.eventsChecked,
    chainsChecked: report.chains,
    anchorsChecked: report.anchorsChecked,
    textsVerified: report.textsVerified,
    problemCount: report.problems.length,
    problemsJson: JSON.stringify(stored),
  });
  await repo.save(verification);

  let notified = 0;
  if (fresh.length > 0) {
    const first = fresh[0];
    const where = `${first.chainKey} #${first.seq ?? "-"}`;
    const title = `Rantai audit rusak: ${fresh.length} temuan baru (pertama: ${where}) / Audit chain broken: ${fresh.length} new findings`.slice(0, 300);
    const body =
      `Pemeriksaan terjadwal log audit menemukan peristiwa yang diubah atau hilang. Pertama: peristiwa ${first.eventId ?? "-"} (rantai ${first.chainKey}, urutan ${first.seq ?? "-"}): ${first.problem}. ` +
      `Lihat Penampil audit di konsol.\n\nThe scheduled audit verification found changed or missing events. First: event ${first.eventId ?? "-"} (chain ${first.chainKey}, seq ${first.seq ?? "-"}): ${first.problem}. See the audit viewer in the console.`;
    const users = await m.getRepository(User).find({ where: { role: In(["supervisor", "admin"]), active: true }, select: { id: true } });
    for (const u of users) {
      await m.getRepository(Notification).insert({ userId: u.id, ticketId: null, slaEventId: null, type: AUDIT_BROKEN_NOTIFICATION, title, body, readAt: null, emailedAt: null, createdAt: ranAt });
    }
    notified = users.length;
    await appendAuditEvent(m, {
      actor: SYSTEM_ACTOR,
      type: "audit.chain_broken",
      entityType: "audit_verification",
      entityId: "runs",
      after: { verificationId: verification.id, problems: report.problems.length, fresh: fresh.slice(0, 20).map((p) => ({ chainKey: p.chainKey, seq: p.seq, eventId: p.eventId, problem: p.problem })) },
      at: ranAt,
    });
  }
  return { kind: "recorded", verification, newProblems: fresh.length, notified };
}
