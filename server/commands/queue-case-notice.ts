import type { EntityManager } from "typeorm";
import type { Ticket } from "../entities/ticket.entity.js";
import { clusterMembersOf } from "../queries/case-cluster.js";
import type { CommandContext } from "./context.js";
import { DEFAULT_LOCALE, findReplyRoute, queueTicketNotice } from "./queue-outbound.js";

/**
 * A status notice or the answer of a case to every reporter of its cluster: the primary ticket's
 * citizen and each member ticket's citizen, each on their own channel and under their own ticket
 * number (and so their own tracking page). A citizen reachable at one address hears it once. The
 * notice is rendered per ticket from the template: no reporter's data reaches another reporter.
 */
export async function queueCaseNotice(
  m: EntityManager,
  ctx: CommandContext,
  primary: Ticket,
  key: string,
  vars: Record<string, string | number | null | undefined>,
): Promise<number> {
  const seen = new Set<string>();
  let queued = 0;
  for (const t of [primary, ...(await clusterMembersOf(m, primary.id))]) {
    const route = await findReplyRoute(m, t);
    if (!route) continue;
    const address = `${route.account.id}|${route.to.toLowerCase()}`;
    if (seen.has(address)) continue;
    seen.add(address);
    if (await queueTicketNotice(m, ctx, t, key, vars, DEFAULT_LOCALE, route)) queued++;
  }
  return queued;
}
