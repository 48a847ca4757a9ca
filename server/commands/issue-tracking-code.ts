import type { EntityManager } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { DEFAULT_LOCALE, findReplyRoute, queueOutbound, renderTemplate } from "./queue-outbound.js";
import { TRACKING_CODE_MINUTES, TRACKING_CODE_SENT } from "./tracking-secrets.js";

export { TRACKING_CODE_ATTEMPTS, TRACKING_CODE_MINUTES, trackingCodeHash } from "./tracking-secrets.js";

export type IssueTrackingCodeOutcome = { kind: "sent"; ticketId: number } | { kind: "unknown" } | { kind: "unreachable" };

/**
 * A one-time code to open the tracking page, sent on the channel the citizen used (the same route
 * answers take). The code itself is minted when the message is handed to the provider (see
 * tracking-secrets.ts): the outbox keeps a placeholder, `tracking_codes` the code's hash. Earlier
 * codes and links stay valid, so a stranger asking for a code for someone's number cancels nothing
 * (how often may be asked is limited per number and per address by the page). The outcome is for
 * logs and tests only: the page answers the same whatever it is, so nobody learns whether a number exists.
 */
export async function issueTrackingCode(m: EntityManager, ctx: CommandContext, input: { number: string; locale?: string }): Promise<IssueTrackingCodeOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ number: input.number.toUpperCase() });
  if (!ticket) return { kind: "unknown" };
  const route = await findReplyRoute(m, ticket);
  if (!route) return { kind: "unreachable" };
  const text = (await renderTemplate(m, "tracking_code", input.locale ?? DEFAULT_LOCALE, { number: ticket.number, code: TRACKING_CODE_SENT, minutes: TRACKING_CODE_MINUTES })) ?? {
    subject: null,
    body: `Kode pelacakan ${ticket.number}: ${TRACKING_CODE_SENT}`,
  };
  // Not a ticket message: the code must not sit in the conversation operators and the timeline show.
  await queueOutbound(m, ctx, { route, ticket: null, body: text.body, subject: text.subject, automated: true, auditType: "message.tracking_code_queued", secret: { kind: "code", ticketId: ticket.id } });
  await appendAuditEvent(m, { actor: ctx.actor, type: "ticket.tracking_code_issued", entityType: "ticket", entityId: ticket.id, ticketId: ticket.id, after: { channelAccountId: route.account.id }, at: ctx.at });
  return { kind: "sent", ticketId: ticket.id };
}
