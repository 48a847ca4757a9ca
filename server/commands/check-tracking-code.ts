import { IsNull, type EntityManager } from "typeorm";
import { TrackingCode } from "../entities/tracking-code.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { safeEqualStrings } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { TRACKING_CODE_ATTEMPTS, trackingCodeHash } from "./tracking-secrets.js";

export type CheckTrackingCodeOutcome = { kind: "ok"; ticket: Ticket } | { kind: "invalid" };

/**
 * Spends a one-time code: right, unexpired and unused opens the ticket once. A ticket may have
 * several live codes (asking for a new one cancels none); a wrong guess counts against each of
 * them, so more codes give no more guesses (they die after TRACKING_CODE_ATTEMPTS). Unknown
 * numbers, missing, expired and wrong codes are all the same "invalid".
 */
export async function checkTrackingCode(m: EntityManager, ctx: CommandContext, input: { number: string; code: string }): Promise<CheckTrackingCodeOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ number: input.number.toUpperCase() });
  const given = trackingCodeHash(ctx.secretKey, ticket?.id ?? 0, input.code.replace(/\D/g, ""));
  if (!ticket) return { kind: "invalid" };
  const codes = m.getRepository(TrackingCode);
  const mysql = m.connection.options.type === "mysql";
  const live = (
    await codes.find({ where: { ticketId: ticket.id, usedAt: IsNull() }, order: { id: "DESC" }, take: 20, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) })
  ).filter((c) => c.expiresAt.getTime() > ctx.at.getTime() && c.attempts < TRACKING_CODE_ATTEMPTS);
  let match: TrackingCode | undefined;
  for (const c of live) if (safeEqualStrings(c.codeHash, given) && !match) match = c;
  if (!match) {
    for (const c of live) await codes.update({ id: c.id }, { attempts: c.attempts + 1 });
    return { kind: "invalid" };
  }
  await codes.update({ id: match.id }, { usedAt: ctx.at });
  await appendAuditEvent(m, { actor: ctx.actor, type: "ticket.tracking_code_used", entityType: "ticket", entityId: ticket.id, ticketId: ticket.id, at: ctx.at });
  return { kind: "ok", ticket };
}
