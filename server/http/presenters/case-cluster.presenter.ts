import type { Ticket } from "../../entities/ticket.entity.js";
import type { OpenedTicket } from "../../queries/access-gate.js";

/** A ticket of a case cluster as the access gate opened it: its reporter as the viewer may know them, its text through the field rule. */
function presentClusterTicket(o: OpenedTicket) {
  const t = o.ticket;
  return {
    id: t.id,
    number: t.number,
    status: t.status,
    channel: t.channel,
    receivedAt: t.receivedAt,
    description: o.text(t.description),
    reporter: o.reporter ? { name: o.reporter.name } : null,
    withheld: o.withheld,
  };
}

/**
 * A case cluster for the console: the primary and the members this viewer may open (an OPD sees
 * the primary it works on and, of the members, only how many there are).
 */
export function presentCaseCluster(primary: Ticket, members: Ticket[], opened: Map<number, OpenedTicket>) {
  const p = opened.get(primary.id);
  return {
    primary: p ? presentClusterTicket(p) : { id: primary.id, number: primary.number, status: primary.status },
    memberCount: members.length,
    members: members.flatMap((t) => {
      const o = opened.get(t.id);
      return o ? [presentClusterTicket(o)] : [];
    }),
  };
}
