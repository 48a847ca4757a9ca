import { randomInt } from "node:crypto";
import type { EntityManager } from "typeorm";
import { TrackingCode } from "../entities/tracking-code.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { hmacHex } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { DEFAULT_LOCALE, findReplyRoute, queueOutbound, renderTemplate } from "./queue-outbound.js";

export const TRACKING_CODE_MINUTES = 10;
/** Wrong guesses a code survives. */
export const TRACKING_CODE_ATTEMPTS = 5;

export const trackingCodeHash = (key: string, ticketId: number, code: string) => hmacHex(key, `tracking-code:${ticketId}:${code}`);

export type IssueTrackingCodeOutcome = { kind: "sent"; ticketId: number } | { kind: "unknown" } | { kind: "unreachable" };

/**
 * A one-time code to open the tracking page, sent on the channel the citizen used (the same route
 * answers take). Earlier codes of the ticket die. The outcome is for logs and tests only: the page
 * answers the same whatever it is, so nobody learns whether a number exists.
 */
export async function issueTrackingCode(m: EntityManager, ctx: CommandContext, input: { number: string; locale?: string }): Promise<IssueTrackingCodeOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ number: input.number.toUpperCase() });
  if (!ticket) return { kind: "unknown" };
  const route = await findReplyRoute(m, ticket);
  if (!route) return { kind: "unreachable" };
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const codes = m.getRepository(TrackingCode);
  await codes.createQueryBuilder().update().set({ expiresAt: ctx.at }).where("ticket_id = :id AND used_at IS NULL AND expires_at > :at", { id: ticket.id, at: ctx.at }).execute();
  await codes.insert({
    ticketId: ticket.id,
    codeHash: trackingCodeHash(ctx.secretKey, ticket.id, code),
    attempts: 0,
    expiresAt: new Date(ctx.at.getTime() + TRACKING_CODE_MINUTES * 60_000),
    usedAt: null,
    createdAt: ctx.at,
  });
  const text = (await renderTemplate(m, "tracking_code", input.locale ?? DEFAULT_LOCALE, { number: ticket.number, code, minutes: TRACKING_CODE_MINUTES })) ?? {
    subject: null,
    body: `Kode pelacakan ${ticket.number}: ${code}`,
  };
  // Not a ticket message: the code must not sit in the conversation operators and the timeline show.
  await queueOutbound(m, ctx, { route, ticket: null, body: text.body, subject: text.subject, automated: true, auditType: "message.tracking_code_queued" });
  await appendAuditEvent(m, { actor: ctx.actor, type: "ticket.tracking_code_issued", entityType: "ticket", entityId: ticket.id, ticketId: ticket.id, after: { channelAccountId: route.account.id }, at: ctx.at });
  return { kind: "sent", ticketId: ticket.id };
}
