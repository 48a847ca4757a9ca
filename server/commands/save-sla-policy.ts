import type { EntityManager } from "typeorm";
import type { SlaPolicy } from "../domain/sla/policy.js";
import { Calendar } from "../entities/calendar.entity.js";
import { Category } from "../entities/category.entity.js";
import { SlaPolicyRow } from "../entities/sla.entity.js";
import { clearSlaSettingsCache } from "../clocks/sla-settings.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import type { SaveOutcome } from "./save-agency.js";

export interface SlaPolicyInput {
  name?: string;
  /** Applies to this category (takes precedence over a class policy). */
  categoryId?: number | null;
  /** Applies to this complaint class when no category policy matches. */
  complaintClass?: string | null;
  calendarId?: number | null;
  /** Only for tickets of this priority (criticality); null: any. */
  priority?: "low" | "normal" | "high" | "urgent" | null;
  definition?: SlaPolicy;
  active?: boolean;
}

/**
 * Creates (id null) or updates an SLA policy. Only one active policy may apply to a category,
 * to a class, or as the default (neither). Open tickets' clocks are recomputed by the caller
 * (a background job) after the commit.
 */
export async function saveSlaPolicy(m: EntityManager, ctx: CommandContext, id: number | null, input: SlaPolicyInput): Promise<SaveOutcome<SlaPolicyRow>> {
  const repo = m.getRepository(SlaPolicyRow);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `SLA policy ${id}` };
  if (!existing && (!input.name || !input.definition)) return { kind: "violation", reason: "a new policy needs name and definition" };
  if (input.categoryId != null && !(await m.getRepository(Category).findOneBy({ id: input.categoryId }))) return { kind: "not_found", what: `category ${input.categoryId}` };
  if (input.calendarId != null && !(await m.getRepository(Calendar).findOneBy({ id: input.calendarId }))) return { kind: "not_found", what: `calendar ${input.calendarId}` };
  const before = existing ? { ...existing } : undefined;
  const row = existing ?? repo.create({ categoryId: null, complaintClass: null, calendarId: null, priority: null, active: true, createdAt: ctx.at });
  if (input.name !== undefined) row.name = input.name;
  if (input.categoryId !== undefined) row.categoryId = input.categoryId;
  if (input.complaintClass !== undefined) row.complaintClass = input.complaintClass;
  if (input.calendarId !== undefined) row.calendarId = input.calendarId;
  if (input.priority !== undefined) row.priority = input.priority;
  if (input.definition !== undefined) row.definition = JSON.stringify(input.definition);
  if (input.active !== undefined) row.active = input.active;
  if (row.categoryId != null && row.complaintClass != null) return { kind: "violation", code: "sla_policy_scope", reason: "a policy applies to a category or to a complaint class, not both" };
  if (row.active) {
    const clash = (await repo.find({ where: { active: true } })).find(
      (p) =>
        p.id !== row.id &&
        (p.categoryId ?? null) === (row.categoryId ?? null) &&
        (p.complaintClass ?? null) === (row.complaintClass ?? null) &&
        (p.priority ?? null) === (row.priority ?? null),
    );
    if (clash) return { kind: "violation", code: "sla_policy_clash", reason: `the active policy ${clash.id} (${clash.name}) already applies to the same ${row.categoryId != null ? "category" : row.complaintClass != null ? "complaint class" : "default scope"}` };
  } else if (existing?.active && row.categoryId == null && row.complaintClass == null && row.priority == null) {
    return { kind: "violation", code: "sla_default_policy", reason: "the default policy cannot be deactivated; edit it instead" };
  }
  row.updatedAt = ctx.at;
  const saved = await repo.save(row);
  await appendAuditEvent(m, { actor: ctx.actor, type: existing ? "sla_policy.updated" : "sla_policy.created", entityType: "sla_policy", entityId: saved.id, before, after: { ...saved }, at: ctx.at });
  clearSlaSettingsCache();
  return { kind: "ok", value: saved };
}
