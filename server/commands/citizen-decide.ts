import type { EntityManager } from "typeorm";
import { Ticket } from "../entities/ticket.entity.js";
import type { CommandContext } from "./context.js";
import { transitionTicket, type TransitionOutcome } from "./transition-ticket.js";

export type CitizenDecision = { decision: "confirm" } | { decision: "dispute"; reason: string };

/**
 * The citizen's word on the answer, from the tracking page: "solved" resolves an answered ticket
 * (and closes a resolved one); "not solved" reopens it within the dispute window. The lifecycle
 * decides what is allowed, as for operators.
 */
export async function citizenDecide(m: EntityManager, ctx: CommandContext, ticketId: number, input: CitizenDecision): Promise<TransitionOutcome> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: ticketId });
  if (!ticket) return { kind: "not_found", what: `ticket ${ticketId}` };
  if (input.decision === "dispute") return transitionTicket(m, ctx, ticketId, { action: "reopen", reason: input.reason });
  if (ticket.status === "answered") return transitionTicket(m, ctx, ticketId, { action: "resolve", note: "Dikonfirmasi selesai oleh pelapor / confirmed resolved by the citizen" });
  if (ticket.status === "resolved") return transitionTicket(m, ctx, ticketId, { action: "close" });
  return { kind: "violation", reason: `nothing to confirm while the ticket is ${ticket.status}` };
}
