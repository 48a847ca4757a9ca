import type { EntityManager } from "typeorm";
import { TrackingCode } from "../entities/tracking-code.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { safeEqualStrings } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { TRACKING_CODE_ATTEMPTS, trackingCodeHash } from "./issue-tracking-code.js";

export type CheckTrackingCodeOutcome = { kind: "ok"; ticket: Ticket } | { kind: "invalid" };

/**
 * Spends a one-time code: right, unexpired and unused opens the ticket once; a wrong guess counts
 * against the code (it dies after TRACKING_CODE_ATTEMPTS). Unknown numbers, missing, expired and
 * wrong codes are all the same "invalid".
 */
export async function checkTrackingCode(m: EntityManager, ctx: CommandContext, input: { number: string; code: string }): Promise<CheckTrackingCodeOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ number: input.number.toUpperCase() });
  const given = trackingCodeHash(ctx.secretKey, ticket?.id ?? 0, input.code.replace(/\D/g, ""));
  if (!ticket) return { kind: "invalid" };
  const codes = m.getRepository(TrackingCode);
  const mysql = m.connection.options.type === "mysql";
  const code = await codes.findOne({ where: { ticketId: ticket.id }, order: { id: "DESC" }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  if (!code || code.usedAt || code.expiresAt.getTime() <= ctx.at.getTime() || code.attempts >= TRACKING_CODE_ATTEMPTS) return { kind: "invalid" };
  if (!safeEqualStrings(code.codeHash, given)) {
    await codes.update({ id: code.id }, { attempts: code.attempts + 1 });
    return { kind: "invalid" };
  }
  await codes.update({ id: code.id }, { usedAt: ctx.at });
  await appendAuditEvent(m, { actor: ctx.actor, type: "ticket.tracking_code_used", entityType: "ticket", entityId: ticket.id, ticketId: ticket.id, at: ctx.at });
  return { kind: "ok", ticket };
}
