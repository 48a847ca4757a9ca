import type { EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
import { User } from "../entities/user.entity.js";
import { isCenterRole } from "../domain/access/roles.js";
import { isDuplicateKey } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import type { SaveOutcome } from "./save-agency.js";

export interface CategoryInput {
  code?: string;
  name?: string;
  nameEn?: string | null;
  description?: string | null;
  defaultAgencyId?: number | null;
  complaintClass?: string;
  isPublic?: boolean;
  active?: boolean;
  /** Answers on its tickets wait for an operator's approval before they reach the citizen. */
  answerReview?: boolean;
  /** An OPD answer claiming a physical fix needs an "after" photo and a supervisor's (or the checker's) confirmation. */
  fieldCheck?: boolean;
  fieldCheckerUserId?: number | null;
  autoForwardThreshold?: number | null;
}

export async function saveCategory(m: EntityManager, ctx: CommandContext, id: number | null, input: CategoryInput): Promise<SaveOutcome<Category>> {
  const repo = m.getRepository(Category);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `category ${id}` };
  if (input.defaultAgencyId != null && !(await m.getRepository(Agency).findOneBy({ id: input.defaultAgencyId }))) {
    return { kind: "not_found", what: `OPD ${input.defaultAgencyId}` };
  }
  if (input.fieldCheckerUserId != null) {
    const checker = await m.getRepository(User).findOneBy({ id: input.fieldCheckerUserId });
    if (!checker) return { kind: "not_found", what: `user ${input.fieldCheckerUserId}` };
    if (!checker.active || !isCenterRole(checker.role)) {
      return { kind: "violation", reason: "the field checker must be an active operator or supervisor (pemeriksa lapangan harus operator atau supervisor yang aktif)" };
    }
  }
  const before = existing ? { ...existing } : undefined;
  const row = existing ?? repo.create({ active: true, isPublic: true, complaintClass: "general", nameEn: null, description: null, defaultAgencyId: null, autoForwardThreshold: null, fieldCheck: false, fieldCheckerUserId: null, createdAt: ctx.at });
  row.updatedAt = ctx.at;
  Object.assign(row, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  try {
    const saved = await repo.save(row);
    await appendAuditEvent(m, { actor: ctx.actor, type: existing ? "category.updated" : "category.created", entityType: "category", entityId: saved.id, before, after: { ...saved }, at: ctx.at });
    return { kind: "ok", value: saved };
  } catch (err) {
    if (isDuplicateKey(err)) return { kind: "violation", reason: `a category with code ${input.code} already exists` };
    throw err;
  }
}
