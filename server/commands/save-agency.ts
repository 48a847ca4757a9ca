import type { EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { User } from "../entities/user.entity.js";
import { isDuplicateKey } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export interface AgencyInput {
  code?: string;
  name?: string;
  shortName?: string;
  headUserId?: number | null;
  email?: string | null;
  active?: boolean;
  /** Its answers wait for an operator's approval before they reach the citizen. */
  answerReview?: boolean;
}

/** `code` names a violation the console translates (the HTTP error code; "conflict" without it). */
export type SaveOutcome<T> = { kind: "ok"; value: T } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string; code?: string };

/** Creates (id null) or updates an OPD; the head must be an opd_head of that OPD. */
export async function saveAgency(m: EntityManager, ctx: CommandContext, id: number | null, input: AgencyInput): Promise<SaveOutcome<Agency>> {
  const repo = m.getRepository(Agency);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `OPD ${id}` };
  if (input.headUserId != null) {
    const head = await m.getRepository(User).findOneBy({ id: input.headUserId });
    if (!head || head.role !== "opd_head" || (id != null && head.agencyId !== id)) {
      return { kind: "violation", reason: "the head must be an active opd_head user of this OPD" };
    }
  }
  const before = existing ? { ...existing } : undefined;
  const row = existing ?? repo.create({ active: true, headUserId: null, email: null, createdAt: ctx.at });
  row.updatedAt = ctx.at;
  Object.assign(row, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  try {
    const saved = await repo.save(row);
    await appendAuditEvent(m, { actor: ctx.actor, type: existing ? "agency.updated" : "agency.created", entityType: "agency", entityId: saved.id, before, after: { ...saved }, at: ctx.at });
    return { kind: "ok", value: saved };
  } catch (err) {
    if (isDuplicateKey(err)) return { kind: "violation", reason: `an OPD with code ${input.code} already exists` };
    throw err;
  }
}
