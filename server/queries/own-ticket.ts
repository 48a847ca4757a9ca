import type { EntityManager } from "typeorm";
import { followMerged } from "../../channels/rules/merged-tickets.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Ticket } from "../entities/ticket.entity.js";

/**
 * The ticket `number` names (followed through merges) when the contact asking reported it; null
 * otherwise, also for a number that does not exist: a stranger learns nothing (no enumeration).
 * A citizen whose report joined another citizen's case (a case cluster) gets the case's status
 * under their own number. Answers "STATUS ADU-…" by message and the IVR's status lookup alike.
 */
export async function ownTicketByNumber(m: EntityManager, number: string, contactId: number | null): Promise<Ticket | null> {
  if (contactId === null) return null;
  const named = await m.getRepository(Ticket).findOneBy({ number });
  const ticket = await followMerged(named, (id) => m.getRepository(Ticket).findOneBy({ id }));
  if (!ticket || !named) return null;
  if (ticket.contactId === contactId) return ticket;
  return named.contactId === contactId ? Object.assign(new Ticket(), ticket, { number: named.number }) : null;
}

/** The contact a phone number (E.164) belongs to, or null. */
export async function contactIdOfPhone(m: EntityManager, phone: string): Promise<number | null> {
  return (await m.getRepository(ContactIdentity).findOneBy({ channel: "sms", address: phone }))?.contactId ?? null;
}
