import type { EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { Category } from "../entities/category.entity.js";
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
}

export async function saveCategory(m: EntityManager, ctx: CommandContext, id: number | null, input: CategoryInput): Promise<SaveOutcome<Category>> {
  const repo = m.getRepository(Category);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `category ${id}` };
  if (input.defaultAgencyId != null && !(await m.getRepository(Agency).findOneBy({ id: input.defaultAgencyId }))) {
    return { kind: "not_found", what: `OPD ${input.defaultAgencyId}` };
  }
  const before = existing ? { ...existing } : undefined;
  const row = existing ?? repo.create({ active: true, isPublic: true, complaintClass: "general", nameEn: null, description: null, defaultAgencyId: null, createdAt: ctx.at });
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
