import type { EntityManager } from "typeorm";
import { isOpdRole, type Role } from "../domain/access/roles.js";
import { Agency } from "../entities/agency.entity.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { hashPassword, randomToken } from "../lib/crypto.js";
import { isDuplicateKey } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import type { SaveOutcome } from "./save-agency.js";

export interface UserInput {
  email?: string;
  name?: string;
  role?: Role;
  agencyId?: number | null;
  phone?: string | null;
  locale?: string;
  active?: boolean;
  password?: string;
}

/**
 * Creates or updates a user. A new user without a password gets a generated one, returned once.
 * Deactivating or changing the password ends the user's sessions.
 */
export async function saveUser(m: EntityManager, ctx: CommandContext, id: number | null, input: UserInput): Promise<SaveOutcome<{ user: User; initialPassword?: string }>> {
  const repo = m.getRepository(User);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `user ${id}` };
  const role = input.role ?? existing?.role;
  const agencyId = input.agencyId !== undefined ? input.agencyId : existing?.agencyId ?? null;
  if (!role) return { kind: "violation", reason: "role is required" };
  if (isOpdRole(role) && agencyId == null) return { kind: "violation", reason: `${role} users must belong to an OPD (agencyId)` };
  if (!isOpdRole(role) && agencyId != null) return { kind: "violation", reason: `${role} users do not belong to an OPD; leave agencyId empty` };
  if (agencyId != null && !(await m.getRepository(Agency).findOneBy({ id: agencyId }))) return { kind: "not_found", what: `OPD ${agencyId}` };
  if (existing && existing.id === ctx.actor.userId && (input.active === false || (input.role && input.role !== "admin"))) {
    return { kind: "violation", reason: "you cannot deactivate or demote yourself" };
  }

  let initialPassword: string | undefined;
  const password = input.password ?? (existing ? undefined : (initialPassword = randomToken(12)));
  const before = existing ? { email: existing.email, name: existing.name, role: existing.role, agencyId: existing.agencyId, active: existing.active } : undefined;
  const row = existing ?? repo.create({ locale: "id", active: true, phone: null, lastLoginAt: null, createdAt: ctx.at });
  row.updatedAt = ctx.at;
  const { password: _pw, ...rest } = input;
  Object.assign(row, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
  row.role = role;
  row.agencyId = agencyId;
  if (row.email) row.email = row.email.trim().toLowerCase();
  if (password) row.passwordHash = await hashPassword(password);
  try {
    const saved = await repo.save(row);
    if (existing && (password || input.active === false)) await m.getRepository(Session).delete({ userId: saved.id });
    await appendAuditEvent(m, {
      actor: ctx.actor,
      type: existing ? "user.updated" : "user.created",
      entityType: "user",
      entityId: saved.id,
      before,
      after: { email: saved.email, name: saved.name, role: saved.role, agencyId: saved.agencyId, active: saved.active, passwordChanged: Boolean(password) },
      at: ctx.at,
    });
    return { kind: "ok", value: { user: saved, initialPassword } };
  } catch (err) {
    if (isDuplicateKey(err)) return { kind: "violation", reason: `a user with e-mail ${row.email} already exists` };
    throw err;
  }
}
