import type { EntityManager } from "typeorm";
import { isValidLocation } from "../../channels/connector.js";
import { TicketLocation } from "../entities/map.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { queuePublicReportRefresh } from "./queue-public-report-refresh.js";

/**
 * Stores a point on a ticket (the citizen's shared location, the web form's pick, Open311's
 * lat/long), in the caller's transaction: the ticket's latitude/longitude and its row in
 * `ticket_locations`, the map's index. An invalid point (isValidLocation) is not stored: false.
 * The point arrives with an inbound message or request whose own audit event records it.
 */
export async function setTicketLocation(m: EntityManager, ticket: Ticket, point: { latitude: number; longitude: number } | null | undefined): Promise<boolean> {
  if (!isValidLocation(point)) return false;
  const latitude = point.latitude.toFixed(7);
  const longitude = point.longitude.toFixed(7);
  await m.getRepository(Ticket).update({ id: ticket.id }, { latitude, longitude });
  Object.assign(ticket, { latitude, longitude });
  const rows = m.getRepository(TicketLocation);
  if (await rows.existsBy({ ticketId: ticket.id })) await rows.update({ ticketId: ticket.id }, { latitude, longitude });
  else await rows.insert({ ticketId: ticket.id, receivedAt: ticket.receivedAt, latitude, longitude });
  // Its public row too (Open311's lat/long): the inbound message's own event does not recompute it.
  await queuePublicReportRefresh(m, { ticketIds: [ticket.id], at: ticket.updatedAt ?? new Date() });
  return true;
}

/** Forgets a ticket's point (erasure of the reporter's personal data): the ticket's columns and the map's row. */
export async function clearTicketLocation(m: EntityManager, ticketIds: number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await m.getRepository(TicketLocation).delete(ticketIds.map((ticketId) => ({ ticketId })));
}
