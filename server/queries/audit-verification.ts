import { AuditVerification } from "../entities/audit-verification.entity.js";
import type { Db } from "../lib/db.js";
import type { AuditProblem } from "./verify-audit.js";

export interface AuditVerificationView {
  id: number;
  ranAt: Date;
  durationMs: number;
  ok: boolean;
  eventsChecked: number;
  chainsChecked: number;
  anchorsChecked: number;
  textsVerified: number;
  problemCount: number;
  problems: AuditProblem[];
}

export interface AuditVerificationStatus {
  /** The last run, or null when none ran yet. */
  last: AuditVerificationView | null;
  /** Seconds between scheduled runs (0: not scheduled). */
  everySeconds: number;
  /** No run within two periods (the worker is down or the job fails). */
  overdue: boolean;
}

const viewOf = (v: AuditVerification): AuditVerificationView => ({
  id: v.id,
  ranAt: v.ranAt,
  durationMs: v.durationMs,
  ok: Boolean(v.ok),
  eventsChecked: v.eventsChecked,
  chainsChecked: v.chainsChecked,
  anchorsChecked: v.anchorsChecked,
  textsVerified: v.textsVerified,
  problemCount: v.problemCount,
  problems: JSON.parse(v.problemsJson) as AuditProblem[],
});

/** The last stored result of the scheduled verification (one indexed row). */
export async function lastAuditVerification(db: Db): Promise<AuditVerificationView | null> {
  const [v] = await db.manager.getRepository(AuditVerification).find({ order: { ranAt: "DESC", id: "DESC" }, take: 1 });
  return v ? viewOf(v) : null;
}

export async function auditVerificationStatus(db: Db, everySeconds: number, now: Date): Promise<AuditVerificationStatus> {
  const last = await lastAuditVerification(db);
  const overdue = everySeconds > 0 && last !== null && now.getTime() - new Date(last.ranAt).getTime() > 2 * everySeconds * 1000;
  return { last, everySeconds, overdue };
}

/**
 * What the last verification said about each event: by the event's id, or by its chain and
 * position when the finding names no event (a head or an anchor that no longer matches).
 */
export function brokenMarks(last: AuditVerificationView | null) {
  const byId = new Map<number, string[]>();
  const byLink = new Map<string, string[]>();
  for (const p of last?.problems ?? []) {
    if (p.eventId != null) (byId.get(p.eventId) ?? byId.set(p.eventId, []).get(p.eventId)!).push(p.problem);
    else if (p.seq != null) (byLink.get(`${p.chainKey}#${p.seq}`) ?? byLink.set(`${p.chainKey}#${p.seq}`, []).get(`${p.chainKey}#${p.seq}`)!).push(p.problem);
  }
  return (e: { id: number; chainKey: string; seq: number }): string[] | null => {
    const found = [...(byId.get(e.id) ?? []), ...(byLink.get(`${e.chainKey}#${e.seq}`) ?? [])];
    return found.length ? found : null;
  };
}
